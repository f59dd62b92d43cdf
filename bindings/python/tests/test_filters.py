# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Range filters from Python: {"field": {"<=": day, ">=": day}} on sortable fields, dates given
as datetime.date or ISO strings, passed to the engine as the JSON API takes them."""

from __future__ import annotations

import datetime
from typing import List

import certo
from conftest import id_of

D = datetime.date


def courses_expiring(engine: certo.Engine) -> List[str]:
    """Five people whose forklift course (valid 1 YEAR) expires on the given days."""
    project = id_of(engine.create("project", name="P"))
    office = id_of(engine.create("office", project_id=project, name="O"))
    course = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING",
                                 name="Forklift", validity=1, validity_unit="YEAR",
                                 expire_interval=30))
    names = []
    for i, released in enumerate(["2025-11-01", "2025-11-22", "2025-12-15", "2026-01-21",
                                  "2026-01-22"]):
        person = id_of(engine.create("person", project_id=project, first_name=f"P{i}",
                                     last_name="L"))
        engine.create("action-subscription", action_id=course, subscriber_type="PERSON",
                      subscriber_id=person)
        cert = id_of(engine.create("certificate", tenant_id=project, resource_id=person,
                                   action_type="TRAINING", name="C", date_release=released))
        engine.create("certificate-action", certificate_id=cert, action_id=course)
        names.append(f"P{i} L")
    return names


def test_what_expires_in_the_next_60_days_is_one_query(engine: certo.Engine) -> None:
    names = courses_expiring(engine)  # expiries 2026-11-01, 11-22, 12-15, 2027-01-21, 01-22
    today = engine.today  # 2026-11-22
    soon = engine.subscriptions(filter={"certificate_date_expire": {
        ">=": today, "<=": today + datetime.timedelta(days=60)}}, sort="certificate_date_expire")
    assert [(r["subscriber_name"], r["certificate_date_expire"]) for r in soon] == [
        (names[1], D(2026, 11, 22)), (names[2], D(2026, 12, 15)), (names[3], D(2027, 1, 21))]
    # The same with ISO strings, strict bounds, and through the JSON API.
    strict = engine.subscriptions(filter={"certificate_date_expire": {
        ">": "2026-11-22", "<": "2027-01-21"}})
    assert [r["subscriber_name"] for r in strict] == [names[2]]
    body = engine.request("POST", "/v2/action-subscription/index", {"filter": {
        "certificate_date_expire": {"<=": "2027-01-31", ">=": "2026-12-01"}}}).raise_for_status()
    assert sorted(r["subscriber_name"] for r in body.body) == [names[2], names[3], names[4]]
    assert engine.counts(filter={"certificate_date_expire": {"<": today}}).expired == 1
