# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Python values <-> JSON: what records, filters and bodies accept, and what comes back."""

from __future__ import annotations

import datetime
from typing import Any, List

import pytest

import certo


@pytest.fixture
def project(engine: certo.Engine) -> str:
    return engine.create("project", name="P")["project_id"]


def test_json_fields_round_trip(engine: certo.Engine, project: str) -> None:
    data = {"text": "Über façade ✓ 日本", "int": -(2**63), "big": 2**64 - 1, "float": 0.125,
            "true": True, "false": False, "null": None, "list": [1, [2, [3, {}]], []],
            "tuple": (1, 2), "when": datetime.date(2024, 2, 29), "nested": {"z": 1, "a": 2}}
    stored = engine.update("project", project, data=data)["data"]
    assert stored == {**data, "tuple": [1, 2], "when": "2024-02-29"}
    assert list(stored["nested"]) == ["z", "a"]  # key order is kept
    assert type(stored["int"]) is int and type(stored["float"]) is float


def test_dates_in_records_and_filters(engine: certo.Engine, project: str) -> None:
    person = engine.create("person", project_id=project, first_name="A", last_name="B",
                           birth_date=datetime.date(1990, 5, 17))
    assert person["birth_date"] == datetime.date(1990, 5, 17)
    assert engine.index("person", {"birth_date": datetime.date(1990, 5, 17)}).total_count == 1
    with pytest.raises(TypeError, match="datetime.datetime"):
        engine.update("person", person["person_id"],
                      birth_date=datetime.datetime(1990, 5, 17, 8, 30))


@pytest.mark.parametrize("value,error,message", [
    ({1, 2}, TypeError, "Object of type set is not JSON serializable"),
    (b"bytes", TypeError, "Object of type bytes is not JSON serializable"),
    ({1: "x"}, TypeError, "JSON object keys must be str, not int"),
    (float("nan"), ValueError, "JSON has no NaN or infinity"),
    (float("inf"), ValueError, "JSON has no NaN or infinity"),
    (2**64, ValueError, "does not fit in 64 bits"),
    (-(2**63) - 1, ValueError, "does not fit in 64 bits"),
])
def test_values_json_cannot_hold(engine: certo.Engine, project: str, value: Any, error: type,
                                 message: str) -> None:
    with pytest.raises(error, match=message):
        engine.update("project", project, data={"v": value})
    assert engine.view("project", project)["data"] is None


def test_a_circular_structure_is_an_error_not_a_crash(engine: certo.Engine, project: str) -> None:
    loop: List[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested more than 256 levels"):
        engine.update("project", project, data=loop)
    deep: Any = "leaf"
    for _ in range(200):
        deep = [deep]
    assert engine.update("project", project, data=deep)["data"] == deep


def test_mappings_other_than_dict(engine: certo.Engine, project: str) -> None:
    from types import MappingProxyType
    record = MappingProxyType({"name": "Frozen", "project_id": project})
    assert engine.create("office", record)["name"] == "Frozen"
    assert engine.index("office", MappingProxyType({"name": "froz"})).total_count == 1
