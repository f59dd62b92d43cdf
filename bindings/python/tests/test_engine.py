# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Opening and closing an Engine, its options and facts, and the errors of opening."""

from __future__ import annotations

import datetime
import pathlib
import sqlite3

import pytest

import certo
from conftest import TODAY


def test_context_manager_closes() -> None:
    with certo.Engine(":memory:", today=TODAY) as engine:
        assert not engine.closed
        assert engine.today == TODAY
        assert engine.schema_version >= 2
        assert repr(engine) == "<certo.Engine ':memory:' today=2026-11-22>"
    assert engine.closed
    assert repr(engine) == "<certo.Engine ':memory:' closed>"
    with pytest.raises(certo.ClosedError) as caught:
        engine.index("project")
    assert str(caught.value) == "closed: the engine is closed"
    assert isinstance(caught.value, ValueError)
    engine.close()  # twice is harmless


def test_today_accepts_a_date_or_an_iso_string() -> None:
    with certo.Engine(":memory:", today="2024-02-29") as engine:
        assert engine.today == datetime.date(2024, 2, 29)
    with certo.Engine(":memory:", today=datetime.date(2030, 1, 1)) as engine:
        assert engine.today == datetime.date(2030, 1, 1)


def test_today_defaults_to_the_local_date() -> None:
    with certo.Engine(":memory:") as engine:
        before = datetime.date.today()
        today = engine.today
        assert today in (before, datetime.date.today())


@pytest.mark.parametrize("bad", ["2024-02-30", "2024-2-1", "20240201", "2024-W05-3", "", "today"])
def test_bad_today_is_a_validation_error(bad: str) -> None:
    with pytest.raises(certo.ValidationError) as caught:
        certo.Engine(":memory:", today=bad)
    assert caught.value.errors == [
        certo.FieldError("today", "must be a real calendar date in the form YYYY-MM-DD")]


def test_today_of_a_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="datetime.date"):
        certo.Engine(":memory:", today=20240201)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a datetime.datetime"):
        certo.Engine(":memory:", today=datetime.datetime(2024, 2, 1, 12, 0))


def test_busy_timeout_is_seconds_and_checked() -> None:
    with certo.Engine(":memory:", busy_timeout=0):
        pass
    with certo.Engine(":memory:", busy_timeout=0.25):
        pass
    for bad in (-1, float("nan"), 10**9):
        with pytest.raises(certo.ValidationError) as caught:
            certo.Engine(":memory:", busy_timeout=bad)
        assert caught.value.errors[0].field == "busy_timeout"
    with pytest.raises(TypeError):
        certo.Engine(":memory:", busy_timeout="5")  # type: ignore[arg-type]


def test_a_file_keeps_its_data_and_accepts_path_objects(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "company.certo"
    with certo.Engine(path, today=TODAY, create=True) as engine:
        project = engine.create("project", name="Kept")
        assert engine.path == str(path)
    with certo.Engine(str(path), today=TODAY) as engine:
        assert engine.view("project", project["project_id"]) == project


def test_a_missing_file_is_an_error_naming_it_and_create_true(tmp_path: pathlib.Path) -> None:
    # Like sqlite3.connect("file:typo?mode=rw") and `certo` without --create: a typo in a path
    # must not silently start an empty company.
    path = tmp_path / "typo.certo"
    with pytest.raises(certo.StorageError) as caught:
        certo.Engine(path)
    assert caught.value.message == (f"'{path}' does not exist: pass create=True to make a new "
                                    "certo file")
    assert caught.value.code == "io_error"
    assert not path.exists()


def test_create_true_makes_a_new_file_and_opens_an_existing_one(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "new.certo"
    with certo.Engine(path, today=TODAY, create=True) as engine:
        engine.create("project", name="New")
    assert path.stat().st_size > 0
    with certo.Engine(path, today=TODAY, create=True) as engine:  # opens it, does not replace it
        assert [p["name"] for p in engine.index("project")] == ["New"]


def test_a_zero_byte_file_is_refused_unless_create_true(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "empty.certo"
    path.write_bytes(b"")
    with pytest.raises(certo.CorruptError):
        certo.Engine(path)
    assert path.read_bytes() == b""
    with certo.Engine(path, today=TODAY, create=True) as engine:
        assert engine.index("project").total_count == 0


def test_a_path_with_a_null_character_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="embedded null"):
        certo.Engine(str(tmp_path / "a\0b.certo"))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_a_storage_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(certo.StorageError, match="cannot open"):
        certo.Engine(tmp_path / "no" / "such" / "dir.certo", create=True)


def test_a_file_that_is_not_sqlite_is_corrupt_and_left_alone(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "notes.txt"
    content = b"these are notes, not a database\n" * 200
    path.write_bytes(content)
    with pytest.raises(certo.CorruptError) as caught:
        certo.Engine(path)
    assert caught.value.code_value == 5
    assert "is not a certo file" in caught.value.message
    assert path.read_bytes() == content


def test_a_foreign_sqlite_file_is_incompatible(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()
    with pytest.raises(certo.IncompatibleError) as caught:
        certo.Engine(path)
    assert caught.value.message == f"'{path}' is a SQLite database but not a certo file"


def test_errors_are_certo_errors_and_never_runtime_errors(tmp_path: pathlib.Path) -> None:
    for attempt in (lambda: certo.Engine(tmp_path / "x" / "y"),
                    lambda: certo.Engine(":memory:").view("person", "nope"),
                    lambda: certo.Engine(":memory:").create("widget", {})):
        with pytest.raises(certo.Error) as caught:
            attempt()
        assert type(caught.value) is not RuntimeError
