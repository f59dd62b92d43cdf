# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The whole-library helpers: counts, report, export, import_file, sync_people, verify(depth)."""

from __future__ import annotations

import datetime
import io
import json
import pathlib
from typing import Dict

import pytest

import certo
from conftest import TODAY, build_company, id_of

D = datetime.date


def test_counts_by_status(engine: certo.Engine, company: Dict[str, Dict[str, object]]) -> None:
    counts = engine.counts()
    assert counts == certo.StatusCounts(new=0, valid=1, expiring=0, expired=0)
    assert (counts.total, counts.compliance, counts["VALID"]) == (1, 100.0, 1)
    assert counts.as_dict() == {"NEW": 0, "VALID": 1, "EXPIRING": 0, "EXPIRED": 0}
    assert engine.counts(D(2027, 1, 11)).expired == 1
    assert engine.counts("2026-12-11").expiring == 1
    assert engine.counts(filter={"action_type": "HEALTH"}) == certo.StatusCounts(0, 0, 0, 0)
    assert engine.counts(filter={"action_type": "HEALTH"}).compliance is None
    with pytest.raises(certo.ValidationError):
        engine.counts(filter={"status": "VALID"})


def test_report_is_typed(engine: certo.Engine, company: Dict[str, Dict[str, object]]) -> None:
    report = engine.report("2026-12-20", days=30, months=2)
    assert isinstance(report, certo.Report)
    assert report.as_of == D(2026, 12, 20) and report.days == 30
    assert report.totals == certo.StatusCounts(0, 0, 1, 0)
    assert [(o.office_name, o.counts.expiring) for o in report.offices] == [("Plant - Brescia", 1)]
    assert [(t.action_type, t.counts.total) for t in report.action_types] == [("TRAINING", 1)]
    assert report.expired == [] and report.expired_total == 0
    (entry,) = report.expiring
    assert (entry.status, entry.date_expire, entry.days, entry.certificate_date_release,
            entry.subscriber_name, entry.action_name) == \
        ("EXPIRING", D(2027, 1, 10), 21, D(2026, 1, 10), "Luca Russo", "Forklift course")
    assert report.expiries_by_month == [certo.MonthCount("2026-12", 0),
                                        certo.MonthCount("2027-01", 1)]
    # The company's one incident has a corrective action (an incident-action): not open.
    assert report.open_incidents == [] and report.open_incidents_total == 0
    assert repr(report) == ("<certo.Report as of 2026-12-20: 1 subscriptions, 0 expired, "
                            "1 expiring, 0 open incidents>")
    assert engine.report(limit=0, filter={"action_type": "HEALTH"}).totals.total == 0
    with pytest.raises(certo.ValidationError) as caught:
        engine.report(days=-1)
    assert caught.value.errors[0].field == "days"


def test_export_then_import_file_rebuilds_the_same_rows(
        engine: certo.Engine, company: Dict[str, Dict[str, object]],
        tmp_path: pathlib.Path) -> None:
    engine.historicize("role", id_of(company["role"]), "2026-12-01")
    # A line separator inside a value is written raw by the export: lines end at "\n" only.
    engine.update("project", id_of(company["project"]), name="Rossi\u2028Costruzioni")
    path = tmp_path / "company.jsonl"
    result = engine.export(path)
    assert result == certo.ExportResult(str(path), len(company) + 1)  # + the historicize
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert json.loads(lines[0])["path"] == "/v2/project/create"
    assert engine.export_requests() == [json.loads(line) for line in lines]
    with certo.Engine(":memory:", today=TODAY) as copy:
        imported = copy.import_file(path)
        assert imported == certo.ImportResult(applied=len(lines)) and imported.ok
        for collection in certo.collections():
            assert list(copy.iterate(collection, history=True)) == \
                list(engine.iterate(collection, history=True)), collection
    with pytest.raises(certo.NotFoundError):
        engine.export(tmp_path / "none.jsonl", project_id="00000000-0000-0000-0000-000000000000")


def test_import_file_is_atomic_and_names_the_failing_line(engine: certo.Engine,
                                                          tmp_path: pathlib.Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text('{"method": "POST", "path": "/v2/project/create", "body": {"name": "A"}}\n'
                    "\n"
                    '{"method": "POST", "path": "/v2/project/create", "body": {"name": ""}}\n')
    with pytest.raises(certo.ValidationError) as caught:
        engine.import_file(path)
    assert caught.value.line == 3  # type: ignore[attr-defined]
    assert str(path) + " line 3" in str(caught.value)
    assert engine.index("project").total_count == 0
    result = engine.import_file(path, each=True)
    assert result.applied == 1 and [f.line for f in result.failures] == [3]
    assert result.failures[0].response.status == 422
    assert engine.index("project").total_count == 1
    path.write_text("not json\n")
    with pytest.raises(certo.InvalidArgumentError, match="line 1"):
        engine.import_file(path)
    with pytest.raises(certo.StorageError, match="cannot read"):
        engine.import_file(tmp_path / "missing.jsonl")


def test_sync_people_from_a_path_or_a_file_object(engine: certo.Engine,
                                                  tmp_path: pathlib.Path) -> None:
    project = id_of(engine.create("project", name="P"))
    engine.create("person", project_id=project, code="E1", first_name="Ada", last_name="L")
    engine.create("person", project_id=project, code="E2", first_name="Bob", last_name="M")
    roster = "code,first_name,last_name,birth_date\nE1,Ada,Lovelace,1815-12-10\nE3,Cy,N,\n"
    plan = engine.sync_people(io.StringIO(roster), project_id=project, dry_run=True)
    assert not plan.applied and plan.errors == [] and plan.unchanged == 0
    assert [(c.kind, c.key, c.line) for c in plan.changes] == [
        ("update", "E1", 2), ("create", "E3", 3), ("historicize", "E2", 0)]
    assert plan.changes[0].fields["birth_date"] == {"old": None, "new": D(1815, 12, 10)}
    assert (plan.count("create"), plan.count("historicize")) == (1, 1)
    capped = engine.sync_people(io.BytesIO(roster.encode()), project_id=project, max_changes=2)
    assert capped.cap_exceeded and not capped.applied
    path = tmp_path / "roster.csv"
    path.write_text(roster)
    done = engine.sync_people(path, project_id=project, date="2026-11-01")
    assert done.applied
    assert sorted(p["code"] for p in engine.iterate("person")) == ["E1", "E3"]
    retired = engine.index("person", {"code": "E2"}, history=True)[0]
    assert retired["retired_on"] == D(2026, 11, 1)
    bad = engine.sync_people(io.StringIO("code,first_name,last_name\nE1,,L\n"),
                             project_id=project)
    assert not bad.applied
    assert bad.errors == [certo.PeopleSyncError(2, "first_name", "is required")]
    with pytest.raises(certo.ValidationError):
        engine.sync_people(io.StringIO(roster), project_id=project,
                           match="email")  # type: ignore[arg-type]


def test_verify_takes_a_depth(engine: certo.Engine) -> None:
    build_company(engine)
    for depth in ("full", "quick", "schedule"):
        report = engine.verify(depth=depth)  # type: ignore[arg-type]
        assert report.ok and report.subscriptions_checked == 1 and report.links_checked == 1
    with pytest.raises(certo.ValidationError) as caught:
        engine.verify(depth="deep")  # type: ignore[arg-type]
    assert caught.value.errors == [certo.FieldError("depth", "must be full, quick or schedule")]
