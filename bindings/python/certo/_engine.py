# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""certo.Engine: one certo file, opened, with the JSON API and Pythonic helpers."""

from __future__ import annotations

import datetime
import json
import os
from types import TracebackType
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Literal, Mapping, NamedTuple,
                    Optional, Sequence, Tuple, Type, TypeVar, Union, cast, overload)

from . import _certo
from ._dates import DateLike, iso, iso_or_none, to_date, typed, typed_payload, typed_rows
from ._errors import (Error, InvalidArgumentError, StorageError, ValidationError, _from_response,
                      _from_status)
from ._summaries import (ExportResult, ImportFailure, ImportResult, PeopleSyncChange,
                         PeopleSyncError, PeopleSyncResult, Report, StatusCounts, _report)
from ._types import (CompactResult, DeleteResult, Event, OutboxState, Page, Problem, Record,
                     Response, RowRef, Rows, VerifyReport)
from ._vocabulary import Collection, Status, VerifyDepth

T = TypeVar("T")

#: A filter: field -> value. A list means "any of"; a dict of operators ``<``, ``<=``, ``>``,
#: ``>=`` is a range on a sortable field, e.g. ``{"certificate_date_expire": {"<=": day}}``.
#: Dates may be ``datetime.date``.
Filter = Mapping[str, Any]

#: One JSON API request for :meth:`Engine.bulk_import`: ``{"method", "path", "body"}`` (the
#: format of ``certo api --batch``) or a tuple ``(method, path)`` / ``(method, path, body)``.
BulkRequest = Union[Mapping[str, Any], Tuple[str, str], Tuple[str, str, Any]]

_INT32_MAX = 2**31 - 1
_INT64_MAX = 2**63 - 1


def _int(value: int, name: str, lo: int, hi: int) -> int:
    """value as an int the C++ side can take; out-of-range values are clamped to a value that
    the engine rejects with its own message (or, for page, treats as past the end)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected an int, not {type(value).__name__}")
    return max(lo, min(hi, value))


def _page_args(page: int, per_page: int) -> Tuple[int, int]:
    return _int(per_page, "per_page", 0, 1001), _int(page, "page", 0, _INT32_MAX)


def _page(raw: Tuple[List[Record], int, int, int, int], collection: str) -> Page:
    rows, total, page, per_page, pages = raw
    return Page(typed_rows(rows, collection), total, page, per_page, pages, collection)


def _response(raw: Tuple[int, List[Tuple[str, str]], Any]) -> Response:
    status, headers, body = raw
    return Response(status, dict(headers), body)


def _filter(value: Optional[Filter]) -> Any:
    # A mapping becomes a dict for the C++ side; anything else goes through so that the engine
    # answers with its own "filter: must be an object of field: value".
    return dict(value) if isinstance(value, Mapping) else value


def _record(base: Optional[Mapping[str, Any]], fields: Dict[str, Any], what: str) -> Dict[str, Any]:
    if base is None:
        return dict(fields)
    if not isinstance(base, Mapping):
        raise TypeError(f"{what} must be a mapping of field: value, not {type(base).__name__}")
    merged = dict(base)
    merged.update(fields)
    return merged


class ReviewResult(NamedTuple):
    """One line-item action's result (Engine.review_decide): error is None when it was applied
    (or, replayed=True, had been applied before under the same request_id); otherwise the
    certo error it failed with, the same class a single call raises. A failed entry changed
    nothing."""
    request_id: str
    line_item_id: int
    action: str
    replayed: bool
    error: Optional[Error]


def _dict(value: Any) -> Dict[str, Any]:
    return cast(Dict[str, Any], value)


def _review_action(entry: Mapping[str, Any]) -> Dict[str, Any]:
    out = dict(entry)
    if out.get("end_date") is not None:
        out["end_date"] = iso(out["end_date"], "end_date")
    return out


class Engine:
    """One certo file (or ``":memory:"``), opened.

    ``Engine(path, today=None, *, create=False, busy_timeout=5.0, cache_size_kib=65536)``

    * ``create=True`` makes a new, empty certo file when ``path`` does not exist (or is a
      zero-byte file), like ``certo --create``. By default a missing file is an error
      (:class:`certo.StorageError` naming the file), so a typo in a path cannot silently start
      an empty company; a zero-byte file is refused as not a certo file.
    * ``today`` pins the engine's date (a ``datetime.date`` or ``"YYYY-MM-DD"``); default: the
      local date at each call. Compliance status, retirement and default dates follow it.
    * ``busy_timeout`` is how long, in seconds, a write waits for another connection's lock
      before :class:`certo.BusyError`.
    * A file that cannot be written (read-only file or directory) opens read-only: reads work,
      writes raise :class:`certo.StorageError`.

    Use it as a context manager, or call :meth:`close`. ``with Engine(...)`` closes the file at
    the end, like ``open()``; a transaction is ``with engine.transaction():``. Every operation
    is atomic. An Engine may be shared by threads: calls are serialized by the engine's own lock
    and release the GIL while they run. Errors are :class:`certo.Error` subclasses.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], today: Optional[DateLike] = None, *,
                 create: bool = False, busy_timeout: float = 5.0,
                 cache_size_kib: int = 65536) -> None:
        self._engine: Optional[_certo.Engine] = None
        self._path = os.fsdecode(path)
        if "\0" in self._path:
            raise ValueError("path: embedded null character")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
            raise TypeError(f"busy_timeout: expected seconds as a number, "
                            f"not {type(busy_timeout).__name__}")
        if not 0 <= busy_timeout <= _INT32_MAX / 1000:  # also refuses NaN
            raise ValidationError([("busy_timeout", "must be between 0 and 2147483 seconds")])
        if not create and self._path != ":memory:" and not os.path.lexists(self._path):
            raise StorageError(f"{self._path!r} does not exist: pass create=True to make a new "
                               f"certo file")
        self._engine = _certo.Engine(self._path, iso_or_none(today, "today"),
                                     int(busy_timeout * 1000), bool(create),
                                     _int(cache_size_kib, "cache_size_kib", 0, _INT32_MAX))

    # ---- Lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the file. Harmless when already closed. A call still running on another
        thread finishes first; any later call raises :class:`certo.ClosedError`."""
        if self._engine is not None:
            self._engine.close()

    @property
    def closed(self) -> bool:
        return self._engine is None or self._engine.closed

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"today={self.today.isoformat()}"
        return f"<certo.Engine {self._path!r} {state}>"

    @property
    def path(self) -> str:
        """The path the engine was opened with."""
        return self._path

    @property
    def _e(self) -> _certo.Engine:
        assert self._engine is not None
        return self._engine

    # ---- Facts --------------------------------------------------------------------------------

    @property
    def today(self) -> datetime.date:
        """The engine's today: the pinned date, or the local date now."""
        return to_date(self._e.today(), "today")

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return self._e.schema_version()

    # ---- Review campaigns (docs/review.md) -------------------------------------------------
    # The answers are the JSON of the OIG routes (seeds 002/003) as dicts.

    def create_review_campaign(self, spec: Optional[Mapping[str, Any]] = None, /,
                               **fields: Any) -> Dict[str, Any]:
        """Creates a campaign (state CREATED) from project_id, name, type (USER|ROLE), scope,
        reviewer_id / office_reviewers / fallback_reviewer_id, deadline, no_response
        (keep|revoke) and comment_required."""
        record = dict(spec or {})
        record.update(fields)
        if record.get("deadline") is not None and not isinstance(record["deadline"], str):
            record["deadline"] = iso(record["deadline"], "deadline")
        return _dict(self._e.review("create", {"spec": record}))

    def start_review_campaign(self, cert_id: int, /) -> Dict[str, Any]:
        """Takes the snapshot and creates one task per reviewer."""
        return _dict(self._e.review("start", {"cert_id": cert_id}))

    def review_campaigns(self, *, actor: Optional[str] = None, offset: int = 1,
                         limit: int = 10) -> Dict[str, Any]:
        """GET /certifications: the tasks (of actor, else every one)."""
        return _dict(self._e.review("campaigns", {"actor": actor or "", "offset": offset,
                                            "limit": limit}))

    def review_campaign(self, cert_id: int, /) -> Dict[str, Any]:
        return _dict(self._e.review("campaign", {"cert_id": cert_id}))

    def review_tasks(self, cert_id: int, /, *, actor: Optional[str] = None, offset: int = 1,
                     limit: int = 10) -> Dict[str, Any]:
        return _dict(self._e.review("tasks", {"cert_id": cert_id, "actor": actor or "",
                                        "offset": offset, "limit": limit}))

    def review_task(self, cert_id: int, task_id: str, /) -> Dict[str, Any]:
        return _dict(self._e.review("task", {"cert_id": cert_id, "task_id": task_id}))

    def review_line_items(self, cert_id: int, task_id: str, /, *, offset: int = 1,
                          limit: int = 10) -> Dict[str, Any]:
        return _dict(self._e.review("line_items", {"cert_id": cert_id, "task_id": task_id,
                                             "offset": offset, "limit": limit}))

    def review_line_item(self, cert_id: int, task_id: str, line_item_id: int, /, *,
                         offset: int = 1, limit: int = 10) -> Dict[str, Any]:
        return _dict(self._e.review("line_item", {"cert_id": cert_id, "task_id": task_id,
                                            "line_item_id": line_item_id, "offset": offset,
                                            "limit": limit}))

    def review_history(self, cert_id: int, task_id: str, /, *, offset: int = 1,
                       limit: int = 10) -> Dict[str, Any]:
        """GET .../tasks/{taskid}/history (seed 002's shape)."""
        return _dict(self._e.review("history", {"cert_id": cert_id, "task_id": task_id,
                                          "offset": offset, "limit": limit}))

    def review_decide(self, cert_id: int, task_id: str, actions: Iterable[Mapping[str, Any]],
                      /, *, actor: Optional[str] = None) -> List[ReviewResult]:
        """Line-item actions, each atomic on its own: dicts with line_item_id, action
        (Certify, CertifyConditionally, Revoke, Abstain, Claim, ResetStatus, EditComment,
        Complete) and optionally request_id, comment, end_date, line_item_detail_ids."""
        results = self._e.review("line_item_actions", {
            "cert_id": cert_id, "task_id": task_id, "actor": actor or "",
            "actions": [_review_action(a) for a in actions]})
        out = []
        for r in results:
            e = r["error"]
            fields = [] if e is None else [(str(f[0]), str(f[1])) for f in e["fields"]]
            error = None if e is None else _from_status(
                e["code"], e["code_value"], e["message"], fields, 0)
            out.append(ReviewResult(r["request_id"], r["line_item_id"], r["action"],
                                    r["replayed"], error))
        return out

    def review_task_action(self, cert_id: int, task_id: str, action: str, /, *,
                           recipient: Optional[str] = None, comment: Optional[str] = None,
                           actor: Optional[str] = None) -> Dict[str, Any]:
        """suspend, resume, reassign, proxy, expire, signoff (complete) or reset. Sign-off and
        expiry carry out the decisions (the closed loop) in the same transaction."""
        args: Dict[str, Any] = {}
        if recipient is not None:
            args["recipient"] = recipient
        if comment is not None:
            args["comment"] = comment
        return _dict(self._e.review("task_action", {"cert_id": cert_id, "task_id": task_id,
                                              "action": action, "args": args,
                                              "actor": actor or ""}))

    def close_due_reviews(self) -> Dict[str, Any]:
        """Expires the open tasks of every campaign whose deadline is before today."""
        return _dict(self._e.review("close_due", {}))

    def review_report(self, cert_id: int, /) -> Dict[str, Any]:
        """{"campaign", "rows"}: per detail what the reviewer saw, the decision, who, when, the
        comment and the effect."""
        return _dict(self._e.review("report", {"cert_id": cert_id}))

    @staticmethod
    def collections() -> List[Collection]:
        """The collections this build knows, parents before children."""
        return cast(List[Collection], _certo.collections())

    # ---- The JSON API -------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None) -> Response:
        """One call of the JSON API, e.g. ``request("POST", "/v2/person/index", {"sort": "code"})``.

        body: a JSON value (dict, list, ...; dates may be datetime.date), a str or bytes of JSON
        text, or None. The response body is the JSON as the API sends it (dates are strings
        there). Never raises for an error status: check ``response.ok`` or call
        ``response.raise_for_status()``.
        """
        return _response(self._e.request(method, path, body))

    def bulk_import(self, requests: Iterable[BulkRequest], *, atomic: bool = True) -> List[Response]:
        """Runs many JSON API requests as one bulk transaction, without the GIL.

        The schedule is recomputed once at the end, as in ``certo api --batch`` but atomic by
        default: the first failed request rolls back every request and raises its error, with
        ``error.request_index`` set. With ``atomic=False`` a failed request undoes only itself
        and its response says why; the others commit.
        """
        normalized: List[Tuple[str, str, Any]] = []
        for i, request in enumerate(requests):
            if isinstance(request, Mapping):
                method, path, body = request.get("method"), request.get("path"), request.get("body")
            elif isinstance(request, tuple) and len(request) in (2, 3):
                method, path, *rest = request
                body = rest[0] if rest else None
            else:
                raise TypeError(f"request {i}: expected a mapping with method, path and body, or "
                                f"a (method, path[, body]) tuple")
            if not isinstance(method, str) or not isinstance(path, str):
                raise TypeError(f"request {i}: method and path must be str")
            normalized.append((method, path, body))
        raw, failed = self._e.bulk_import(normalized, bool(atomic))
        responses = [_response(r) for r in raw]
        if atomic and failed >= 0:
            error = _from_response(responses[failed].status, responses[failed].body)
            error.request_index = failed
            raise error
        return responses

    # ---- Records ------------------------------------------------------------------------------

    def create(self, collection: Collection, record: Optional[Mapping[str, Any]] = None, /,
               **fields: Any) -> Record:
        """Creates a record and returns it as stored (with its id and read-only fields).

        ``create("person", {"project_id": p, "first_name": "Ada"})`` or with keywords
        ``create("person", project_id=p, first_name="Ada")``. The id (e.g. ``person_id``) is
        generated unless given.
        """
        return typed(self._e.create(collection, _record(record, fields, "record")), collection)

    def view(self, collection: Collection, id: str, /) -> Record:
        """Returns one record, retired or not. :class:`certo.NotFoundError` if there is none."""
        return typed(self._e.view(collection, id), collection)

    def update(self, collection: Collection, id: str,
               changes: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> Record:
        """Changes the given fields (a partial update) and returns the record as stored.
        A field set to None is cleared."""
        return typed(self._e.update(collection, id, _record(changes, fields, "changes")),
                     collection)

    def delete(self, collection: Collection, id: str, /, *, force: bool = False) -> DeleteResult:
        """force=False (the default) changes nothing and lists the row and every dependant row a
        forced delete would remove; force=True removes exactly those, atomically."""
        deleted, rows = self._e.delete(collection, id, bool(force))
        return DeleteResult(deleted, [RowRef(*row) for row in rows])

    def index(self, collection: Collection, filter: Optional[Filter] = None, /, *,
              sort: Optional[str] = None, page: int = 1, per_page: int = 100,
              history: bool = False, as_of: Optional[DateLike] = None) -> Page:
        """ONE page of a collection (``page``, of ``per_page`` rows): see ``total_count`` and
        ``page_count`` for the rest, or use :meth:`iterate` for every row.

        filter: allow-listed field -> value; a list means "any of"; a dict of ``<``, ``<=``,
        ``>``, ``>=`` is a range (sortable fields); text fields match a case-insensitive
        substring. sort: a field, ``"-field"`` for descending. history: include retired rows.
        as_of: evaluate status, counters and retirement at that date.
        """
        per_page, page = _page_args(page, per_page)
        return _page(self._e.index(collection, _filter(filter), per_page, page, sort or "",
                                   bool(history), iso_or_none(as_of, "as_of")), collection)

    def iterate(self, collection: Collection, filter: Optional[Filter] = None, /, *,
                sort: Optional[str] = None, history: bool = False,
                as_of: Optional[DateLike] = None, per_page: int = 1000) -> Rows:
        """Every matching record (dicts, as :meth:`index` gives them), read page after page as
        the iteration needs them (one call per ``per_page`` rows). Returns :class:`Rows`, an
        iterator with ``total_count`` and ``to_dataframe()``. Rows written while iterating may
        be seen or missed, as with any paged read."""
        def fetch(page: int) -> Page:
            return self.index(collection, filter, sort=sort, page=page, per_page=per_page,
                              history=history, as_of=as_of)
        return Rows(fetch, collection, collection)

    def historicize(self, collection: Collection, id: str, /,
                    date: Optional[DateLike] = None) -> Record:
        """Retires a row from date on (default: today); it and every row under it leave normal
        queries but keep their data. Returns the record."""
        return typed(self._e.historicize(collection, id, iso_or_none(date, "date")), collection)

    def restore(self, collection: Collection, id: str, /) -> Record:
        """Makes a retired row active again. Returns the record."""
        return typed(self._e.restore(collection, id), collection)

    def revoke(self, certificate_id: str, /, date: Optional[DateLike] = None,
               reason: Optional[str] = None) -> Record:
        """Revokes a certificate from date on (default: today), with an optional reason (at most
        1000 characters): it keeps its data and covers nothing from that day on. Revoking again
        moves the revocation. Returns the certificate (``revoked_on``, ``revoke_reason``)."""
        if reason is not None and not isinstance(reason, str):
            raise TypeError(f"reason: expected a str or None, not {type(reason).__name__}")
        return typed(self._e.revoke(certificate_id, iso_or_none(date, "date"), reason or ""),
                     "certificate")

    def unrevoke(self, certificate_id: str, /) -> Record:
        """Withdraws a certificate's revocation: it covers again as if never revoked. Returns the
        certificate."""
        return typed(self._e.unrevoke(certificate_id), "certificate")

    # ---- The compliance schedule ----------------------------------------------------------------

    def subscriptions(self, as_of: Optional[DateLike] = None, *,
                      status: Union[None, Status, Sequence[Status]] = None,
                      filter: Optional[Filter] = None, sort: Optional[str] = None,
                      history: bool = False, per_page: int = 1000) -> Rows:
        """The WHOLE compliance schedule (action-subscription rows) that matches, with each
        row's status as of a date (default: today), read lazily page by page: :class:`Rows`.

        status: ``"NEW"``, ``"VALID"``, ``"EXPIRING"``, ``"EXPIRED"``, or a list of them.
        For one page, use :meth:`subscriptions_page`."""
        query = _status_filter(status, filter)
        return self.iterate("action-subscription", query, sort=sort, history=history,
                            as_of=as_of, per_page=per_page)

    def subscriptions_page(self, as_of: Optional[DateLike] = None, *,
                           status: Union[None, Status, Sequence[Status]] = None,
                           filter: Optional[Filter] = None, sort: Optional[str] = None,
                           page: int = 1, per_page: int = 100, history: bool = False) -> Page:
        """ONE page of :meth:`subscriptions` (a :class:`Page`, with ``total_count``)."""
        return self.index("action-subscription", _status_filter(status, filter), sort=sort,
                          page=page, per_page=per_page, history=history, as_of=as_of)

    def changes(self, since: DateLike, until: DateLike, /, *, filter: Optional[Filter] = None,
                history: bool = False, per_page: int = 1000) -> Rows:
        """EVERY status change that time alone brings on a day in (since, until], read lazily
        page by page (:class:`Rows`): rows ``{"action_subscription_id", "date", "from", "to",
        "action_id", "action_name", "subscriber_id", "subscriber_type", "subscriber_name",
        "subtenant_id", "office_name"}`` ordered by date, where date (a ``datetime.date``) is
        the first day of the new status. For one page, use :meth:`changes_page`."""
        def fetch(page: int) -> Page:
            return self.changes_page(since, until, filter=filter, page=page, per_page=per_page,
                                     history=history)
        return Rows(fetch, "changes", "changes")

    def changes_page(self, since: DateLike, until: DateLike, /, *,
                     filter: Optional[Filter] = None, page: int = 1, per_page: int = 100,
                     history: bool = False) -> Page:
        """ONE page of :meth:`changes`."""
        per_page, page = _page_args(page, per_page)
        return _page(self._e.changes(iso(since, "from"), iso(until, "to"), _filter(filter),
                                     per_page, page, bool(history)), "changes")

    def counts(self, as_of: Optional[DateLike] = None, *, filter: Optional[Filter] = None,
               history: bool = False) -> StatusCounts:
        """How many subscriptions matching filter are in each status as of a date (default:
        today): one index range read per status (``POST /v2/action-subscription/counts``)."""
        body: Dict[str, Any] = {"filter": _filter(filter) if filter is not None else {},
                                "history": bool(history)}
        if as_of is not None:
            body["as_of"] = iso(as_of, "as_of")
        response = self.request("POST", "/v2/action-subscription/counts", body)
        return StatusCounts._from_json(response.raise_for_status().body)

    def report(self, as_of: Optional[DateLike] = None, *, days: int = 30, months: int = 12,
               filter: Optional[Filter] = None, limit: int = 0) -> Report:
        """The compliance report as of a date (default: today), as ``certo report`` shows it:
        status totals, compliance per office and action type, the expired and expiring lists
        (``days`` of look-ahead; at most ``limit`` rows each, 0 = all), expiries per month
        (``months``), open incidents without a corrective action (each with how many people
        it involves and how many were out of compliance on its date) and ``trend``, compliance
        over the last 12 months (``POST /v2/report``)."""
        body: Dict[str, Any] = {"days": _int(days, "days", -1, 1 << 31),
                                "months": _int(months, "months", -1, 1 << 31),
                                "limit": _int(limit, "limit", -1, 1 << 31)}
        if filter is not None:
            body["filter"] = _filter(filter)
        if as_of is not None:
            body["as_of"] = iso(as_of, "as_of")
        response = self.request("POST", "/v2/report", body)
        return _report(response.raise_for_status().body)

    def trend(self, from_: DateLike, to: DateLike, step: str = "month",
              filter: Optional[Filter] = None) -> List[Dict[str, Any]]:
        """The status counts on each day from ``from_`` by ``step`` (``"month"``, ``"week"`` or
        ``"day"``) up to and including ``to``, at most 400 points, under filter (without
        ``"status"``): ``[{"date": datetime.date, "counts": {"NEW": n, "VALID": n, "EXPIRING":
        n, "EXPIRED": n}}]``, oldest first, read in one snapshot (``POST /v2/report/trend``).
        Month steps keep ``from_``'s day of the month, clamped to the month's end."""
        if not isinstance(step, str):
            raise TypeError(f"step: expected 'month', 'week' or 'day', not {type(step).__name__}")
        points = self._e.trend(iso(from_, "from"), iso(to, "to"), step,
                               _filter(filter) if filter is not None else None)
        return [{"date": to_date(day, "date"), "counts": dict(counts)} for day, counts in points]

    def incident_compliance(self, office_incident_id: str) -> Dict[str, Any]:
        """Each person an incident involves, with their requirements' status on the incident's
        date and today (None on a day the row is out of the schedule), whether they were
        compliant on that date, and how many were not (``POST /v2/incident/compliance/{id}``).
        ``date_incident`` and ``today`` are ``datetime.date``. NotFoundError for an unknown
        incident."""
        out = self._e.incident_compliance(str(office_incident_id))
        for key in ("date_incident", "today"):
            out[key] = to_date(out[key], key)
        return out

    def person_requirements(self, person_id: str,
                            as_of: Optional[DateLike] = None) -> Dict[str, Any]:
        """The person's card: everything the person must do on ``as_of`` (default: today), each
        requirement with its ``action``, ``origin`` (``"MANUAL"`` or ``"DERIVED"``), ``why``
        (the demands and assignments that require it that day), ``status`` and cover
        (``POST /v2/person/requirements/{id}``). ``as_of``, the cover's dates and each reason's
        ``active_from`` / ``retired_on`` are ``datetime.date``. NotFoundError for an unknown
        person, ValidationError naming ``as_of``."""
        out = self._e.person_requirements(str(person_id), iso_or_none(as_of, "as_of"))
        def day(value: Optional[str]) -> Optional[datetime.date]:
            return None if value is None else to_date(value, "date")

        out["as_of"] = to_date(out["as_of"], "as_of")
        for requirement in out["requirements"]:
            for key in ("certificate_date_release", "certificate_date_expire"):
                requirement[key] = day(requirement[key])
            for why in requirement["why"]:
                for key in ("active_from", "retired_on"):
                    why[key] = day(why[key])
        return out

    def verify(self, depth: VerifyDepth = "full") -> VerifyReport:
        """Recomputes every subscription from scratch and checks the file's references, plus, by
        depth, SQLite's own checks: ``"full"`` (integrity_check: reads the whole file),
        ``"quick"`` (quick_check) or ``"schedule"`` (none: certo's checks only). A healthy file
        gives a report with ``ok`` True."""
        if not isinstance(depth, str):
            raise TypeError(f"depth: expected 'full', 'quick' or 'schedule', not "
                            f"{type(depth).__name__}")
        subscriptions, links, problems, dropped, dropped_through = self._e.verify(depth)
        return VerifyReport(subscriptions, links, [Problem(*p) for p in problems], dropped,
                            dropped_through)

    # ---- Data exchange ------------------------------------------------------------------------

    def export(self, path: Union[str, "os.PathLike[str]"], *,
               project_id: Optional[str] = None) -> ExportResult:
        """Writes every row of the file (or of one project) to path as JSON lines, one request
        ``{"method", "path", "body"}`` per line, parents before children: the bytes of
        ``certo export``, which :meth:`import_file` (or ``certo import``) replays into an empty
        file. The file is written without the GIL, straight from the engine."""
        target = os.fsdecode(path)
        count = self._e.export(project_id or "", target)
        assert isinstance(count, int)
        return ExportResult(target, count)

    def export_requests(self, *, project_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """The requests :meth:`export` writes, as a list of dicts (for :meth:`bulk_import`)."""
        requests = self._e.export(project_id or "", None)
        assert isinstance(requests, list)
        return requests

    def import_file(self, path: Union[str, "os.PathLike[str]"], *,
                    each: bool = False) -> ImportResult:
        """Applies the JSON-API requests of a JSON-lines file (one ``{"method", "path",
        "body"}`` per line, as :meth:`export` and ``certo generate --jsonl`` write; blank lines
        are skipped), like ``certo import``.

        By default the whole file is one bulk transaction: the first failing line raises its
        error, with ``error.line`` set and its message naming the line, and nothing is applied.
        ``each=True`` applies every good line, and the result lists each failing line and why.
        """
        source = os.fsdecode(path)
        try:
            with open(source, encoding="utf-8") as file:
                text = file.read()
        except OSError as error:
            raise StorageError(f"cannot read {source!r}: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            raise InvalidArgumentError(f"{source!r} is not UTF-8 text: {error}") from None
        lines: List[int] = []
        requests: List[Tuple[str, str, Any]] = []
        failures: List[ImportFailure] = []
        # Lines end at "\n" only, as certo import reads them (str.splitlines would also split
        # at U+2028 inside a JSON string).
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            request = _import_line(line)
            if request is None:
                message = ("expected a JSON object with string \"method\" and \"path\" and an "
                           "optional \"body\"")
                if not each:
                    bad = InvalidArgumentError(f"{source} line {number}: {message}")
                    bad.line = number  # type: ignore[attr-defined]
                    raise bad
                failures.append(ImportFailure(number, Response(400, {}, {"message": message})))
                continue
            lines.append(number)
            requests.append(request)
        try:
            responses = self.bulk_import(requests, atomic=not each)
        except Error as error:
            if error.request_index is not None:
                number = lines[error.request_index]
                error.line = number  # type: ignore[attr-defined]
                error.message = f"{source} line {number}: {error.message}"
                error.args = (error.message,)
            raise
        for number, response in zip(lines, responses):
            if not response.ok:
                failures.append(ImportFailure(number, response))
        failures.sort(key=lambda f: f.line)
        return ImportResult(len(responses) - sum(1 for r in responses if not r.ok), failures)

    def sync_people(self, source: Union[str, "os.PathLike[str]", Any], *, project_id: str,
                    match: Literal["code", "tax_code"] = "code", dry_run: bool = False,
                    max_changes: Optional[int] = None,
                    date: Optional[DateLike] = None) -> PeopleSyncResult:
        """Brings a project's people in line with a full HR roster in CSV (``certo
        import-people``): creates, updates, restores and historicizes (never deletes) people.

        source: a path, or a file-like object with ``read()`` (text or bytes), as
        ``pandas.read_csv`` takes. Nothing is written unless every row is valid, the changes are
        within ``max_changes`` and ``dry_run`` is False: check ``result.applied``; bad rows are
        in ``result.errors`` with their line numbers, not raised. ``date``: when absent people
        are historicized (default: today).
        """
        if hasattr(source, "read"):
            data = source.read()
        else:
            with open(os.fsdecode(source), "rb") as file:
                data = file.read()
        csv = data.decode("utf-8") if isinstance(data, bytes) else data
        if not isinstance(csv, str):
            raise TypeError("source.read() must return str or bytes")
        if max_changes is not None:
            max_changes = _int(max_changes, "max_changes", -_INT64_MAX, _INT64_MAX)
        changes, unchanged, errors, cap_exceeded, applied = self._e.sync_people(
            csv, project_id, match, bool(dry_run), max_changes, iso_or_none(date, "date"))
        return PeopleSyncResult(
            [PeopleSyncChange(cast(Any, kind), line, person_id, key, name, typed_changes(fields))
             for kind, line, person_id, key, name, fields in changes],
            unchanged, [PeopleSyncError(*e) for e in errors], cap_exceeded, applied)

    # ---- Transactions -------------------------------------------------------------------------

    @overload
    def transaction(self) -> "Transaction": ...

    @overload
    def transaction(self, body: Callable[["Engine"], T]) -> T: ...

    def transaction(self, body: Optional[Callable[["Engine"], T]] = None) -> Any:
        """A transaction, as a context manager or around a function.

        ``with engine.transaction():`` commits when the block ends normally and rolls back
        everything it wrote when it raises (the exception propagates), as ``with connection:``
        does in ``sqlite3``. ``transaction(body)`` runs ``body(engine)`` the same way and returns
        its result. An operation that fails inside undoes only itself; the block (or body)
        decides whether to go on. They nest (a savepoint each). Only the calls of the thread that
        opened it run in it; other threads' calls wait until it ends.
        """
        if body is None:
            return Transaction(self, bulk=False)
        run = body
        return self._e.transaction(lambda: run(self), False)

    @overload
    def bulk_transaction(self) -> "Transaction": ...

    @overload
    def bulk_transaction(self, body: Callable[["Engine"], T]) -> T: ...

    def bulk_transaction(self, body: Optional[Callable[["Engine"], T]] = None) -> Any:
        """Like :meth:`transaction`, for loading many rows: the schedule is recomputed once,
        before the commit, instead of row by row (reads inside may see it not yet done)."""
        if body is None:
            return Transaction(self, bulk=True)
        run = body
        return self._e.transaction(lambda: run(self), True)

    # ---- Events -------------------------------------------------------------------------------

    def read_outbox(self, after: int = 0, limit: int = 100) -> List[Event]:
        """The durable outbox: events with seq > after, oldest first, at most limit (1..10000):
        one batch, not necessarily all (read again with ``after`` = the last seq)."""
        raw = self._e.read_outbox(_int(after, "after", -_INT64_MAX, _INT64_MAX),
                                  _int(limit, "limit", 0, 10001))
        return [_event(e) for e in raw]

    def ack_outbox(self, through: int) -> None:
        """Removes the events with seq <= through from the outbox (they have been handled)."""
        self._e.ack_outbox(_int(through, "through", -_INT64_MAX, _INT64_MAX))

    def outbox_status(self) -> OutboxState:
        """The outbox's retention policy, how many events wait and how many the policy dropped
        (``certo outbox --status``, ``GET /v2/outbox/policy``)."""
        return OutboxState(*self._e.outbox_status())

    def set_outbox_policy(self, *, max_events: Optional[int] = None,
                          max_days: Optional[int] = None) -> OutboxState:
        """Stores the whole retention policy in the file (None: no limit) and applies it at once;
        every program that opens the file then applies it at the end of each write. Returns the
        state after. ``max_events``: 1..1,000,000,000; ``max_days``: 1..36,500."""
        def limit(value: Optional[int], name: str) -> Optional[int]:
            return None if value is None else _int(value, name, -_INT64_MAX, _INT64_MAX)
        return OutboxState(*self._e.set_outbox_policy(limit(max_events, "max_events"),
                                                      limit(max_days, "max_days")))

    def compact(self, *, vacuum: bool = False) -> CompactResult:
        """Checkpoints the write-ahead log into the file and truncates it; ``vacuum=True`` also
        rewrites the file without its free pages (``certo compact [--vacuum]``). Raises
        :class:`certo.BusyError` while another connection is using the file."""
        if not isinstance(vacuum, bool):
            raise TypeError(f"vacuum: expected bool, not {type(vacuum).__name__}")
        return CompactResult(*self._e.compact(vacuum))

    def subscribe(self, callback: Callable[[Event], object]) -> int:
        """Calls ``callback(event)`` after each committed write made through this engine, on the
        writing thread; returns a token for :meth:`unsubscribe`. An exception raised by the
        callback goes to ``sys.unraisablehook``: the write has committed and the engine goes on.
        The callback may use the engine."""
        if not callable(callback):
            raise TypeError("callback must be callable")
        return self._e.subscribe(lambda raw: callback(_event(raw)))

    def unsubscribe(self, token: int) -> None:
        """Removes a callback; unknown tokens are ignored."""
        self._e.unsubscribe(_int(token, "token", -_INT32_MAX - 1, _INT32_MAX))


class Transaction:
    """``with engine.transaction():`` (or ``bulk_transaction()``): see
    :meth:`Engine.transaction`. ``as`` gives the engine. One use only."""

    def __init__(self, engine: Engine, *, bulk: bool) -> None:
        self._engine = engine
        self._bulk = bulk
        self._state = "new"

    def __enter__(self) -> Engine:
        if self._state != "new":
            raise RuntimeError("a Transaction can be entered only once: call "
                               "engine.transaction() again")
        self._engine._e.begin(self._bulk)
        self._state = "open"
        return self._engine

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self._state = "ended"
        if exc_type is None:
            self._engine._e.end(True)  # a failed commit raises here
            return
        try:
            self._engine._e.end(False)
        except Exception:
            pass  # the block's own exception is the one to see
        return

    def __repr__(self) -> str:
        kind = "bulk transaction" if self._bulk else "transaction"
        return f"<certo.Transaction {kind} {self._state}>"


def _status_filter(status: Union[None, str, Sequence[str]],
                   filter: Optional[Filter]) -> Dict[str, Any]:
    query: Dict[str, Any] = dict(filter) if filter is not None else {}
    if status is not None:
        query["status"] = status if isinstance(status, str) else list(status)
    return query


def _event(raw: Tuple[int, str, str, Any, str]) -> Event:
    seq, name, entity_id, payload, date = raw
    return Event(seq, name, entity_id, typed_payload(name, payload), to_date(date, "date"))


def typed_changes(fields: Any) -> Any:
    """A people-sync change's {field: {"old", "new"}}, dates of person fields as dates."""
    if isinstance(fields, dict):
        typed_payload("PERSON::UPDATE", {"updated_fields": fields})
    return fields


def _import_line(line: str) -> Optional[Tuple[str, str, Any]]:
    try:
        request = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(request, dict):
        return None
    method, path = request.get("method"), request.get("path")
    if not isinstance(method, str) or not isinstance(path, str):
        return None
    return method, path, request.get("body")
