#!/usr/bin/python3
# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Writes examples/company.jsonl: the example company of the README, as JSON-API requests.

Rossi Costruzioni S.p.A., a building contractor with a head office in Milan, a prefabrication
plant in Brescia and a construction site in Bergamo: 150 people (a few on two sites), the safety
organisation of each office (RSPP, RLS, preposti, fire wardens, first-aid officers) with people
assigned, equipment (forklifts, a tower crane, scaffolding), the requirements Italian law asks
of them with their real renewal periods, the certificates that prove them (renewals included)
and a few incidents with their corrective actions.

The company states what people must do as demands (DESIGN.md section 2.2), and the engine
derives each person's schedule rows from them: each office's homogeneous exposure group (a
work group of its own staff) needs the workers' course and the office's health surveillance,
the site's group also the work-at-height course; each safety role its course; each forklift of
an office its office's forklift licence. Only equipment and offices, which no demand reaches,
have schedule rows made by hand. The derived rows are exactly the ones the example wrote by
hand before demands changed the schedule (an office demand would also reach the two plant
supervisors who work on the site too, so the groups hold each office's own staff).

Everything is deterministic: ids are uuid5 of a fixed namespace and a readable key, choices come
from a hash of a key (no random module), and every date is an offset from the README's pinned
date, 2026-11-22, chosen so that on that date the schedule has rows in each status: NEW (recent
hires), VALID, EXPIRING (some within 30 days) and EXPIRED.

Run it with /usr/bin/python3; a test checks that it reproduces the committed file byte for byte.
  /usr/bin/python3 examples/make_company.py [--output examples/company.jsonl]
"""

import argparse
import calendar
import datetime
import hashlib
import json
import os
import uuid

TODAY = datetime.date(2026, 11, 22)
NAMESPACE = uuid.UUID("6f1c2a4e-8d3b-5e7f-9a01-2b3c4d5e6f70")


def uid(*key):
    return str(uuid.uuid5(NAMESPACE, "/".join(str(k) for k in key)))


def h(*key):
    """A stable number for a key: the same on every machine and Python version."""
    digest = hashlib.sha256("/".join(str(k) for k in key).encode("utf-8")).hexdigest()
    return int(digest[:12], 16)


def day(offset):
    return TODAY + datetime.timedelta(days=offset)


def add_period(date, n, unit):
    """date + n units, clamping to the month's end (the engine's rule)."""
    if unit == "DAY":
        return date + datetime.timedelta(days=n)
    months = n * (12 if unit == "YEAR" else 1)
    total = date.year * 12 + (date.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def iso(date):
    return date.isoformat()


# ---- People ---------------------------------------------------------------------------------

MALE = ["Marco", "Luca", "Andrea", "Francesco", "Alessandro", "Matteo", "Lorenzo", "Davide",
        "Simone", "Federico", "Riccardo", "Stefano", "Paolo", "Giovanni", "Roberto", "Antonio",
        "Giuseppe", "Fabio", "Daniele", "Emanuele", "Nicola", "Massimo", "Claudio", "Sergio",
        "Pietro", "Niccolò", "Michele", "Alberto", "Enrico", "Vincenzo"]
FEMALE = ["Giulia", "Chiara", "Sara", "Francesca", "Elena", "Valentina", "Alessia", "Martina",
          "Federica", "Silvia", "Laura", "Anna", "Paola", "Roberta", "Elisa", "Marta", "Ilaria",
          "Cristina", "Monica", "Serena"]
SURNAMES = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
            "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro",
            "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo",
            "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis",
            "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri",
            "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis",
            "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti"]
TOWNS = [("Milano", "F205"), ("Brescia", "B157"), ("Bergamo", "A794"), ("Monza", "F704"),
         ("Cremona", "D150"), ("Lecco", "E507"), ("Napoli", "F839"), ("Palermo", "G273"),
         ("Torino", "L219"), ("Verona", "L781")]
CONTRACTS = ["Tempo indeterminato"] * 7 + ["Tempo determinato"] * 2 + ["Apprendistato"]

# Codice fiscale check character tables.
ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18,
                20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))
EVEN = dict([(str(i), i) for i in range(10)] +
            [(c, i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")])


def letters(text):
    text = "".join(c for c in text.upper() if "A" <= c <= "Z")
    cons = [c for c in text if c not in "AEIOU"]
    vows = [c for c in text if c in "AEIOU"]
    return cons, vows


def tax_code(first, last, birth, female, town_code):
    cons, vows = letters(last)
    surname = "".join(cons + vows + ["X", "X", "X"])[:3]
    cons, vows = letters(first)
    if len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    name = "".join(cons + vows + ["X", "X", "X"])[:3]
    months = "ABCDEHLMPRST"
    code = (surname + name + "%02d" % (birth.year % 100) + months[birth.month - 1] +
            "%02d" % (birth.day + (40 if female else 0)) + town_code)
    total = sum(ODD[c] if i % 2 == 0 else EVEN[c] for i, c in enumerate(code))
    return code + chr(ord("A") + total % 26)


# ---- The company ----------------------------------------------------------------------------

PROJECT = uid("project")
OFFICES = [
    # key, name, code, icon, street, locality, postal code, people
    ("hq", "Sede - Milano", "MI", "office_default", "Via Vittor Pisani 14", "Milano", "20124",
     28),
    ("plant", "Stabilimento prefabbricati - Brescia", "BS", "office_default",
     "Via Industriale 31", "Brescia", "25133", 78),
    ("site", "Cantiere Bergamo - Via Carducci", "BG1", "construction_site", "Via Carducci 40",
     "Bergamo", "24127", 44),
]

OFFICE_CODE = {key: code for key, _, code, *_ in OFFICES}
GROUP_NAME = {"hq": "impiegati videoterminalisti", "plant": "operai di stabilimento",
              "site": "squadra di cantiere"}

# Requirements: key, office keys, type, code, name, validity, unit, expire_interval.
ACTIONS = [
    ("workers", ("hq", "plant", "site"), "TRAINING", "FORM-LAV",
     "Formazione lavoratori (generale e specifica)", 5, "YEAR", 60),
    ("fire", ("hq", "plant", "site"), "TRAINING", "ANTINC-M",
     "Antincendio rischio medio (addetti)", 5, "YEAR", 60),
    ("firstaid", ("hq", "plant", "site"), "TRAINING", "PS-B",
     "Primo soccorso gruppo B (addetti)", 3, "YEAR", 60),
    ("forklift", ("plant", "site"), "TRAINING", "CARR-EL",
     "Abilitazione carrelli elevatori", 5, "YEAR", 90),
    ("preposto", ("hq", "plant", "site"), "TRAINING", "PREP",
     "Formazione preposti", 2, "YEAR", 60),
    ("rls", ("hq", "plant", "site"), "TRAINING", "RLS-AGG",
     "Aggiornamento RLS", 1, "YEAR", 30),
    ("rspp", ("hq",), "TRAINING", "RSPP-AGG",
     "Aggiornamento RSPP", 5, "YEAR", 90),
    ("height", ("site",), "TRAINING", "QUOTA",
     "Lavori in quota e DPI anticaduta", 5, "YEAR", 60),
    ("med1", ("plant", "site"), "HEALTH", "SAN-1",
     "Sorveglianza sanitaria - visita annuale", 1, "YEAR", 30),
    ("med2", ("hq",), "HEALTH", "SAN-VDT",
     "Sorveglianza sanitaria videoterminalisti - visita biennale", 2, "YEAR", 30),
    ("fork_maint", ("plant", "site"), "MAINTENANCE", "MAN-CARR",
     "Manutenzione carrello elevatore", 1, "YEAR", 30),
    ("extinguishers", ("hq", "plant", "site"), "MAINTENANCE", "MAN-EST",
     "Controllo estintori", 6, "MONTH", 30),
    ("crane", ("site",), "CHECK", "VER-GRU",
     "Verifica periodica gru", 1, "YEAR", 30),
    ("scaffold", ("site",), "CHECK", "VER-PONT",
     "Verifica ponteggio", 3, "MONTH", 14),
]
ACTION = {a[0]: a for a in ACTIONS}

# Roles of the safety organisation: key, code, name, description, how many per office.
ROLES = [
    ("rspp", "RSPP", "RSPP - Responsabile del Servizio di Prevenzione e Protezione",
     "Head of the prevention and protection service", {"hq": 1}),
    ("rls", "RLS", "RLS - Rappresentante dei Lavoratori per la Sicurezza",
     "Workers' safety representative", {"hq": 1, "plant": 1, "site": 1}),
    ("preposto", "PREP", "Preposto", "Supervisor", {"hq": 1, "plant": 4, "site": 3}),
    ("fire", "ANTINC", "Addetto antincendio", "Fire warden", {"hq": 3, "plant": 6, "site": 4}),
    ("firstaid", "PS", "Addetto primo soccorso", "First-aid officer",
     {"hq": 2, "plant": 5, "site": 3}),
]

# Equipment: key, office, code, name, vendor, model, requirement, retired on.
EQUIPMENT = [
    ("fl1", "plant", "CE-01", "Carrello elevatore 1", "Linde", "H25D", "fork_maint", None),
    ("fl2", "plant", "CE-02", "Carrello elevatore 2", "Linde", "H25D", "fork_maint", None),
    ("fl3", "plant", "CE-03", "Carrello elevatore 3", "Still", "RX70-30", "fork_maint", None),
    ("fl0", "plant", "CE-00", "Carrello elevatore (dismesso)", "OM", "XD25", "fork_maint",
     day(-53)),
    ("fl4", "site", "CE-10", "Carrello elevatore fuoristrada", "Manitou", "M30-4",
     "fork_maint", None),
    ("crane", "site", "GRU-01", "Gru a torre", "Potain", "MDT 219", "crane", None),
    ("sc1", "site", "PONT-N", "Ponteggio facciata nord", "Marcegaglia", "PM 105", "scaffold",
     None),
    ("sc2", "site", "PONT-S", "Ponteggio facciata sud", "Marcegaglia", "PM 105", "scaffold",
     None),
]

# The status some equipment and offices have on the README's date, so that the lists show
# things as well as people.
FORCED = {("fork_maint", "fl2"): "EXPIRED", ("fork_maint", "fl4"): "EXPIRING",
          ("scaffold", "sc1"): "EXPIRING", ("scaffold", "sc2"): "VALID",
          ("crane", "crane"): "VALID", ("extinguishers", "site"): "EXPIRED",
          ("extinguishers", "hq"): "EXPIRING"}
ROLL = {"EXPIRED": 10, "EXPIRING": 18, "VALID": 50}

# Forklift drivers per office, people with a second office, recent hires, a leaver.
FORKLIFT_DRIVERS = {"plant": 8, "site": 3}
RECENT_HIRES = 5     # the last people: hired this month, nothing done yet (NEW)
LEAVER = 37          # person number who left on 2026-09-30 (historicized)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--output", default=os.path.join(here, "company.jsonl"))
    args = parser.parse_args()

    lines = []
    retire = []

    def create(collection, body):
        lines.append({"method": "POST", "path": "/v2/%s/create" % collection, "body": body})

    create("project", {"project_id": PROJECT, "name": "Rossi Costruzioni S.p.A.",
                       "country": "IT",
                       "description": "Building contractor: head office, prefabrication plant "
                                      "and construction sites. The example company of the "
                                      "certo README."})
    for key, name, code, icon, street, locality, postal, _ in OFFICES:
        create("office", {"office_id": uid("office", key), "project_id": PROJECT,
                          "name": name, "code": code, "office_type_icon": icon,
                          "street": street, "locality": locality, "postal_code": postal,
                          "region": "Lombardia", "country": "IT"})

    # People, spread over the offices in order.
    people = []  # dicts: n, id, office, name
    n = 0
    for office, *_rest in OFFICES:
        count = _rest[-1]
        for _ in range(count):
            n += 1
            female = h("sex", n) % 10 < 3
            first = (FEMALE if female else MALE)[h("first", n) % len(FEMALE if female else MALE)]
            last = SURNAMES[h("last", n) % len(SURNAMES)]
            birth = datetime.date(1962 + h("year", n) % 42, 1 + h("month", n) % 12,
                                  1 + h("day", n) % 28)
            town, town_code = TOWNS[h("town", n) % len(TOWNS)]
            person = {"n": n, "id": uid("person", n), "office": office,
                      "name": first + " " + last}
            people.append(person)
            create("person", {"person_id": person["id"], "project_id": PROJECT,
                              "code": "E%03d" % n, "first_name": first, "last_name": last,
                              "sex": "F" if female else "M", "birth_date": iso(birth),
                              "birth_place": town, "country": "IT",
                              "tax_code": tax_code(first, last, birth, female, town_code),
                              "contract_type": CONTRACTS[h("contract", n) % len(CONTRACTS)],
                              "is_employee": 1})
    total = n
    by_office = {key: [p for p in people if p["office"] == key] for key, *_ in OFFICES}

    # Person-office links; two supervisors of the plant also work on the site.
    links = {}
    for p in people:
        links[(p["n"], p["office"])] = uid("person-office", p["n"], p["office"])
        create("person-office", {"person_office_id": links[(p["n"], p["office"])],
                                 "person_id": p["id"], "office_id": uid("office", p["office"]),
                                 "project_id": PROJECT})
    commuters = [by_office["plant"][1], by_office["plant"][2]]
    for p in commuters:
        links[(p["n"], "site")] = uid("person-office", p["n"], "site")
        create("person-office", {"person_office_id": links[(p["n"], "site")],
                                 "person_id": p["id"], "office_id": uid("office", "site"),
                                 "project_id": PROJECT})

    # The safety organisation: the first people of each office hold the roles, in order (a
    # fire warden may also be a first-aid officer).
    holders = {}  # (role, office) -> [person]
    for key, code, name, description, per_office in ROLES:
        for office, count in per_office.items():
            role_id = uid("role", key, office)
            create("role", {"office_role_id": role_id, "office_id": uid("office", office),
                            "project_id": PROJECT, "code": code, "name": name,
                            "description": description})
            staff = [p for p in by_office[office] if p["n"] <= total - RECENT_HIRES]
            start = {"rspp": 0, "rls": 1, "preposto": 2, "fire": 4, "firstaid": 6}[key]
            chosen = [staff[(start + i) % len(staff)] for i in range(count)]
            if office == "site" and key == "preposto":
                chosen = commuters + chosen[:count - len(commuters)]
            holders[(key, office)] = chosen
            for p in chosen:
                create("entity-employee", {
                    "entity_employee_id": uid("entity-employee", key, office, p["n"]),
                    "person_office_id": links[(p["n"], office)], "type": "ROLE",
                    "entity_id": role_id, "office_id": uid("office", office),
                    "project_id": PROJECT})

    # Equipment, and who drives the forklifts.
    drivers = {}
    for key, office, code, name, vendor, model, _, _ in EQUIPMENT:
        create("equipment", {"office_equipment_id": uid("equipment", key),
                             "office_id": uid("office", office), "project_id": PROJECT,
                             "code": code, "name": name, "vendor": vendor, "model": model,
                             "serial": "SN-%06d" % (h("serial", key) % 1000000)})
    for office, count in FORKLIFT_DRIVERS.items():
        staff = [p for p in by_office[office] if p["n"] <= total - RECENT_HIRES]
        drivers[office] = [staff[(10 + 3 * i) % len(staff)] for i in range(count)]
        forklifts = [e for e in EQUIPMENT if e[1] == office and e[6] == "fork_maint" and not e[7]]
        for i, p in enumerate(drivers[office]):
            machine = forklifts[i % len(forklifts)][0]
            create("entity-employee", {
                "entity_employee_id": uid("entity-employee", "drives", machine, p["n"]),
                "person_office_id": links[(p["n"], office)], "type": "EQUIPMENT",
                "entity_id": uid("equipment", machine), "office_id": uid("office", office),
                "project_id": PROJECT})

    # Requirements.
    for key, offices, type_, code, name, validity, unit, interval in ACTIONS:
        for office in offices:
            create("action", {"action_id": uid("action", key, office),
                              "subtenant_id": uid("office", office), "tenant_id": PROJECT,
                              "action_type": type_, "code": code, "name": name,
                              "validity": validity, "validity_unit": unit,
                              "expire_interval": interval})

    # Who must do what: (action key, office, subscriber type, subscriber id, label key).
    schedule = []
    for p in people:
        schedule.append(("workers", p["office"], "PERSON", p["id"], p["n"]))
        schedule.append(("med2" if p["office"] == "hq" else "med1", p["office"], "PERSON",
                         p["id"], p["n"]))
        if p["office"] == "site":
            schedule.append(("height", "site", "PERSON", p["id"], p["n"]))
    for role in ("fire", "firstaid", "preposto", "rls", "rspp"):
        for (key, office), chosen in sorted(holders.items()):
            if key == role:
                for p in chosen:
                    schedule.append((role, office, "PERSON", p["id"], p["n"]))
    for office, chosen in sorted(drivers.items()):
        for p in chosen:
            schedule.append(("forklift", office, "PERSON", p["id"], p["n"]))
    for key, office, _, _, _, _, requirement, _ in EQUIPMENT:
        schedule.append((requirement, office, "EQUIPMENT", uid("equipment", key), key))
    for office, *_ in OFFICES:
        schedule.append(("extinguishers", office, "OFFICE", uid("office", office), office))

    # A combined course: one certificate proves both the fire and the first-aid training of the
    # people who hold both roles (each link takes its own action's validity).
    both = {(office, p["n"]) for (key, office), chosen in holders.items() if key == "fire"
            for p in chosen} & {(office, p["n"]) for (key, office), chosen in holders.items()
                                if key == "firstaid" for p in chosen}

    subscriptions = []
    certificates = []
    cert_links = []
    combined = {}
    for action_key, office, sub_type, sub_id, label in schedule:
        _, _, type_, code, name, validity, unit, interval = ACTION[action_key]
        action_id = uid("action", action_key, office)
        subscriptions.append({"action_subscription_id": uid("subscription", action_key, office,
                                                            label),
                              "tenant_id": PROJECT, "subtenant_id": uid("office", office),
                              "action_id": action_id, "subscriber_type": sub_type,
                              "subscriber_id": sub_id})
        if sub_type == "PERSON" and label > total - RECENT_HIRES:
            continue  # hired this month: NEW
        span = validity * (365 if unit == "YEAR" else 30)
        roll = ROLL.get(FORCED.get((action_key, label)),
                        h("status", action_key, office, label) % 100)
        if roll < 4:
            continue  # never done: NEW
        if roll < 14:  # EXPIRED: the last valid day was 1..min(span, 400) days ago
            expire = day(-(1 + h("late", action_key, label) % min(span, 400)))
        elif roll < 22:  # EXPIRING: the last valid day is in the action's warning window
            expire = day(h("soon", action_key, label) % interval)
        else:  # VALID
            expire = day(interval + 1 + h("ok", action_key, label) % (span - interval - 1))
        expire = expire.replace(day=min(expire.day, 28))
        release = add_period(expire, -validity, unit)
        if add_period(release, validity, unit) != expire:
            raise SystemExit("date arithmetic disagrees for %s" % iso(expire))
        # Renewals: most people have done it before, some twice.
        renewals = h("renewals", action_key, label) % 3
        for k in range(renewals, -1, -1):
            issued = add_period(release, -validity * k, unit)
            if issued >= TODAY:
                continue
            if (action_key in ("fire", "firstaid") and (office, label) in both and k == 0):
                key = ("combined", office, label)
                if key not in combined:
                    combined[key] = uid("certificate", "combined", office, label)
                    certificates.append({"certificate_id": combined[key], "tenant_id": PROJECT,
                                         "resource_id": sub_id, "action_type": "TRAINING",
                                         "name": "Corso integrato antincendio e primo soccorso",
                                         "date_release": iso(issued)})
                cert_links.append({"certificate_action_id": uid("link", action_key, office,
                                                                label, k),
                                   "certificate_id": combined[key], "action_id": action_id,
                                   "tenant_id": PROJECT})
                continue
            cert_id = uid("certificate", action_key, office, label, k)
            cert = {"certificate_id": cert_id, "tenant_id": PROJECT, "resource_id": sub_id,
                    "action_type": type_, "date_release": iso(issued)}
            if type_ == "TRAINING":
                cert["name"] = "Attestato - " + name
            elif type_ == "HEALTH":
                # The occupational doctor's fitness judgement carries its own expiry.
                cert["name"] = "Giudizio di idoneità alla mansione"
                cert["date_expire"] = iso(add_period(issued, validity, unit))
            elif type_ == "MAINTENANCE":
                cert["name"] = "Rapporto di intervento - " + name
            else:
                cert["name"] = "Verbale - " + name
            certificates.append(cert)
            cert_links.append({"certificate_action_id": uid("link", action_key, office, label,
                                                            k),
                               "certificate_id": cert_id, "action_id": action_id,
                               "tenant_id": PROJECT})

    # What people must do, as demands; the engine derives their schedule rows.
    for office, *_ in OFFICES:
        group = uid("work-group", office)
        create("work-group", {"work_group_id": group, "office_id": uid("office", office),
                              "project_id": PROJECT, "code": "GO-" + OFFICE_CODE[office],
                              "name": "Gruppo omogeneo - " + GROUP_NAME[office],
                              "work_group_type": "HGROUP"})
        for p in by_office[office]:
            create("work-group-person", {
                "work_group_person_id": uid("work-group-person", office, p["n"]),
                "work_group_id": group, "person_office_id": links[(p["n"], office)],
                "office_id": uid("office", office), "project_id": PROJECT})
    demands = []  # (action key, office, resource type, resource id, label)
    for office, *_ in OFFICES:
        for action_key in ("workers", "med2" if office == "hq" else "med1", "height"):
            if office in ACTION[action_key][1]:
                demands.append((action_key, office, "WORK_GROUP", uid("work-group", office),
                                "group"))
    for (key, office), _chosen in sorted(holders.items()):
        demands.append((key, office, "ROLE", uid("role", key, office), "role"))
    for key, office, _, _, _, _, requirement, retired in EQUIPMENT:
        if requirement == "fork_maint" and not retired:
            demands.append(("forklift", office, "EQUIPMENT", uid("equipment", key), key))
    for action_key, office, resource_type, resource_id, label in demands:
        create("demand", {"demand_id": uid("demand", action_key, office, label),
                          "action_id": uid("action", action_key, office),
                          "resource_type": resource_type, "resource_id": resource_id,
                          "office_id": uid("office", office), "project_id": PROJECT})
    # Equipment and offices: rows by hand (no demand reaches them).
    for body in subscriptions:
        if body["subscriber_type"] != "PERSON":
            create("action-subscription", body)
    for body in certificates:
        create("certificate", body)
    for body in cert_links:
        create("certificate-action", body)

    # Incidents and their corrective actions.
    incidents = [
        ("nearmiss", "plant", "INC-2026-007", "Quasi incidente: carrello elevatore in retromarcia "
         "nel reparto getti", day(-69), "ACCIDENTS_AND_MISSED_INJURIES", "open", None,
         "Forklift reversing without a spotter; a worker stepped aside in time.",
         [("forklift", "plant", "Retraining of the forklift drivers of the casting area")]),
        ("cut", "plant", "INC-2026-004", "Taglio alla mano durante la pulizia dei casseri",
         day(-172), "ACCIDENTS", "closed", day(-130),
         "Cut to the left hand while cleaning a formwork; 12 days of sick leave.",
         [("workers", "plant", "Specific training on formwork cleaning")]),
        ("fall", "site", "INC-2026-009", "Caduta di materiale dall'alto dal ponteggio nord",
         day(-41), "ACCIDENTS_AND_MISSED_INJURIES", "open", None,
         "A clamp fell from the third level; nobody was below.",
         [("scaffold", "site", "Extra check of the toe boards"),
          ("height", "site", "Toolbox talk on securing tools at height")]),
        ("guardrail", "site", "INC-2026-011", "Parapetto mancante al terzo livello del "
         "ponteggio sud", day(-12), "NON_COMPLIANCE", "open", None,
         "Found during the supervisor's round: a guardrail section removed and not replaced.",
         []),
        ("exit", "hq", "INC-2026-012", "Uscita di emergenza ostruita da scatoloni", day(-4),
         "REQUEST_INTERVENTION", "new", None,
         "Archive boxes stacked in front of the second-floor emergency exit.", []),
    ]
    for key, office, code, name, date, category, status, closed, description, fixes in incidents:
        body = {"office_incident_id": uid("incident", key), "tenant_id": PROJECT,
                "subtenant_id": uid("office", office), "code": code, "name": name,
                "date_incident": iso(date), "category": category,
                "description_event": description, "status": status}
        if closed:
            body["date_closed"] = iso(closed)
        create("incident", body)
        for action_key, action_office, what in fixes:
            create("incident-action", {
                "office_incident_action_id": uid("incident-action", key, action_key),
                "office_incident_id": uid("incident", key), "entity_id": uid("action",
                                                                           action_key,
                                                                           action_office),
                "entity_type": "ACTION", "subtenant_id": uid("office", office),
                "tenant_id": PROJECT, "description": what})
    injured = by_office["plant"][20]
    create("incident-person", {"office_incident_person_id": uid("incident-person", "cut"),
                               "office_incident_id": uid("incident", "cut"),
                               "person_office_id": links[(injured["n"], "plant")],
                               "subtenant_id": uid("office", "plant"), "tenant_id": PROJECT,
                               "description": "Injured worker", "days": 12})

    # History: a worker who left at the end of September, a forklift taken out of service.
    leaver = people[LEAVER - 1]
    retire.append(("person", leaver["id"], day(-53)))
    for key, _, _, _, _, _, _, retired in EQUIPMENT:
        if retired:
            retire.append(("equipment", uid("equipment", key), retired))
    for collection, id_, date in retire:
        lines.append({"method": "POST", "path": "/v2/%s/historicize/%s" % (collection, id_),
                      "body": {"date": iso(date)}})

    with open(args.output, "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
