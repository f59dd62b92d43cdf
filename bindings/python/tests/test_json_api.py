# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""engine.request(method, path, body): status, headers and body as Python objects."""

from __future__ import annotations

import json

import pytest

import certo


def test_create_view_index_through_the_json_api(engine: certo.Engine) -> None:
    created = engine.request("POST", "/v2/project/create", {"name": "Rossi", "country": "IT"})
    assert created.status == 201 and created.ok
    assert created.headers == {"Content-Type": "application/json"}
    assert created.body["name"] == "Rossi"
    pid = created.body["project_id"]
    viewed = engine.request("GET", f"/v2/project/view/{pid}")
    assert (viewed.status, viewed.body) == (200, created.body)
    assert engine.request("GET", f"/v2/project/view?id={pid}").body == created.body
    index = engine.request("POST", "/v2/project/index", {"per-page": 1})
    assert index.status == 200
    assert index.body == [created.body]
    assert index.headers == {
        "Content-Type": "application/json",
        "X-Pagination-Current-Page": "1",
        "X-Pagination-Page-Count": "1",
        "X-Pagination-Per-Page": "1",
        "X-Pagination-Total-Count": "1",
    }
    assert index.header("x-pagination-total-count") == "1"
    assert index.header("X-Nope") is None
    assert index.raise_for_status() is index


def test_the_body_may_be_json_text_bytes_or_none(engine: certo.Engine) -> None:
    assert engine.request("POST", "/v2/project/create", '{"name": "T"}').status == 201
    assert engine.request("POST", "/v2/project/create", b'{"name": "B"}').status == 201
    assert engine.request("POST", "/v2/project/index").status == 200  # empty body is {}
    assert engine.request("POST", "/v2/project/index", None).body[0]["name"] in ("T", "B")


def test_update_delete_historicize_restore(engine: certo.Engine) -> None:
    pid = engine.create("project", name="P")["project_id"]
    office = engine.request("POST", "/v2/office/create", {"project_id": pid, "name": "O"}).body
    oid = office["office_id"]
    assert engine.request("PUT", f"/v2/office/update/{oid}", {"code": "X"}).body["code"] == "X"
    retired = engine.request("POST", f"/v2/office/historicize/{oid}", {"date": "2026-12-01"})
    assert retired.body["retired_on"] == "2026-12-01"
    assert engine.request("POST", f"/v2/office/restore/{oid}").body["retired_on"] is None
    preview = engine.request("DELETE", f"/v2/office/delete/{oid}")
    assert preview.body == {"deleted": False, "rows": [{"collection": "office", "id": oid}]}
    done = engine.request("DELETE", f"/v2/office/delete/{oid}?force=true")
    assert done.body == {"deleted": True, "rows": [{"collection": "office", "id": oid}]}


def test_service_routes(engine: certo.Engine) -> None:
    engine.create("project", name="P")
    verify = engine.request("GET", "/v2/verify")
    assert verify.body == {"ok": True, "subscriptions_checked": 0, "links_checked": 0,
                           "outbox_dropped": 0, "outbox_dropped_through": 0, "problems": []}
    outbox = engine.request("GET", "/v2/outbox/index?after=0&limit=5")
    assert [e["event"] for e in outbox.body] == ["PROJECT::CREATE"]
    seq = outbox.body[0]["seq"]
    assert engine.request("POST", "/v2/outbox/ack", {"through": seq}).body == {
        "acknowledged_through": seq}
    assert engine.request("GET", "/v2/outbox/index").body == []


def test_error_responses_are_returned_not_raised(engine: certo.Engine) -> None:
    missing = engine.request("GET", "/v2/person/view/00000000-0000-4000-8000-0000000000ff")
    assert (missing.status, missing.ok) == (404, False)
    assert missing.body == {"name": "Not Found",
                            "message": "no person with person_id 00000000-0000-4000-8000-0000000000ff",
                            "code": 1, "status": 404}
    invalid = engine.request("POST", "/v2/project/create", {"name": ""})
    assert (invalid.status, invalid.body) == (422, [{"field": "name", "message": "must not be empty"}])
    wrong_method = engine.request("GET", "/v2/person/create")
    assert wrong_method.status == 405
    assert wrong_method.header("Allow") == "POST"
    not_json = engine.request("POST", "/v2/project/create", "{nope")
    assert not_json.status == 400
    assert engine.request("GET", "/v1/anything").status == 404


@pytest.mark.parametrize("method,path,body,error", [
    ("GET", "/v2/person/view/00000000-0000-4000-8000-0000000000ff", None, certo.NotFoundError),
    ("POST", "/v2/project/create", {"name": ""}, certo.ValidationError),
    ("GET", "/v2/person/create", None, certo.InvalidArgumentError),
    ("POST", "/v2/project/create", "{nope", certo.InvalidArgumentError),
    ("POST", "/v2/project/create", {"project_id": "0190c3f2-0000-7000-8000-000000000001",
                                    "name": "dup"}, certo.ConflictError),
])
def test_raise_for_status_raises_the_matching_exception(engine: certo.Engine, method: str,
                                                        path: str, body: object,
                                                        error: type) -> None:
    engine.create("project", project_id="0190c3f2-0000-7000-8000-000000000001", name="first")
    response = engine.request(method, path, body)
    with pytest.raises(error) as caught:
        response.raise_for_status()
    assert type(caught.value) is error
    if error is certo.ValidationError:
        assert caught.value.errors == [certo.FieldError("name", "must not be empty")]
    else:
        assert caught.value.message == response.body["message"]


def test_bodies_that_cannot_be_json_are_type_errors(engine: certo.Engine) -> None:
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        engine.request("POST", "/v2/project/create", {"name": {"a", "b"}})
    assert json.loads(json.dumps(engine.request("POST", "/v2/project/index").body)) == []


def test_changes_filter_survives_the_keys_after_it(engine: certo.Engine) -> None:
    project = engine.create("project", name="P")["project_id"]
    office = engine.create("office", project_id=project, name="O")["office_id"]
    action = engine.create("action", subtenant_id=office, action_type="HEALTH", name="Visit",
                           validity=1, validity_unit="YEAR")["action_id"]
    people = []
    for name in ("A", "B"):
        person = engine.create("person", project_id=project, first_name=name, last_name=name)
        people.append(person["person_id"])
        engine.create("action-subscription", action_id=action, subscriber_type="PERSON",
                      subscriber_id=person["person_id"])
        cert = engine.create("certificate", tenant_id=project, resource_id=person["person_id"],
                             action_type="HEALTH", name="C", date_release="2026-01-01")
        engine.create("certificate-action", certificate_id=cert["certificate_id"],
                      action_id=action)
    window = {"from": "2026-01-01", "to": "2027-12-31"}
    only_a = {"filter": {"subscriber_id": people[0]}}
    filter_last = engine.request("POST", "/v2/action-subscription/changes",
                                 {**window, "per-page": 100, **only_a})
    assert [c["subscriber_id"] for c in filter_last.body] == [people[0]]
    filter_first = engine.request("POST", "/v2/action-subscription/changes",
                                  {**window, **only_a, "per-page": 100})
    assert [c["subscriber_id"] for c in filter_first.body] == [people[0]]
