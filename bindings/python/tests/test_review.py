# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Review campaigns from Python (docs/review.md): the same calls and the same errors as C++."""

from __future__ import annotations

import datetime
from typing import Dict

import pytest

import certo


def company(e: certo.Engine) -> Dict[str, str]:
    ids: Dict[str, str] = {}
    ids["project"] = e.create("project", {"name": "Acme"})["project_id"]
    ids["office"] = e.create("office", {"project_id": ids["project"], "name": "Plant"})["office_id"]
    role = e.create("role", {"office_id": ids["office"], "name": "Fire warden"})["office_role_id"]
    for first in ("Rita", "Ana"):
        p = e.create("person", {"project_id": ids["project"], "first_name": first,
                                "last_name": "X"})["person_id"]
        ids[first] = p
        po = e.create("person-office", {"office_id": ids["office"], "person_id": p})
        if first == "Ana":
            ids["assignment"] = e.create("entity-employee", {
                "person_office_id": po["person_office_id"], "type": "ROLE",
                "entity_id": role})["entity_employee_id"]
    return ids


def test_a_campaign_from_create_to_sign_off_retires_the_revoked_assignment(
        engine: certo.Engine) -> None:
    ids = company(engine)
    made = engine.create_review_campaign(project_id=ids["project"], name="Annual",
                                         reviewer_id=ids["Rita"],
                                         deadline=datetime.date(2026, 12, 31))
    cert = made["cert_id"]
    assert made["state"] == "CREATED"
    engine.start_review_campaign(cert)
    tasks = engine.review_tasks(cert)
    assert tasks["totalResult"] == 1
    task = tasks["certifications"][0]["taskId"]
    item = engine.review_line_items(cert, task)["certLineItemList"][0]["id"]
    results = engine.review_decide(cert, task, [
        {"line_item_id": item, "action": "Revoke", "request_id": "1"},
        {"line_item_id": item, "action": "Revoke", "comment": "left", "request_id": "2"},
        {"line_item_id": item, "action": "Revoke", "comment": "left", "request_id": "2"},
    ])
    assert isinstance(results[0].error, certo.ValidationError)
    assert results[0].error.errors[0].field == "comments"
    assert results[1].error is None and not results[1].replayed
    assert results[2].error is None and results[2].replayed
    done = engine.review_task_action(cert, task, "signoff")
    assert done["state"] == "SIGNED_OFF"
    assert engine.view("entity-employee", ids["assignment"])["retired_on"] == \
        datetime.date(2026, 11, 22)
    rows = engine.review_report(cert)["rows"]
    assert [(r["decision"], r["outcome"], r["comment"]) for r in rows] == \
        [("REVOKE", "RETIRED", "left")]
    history = engine.review_history(cert, task)
    names = [e["actionName"] for e in history["lineItems"][0]["actionHistoryList"]]
    assert names == ["REVIEW_REQUESTED", "ITEM_REVOKED", "TASK_SIGNED_OFF"]
    assert engine.verify().ok


def test_review_errors_are_certos_errors(engine: certo.Engine) -> None:
    ids = company(engine)
    with pytest.raises(certo.ValidationError) as bad:
        engine.create_review_campaign(project_id=ids["project"], name="x", deadline="2026-01-01",
                                      reviewer_id=ids["Rita"])
    assert bad.value.errors[0].field == "deadline"
    with pytest.raises(certo.NotFoundError):
        engine.review_campaign(42)
    cert = engine.create_review_campaign(project_id=ids["project"], name="x",
                                         deadline="2026-12-31", reviewer_id=ids["Rita"])["cert_id"]
    engine.start_review_campaign(cert)
    with pytest.raises(certo.ConflictError, match="is IN_REVIEW"):
        engine.start_review_campaign(cert)
    task = engine.review_campaigns(actor=ids["Rita"])["certifications"][0]["taskId"]
    with pytest.raises(certo.ConflictError, match="is ASSIGNED: signoff needs"):
        engine.review_task_action(cert, task, "signoff")
