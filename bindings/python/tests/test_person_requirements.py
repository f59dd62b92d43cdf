# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Engine.person_requirements: the person's card, with exact dates (today is 2026-11-22): a
warden's derived training and a manual one, the reasons of a day, and the errors."""

from __future__ import annotations

import datetime
from typing import Dict

import pytest

import certo
from conftest import id_of

D = datetime.date


@pytest.fixture
def warden(engine: certo.Engine) -> Dict[str, str]:
    """Ada is a fire warden from 2026-03-01; the wardens must do Fire fighting (yearly, 30 days'
    warning), which she did on 2025-12-01 (last valid day 2026-12-01: EXPIRING today). First aid
    is hers by hand, never done."""
    project = id_of(engine.create("project", name="ACME"))
    office = id_of(engine.create("office", project_id=project, name="Head office"))
    ada = id_of(engine.create("person", project_id=project, code="E001", first_name="Ada",
                              last_name="Rossi"))
    po = id_of(engine.create("person-office", person_id=ada, office_id=office))
    fire = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING", code="FF",
                               name="Fire fighting", validity=1, validity_unit="YEAR",
                               expire_interval=30))
    aid = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING", code="FA",
                              name="First aid"))
    role = id_of(engine.create("role", project_id=project, office_id=office,
                               name="Fire warden"))
    demand = id_of(engine.create("demand", project_id=project, office_id=office,
                                 action_id=fire, resource_type="ROLE", resource_id=role))
    held = id_of(engine.create("entity-employee", project_id=project, office_id=office,
                               person_office_id=po, type="ROLE", entity_id=role,
                               active_from=D(2026, 3, 1)))
    manual = id_of(engine.create("action-subscription", action_id=aid, subscriber_type="PERSON",
                                 subscriber_id=ada))
    cert = id_of(engine.create("certificate", tenant_id=project, resource_id=ada,
                               action_type="TRAINING", name="Course",
                               date_release=D(2025, 12, 1)))
    engine.create("certificate-action", certificate_id=cert, action_id=fire)
    [derived] = engine.index("action-subscription", {"action_id": fire}).rows
    return {"project": project, "office": office, "ada": ada, "fire": fire, "aid": aid,
            "role": role, "demand": demand, "held": held, "manual": manual,
            "derived": id_of(derived)}


def test_the_card_today(engine: certo.Engine, warden: Dict[str, str]) -> None:
    w = warden
    card = engine.person_requirements(w["ada"])
    assert card == {
        "person": {"person_id": w["ada"], "code": "E001", "name": "Ada Rossi",
                   "project_id": w["project"]},
        "as_of": D(2026, 11, 22),
        "counts": {"NEW": 1, "VALID": 0, "EXPIRING": 1, "EXPIRED": 0},
        "compliant": False,
        "requirements": [
            {"action_subscription_id": w["derived"],
             "action": {"action_id": w["fire"], "code": "FF", "name": "Fire fighting",
                        "action_type": "TRAINING"},
             "office_id": w["office"], "office_name": "Head office", "origin": "DERIVED",
             "status": "EXPIRING", "certificate_date_release": D(2025, 12, 1),
             "certificate_date_expire": D(2026, 12, 1),
             "why": [{"demand_id": w["demand"], "resource_type": "ROLE",
                      "resource_id": w["role"], "resource_name": "Fire warden",
                      "via": "entity-employee", "assignment_id": w["held"],
                      "active_from": D(2026, 3, 1), "retired_on": None}]},
            {"action_subscription_id": w["manual"],
             "action": {"action_id": w["aid"], "code": "FA", "name": "First aid",
                        "action_type": "TRAINING"},
             "office_id": w["office"], "office_name": "Head office", "origin": "MANUAL",
             "status": "NEW", "certificate_date_release": None,
             "certificate_date_expire": None, "why": []},
        ],
    }
    # The JSON API's body, dates as strings.
    body = engine.request("POST", f"/v2/person/requirements/{w['ada']}").body
    assert body["as_of"] == "2026-11-22"
    assert body["requirements"][0]["why"][0]["active_from"] == "2026-03-01"


def test_before_the_role_began_only_the_manual_row(engine: certo.Engine,
                                                   warden: Dict[str, str]) -> None:
    card = engine.person_requirements(warden["ada"], as_of="2026-02-28")
    assert card["as_of"] == D(2026, 2, 28)
    assert [r["action"]["code"] for r in card["requirements"]] == ["FA"]
    card = engine.person_requirements(warden["ada"], as_of=D(2026, 3, 1))
    assert [(r["action"]["code"], r["status"]) for r in card["requirements"]] == [
        ("FF", "VALID"), ("FA", "NEW")]


def test_errors_name_the_person_and_the_day(engine: certo.Engine,
                                            warden: Dict[str, str]) -> None:
    unknown = "0b5e9e4c-0000-4000-8000-000000000000"
    with pytest.raises(certo.NotFoundError) as e:
        engine.person_requirements(unknown)
    assert unknown in str(e.value)
    with pytest.raises(certo.ValidationError) as v:
        engine.person_requirements(warden["ada"], as_of="2026-02-30")
    assert v.value.errors[0][0] == "as_of"
