# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""One Engine shared by several Python threads: the C++ engine serializes calls with its own
lock, and every call releases the GIL before taking it, so threads neither race nor deadlock.
The join timeouts below only keep a broken build from hanging CI; nothing asserts on time."""

from __future__ import annotations

import threading
from typing import Callable, List

import certo

HANG = 120  # seconds before a deadlocked test gives up (never reached when it works)


def run_threads(targets: List[Callable[[], None]]) -> None:
    errors: List[BaseException] = []

    def guard(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
        return run

    threads = [threading.Thread(target=guard(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG)
        assert not t.is_alive(), "deadlock"
    assert errors == []


def test_many_threads_writing_and_reading(engine: certo.Engine) -> None:
    project = engine.create("project", name="P")["project_id"]
    events: List[str] = []
    engine.subscribe(lambda event: events.append(event.name))

    def worker(n: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(40):
                person = engine.create("person", project_id=project, first_name=f"T{n}",
                                       last_name=f"{i:02d}")
                assert engine.view("person", person["person_id"]) == person
                engine.index("person", {"first_name": f"T{n}"})
        return run

    run_threads([worker(n) for n in range(6)])
    assert engine.index("person").total_count == 240
    for n in range(6):
        assert engine.index("person", {"first_name": f"T{n}"}).total_count == 40
    assert events.count("PERSON::CREATE") == 240
    seqs = [e.seq for e in engine.read_outbox(limit=1000)]
    assert seqs == list(range(1, 242))  # one project + 240 people, in commit order
    assert engine.verify().ok


def test_a_thread_waits_for_another_threads_transaction(engine: certo.Engine) -> None:
    started, go, b_entering = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        def body(e: certo.Engine) -> None:
            e.create("project", name="A")
            started.set()
            assert go.wait(HANG)
        engine.transaction(body)

    def b() -> None:
        assert started.wait(HANG)
        b_entering.set()
        engine.create("project", name="B")  # blocks on the engine's lock, without the GIL

    def main() -> None:
        assert b_entering.wait(HANG)
        go.set()  # needs the GIL while b may be blocked inside the engine

    run_threads([a, b, main])
    assert [e.payload["name"] for e in engine.read_outbox()] == ["A", "B"]


def test_close_while_another_thread_is_inside_the_engine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # close() returns at once; the transaction already running keeps the file open and commits,
    # but a new call, even from inside that transaction, meets ClosedError.
    path = tmp_path / "closing.certo"
    engine = certo.Engine(path, today="2026-11-22", create=True)
    started, go = threading.Event(), threading.Event()
    outcome: List[object] = []

    def a() -> None:
        def body(e: certo.Engine) -> str:
            e.create("project", name="A")
            started.set()
            assert go.wait(HANG)
            return "committed"
        outcome.append(engine.transaction(body))

    def closer() -> None:
        assert started.wait(HANG)
        engine.close()
        go.set()

    run_threads([a, closer])
    assert outcome == ["committed"] and engine.closed

    engine = certo.Engine(path, today="2026-11-22")
    started.clear()
    go.clear()

    def b() -> None:
        def body(e: certo.Engine) -> None:
            e.create("project", name="B")
            started.set()
            assert go.wait(HANG)
            e.create("project", name="C")  # after close(): ClosedError, everything rolls back
        try:
            engine.transaction(body)
        except certo.ClosedError as error:
            outcome.append(error.code)

    run_threads([b, closer])
    assert outcome == ["committed", "closed"]
    with certo.Engine(path, today="2026-11-22") as reopened:
        assert [p["name"] for p in reopened.index("project")] == ["A"]


def test_busy_between_engines_in_two_threads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "two.certo"
    first = certo.Engine(path, today="2026-11-22", create=True)
    second = certo.Engine(path, today="2026-11-22", busy_timeout=0)
    holding, release = threading.Event(), threading.Event()
    outcome: List[str] = []

    def writer() -> None:
        def body(e: certo.Engine) -> None:
            e.create("project", name="first")
            holding.set()
            assert release.wait(HANG)
        first.transaction(body)

    def other() -> None:
        assert holding.wait(HANG)
        try:
            second.create("project", name="second")
        except certo.BusyError:
            outcome.append("busy")
        finally:
            release.set()

    run_threads([writer, other])
    assert outcome == ["busy"]
    second.create("project", name="second")
    assert sorted(p["name"] for p in first.index("project")) == ["first", "second"]
    first.close()
    second.close()
