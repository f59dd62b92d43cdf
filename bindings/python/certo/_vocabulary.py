# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The words of certo's domain as types, so that a type checker catches a misspelt collection or
status (``e.create("persn")``, ``status="EXPIRD"``) before it runs.

They are ``Literal`` types, not enums: the API keeps taking and returning the plain strings of
the JSON API. The lists come from the engine (``certo.collections()``, the registry's statuses);
a test checks that these spellings agree with them. To pass a collection held in a ``str``
variable, annotate it as ``certo.Collection`` (or ``typing.cast`` it).
"""

from __future__ import annotations

from typing import Literal

#: A collection, as in the JSON API's paths (``certo.collections()``).
Collection = Literal[
    "project", "office", "person", "person-office", "role", "equipment", "work-environment",
    "substance", "entity-employee", "work-group", "work-group-person", "material",
    "material-item", "work-group-entity", "action", "certificate", "action-subscription",
    "certificate-action", "incident", "incident-action", "incident-person", "demand",
    "attachment", "entity-attachment"]

#: A subscription's status as of a day (DESIGN.md section 2), in the order a subscription ages.
Status = Literal["NEW", "VALID", "EXPIRING", "EXPIRED"]

#: How much of SQLite's own checking :meth:`certo.Engine.verify` runs.
VerifyDepth = Literal["full", "quick", "schedule"]
