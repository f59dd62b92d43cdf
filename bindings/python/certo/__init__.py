# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""certo: an embedded compliance engine for occupational health and safety, in one SQLite file.

    import certo

    with certo.Engine("company.certo", today="2026-11-22", create=True) as engine:
        project = engine.create("project", name="Rossi Costruzioni")
        for row in engine.subscriptions(status="EXPIRED"):      # every row, page by page
            print(row["subscriber_name"], row["certificate_date_expire"])
        response = engine.request("POST", "/v2/person/index", {"sort": "last_name"})

Records are dicts shaped like the 4hse v2 API, their dates ``datetime.date``; dates given to
certo may be ``datetime.date`` or ``"YYYY-MM-DD"``. Errors are :class:`certo.Error` subclasses.
See README.md beside the package sources.
"""

import typing as _typing

from ._certo import __version__
from ._dates import DateLike
from ._engine import BulkRequest, Engine, Filter, ReviewResult, Transaction
from ._errors import (ERRORS_BY_CODE, BusyError, ClosedError, ConflictError, CorruptError, Error,
                      FieldError, IncompatibleError, InternalError, InvalidArgumentError,
                      NotFoundError, StorageError, TooLargeError, ValidationError)
from ._summaries import (ActionTypeCounts, ExportResult, ImportFailure, ImportResult, MonthCount,
                         OfficeCounts, PeopleSyncChange, PeopleSyncError, PeopleSyncResult, Report,
                         ReportEntry, ReportIncident, StatusCounts)
from ._types import (CompactResult, DeleteResult, Event, OutboxState, Page, Problem, Record,
                     Response, RowRef, Rows, VerifyReport)
from ._vocabulary import Collection, Status, VerifyDepth

#: Subscription statuses, in the order a subscription ages.
STATUSES: _typing.Tuple[Status, ...] = ("NEW", "VALID", "EXPIRING", "EXPIRED")


def collections() -> _typing.List[Collection]:
    """The collections this build knows, parents before children."""
    return Engine.collections()


__all__ = [
    "ActionTypeCounts", "BulkRequest", "BusyError", "ClosedError", "Collection", "CompactResult",
    "ConflictError", "CorruptError", "DateLike", "DeleteResult", "ERRORS_BY_CODE", "Engine",
    "Error", "Event", "ExportResult", "FieldError", "Filter", "ImportFailure", "ImportResult",
    "IncompatibleError", "InternalError", "InvalidArgumentError", "MonthCount", "NotFoundError",
    "OfficeCounts", "OutboxState", "Page", "PeopleSyncChange", "PeopleSyncError",
    "PeopleSyncResult", "Problem", "Record", "Report", "ReportEntry", "ReportIncident", "Response",
    "ReviewResult", "RowRef", "Rows",
    "STATUSES", "Status", "StatusCounts", "StorageError", "TooLargeError", "Transaction",
    "ValidationError", "VerifyDepth", "VerifyReport", "__version__", "collections",
]
