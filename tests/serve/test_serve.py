# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""`certo serve` driven over real sockets on loopback, as an HTTP client would drive it.

Each test starts the real `certo` binary (CERTO_CLI) on a free port (--listen 127.0.0.1:0, the URL
read from its first line) against a file made for it, and stops it with SIGTERM. Responses over
HTTP are compared with the in-process answers of `certo api --batch` for the same requests.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

CLI = os.environ["CERTO_CLI"]
TODAY = "2026-11-22"
P1 = "11111111-1111-4111-8111-111111111111"
P2 = "22222222-2222-4222-8222-222222222222"
O1 = "33333333-3333-4333-8333-333333333333"
O2 = "44444444-4444-4444-8444-444444444444"
PERSON1 = "55555555-5555-4555-8555-555555555555"
PERSON2 = "66666666-6666-4666-8666-666666666666"
A1 = "77777777-0000-4000-8000-000000000001"
A2 = "77777777-0000-4000-8000-000000000002"


def cli(db: pathlib.Path, *args: str, stdin: str | None = None, check: bool = True):
    result = subprocess.run([CLI, "--db", str(db), "--today", TODAY, *args], input=stdin,
                            capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"certo {' '.join(args)}: {result.returncode}\n{result.stderr}")
    return result


def batch(db: pathlib.Path, reqs: list[dict]) -> list[dict]:
    out = cli(db, "api", "--batch", stdin="".join(json.dumps(r) + "\n" for r in reqs), check=False)
    return [json.loads(line) for line in out.stdout.splitlines()]


SEED = [
    {"method": "POST", "path": "/v2/project/create", "body": {"project_id": P1, "name": "Rossi"}},
    {"method": "POST", "path": "/v2/project/create", "body": {"project_id": P2, "name": "Bianchi"}},
    {"method": "POST", "path": "/v2/office/create",
     "body": {"office_id": O1, "project_id": P1, "name": "Brescia"}},
    {"method": "POST", "path": "/v2/office/create",
     "body": {"office_id": O2, "project_id": P2, "name": "Milano"}},
    {"method": "POST", "path": "/v2/person/create",
     "body": {"person_id": PERSON1, "project_id": P1, "first_name": "Luca", "last_name": "Russo"}},
    {"method": "POST", "path": "/v2/person/create",
     "body": {"person_id": PERSON2, "project_id": P2, "first_name": "Anna", "last_name": "Neri"}},
    # action and action-subscription name their project tenant_id, as in the 4hse documents
    {"method": "POST", "path": "/v2/action/create",
     "body": {"action_id": A1, "tenant_id": P1, "subtenant_id": O1, "name": "Fire safety",
              "action_type": "TRAINING", "validity": 3, "validity_unit": "YEAR"}},
    {"method": "POST", "path": "/v2/action/create",
     "body": {"action_id": A2, "tenant_id": P2, "subtenant_id": O2, "name": "First aid",
              "action_type": "TRAINING", "validity": 3, "validity_unit": "YEAR"}},
    {"method": "POST", "path": "/v2/action-subscription/create",
     "body": {"tenant_id": P1, "subtenant_id": O1, "action_id": A1, "subscriber_type": "PERSON",
              "subscriber_id": PERSON1}},
    {"method": "POST", "path": "/v2/action-subscription/create",
     "body": {"tenant_id": P2, "subtenant_id": O2, "action_id": A2, "subscriber_type": "PERSON",
              "subscriber_id": PERSON2}},
]


@pytest.fixture
def db(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "company.certo"
    cli(path, "--create", "verify")
    for r in batch(path, SEED):
        assert r["status"] == 201, r
    return path


class Server:
    def __init__(self, db: pathlib.Path, *args: str):
        self.log = db.parent / "access.log"
        self.proc = subprocess.Popen(
            [CLI, "--db", str(db), "--today", TODAY, "serve", "--listen", "127.0.0.1:0",
             "--log", str(self.log), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        if not first.startswith("listening on "):
            self.proc.kill()
            raise AssertionError(f"serve did not start: {first!r} {self.proc.stderr.read()}")
        self.url = first.split()[-1]
        self.session = requests.Session()

    def __call__(self, method: str, path: str, body=None, token: str | None = None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else (body if isinstance(body, (str, bytes)) else json.dumps(body))
        return self.session.request(method, self.url + path, data=data, headers=headers,
                                    timeout=30, **kw)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.session.close()


@pytest.fixture
def server_for(request):
    servers: list[Server] = []

    def start(db: pathlib.Path, *args: str) -> Server:
        s = Server(db, *args)
        servers.append(s)
        return s

    yield start
    for s in servers:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


def same_answer(r: requests.Response, want: dict) -> None:
    """The HTTP answer has the engine's status, every header it set, and its body."""
    try:
        body = r.json()
    except ValueError:
        body = r.text
    assert r.status_code == want["status"]
    for name, value in want["headers"].items():
        assert r.headers.get(name) == value, name
    assert body == want["body"]


READS = [
    {"method": "POST", "path": "/v2/person/index", "body": {"sort": "last_name"}},
    {"method": "POST", "path": "/v2/office/index", "body": {"per-page": 1, "page": 2}},
    {"method": "GET", "path": f"/v2/person/view/{PERSON1}"},
    {"method": "GET", "path": f"/v2/person/view?id={PERSON2}"},
    {"method": "GET", "path": "/v2/person/view/00000000-0000-4000-8000-000000000000"},
    {"method": "POST", "path": "/v2/action-subscription/counts", "body": {}},
    {"method": "POST", "path": "/v2/report", "body": {"as_of": TODAY}},
    {"method": "POST", "path": "/v2/report/trend",
     "body": {"from": "2026-09-22", "to": TODAY, "step": "month"}},
    {"method": "POST", "path": "/v2/report/trend", "body": {"from": TODAY, "step": "year"}},
    {"method": "POST", "path": "/v2/incident/compliance/00000000-0000-4000-8000-000000000000"},
    {"method": "POST", "path": f"/v2/person/requirements/{PERSON2}", "body": {"as_of": TODAY}},
    {"method": "POST", "path": f"/v2/person/requirements/{PERSON1}", "body": {"as_of": "x"}},
    {"method": "POST", "path": "/v2/person/index", "body": {"filter": {"nope": 1}}},
    {"method": "GET", "path": "/v2/nothing/index"},
    {"method": "DELETE", "path": f"/v2/person/delete/{PERSON1}"},
    {"method": "PUT", "path": "/v2/person/update/x", "body": "{not json"},
]


def test_every_route_answers_over_http_exactly_as_in_process(db, server_for):
    expected = batch(db, READS)
    s = server_for(db)
    assert len(expected) == len(READS)
    for req, want in zip(READS, expected):
        same_answer(s(req["method"], req["path"], req.get("body")), want)
    assert s.stop() == 0


def test_writes_over_http_equal_writes_in_process_on_a_copy(db, server_for, tmp_path):
    copy = tmp_path / "copy.certo"
    shutil.copy(db, copy)
    writes = [
        {"method": "POST", "path": "/v2/person/create",
         "body": {"person_id": "77777777-7777-4777-8777-777777777777", "project_id": P1,
                  "first_name": "Marco", "last_name": "Ferrari"}},
        {"method": "PUT", "path": f"/v2/person/update/{PERSON1}", "body": {"first_name": "Luigi"}},
        {"method": "POST", "path": f"/v2/person/historicize/{PERSON1}", "body": {"date": TODAY}},
        {"method": "POST", "path": f"/v2/person/restore/{PERSON1}"},
        {"method": "POST", "path": "/v2/person/create", "body": {"project_id": P1}},
        {"method": "DELETE", "path": f"/v2/person/delete/{PERSON2}?force=true"},
    ]
    expected = batch(copy, writes)
    s = server_for(db)
    assert len(expected) == len(writes)
    for req, want in zip(writes, expected):
        same_answer(s(req["method"], req["path"], req.get("body")), want)
    assert s.stop() == 0
    assert cli(db, "export").stdout == cli(copy, "export").stdout


def test_healthz_answers_without_the_file(db, server_for):
    s = server_for(db)
    os.rename(db, db.with_suffix(".moved"))  # the open engine keeps its file; healthz needs none
    r = s("GET", "/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_without_keys_it_serves_loopback_only_and_refuses_another_address(db):
    result = subprocess.run([CLI, "--db", str(db), "serve", "--listen", "0.0.0.0:0"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "no API key" in result.stderr and "loopback only" in result.stderr


def make_key(db: pathlib.Path, project: str, *extra: str) -> str:
    out = cli(db, "key", "create", "--project", project, *extra)
    token = out.stdout.strip()
    assert token.startswith("certo_") and len(token) == 6 + 32 + 1 + 64
    return token


def test_keys_are_required_once_the_file_has_one(db, server_for):
    token = make_key(db, P1, "--name", "tablet")
    s = server_for(db)
    none = s("GET", f"/v2/person/view/{PERSON1}")
    assert none.status_code == 401
    assert none.headers["WWW-Authenticate"] == 'Bearer realm="certo"'
    wrong = s("GET", f"/v2/person/view/{PERSON1}", token=token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert wrong.status_code == 401
    garbage = s("GET", f"/v2/person/view/{PERSON1}", token="\u00ff" * 3)
    assert garbage.status_code == 401
    ok = s("GET", f"/v2/person/view/{PERSON1}", token=token)
    assert ok.status_code == 200 and ok.json()["first_name"] == "Luca"
    by_query = s("GET", f"/v2/person/view/{PERSON1}?access-token={token}")
    assert by_query.status_code == 200
    assert token not in s.log.read_text()  # tokens never reach the log
    assert s.stop() == 0
    assert token not in s.log.read_text()
    assert token.encode() not in db.read_bytes()


def test_a_revoked_key_is_refused(db, server_for):
    token = make_key(db, P1)
    key_id = token[6:38]
    s = server_for(db)
    assert s("GET", f"/v2/person/view/{PERSON1}", token=token).status_code == 200
    cli(db, "key", "revoke", key_id)
    assert s("GET", f"/v2/person/view/{PERSON1}", token=token).status_code == 401
    listed = json.loads(cli(db, "key", "list", "--json").stdout)
    assert [k["key_id"] for k in listed] == [key_id] and listed[0]["revoked_at"]


def test_a_read_only_key_reads_and_gets_403_on_writes(db, server_for):
    token = make_key(db, P1, "--read-only")
    s = server_for(db)
    assert s("POST", "/v2/person/index", {}, token=token).status_code == 200
    r = s("PUT", f"/v2/person/update/{PERSON1}", {"first_name": "X"}, token=token)
    assert r.status_code == 403 and "read-only" in r.json()["message"]
    assert s("POST", "/v2/person/create", {"first_name": "A", "last_name": "B"},
             token=token).status_code == 403
    assert json.loads(cli(db, "api", "GET", f"/v2/person/view/{PERSON1}").stdout)["first_name"] == "Luca"


def test_a_key_sees_and_changes_only_its_project(db, server_for):
    token = make_key(db, P1)
    s = server_for(db)
    rows = s("POST", "/v2/person/index", {}, token=token)
    assert [p["person_id"] for p in rows.json()] == [PERSON1]
    assert rows.headers["X-Pagination-Total-Count"] == "1"
    other = s("POST", "/v2/person/index", {"filter": {"project_id": P2}}, token=token)
    assert other.status_code == 200 and other.json() == []
    missing = batch(db, [{"method": "GET", "path": f"/v2/person/view/{PERSON2}x"}])[0]
    for method, path, body in [
        ("GET", f"/v2/person/view/{PERSON2}", None),
        ("GET", f"/v2/person/view?id={PERSON2}", None),
        ("PUT", f"/v2/person/update/{PERSON2}", {"first_name": "X"}),
        ("DELETE", f"/v2/person/delete/{PERSON2}?force=true", None),
        ("POST", f"/v2/person/historicize/{PERSON2}", {}),
    ]:
        r = s(method, path, body, token=token)
        assert r.status_code == 404, (method, path)
        assert r.json()["message"] == missing["body"]["message"].replace(PERSON2 + "x", PERSON2)
    r = s("POST", "/v2/office/create", {"project_id": P2, "name": "Intruder"}, token=token)
    assert r.status_code == 404
    r = s("POST", "/v2/person/create", {"first_name": "Nuovo", "last_name": "Dipendente"}, token=token)
    assert r.status_code == 201 and r.json()["project_id"] == P1
    assert s("GET", "/v2/outbox/index", token=token).status_code == 403
    assert s("POST", "/v2/project/create", {"name": "Mine"}, token=token).status_code == 403
    assert json.loads(cli(db, "api", "GET", f"/v2/person/view/{PERSON2}").stdout)["first_name"] == "Anna"


def test_a_key_names_rows_by_code_only_within_its_own_project(db, server_for):
    batch(db, [{"method": "PUT", "path": f"/v2/person/update/{person}", "body": {"code": "E-7"}}
               for person in (PERSON1, PERSON2)])
    token = make_key(db, P1)
    s = server_for(db)
    mine = s("GET", f"/v2/person/view?code=E-7&project_id={P1}", token=token)
    assert mine.status_code == 200 and mine.json()["person_id"] == PERSON1
    for method, path, body in [
        ("GET", f"/v2/person/view?code=E-7&project_id={P2}", None),
        ("GET", f"/v2/person/view?code=E-7&tenant_id={P2}", None),
        ("GET", "/v2/person/view?code=E-7", None),
        ("PUT", f"/v2/person/update?code=E-7&project_id={P2}", {"first_name": "X"}),
        ("DELETE", f"/v2/person/delete?code=E-7&project_id={P2}&force=true", None),
        ("POST", f"/v2/person/requirements?code=E-7&project_id={P2}", {}),
    ]:
        r = s(method, path, body, token=token)
        assert r.status_code == 404, (method, path, r.text)
        assert "its own project" in r.json()["message"]
    assert json.loads(cli(db, "api", "GET", f"/v2/person/view/{PERSON2}").stdout)["first_name"] == "Anna"


def test_a_key_revokes_only_its_projects_certificates(db, server_for):
    certs = batch(db, [{"method": "POST", "path": "/v2/certificate/create",
                        "body": {"tenant_id": project, "resource_id": person,
                                 "action_type": "TRAINING", "name": "Fire safety",
                                 "date_release": "2024-01-15"}}
                       for project, person in ((P1, PERSON1), (P2, PERSON2))])
    mine, theirs = (c["body"]["certificate_id"] for c in certs)
    token = make_key(db, P1)
    s = server_for(db)
    for verb in ("revoke", "unrevoke"):
        r = s("POST", f"/v2/certificate/{verb}/{theirs}", {}, token=token)
        assert r.status_code == 404, verb
    r = s("POST", f"/v2/certificate/revoke/{mine}", {"date": "2026-01-01", "reason": "forged"},
          token=token)
    assert r.status_code == 200 and r.json()["revoked_on"] == "2026-01-01"
    reader = make_key(db, P1, "--read-only")
    assert s("POST", f"/v2/certificate/unrevoke/{mine}", {}, token=reader).status_code == 403
    view = batch(db, [{"method": "GET", "path": f"/v2/certificate/view/{theirs}"}])[0]
    assert view["body"]["revoked_on"] is None


def test_a_key_is_scoped_on_collections_whose_project_field_is_tenant_id(db, server_for):
    token = make_key(db, P1)
    s = server_for(db)
    actions = s("POST", "/v2/action/index", {}, token=token)
    assert [a["action_id"] for a in actions.json()] == [A1]
    assert s("GET", f"/v2/action/view/{A1}", token=token).status_code == 200
    assert s("GET", f"/v2/action/view/{A2}", token=token).status_code == 404
    counts = s("POST", "/v2/action-subscription/counts", {}, token=token)
    assert counts.status_code == 200 and counts.json()["total"] == 1
    everyone = batch(db, [{"method": "POST", "path": "/v2/action-subscription/counts", "body": {}}])
    assert everyone[0]["body"]["total"] == 2
    report = s("POST", "/v2/report", {"as_of": TODAY}, token=token)
    assert report.status_code == 200
    mine = batch(db, [{"method": "POST", "path": "/v2/report",
                       "body": {"as_of": TODAY, "filter": {"tenant_id": P1}}}])[0]["body"]
    assert report.json() == mine
    r = s("POST", "/v2/action/create", {"subtenant_id": O1, "name": "Mine", "action_type": "HEALTH",
                                        "validity": 1, "validity_unit": "YEAR"}, token=token)
    assert r.status_code == 201 and r.json()["tenant_id"] == P1
    assert s("GET", "/v2/action/index", token=token).status_code == 403


def test_a_read_only_key_reads_the_trend_and_incident_compliance_of_its_project_only(
        db, server_for):
    incidents = batch(db, [
        {"method": "POST", "path": "/v2/incident/create",
         "body": {"tenant_id": project, "subtenant_id": office, "name": "Fall",
                  "date_incident": "2026-10-01"}}
        for project, office in ((P1, O1), (P2, O2))])
    mine, theirs = (i["body"]["office_incident_id"] for i in incidents)
    token = make_key(db, P1, "--read-only")
    s = server_for(db)
    trend = s("POST", "/v2/report/trend", {"from": "2026-10-22", "to": TODAY}, token=token)
    assert trend.status_code == 200
    assert [sum(p["counts"].values()) for p in trend.json()] == [1, 1]  # P2's row is not seen
    other = s("POST", "/v2/report/trend",
              {"from": TODAY, "to": TODAY, "filter": {"tenant_id": P2}}, token=token)
    assert other.status_code == 200 and sum(other.json()[0]["counts"].values()) == 0
    r = s("POST", f"/v2/incident/compliance/{mine}", token=token)
    assert r.status_code == 200 and r.json()["office_incident_id"] == mine
    assert s("POST", f"/v2/incident/compliance/{theirs}", token=token).status_code == 404
    # The person's card: a read, of the key's own people only.
    card = s("POST", f"/v2/person/requirements/{PERSON1}", {"as_of": TODAY}, token=token)
    assert card.status_code == 200 and card.json()["person"]["person_id"] == PERSON1
    assert s("POST", f"/v2/person/requirements/{PERSON2}", token=token).status_code == 404


def test_a_body_over_the_limit_gets_413_and_changes_nothing(db, server_for):
    s = server_for(db, "--max-body", "2048")
    r = s("POST", "/v2/person/create",
          {"project_id": P1, "first_name": "A" * 4000, "last_name": "B"})
    assert r.status_code == 413
    count = s("POST", "/v2/person/index", {})
    assert count.headers["X-Pagination-Total-Count"] == "2"


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def test_a_silent_client_is_dropped_after_the_read_timeout(db, server_for):
    s = server_for(db, "--read-timeout", "1", "--threads", "1")
    host, port = s.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /v2/person/index HTTP/1.1\r\nHost: x\r\n")
        answer = read_until_closed(sock)  # closed within the socket's 10 s, without a 200
        assert b" 200 " not in answer
    assert s("GET", "/healthz").status_code == 200  # the one worker is free again


def test_a_client_sending_one_byte_a_second_is_dropped(db, server_for):
    s = server_for(db, "--read-timeout", "3", "--request-timeout", "2", "--threads", "1")
    host, port = s.url.removeprefix("http://").split(":")
    request = b"POST /v2/person/index HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
    start = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        try:
            for byte in request:
                sock.sendall(bytes([byte]))
                time.sleep(0.5)
        except OSError:
            pass  # the server hung up while we were still sending: that is the point
        answer = read_until_closed(sock)
    assert b" 200 " not in answer
    assert time.monotonic() - start < 10
    assert s("GET", "/healthz").status_code == 200


def test_concurrent_writers_and_readers_lose_nothing(db, server_for):
    s = server_for(db, "--threads", "4")
    errors: list[str] = []
    created: list[str] = []
    lock = threading.Lock()

    def writer(n: int):
        with requests.Session() as session:
            for i in range(25):
                r = session.post(s.url + "/v2/person/create", timeout=30, data=json.dumps(
                    {"project_id": P1, "first_name": f"W{n}", "last_name": f"N{i}"}))
                if r.status_code == 201:
                    with lock:
                        created.append(r.json()["person_id"])
                elif r.status_code == 503:
                    assert r.headers["Retry-After"]
                else:
                    errors.append(f"{r.status_code} {r.text}")

    def reader():
        last = 0
        with requests.Session() as session:
            for _ in range(40):
                r = session.post(s.url + "/v2/person/index", data="{}", timeout=30)
                total = int(r.headers["X-Pagination-Total-Count"])
                if total < last:
                    errors.append(f"count went back from {last} to {total}")
                last = total

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert s.stop() == 0
    listed = json.loads(cli(db, "api", "POST", "/v2/person/index", '{"per-page": 1000}').stdout)
    ids = {p["person_id"] for p in listed}
    assert set(created) <= ids and len(ids) == 2 + len(created)
    assert cli(db, "verify").returncode == 0


def test_sigterm_under_load_loses_no_acknowledged_write(db, server_for):
    s = server_for(db)
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer():
        with requests.Session() as session:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    r = session.post(s.url + "/v2/person/create", timeout=10, data=json.dumps(
                        {"project_id": P1, "first_name": "T", "last_name": str(i)}))
                except requests.RequestException:
                    return
                if r.status_code == 201:
                    acknowledged.append(r.json()["person_id"])

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    assert s.stop() == 0
    stop.set()
    for t in threads:
        t.join()
    assert acknowledged
    # Every page: a fast machine acknowledges more than one page of 1000 within the second.
    listed = json.loads(cli(db, "list", "person", "-o", "json").stdout)
    assert set(acknowledged) <= {p["person_id"] for p in listed}
    assert cli(db, "verify").returncode == 0


def test_cors_is_off_by_default_and_answers_preflight_when_on(db, server_for):
    plain = server_for(db)
    assert "Access-Control-Allow-Origin" not in plain("GET", "/healthz").headers
    plain.stop()
    s = server_for(db, "--cors", "http://localhost:5173")
    pre = s("OPTIONS", "/v2/person/index")
    assert pre.status_code == 204
    assert pre.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "Authorization" in pre.headers["Access-Control-Allow-Headers"]


def test_the_access_log_has_one_line_per_request(db, server_for):
    s = server_for(db)
    s("GET", "/healthz")
    s("POST", "/v2/person/index?per-page=5&access-token=secret", {})
    assert s.stop() == 0
    lines = s.log.read_text().splitlines()
    assert len(lines) == 2
    assert lines[0].split()[1:4] == ["GET", "/healthz", "200"]
    assert lines[1].split()[1:4] == ["POST", "/v2/person/index?per-page=5", "200"]
    assert "secret" not in s.log.read_text()


def test_bad_listen_values_are_usage_errors(db):
    for listen in ["nope", "127.0.0.1:99999", ":80", "127.0.0.1:8x"]:
        r = subprocess.run([CLI, "--db", str(db), "serve", "--listen", listen],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, listen
        assert "--listen" in r.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_readme_curl_examples_work_as_written(db):
    readme = pathlib.Path(__file__).parents[2] / "README.md"
    text = readme.read_text()
    block = text.split("<!-- test:serve-curl -->\n```sh\n", 1)[1].split("```", 1)[0]
    port = str(free_port())
    script = "\n".join([
        "set -eu",
        f'certo() {{ "{CLI}" "$@"; }}',
        f"cd {db.parent}",
        f"PROJECT={P1}; PERSON={PERSON1}",
        block.replace("8080", port).replace(" &\n", " > serve.out 2> serve.err &\n"
                                               f"for i in $(seq 100); do grep -q listening serve.out "
                                               f"2>/dev/null && break; sleep 0.1; done\n"),
        "kill %1; wait || true",
    ])
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    answers, rest, decoder = [], out.stdout.strip(), json.JSONDecoder()
    while rest:  # curl prints the bodies back to back, without newlines
        value, end = decoder.raw_decode(rest)
        answers.append(value)
        rest = rest[end:].lstrip()
    # view, index, create, update, delete, view by access-token (of the deleted row: 404)
    assert answers[0]["first_name"] == "Luca"
    assert [p["last_name"] for p in answers[1]] == ["Russo"]
    assert answers[2]["first_name"] == "Ada" and answers[2]["project_id"] == P1
    assert answers[3]["first_name"] == "Ida"
    assert answers[4]["deleted"] is True and answers[4]["rows"][0]["id"] == PERSON1
    assert answers[5]["status"] == 404


# ---- Attachments: multipart upload, streamed download (issue 14) -----------------------------

def random_bytes(size: int, seed: int = 7) -> bytes:
    import random
    return random.Random(seed).randbytes(size)


def test_a_multipart_upload_streams_into_the_file_and_downloads_intact(db, server_for):
    import hashlib
    s = server_for(db)
    # larger than the ordinary body limit: only the upload route takes it
    content = random_bytes(20 * 1024 * 1024)
    r = s.session.post(s.url + "/v2/attachment/create",
                       data={"project_id": P1, "path": "scans/forklift.pdf", "description": "scan"},
                       files={"file": ("forklift.pdf", content)}, timeout=60)
    assert r.status_code == 201, r.text
    row = r.json()
    assert row["size"] == len(content)
    assert row["sha256"] == hashlib.sha256(content).hexdigest()
    assert row["mime_type"] == "application/pdf"
    assert row["attachment_path"] == "scans/forklift.pdf" and row["description"] == "scan"
    # the in-process answer for the same row is the same record
    assert batch(db, [{"method": "GET", "path": f"/v2/attachment/view/{row['attachment_id']}"}])[0][
        "body"] == row
    down = s("GET", f"/v2/attachment/view/{row['attachment_id']}?mode=download")
    assert down.status_code == 200
    assert down.content == content
    assert down.headers["Content-Type"] == "application/pdf"
    assert down.headers["Content-Length"] == str(len(content))
    assert down.headers["Content-Disposition"] == \
        "attachment; filename=\"forklift.pdf\"; filename*=UTF-8''forklift.pdf"
    assert down.headers["ETag"] == f'"{row["sha256"]}"'
    shown = s("GET", f"/v2/attachment/view?id={row['attachment_id']}&mode=inline")
    assert shown.content == content and shown.headers["Content-Disposition"].startswith("inline;")
    # replace: the same path takes new content and keeps its id; without it, a 409
    again = s.session.post(s.url + "/v2/attachment/create",
                           data={"project_id": P1, "path": "scans/forklift.pdf"},
                           files={"file": ("forklift.pdf", b"v2")}, timeout=30)
    assert again.status_code == 409
    replaced = s.session.post(s.url + "/v2/attachment/create",
                              data={"project_id": P1, "path": "scans/forklift.pdf", "replace": "1"},
                              files={"file": ("forklift.pdf", b"v2", "text/plain")}, timeout=30)
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["attachment_id"] == row["attachment_id"]
    assert s("GET", f"/v2/attachment/view/{row['attachment_id']}?mode=download").content == b"v2"
    # a directory: a path without a file
    d = s.session.post(s.url + "/v2/attachment/create", data={"project_id": P1, "path": "scans"},
                       files={"unused": ("", b"")}, timeout=30)
    assert d.status_code == 422 and d.json() == [{"field": "unused", "message": (
        "is not a field of an attachment upload (path, file, replace, project_id, attachment_id, "
        "description, mime_type)")}]
    d = s.session.post(s.url + "/v2/attachment/create", data={"project_id": P1, "path": "scans"},
                       files={"description": (None, "folder")}, timeout=30)
    assert d.status_code == 201 and d.json()["is_directory"] is True
    # bad input names the field; the JSON form of create still works over HTTP
    bad = s.session.post(s.url + "/v2/attachment/create", data={"project_id": P1, "path": "/abs"},
                         files={"file": ("a", b"x")}, timeout=30)
    assert bad.status_code == 422
    assert bad.json() == [{"field": "attachment_path", "message": "must not begin or end with '/'"}]
    j = s("POST", "/v2/attachment/create", {"project_id": P1, "path": "notes/a.txt",
                                            "content_base64": "aGVsbG8K"})
    assert j.status_code == 201 and j.json()["size"] == 6
    assert s("GET", f"/v2/attachment/view/{j.json()['attachment_id']}?mode=download").text == "hello\n"
    assert s.stop() == 0
    assert json.loads(cli(db, "verify", "--json").stdout)["ok"] is True


def test_an_upload_over_the_attachment_limit_gets_413_before_its_body_is_read(db, server_for):
    s = server_for(db)
    host, port = s.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall((f"POST /v2/attachment/create HTTP/1.1\r\nHost: x\r\n"
                      f"Content-Type: multipart/form-data; boundary=b\r\n"
                      f"Content-Length: {70 * 1024 * 1024}\r\n\r\n").encode())
        answer = read_until_closed(sock).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "larger than an attachment can be (64 MiB)" in answer
    # a JSON body keeps the ordinary limit on the same route
    small = server_for(db, "--max-body", "2048")
    r = small("POST", "/v2/attachment/create", {"project_id": P1, "path": "a.txt",
                                                "content_base64": "QUFB" * 1000})
    assert r.status_code == 413
    assert small("POST", "/v2/attachment/index", {}).json() == []


def test_uploads_are_scoped_by_the_key(db, server_for):
    token = make_key(db, P1)
    reader = make_key(db, P1, "--read-only")
    s = server_for(db)
    headers = {"Authorization": f"Bearer {token}"}
    up = s.session.post(s.url + "/v2/attachment/create", data={"path": "mine.txt"},
                        files={"file": ("mine.txt", b"mine")}, headers=headers, timeout=30)
    assert up.status_code == 201 and up.json()["project_id"] == P1  # the key's project
    other = s.session.post(s.url + "/v2/attachment/create",
                           data={"path": "theirs.txt", "project_id": P2},
                           files={"file": ("theirs.txt", b"x")}, headers=headers, timeout=30)
    assert other.status_code == 404
    ro = s.session.post(s.url + "/v2/attachment/create", data={"path": "ro.txt"},
                        files={"file": ("ro.txt", b"x")},
                        headers={"Authorization": f"Bearer {reader}"}, timeout=30)
    assert ro.status_code == 403
    anonymous = s.session.post(s.url + "/v2/attachment/create", data={"path": "x.txt"},
                               files={"file": ("x.txt", b"x")}, timeout=30)
    assert anonymous.status_code == 401
    theirs = batch(db, [{"method": "POST", "path": "/v2/attachment/create",
                         "body": {"project_id": P2, "path": "p2.txt", "content_base64": "eA=="}}])
    theirs_id = theirs[0]["body"]["attachment_id"]
    assert s("GET", f"/v2/attachment/view/{theirs_id}?mode=download", token=token).status_code == 404
    mine = s("GET", f"/v2/attachment/view/{up.json()['attachment_id']}?mode=download",
             token=reader)
    assert mine.status_code == 200 and mine.content == b"mine"


def test_the_readme_attachment_curl_examples_work_as_written(db, tmp_path):
    import hashlib
    readme = pathlib.Path(__file__).parents[2] / "README.md"
    block = readme.read_text().split("<!-- test:serve-attachment-curl -->\n```sh\n", 1)[1]
    block = block.split("```", 1)[0]
    token = make_key(db, P1)
    attachment = "88888888-0000-4000-8000-000000000001"
    # the row the example replaces, so that its id is known beforehand
    cli(db, "api", "POST", "/v2/attachment/create",
        json.dumps({"attachment_id": attachment, "project_id": P1,
                    "attachment_path": "scans/forklift.pdf"}))
    work = tmp_path / "client"
    work.mkdir()
    content = random_bytes(300_000, seed=3)
    (work / "forklift.pdf").write_bytes(content)
    port = str(free_port())
    script = "\n".join([
        "set -eu",
        f'"{CLI}" --db {db} serve --listen 127.0.0.1:{port} > serve.out 2> serve.err &',
        "for i in $(seq 100); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done",
        f"TOKEN={token}; ID={attachment}",
        block.replace("8080", port),
        "kill %1; wait || true",
    ])
    out = subprocess.run(["bash", "-c", script], cwd=work, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    uploaded = json.loads(out.stdout)
    assert uploaded["attachment_id"] == attachment and uploaded["size"] == len(content)
    assert uploaded["sha256"] == hashlib.sha256(content).hexdigest()
    assert (work / "forklift.pdf").read_bytes() == content  # downloaded over the original
    log = (work / "serve.err").read_text()
    assert f"GET /v2/attachment/view/{attachment}?mode=download 200 " in log


def test_the_review_routes_answer_over_http_and_refuse_a_projects_key(db, server_for):
    # A campaign over Brescia: Luca holds a role there, Anna (of the other project) cannot review.
    reviewer = "0a000000-0000-4000-8000-00000000aaaa"
    seed = [
        {"method": "POST", "path": "/v2/person/create",
         "body": {"person_id": reviewer, "project_id": P1, "first_name": "Rita",
                  "last_name": "Reviewer"}},
        {"method": "POST", "path": "/v2/role/create",
         "body": {"office_role_id": "0a000000-0000-4000-8000-00000000bbbb", "office_id": O1,
                  "name": "Fire warden"}},
        {"method": "POST", "path": "/v2/person-office/create",
         "body": {"person_office_id": "0a000000-0000-4000-8000-00000000cccc", "office_id": O1,
                  "person_id": PERSON1}},
        {"method": "POST", "path": "/v2/entity-employee/create",
         "body": {"person_office_id": "0a000000-0000-4000-8000-00000000cccc", "type": "ROLE",
                  "entity_id": "0a000000-0000-4000-8000-00000000bbbb"}},
        {"method": "POST", "path": "/v2/review-campaign/create",
         "body": {"project_id": P1, "name": "Annual", "reviewer_id": reviewer,
                  "deadline": "2026-12-31"}},
        {"method": "POST", "path": "/v2/review-campaign/start/1"},
    ]
    for r in batch(db, seed):
        assert r["status"] in (200, 201), r
    s = server_for(db)
    base = "/iam/governance/selfservice/api/v1/certifications"
    listed = s("GET", base)
    assert listed.status_code == 200
    task = listed.json()["certifications"][0]["taskId"]
    items = s("GET", f"{base}/1/tasks/{task}/lineitems").json()["certLineItemList"]
    put = s("PUT", f"{base}/1/tasks/{task}/lineitems",
            {"lineItems": [{"requestId": "1", "lineItemId": str(items[0]["id"]),
                            "action": "Certify"}]})
    assert put.status_code == 200 and put.json()["lineItems"][0]["status"] == "SUCCESS"
    signed = s("PUT", f"{base}/1/tasks/{task}", {"action": "signoff"})
    assert signed.status_code == 200, signed.text
    assert signed.json()["fields"][0] == {"name": "state", "value": "SIGNED_OFF"}
    again = s("PUT", f"{base}/1/tasks/{task}", {"action": "signoff"})
    assert again.status_code == 409
    history = s("GET", f"{base}/1/tasks/{task}/history").json()
    assert history["certId"] == 1 and history["taskUid"] == task
    assert s.stop() == 0
    # Campaigns are not scoped by a key's project: a key gets 403 on every review path.
    token = make_key(db, P1)
    k = server_for(db)
    assert k("GET", base, token=token).status_code == 403
    assert k("POST", "/v2/review-campaign/create", {}, token=token).status_code == 403
    assert k.stop() == 0
