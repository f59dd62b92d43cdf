# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Engine.trend and Engine.incident_compliance: the schedule on other days than today, with
exact dates (today is 2026-11-22)."""

from __future__ import annotations

import datetime
from typing import Dict

import pytest

import certo
from conftest import id_of

D = datetime.date


@pytest.fixture
def office(engine: certo.Engine) -> Dict[str, str]:
    """Ada's yearly training released 2025-03-15 (EXPIRING from 2026-02-13, EXPIRED from
    2026-03-16); Bruno's released 2026-06-10 (NEW before it)."""
    project = id_of(engine.create("project", name="Rossi Costruzioni"))
    office = id_of(engine.create("office", project_id=project, name="Plant"))
    action = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING",
                                 name="General training", validity=1, validity_unit="YEAR",
                                 expire_interval=30))
    ids: Dict[str, str] = {"project": project, "office": office, "action": action}
    for name, released in (("Ada", D(2025, 3, 15)), ("Bruno", D(2026, 6, 10))):
        person = id_of(engine.create("person", project_id=project, first_name=name,
                                     last_name="Rossi"))
        ids[name] = person
        ids[name + "_po"] = id_of(engine.create("person-office", person_id=person,
                                                office_id=office))
        ids[name + "_s"] = id_of(engine.create("action-subscription", action_id=action,
                                               subscriber_type="PERSON", subscriber_id=person))
        cert = id_of(engine.create("certificate", tenant_id=project, resource_id=person,
                                   action_type="TRAINING", name="Course",
                                   date_release=released))
        engine.create("certificate-action", certificate_id=cert, action_id=action)
    return ids


def counts(new: int, valid: int, expiring: int, expired: int) -> Dict[str, int]:
    return {"NEW": new, "VALID": valid, "EXPIRING": expiring, "EXPIRED": expired}


def test_monthly_trend_follows_an_expiry_and_a_release(engine: certo.Engine,
                                                       office: Dict[str, str]) -> None:
    points = engine.trend(D(2026, 1, 15), "2026-07-15")
    assert points == [
        {"date": D(2026, 1, 15), "counts": counts(1, 1, 0, 0)},
        {"date": D(2026, 2, 15), "counts": counts(1, 0, 1, 0)},
        {"date": D(2026, 3, 15), "counts": counts(1, 0, 1, 0)},
        {"date": D(2026, 4, 15), "counts": counts(1, 0, 0, 1)},
        {"date": D(2026, 5, 15), "counts": counts(1, 0, 0, 1)},
        {"date": D(2026, 6, 15), "counts": counts(0, 1, 0, 1)},
        {"date": D(2026, 7, 15), "counts": counts(0, 1, 0, 1)},
    ]


def test_days_weeks_and_a_filter(engine: certo.Engine, office: Dict[str, str]) -> None:
    assert [p["counts"]["NEW"] for p in engine.trend(D(2026, 6, 8), D(2026, 6, 11), "day")] == [
        1, 1, 0, 0]
    weekly = engine.trend(D(2026, 2, 6), D(2026, 2, 27), "week",
                          filter={"subscriber_id": office["Ada"]})
    assert [p["date"] for p in weekly] == [D(2026, 2, 6), D(2026, 2, 13), D(2026, 2, 20),
                                           D(2026, 2, 27)]
    assert [p["counts"]["EXPIRING"] for p in weekly] == [0, 1, 1, 1]


def test_bad_trends_name_the_field(engine: certo.Engine, office: Dict[str, str]) -> None:
    with pytest.raises(certo.ValidationError) as e:
        engine.trend(D(2026, 3, 1), D(2026, 2, 1))
    assert e.value.errors[0][0] == "to"
    with pytest.raises(certo.ValidationError) as e:
        engine.trend(D(2026, 1, 1), D(2026, 3, 1), "year")
    assert e.value.errors[0][0] == "step"
    with pytest.raises(certo.ValidationError) as e:
        engine.trend(D(2026, 1, 1), D(2027, 2, 5), "day")
    assert "at most 400 points" in e.value.errors[0][1]
    with pytest.raises(certo.ValidationError) as e:
        engine.trend(D(2026, 1, 1), D(2026, 3, 1), filter={"status": "NEW"})
    assert e.value.errors[0][0] == "filter.status"


def test_incident_compliance_on_the_day_before_a_release(engine: certo.Engine,
                                                         office: Dict[str, str]) -> None:
    incident = id_of(engine.create("incident", subtenant_id=office["office"], name="Fall",
                                   date_incident=D(2026, 6, 9)))
    engine.create("incident-person", office_incident_id=incident,
                  person_office_id=office["Bruno_po"])
    report = engine.incident_compliance(incident)
    assert report["date_incident"] == D(2026, 6, 9)
    assert report["today"] == D(2026, 11, 22)
    assert report["out_of_compliance_on_incident_date"] == 1
    [bruno] = report["people"]
    assert bruno["person_id"] == office["Bruno"]
    assert bruno["person_name"] == "Bruno Rossi"
    assert bruno["compliant_on_incident_date"] is False
    assert bruno["requirements"] == [{
        "action_subscription_id": office["Bruno_s"], "action_id": office["action"],
        "action_name": "General training", "status_on_incident_date": "NEW",
        "status_today": "VALID"}]
    with pytest.raises(certo.NotFoundError):
        engine.incident_compliance("0b5e9e4c-0000-4000-8000-000000000000")
