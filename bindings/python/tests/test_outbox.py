# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The outbox's retention policy, compaction and bulk summaries (issue 17), from Python."""

from __future__ import annotations

import pytest

import certo
from conftest import TODAY


def test_without_a_policy_every_event_waits(engine: certo.Engine) -> None:
    for name in "ABC":
        engine.create("project", name=name)
    assert engine.outbox_status() == certo.OutboxState(None, None, 3, 0, 0)


def test_a_policy_drops_the_oldest_and_counts_them(engine: certo.Engine) -> None:
    for name in "ABCDE":
        engine.create("project", name=name)
    state = engine.set_outbox_policy(max_events=2, max_days=90)
    assert state == certo.OutboxState(2, 90, 2, 3, 3)
    assert [e.seq for e in engine.read_outbox()] == [4, 5]
    engine.create("project", name="F")  # applied at the end of every write
    assert engine.outbox_status() == certo.OutboxState(2, 90, 2, 4, 4)
    report = engine.verify("schedule")
    assert report.ok
    assert (report.outbox_dropped, report.outbox_dropped_through) == (4, 4)
    # The whole policy: a limit left out is no limit.
    assert engine.set_outbox_policy(max_days=90) == certo.OutboxState(None, 90, 2, 4, 4)
    assert engine.set_outbox_policy() == certo.OutboxState(None, None, 2, 4, 4)


def test_a_bad_policy_is_refused_naming_the_field_and_changes_nothing(
        engine: certo.Engine) -> None:
    engine.set_outbox_policy(max_events=10)
    with pytest.raises(certo.ValidationError) as caught:
        engine.set_outbox_policy(max_events=0)
    assert caught.value.errors == [certo.FieldError("max_events", "must be between 1 and 1000000000")]
    with pytest.raises(certo.ValidationError) as caught:
        engine.set_outbox_policy(max_events=10, max_days=10**20)
    assert [f.field for f in caught.value.errors] == ["max_days"]
    assert engine.outbox_status().max_events == 10
    with pytest.raises(TypeError):
        engine.set_outbox_policy(max_events="10")  # type: ignore[arg-type]


def test_the_policy_is_kept_in_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kept.certo"
    with certo.Engine(path, today=TODAY, create=True) as engine:
        engine.set_outbox_policy(max_events=1)
    with certo.Engine(path, today=TODAY) as engine:
        engine.create("project", name="A")
        engine.create("project", name="B")
        assert engine.outbox_status() == certo.OutboxState(1, None, 1, 1, 1)


def test_compact_gives_back_the_space_of_acknowledged_events(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with certo.Engine(tmp_path / "c.certo", today=TODAY, create=True) as engine:
        with engine.transaction():  # row by row: 2000 events of 200-odd bytes each
            for i in range(2000):
                engine.create("project", name=f"P{i}", description="x" * 200)
        engine.ack_outbox(engine.read_outbox(limit=10000)[-1].seq)
        checkpoint = engine.compact()
        assert not checkpoint.vacuumed
        assert checkpoint.bytes_before > checkpoint.bytes_after > 0  # the log is truncated
        vacuumed = engine.compact(vacuum=True)
        assert vacuumed.vacuumed
        assert vacuumed.bytes_before == checkpoint.bytes_after
        assert vacuumed.bytes_after < vacuumed.bytes_before  # the events' pages are gone
        assert engine.verify().ok
        with pytest.raises(TypeError):
            engine.compact(vacuum=1)  # type: ignore[arg-type]


def test_a_bulk_transaction_is_announced_in_summary(engine: certo.Engine) -> None:
    heard: list[certo.Event] = []
    engine.subscribe(heard.append)
    with engine.bulk_transaction():
        ids = [engine.create("project", name=f"P{i}")["project_id"] for i in range(1001)]
        engine.update("project", ids[0], name="First")
    events = engine.read_outbox()
    assert [(e.name, e.entity_id, e.payload["count"]) for e in events] == [
        ("PROJECT::BULK_CREATE", "", 1000),
        ("PROJECT::BULK_CREATE", "", 1),
        ("PROJECT::BULK_UPDATE", "", 1),
    ]
    assert events[0].payload["ids"] + events[1].payload["ids"] == ids
    assert events[2].payload == {"ids": [ids[0]], "count": 1}
    assert heard == events
