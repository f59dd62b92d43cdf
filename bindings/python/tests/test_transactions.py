# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""transaction, bulk_transaction and bulk_import."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import certo
from conftest import id_of


def test_transaction_commits_and_returns_the_body_result(engine: certo.Engine) -> None:
    def body(e: certo.Engine) -> str:
        project = e.create("project", name="P")
        e.create("office", project_id=project["project_id"], name="O")
        return "done"

    assert engine.transaction(body) == "done"
    assert engine.index("office").total_count == 1


def test_an_exception_in_the_body_rolls_back_and_propagates(engine: certo.Engine) -> None:
    class Stop(Exception):
        pass

    def body(e: certo.Engine) -> None:
        e.create("project", name="P")
        raise Stop("no")

    with pytest.raises(Stop, match="no"):
        engine.transaction(body)
    assert engine.index("project").total_count == 0
    assert engine.read_outbox() == []


def test_a_certo_error_in_the_body_propagates_unchanged(engine: certo.Engine) -> None:
    def body(e: certo.Engine) -> None:
        e.create("project", name="P")
        e.create("project", name="")

    with pytest.raises(certo.ValidationError) as caught:
        engine.transaction(body)
    assert caught.value.errors == [certo.FieldError("name", "must not be empty")]
    assert engine.index("project").total_count == 0


def test_a_failed_operation_caught_in_the_body_undoes_only_itself(engine: certo.Engine) -> None:
    def body(e: certo.Engine) -> None:
        e.create("project", name="kept")
        with pytest.raises(certo.ValidationError):
            e.create("project", name="")
        e.create("project", name="kept too")

    engine.transaction(body)
    assert sorted(p["name"] for p in engine.index("project")) == ["kept", "kept too"]


def test_nested_transactions(engine: certo.Engine) -> None:
    def inner(e: certo.Engine) -> None:
        e.create("project", name="inner")
        raise KeyError("inner fails")

    def outer(e: certo.Engine) -> None:
        e.create("project", name="outer")
        with pytest.raises(KeyError):
            e.transaction(inner)

    engine.transaction(outer)
    assert [p["name"] for p in engine.index("project")] == ["outer"]


def test_bulk_transaction_recomputes_the_schedule_once(engine: certo.Engine) -> None:
    project = id_of(engine.create("project", name="P"))
    office = id_of(engine.create("office", project_id=project, name="O"))
    action = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING",
                                 name="Course", validity=2, validity_unit="YEAR"))

    def load(e: certo.Engine) -> int:
        for i in range(30):
            person = id_of(e.create("person", project_id=project, first_name=f"P{i}",
                                    last_name="X"))
            e.create("action-subscription", action_id=action, subscriber_type="PERSON",
                     subscriber_id=person)
            if i % 2 == 0:
                cert = id_of(e.create("certificate", tenant_id=project, resource_id=person,
                                      action_type="TRAINING", name="C",
                                      date_release="2025-06-01"))
                e.create("certificate-action", certificate_id=cert, action_id=action)
        return 30

    assert engine.bulk_transaction(load) == 30
    assert engine.subscriptions(status="VALID").total_count == 15
    assert engine.subscriptions(status="NEW").total_count == 15
    assert engine.subscriptions("2027-06-02", status="EXPIRED").total_count == 15
    assert engine.verify().ok


def requests(project: str) -> List[Dict[str, Any]]:
    return [
        {"method": "POST", "path": "/v2/office/create", "body": {"project_id": project,
                                                                 "name": "A"}},
        {"method": "POST", "path": "/v2/office/create", "body": {"project_id": project,
                                                                 "name": ""}},
        {"method": "POST", "path": "/v2/office/create", "body": {"project_id": project,
                                                                 "name": "C"}},
    ]


def test_bulk_import_is_atomic_by_default(engine: certo.Engine) -> None:
    project = id_of(engine.create("project", name="P"))
    with pytest.raises(certo.ValidationError) as caught:
        engine.bulk_import(requests(project))
    assert caught.value.request_index == 1
    assert caught.value.errors == [certo.FieldError("name", "must not be empty")]
    assert engine.index("office").total_count == 0


def test_bulk_import_non_atomic_keeps_the_good_requests(engine: certo.Engine) -> None:
    project = id_of(engine.create("project", name="P"))
    responses = engine.bulk_import(requests(project), atomic=False)
    assert [r.status for r in responses] == [201, 422, 201]
    assert responses[1].body == [{"field": "name", "message": "must not be empty"}]
    assert sorted(o["name"] for o in engine.index("office")) == ["A", "C"]


def test_bulk_import_takes_tuples(engine: certo.Engine) -> None:
    responses = engine.bulk_import([("POST", "/v2/project/create", {"name": "T"}),
                                    ("POST", "/v2/project/index")])
    assert [r.status for r in responses] == [201, 200]
    assert responses[1].body[0]["name"] == "T"
    with pytest.raises(TypeError):
        engine.bulk_import(["POST /v2/project/index"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        engine.bulk_import([{"method": "POST"}])
    with pytest.raises(certo.NotFoundError) as caught:
        engine.bulk_import([("POST", "/v2/project/create", {"name": "U"}),
                            ("GET", "/v2/nothing/view/1")])
    assert caught.value.request_index == 1
    assert engine.index("project").total_count == 1


# ---- with engine.transaction(): ------------------------------------------------------------------


def test_with_transaction_commits_when_the_block_ends(engine: certo.Engine) -> None:
    seen: List[str] = []
    engine.subscribe(lambda event: seen.append(event.name))
    with engine.transaction() as e:
        assert e is engine
        project = engine.create("project", name="P")
        engine.create("office", project_id=project["project_id"], name="O")
        assert engine.index("office").total_count == 1  # its own writes are visible inside
        assert seen == []  # callbacks run after the commit
    assert seen == ["PROJECT::CREATE", "OFFICE::CREATE"]
    assert engine.index("office").total_count == 1
    assert [e.name for e in engine.read_outbox()] == ["PROJECT::CREATE", "OFFICE::CREATE"]


def test_with_transaction_rolls_back_when_the_block_raises(engine: certo.Engine) -> None:
    seen: List[str] = []
    engine.subscribe(lambda event: seen.append(event.name))
    with pytest.raises(KeyError, match="stop"):
        with engine.transaction():
            engine.create("project", name="P")
            raise KeyError("stop")
    assert engine.index("project").total_count == 0
    assert engine.read_outbox() == [] and seen == []
    with pytest.raises(certo.ValidationError):
        with engine.transaction():
            engine.create("project", name="P")
            engine.create("project", name="")  # uncaught: the whole block rolls back
    assert engine.index("project").total_count == 0


def test_with_transaction_a_caught_failure_undoes_only_itself(engine: certo.Engine) -> None:
    with engine.transaction():
        engine.create("project", name="kept")
        with pytest.raises(certo.ValidationError):
            engine.create("project", name="")
    assert [p["name"] for p in engine.index("project")] == ["kept"]


def test_with_transactions_nest_as_savepoints(engine: certo.Engine) -> None:
    with engine.transaction():
        engine.create("project", name="outer")
        with pytest.raises(RuntimeError):
            with engine.transaction():
                engine.create("project", name="inner, rolled back")
                raise RuntimeError
        with engine.transaction():
            engine.create("project", name="inner, kept")
        assert engine.transaction(lambda e: e.index("project").total_count) == 2
    assert sorted(p["name"] for p in engine.index("project")) == ["inner, kept", "outer"]


def test_with_bulk_transaction_recomputes_at_the_commit(engine: certo.Engine) -> None:
    with engine.bulk_transaction():
        project = id_of(engine.create("project", name="P"))
        office = id_of(engine.create("office", project_id=project, name="O"))
        person = id_of(engine.create("person", project_id=project, first_name="A",
                                     last_name="B"))
        action = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING",
                                     name="C", validity=1, validity_unit="YEAR"))
        engine.create("action-subscription", action_id=action, subscriber_type="PERSON",
                      subscriber_id=person)
        cert = id_of(engine.create("certificate", tenant_id=project, resource_id=person,
                                   action_type="TRAINING", name="X", date_release="2026-06-01"))
        engine.create("certificate-action", certificate_id=cert, action_id=action)
        engine.bulk_import([("POST", "/v2/project/create", {"name": "Q"})])
    assert [r["status"] for r in engine.subscriptions()] == ["VALID"]
    assert engine.verify(depth="schedule").ok


def test_a_transaction_object_is_used_once(engine: certo.Engine) -> None:
    tx = engine.transaction()
    assert repr(tx) == "<certo.Transaction transaction new>"
    with tx:
        pass
    with pytest.raises(RuntimeError, match="only once"):
        with tx:
            pass


def test_another_thread_waits_for_the_with_block(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import threading
    engine = certo.Engine(tmp_path / "t.certo", today="2026-11-22", create=True)
    inside, counted = threading.Event(), []

    def other() -> None:
        assert inside.wait(30)
        counted.append(engine.index("project").total_count)  # waits for the commit

    thread = threading.Thread(target=other)
    thread.start()
    with engine.transaction():
        engine.create("project", name="P")
        inside.set()
        thread.join(0.2)
        assert thread.is_alive()  # blocked on the engine's lock, not reading half a transaction
        engine.create("project", name="Q")
    thread.join(30)
    assert counted == [2]
    engine.close()


def test_close_inside_a_with_block_rolls_it_back_on_the_next_call(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.certo"
    engine = certo.Engine(path, today="2026-11-22", create=True)
    with pytest.raises(certo.ClosedError):
        with engine.transaction():
            engine.create("project", name="P")
            engine.close()
            engine.create("project", name="Q")
    with certo.Engine(path, today="2026-11-22") as again:
        assert again.index("project").total_count == 0


def test_a_with_block_inside_a_body_or_callback_is_refused_not_a_deadlock(
        engine: certo.Engine) -> None:
    def body(e: certo.Engine) -> None:
        with e.transaction():
            e.create("project", name="never")

    with pytest.raises(certo.InvalidArgumentError, match="engine.transaction\\(body\\)"):
        engine.transaction(body)
    refused: List[str] = []

    def callback(event: certo.Event) -> None:
        try:
            with engine.transaction():
                pass
        except certo.InvalidArgumentError as error:
            refused.append(error.code)

    engine.subscribe(callback)
    engine.create("project", name="P")
    assert refused == ["invalid_argument"]
    with engine.transaction():  # a body may still nest with transaction(body)
        assert engine.transaction(lambda e: e.create("project", name="Q"))["name"] == "Q"
    assert engine.index("project").total_count == 2
