# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""A device syncing with a hub served by `certo serve` (docs/sync.md, "Sync through certo serve").

The real `certo` binary on both ends: `certo serve` on the hub file, `certo device init --hub URL`
and `certo sync DEVICE URL` on the device's side, with an API key of the device's project. Also the
sync routes driven by hand, to show what they refuse (changing nothing) and that a change pushed
twice is applied once.
"""

from __future__ import annotations

import base64
import json
import pathlib
import sqlite3
import subprocess

from test_serve import (A1, CLI, O2, P1, P2, PERSON1, PERSON2, cli, db, free_port,  # noqa: F401
                        make_key, server_for)


def device_init(url: str, out: pathlib.Path, token: str, *extra: str, check: bool = True):
    return cli(out.parent / "unused.certo", "device", "init", "--hub", url, "--out", str(out),
               "--token", token, *extra, check=check)


def sync(device: pathlib.Path, url: str, token: str, check: bool = True):
    return cli(device, "sync", str(device), url, "--token", token, check=check)


def export(path: pathlib.Path, project: str) -> list[str]:
    out = cli(path, "export", "--project", project).stdout
    return sorted(out.splitlines())


def verified(path: pathlib.Path) -> bool:
    return cli(path, "verify", check=False).returncode == 0


def api(path: pathlib.Path, method: str, target: str, body: dict | None = None) -> dict:
    args = ["api", method, target] + ([json.dumps(body)] if body is not None else [])
    return json.loads(cli(path, *args).stdout)


def history(path: pathlib.Path) -> int:
    with sqlite3.connect(path) as c:
        return c.execute("SELECT coalesce(max(seq), 0) FROM sync_change").fetchone()[0]


def pending(path: pathlib.Path) -> list[dict]:
    with sqlite3.connect(path) as c:
        rows = c.execute("SELECT change_id, at, schema, changeset FROM sync_change ORDER BY seq")
        return [{"change_id": r[0], "at": r[1], "schema": r[2],
                 "changeset": base64.b64encode(r[3]).decode()} for r in rows]


def node(path: pathlib.Path) -> dict:
    with sqlite3.connect(path) as c:
        r = c.execute("SELECT node_id, hub_id, project_id FROM sync_state").fetchone()
        return {"device_id": r[0], "hub_id": r[1], "project_id": r[2]}


def test_a_device_made_and_synced_over_http_exchanges_edits_both_ways(db, server_for, tmp_path):
    token = make_key(db, P1, "--name", "tablet 1")
    s = server_for(db)
    tablet = tmp_path / "tablet.certo"
    made = device_init(s.url, tablet, token)
    assert made.stdout.startswith(f"device: {tablet} (device ")
    assert f"project {P1}" in made.stdout
    assert not (tmp_path / "tablet.certo.part").exists()
    assert export(tablet, P1) == export(db, P1)
    people = api(tablet, "POST", "/v2/person/index", {})
    assert [p["person_id"] for p in people] == [PERSON1]  # the key's project only
    # Offline on the tablet, and meanwhile at the office (through the server, with the key).
    api(tablet, "PUT", f"/v2/person/update/{PERSON1}", {"note": "wears glasses"})
    assert s("PUT", f"/v2/person/update/{PERSON1}", {"birth_place": "Torino"},
             token=token).status_code == 200
    out = sync(tablet, s.url, token).stdout
    assert out.startswith("sync: pushed 1, pulled 2, conflicts 0; position ")
    row = api(tablet, "GET", f"/v2/person/view/{PERSON1}")
    assert (row["note"], row["birth_place"]) == ("wears glasses", "Torino")
    assert export(tablet, P1) == export(db, P1)
    assert verified(tablet) and verified(db)
    again = sync(tablet, s.url, token).stdout
    assert again.startswith("sync: pushed 0, pulled 0, conflicts 0; position ")
    assert s.stop() == 0


def test_the_same_field_changed_on_both_sides_is_a_logged_conflict(db, server_for, tmp_path):
    token = make_key(db, P1)
    s = server_for(db)
    tablet = tmp_path / "tablet.certo"
    device_init(s.url, tablet, token)
    api(tablet, "PUT", f"/v2/person/update/{PERSON1}", {"note": "tablet"})
    api(db, "PUT", f"/v2/person/update/{PERSON1}", {"note": "office"})
    out = sync(tablet, s.url, token).stdout
    assert ", conflicts 1; position " in out
    log = [json.loads(line) for line in cli(db, "sync", "conflicts", str(db)).stdout.splitlines()]
    assert [(c["kind"], c["field"], c["collection"]) for c in log] == [("FIELD", "note", "person")]
    assert {log[0]["kept"], log[0]["lost"]} == {"tablet", "office"}
    assert export(tablet, P1) == export(db, P1)
    assert verified(tablet) and verified(db)
    assert s.stop() == 0


def test_a_change_pushed_twice_is_applied_once_and_a_sync_after_a_lost_answer_resumes(
        db, server_for, tmp_path):
    token = make_key(db, P1)
    s = server_for(db)
    tablet = tmp_path / "tablet.certo"
    device_init(s.url, tablet, token)
    api(tablet, "POST", "/v2/incident/create",
        {"subtenant_id": "33333333-3333-4333-8333-333333333333", "name": "Slip",
         "date_incident": "2026-11-21"})
    me = node(tablet)
    change = pending(tablet)[0] | {"device_id": me["device_id"]}
    first = s("POST", "/v2/sync/push", change, token=token)
    assert (first.status_code, first.json()) == (200, {"conflicts": 0})
    after_first = history(db)
    second = s("POST", "/v2/sync/push", change, token=token)
    assert (second.status_code, second.json()) == (200, {"conflicts": 0})
    assert history(db) == after_first
    # As if the sync had died after its push: the next one pushes again, the hub skips it.
    out = sync(tablet, s.url, token).stdout
    assert out.startswith("sync: pushed 1, pulled 1, conflicts 0; position ")
    incidents = api(db, "POST", "/v2/incident/index", {"filter": {"name": "Slip"}})
    assert len(incidents) == 1
    assert export(tablet, P1) == export(db, P1)
    assert verified(tablet) and verified(db)
    assert s.stop() == 0


def test_the_sync_routes_refuse_keys_that_are_not_the_devices(db, server_for, tmp_path):
    token = make_key(db, P1)
    read_only = make_key(db, P1, "--read-only")
    other = make_key(db, P2)
    s = server_for(db)
    tablet = tmp_path / "tablet.certo"
    device_init(s.url, tablet, token)
    api(tablet, "PUT", f"/v2/person/update/{PERSON1}", {"note": "tablet"})
    me = node(tablet)
    pull = {"device_id": me["device_id"], "after": 0, "schema": 16}
    assert s("POST", "/v2/sync/pull", pull).status_code == 401
    assert s("POST", "/v2/sync/pull", pull, token=token[:-1] + "x").status_code == 401
    ro = s("POST", "/v2/sync/pull", pull, token=read_only)
    assert ro.status_code == 403 and "read-only" in ro.json()["message"]
    stranger = s("POST", "/v2/sync/pull", pull, token=other)
    assert stranger.status_code == 404
    assert stranger.json()["message"] == (f"no device {me['device_id']} of this hub for this API "
                                          "key (a device syncs with its own)")
    # Another key of the same project does not sync a device made with the first one.
    second = make_key(db, P1)
    assert s("POST", "/v2/sync/pull", pull, token=second).status_code == 404
    # Nor may a key make a device of another project.
    refused = s("POST", "/v2/sync/device", {"project_id": P2}, token=token)
    assert refused.status_code == 404
    before = history(db)
    failed = sync(tablet, s.url, other, check=False)
    assert failed.returncode == 1
    assert failed.stderr == (f"certo sync: not_found: no device {me['device_id']} of this hub "
                             "for this API key (a device syncs with its own)\n")
    assert len(pending(tablet)) == 1 and history(db) == before
    cli(db, "key", "revoke", token[6:38])
    revoked = sync(tablet, s.url, token, check=False)
    assert revoked.returncode == 1 and "refused the key (401)" in revoked.stderr
    assert len(pending(tablet)) == 1 and history(db) == before
    assert s.stop() == 0


def test_a_batch_is_pushed_in_one_body_and_halved_when_over_the_servers_limit(
        db, server_for, tmp_path):
    token = make_key(db, P1)
    s = server_for(db, "--max-body", "2048")  # a change's body fits, twelve do not
    tablet = tmp_path / "tablet.certo"
    device_init(s.url, tablet, token)
    for i in range(12):
        api(tablet, "PUT", f"/v2/person/update/{PERSON1}", {"note": f"visit {i}"})
    me = node(tablet)
    changes = pending(tablet)
    before = history(db)
    # By hand, a batch of two in one body: two rows of the hub's history, applied once.
    body = {"device_id": me["device_id"], "changes": changes[:2]}
    assert s("POST", "/v2/sync/push", body, token=token).json() == {"conflicts": 0}
    assert history(db) == before + 2
    assert s("POST", "/v2/sync/push", body, token=token).json() == {"conflicts": 0}
    assert history(db) == before + 2
    out = sync(tablet, s.url, token).stdout
    assert out.startswith("sync: pushed 12, pulled 12, conflicts 0; position "), out
    assert history(db) == before + 12
    assert api(db, "GET", f"/v2/person/view/{PERSON1}")["note"] == "visit 11"
    assert export(tablet, P1) == export(db, P1)
    assert verified(tablet) and verified(db)
    assert s.stop() == 0


def test_bad_sync_requests_get_a_4xx_and_change_nothing(db, server_for, tmp_path):
    token = make_key(db, P1)
    s = server_for(db, "--max-body", "65536")
    tablet = tmp_path / "tablet.certo"
    device_init(s.url, tablet, token)
    api(tablet, "PUT", f"/v2/person/update/{PERSON1}", {"note": "tablet"})
    me = node(tablet)
    good = pending(tablet)[0] | {"device_id": me["device_id"]}
    before, rows = history(db), export(db, P1)

    def push(body, status):
        r = s("POST", "/v2/sync/push", body, token=token)
        assert r.status_code == status, r.text
        return r

    assert push("{not json", 400).json()["message"] == "the body must be a JSON object"
    assert push(good | {"changeset": "***"}, 422).json() == [
        {"field": "changeset", "message": "must be base64 (RFC 4648)"}]
    garbage = base64.b64encode(b"\x54\x02garbage bytes, not a changeset").decode()
    bad = push(good | {"changeset": garbage}, 400).json()["message"]
    assert bad.startswith("changeset: not a SQLite changeset"), bad
    assert push(good | {"schema": "16"}, 422).json() == [
        {"field": "schema", "message": "must be an integer"}]
    unknown = push(good | {"device_id": "5a0b2a4e-0000-4000-8000-0000000000bb"}, 404)
    assert unknown.json()["message"].startswith("no device 5a0b2a4e-0000-4000-8000-0000000000bb")
    newer = s("POST", "/v2/sync/hello", me | {"schema": 99, "min_schema": 14}, token=token)
    assert newer.status_code == 409
    assert newer.json()["message"].startswith("the device is at schema 99, newer than its hub's ")
    big = push(good | {"changeset": base64.b64encode(b"x" * 70000).decode()}, 413)
    assert big.json()["status"] == 413
    assert history(db) == before and export(db, P1) == rows
    assert verified(db)
    # The server still serves, and the good change goes through.
    assert push(good, 200).json() == {"conflicts": 0}
    assert s.stop() == 0


def test_the_readme_http_walkthrough_prints_what_the_readme_shows(tmp_path):
    readme = (pathlib.Path(__file__).parents[2] / "README.md").read_text()
    marker = "<!-- ci:sync-walkthrough-http -->\n```sh\n"
    block = readme.split(marker, 1)[1].split("```", 1)[0]
    expected = readme.split(marker, 1)[1].split("```\n\nprints\n\n```\n", 1)[1].split("```", 1)[0]
    port = str(free_port())
    block = block.replace("http://office:8080", f"http://127.0.0.1:{port}")
    block = block.replace("0.0.0.0:8080 &\n", f"0.0.0.0:{port} > serve.out 2> serve.err &\n"
                          "for i in $(seq 100); do grep -q listening serve.out 2>/dev/null && "
                          "break; sleep 0.1; done\n")
    assert port in block and "8080" not in block
    script = "\n".join(["set -eu -o pipefail", f'certo() {{ "{CLI}" "$@"; }}', f"cd {tmp_path}",
                        block, "kill %1; wait || true"])
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == expected
    assert verified(tmp_path / "tablet.certo") and verified(tmp_path / "office.certo")


def test_the_cli_names_what_went_wrong_with_a_url_hub(db, server_for, tmp_path):
    tablet = tmp_path / "tablet.certo"
    port = free_port()  # nobody listens there
    gone = cli(db, "device", "init", "--hub", f"http://127.0.0.1:{port}", "--out", str(tablet),
               check=False)
    assert gone.returncode == 1
    assert gone.stderr == (f"certo device init: io_error: cannot reach the hub at "
                           f"http://127.0.0.1:{port} (Connection)\n")
    assert not tablet.exists() and not (tmp_path / "tablet.certo.part").exists()
    token = make_key(db, P1)
    s = server_for(db)
    none = cli(db, "device", "init", "--hub", s.url, "--out", str(tablet), check=False)
    assert none.returncode == 1 and "refused the key (401)" in none.stderr
    assert not tablet.exists() and not (tmp_path / "tablet.certo.part").exists()
    device_init(s.url, tablet, token)
    twice = device_init(s.url, tablet, token, check=False)
    assert twice.returncode == 1
    assert twice.stderr == (f"certo device init: validation: out_path: '{tablet}' already exists: "
                            "a device is made as a new file\n")
    assert s.stop() == 0
    down = sync(tablet, s.url, token, check=False)
    assert down.returncode == 1 and "cannot reach the hub at " + s.url in down.stderr


def test_a_device_of_one_office_made_over_http_holds_and_syncs_that_office_only(
        db, server_for, tmp_path):
    token = make_key(db, P1)
    o3 = "33333333-0000-4000-8000-000000000003"
    api(db, "POST", "/v2/office/create", {"office_id": o3, "project_id": P1, "name": "Desenzano"})
    s = server_for(db)
    tablet = tmp_path / "tablet.certo"
    made = device_init(s.url, tablet, token, "--office", o3)
    assert f"project {P1}, office {o3}, at position " in made.stdout
    offices = api(tablet, "POST", "/v2/office/index", {})
    assert [o["office_id"] for o in offices] == [o3]
    assert [p["person_id"] for p in api(tablet, "POST", "/v2/person/index", {})] == [PERSON1]
    assert api(tablet, "POST", "/v2/action/index", {}) == []  # Brescia's
    # On the tablet, its office; at the office, Brescia's action, which never reaches it.
    api(tablet, "PUT", f"/v2/office/update/{o3}", {"locality": "Desenzano del Garda"})
    assert s("PUT", f"/v2/action/update/{A1}", {"description": "yearly"},
             token=token).status_code == 200
    out = sync(tablet, s.url, token).stdout
    assert out.startswith("sync: pushed 1, pulled 1, conflicts 0; position ")
    assert api(db, "GET", f"/v2/office/view/{o3}")["locality"] == "Desenzano del Garda"
    assert api(tablet, "POST", "/v2/action/index", {}) == []
    assert verified(tablet) and verified(db)
    # Another project's office is one that does not exist for the key; a missing one is named.
    other = s("POST", "/v2/sync/device", {"office_id": O2}, token=token)
    assert (other.status_code, other.json()["message"]) == (404, f"no office with office_id {O2}")
    none = "33333333-0000-4000-8000-0000000000ff"
    missing = s("POST", "/v2/sync/device", {"office_id": none}, token=token)
    assert missing.status_code == 422
    assert missing.json() == [
        {"field": "office_id", "message": f"refers to no office with this id ({none})"}]
    wrong = s("POST", "/v2/sync/device", {"office_id": 3}, token=token)
    assert wrong.status_code == 422
    assert s.stop() == 0
