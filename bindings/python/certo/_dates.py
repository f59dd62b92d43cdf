# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Dates as certo takes them (a ``datetime.date`` or an ISO string ``"YYYY-MM-DD"``) and gives
them back: ``datetime.date``.

Which fields of a record are dates is the entity registry's to say, not a naming convention:
``_certo.date_fields()`` lists them per collection (``certo::Engine::DateFields``: the date
fields, the read-only fields that show a date, ``retired_on``). A change row
(``Engine.changes``) has one, ``date``.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Union

from . import _certo
from ._errors import ValidationError

#: What every date parameter accepts.
DateLike = Union[datetime.date, str]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_date(value: DateLike, field: str) -> datetime.date:
    """Returns value as a date; ValidationError (naming field) or TypeError otherwise."""
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{field}: certo dates are days: pass a datetime.date (value.date()), "
                        "not a datetime.datetime")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        # Only YYYY-MM-DD: date.fromisoformat would also take "20240131" or "2024-W05-3".
        if _ISO.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise ValidationError([(field, "must be a real calendar date in the form YYYY-MM-DD")])
    raise TypeError(f"{field}: expected a datetime.date or a 'YYYY-MM-DD' string, "
                    f"not {type(value).__name__}")


def iso(value: DateLike, field: str) -> str:
    """The date as "YYYY-MM-DD"."""
    return to_date(value, field).isoformat()


def iso_or_none(value: Optional[DateLike], field: str) -> Optional[str]:
    return None if value is None else iso(value, field)


#: Collection -> its date fields, from the registry; "changes" for the rows of Engine.changes.
_DATE_FIELDS: Dict[str, FrozenSet[str]] = {
    collection: frozenset(fields) for collection, fields in _certo.date_fields().items()}
_DATE_FIELDS["changes"] = frozenset({"date"})


def _date_fields(collection: Optional[str]) -> FrozenSet[str]:
    return _DATE_FIELDS.get(collection or "", frozenset())


def _day(value: Any) -> Any:
    # The engine writes only real dates; anything else (None) passes unchanged.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def typed(record: Dict[str, Any], collection: Optional[str]) -> Dict[str, Any]:
    """record with its date fields as datetime.date, in place; returns it."""
    for name in _date_fields(collection):
        if name in record:
            record[name] = _day(record[name])
    return record


def typed_rows(rows: List[Dict[str, Any]], collection: Optional[str]) -> List[Dict[str, Any]]:
    names = _date_fields(collection)
    if names:
        for row in rows:
            for name in names:
                if name in row:
                    row[name] = _day(row[name])
    return rows


def collection_of_event(name: str) -> str:
    """The collection of an event name: ``"PERSON_OFFICE::CREATE"`` -> ``"person-office"``
    (events.h: ENTITY is the collection in upper snake case)."""
    return name.split("::", 1)[0].lower().replace("_", "-")


def typed_payload(name: str, payload: Any) -> Any:
    """An event's payload with the record's dates as datetime.date: the record of a CREATE or
    DELETE, the old and new values of an UPDATE's date fields."""
    collection = collection_of_event(name)
    kind = name.rsplit("::", 1)[-1]
    if not isinstance(payload, dict):
        return payload
    if kind in ("CREATE", "DELETE"):
        return typed(payload, collection)
    if kind == "UPDATE":
        fields = payload.get("updated_fields")
        if isinstance(fields, dict):
            for field in _date_fields(collection) & fields.keys():
                change = fields[field]
                if isinstance(change, Mapping):
                    fields[field] = {k: _day(v) for k, v in change.items()}
    return payload
