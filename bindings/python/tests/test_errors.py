# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Every exception type, raised by the engine for the reason it names."""

from __future__ import annotations

import pathlib
import pickle

import pytest

import certo
from certo import _errors
from conftest import TODAY


def test_not_found(engine: certo.Engine) -> None:
    with pytest.raises(certo.NotFoundError) as caught:
        engine.view("person", "00000000-0000-4000-8000-0000000000ff")
    error = caught.value
    assert isinstance(error, certo.Error) and isinstance(error, LookupError)
    assert (error.code, error.code_value, error.http_status) == ("not_found", 1, 404)
    assert str(error) == "not_found: no person with person_id 00000000-0000-4000-8000-0000000000ff"
    assert error.sqlite_code == 0 and error.request_index is None


def test_validation_lists_every_field(engine: certo.Engine) -> None:
    project = engine.create("project", name="P")["project_id"]
    with pytest.raises(certo.ValidationError) as caught:
        engine.create("person", project_id=project, first_name="x" * 71, birth_date="1990-02-30",
                      nope=1)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.errors == [
        certo.FieldError("first_name", "must be at most 70 characters"),
        certo.FieldError("birth_date", "must be a real calendar date in the form YYYY-MM-DD"),
        certo.FieldError("nope", "is not a field of person"),
        certo.FieldError("last_name", "is required"),
    ]
    assert error.errors[0].field == "first_name" and error.errors[0].message.startswith("must")
    assert str(error) == "validation: " + "; ".join(f"{f}: {m}" for f, m in error.errors)
    assert engine.index("person").total_count == 0  # nothing was written


def test_conflict(engine: certo.Engine) -> None:
    project = engine.create("project", name="P")["project_id"]
    engine.create("person", project_id=project, first_name="A", last_name="B", code="E1")
    with pytest.raises(certo.ConflictError) as caught:
        engine.create("person", project_id=project, first_name="C", last_name="D", code="E1")
    assert caught.value.message.startswith(
        "a person with the same project_id and code already exists (person_id ")
    with pytest.raises(certo.ConflictError) as caught:
        engine.create("project", project_id=project, name="again")
    assert caught.value.message == f"a project with project_id {project} already exists"


def test_busy_when_another_connection_holds_the_write_lock(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "shared.certo"
    with certo.Engine(path, today=TODAY, create=True) as first, \
            certo.Engine(path, today=TODAY, busy_timeout=0) as second:
        first.create("project", name="first")
        seen = []

        def body(engine: certo.Engine) -> None:
            engine.create("project", name="inside the first engine's transaction")
            with pytest.raises(certo.BusyError) as caught:
                second.create("project", name="blocked")
            seen.append(caught.value)

        first.transaction(body)
        error = seen[0]
        assert isinstance(error, TimeoutError)
        assert (error.code, error.http_status) == ("busy", 503)
        assert error.message.startswith("the file is locked by another connection")
        assert error.sqlite_code & 0xFF == 5  # SQLITE_BUSY
        second.create("project", name="after the commit")
        assert second.index("project").total_count == 3


def test_corrupt_storage_incompatible_are_covered_in_test_engine() -> None:
    # Opening errors (CorruptError, StorageError, IncompatibleError) need files: test_engine.py.
    assert issubclass(certo.CorruptError, certo.Error)
    assert issubclass(certo.StorageError, certo.Error)
    assert issubclass(certo.IncompatibleError, certo.Error)


@pytest.mark.parametrize("code,cls", sorted(certo.ERRORS_BY_CODE.items()))
def test_every_code_maps_to_its_class(code: str, cls: type) -> None:
    error = _errors._from_status(code, cls.code_value, "message", [("f", "m")], 1555)
    assert type(error) is cls
    assert error.sqlite_code == 1555
    if cls is certo.ValidationError:
        assert error.errors == [certo.FieldError("f", "m")]
    else:
        assert error.message == "message"
    # Errors survive pickling (for multiprocessing and logging handlers).
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.sqlite_code) == (cls, str(error), 1555)


def test_an_unknown_future_code_is_still_a_certo_error() -> None:
    error = _errors._from_status("brand_new", 42, "from a newer library", [], 0)
    assert type(error) is certo.Error
    assert (error.code, error.code_value, str(error)) == ("brand_new", 42,
                                                          "brand_new: from a newer library")


def test_internal_error_from_a_response() -> None:
    response = certo.Response(500, {}, {"name": "Internal Server Error", "message": "boom",
                                        "code": 7, "status": 500})
    with pytest.raises(certo.InternalError, match="boom"):
        response.raise_for_status()
    with pytest.raises(certo.CorruptError):
        certo.Response(500, {}, {"message": "bad", "code": 5}).raise_for_status()
    with pytest.raises(certo.BusyError):
        certo.Response(503, {}, None).raise_for_status()
