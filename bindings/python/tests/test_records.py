# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""create/view/update/delete/index/iterate/historicize/restore, over every collection."""

from __future__ import annotations

import datetime
from typing import Dict

import pytest

import certo
from conftest import TODAY, id_of

MISSING = "00000000-0000-4000-8000-0000000000ff"

# Collections without historicization (DESIGN.md: dated records, and the project itself).
NOT_HISTORICIZABLE = {"project", "certificate", "certificate-action", "incident",
                      "incident-action", "incident-person", "attachment", "entity-attachment"}

# One field each collection lets us change, and its new value.
CHANGES: Dict[str, Dict[str, object]] = {
    "project": {"description": "changed"},
    "office": {"code": "CHG"},
    "person": {"first_name": "Changed"},
    "person-office": {},  # nothing but its parents, which cannot change
    "role": {"name": "Changed"},
    "equipment": {"name": "Changed"},
    "work-environment": {"name": "Changed"},
    "substance": {"name": "Changed"},
    "entity-employee": {},  # likewise
    "work-group": {"name": "Changed"},
    "work-group-person": {"time_spent_measure": "40 h"},
    "action": {"name": "Changed"},
    "certificate": {"name": "Changed"},
    "action-subscription": {"data": {"changed": True}},
    "certificate-action": {"date_expire": datetime.date(2030, 1, 31)},
    "incident": {"name": "Changed"},
    "incident-action": {"description": "Changed"},
    "incident-person": {"days": 3},
    "material": {"name": "Changed"},
    "material-item": {"initial_quantity": 7},
    "work-group-entity": {"description": "Changed"},
    "demand": {"data": {"changed": True}},
    "attachment": {"description": "Changed"},
    "entity-attachment": {},  # nothing but its two ends, which cannot change
}


def test_the_company_covers_every_collection(company: Dict[str, Dict[str, object]]) -> None:
    assert sorted(company) == sorted(certo.collections()) == sorted(CHANGES)


@pytest.mark.parametrize("collection", certo.collections())
def test_view_index_update_of_every_collection(engine: certo.Engine,
                                               company: Dict[str, Dict[str, object]],
                                               collection: str) -> None:
    record = company[collection]
    rid = id_of(record)
    # Read-only fields (counters, status, joined names) may have moved since the row was created.
    record = engine.view(collection, rid)
    assert list(record) == list(company[collection])
    page = engine.index(collection)
    assert rid in [id_of(r) for r in page]
    assert page.total_count == len(page) == page.rows.__len__() >= 1
    assert (page.page, page.per_page, page.page_count) == (1, 100, 1)
    updated = engine.update(collection, rid, CHANGES[collection])
    for field, value in CHANGES[collection].items():
        assert updated[field] == value
    assert engine.view(collection, rid) == updated
    with pytest.raises(certo.NotFoundError) as caught:
        engine.view(collection, MISSING)
    assert caught.value.message == f"no {collection} with {next(iter(record))} {MISSING}"
    with pytest.raises(certo.NotFoundError):
        engine.update(collection, MISSING, CHANGES[collection])


@pytest.mark.parametrize("collection", certo.collections())
def test_delete_previews_then_removes(engine: certo.Engine,
                                      company: Dict[str, Dict[str, object]],
                                      collection: str) -> None:
    rid = id_of(company[collection])
    before = engine.view(collection, rid)
    preview = engine.delete(collection, rid)
    assert preview.deleted is False
    assert preview.rows[0] == certo.RowRef(collection, rid)
    assert engine.view(collection, rid) == before  # nothing changed
    done = engine.delete(collection, rid, force=True)
    assert done == certo.DeleteResult(True, preview.rows)
    for row in done.rows:
        with pytest.raises(certo.NotFoundError):
            engine.view(row.collection, row.id)
    assert engine.verify().ok


@pytest.mark.parametrize("collection", sorted(set(certo.collections()) - NOT_HISTORICIZABLE))
def test_historicize_and_restore(engine: certo.Engine, company: Dict[str, Dict[str, object]],
                                 collection: str) -> None:
    rid = id_of(company[collection])
    retired = engine.historicize(collection, rid)
    assert retired["retired_on"] == TODAY
    assert retired["owned_active"] == 0
    assert rid not in [id_of(r) for r in engine.index(collection)]
    assert rid in [id_of(r) for r in engine.index(collection, history=True)]
    # Before the retirement date the row was active.
    assert rid in [id_of(r) for r in engine.index(collection, as_of="2026-11-21")]
    restored = engine.restore(collection, rid)
    assert restored["retired_on"] is None
    assert rid in [id_of(r) for r in engine.index(collection)]


def test_historicize_takes_a_date(engine: certo.Engine,
                                  company: Dict[str, Dict[str, object]]) -> None:
    rid = id_of(company["person"])
    assert engine.historicize("person", rid, datetime.date(2027, 1, 1))["retired_on"] == \
        datetime.date(2027, 1, 1)
    assert engine.historicize("person", rid, "2027-02-01")["retired_on"] == datetime.date(2027, 2, 1)
    with pytest.raises(certo.ValidationError) as caught:
        engine.historicize("person", rid, "2027-02-30")
    assert caught.value.errors == [
        certo.FieldError("date", "must be a real calendar date in the form YYYY-MM-DD")]


@pytest.mark.parametrize("collection", sorted(NOT_HISTORICIZABLE))
def test_historicize_of_a_dated_collection_is_not_found(
        engine: certo.Engine, company: Dict[str, Dict[str, object]], collection: str) -> None:
    with pytest.raises(certo.NotFoundError) as caught:
        engine.historicize(collection, id_of(company[collection]))
    assert caught.value.message == f"'{collection}' rows cannot be historicized"
    with pytest.raises(certo.NotFoundError):
        engine.restore(collection, id_of(company[collection]))


def test_create_takes_a_dict_keywords_or_both(engine: certo.Engine) -> None:
    a = engine.create("project", {"name": "A", "country": "IT"})
    b = engine.create("project", name="B", country="IT")
    c = engine.create("project", {"name": "C"}, country="FR")
    assert [(p["name"], p["country"]) for p in (a, b, c)] == [("A", "IT"), ("B", "IT"), ("C", "FR")]
    supplied = "0190c3f2-0000-7000-8000-000000000001"
    assert engine.create("project", project_id=supplied, name="D")["project_id"] == supplied
    with pytest.raises(TypeError, match="mapping"):
        engine.create("project", ["name", "E"])  # type: ignore[arg-type]


def test_update_clears_a_field_with_none(engine: certo.Engine) -> None:
    p = engine.create("project", name="A", description="text")
    assert engine.update("project", p["project_id"], description=None)["description"] is None


def test_unknown_collection_is_not_found(engine: certo.Engine) -> None:
    with pytest.raises(certo.NotFoundError) as caught:
        engine.create("widget", name="x")
    assert caught.value.message == "unknown collection 'widget'"
    with pytest.raises(certo.NotFoundError):
        engine.index("widget")


def test_index_filter_sort_and_paging(engine: certo.Engine) -> None:
    project = engine.create("project", name="P")["project_id"]
    for i, name in enumerate(["Milan HQ", "Plant Brescia", "Plant Bergamo", "Depot Turin"]):
        engine.create("office", project_id=project, name=name, code=f"O{i}")
    page = engine.index("office", {"name": "plant"}, sort="-name")
    assert [r["name"] for r in page] == ["Plant Brescia", "Plant Bergamo"]
    assert page.total_count == 2
    first = engine.index("office", sort="name", per_page=3)
    second = engine.index("office", sort="name", per_page=3, page=2)
    assert [r["name"] for r in first] == ["Depot Turin", "Milan HQ", "Plant Bergamo"]
    assert [r["name"] for r in second] == ["Plant Brescia"]
    assert (first.page_count, second.page, len(engine.index("office", page=10**12))) == (2, 2, 0)
    assert [r["code"] for r in engine.index("office", {"code": ["O1", "O3"]}, sort="code")] == \
        ["O1", "O3"]
    with pytest.raises(certo.ValidationError) as caught:
        engine.index("office", {"colour": "red"}, sort="zz", per_page=5000)
    assert [e.field for e in caught.value.errors] == ["per-page", "filter.colour", "sort"]
    with pytest.raises(certo.ValidationError) as caught:
        engine.index("office", page=0)
    assert caught.value.errors == [certo.FieldError("page", "must be at least 1")]
    with pytest.raises(TypeError):
        engine.index("office", per_page="10")  # type: ignore[arg-type]


def test_iterate_walks_every_page(engine: certo.Engine) -> None:
    project = engine.create("project", name="P")["project_id"]
    names = [f"Person {i:02d}" for i in range(23)]
    for name in names:
        engine.create("person", project_id=project, first_name=name, last_name="X")
    rows = list(engine.iterate("person", sort="first_name", per_page=5))
    assert [r["first_name"] for r in rows] == names
    assert list(engine.iterate("person", {"first_name": "nobody"})) == []
