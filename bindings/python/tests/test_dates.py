# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Dates come back as datetime.date (records, changes, events); pandas DataFrames type them."""

from __future__ import annotations

import datetime
import re
import sys
from typing import Dict

import pytest

import certo
from certo import _certo
from conftest import TODAY, id_of

D = datetime.date
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_every_date_a_record_holds_is_a_date_and_nothing_else_is(
        engine: certo.Engine, company: Dict[str, Dict[str, object]]) -> None:
    # Decided from the data: over a company with one row of every collection, read back through
    # the JSON API (strings), every value that looks like a date is one of the registry's date
    # fields, and the Python helpers give each of those as a datetime.date.
    engine.update("person", id_of(company["person"]), birth_date="1990-05-17")
    engine.update("certificate", id_of(company["certificate"]), date_expire="2027-01-10")
    engine.historicize("role", id_of(company["role"]), "2027-01-01")
    fields = _certo.date_fields()
    assert set(fields) == set(certo.collections())
    for collection in certo.collections():
        raw = engine.request("POST", f"/v2/{collection}/index", {"history": True}).body
        looks_like_dates = {k for row in raw for k, v in row.items()
                            if isinstance(v, str) and ISO.fullmatch(v)}
        assert looks_like_dates <= set(fields[collection]), collection
        for row in engine.iterate(collection, history=True):
            for name in fields[collection]:
                assert row[name] is None or type(row[name]) is D, (collection, name)
    assert engine.view("person", id_of(company["person"]))["birth_date"] == D(1990, 5, 17)
    assert engine.view("role", id_of(company["role"]))["retired_on"] == D(2027, 1, 1)
    sub = engine.view("action-subscription", id_of(company["action-subscription"]))
    assert (sub["certificate_date_release"], sub["certificate_date_expire"]) == \
        (D(2026, 1, 10), D(2027, 1, 10))


def test_dates_go_in_as_datetime_date_or_iso_strings(engine: certo.Engine) -> None:
    project = id_of(engine.create("project", name="P"))
    a = engine.create("person", project_id=project, first_name="A", last_name="L",
                      birth_date=D(1990, 1, 2))
    b = engine.create("person", project_id=project, first_name="B", last_name="L",
                      birth_date="1990-01-02")
    assert a["birth_date"] == b["birth_date"] == D(1990, 1, 2)
    assert engine.index("person", {"birth_date": D(1990, 1, 2)}).total_count == 2
    assert engine.index("person", {"birth_date": [D(1990, 1, 2), "1991-01-01"]}).total_count == 2


def test_change_rows_and_events_carry_dates(engine: certo.Engine,
                                            company: Dict[str, Dict[str, object]]) -> None:
    changes = list(engine.changes("2026-11-22", "2027-12-31"))
    assert [(c["date"], c["to"]) for c in changes] == [(D(2026, 12, 11), "EXPIRING"),
                                                       (D(2027, 1, 11), "EXPIRED")]
    events = engine.read_outbox(limit=1000)
    assert {e.date for e in events} == {TODAY}
    created = next(e for e in events if e.name == "CERTIFICATE::CREATE")
    assert created.payload["date_release"] == D(2026, 1, 10)
    engine.update("certificate", id_of(company["certificate"]), date_release="2026-02-01")
    update = engine.read_outbox(after=events[-1].seq)[0]
    assert update.name == "CERTIFICATE::UPDATE"
    assert update.payload["updated_fields"]["date_release"] == {"old": D(2026, 1, 10),
                                                                "new": D(2026, 2, 1)}
    seen = []
    engine.subscribe(seen.append)
    engine.historicize("person", id_of(company["person"]), "2027-01-01")
    assert seen[0].payload["updated_fields"]["retired_on"]["new"] == D(2027, 1, 1)


def test_the_json_api_keeps_json(engine: certo.Engine,
                                 company: Dict[str, Dict[str, object]]) -> None:
    body = engine.request("GET", f"/v2/certificate/view/{id_of(company['certificate'])}").body
    assert body["date_release"] == "2026-01-10"


def test_to_dataframe_types_the_date_columns(engine: certo.Engine,
                                             company: Dict[str, Dict[str, object]]) -> None:
    pandas = pytest.importorskip("pandas", reason="python3-pandas (Debian) is not installed")
    frame = engine.subscriptions().to_dataframe()
    assert len(frame) == 1
    assert str(frame["certificate_date_expire"].dtype) == "datetime64[ns]"
    assert frame["certificate_date_expire"][0] == pandas.Timestamp("2027-01-10")
    assert frame["status"][0] == "VALID"
    page = engine.index("person")
    people = page.to_dataframe()
    assert str(people["birth_date"].dtype) == "datetime64[ns]" and people["birth_date"].isna().all()
    assert list(people.columns) == list(page[0])
    changes = engine.changes("2026-11-22", "2027-12-31").to_dataframe()
    assert list(changes["date"]) == [pandas.Timestamp("2026-12-11"), pandas.Timestamp("2027-01-11")]
    assert engine.iterate("incident-person", {"code": "none such"}).to_dataframe().empty


def test_a_date_pandas_cannot_hold_stays_a_date(engine: certo.Engine) -> None:
    pytest.importorskip("pandas", reason="python3-pandas (Debian) is not installed")
    project = id_of(engine.create("project", name="P"))
    engine.create("person", project_id=project, first_name="A", last_name="L",
                  birth_date="1500-01-01")
    frame = engine.iterate("person").to_dataframe()
    assert list(frame["birth_date"]) == [D(1500, 1, 1)]


def test_to_dataframe_without_pandas_says_how_to_get_it(
        engine: certo.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ImportError, match="python3-pandas") as caught:
        engine.subscriptions().to_dataframe()
    assert "to_dataframe() needs pandas" in str(caught.value)
    with pytest.raises(ImportError, match="pip install pandas"):
        engine.index("person").to_dataframe()
