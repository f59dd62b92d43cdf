# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""examples/expiring_this_quarter.py, run as a user runs it, on a company built here."""

from __future__ import annotations

import datetime
import json
import pathlib
import subprocess
import sys

import certo
from conftest import id_of

SCRIPT = pathlib.Path(__file__).resolve().parents[3] / "examples" / "expiring_this_quarter.py"


def build(path: pathlib.Path) -> None:
    """Six people, one forklift course valid a year with 30 days of warning, one medical visit."""
    with certo.Engine(path, today="2026-11-22", create=True) as e:
        project = id_of(e.create("project", name="Rossi Costruzioni"))
        plant = id_of(e.create("office", project_id=project, name="Plant - Brescia"))
        site = id_of(e.create("office", project_id=project, name="Site - Bergamo"))
        forklift = id_of(e.create("action", subtenant_id=plant, action_type="TRAINING",
                                  name="Forklift course", validity=1, validity_unit="YEAR",
                                  expire_interval=30))
        scaffold = id_of(e.create("action", subtenant_id=site, action_type="TRAINING",
                                  name="Scaffolding", validity=2, validity_unit="YEAR"))
        visit = id_of(e.create("action", subtenant_id=plant, action_type="HEALTH",
                               name="Medical visit", validity=1, validity_unit="YEAR"))

        def person(first: str, last: str) -> str:
            return id_of(e.create("person", project_id=project, first_name=first,
                                  last_name=last))

        def trained(who: str, action: str, kind: str, released: str,
                    link_expire: object = None) -> None:
            e.create("action-subscription", action_id=action, subscriber_type="PERSON",
                     subscriber_id=who)
            cert = id_of(e.create("certificate", tenant_id=project, resource_id=who,
                                  action_type=kind, name="Certificate", date_release=released))
            e.create("certificate-action", certificate_id=cert, action_id=action,
                     date_expire=link_expire)

        anna, bruno, carla = person("Anna", "Verdi"), person("Bruno", "Neri"), person("Carla", "Blu")
        elena, fabio, gino = person("Elena", "Gialli"), person("Fabio", "Rosa"), person("Gino", "Viola")
        trained(anna, forklift, "TRAINING", "2025-10-15")             # E 2026-10-15: expired
        trained(bruno, forklift, "TRAINING", "2025-12-20")            # E 2026-12-20: expiring
        trained(bruno, scaffold, "TRAINING", "2024-10-01")            # E 2026-10-01: first day
        trained(bruno, visit, "HEALTH", "2025-12-01")                 # not training
        trained(carla, forklift, "TRAINING", "2026-03-01")            # E 2027-03-01: next year
        trained(elena, forklift, "TRAINING", "2026-01-05", "2026-12-31")  # last day of Q4
        trained(fabio, forklift, "TRAINING", "2025-09-30")            # E 2026-09-30: Q3
        e.create("action-subscription", action_id=forklift, subscriber_type="PERSON",
                 subscriber_id=gino)                                   # never trained: NEW


def run(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True,
                          text=True)


def test_prints_the_people_whose_training_expires_this_quarter(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "company.certo"
    build(path)
    result = run(str(path), "--today", "2026-11-22", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Training expiring in Q4 2026 (2026-10-01 to 2026-12-31), as of 2026-11-22:\n"
        "  expires     status    person        course           office\n"
        "  2026-10-01  EXPIRED   Bruno Neri    Scaffolding      Site - Bergamo\n"
        "  2026-10-15  EXPIRED   Anna Verdi    Forklift course  Plant - Brescia\n"
        "  2026-12-20  EXPIRING  Bruno Neri    Forklift course  Plant - Brescia\n"
        "  2026-12-31  VALID     Elena Gialli  Forklift course  Plant - Brescia\n"
        "3 people, 4 courses.\n")


def test_another_quarter_and_an_empty_one(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "company.certo"
    build(path)
    result = run(str(path), "--today", "2026-08-01", cwd=tmp_path)
    assert result.stdout == (
        "Training expiring in Q3 2026 (2026-07-01 to 2026-09-30), as of 2026-08-01:\n"
        "  expires     status  person      course           office\n"
        "  2026-09-30  VALID   Fabio Rosa  Forklift course  Plant - Brescia\n"
        "1 person, 1 course.\n")
    result = run(str(path), "--today", "2030-01-01", cwd=tmp_path)
    assert result.stdout == ("Training expiring in Q1 2030 (2030-01-01 to 2030-03-31), "
                             "as of 2030-01-01:\n  none\n")


def test_a_missing_file_is_reported_not_created(tmp_path: pathlib.Path) -> None:
    result = run(str(tmp_path / "nope.certo"), "--today", "2026-11-22", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"expiring_this_quarter: '{tmp_path / 'nope.certo'}' does not exist: "
                             "pass create=True to make a new certo file\n")
    assert not (tmp_path / "nope.certo").exists()


def test_on_the_bundled_example_company(tmp_path: pathlib.Path) -> None:
    """The README's example company, loaded through the Python API, then the script as shipped."""
    company = SCRIPT.parent / "company.jsonl"
    path = tmp_path / "example.certo"
    requests = [json.loads(line) for line in company.read_text().splitlines() if line.strip()]
    with certo.Engine(path, today="2026-11-22", create=True) as e:
        responses = e.bulk_import(requests)
        assert all(r.ok for r in responses)
        # The script's list is exactly the TRAINING rows of people whose expiry falls this quarter.
        expected = {
            (row["subscriber_name"], row["action_name"])
            for row in e.subscriptions(filter={"action_type": "TRAINING",
                                               "subscriber_type": "PERSON"}, per_page=1000)
            if row["certificate_date_expire"] and
            datetime.date(2026, 10, 1) <= row["certificate_date_expire"] <= datetime.date(2026, 12, 31)
        }
    result = run(str(path), "--today", "2026-11-22", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Training expiring in Q4 2026 (2026-10-01 to 2026-12-31), as of 2026-11-22:"
    assert len(expected) > 10
    assert len(lines) == len(expected) + 3  # title, header, one line per course, summary
    for person, course in expected:
        assert any(person in line and course in line for line in lines[2:-1]), (person, course)
