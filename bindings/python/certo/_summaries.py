# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The typed answers of the whole-library helpers: counts, the compliance report, export,
import and the people sync (certo.Engine.counts, report, export, import_file, sync_people).

They are frozen dataclasses with the JSON API's field names (``subscriber_name``,
``date_expire``, ...), dates as ``datetime.date``. Built from the JSON API's answers, they keep
the fields they know and ignore any the engine adds later, so a newer engine cannot break them.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Mapping, Optional, Type, TypeVar

from ._types import Response
from ._vocabulary import Status

_T = TypeVar("_T")


def _day(value: Any) -> Any:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _build(cls: Type[_T], data: Mapping[str, Any], **extra: Any) -> _T:
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    values.update(extra)
    return cls(**values)


@dataclass(frozen=True)
class StatusCounts:
    """How many subscriptions are in each status (``counts["EXPIRED"]`` works too)."""

    new: int
    valid: int
    expiring: int
    expired: int

    @property
    def total(self) -> int:
        return self.new + self.valid + self.expiring + self.expired

    @property
    def compliance(self) -> Optional[float]:
        """(VALID + EXPIRING) / total as a percentage 0..100, None without rows."""
        if not self.total:
            return None
        return 100.0 * (self.valid + self.expiring) / self.total

    def __getitem__(self, status: Status) -> int:
        return {"NEW": self.new, "VALID": self.valid, "EXPIRING": self.expiring,
                "EXPIRED": self.expired}[status]

    def as_dict(self) -> Dict[str, int]:
        """``{"NEW": n, "VALID": n, "EXPIRING": n, "EXPIRED": n}``."""
        return {"NEW": self.new, "VALID": self.valid, "EXPIRING": self.expiring,
                "EXPIRED": self.expired}

    @classmethod
    def _from_json(cls, data: Mapping[str, Any]) -> "StatusCounts":
        return cls(int(data["NEW"]), int(data["VALID"]), int(data["EXPIRING"]),
                   int(data["EXPIRED"]))


@dataclass(frozen=True)
class OfficeCounts:
    """The counts of one office in a :class:`Report`."""

    office_id: str
    office_name: str
    counts: StatusCounts


@dataclass(frozen=True)
class ActionTypeCounts:
    """The counts of one action type (TRAINING, HEALTH, ...) in a :class:`Report`."""

    action_type: str
    counts: StatusCounts


@dataclass(frozen=True)
class ReportEntry:
    """One row of a report's expired or expiring list."""

    action_subscription_id: str
    status: Status
    date_expire: datetime.date
    """The cover's last valid day."""
    days: int
    """EXPIRED: days since ``date_expire`` (>= 1); otherwise days left until it (0: today)."""
    certificate_date_release: Optional[datetime.date]
    subscriber_type: str
    subscriber_id: str
    subscriber_code: Optional[str]
    subscriber_name: str
    action_id: str
    action_code: Optional[str]
    action_name: str
    action_type: str
    office_id: str
    office_name: str


@dataclass(frozen=True)
class ReportIncident:
    """An open incident without a corrective action."""

    office_incident_id: str
    code: Optional[str]
    name: str
    date_incident: datetime.date
    category: Optional[str]
    status: str
    days_open: int
    office_id: str
    office_name: str
    people_involved: int = 0
    people_out_of_compliance: int = 0
    """How many involved people had a requirement NEW or EXPIRED on ``date_incident``."""


@dataclass(frozen=True)
class MonthCount:
    """How many covers run out in one calendar month (``"YYYY-MM"``)."""

    month: str
    count: int


@dataclass(frozen=True)
class Report:
    """The compliance report (:meth:`certo.Engine.report`; ``certo report``)."""

    as_of: datetime.date
    days: int
    """The look-ahead of the expiring list."""
    totals: StatusCounts
    offices: List[OfficeCounts]
    action_types: List[ActionTypeCounts]
    expired: List[ReportEntry]
    """Most overdue first; at most ``limit`` rows (``expired_total`` counts them all)."""
    expired_total: int
    expiring: List[ReportEntry]
    """Soonest first; at most ``limit`` rows (``expiring_total`` counts them all)."""
    expiring_total: int
    expiries_by_month: List[MonthCount]
    open_incidents: List[ReportIncident]
    open_incidents_total: int
    trend: List[Dict[str, Any]] = dataclasses.field(default_factory=list)
    """Compliance over the last 12 months: ``{"date": datetime.date, "counts": {"NEW": n, ...},
    "total", "compliance"}`` on as_of - 11 months ... as_of, oldest first."""

    def __repr__(self) -> str:
        return (f"<certo.Report as of {self.as_of}: {self.totals.total} subscriptions, "
                f"{self.expired_total} expired, {self.expiring_total} expiring, "
                f"{self.open_incidents_total} open incidents>")


def _entry(data: Mapping[str, Any]) -> ReportEntry:
    return _build(ReportEntry, data, date_expire=_day(data["date_expire"]),
                  certificate_date_release=_day(data.get("certificate_date_release")))


def _report(data: Mapping[str, Any]) -> Report:
    return _build(
        Report, data,
        as_of=_day(data["as_of"]),
        totals=StatusCounts._from_json(data["totals"]),
        offices=[OfficeCounts(o["office_id"], o["office_name"], StatusCounts._from_json(o))
                 for o in data["offices"]],
        action_types=[ActionTypeCounts(t["action_type"], StatusCounts._from_json(t))
                      for t in data["action_types"]],
        expired=[_entry(e) for e in data["expired"]],
        expiring=[_entry(e) for e in data["expiring"]],
        expiries_by_month=[_build(MonthCount, m) for m in data["expiries_by_month"]],
        open_incidents=[_build(ReportIncident, i, date_incident=_day(i["date_incident"]))
                        for i in data["open_incidents"]],
        trend=[dict(p, date=_day(p["date"])) for p in data.get("trend", [])])


@dataclass(frozen=True)
class ExportResult:
    """What :meth:`certo.Engine.export` wrote."""

    path: str
    requests: int
    """Lines written: one request each."""


@dataclass(frozen=True)
class ImportFailure:
    """A line of :meth:`certo.Engine.import_file` (``each=True``) that was not applied."""

    line: int
    response: Response
    """The JSON API's answer to it (``response.body["message"]`` or a 422's field list)."""


@dataclass(frozen=True)
class ImportResult:
    """What :meth:`certo.Engine.import_file` applied."""

    applied: int
    """Requests applied."""
    failures: List[ImportFailure] = field(default_factory=list)
    """Lines that failed (``each=True`` only: otherwise a failure raises), by line number."""

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class PeopleSyncChange:
    """One change of a people sync."""

    kind: Literal["create", "update", "restore", "historicize"]
    line: int
    """The row's line in the file; 0 for ``historicize`` (the person is absent from it)."""
    person_id: str
    """"" for a create that was not written (dry run, errors, cap)."""
    key: str
    """The match key's value (code or tax_code)."""
    name: str
    fields: Dict[str, Any]
    """update and restore: ``{field: {"old": ..., "new": ...}}`` for each field that changes."""


@dataclass(frozen=True)
class PeopleSyncError:
    """A bad row of the roster (line 1 is the header)."""

    line: int
    field: str
    """The column, or "" for the row as a whole."""
    message: str


@dataclass(frozen=True)
class PeopleSyncResult:
    """The plan of a people sync, and whether it was written (:meth:`certo.Engine.sync_people`)."""

    changes: List[PeopleSyncChange]
    """Creates, updates and restores in file order, then historicizations by key."""
    unchanged: int
    """Rows that match a person and change nothing."""
    errors: List[PeopleSyncError]
    """Every bad row, by line; empty when the file is valid."""
    cap_exceeded: bool
    """More changes than ``max_changes``: nothing was written."""
    applied: bool
    """The changes were written."""

    def count(self, kind: Literal["create", "update", "restore", "historicize"]) -> int:
        """How many changes of one kind."""
        return sum(1 for c in self.changes if c.kind == kind)
