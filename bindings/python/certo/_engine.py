# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""certo.Engine: one certo file, opened, with the JSON API and Pythonic helpers."""

from __future__ import annotations

import datetime
import os
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence,
                    Tuple, TypeVar, Union)

from . import _certo
from ._dates import DateLike, iso, iso_or_none, to_date
from ._errors import ValidationError, _from_response
from ._types import DeleteResult, Event, Page, Problem, Record, Response, RowRef, VerifyReport

T = TypeVar("T")

#: A filter: field -> value (a list means "any of"); dates may be datetime.date.
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


def _page(raw: Tuple[List[Record], int, int, int, int]) -> Page:
    return Page(*raw)


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


class Engine:
    """One certo file (or ``":memory:"``), opened.

    ``Engine(path, today=None, *, busy_timeout=5.0, create_if_missing=True, cache_size_kib=65536)``

    * ``today`` pins the engine's date (a ``datetime.date`` or ``"YYYY-MM-DD"``); default: the
      local date at each call. Compliance status, retirement and default dates follow it.
    * ``busy_timeout`` is how long, in seconds, a write waits for another connection's lock
      before :class:`certo.BusyError`.
    * ``create_if_missing=False`` refuses to create a missing file (:class:`certo.StorageError`)
      and refuses a zero-byte file as not a certo file; with the default ``True`` a missing or
      zero-byte path becomes a new, empty certo file.
    * A file that cannot be written (read-only file or directory) opens read-only: reads work,
      writes raise :class:`certo.StorageError`.

    Use it as a context manager, or call :meth:`close`. Every operation is atomic. An Engine may
    be shared by threads: calls are serialized by the engine's own lock and release the GIL
    while they run. Errors are :class:`certo.Error` subclasses.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], today: Optional[DateLike] = None, *,
                 busy_timeout: float = 5.0, create_if_missing: bool = True,
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
        self._engine = _certo.Engine(self._path, iso_or_none(today, "today"),
                                     int(busy_timeout * 1000), bool(create_if_missing),
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

    @staticmethod
    def collections() -> List[str]:
        """The collections this build knows, parents before children."""
        return _certo.collections()

    # ---- The JSON API -------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None) -> Response:
        """One call of the JSON API, e.g. ``request("POST", "/v2/person/index", {"sort": "code"})``.

        body: a JSON value (dict, list, ...; dates may be datetime.date), a str or bytes of JSON
        text, or None. Never raises for an error status: check ``response.ok`` or call
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

    def create(self, collection: str, record: Optional[Mapping[str, Any]] = None, /,
               **fields: Any) -> Record:
        """Creates a record and returns it as stored (with its id and read-only fields).

        ``create("person", {"project_id": p, "first_name": "Ada"})`` or with keywords
        ``create("person", project_id=p, first_name="Ada")``. The id (e.g. ``person_id``) is
        generated unless given.
        """
        return self._e.create(collection, _record(record, fields, "record"))

    def view(self, collection: str, id: str, /) -> Record:
        """Returns one record, retired or not. :class:`certo.NotFoundError` if there is none."""
        return self._e.view(collection, id)

    def update(self, collection: str, id: str, changes: Optional[Mapping[str, Any]] = None, /,
               **fields: Any) -> Record:
        """Changes the given fields (a partial update) and returns the record as stored.
        A field set to None is cleared."""
        return self._e.update(collection, id, _record(changes, fields, "changes"))

    def delete(self, collection: str, id: str, /, *, force: bool = False) -> DeleteResult:
        """force=False (the default) changes nothing and lists the row and every dependant row a
        forced delete would remove; force=True removes exactly those, atomically."""
        deleted, rows = self._e.delete(collection, id, bool(force))
        return DeleteResult(deleted, [RowRef(*row) for row in rows])

    def index(self, collection: str, filter: Optional[Filter] = None, /, *,
              sort: Optional[str] = None, page: int = 1, per_page: int = 100,
              history: bool = False, as_of: Optional[DateLike] = None) -> Page:
        """One page of a collection.

        filter: allow-listed field -> value; a list means "any of"; text fields match a
        case-insensitive substring. sort: a field, ``"-field"`` for descending. history: include
        retired rows. as_of: evaluate status, counters and retirement at that date.
        """
        per_page, page = _page_args(page, per_page)
        return _page(self._e.index(collection, _filter(filter), per_page, page, sort or "",
                                   bool(history), iso_or_none(as_of, "as_of")))

    def iterate(self, collection: str, filter: Optional[Filter] = None, /, *,
                sort: Optional[str] = None, history: bool = False,
                as_of: Optional[DateLike] = None, per_page: int = 1000) -> Iterator[Record]:
        """Every matching record, page after page (each page is one call). Rows written while
        iterating may be seen or missed, as with any paged read."""
        page = 1
        while True:
            result = self.index(collection, filter, sort=sort, page=page, per_page=per_page,
                                history=history, as_of=as_of)
            yield from result.rows
            if page >= result.page_count or not result.rows:
                return
            page += 1

    def historicize(self, collection: str, id: str, /, date: Optional[DateLike] = None) -> Record:
        """Retires a row from date on (default: today); it and every row under it leave normal
        queries but keep their data. Returns the record."""
        return self._e.historicize(collection, id, iso_or_none(date, "date"))

    def restore(self, collection: str, id: str, /) -> Record:
        """Makes a retired row active again. Returns the record."""
        return self._e.restore(collection, id)

    # ---- The compliance schedule ----------------------------------------------------------------

    def subscriptions(self, as_of: Optional[DateLike] = None, *,
                      status: Union[None, str, Sequence[str]] = None,
                      filter: Optional[Filter] = None, sort: Optional[str] = None, page: int = 1,
                      per_page: int = 100, history: bool = False) -> Page:
        """The compliance schedule (action-subscription rows) with each row's status as of a
        date (default: today). status: ``"NEW"``, ``"VALID"``, ``"EXPIRING"``, ``"EXPIRED"``, or
        a list of them."""
        query: Dict[str, Any] = dict(filter) if filter is not None else {}
        if status is not None:
            query["status"] = status if isinstance(status, str) else list(status)
        return self.index("action-subscription", query, sort=sort, page=page, per_page=per_page,
                          history=history, as_of=as_of)

    def changes(self, since: DateLike, until: DateLike, /, *, filter: Optional[Filter] = None,
                page: int = 1, per_page: int = 100, history: bool = False) -> Page:
        """The status changes that time alone brings on a day in (since, until]: rows
        ``{"action_subscription_id", "date", "from", "to", "action_id", "action_name",
        "subscriber_id", "subscriber_type", "subscriber_name", "subtenant_id", "office_name"}``
        ordered by date, where date is the first day of the new status."""
        per_page, page = _page_args(page, per_page)
        return _page(self._e.changes(iso(since, "from"), iso(until, "to"), _filter(filter),
                                     per_page, page, bool(history)))

    def verify(self) -> VerifyReport:
        """Recomputes every subscription from scratch and checks the file's integrity and
        references. A healthy file gives a report with ``ok`` True."""
        subscriptions, links, problems = self._e.verify()
        return VerifyReport(subscriptions, links, [Problem(*p) for p in problems])

    # ---- Transactions -------------------------------------------------------------------------

    def transaction(self, body: Callable[["Engine"], T]) -> T:
        """Runs ``body(engine)`` as one transaction and returns its result. If body raises,
        everything it wrote is rolled back and the exception propagates unchanged. An operation
        that fails inside body undoes only itself; body decides whether to go on."""
        return self._e.transaction(lambda: body(self), False)  # type: ignore[no-any-return]

    def bulk_transaction(self, body: Callable[["Engine"], T]) -> T:
        """Like :meth:`transaction`, for loading many rows: the schedule is recomputed once,
        before the commit, instead of row by row (reads inside body may see it not yet done)."""
        return self._e.transaction(lambda: body(self), True)  # type: ignore[no-any-return]

    # ---- Events -------------------------------------------------------------------------------

    def read_outbox(self, after: int = 0, limit: int = 100) -> List[Event]:
        """The durable outbox: events with seq > after, oldest first, at most limit (1..10000)."""
        raw = self._e.read_outbox(_int(after, "after", -_INT64_MAX, _INT64_MAX),
                                  _int(limit, "limit", 0, 10001))
        return [Event(*e) for e in raw]

    def ack_outbox(self, through: int) -> None:
        """Removes the events with seq <= through from the outbox (they have been handled)."""
        self._e.ack_outbox(_int(through, "through", -_INT64_MAX, _INT64_MAX))

    def subscribe(self, callback: Callable[[Event], object]) -> int:
        """Calls ``callback(event)`` after each committed write made through this engine, on the
        writing thread; returns a token for :meth:`unsubscribe`. An exception raised by the
        callback goes to ``sys.unraisablehook``: the write has committed and the engine goes on.
        The callback may use the engine."""
        if not callable(callback):
            raise TypeError("callback must be callable")
        return self._e.subscribe(lambda raw: callback(Event(*raw)))

    def unsubscribe(self, token: int) -> None:
        """Removes a callback; unknown tokens are ignored."""
        self._e.unsubscribe(_int(token, "token", -_INT32_MAX - 1, _INT32_MAX))
