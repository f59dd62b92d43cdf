# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""certo: an embedded compliance engine for occupational health and safety, in one SQLite file.

    import certo

    with certo.Engine("company.certo", today="2026-11-22") as engine:
        project = engine.create("project", name="Rossi Costruzioni")
        expired = engine.subscriptions(status="EXPIRED")
        response = engine.request("POST", "/v2/person/index", {"sort": "last_name"})

Records are dicts shaped like the 4hse v2 API; dates are ``datetime.date`` or ``"YYYY-MM-DD"``.
Errors are :class:`certo.Error` subclasses. See README.md beside the package sources.
"""

from typing import List

from ._certo import __version__
from ._dates import DateLike
from ._engine import BulkRequest, Engine, Filter
from ._errors import (ERRORS_BY_CODE, BusyError, ClosedError, ConflictError, CorruptError, Error,
                      FieldError, IncompatibleError, InternalError, InvalidArgumentError,
                      NotFoundError, StorageError, TooLargeError, ValidationError)
from ._types import DeleteResult, Event, Page, Problem, Record, Response, RowRef, VerifyReport

#: Subscription statuses, in the order a subscription ages.
STATUSES = ("NEW", "VALID", "EXPIRING", "EXPIRED")


def collections() -> List[str]:
    """The collections this build knows, parents before children."""
    return Engine.collections()


__all__ = [
    "BulkRequest", "BusyError", "ClosedError", "ConflictError", "CorruptError", "DateLike",
    "DeleteResult", "ERRORS_BY_CODE", "Engine", "Error", "Event", "FieldError", "Filter",
    "IncompatibleError", "InternalError", "InvalidArgumentError", "NotFoundError", "Page",
    "Problem", "Record", "Response", "RowRef", "STATUSES", "StorageError", "TooLargeError",
    "ValidationError",
    "VerifyReport", "__version__", "collections",
]
