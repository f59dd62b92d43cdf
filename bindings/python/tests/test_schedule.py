# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The compliance schedule: subscriptions as of a date, changes between two dates, verify."""

from __future__ import annotations

import datetime
from typing import Callable, Dict, Iterable, List, Tuple

import pytest

import certo
from conftest import id_of

D = datetime.date


def schedule(engine: certo.Engine) -> Dict[str, str]:
    """Two people subscribed to one course valid 1 MONTH with 10 days of warning; Ada has a
    certificate released 2024-01-31 (so valid through 2024-02-29), Bob has none."""
    project = id_of(engine.create("project", name="P"))
    office = id_of(engine.create("office", project_id=project, name="Plant"))
    ada = id_of(engine.create("person", project_id=project, first_name="Ada", last_name="L"))
    bob = id_of(engine.create("person", project_id=project, first_name="Bob", last_name="M"))
    course = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING",
                                 name="Course", validity=1, validity_unit="MONTH",
                                 expire_interval=10))
    subs = {name: id_of(engine.create("action-subscription", action_id=course,
                                      subscriber_type="PERSON", subscriber_id=person))
            for name, person in (("ada", ada), ("bob", bob))}
    cert = id_of(engine.create("certificate", tenant_id=project, resource_id=ada,
                               action_type="TRAINING", name="Course certificate",
                               date_release=datetime.date(2024, 1, 31)))
    link = id_of(engine.create("certificate-action", certificate_id=cert, action_id=course))
    return {"project": project, "office": office, "ada": ada, "bob": bob, "course": course,
            "cert": cert, "link": link, "ada_sub": subs["ada"], "bob_sub": subs["bob"]}


def status_by_subscriber(rows: Iterable[certo.Record]) -> Dict[str, Tuple[str, object, object]]:
    return {r["subscriber_name"]: (r["status"], r["certificate_date_release"],
                                   r["certificate_date_expire"]) for r in rows}


@pytest.mark.parametrize("day,ada", [
    ("2024-02-18", "VALID"),     # E - N - 1
    ("2024-02-19", "EXPIRING"),  # E - N: 2024-02-29 - 10 days
    ("2024-02-29", "EXPIRING"),  # E, the last valid day (2024-01-31 + 1 MONTH, clamped)
    ("2024-03-01", "EXPIRED"),   # E + 1
])
def test_subscriptions_as_of_a_date(engine: certo.Engine, day: str, ada: str) -> None:
    schedule(engine)
    rows = list(engine.subscriptions(day))
    assert status_by_subscriber(rows) == {
        "Ada L": (ada, D(2024, 1, 31), D(2024, 2, 29)),
        "Bob M": ("NEW", None, None),
    }
    assert list(engine.subscriptions(D.fromisoformat(day))) == rows


def test_subscriptions_filtered_by_status(engine: certo.Engine) -> None:
    ids = schedule(engine)
    on = datetime.date(2024, 3, 1)
    assert [r["action_subscription_id"] for r in engine.subscriptions(on, status="EXPIRED")] == \
        [ids["ada_sub"]]
    assert [r["action_subscription_id"] for r in engine.subscriptions(on, status="NEW")] == \
        [ids["bob_sub"]]
    both = engine.subscriptions(on, status=["NEW", "EXPIRED"], sort="subscriber_name")
    assert both.total_count == 2
    assert engine.subscriptions(on, status="VALID").total_count == 0
    # Without as_of, the engine's today (2026-11-22).
    assert engine.subscriptions(status="EXPIRED").total_count == 1
    assert engine.view("action-subscription", ids["ada_sub"])["status"] == "EXPIRED"
    assert next(engine.subscriptions(on, filter={"subscriber_id": ids["bob"]}))["status"] == "NEW"
    with pytest.raises(certo.ValidationError) as caught:
        engine.subscriptions(on, status="LATE")
    assert caught.value.errors == [
        certo.FieldError("filter.status", "must be one of: NEW, VALID, EXPIRING, EXPIRED")]


def test_a_link_date_beats_inherited_dates_and_the_latest_expiry_wins(
        engine: certo.Engine) -> None:
    ids = schedule(engine)
    engine.update("certificate-action", ids["link"], date_expire="2025-06-30")
    row = engine.view("action-subscription", ids["ada_sub"])
    assert (row["status"], row["certificate_date_expire"]) == ("EXPIRED", D(2025, 6, 30))
    newer = id_of(engine.create("certificate", tenant_id=ids["project"], resource_id=ids["ada"],
                                action_type="TRAINING", name="Refresher",
                                date_release="2026-11-01", validity=3, validity_unit="YEAR"))
    engine.create("certificate-action", certificate_id=newer, action_id=ids["course"])
    row = engine.view("action-subscription", ids["ada_sub"])
    assert (row["status"], row["certificate_date_release"], row["certificate_date_expire"]) == \
        ("VALID", D(2026, 11, 1), D(2029, 11, 1))
    engine.delete("certificate", newer, force=True)
    assert engine.view("action-subscription", ids["ada_sub"])["certificate_date_expire"] == \
        D(2025, 6, 30)


def test_three_years_from_a_day(engine: certo.Engine) -> None:
    ids = schedule(engine)
    engine.update("action", ids["course"], validity=3, validity_unit="YEAR")
    engine.update("certificate", ids["cert"], date_release="2022-01-10")
    assert engine.view("action-subscription", ids["ada_sub"])["certificate_date_expire"] == \
        D(2025, 1, 10)


def test_changes_between_two_dates(engine: certo.Engine) -> None:
    ids = schedule(engine)
    page = list(engine.changes("2024-02-01", "2024-03-31"))
    assert [(c["date"], c["from"], c["to"], c["action_subscription_id"]) for c in page] == [
        (D(2024, 2, 19), "VALID", "EXPIRING", ids["ada_sub"]),
        (D(2024, 3, 1), "EXPIRING", "EXPIRED", ids["ada_sub"]),
    ]
    assert list(page[0]) == ["action_subscription_id", "date", "from", "to", "action_id",
                                  "action_name", "subscriber_id", "subscriber_type",
                                  "subscriber_name", "subtenant_id", "office_name"]
    # (since, until]: a change on `since` itself is outside the window.
    assert [c["date"] for c in engine.changes(datetime.date(2024, 2, 19),
                                              datetime.date(2024, 3, 1))] == [D(2024, 3, 1)]
    assert engine.changes("2024-02-19", "2024-02-28").total_count == 0
    # The release day is a change too (rule 1): NEW until 2024-01-31.
    first = engine.changes_page("2024-01-01", "2024-12-31", per_page=1, page=1)[0]
    assert (first["date"], first["from"], first["to"]) == (D(2024, 1, 31), "NEW", "VALID")
    assert engine.changes_page("2024-01-01", "2024-12-31", per_page=1, page=3)[0]["to"] == \
        "EXPIRED"
    assert engine.changes("2024-01-01", "2024-12-31",
                          filter={"subscriber_id": ids["bob"]}).total_count == 0
    with pytest.raises(certo.ValidationError) as caught:
        engine.changes("2024-03-01", "2024-02-01")
    assert caught.value.errors == [certo.FieldError("to", "must not be before from")]
    with pytest.raises(certo.ValidationError) as caught:
        engine.changes("2024-02-30", "2024-03-01")
    assert caught.value.errors[0].field == "from"


def test_verify_reports_a_healthy_file(engine: certo.Engine) -> None:
    schedule(engine)
    report = engine.verify()
    assert report == certo.VerifyReport(subscriptions_checked=2, links_checked=1, problems=[])
    assert report.ok


def test_verify_reports_problems_as_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3
    path = tmp_path / "damaged.certo"
    with certo.Engine(path, today="2026-11-22", create=True) as engine:
        ids = schedule(engine)
    # Damage the stored cover date behind the engine's back (the schedule triggers need
    # certo's SQL functions, which plain sqlite3 lacks, so drop them first).
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = OFF")
    triggers = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'action_subscription'")]
    for name in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("UPDATE action_subscription SET cover_expire = '2099-01-01' "
               "WHERE action_subscription_id = ?", (ids["ada_sub"],))
    db.commit()
    db.close()
    with certo.Engine(path, today="2026-11-22") as engine:
        report = engine.verify()
    assert not report.ok
    assert certo.Problem("schedule", "action-subscription", ids["ada_sub"],
                         "certificate_date_expire", "2099-01-01", "2024-02-29",
                         f"action-subscription {ids['ada_sub']}: stored certificate_date_expire "
                         "2099-01-01, recomputed 2024-02-29") in report.problems


def test_revoke_and_unrevoke_a_certificate(engine: certo.Engine) -> None:
    ids = schedule(engine)

    def events_of(write: Callable[[], object]) -> List[str]:
        seen = engine.read_outbox(limit=10000)
        after = seen[-1].seq if seen else 0
        write()
        return [e.name for e in engine.read_outbox(after, limit=10000)]

    assert events_of(lambda: engine.revoke(ids["cert"], date=D(2024, 2, 10),
                                           reason="forged")) == [
        "CERTIFICATE::REVOKE", "ACTION_SUBSCRIPTION::STATUS"]  # EXPIRED today, now NEW
    cert = engine.view("certificate", ids["cert"])
    assert (cert["revoked_on"], cert["revoke_reason"]) == (D(2024, 2, 10), "forged")
    assert cert["date_release"] == D(2024, 1, 31)  # the data is kept
    # Covered the day before the revocation, not on it.
    assert status_by_subscriber(engine.subscriptions("2024-02-09"))["Ada L"][0] == "VALID"
    assert status_by_subscriber(engine.subscriptions("2024-02-10"))["Ada L"][0] == "NEW"
    assert events_of(lambda: engine.unrevoke(ids["cert"])) == [
        "CERTIFICATE::UNREVOKE", "ACTION_SUBSCRIPTION::STATUS"]
    back = engine.view("certificate", ids["cert"])
    assert back["revoked_on"] is None and back["revoke_reason"] is None
    assert status_by_subscriber(engine.subscriptions("2024-02-10"))["Ada L"][0] == "VALID"
    today = engine.revoke(ids["cert"])
    assert today["revoked_on"] == D(2026, 11, 22) and today["revoke_reason"] is None


def test_revoke_names_what_is_wrong(engine: certo.Engine) -> None:
    ids = schedule(engine)
    with pytest.raises(certo.ValidationError) as bad:
        engine.revoke(ids["cert"], reason="x" * 1001)
    assert bad.value.errors == [("reason", "must be at most 1000 characters")]
    with pytest.raises(TypeError):
        engine.revoke(ids["cert"], reason=7)  # type: ignore[arg-type]
    with pytest.raises(certo.NotFoundError):
        engine.revoke("00000000-0000-4000-8000-000000000000")
    assert engine.view("certificate", ids["cert"])["revoked_on"] is None
