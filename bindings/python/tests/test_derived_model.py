# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Property-based: random demands (every kind of resource, offices included), assignments,
person-office rows, existence periods on each of them and rows made by hand go to the engine and
to derived_model.py, an independent implementation of DESIGN.md section 2.2; after every step the
engine's rows of people must be exactly the model's (origin, required_by, active_from,
retired_on), and hand edits of a derived row's existence are refused and change nothing.
Derandomized, so CI runs the same cases."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Tuple, Type, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import certo
from conftest import TODAY, id_of
from derived_model import (Assignment, Demand, DerivedModel, Pair, PersonOffice, Requirement,
                           Resource)
from status_model import Period

D = datetime.date
T = TypeVar("T")

# Few days, so that periods often meet edge to edge (and requirements come out empty).
days = st.sampled_from([D(2025, 6, 1), D(2026, 1, 1), TODAY, D(2026, 11, 23), D(2027, 1, 1),
                        D(2028, 1, 1)])
maybe_days = st.one_of(st.none(), days)
picks = st.integers(0, 10**6)
RESOURCE_KINDS = (("role", "ROLE"), ("equipment", "EQUIPMENT"), ("work-group", "WORK_GROUP"))


def pick(items: List[T], i: int) -> T:
    return items[i % len(items)]


@contextmanager
def expect(error: Optional[Type[certo.Error]]) -> Iterator[None]:
    if error is None:
        yield
        return
    with pytest.raises(error):
        yield


def day_or_none(value: Any) -> Optional[D]:
    if value is None or isinstance(value, D):
        return value
    return D.fromisoformat(value)


# ---- The model on its own ----------------------------------------------------------------------

def test_model_row_spans_its_requirements_and_skips_empty_ones() -> None:
    m = DerivedModel(action_types={"a": "TRAINING", "m": "MAINTENANCE"},
                     action_offices={"a": "o", "m": "o"})
    m.resources["o"] = Resource("OFFICE", "o")
    m.resources["r"] = Resource("ROLE", "o", Period(None, D(2027, 1, 1)))
    m.person_offices["po"] = PersonOffice("p", "o", Period(D(2026, 1, 1)))
    m.assignments["ee"] = Assignment("r", "po", Period(D(2027, 1, 1)))  # begins as r ends
    m.demands["d1"] = Demand("a", "r")
    m.demands["d2"] = Demand("m", "o")
    assert m.requirements() == {}  # an empty requirement and an action for things only
    m.assignments["ee"].period = Period(D(2026, 6, 1))
    m.demands["d3"] = Demand("a", "o", Period(None, D(2028, 1, 1)))
    assert m.requirements() == {("a", "p"): [
        Requirement("d1", "entity-employee", "ee", D(2026, 6, 1), D(2027, 1, 1)),
        Requirement("d3", "person-office", "po", D(2026, 1, 1), D(2028, 1, 1))]}
    assert m.derived() == {("a", "p"): Period(D(2026, 1, 1), D(2028, 1, 1))}
    m.demands["d3"].period = Period()
    assert m.derived() == {("a", "p"): Period(D(2026, 1, 1), None)}
    m.manual[("a", "p")] = ("s", Period())
    assert m.derived() == {}


# ---- The engine against the model ---------------------------------------------------------------

class Derivation(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = certo.Engine(":memory:", today=TODAY)
        self.model = DerivedModel()
        self.collection_of: Dict[str, str] = {}
        self.project = id_of(self.engine.create("project", name="Derived"))
        self.offices: List[str] = []
        for i in range(2):
            office = id_of(self.engine.create("office", project_id=self.project, name=f"O{i}"))
            self.offices.append(office)
            self.model.resources[office] = Resource("OFFICE", office)
            self.collection_of[office] = "office"
            for collection, kind in RESOURCE_KINDS:
                extra = {"work_group_type": "JOB"} if kind == "WORK_GROUP" else {}
                rid = id_of(self.engine.create(collection, office_id=office, name=kind, **extra))
                self.model.resources[rid] = Resource(kind, office)
                self.collection_of[rid] = collection
        for kind, office in (("TRAINING", 0), ("MAINTENANCE", 0), ("CHECK", 1)):
            aid = id_of(self.engine.create("action", subtenant_id=self.offices[office],
                                           action_type=kind, name=kind))
            self.model.action_types[aid] = kind
            self.model.action_offices[aid] = self.offices[office]
        self.actions = list(self.model.action_types)
        self.people = [id_of(self.engine.create("person", project_id=self.project,
                                                first_name=f"P{i}", last_name="Derived"))
                       for i in range(3)]
        self.pair_ids: Dict[Pair, str] = {}  # each pair's derived row id, when first seen
        for i in range(len(self.people)):
            self.join(i, i, None)
        # Requirements from the start: everyone in an office, and a role held beside it.
        training, check = self.actions[0], self.actions[2]
        self.create_demand(0, list(self.model.resources).index(self.offices[0]), None)
        self.create_demand(2, list(self.model.resources).index(self.offices[1]), None)
        self.create_demand(0, 1, None)  # the first office's role
        self.assign(0, 0, None)
        assert {pair[0] for pair in self.model.derived()} == {training, check}

    def teardown(self) -> None:
        report = self.engine.verify()
        self.engine.close()
        assert report.ok, report.problems

    # -- demands

    @rule(a=picks, r=picks, day=maybe_days)
    def create_demand(self, a: int, r: int, day: Optional[D]) -> None:
        aid, rid = pick(self.actions, a), pick(list(self.model.resources), r)
        duplicate = any(d.action == aid and d.resource == rid for d in self.model.demands.values())
        with expect(certo.ConflictError if duplicate else None):
            did = id_of(self.engine.create(
                "demand", project_id=self.project, office_id=self.model.action_offices[aid],
                action_id=aid, resource_type=self.model.resources[rid].type, resource_id=rid,
                active_from=day))
            self.model.demands[did] = Demand(aid, rid, Period(day))
            self.collection_of[did] = "demand"

    @rule(i=picks)
    def delete_demand(self, i: int) -> None:
        if self.model.demands:
            did = pick(list(self.model.demands), i)
            self.engine.delete("demand", did, force=True)
            del self.model.demands[did]

    # -- who holds what

    @rule(person=picks, office=picks, day=maybe_days)
    def join(self, person: int, office: int, day: Optional[D]) -> None:
        pid, oid = pick(self.people, person), pick(self.offices, office)
        duplicate = any(po.person == pid and po.office == oid
                        for po in self.model.person_offices.values())
        with expect(certo.ConflictError if duplicate else None):
            po_id = id_of(self.engine.create("person-office", person_id=pid, office_id=oid,
                                             active_from=day))
            self.model.person_offices[po_id] = PersonOffice(pid, oid, Period(day))
            self.collection_of[po_id] = "person-office"

    @rule(i=picks)
    def leave(self, i: int) -> None:
        if self.model.person_offices:
            po_id = pick(list(self.model.person_offices), i)
            result = self.engine.delete("person-office", po_id, force=True)
            gone = {row.id for row in result.rows if row.collection != "action-subscription"}
            assert gone == {po_id} | {k for k, a in self.model.assignments.items()
                                      if a.person_office == po_id}
            self.model.delete_person_office(po_id)

    @rule(po=picks, r=picks, day=maybe_days)
    def assign(self, po: int, r: int, day: Optional[D]) -> None:
        if not self.model.person_offices:
            return
        po_id = pick(list(self.model.person_offices), po)
        office = self.model.person_offices[po_id].office
        rid = pick([k for k, x in self.model.resources.items()
                    if x.office == office and x.type != "OFFICE"], r)
        kind = self.model.resources[rid].type
        duplicate = any(a.resource == rid and a.person_office == po_id
                        for a in self.model.assignments.values())
        with expect(certo.ConflictError if duplicate else None):
            if kind == "WORK_GROUP":
                record = self.engine.create("work-group-person", work_group_id=rid,
                                            person_office_id=po_id, active_from=day)
                self.collection_of[id_of(record)] = "work-group-person"
            else:
                record = self.engine.create("entity-employee", person_office_id=po_id, type=kind,
                                            entity_id=rid, active_from=day)
                self.collection_of[id_of(record)] = "entity-employee"
            self.model.assignments[id_of(record)] = Assignment(rid, po_id, Period(day))

    @rule(i=picks)
    def unassign(self, i: int) -> None:
        if self.model.assignments:
            aid = pick(list(self.model.assignments), i)
            self.engine.delete(self.collection_of[aid], aid, force=True)
            del self.model.assignments[aid]

    # -- rows made by hand

    @rule(a=picks, person=picks)
    def subscribe(self, a: int, person: int) -> None:
        aid, pid = pick(self.actions, a), pick(self.people, person)
        error: Optional[Type[certo.Error]] = None
        if self.model.action_types[aid] == "MAINTENANCE":
            error = certo.ValidationError  # a person cannot be subscribed to it
        elif (aid, pid) in self.model.manual or (aid, pid) in self.model.derived():
            error = certo.ConflictError
        with expect(error):
            sid = id_of(self.engine.create("action-subscription", action_id=aid,
                                           subscriber_type="PERSON", subscriber_id=pid))
            self.model.manual[(aid, pid)] = (sid, Period())
            self.collection_of[sid] = "action-subscription"

    @rule(i=picks)
    def unsubscribe(self, i: int) -> None:
        if self.model.manual:
            pair = pick(sorted(self.model.manual), i)
            self.engine.delete("action-subscription", self.model.manual[pair][0], force=True)
            del self.model.manual[pair]

    @rule(i=picks, how=st.sampled_from(("delete", "preview", "historicize", "active_from")),
          day=days)
    def edit_derived_by_hand(self, i: int, how: str, day: D) -> None:
        derived = self.model.derived()
        if not derived:
            return
        pair = pick(sorted(derived), i)
        sid = self.pair_ids[pair]
        before = self.rows()
        if day == derived[pair].retired_on:
            day = D(2029, 1, 1)  # a change, so that there is something to refuse
        with pytest.raises(certo.ConflictError):
            if how == "delete":
                self.engine.delete("action-subscription", sid, force=True)
            elif how == "preview":
                self.engine.delete("action-subscription", sid)
            elif how == "historicize":
                self.engine.historicize("action-subscription", sid, date=day)
            else:
                start = D(2020, 1, 1) if derived[pair].active_from != D(2020, 1, 1) else None
                self.engine.update("action-subscription", sid, active_from=start)
        assert self.rows() == before

    # -- existence periods

    def period_rows(self) -> List[Tuple[str, Period]]:
        m = self.model
        return [*((k, v.period) for k, v in m.resources.items()),
                *((k, v.period) for k, v in m.demands.items()),
                *((k, v.period) for k, v in m.assignments.items()),
                *((k, v.period) for k, v in m.person_offices.items()),
                *m.manual.values()]

    @rule(i=picks, day=maybe_days)
    def set_active_from(self, i: int, day: Optional[D]) -> None:
        row_id, period = pick(self.period_rows(), i)
        refused = day is not None and period.retired_on is not None and period.retired_on < day
        with expect(certo.ValidationError if refused else None):
            self.engine.update(self.collection_of[row_id], row_id, active_from=day)
            period.active_from = day

    @rule(i=picks, day=maybe_days)
    def retire(self, i: int, day: Optional[D]) -> None:
        row_id, period = pick(self.period_rows(), i)
        refused = day is not None and period.active_from is not None and day < period.active_from
        with expect(certo.ValidationError if refused else None):
            if day is None:
                self.engine.restore(self.collection_of[row_id], row_id)
            else:
                self.engine.historicize(self.collection_of[row_id], row_id, date=day)
            period.retired_on = day

    @rule(i=picks, j=picks, level=st.integers(0, 3), day=days)
    def end_a_requirement(self, i: int, j: int, level: int, day: D) -> None:
        """Retires a row some requirement rests on: its demand, resource, assignment or
        person-office (what moves derived rows)."""
        required = self.model.requirements()
        if not required:
            return
        r = pick(sorted(required[pick(sorted(required), i)]), j)
        row_id = [r.demand, self.model.demands[r.demand].resource, r.assignment,
                  self.model.assignments[r.assignment].person_office
                  if r.assignment in self.model.assignments else r.assignment][level]
        period = dict(self.period_rows())[row_id]
        refused = period.active_from is not None and day < period.active_from
        with expect(certo.ValidationError if refused else None):
            self.engine.historicize(self.collection_of[row_id], row_id, date=day)
            period.retired_on = day

    # -- the property

    def rows(self) -> Dict[Pair, Dict[str, Any]]:
        return {(row["action_id"], row["subscriber_id"]): row
                for row in self.engine.subscriptions(history=True)}

    @invariant()
    def the_rows_of_people_are_the_models(self) -> None:
        required = self.model.requirements()
        derived = self.model.derived()
        engine: Dict[Pair, Tuple[str, Optional[D], Optional[D], List[Requirement]]] = {}
        for pair, row in self.rows().items():
            by = [Requirement(r["demand_id"], r["via"], r["assignment_id"],
                              day_or_none(r["active_from"]), day_or_none(r["retired_on"]))
                  for r in row["required_by"]]
            engine[pair] = (row["origin"], row["active_from"], row["retired_on"], sorted(by))
            if row["origin"] == "DERIVED":
                # One id per pair, kept when the row goes and comes back.
                assert self.pair_ids.setdefault(pair, row["action_subscription_id"]) == \
                    row["action_subscription_id"]
        model: Dict[Pair, Tuple[str, Optional[D], Optional[D], List[Requirement]]] = {}
        for pair, period in derived.items():
            model[pair] = ("DERIVED", period.active_from, period.retired_on,
                           sorted(required[pair]))
        for pair, (_, period) in self.model.manual.items():
            model[pair] = ("MANUAL", period.active_from, period.retired_on,
                           sorted(required.get(pair, [])))
        assert engine == model


Derivation.TestCase.settings = settings(
    max_examples=40, stateful_step_count=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_the_engine_derives_as_the_model = Derivation.TestCase
