# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The exceptions certo raises: one base class, one subclass per error code.

Every failure of the engine arrives as a :class:`certo.Error` whose class names the code of
``docs/errors.md`` (``code`` holds its stable name, ``code_value`` its number). Some subclasses
also derive from the built-in exception a Python programmer would catch for the same thing:
``NotFoundError`` is a ``LookupError``, ``ValidationError`` and ``InvalidArgumentError`` are
``ValueError``\\ s, ``BusyError`` is a ``TimeoutError``.
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Type


class FieldError(NamedTuple):
    """One field that broke a rule, as in the JSON API's 422 body."""

    field: str
    """The JSON field name, e.g. ``"first_name"``, ``"filter.name"``, ``"per-page"``."""
    message: str
    """What is wrong, e.g. ``"is required"``."""


class Error(Exception):
    """Base class of every error certo raises."""

    #: The stable name of the error code (``"not_found"``, ``"validation"``, ...).
    code: str = "internal"
    #: The numeric code of ``docs/errors.md`` (``certo::Code``); -1 for :class:`ClosedError`.
    code_value: int = 7
    #: The HTTP status the JSON API answers with for this code.
    http_status: int = 500

    def __init__(self, message: str, *, sqlite_code: int = 0) -> None:
        super().__init__(message)
        #: The human-readable message, without the code name.
        self.message: str = message
        #: SQLite's extended result code when the error came from SQLite, else 0.
        self.sqlite_code: int = sqlite_code
        #: For :meth:`certo.Engine.bulk_import`: the position of the request that failed.
        self.request_index: Optional[int] = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFoundError(Error, LookupError):
    """An unknown id, collection or route (HTTP 404)."""

    code, code_value, http_status = "not_found", 1, 404


class ValidationError(Error, ValueError):
    """One or more fields break a rule (HTTP 422); :attr:`errors` lists each of them."""

    code, code_value, http_status = "validation", 2, 422

    def __init__(self, errors: Sequence[Tuple[str, str]], *, sqlite_code: int = 0) -> None:
        #: Every failing field, in the order the engine reported them.
        self.errors: List[FieldError] = [FieldError(field, message) for field, message in errors]
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors),
                         sqlite_code=sqlite_code)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), ([tuple(e) for e in self.errors],), self.__dict__)


class ConflictError(Error):
    """A duplicate id or unique key (HTTP 409)."""

    code, code_value, http_status = "conflict", 3, 409


class BusyError(Error, TimeoutError):
    """Another connection held a lock past the busy timeout (HTTP 503); nothing was written."""

    code, code_value, http_status = "busy", 4, 503


class CorruptError(Error):
    """The file is damaged or is not a SQLite database."""

    code, code_value, http_status = "corrupt", 5, 500


class StorageError(Error):
    """The file cannot be opened, read or written (code ``io_error``)."""

    code, code_value, http_status = "io_error", 6, 500


class InternalError(Error):
    """A bug in certo; please report it with the message and ``sqlite_code``."""

    code, code_value, http_status = "internal", 7, 500


class InvalidArgumentError(Error, ValueError):
    """A malformed request: a body that is not JSON or not an object, a bad query string."""

    code, code_value, http_status = "invalid_argument", 8, 400


class IncompatibleError(Error):
    """A SQLite file that is not certo's, or one written by a newer certo."""

    code, code_value, http_status = "incompatible", 9, 500


class TooLargeError(Error, ValueError):
    """Content over a size limit, e.g. an attachment over 64 MiB (HTTP 413); nothing was written."""

    code, code_value, http_status = "too_large", 10, 413


class ClosedError(Error, ValueError):
    """The engine was closed (no certo code: raised by the bindings, like ValueError for a closed file)."""

    code, code_value, http_status = "closed", -1, 500


#: Error code name -> exception class, for every code of ``docs/errors.md`` except ``ok``.
_CODED: Tuple[Type[Error], ...] = (NotFoundError, ValidationError, ConflictError, BusyError,
                                   CorruptError, StorageError, InternalError,
                                   InvalidArgumentError, IncompatibleError, TooLargeError)
ERRORS_BY_CODE: Dict[str, Type[Error]] = {cls.code: cls for cls in _CODED}


def _from_status(code: str, code_value: int, message: str, field_errors: List[Tuple[str, str]],
                 sqlite_code: int) -> Error:
    """Builds the exception for a non-OK ``certo::Status`` (called by ``_certo``)."""
    cls = ERRORS_BY_CODE.get(code)
    if cls is ValidationError:
        return ValidationError(field_errors or [("", message)], sqlite_code=sqlite_code)
    if cls is None:  # a code newer than this file: still a certo.Error, never a crash
        error = Error(message, sqlite_code=sqlite_code)
        error.code, error.code_value = code, code_value
        return error
    return cls(message, sqlite_code=sqlite_code)


def _from_response(status: int, body: object) -> Error:
    """Builds the exception for a JSON API error response (``Response.raise_for_status``)."""
    if status == 422 and isinstance(body, list):
        return ValidationError([(str(e.get("field", "")), str(e.get("message", "")))
                                for e in body if isinstance(e, dict)])
    message = body.get("message") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(message, str):
        message = f"HTTP {status}"
    for cls in ERRORS_BY_CODE.values():
        if cls.code_value == code:
            if cls is ValidationError:
                return ValidationError([("", message)])
            return cls(message)
    by_status = {404: NotFoundError, 409: ConflictError, 422: ValidationError, 503: BusyError,
                 400: InvalidArgumentError, 405: InvalidArgumentError}
    cls = by_status.get(status, InternalError)
    if cls is ValidationError:
        return ValidationError([("", message)])
    return cls(message)
