# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""A small, independent Python implementation of the derivation rule of DESIGN.md section 2.2.

It shares no code with certo: test_derived_model.py applies the same random demands,
assignments and existence periods to the engine and to this model and compares the engine's
rows of people (origin, required_by, active_from, retired_on) with what the model derives.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Tuple

from status_model import Period

#: The action types whose subscribers may be people (MAINTENANCE is for things only).
ADMIT_PEOPLE = frozenset({"TRAINING", "HEALTH", "PER", "CHECK"})

Pair = Tuple[str, str]  # (action, person)


@dataclass
class Resource:
    type: str  # ROLE, EQUIPMENT, ..., WORK_GROUP, or OFFICE for an office itself
    office: str
    period: Period = field(default_factory=Period)


@dataclass
class Demand:
    action: str
    resource: str
    period: Period = field(default_factory=Period)


@dataclass
class Assignment:
    """An entity-employee row, or a work-group-person row when the resource is a work group."""
    resource: str
    person_office: str
    period: Period = field(default_factory=Period)


@dataclass
class PersonOffice:
    person: str
    office: str
    period: Period = field(default_factory=Period)


class Requirement(NamedTuple):
    """One (demand, assignment) as required_by lists it, with the days it holds."""
    demand: str
    via: str
    assignment: str
    active_from: Optional[datetime.date]
    retired_on: Optional[datetime.date]


def overlap(*periods: Period) -> Period:
    """The days all periods share: the latest start, the earliest end (None: open)."""
    starts = [p.active_from for p in periods if p.active_from is not None]
    ends = [p.retired_on for p in periods if p.retired_on is not None]
    return Period(max(starts) if starts else None, min(ends) if ends else None)


def empty(p: Period) -> bool:
    return p.active_from is not None and p.retired_on is not None and p.active_from >= p.retired_on


@dataclass
class DerivedModel:
    action_types: Dict[str, str] = field(default_factory=dict)
    action_offices: Dict[str, str] = field(default_factory=dict)
    resources: Dict[str, Resource] = field(default_factory=dict)
    demands: Dict[str, Demand] = field(default_factory=dict)
    assignments: Dict[str, Assignment] = field(default_factory=dict)
    person_offices: Dict[str, PersonOffice] = field(default_factory=dict)
    #: Rows made by hand: (action, person) -> (id, period).
    manual: Dict[Pair, Tuple[str, Period]] = field(default_factory=dict)

    def requirements(self) -> Dict[Pair, List[Requirement]]:
        """Every pair some demand requires, with its non-empty requirements."""
        out: Dict[Pair, List[Requirement]] = {}

        def need(demand_id: str, via: str, assignment: str, person: str, days: Period) -> None:
            if empty(days):
                return
            action = self.demands[demand_id].action
            out.setdefault((action, person), []).append(
                Requirement(demand_id, via, assignment, days.active_from, days.retired_on))

        def office(office_id: str) -> Period:
            return self.resources[office_id].period

        # Each level holds only while its office does: the demand's (its action's), the
        # resource's (an office's is itself), the assignment's and the person-office's (both the
        # person-office's office here).
        for demand_id, d in self.demands.items():
            if self.action_types[d.action] not in ADMIT_PEOPLE:
                continue
            resource = self.resources[d.resource]
            base = overlap(d.period, office(self.action_offices[d.action]), resource.period,
                           office(resource.office))
            if resource.type == "OFFICE":
                for po_id, po in self.person_offices.items():
                    if po.office == d.resource:
                        need(demand_id, "person-office", po_id, po.person,
                             overlap(base, po.period, office(po.office)))
                continue
            via = "work-group-person" if resource.type == "WORK_GROUP" else "entity-employee"
            for a_id, a in self.assignments.items():
                if a.resource == d.resource:
                    po = self.person_offices[a.person_office]
                    need(demand_id, via, a_id, po.person,
                         overlap(base, a.period, po.period, office(po.office)))
        return out

    @staticmethod
    def row_period(requirements: List[Requirement]) -> Period:
        """A derived row lives from the first requirement's start (None if one has none) to the
        last one's end (None while one is open)."""
        starts = [r.active_from for r in requirements]
        ends = [r.retired_on for r in requirements]
        return Period(None if None in starts else min(s for s in starts if s is not None),
                      None if None in ends else max(e for e in ends if e is not None))

    def derived(self) -> Dict[Pair, Period]:
        """The derived rows: every required pair without a row made by hand."""
        return {pair: self.row_period(reqs) for pair, reqs in self.requirements().items()
                if pair not in self.manual}

    def delete_person_office(self, po_id: str) -> None:
        del self.person_offices[po_id]
        for a_id in [k for k, a in self.assignments.items() if a.person_office == po_id]:
            del self.assignments[a_id]
