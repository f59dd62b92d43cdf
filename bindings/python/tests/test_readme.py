# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The Python examples of bindings/python/README.md, run as written, so they cannot go stale.
Each runs in a fresh directory, in order (the pandas one reads the file of the first)."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
from typing import Dict

import pytest


README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def blocks() -> Dict[str, str]:
    text = README.read_text(encoding="utf-8")
    found = dict(re.findall(r"<!-- test:(python-readme-[a-z-]+) -->\n```python\n(.*?)```", text,
                            re.S))
    assert set(found) == {"python-readme-quickstart", "python-readme-pandas"}, sorted(found)
    return found


def run(code: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_the_quick_start_runs_and_prints_what_it_says(tmp_path: pathlib.Path) -> None:
    result = run(blocks()["python-readme-quickstart"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Released 2025-12-01, valid a year with 30 days' warning: EXPIRING on 2026-11-22.
    assert lines[0] == "Luca Russo Forklift course EXPIRING 2026-12-01"
    assert lines[1] == "1 expire by 2027-01-21"
    assert lines[2] == "<certo.Page person 1/1: 1 of 1 rows> Russo"
    assert lines[3].startswith("StatusCounts(new=0, valid=0, expiring=1, expired=0) 1")
    assert lines[4].startswith("200 1 [{'person_id': ")
    assert lines[5:] == ["first_name must not be empty", "last_name is required"]
    assert (tmp_path / "company.certo").is_file()


def test_the_pandas_example_runs(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("pandas", reason="python3-pandas (Debian) is not installed")
    first = run(blocks()["python-readme-quickstart"], tmp_path)
    assert first.returncode == 0, first.stderr
    result = run(blocks()["python-readme-pandas"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Luca Russo" in result.stdout and "2026-12-01" in result.stdout
    assert re.search(r"EXPIRING\s+1", result.stdout), result.stdout


def test_the_quick_start_file_is_not_created_without_create(tmp_path: pathlib.Path) -> None:
    code = blocks()["python-readme-pandas"]
    result = run(code, tmp_path)
    assert result.returncode == 1
    assert "does not exist: pass create=True" in result.stderr
    assert not (tmp_path / "company.certo").exists()
