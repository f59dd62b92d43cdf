# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The values certo's helpers return. Records themselves are plain dicts, shaped as JSON."""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass, field
from typing import (Any, Callable, Dict, Iterator, List, NamedTuple,
                    Optional, Union, overload)

from ._dates import _date_fields
from ._errors import _from_response

#: A record: a JSON object with an entity's fields, e.g. ``{"person_id": ..., "first_name": ...}``.
#: Its date fields are ``datetime.date`` (or None).
Record = Dict[str, Any]


@dataclass(frozen=True)
class Response:
    """One answer of the JSON API (:meth:`certo.Engine.request`), shaped like an HTTP response."""

    status: int
    """200 read/update, 201 create, 4xx/5xx errors (see ``docs/errors.md``)."""
    headers: Dict[str, str]
    """The response headers in their fixed order, e.g. ``X-Pagination-Total-Count``."""
    body: Any
    """The body parsed from JSON: a dict, a list (index, 422), or None when empty."""

    @property
    def ok(self) -> bool:
        """True when status < 400."""
        return self.status < 400

    def header(self, name: str) -> Optional[str]:
        """The value of a header, matched case-insensitively, or None."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def raise_for_status(self) -> "Response":
        """Raises the :class:`certo.Error` subclass for an error status; returns self otherwise."""
        if not self.ok:
            raise _from_response(self.status, self.body)
        return self


@dataclass(frozen=True, repr=False)
class Page:
    """ONE page of an index (:meth:`certo.Engine.index`, ``*_page`` helpers): not the whole list.

    ``total_count`` and ``page_count`` say how much there is over all pages; to read every row,
    use :meth:`certo.Engine.iterate` or the helpers that return :class:`Rows`. A page is a
    sequence of its rows: ``len(page)``, ``page[0]``, ``page[-3:]``, ``for row in page``.
    """

    rows: List[Record]
    """This page's records."""
    total_count: int
    """Rows matching the filter, over all pages."""
    page: int
    """The page requested (1-based)."""
    per_page: int
    """The page size used."""
    page_count: int
    """ceil(total_count / per_page); 0 when nothing matches."""
    collection: Optional[str] = field(default=None, compare=False)
    """The collection listed (which fields are dates, for :meth:`to_dataframe`)."""

    def __iter__(self) -> Iterator[Record]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> List[Record]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Record, List[Record]]:
        return self.rows[index]

    def __repr__(self) -> str:
        what = f" {self.collection}" if self.collection else ""
        return (f"<certo.Page{what} {self.page}/{self.page_count}: {len(self.rows)} of "
                f"{self.total_count} rows>")

    def to_dataframe(self) -> Any:
        """This page's rows as a pandas DataFrame, date fields as ``datetime64`` columns
        (see :meth:`Rows.to_dataframe`)."""
        return _dataframe(self.rows, self.collection)


class Rows(Iterator[Record]):
    """EVERY matching record, read lazily: one engine call per page of ``per_page`` rows, the
    next page when the previous one is used up (like iterating a ``sqlite3`` cursor).

    It is an iterator: one pass, as ``for row in engine.subscriptions(...)``; ``list(rows)``
    reads them all. The first page is read when the Rows is made, so a bad filter raises at the
    call; ``total_count`` is the number of matching rows then.
    Rows written while iterating may be seen or missed, as with any paged read.
    """

    def __init__(self, fetch: Callable[[int], Page], what: str,
                 collection: Optional[str]) -> None:
        self._fetch = fetch
        self._what = what
        self._collection = collection
        self._page: Optional[Page] = None
        self._next_page = 1
        self._buffer: Iterator[Record] = iter(())
        self._read = 0
        self._done = False
        self._load()  # the first page now: a bad filter raises here, as sqlite3's execute does

    def _load(self) -> bool:
        if self._done:
            return False
        page = self._fetch(self._next_page)
        self._page = page
        self._next_page += 1
        self._buffer = iter(page.rows)
        if not page.rows or page.page >= page.page_count:
            self._done = True
        return bool(page.rows)

    @property
    def total_count(self) -> int:
        """The matching rows over all pages, when the first page was read."""
        assert self._page is not None
        return self._page.total_count

    def __iter__(self) -> "Rows":
        return self

    def __next__(self) -> Record:
        while True:
            try:
                row = next(self._buffer)
            except StopIteration:
                if self._done or not self._load():
                    raise StopIteration from None
                continue
            self._read += 1
            return row

    def __repr__(self) -> str:
        return f"<certo.Rows {self._what}: {self.total_count} rows, {self._read} read>"

    def to_dataframe(self) -> Any:
        """The rows not read yet (all of them, on a fresh Rows) as a pandas DataFrame.

        Date fields become ``datetime64[ns]`` columns (``NaT`` for none), as
        ``pandas.read_csv(parse_dates=...)`` gives them; a date column with a day outside
        pandas' range (before 1677 or after 2262) stays a column of ``datetime.date``. Needs
        pandas (Debian: ``python3-pandas``); without it, an ImportError says so.
        """
        return _dataframe(list(self), self._collection)


def _pandas() -> Any:
    try:
        # Imported by name: pandas is optional, and mypy --strict need not know its stubs.
        pandas = importlib.import_module("pandas")
    except ImportError as error:
        raise ImportError(
            "to_dataframe() needs pandas, which is not installed: on Debian or Ubuntu "
            "`apt install python3-pandas`, elsewhere `pip install pandas`") from error
    return pandas


def _dataframe(rows: List[Record], collection: Optional[str]) -> Any:
    pandas = _pandas()
    frame = pandas.DataFrame.from_records(rows) if rows else pandas.DataFrame()
    for name in _date_fields(collection):
        if name in frame.columns:
            try:
                frame[name] = pandas.to_datetime(frame[name])
            except (pandas.errors.OutOfBoundsDatetime, OverflowError):
                pass  # a day pandas' datetime64[ns] cannot hold: keep the datetime.date values
    return frame


class RowRef(NamedTuple):
    """A row named by its collection and id, as listed by a delete."""

    collection: str
    id: str


@dataclass(frozen=True)
class DeleteResult:
    """What :meth:`certo.Engine.delete` did (``deleted``) or would do (a preview)."""

    deleted: bool
    """True: the rows are gone. False: nothing changed; ``rows`` is what force=True removes."""
    rows: List[RowRef]
    """The row itself first, then every dependant row that goes with it."""


@dataclass(frozen=True)
class Event:
    """What a committed write announced (``ENTITY::CREATE|UPDATE|DELETE``, ``...::STATUS``)."""

    seq: int
    """Position in the outbox; increases, never reused."""
    name: str
    """E.g. ``"PERSON::CREATE"``, ``"CERTIFICATE_ACTION::UPDATE"``."""
    entity_id: str
    """The row the event is about; empty for a bulk summary."""
    payload: Any
    """CREATE: the record; UPDATE: ``{"entity_id", "updated_fields"}``; DELETE: the old record;
    a bulk write's ``ENTITY::BULK_VERB`` summary: ``{"ids": [...], "count": n}``."""
    date: datetime.date
    """The engine's today when the write committed."""


class Problem(NamedTuple):
    """One thing in the file that disagrees with what it should be."""

    check: str
    """``"schedule"``, ``"integrity"``, ``"foreign_key"``, ``"reference"`` or ``"pending"``."""
    collection: str
    id: str
    field: str
    stored: str
    """What the file holds."""
    expected: str
    """What a recomputation gives."""
    message: str
    """One readable line."""


@dataclass(frozen=True)
class VerifyReport:
    """What :meth:`certo.Engine.verify` found when it recomputed the file from scratch."""

    subscriptions_checked: int
    links_checked: int
    problems: List[Problem] = field(default_factory=list)
    """Empty in a healthy file."""
    outbox_dropped: int = 0
    """Events the outbox's retention policy has dropped since the file was made (not a problem:
    the policy's own count, :meth:`certo.Engine.outbox_status`)."""
    outbox_dropped_through: int = 0
    """The highest seq the policy dropped (0: none)."""

    @property
    def ok(self) -> bool:
        """True when there are no problems."""
        return not self.problems


@dataclass(frozen=True)
class OutboxState:
    """The outbox's retention policy, stored in the file, and what it holds and has dropped
    (:meth:`certo.Engine.outbox_status`, :meth:`certo.Engine.set_outbox_policy`)."""

    max_events: Optional[int]
    """At most this many events wait; None: no limit on the count."""
    max_days: Optional[int]
    """Events dated more than this many days before today go; None: no limit on the age."""
    pending: int
    """Events in the outbox now."""
    dropped: int
    """Events the policy has dropped since the file was made."""
    dropped_through: int
    """The highest seq the policy dropped (0: none): a consumer that finds seq numbers missing
    up to here knows the policy took them."""


@dataclass(frozen=True)
class CompactResult:
    """What :meth:`certo.Engine.compact` gave back: the sizes of the file and its write-ahead log
    in bytes before and after (0 for an in-memory database)."""

    bytes_before: int
    bytes_after: int
    vacuumed: bool
