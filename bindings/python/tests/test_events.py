# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Event callbacks and the durable outbox."""

from __future__ import annotations

import sys
from typing import Any, List

import pytest

import certo
from conftest import TODAY, id_of


def test_a_callback_receives_each_committed_event(engine: certo.Engine) -> None:
    events: List[certo.Event] = []
    token = engine.subscribe(events.append)
    project = engine.create("project", name="P")
    engine.update("project", project["project_id"], name="Q")
    assert [e.name for e in events] == ["PROJECT::CREATE", "PROJECT::UPDATE"]
    # The event carries the record as written, without the engine's timestamps.
    written = {k: v for k, v in project.items() if k not in ("created_at", "updated_at")}
    assert events[0] == certo.Event(1, "PROJECT::CREATE", project["project_id"], written, TODAY)
    assert events[1].payload == {"entity_id": project["project_id"],
                                 "updated_fields": {"name": {"old": "P", "new": "Q"}}}
    engine.unsubscribe(token)
    engine.create("project", name="R")
    assert len(events) == 2
    engine.unsubscribe(token)  # unknown tokens are ignored
    engine.unsubscribe(12345)


def test_status_events(engine: certo.Engine) -> None:
    project = id_of(engine.create("project", name="P"))
    office = id_of(engine.create("office", project_id=project, name="O"))
    person = id_of(engine.create("person", project_id=project, first_name="A", last_name="B"))
    action = id_of(engine.create("action", subtenant_id=office, action_type="HEALTH", name="Visit"))
    sub = id_of(engine.create("action-subscription", action_id=action, subscriber_type="PERSON",
                              subscriber_id=person))
    events: List[certo.Event] = []
    engine.subscribe(events.append)
    cert = id_of(engine.create("certificate", tenant_id=project, resource_id=person,
                               action_type="HEALTH", name="Fit", date_release="2026-01-01",
                               date_expire="2027-01-01"))
    engine.create("certificate-action", certificate_id=cert, action_id=action)
    status = [e for e in events if e.name == "ACTION_SUBSCRIPTION::STATUS"]
    assert [(e.entity_id, e.payload["old"], e.payload["new"]) for e in status] == [
        (sub, "NEW", "VALID")]


def test_a_callback_that_raises_does_not_break_the_engine(
        engine: certo.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    reported: List[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    later: List[str] = []

    def broken(event: certo.Event) -> None:
        raise ValueError(f"handler failed on {event.name}")

    engine.subscribe(broken)
    engine.subscribe(lambda event: later.append(event.name))
    created = engine.create("project", name="P")  # the write commits all the same
    assert engine.view("project", created["project_id"]) == created
    assert later == ["PROJECT::CREATE"]  # the next callback still ran
    assert len(reported) == 1
    assert type(reported[0].exc_value) is ValueError
    assert str(reported[0].exc_value) == "handler failed on PROJECT::CREATE"
    assert reported[0].object is not None
    engine.create("project", name="Q")
    assert len(reported) == 2 and later == ["PROJECT::CREATE", "PROJECT::CREATE"]
    assert engine.verify().ok


def test_a_callback_may_use_the_engine(engine: certo.Engine) -> None:
    names: List[str] = []

    def on_event(event: certo.Event) -> None:
        if event.name == "PROJECT::CREATE":
            names.append(engine.view("project", event.entity_id)["name"])
            engine.create("office", project_id=event.entity_id, name="Auto office")

    engine.subscribe(on_event)
    project = engine.create("project", name="P")
    assert names == ["P"]
    assert [o["name"] for o in engine.index("office", {"project_id": project["project_id"]})] == \
        ["Auto office"]


def test_callbacks_must_be_callable(engine: certo.Engine) -> None:
    with pytest.raises(TypeError):
        engine.subscribe("not callable")  # type: ignore[arg-type]


def test_a_rolled_back_write_emits_nothing(engine: certo.Engine) -> None:
    events: List[certo.Event] = []
    engine.subscribe(events.append)
    with pytest.raises(certo.ValidationError):
        engine.create("project", name="")
    assert events == [] and engine.read_outbox() == []


def test_outbox_read_and_acknowledge(engine: certo.Engine) -> None:
    for name in "ABCDE":
        engine.create("project", name=name)
    events = engine.read_outbox()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert [e.payload["name"] for e in events] == list("ABCDE")
    assert [e.seq for e in engine.read_outbox(after=2, limit=2)] == [3, 4]
    engine.ack_outbox(3)
    assert [e.seq for e in engine.read_outbox()] == [4, 5]
    engine.ack_outbox(10)
    assert engine.read_outbox() == []
    engine.create("project", name="F")
    assert [e.seq for e in engine.read_outbox()] == [6]  # never reused
    with pytest.raises(certo.ValidationError) as caught:
        engine.read_outbox(limit=0)
    assert caught.value.errors == [certo.FieldError("limit", "must be between 1 and 10000")]
    with pytest.raises(certo.ValidationError):
        engine.read_outbox(limit=10**9)


def test_an_engine_dropped_with_callbacks_still_subscribed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gc
    seen: List[str] = []
    engine = certo.Engine(tmp_path / "dropped.certo", today=TODAY, create=True)
    engine.subscribe(lambda event: seen.append(event.name))
    engine.subscribe(lambda event: engine.today)  # refers to its own engine: a cycle
    engine.create("project", name="P")
    del engine
    gc.collect()
    with certo.Engine(tmp_path / "dropped.certo", today=TODAY) as again:
        assert again.index("project").total_count == 1
    assert seen == ["PROJECT::CREATE"]


def test_a_callback_may_close_its_engine(engine: certo.Engine) -> None:
    engine.subscribe(lambda event: engine.close())
    created = engine.create("project", name="P")
    assert created["name"] == "P" and engine.closed
