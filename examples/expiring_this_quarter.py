#!/usr/bin/env python3
# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Whose training runs out this quarter?

A notebook-style walk through certo's JSON API from Python: open a certo file, work out the
calendar quarter around "today", ask the compliance schedule which training expires in it, and
print the people concerned with each course's status today.

    python3 examples/expiring_this_quarter.py company.certo --today 2026-11-22

The cells ("# %%") also run one by one in editors that know them (VS Code, Spyder, Jupytext).
Needs the certo package (bindings/python/README.md) and an existing certo file, e.g. the example
company loaded as in the README's Quick start.
"""

# %% Arguments: the file, and the day that counts as today
import argparse
import datetime
import sys

import certo

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("file", help="a certo file")
parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today(),
                    help="the date to report as of, YYYY-MM-DD (default: the local date)")
args = parser.parse_args()

# %% Open the file (never create one: a typo in the path should not make an empty company)
try:
    engine = certo.Engine(args.file, today=args.today)  # create=False: the default
except certo.Error as error:
    sys.exit(f"expiring_this_quarter: {error.message}")

# %% The quarter around today: its first and last day
quarter = (args.today.month - 1) // 3 + 1
first = datetime.date(args.today.year, 3 * quarter - 2, 1)
after = datetime.date(args.today.year + quarter // 4, (3 * quarter) % 12 + 1, 1)
last = after - datetime.timedelta(days=1)

# %% Ask the schedule: which training subscriptions of people turn EXPIRED on a day in the window?
# /changes lists the changes that take effect on a day in (from, to]; a subscription turns
# EXPIRED the day after its last valid day E, so E in [first, last] means a change in
# (first, last + 1].
expiring = []
page = 1
while True:
    response = engine.request("POST", "/v2/action-subscription/changes", {
        "from": first.isoformat(), "to": after.isoformat(), "per-page": 1000, "page": page,
        "filter": {"action_type": "TRAINING", "subscriber_type": "PERSON"},
    }).raise_for_status()
    expiring += [change for change in response.body if change["to"] == "EXPIRED"]
    if page >= int(response.header("X-Pagination-Page-Count") or 0):
        break
    page += 1

# %% Each one's status today (EXPIRED already, EXPIRING, or still VALID)
rows = []
for change in expiring:
    subscription = engine.request(
        "GET", "/v2/action-subscription/view/" + change["action_subscription_id"]).raise_for_status()
    expires = datetime.date.fromisoformat(change["date"]) - datetime.timedelta(days=1)
    rows.append((expires.isoformat(), subscription.body["status"], change["subscriber_name"],
                 change["action_name"], change["office_name"], change["subscriber_id"]))
rows.sort()
engine.close()

# %% Print the list
print(f"Training expiring in Q{quarter} {first.year} ({first} to {last}), as of {args.today}:")
if not rows:
    print("  none")
else:
    header = ("expires", "status", "person", "course", "office")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
    people = len({r[5] for r in rows})
    print(f"{people} {'person' if people == 1 else 'people'}, "
          f"{len(rows)} {'course' if len(rows) == 1 else 'courses'}.")
