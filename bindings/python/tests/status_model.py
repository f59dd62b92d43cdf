# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""A small, independent Python implementation of the status rule of DESIGN.md section 2.

It shares no code with certo: the property tests apply the same random writes to the engine and
to this model and compare every subscription's status and cover dates.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

UNITS = ("DAY", "MONTH", "YEAR")


def add_period(start: datetime.date, n: int, unit: str) -> datetime.date:
    """start + n units; months and years clamp to the end of the month (Jan 31 + 1 MONTH =
    Feb 28/29; Feb 29 + 1 YEAR = Feb 28)."""
    if unit == "DAY":
        return start + datetime.timedelta(days=n)
    months = n * 12 if unit == "YEAR" else n
    if unit not in ("MONTH", "YEAR"):
        raise ValueError(unit)
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(start.day, last))


@dataclass
class Period:
    """An existence period (DESIGN.md section 1): in force on [active_from, retired_on)."""
    active_from: Optional[datetime.date] = None
    retired_on: Optional[datetime.date] = None

    def in_force(self, day: datetime.date) -> bool:
        return ((self.active_from is None or self.active_from <= day)
                and (self.retired_on is None or day < self.retired_on))


@dataclass
class Action:
    validity: Optional[int] = None
    unit: Optional[str] = None
    expire_interval: Optional[int] = None
    period: Period = field(default_factory=Period)


@dataclass
class Certificate:
    resource: str
    release: datetime.date
    expire: Optional[datetime.date] = None
    validity: Optional[int] = None
    unit: Optional[str] = None
    revoked_on: Optional[datetime.date] = None


@dataclass
class Link:
    certificate: str
    action: str
    expire: Optional[datetime.date] = None


@dataclass
class Subscription:
    action: str
    subscriber: str
    period: Period = field(default_factory=Period)


#: A link's effective expiry; None means it never expires.
Expiry = Optional[datetime.date]


@dataclass
class Model:
    actions: Dict[str, Action] = field(default_factory=dict)
    certificates: Dict[str, Certificate] = field(default_factory=dict)
    links: Dict[str, Link] = field(default_factory=dict)
    subscriptions: Dict[str, Subscription] = field(default_factory=dict)
    #: The existence periods of the people (subscribers) and the office of every action.
    people: Dict[str, Period] = field(default_factory=dict)
    office: Period = field(default_factory=Period)

    def in_schedule(self, subscription_id: str, day: datetime.date) -> bool:
        """Rule 6: the row and its whole chain (action, office, person) are in force on day."""
        s = self.subscriptions[subscription_id]
        return (s.period.in_force(day) and self.actions[s.action].period.in_force(day)
                and self.office.in_force(day)
                and self.people.get(s.subscriber, Period()).in_force(day))

    def effective_expiry(self, link: Link) -> Expiry:
        """Rule 2: the link's date, the certificate's date, release + the certificate's
        validity, release + the action's validity, else never."""
        cert = self.certificates[link.certificate]
        action = self.actions[link.action]
        if link.expire is not None:
            return link.expire
        if cert.expire is not None:
            return cert.expire
        if cert.validity is not None and cert.unit is not None:
            return add_period(cert.release, cert.validity, cert.unit)
        if action.validity is not None and action.unit is not None:
            return add_period(cert.release, action.validity, action.unit)
        return None

    def cover(self, subscription: Subscription,
              day: datetime.date) -> Optional[Tuple[Expiry, datetime.date]]:
        """Rules 1, 3 and 5: (E, release of the link giving E) on day, or None without links
        covering that day (released by it and not revoked on it). The latest expiry wins,
        "never" beats any date; among equals, the latest release."""
        best: Optional[Tuple[Expiry, datetime.date]] = None
        for link in self.links.values():
            cert = self.certificates[link.certificate]
            if link.action != subscription.action or cert.resource != subscription.subscriber:
                continue
            if cert.release > day or (cert.revoked_on is not None and cert.revoked_on <= day):
                continue
            candidate = (self.effective_expiry(link), cert.release)
            if best is None or _later(candidate, best):
                best = candidate
        return best

    def status(self, subscription: Subscription, day: datetime.date) -> str:
        """Rule 4."""
        cover = self.cover(subscription, day)
        if cover is None:
            return "NEW"
        expire = cover[0]
        if expire is None:
            return "VALID"
        if day > expire:
            return "EXPIRED"
        interval = self.actions[subscription.action].expire_interval or 0
        if interval > 0 and day >= expire - datetime.timedelta(days=interval):
            return "EXPIRING"
        return "VALID"

    def row(self, subscription_id: str, day: datetime.date) -> Dict[str, object]:
        """What the engine's action-subscription row should show as of day."""
        subscription = self.subscriptions[subscription_id]
        cover = self.cover(subscription, day)
        return {
            "status": self.status(subscription, day),
            # Records carry dates as datetime.date.
            "certificate_date_release": cover[1] if cover else None,
            "certificate_date_expire": cover[0] if cover and cover[0] else None,
        }

    def delete_certificate(self, certificate_id: str) -> None:
        del self.certificates[certificate_id]
        for link_id in [k for k, v in self.links.items() if v.certificate == certificate_id]:
            del self.links[link_id]

    def delete_action(self, action_id: str) -> None:
        del self.actions[action_id]
        for link_id in [k for k, v in self.links.items() if v.action == action_id]:
            del self.links[link_id]
        for sub_id in [k for k, v in self.subscriptions.items() if v.action == action_id]:
            del self.subscriptions[sub_id]


def _later(a: Tuple[Expiry, datetime.date], b: Tuple[Expiry, datetime.date]) -> bool:
    def key(c: Tuple[Expiry, datetime.date]) -> Tuple[int, datetime.date, datetime.date]:
        never = c[0] is None
        return (1 if never else 0, c[0] or datetime.date.min, c[1])
    return key(a) > key(b)


def statuses(model: Model, day: datetime.date) -> List[Tuple[str, str]]:
    return sorted((sid, model.status(s, day)) for sid, s in model.subscriptions.items())
