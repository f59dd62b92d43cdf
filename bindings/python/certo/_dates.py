# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Dates as certo takes them: a ``datetime.date`` or an ISO string ``"YYYY-MM-DD"``."""

from __future__ import annotations

import datetime
import re
from typing import Optional, Union

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
