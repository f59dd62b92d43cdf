# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The package as installed: where it comes from, its names, its stubs and its type checking."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

import certo
from certo import _certo

SOURCE = pathlib.Path(__file__).resolve().parents[3]


def test_the_installed_package_is_under_test_not_the_source_tree() -> None:
    installed = pathlib.Path(certo.__file__).resolve()
    assert SOURCE / "bindings" / "python" not in installed.parents
    assert installed.parent == pathlib.Path(_certo.__file__).resolve().parent


def test_version_is_the_cmake_project_version() -> None:
    cmake = (SOURCE / "CMakeLists.txt").read_text(encoding="utf-8")
    version = re.search(r"project\(certo VERSION ([0-9.]+)", cmake)
    assert version is not None
    assert certo.__version__ == version.group(1)


def test_collections_match_the_engine() -> None:
    assert certo.collections() == [
        "project", "office", "person", "person-office", "role", "equipment", "work-environment",
        "substance", "entity-employee", "work-group", "work-group-person", "material",
        "material-item", "work-group-entity", "action", "certificate", "action-subscription",
        "certificate-action", "incident", "incident-action", "incident-person", "demand",
        "attachment", "entity-attachment"]
    assert certo.Engine.collections() == certo.collections()


def test_every_error_code_of_the_library_has_its_exception_class() -> None:
    # The C++ side lists its codes itself, so a new code cannot slip past the bindings.
    codes = _certo.codes()
    assert codes[0] == (0, "ok", 200)
    assert {name for _, name, _ in codes[1:]} == set(certo.ERRORS_BY_CODE)
    for value, name, http in codes[1:]:
        cls = certo.ERRORS_BY_CODE[name]
        assert issubclass(cls, certo.Error)
        assert (cls.code, cls.code_value, cls.http_status) == (name, value, http)


def test_all_names_exist() -> None:
    for name in certo.__all__:
        assert hasattr(certo, name), name


def test_stubs_and_marker_are_installed() -> None:
    package = pathlib.Path(certo.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_certo.pyi").is_file()


def _mypy(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    env = dict(os.environ, MYPY_CACHE_DIR=str(cwd / ".mypy_cache"))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True)


def test_stubs_agree_with_the_compiled_module(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy", reason="python3-mypy (cmake/debian-packages.txt) is required")
    # pybind11 classes have the metaclass pybind11_type, which a stub cannot name; the entry
    # matches only the class itself, so every method is still checked.
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("certo._certo.Engine\n")
    result = _mypy("-m", "mypy.stubtest", "--allowlist", str(allowlist), "certo._certo",
                   cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_type_checks_strictly(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy", reason="python3-mypy (cmake/debian-packages.txt) is required")
    client = tmp_path / "client.py"
    client.write_text(textwrap.dedent("""
        import datetime
        from typing import List
        import certo

        def overdue(path: str) -> List[str]:
            with certo.Engine(path, today=datetime.date(2026, 11, 22), busy_timeout=2) as e:
                rows: certo.Rows = e.subscriptions(status=["EXPIRED", "EXPIRING"])
                names: List[str] = [str(row["subscriber_name"]) for row in rows]
                page: certo.Page = e.subscriptions_page(status="EXPIRED", page=2, per_page=10)
                first: certo.Record = page[0]
                report: certo.VerifyReport = e.verify()
                ok: bool = report.ok
                r: certo.Response = e.request("GET", "/v2/verify")
                status: int = r.status
                try:
                    e.view("person", "nope")
                except certo.NotFoundError as error:
                    code: str = error.code
                except certo.ValidationError as error:
                    fields = [f.field for f in error.errors]
                events: List[certo.Event] = e.read_outbox(after=0, limit=10)
                total: int = e.transaction(lambda eng: len(eng.index("person").rows))
                return names
        """))
    for target in (["-p", "certo"], [str(client)]):
        result = _mypy("-m", "mypy", "--strict", *target, cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad.py"
    bad.write_text("import certo\ncerto.Engine(':memory:').index('person', per_page='10')\n")
    result = _mypy("-m", "mypy", "--strict", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert 'incompatible type "str"; expected "int"' in result.stdout


def test_the_namespace_is_exactly_all() -> None:
    # No helper import leaks out as if it were certo's (certo.List was typing.List).
    public = {name for name in vars(certo) if not name.startswith("_")}
    assert public == set(certo.__all__) - {"__version__"}
    assert not hasattr(certo, "List")
    assert len(certo.__all__) == len(set(certo.__all__))


def test_the_literal_types_spell_what_the_engine_knows() -> None:
    import typing
    assert list(typing.get_args(certo.Collection)) == certo.collections()
    assert typing.get_args(certo.Status) == certo.STATUSES
    assert typing.get_args(certo.VerifyDepth) == ("full", "quick", "schedule")


def test_mypy_rejects_a_misspelt_collection_or_status(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy", reason="python3-mypy (cmake/debian-packages.txt) is required")
    bad = tmp_path / "typos.py"
    bad.write_text(textwrap.dedent("""
        import certo
        e = certo.Engine(':memory:')
        e.create("persn", first_name="Ada")
        e.subscriptions(status="EXPIRD")
        e.subscriptions(status=["VALID", "EXPIRNG"])
        e.verify(depth="deep")
        """))
    result = _mypy("-m", "mypy", "--strict", str(bad), cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["4", "5", "6", "7"], result.stdout
    assert "'persn'" in errors[0] and "'EXPIRD'" in errors[1] and "'deep'" in errors[3]
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent("""
        import certo
        e = certo.Engine(':memory:')
        name: certo.Collection = "person"
        e.create(name, first_name="Ada")
        for c in certo.collections():
            e.index(c)
        e.subscriptions(status=["VALID", "EXPIRING"])
        """))
    result = _mypy("-m", "mypy", "--strict", str(good), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
