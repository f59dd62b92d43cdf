# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Property-based: random writes (certificates released after today, revocations and existence
periods on every level of the chain included) go to the engine and to status_model.py, an
independent implementation of DESIGN.md section 2; every subscription's status, cover dates and
presence in the schedule must agree on a set of days that includes both sides of every edge. Derandomized, so CI runs the same cases."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple, Type, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import certo
from conftest import TODAY, id_of
from status_model import (Action, Certificate, Link, Model, Period, Subscription, add_period)

D = datetime.date
T = TypeVar("T")


# ---- The model on its own: the examples of DESIGN.md ------------------------------------------

@pytest.mark.parametrize("start,n,unit,end", [
    (D(2024, 1, 31), 1, "MONTH", D(2024, 2, 29)),
    (D(2023, 1, 31), 1, "MONTH", D(2023, 2, 28)),
    (D(2022, 1, 10), 3, "YEAR", D(2025, 1, 10)),
    (D(2024, 2, 29), 1, "YEAR", D(2025, 2, 28)),
    (D(2024, 2, 29), 4, "YEAR", D(2028, 2, 29)),
    (D(2024, 8, 31), 13, "MONTH", D(2025, 9, 30)),
    (D(2024, 12, 31), 2, "DAY", D(2025, 1, 2)),
])
def test_model_calendar(start: D, n: int, unit: str, end: D) -> None:
    assert add_period(start, n, unit) == end


def test_model_rule_order_and_status() -> None:
    m = Model()
    m.actions["a"] = Action(validity=1, unit="MONTH", expire_interval=10)
    m.certificates["c"] = Certificate("s", D(2024, 1, 31))
    m.links["l"] = Link("c", "a")
    sub = m.subscriptions["x"] = Subscription("a", "s")
    day = D(2024, 1, 31)
    assert m.cover(sub, D(2024, 1, 30)) is None  # rule 1: not released yet
    assert m.cover(sub, day) == (D(2024, 2, 29), D(2024, 1, 31))  # release + action validity
    assert [m.status(sub, D(2024, 2, d)) for d in (18, 19, 29)] == ["VALID", "EXPIRING",
                                                                  "EXPIRING"]
    assert m.status(sub, D(2024, 3, 1)) == "EXPIRED"
    m.certificates["c"].validity, m.certificates["c"].unit = 2, "DAY"
    assert m.cover(sub, day) == (D(2024, 2, 2), D(2024, 1, 31))  # the certificate's validity first
    m.certificates["c"].expire = D(2024, 6, 1)
    assert m.cover(sub, day) == (D(2024, 6, 1), D(2024, 1, 31))  # then its date
    m.links["l"].expire = D(2024, 5, 1)
    assert m.cover(sub, day) == (D(2024, 5, 1), D(2024, 1, 31))  # the link's date beats all
    m.certificates["d"] = Certificate("s", D(2020, 1, 1))
    m.links["k"] = Link("d", "a")
    m.actions["a"].validity = m.actions["a"].unit = None
    assert m.cover(sub, day) == (None, D(2020, 1, 1))  # never expires beats any date
    assert m.status(sub, D(2999, 1, 1)) == "VALID"
    m.certificates["d"].revoked_on = D(2024, 1, 31)  # covers nothing from that day on
    assert m.cover(sub, D(2024, 1, 30)) == (None, D(2020, 1, 1))
    assert m.cover(sub, day) == (D(2024, 5, 1), D(2024, 1, 31))
    del m.links["k"], m.links["l"]
    assert m.status(sub, TODAY) == "NEW"


# ---- The engine against the model ---------------------------------------------------------------

TYPES = ("TRAINING", "HEALTH")
dates = st.one_of(
    st.dates(D(2023, 1, 1), D(2028, 12, 31)),
    st.sampled_from([D(2024, 1, 31), D(2024, 2, 29), D(2023, 1, 31), D(2024, 8, 31),
                     D(2025, 12, 31), TODAY, D(2026, 12, 1)]))
maybe_dates = st.one_of(st.none(), dates)
validities = st.one_of(st.none(), st.tuples(st.integers(1, 30),
                                            st.sampled_from(("DAY", "MONTH", "YEAR"))))
picks = st.integers(0, 10**6)
FIXED_DAYS = (D(2023, 6, 1), D(2024, 2, 29), D(2025, 3, 1), TODAY, D(2027, 1, 1), D(2031, 1, 1))


def pick(items: Sequence[T], i: int) -> T:
    return items[i % len(items)]


def iso(day: Optional[D]) -> Optional[str]:
    return None if day is None else day.isoformat()


@contextmanager
def expect(error: Optional[Type[certo.Error]]) -> Iterator[None]:
    """The block raises exactly `error`, or nothing when error is None."""
    if error is None:
        yield
        return
    with pytest.raises(error):
        yield


class Schedule(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = certo.Engine(":memory:", today=TODAY)
        self.model = Model()
        self.project = id_of(self.engine.create("project", name="Model"))
        self.office = id_of(self.engine.create("office", project_id=self.project, name="O"))
        self.people = [id_of(self.engine.create("person", project_id=self.project,
                                                first_name=f"P{i}", last_name="Model"))
                       for i in range(3)]
        for person in self.people:
            self.model.people[person] = Period()
        self.type_of: Dict[str, str] = {}  # action or certificate id -> action_type
        # Every id ever created, deleted ones included: operations on those must be refused.
        self.actions: List[str] = []
        self.certificates: List[str] = []
        self.links: List[str] = []
        self.subscriptions: List[str] = []
        # A first row of each kind, so that every rule has something to pick from the start.
        self.create_action("TRAINING", (1, "YEAR"), 30)
        self.create_action("HEALTH", None, 0)
        self.create_certificate(0, "TRAINING", D(2025, 1, 31), None, None)
        self.create_link(0, 0, None, True)
        self.subscribe(0, 0)

    def teardown(self) -> None:
        report = self.engine.verify()
        self.engine.close()
        assert report.ok, report.problems

    # -- actions

    @rule(kind=st.sampled_from(TYPES), validity=validities, interval=st.integers(0, 60))
    def create_action(self, kind: str, validity: Optional[Tuple[int, str]], interval: int) -> None:
        record = {"subtenant_id": self.office, "action_type": kind, "name": kind,
                  "expire_interval": interval,
                  "validity": validity[0] if validity else None,
                  "validity_unit": validity[1] if validity else None}
        aid = id_of(self.engine.create("action", record))
        self.model.actions[aid] = Action(validity[0] if validity else None,
                                         validity[1] if validity else None, interval)
        self.actions.append(aid)
        self.type_of[aid] = kind

    @rule(i=picks, validity=validities, interval=st.one_of(st.none(), st.integers(0, 60)))
    def update_action(self, i: int, validity: Optional[Tuple[int, str]],
                      interval: Optional[int]) -> None:
        aid = pick(self.actions, i)
        changes = {"validity": validity[0] if validity else None,
                   "validity_unit": validity[1] if validity else None,
                   "expire_interval": interval}
        with expect(None if aid in self.model.actions else certo.NotFoundError):
            self.engine.update("action", aid, changes)
            action = self.model.actions[aid]
            action.validity, action.unit = (validity or (None, None))
            action.expire_interval = interval

    @rule(i=picks)
    def delete_action(self, i: int) -> None:
        aid = pick(self.actions, i)
        with expect(None if aid in self.model.actions else certo.NotFoundError):
            self.engine.delete("action", aid, force=True)
            self.model.delete_action(aid)

    # -- certificates

    @rule(person=picks, kind=st.sampled_from(TYPES), release=dates, expire=maybe_dates,
          validity=validities)
    def create_certificate(self, person: int, kind: str, release: D, expire: Optional[D],
                           validity: Optional[Tuple[int, str]]) -> None:
        resource = pick(self.people, person)
        record = {"tenant_id": self.project, "resource_id": resource, "action_type": kind,
                  "name": "Certificate", "date_release": release, "date_expire": expire,
                  "validity": validity[0] if validity else None,
                  "validity_unit": validity[1] if validity else None}
        refused = expire is not None and expire < release
        with expect(certo.ValidationError if refused else None):
            cid = id_of(self.engine.create("certificate", record))
            self.model.certificates[cid] = Certificate(
                resource, release, expire, validity[0] if validity else None,
                validity[1] if validity else None)
            self.certificates.append(cid)
            self.type_of[cid] = kind

    @rule(i=picks, release=maybe_dates, expire=maybe_dates, validity=validities,
          person=st.one_of(st.none(), picks))
    def update_certificate(self, i: int, release: Optional[D], expire: Optional[D],
                           validity: Optional[Tuple[int, str]], person: Optional[int]) -> None:
        cid = pick(self.certificates, i)
        changes: Dict[str, object] = {"date_expire": expire,
                                      "validity": validity[0] if validity else None,
                                      "validity_unit": validity[1] if validity else None}
        if release is not None:
            changes["date_release"] = release
        if person is not None:
            changes["resource_id"] = pick(self.people, person)
        cert = self.model.certificates.get(cid)
        error: Optional[Type[certo.Error]] = None
        if cert is None:
            error = certo.NotFoundError
        elif expire is not None and expire < (release or cert.release):
            error = certo.ValidationError
        with expect(error):
            self.engine.update("certificate", cid, changes)
            assert cert is not None
            cert.expire = expire
            cert.validity, cert.unit = (validity or (None, None))
            cert.release = release or cert.release
            if person is not None:
                cert.resource = pick(self.people, person)

    @rule(i=picks)
    def delete_certificate(self, i: int) -> None:
        cid = pick(self.certificates, i)
        with expect(None if cid in self.model.certificates else certo.NotFoundError):
            self.engine.delete("certificate", cid, force=True)
            self.model.delete_certificate(cid)

    # -- certificate-action links

    @rule(c=picks, a=picks, expire=maybe_dates, same_type=st.booleans())
    def create_link(self, c: int, a: int, expire: Optional[D], same_type: bool) -> None:
        cid = pick(self.certificates, c)
        candidates = [x for x in self.actions if self.type_of[x] == self.type_of[cid]]
        aid = pick(candidates, a) if same_type and candidates else pick(self.actions, a)
        error: Optional[Type[certo.Error]] = None
        if (cid not in self.model.certificates or aid not in self.model.actions or
                self.type_of[aid] != self.type_of[cid]):
            error = certo.ValidationError
        elif expire is not None and expire < self.model.certificates[cid].release:
            error = certo.ValidationError  # a link cannot expire before its certificate's release
        elif any(l.certificate == cid and l.action == aid for l in self.model.links.values()):
            error = certo.ConflictError
        with expect(error):
            lid = id_of(self.engine.create("certificate-action", certificate_id=cid,
                                           action_id=aid, date_expire=expire))
            self.model.links[lid] = Link(cid, aid, expire)
            self.links.append(lid)

    @rule(i=picks, expire=maybe_dates)
    def update_link(self, i: int, expire: Optional[D]) -> None:
        lid = pick(self.links, i)
        link = self.model.links.get(lid)
        error: Optional[Type[certo.Error]] = None
        if link is None:
            error = certo.NotFoundError
        elif expire is not None and expire < self.model.certificates[link.certificate].release:
            error = certo.ValidationError
        with expect(error):
            self.engine.update("certificate-action", lid, date_expire=expire)
            assert link is not None
            # The date a read shows for an inherited link, sent back, is no change: the link
            # keeps inheriting (Engine::Update).
            if not (link.expire is None and expire is not None and
                    expire == self.model.effective_expiry(link)):
                link.expire = expire

    @rule(i=picks)
    def delete_link(self, i: int) -> None:
        lid = pick(self.links, i)
        with expect(None if lid in self.model.links else certo.NotFoundError):
            self.engine.delete("certificate-action", lid, force=True)
            del self.model.links[lid]

    # -- subscriptions

    @rule(a=picks, person=picks)
    def subscribe(self, a: int, person: int) -> None:
        aid, subscriber = pick(self.actions, a), pick(self.people, person)
        error: Optional[Type[certo.Error]] = None
        if aid not in self.model.actions:
            error = certo.ValidationError
        elif any(s.action == aid and s.subscriber == subscriber
                 for s in self.model.subscriptions.values()):
            error = certo.ConflictError
        with expect(error):
            sid = id_of(self.engine.create("action-subscription", action_id=aid,
                                           subscriber_type="PERSON", subscriber_id=subscriber))
            self.model.subscriptions[sid] = Subscription(aid, subscriber)
            self.subscriptions.append(sid)

    @rule(i=picks)
    def unsubscribe(self, i: int) -> None:
        sid = pick(self.subscriptions, i)
        with expect(None if sid in self.model.subscriptions else certo.NotFoundError):
            self.engine.delete("action-subscription", sid, force=True)
            del self.model.subscriptions[sid]

    # -- revocations

    @rule(i=picks, day=maybe_dates, reason=st.sampled_from(("", "forged")))
    def revoke(self, i: int, day: Optional[D], reason: str) -> None:
        cid = pick(self.certificates, i)
        cert = self.model.certificates.get(cid)
        with expect(None if cert is not None else certo.NotFoundError):
            record = self.engine.revoke(cid, date=day, reason=reason or None)
            assert cert is not None
            cert.revoked_on = day or TODAY
            assert record["revoked_on"] == cert.revoked_on
            assert record["revoke_reason"] == (reason or None)

    @rule(i=picks)
    def unrevoke(self, i: int) -> None:
        cid = pick(self.certificates, i)
        cert = self.model.certificates.get(cid)
        with expect(None if cert is not None else certo.NotFoundError):
            assert self.engine.unrevoke(cid)["revoked_on"] is None
            assert cert is not None
            cert.revoked_on = None

    # -- existence periods, on every level of the chain

    def period_of(self, level: str, i: int) -> Tuple[str, str, Optional[Period]]:
        if level == "person":
            pid = pick(self.people, i)
            return "person", pid, self.model.people[pid]
        if level == "office":
            return "office", self.office, self.model.office
        if level == "action":
            aid = pick(self.actions, i)
            action = self.model.actions.get(aid)
            return "action", aid, action.period if action else None
        sid = pick(self.subscriptions, i) if self.subscriptions else "missing"
        sub = self.model.subscriptions.get(sid)
        return "action-subscription", sid, sub.period if sub else None

    @rule(level=st.sampled_from(("person", "office", "action", "subscription")), i=picks,
          day=maybe_dates)
    def set_active_from(self, level: str, i: int, day: Optional[D]) -> None:
        collection, row_id, period = self.period_of(level, i)
        error: Optional[Type[certo.Error]] = None
        if period is None:
            error = certo.NotFoundError
        elif day is not None and period.retired_on is not None and period.retired_on < day:
            error = certo.ValidationError
        with expect(error):
            self.engine.update(collection, row_id, {"active_from": day})
            assert period is not None
            period.active_from = day

    @rule(level=st.sampled_from(("person", "office", "action", "subscription")), i=picks,
          day=maybe_dates)
    def retire(self, level: str, i: int, day: Optional[D]) -> None:
        collection, row_id, period = self.period_of(level, i)
        error: Optional[Type[certo.Error]] = None
        when = day or TODAY
        if period is None:
            error = certo.NotFoundError
        elif day is not None and period.active_from is not None and when < period.active_from:
            error = certo.ValidationError
        with expect(error):
            if day is None:
                self.engine.restore(collection, row_id)
            else:
                self.engine.historicize(collection, row_id, date=day)
            assert period is not None
            period.retired_on = day

    # -- the property

    def probe_days(self) -> Set[D]:
        # Both sides of every day a status can change on: releases, revocations, expiries, the
        # first EXPIRING days of every link, and the edges of every existence period.
        one = datetime.timedelta(days=1)
        days = set(FIXED_DAYS)
        for link in self.model.links.values():
            cert = self.model.certificates[link.certificate]
            days |= {cert.release, cert.release - one}
            if cert.revoked_on is not None:
                days |= {cert.revoked_on, cert.revoked_on - one}
        periods = [self.model.office, *self.model.people.values(),
                   *(a.period for a in self.model.actions.values()),
                   *(s.period for s in self.model.subscriptions.values())]
        for period in periods:
            for edge in (period.active_from, period.retired_on):
                if edge is not None:
                    days |= {edge, edge - one}
        for link in self.model.links.values():
            expire = self.model.effective_expiry(link)
            if expire is None:
                continue
            interval = self.model.actions[link.action].expire_interval or 0
            warn = expire - datetime.timedelta(days=interval)
            days |= {expire, expire + one, warn, warn - one}
        return days

    @invariant()
    def every_status_agrees_with_the_model(self) -> None:
        for day in sorted(self.probe_days()):
            page = self.engine.subscriptions(day, history=True, per_page=1000)
            engine = {row["action_subscription_id"]: {
                "status": row["status"],
                "certificate_date_release": row["certificate_date_release"],
                "certificate_date_expire": row["certificate_date_expire"]} for row in page}
            model = {sid: self.model.row(sid, day) for sid in self.model.subscriptions}
            assert engine == model, f"as of {day}"
            # Rule 6: without history, exactly the rows whose whole chain is in force that day.
            shown = {row["action_subscription_id"]
                     for row in self.engine.subscriptions(day, per_page=1000)}
            assert shown == {sid for sid in self.model.subscriptions
                             if self.model.in_schedule(sid, day)}, f"in the schedule on {day}"


Schedule.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_the_engine_agrees_with_the_model = Schedule.TestCase
