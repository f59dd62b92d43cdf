# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Long lists: helpers that return Rows read every page, lazily; a Page says it is one page."""

from __future__ import annotations

import datetime
from typing import Any, List

import pytest

import certo
from conftest import id_of

D = datetime.date


def people(engine: certo.Engine, n: int) -> str:
    project = id_of(engine.create("project", name="P"))
    with engine.bulk_transaction():
        for i in range(n):
            engine.create("person", project_id=project, first_name=f"P{i:04d}", last_name="L")
    return project


def subscribed(engine: certo.Engine, n: int) -> None:
    """n people subscribed to one course, none trained: n NEW subscriptions."""
    project = people(engine, n)
    office = id_of(engine.create("office", project_id=project, name="O"))
    course = id_of(engine.create("action", subtenant_id=office, action_type="TRAINING",
                                 name="Course", validity=1, validity_unit="YEAR"))
    with engine.bulk_transaction():
        for person in engine.iterate("person"):
            engine.create("action-subscription", action_id=course, subscriber_type="PERSON",
                          subscriber_id=person["person_id"])


def count_index_calls(engine: certo.Engine) -> List[int]:
    """Records the page of every index call the engine makes from now on."""
    pages: List[int] = []
    real = engine.index

    def spy(*args: Any, **kwargs: Any) -> certo.Page:
        pages.append(kwargs.get("page", 1))
        return real(*args, **kwargs)

    engine.index = spy  # type: ignore[method-assign]
    return pages


def test_subscriptions_yields_every_row_not_only_the_first_page(engine: certo.Engine) -> None:
    # The README's loop once saw 100 of 24,401 rows: a helper's list is the whole list.
    subscribed(engine, 2345)
    rows = engine.subscriptions(status="NEW")
    assert rows.total_count == 2345
    assert len({r["action_subscription_id"] for r in rows}) == 2345
    assert sum(1 for _ in engine.subscriptions(status="NEW", per_page=100)) == 2345


def test_rows_read_one_page_at_a_time_as_the_loop_needs_them(engine: certo.Engine) -> None:
    people(engine, 25)
    calls = count_index_calls(engine)
    rows = engine.iterate("person", per_page=10, sort="first_name")
    assert calls == [1]  # the first page at once: a bad filter raises at the call
    assert repr(rows) == "<certo.Rows person: 25 rows, 0 read>"
    first = [next(rows)["first_name"] for _ in range(10)]
    assert first == [f"P{i:04d}" for i in range(10)] and calls == [1]
    assert next(rows)["first_name"] == "P0010" and calls == [1, 2]
    assert len(list(rows)) == 14 and calls == [1, 2, 3]
    assert repr(rows) == "<certo.Rows person: 25 rows, 25 read>"
    assert list(rows) == []  # an iterator: one pass, like a sqlite3 cursor


def test_iterate_yields_records(engine: certo.Engine) -> None:
    people(engine, 3)
    rows = engine.iterate("person")
    assert isinstance(rows, certo.Rows)
    record = next(rows)
    assert isinstance(record, dict) and set(record) >= {"person_id", "first_name"}


def test_a_bad_filter_raises_at_the_call_not_in_the_loop(engine: certo.Engine) -> None:
    with pytest.raises(certo.ValidationError):
        engine.subscriptions(status="LATE")  # type: ignore[arg-type]
    with pytest.raises(certo.ValidationError):
        engine.changes("2024-03-01", "2024-02-01")


def test_an_empty_list(engine: certo.Engine) -> None:
    rows = engine.subscriptions()
    assert rows.total_count == 0 and list(rows) == []


def test_a_page_is_one_page_indexable_with_len_and_a_short_repr(engine: certo.Engine) -> None:
    people(engine, 250)
    page = engine.index("person", per_page=100, page=2, sort="first_name")
    assert (len(page), page.total_count, page.page, page.page_count) == (100, 250, 2, 3)
    assert page[0]["first_name"] == "P0100"
    assert page[-1]["first_name"] == "P0199"
    assert [r["first_name"] for r in page[1:3]] == ["P0101", "P0102"]
    assert repr(page) == "<certo.Page person 2/3: 100 of 250 rows>"
    with pytest.raises(IndexError):
        page[100]
    assert len(engine.subscriptions_page(per_page=5)) == 0


def test_subscriptions_page_and_changes_page_are_one_page(engine: certo.Engine) -> None:
    subscribed(engine, 30)
    page = engine.subscriptions_page(status=["NEW"], page=3, per_page=12)
    assert (len(page), page.total_count, page.page_count) == (6, 30, 3)
    assert isinstance(engine.changes_page("2024-01-01", "2024-02-01"), certo.Page)
