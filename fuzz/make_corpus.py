#!/usr/bin/env python3
# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
#
# Writes the request fuzzer's seed corpus: every request of the example company
# (examples/company.jsonl) and one request per route, as "METHOD\nTARGET\nBODY" files.
# Usage: make_corpus.py SOURCE_DIR OUTPUT_DIR
import hashlib
import json
import pathlib
import sys

source, output = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
output.mkdir(parents=True, exist_ok=True)


def write(method, target, body=""):
    data = f"{method}\n{target}\n{body}".encode()
    (output / hashlib.sha1(data).hexdigest()).write_bytes(data)


for line in (source / "examples" / "company.jsonl").read_text().splitlines():
    if line.strip():
        r = json.loads(line)
        write(r["method"], r["path"], json.dumps(r["body"]) if "body" in r else "")

uid = "a007fd65-0034-5303-9a44-ccd49fcfcddf"  # the example company's project
routes = [
    ("POST", "/v2/person/index", '{"filter": {"project_id": "%s"}, "per-page": 5, "page": 2, "sort": "-last_name"}' % uid),
    ("POST", "/v2/project/create", '{"name": "Fuzz", "data": {"a": [1, 2, {"b": null}]}}'),
    ("GET", "/v2/project/view/" + uid, ""),
    ("GET", "/v2/project/view?id=" + uid, ""),
    ("PUT", "/v2/project/update/" + uid, '{"description": "changed"}'),
    ("PATCH", "/v2/project/update/" + uid, '{"country": "FR"}'),
    ("DELETE", "/v2/project/delete/" + uid + "?force=true", ""),
    ("POST", "/v2/person/historicize/" + uid, '{"date": "2026-01-31 00:00:00"}'),
    ("POST", "/v2/person/restore/" + uid, ""),
    ("POST", "/v2/action-subscription/counts", '{"filter": {"status": ["VALID", "EXPIRED"]}, "as_of": "2026-12-31"}'),
    ("POST", "/v2/action-subscription/changes", '{"from": "2026-01-01", "to": "2026-12-31", "per-page": 10}'),
    ("POST", "/v2/report", '{"as_of": "2026-11-22", "days": 30, "months": 3, "limit": 5}'),
    ("GET", "/v2/verify?depth=full", ""),
    ("GET", "/v2/outbox/index?after=0&limit=10", ""),
    ("POST", "/v2/outbox/ack", '{"through": 3}'),
]
for route in routes:
    write(*route)
