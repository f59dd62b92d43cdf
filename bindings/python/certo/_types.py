# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The values certo's helpers return. Records themselves are plain dicts, shaped as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, NamedTuple, Optional

from ._errors import _from_response

#: A record: a JSON object with an entity's fields, e.g. ``{"person_id": ..., "first_name": ...}``.
#: Dates in records are ``"YYYY-MM-DD"`` strings.
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


@dataclass(frozen=True)
class Page:
    """One page of an index or of :meth:`certo.Engine.changes`. Iterating yields its rows."""

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

    def __iter__(self) -> Iterator[Record]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


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
    """The row the event is about."""
    payload: Any
    """CREATE: the record; UPDATE: ``{"entity_id", "updated_fields"}``; DELETE: the old record."""
    date: str
    """The engine's today when the write committed, ``"YYYY-MM-DD"``."""


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

    @property
    def ok(self) -> bool:
        """True when there are no problems."""
        return not self.problems
