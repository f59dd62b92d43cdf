// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The JSON API through Engine::Request: every route and its status code, error statuses and
// bodies, index paging and sorting, hostile input (filter keys, sort fields, values, paths), and
// requests inside Engine::Transaction.

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

constexpr const char* kMissingId = "99999999-9999-4999-8999-999999999999";

using Headers = std::vector<std::pair<std::string, std::string>>;

Json BodyOf(const Response& r) {
  Json body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(body.is_discarded()) << r.body;
  return body;
}

std::string Str(const Json& row, const char* field) { return row.at(field).get<std::string>(); }

Response Post(Engine& e, const std::string& target, const Json& body = Json::object()) {
  return e.Request("POST", target, body.dump());
}

Response IndexOf(Engine& e, const std::string& collection, const Json& body = Json::object()) {
  return Post(e, "/v2/" + collection + "/index", body);
}

// The X-Pagination-* headers, with their exact names, in response order.
Headers Paging(const Response& r) {
  Headers out;
  for (const auto& [name, value] : r.headers) {
    if (name.rfind("X-Pagination-", 0) == 0) out.emplace_back(name, value);
  }
  return out;
}

Headers ExpectedPaging(int page, int page_count, int per_page, int total) {
  return {{"X-Pagination-Current-Page", std::to_string(page)},
          {"X-Pagination-Page-Count", std::to_string(page_count)},
          {"X-Pagination-Per-Page", std::to_string(per_page)},
          {"X-Pagination-Total-Count", std::to_string(total)}};
}

Json ErrorBody(int status, const char* name, const std::string& message, Code code) {
  return {
      {"name", name}, {"message", message}, {"code", static_cast<int>(code)}, {"status", status}};
}

Json FieldErrorsBody(std::vector<std::pair<std::string, std::string>> errors) {
  Json out = Json::array();
  for (auto& [field, message] : errors) out.push_back({{"field", field}, {"message", message}});
  return out;
}

std::vector<std::string> Column(const Json& rows, const char* field) {
  std::vector<std::string> out;
  for (const Json& row : rows) out.push_back(Str(row, field));
  return out;
}

// Every row of every collection, retired ones included.
Json Snapshot(Engine& engine) {
  Json all = Json::object();
  for (const std::string& collection : Engine::Collections()) {
    auto page = engine.Index(collection, Query{.per_page = 1000, .history = true});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    all[collection] = page.ok() ? page->rows : Json();
  }
  return all;
}

// A company with records in most collections, created through the API.
struct ApiWorld {
  std::unique_ptr<Engine> engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json action, incident, link, certificate;

  ApiWorld() {
    action = MustCreate(*engine, "action",
                        {{"subtenant_id", c.office_a["office_id"]},
                         {"action_type", "TRAINING"},
                         {"name", "Fire safety course"}});
    incident = MustCreate(*engine, "incident",
                          {{"subtenant_id", c.office_a["office_id"]},
                           {"name", "Slip"},
                           {"date_incident", "2026-10-01"}});
    link = MustCreate(*engine, "incident-action",
                      {{"office_incident_id", incident["office_incident_id"]},
                       {"entity_id", action["action_id"]}});
    certificate = MustCreate(*engine, "certificate",
                             {{"resource_id", c.person["person_id"]},
                              {"action_type", "TRAINING"},
                              {"name", "Fire safety"},
                              {"date_release", "2026-01-15"}});
    MustCreate(*engine, "role", {{"office_id", c.office_a["office_id"]}, {"name", "Warden"}});
  }
  std::string OfficeA() const { return Str(c.office_a, "office_id"); }
  std::string ProjectId() const { return Str(c.project, "project_id"); }
};

// Seven projects with repeated names, created through the API; returns them as stored.
std::vector<Json> SevenProjects(Engine& engine) {
  std::vector<Json> rows;
  for (const char* name : {"Delta", "Alpha", "Delta", "Bravo", "Alpha", "Delta", "Charlie"}) {
    Response r = Post(engine, "/v2/project/create", {{"name", name}});
    EXPECT_EQ(r.status, 201) << r.body;
    rows.push_back(BodyOf(r));
  }
  return rows;
}

// ---- routes ---------------------------------------------------------------------------------

TEST(JsonApi, CreateReturns201AndTheStoredRecord) {
  auto engine = OpenEngine();
  const std::string id = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
  Response r = Post(*engine, "/v2/project/create", {{"project_id", id}, {"name", "ACME"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  Json expected = {{"project_id", id},   {"name", "ACME"},     {"description", nullptr},
                   {"country", nullptr}, {"status", "active"}, {"project_type", "safety"},
                   {"data", nullptr}};
  EXPECT_EQ(BodyOf(r), Stamped(expected));
  EXPECT_EQ(*engine->View("project", id), Stamped(expected));
}

TEST(JsonApi, ViewReturns200ByPathAndByQueryString) {
  ApiWorld w;
  const std::string id = Str(w.action, "action_id");
  Response by_path = w.engine->Request("GET", "/v2/action/view/" + id);
  EXPECT_EQ(by_path.status, 200);
  EXPECT_EQ(BodyOf(by_path), w.action);
  Response by_query = w.engine->Request("GET", "/v2/action/view?id=" + id);
  EXPECT_EQ(by_query.status, 200);
  EXPECT_EQ(BodyOf(by_query), w.action);
}

TEST(JsonApi, UpdateAcceptsPutAndPatchAndReturns200) {
  ApiWorld w;
  const std::string target = "/v2/action/update/" + Str(w.action, "action_id");
  Response put = w.engine->Request("PUT", target, R"({"name": "Fire safety refresher"})");
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(BodyOf(put)["name"], "Fire safety refresher");
  Response patch = w.engine->Request("PATCH", target, R"({"code": "FS-02"})");
  EXPECT_EQ(patch.status, 200) << patch.body;
  Json expected = w.action;
  expected["name"] = "Fire safety refresher";
  expected["code"] = "FS-02";
  EXPECT_EQ(BodyOf(patch), expected);
  EXPECT_EQ(*w.engine->View("action", Str(w.action, "action_id")), expected);
}

TEST(JsonApi, IndexReturns200WithRowsAndDefaultPaging) {
  ApiWorld w;
  for (const std::string body : {"", "{}", " \n"}) {
    Response r = w.engine->Request("POST", "/v2/office/index", body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Paging(r), ExpectedPaging(1, 1, 100, 2));
    EXPECT_EQ(BodyOf(r), w.engine->Index("office")->rows);
  }
}

TEST(JsonApi, DeletePreviewReturns200AndChangesNothing) {
  ApiWorld w;
  const std::string id = Str(w.action, "action_id");
  Json expected = {
      {"deleted", false},
      {"rows",
       {{{"collection", "action"}, {"id", id}},
        {{"collection", "incident-action"}, {"id", w.link["office_incident_action_id"]}}}}};
  const Json before = Snapshot(*w.engine);
  for (const std::string& target :
       {"/v2/action/delete/" + id, "/v2/action/delete/" + id + "?force=false",
        "/v2/action/delete/" + id + "?force=0", "/v2/action/delete?id=" + id}) {
    Response r = w.engine->Request("DELETE", target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(BodyOf(r), expected) << target;
  }
  EXPECT_EQ(Snapshot(*w.engine), before);
}

TEST(JsonApi, ForcedDeleteReturns200AndRemovesTheListedRows) {
  ApiWorld w;
  const std::string id = Str(w.action, "action_id");
  Response r = w.engine->Request("DELETE", "/v2/action/delete/" + id + "?force=true");
  EXPECT_EQ(r.status, 200) << r.body;
  Json expected = {
      {"deleted", true},
      {"rows",
       {{{"collection", "action"}, {"id", id}},
        {{"collection", "incident-action"}, {"id", w.link["office_incident_action_id"]}}}}};
  EXPECT_EQ(BodyOf(r), expected);
  EXPECT_EQ(w.engine->Request("GET", "/v2/action/view/" + id).status, 404);
  EXPECT_EQ(
      w.engine
          ->Request("GET", "/v2/incident-action/view/" + Str(w.link, "office_incident_action_id"))
          .status,
      404);
  EXPECT_EQ(
      w.engine->Request("GET", "/v2/incident/view/" + Str(w.incident, "office_incident_id")).status,
      200);
}

TEST(JsonApi, ForceMustBeTrueOrFalse) {
  ApiWorld w;
  const Json before = Snapshot(*w.engine);
  Response r =
      w.engine->Request("DELETE", "/v2/action/delete/" + Str(w.action, "action_id") + "?force=yes");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(BodyOf(r),
            ErrorBody(400, "Bad Request", "force must be true or false", Code::kInvalidArgument));
  EXPECT_EQ(Snapshot(*w.engine), before);
}

TEST(JsonApi, HistoricizeAndRestoreReturn200) {
  ApiWorld w;
  const std::string id = Str(w.action, "action_id");
  // 4hse sends a date-time; the time of day is dropped.
  Response h = Post(*w.engine, "/v2/action/historicize/" + id, {{"date", "2026-11-01 08:30:00"}});
  EXPECT_EQ(h.status, 200) << h.body;
  Json retired = w.action;
  retired["retired_on"] = "2026-11-01";
  retired["owned_active"] = false;
  EXPECT_EQ(BodyOf(h), retired);
  EXPECT_EQ(BodyOf(IndexOf(*w.engine, "action")), Json::array());
  EXPECT_EQ(BodyOf(IndexOf(*w.engine, "action", {{"history", true}})), Json::array({retired}));

  Response restored = w.engine->Request("POST", "/v2/action/restore/" + id);
  EXPECT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(BodyOf(restored), w.action);

  Response today = w.engine->Request("POST", "/v2/action/historicize/" + id);
  EXPECT_EQ(today.status, 200);
  EXPECT_EQ(BodyOf(today)["retired_on"], "2026-11-22");
}

TEST(JsonApi, HistoricizeBodyIsValidated) {
  ApiWorld w;
  const std::string target = "/v2/action/historicize/" + Str(w.action, "action_id");
  Response bad_date = Post(*w.engine, target, {{"date", "2026-02-30"}});
  EXPECT_EQ(bad_date.status, 422);
  EXPECT_EQ(BodyOf(bad_date),
            FieldErrorsBody({{"date", "must be a real calendar date in the form YYYY-MM-DD"}}));
  Response unknown = Post(*w.engine, target, {{"when", "2026-11-01"}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(BodyOf(unknown), FieldErrorsBody({{"when", "is not a historicize parameter (date)"}}));
  EXPECT_EQ(*w.engine->View("action", Str(w.action, "action_id")), w.action);
}

TEST(JsonApi, HistoricizingACollectionThatCannotBeIs404) {
  ApiWorld w;
  for (const auto& [collection, id] :
       {std::pair<std::string, std::string>{"incident", Str(w.incident, "office_incident_id")},
        {"certificate", Str(w.certificate, "certificate_id")}}) {
    Response r = w.engine->Request("POST", "/v2/" + collection + "/historicize/" + id);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(BodyOf(r),
              ErrorBody(404, "Not Found", "'" + collection + "' rows cannot be historicized",
                        Code::kNotFound));
  }
}

// ---- errors ---------------------------------------------------------------------------------

TEST(JsonApi, MalformedJsonIs400) {
  ApiWorld w;
  const Json expected =
      ErrorBody(400, "Bad Request", "the body is not valid JSON", Code::kInvalidArgument);
  const std::string id = Str(w.action, "action_id");
  const std::pair<const char*, std::string> calls[] = {{"POST", "/v2/action/create"},
                                                       {"POST", "/v2/action/index"},
                                                       {"PUT", "/v2/action/update/" + id},
                                                       {"POST", "/v2/action/historicize/" + id}};
  for (const auto& [method, target] : calls) {
    for (const char* body : {"{", "{\"name\": 'x'}", "not json", "{\"a\": 1} trailing"}) {
      Response r = w.engine->Request(method, target, body);
      EXPECT_EQ(r.status, 400) << target << " " << body;
      EXPECT_EQ(BodyOf(r), expected) << target << " " << body;
    }
  }
}

TEST(JsonApi, BodyThatIsNotAnObjectIs400) {
  ApiWorld w;
  const Json expected =
      ErrorBody(400, "Bad Request", "the body must be a JSON object", Code::kInvalidArgument);
  const std::string id = Str(w.action, "action_id");
  const std::pair<const char*, std::string> calls[] = {{"POST", "/v2/action/create"},
                                                       {"POST", "/v2/action/index"},
                                                       {"PUT", "/v2/action/update/" + id},
                                                       {"POST", "/v2/action/historicize/" + id}};
  for (const auto& [method, target] : calls) {
    for (const char* body : {"[1, 2]", "\"name\"", "42", "null"}) {
      Response r = w.engine->Request(method, target, body);
      EXPECT_EQ(r.status, 400) << method << " " << target << " " << body;
      EXPECT_EQ(BodyOf(r), expected) << target << " " << body;
    }
  }
}

TEST(JsonApi, UnknownCollectionIs404) {
  auto engine = OpenEngine();
  Response r = engine->Request("POST", "/v2/widgets/index");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(BodyOf(r),
            ErrorBody(404, "Not Found", "unknown collection 'widgets'", Code::kNotFound));
  // Collections are kebab-case exactly.
  EXPECT_EQ(engine->Request("POST", "/v2/incident_action/index").status, 404);
  EXPECT_EQ(engine->Request("POST", "/v2/Office/index").status, 404);
}

TEST(JsonApi, UnknownVerbIs404) {
  auto engine = OpenEngine();
  Response r = engine->Request("POST", "/v2/office/list");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(BodyOf(r), ErrorBody(404, "Not Found",
                                 "unknown verb 'list' (index, create, view, update, delete, "
                                 "historicize, restore)",
                                 Code::kNotFound));
}

TEST(JsonApi, RoutesOutsideV2Are404) {
  auto engine = OpenEngine();
  for (const char* target :
       {"/v1/office/index", "/v2/office", "/v2", "/", "", "/v2/office/view/a/b"}) {
    Response r = engine->Request("POST", target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(BodyOf(r)["code"], static_cast<int>(Code::kNotFound)) << target;
  }
  // A verb without an id does not take one.
  Response r = engine->Request("POST", "/v2/project/create/" + std::string(kMissingId), "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(BodyOf(r),
            ErrorBody(404, "Not Found", "no route /v2/project/create/" + std::string(kMissingId),
                      Code::kNotFound));
}

TEST(JsonApi, MissingIdIs404) {
  ApiWorld w;
  const std::pair<const char*, const char*> calls[] = {{"GET", "view"},
                                                       {"PUT", "update"},
                                                       {"DELETE", "delete"},
                                                       {"POST", "historicize"},
                                                       {"POST", "restore"}};
  for (const auto& [method, verb] : calls) {
    for (const std::string suffix : {"", "?id="}) {
      Response r = w.engine->Request(method, "/v2/action/" + std::string(verb) + suffix, "{}");
      EXPECT_EQ(r.status, 404) << verb << suffix;
      EXPECT_EQ(BodyOf(r), ErrorBody(404, "Not Found",
                                     "the route " + std::string(verb) +
                                         " needs an id: /v2/action/" + verb + "/{id}",
                                     Code::kNotFound))
          << verb;
    }
  }
}

TEST(JsonApi, UnknownIdIs404) {
  ApiWorld w;
  const Json before = Snapshot(*w.engine);
  const std::pair<const char*, const char*> calls[] = {{"GET", "view"},
                                                       {"PUT", "update"},
                                                       {"DELETE", "delete"},
                                                       {"POST", "historicize"},
                                                       {"POST", "restore"}};
  for (const auto& [method, verb] : calls) {
    Response r = w.engine->Request(method, "/v2/action/" + std::string(verb) + "/" + kMissingId,
                                   verb == std::string("update") ? R"({"name": "x"})" : "");
    EXPECT_EQ(r.status, 404) << verb;
    EXPECT_EQ(BodyOf(r),
              ErrorBody(404, "Not Found", std::string("no action with action_id ") + kMissingId,
                        Code::kNotFound))
        << verb;
  }
  EXPECT_EQ(
      w.engine->Request("DELETE", std::string("/v2/action/delete/") + kMissingId + "?force=true")
          .status,
      404);
  EXPECT_EQ(Snapshot(*w.engine), before);
}

TEST(JsonApi, WrongMethodIs405WithAnAllowHeader) {
  ApiWorld w;
  const std::string id = Str(w.action, "action_id");
  struct Case {
    const char* method;
    std::string target;
    const char* allow;
  };
  const Case cases[] = {
      {"DELETE", "/v2/action/index", "POST, GET"},
      {"PUT", "/v2/action/index", "POST, GET"},
      {"GET", "/v2/action/create", "POST"},
      {"POST", "/v2/action/view/" + id, "GET"},
      {"DELETE", "/v2/action/view/" + id, "GET"},
      {"POST", "/v2/action/delete/" + id, "DELETE"},
      {"GET", "/v2/action/historicize/" + id, "POST"},
      {"DELETE", "/v2/action/restore/" + id, "POST"},
  };
  const Json before = Snapshot(*w.engine);
  for (const Case& c : cases) {
    Response r = w.engine->Request(c.method, c.target, "{}");
    EXPECT_EQ(r.status, 405) << c.method << " " << c.target;
    EXPECT_EQ(r.Header("Allow"), c.allow) << c.method << " " << c.target;
    EXPECT_EQ(BodyOf(r), ErrorBody(405, "Method Not Allowed",
                                   "this route accepts " + std::string(c.allow) + " only",
                                   Code::kInvalidArgument))
        << c.method << " " << c.target;
  }
  Response update = w.engine->Request("POST", "/v2/action/update/" + id, R"({"name": "x"})");
  EXPECT_EQ(update.status, 405);
  EXPECT_NE(update.Header("Allow").find("PUT"), std::string::npos) << update.Header("Allow");
  EXPECT_EQ(Snapshot(*w.engine), before);
}

TEST(JsonApi, DuplicateIdIs409) {
  ApiWorld w;
  Response r = Post(*w.engine, "/v2/office/create",
                    {{"office_id", w.OfficeA()}, {"project_id", w.ProjectId()}, {"name", "Copy"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(BodyOf(r), ErrorBody(409, "Conflict",
                                 "an office with office_id " + w.OfficeA() + " already exists",
                                 Code::kConflict));
}

TEST(JsonApi, DuplicateUniqueKeyIs409) {
  ApiWorld w;
  Response r = Post(*w.engine, "/v2/incident-action/create",
                    {{"office_incident_id", w.incident["office_incident_id"]},
                     {"entity_id", w.action["action_id"]}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(BodyOf(r),
            ErrorBody(409, "Conflict",
                      "an incident-action with the same office_incident_id and entity_id already "
                      "exists (office_incident_action_id " +
                          Str(w.link, "office_incident_action_id") + ")",
                      Code::kConflict));
}

TEST(JsonApi, ValidationIs422WithAnArrayOfFieldAndMessage) {
  ApiWorld w;
  Response r =
      Post(*w.engine, "/v2/person/create", {{"project_id", w.ProjectId()}, {"first_name", ""}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.body, R"([{"field":"first_name","message":"must not be empty"},)"
                    R"({"field":"last_name","message":"is required"}])");

  Response update = w.engine->Request("PUT", "/v2/action/update/" + Str(w.action, "action_id"),
                                      R"({"action_type": "HEALTH", "validity": 0})");
  EXPECT_EQ(update.status, 422);
  EXPECT_EQ(BodyOf(update), FieldErrorsBody({{"action_type", "cannot be changed after creation"},
                                             {"validity", "must be between 1 and 1000"}}));
  EXPECT_EQ(*w.engine->View("action", Str(w.action, "action_id")), w.action);
}

// ---- index: paging --------------------------------------------------------------------------

TEST(JsonApi, EmptyCollectionHasZeroPagesAndTotals) {
  auto engine = OpenEngine();
  Response r = IndexOf(*engine, "project");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(Paging(r), ExpectedPaging(1, 0, 100, 0));
  Response second = IndexOf(*engine, "project", {{"page", 2}, {"per-page", 5}});
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "[]");
  EXPECT_EQ(Paging(second), ExpectedPaging(2, 0, 5, 0));
}

TEST(JsonApi, ExactlyOnePageHasPageCountOne) {
  auto engine = OpenEngine();
  std::vector<Json> rows = SevenProjects(*engine);
  Response r = IndexOf(*engine, "project", {{"per-page", 7}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r).size(), 7u);
  EXPECT_EQ(Paging(r), ExpectedPaging(1, 1, 7, 7));
  Response two = IndexOf(*engine, "project", {{"per-page", 7}, {"page", 2}});
  EXPECT_EQ(two.body, "[]");
  EXPECT_EQ(Paging(two), ExpectedPaging(2, 1, 7, 7));
}

TEST(JsonApi, LastPartialPageHoldsTheRemainder) {
  auto engine = OpenEngine();
  std::vector<Json> rows = SevenProjects(*engine);
  std::vector<std::string> ids = Column(Json(rows), "project_id");
  std::sort(ids.begin(), ids.end());
  Response r = IndexOf(*engine, "project", {{"per-page", 3}, {"page", 3}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Column(BodyOf(r), "project_id"), std::vector<std::string>{ids[6]});
  EXPECT_EQ(Paging(r), ExpectedPaging(3, 3, 3, 7));
  Response first = IndexOf(*engine, "project", {{"per-page", 3}});
  EXPECT_EQ(Column(BodyOf(first), "project_id"),
            (std::vector<std::string>{ids[0], ids[1], ids[2]}));
  EXPECT_EQ(Paging(first), ExpectedPaging(1, 3, 3, 7));
}

TEST(JsonApi, PagePastTheEndIsEmptyWithTotals) {
  auto engine = OpenEngine();
  SevenProjects(*engine);
  Response r = IndexOf(*engine, "project", {{"per-page", 3}, {"page", 4}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(Paging(r), ExpectedPaging(4, 3, 3, 7));
  Response far = IndexOf(*engine, "project", {{"per-page", 3}, {"page", 1000}});
  EXPECT_EQ(far.body, "[]");
  EXPECT_EQ(Paging(far), ExpectedPaging(1000, 3, 3, 7));
}

// Query::page is an int and "a page past the end is empty, not an error".
TEST(JsonApi, VeryLargePageIsPastTheEndNotAnError) {
  auto engine = OpenEngine();
  SevenProjects(*engine);
  Response r = IndexOf(*engine, "project", {{"per-page", 1000}, {"page", 2000000000}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "[]");
  EXPECT_EQ(Paging(r), ExpectedPaging(2000000000, 1, 1000, 7));
}

TEST(JsonApi, PerPageMustBeBetweenOneAndOneThousand) {
  auto engine = OpenEngine();
  SevenProjects(*engine);
  const Json expected = FieldErrorsBody({{"per-page", "must be between 1 and 1000"}});
  for (int per_page : {0, -1, 1001}) {
    Response r = IndexOf(*engine, "project", {{"per-page", per_page}});
    EXPECT_EQ(r.status, 422) << per_page;
    EXPECT_EQ(BodyOf(r), expected) << per_page;
    EXPECT_TRUE(Paging(r).empty());
  }
  Response one = IndexOf(*engine, "project", {{"per-page", 1}});
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(Paging(one), ExpectedPaging(1, 7, 1, 7));
  Response max = IndexOf(*engine, "project", {{"per-page", 1000}});
  EXPECT_EQ(max.status, 200);
  EXPECT_EQ(Paging(max), ExpectedPaging(1, 1, 1000, 7));
  Response page0 = IndexOf(*engine, "project", {{"page", 0}});
  EXPECT_EQ(page0.status, 422);
  EXPECT_EQ(BodyOf(page0), FieldErrorsBody({{"page", "must be at least 1"}}));
}

TEST(JsonApi, UnknownIndexParameterIs422) {
  auto engine = OpenEngine();
  for (const char* key : {"limit", "per_page", "offset", "filters"}) {
    Response r = IndexOf(*engine, "project", {{key, 5}});
    EXPECT_EQ(r.status, 422) << key;
    EXPECT_EQ(
        BodyOf(r),
        FieldErrorsBody(
            {{key, "is not an index parameter (filter, per-page, page, sort, history, as_of)"}}));
  }
}

TEST(JsonApi, IndexParametersOfTheWrongTypeAre422InBodyOrder) {
  auto engine = OpenEngine();
  Response r = IndexOf(*engine, "project",
                       {{"per-page", "10"},
                        {"page", 1.5},
                        {"sort", 3},
                        {"history", "yes"},
                        {"filter", Json::array({1})}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(BodyOf(r), FieldErrorsBody({{"per-page", "must be an integer"},
                                        {"page", "must be an integer"},
                                        {"sort", "must be a field name, with - for descending"},
                                        {"history", "must be true or false"},
                                        {"filter", "must be an object of field: value"}}));
}

TEST(JsonApi, FilterMatchesSubstringsCaseInsensitivelyAndListsAsAnyOf) {
  auto engine = OpenEngine();
  std::vector<Json> rows = SevenProjects(*engine);
  Response alpha = IndexOf(*engine, "project", {{"filter", {{"name", "LPH"}}}});
  EXPECT_EQ(alpha.status, 200);
  EXPECT_EQ(Column(BodyOf(alpha), "name"), (std::vector<std::string>{"Alpha", "Alpha"}));
  EXPECT_EQ(Paging(alpha), ExpectedPaging(1, 1, 100, 2));
  const std::string bravo = Str(rows[3], "project_id");
  const std::string charlie = Str(rows[6], "project_id");
  Response ids =
      IndexOf(*engine, "project",
              {{"filter", {{"project_id", Json::array({charlie, bravo})}}}, {"sort", "name"}});
  EXPECT_EQ(Column(BodyOf(ids), "name"), (std::vector<std::string>{"Bravo", "Charlie"}));
  Response none = IndexOf(*engine, "project", {{"filter", {{"status", "suspended"}}}});
  EXPECT_EQ(none.body, "[]");
  EXPECT_EQ(Paging(none), ExpectedPaging(1, 0, 100, 0));
}

// Ids are stored lower-case and View finds them in any case; an id filter should too, for the
// row's own id as for a reference such as project_id.
TEST(JsonApi, IdFiltersIgnoreTheCaseOfTheUuid) {
  ApiWorld w;
  auto upper = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::toupper);
    return s;
  };
  Response by_project =
      IndexOf(*w.engine, "office", {{"filter", {{"project_id", upper(w.ProjectId())}}}});
  EXPECT_EQ(Paging(by_project), ExpectedPaging(1, 1, 100, 2));
  Response by_id = IndexOf(*w.engine, "office", {{"filter", {{"office_id", upper(w.OfficeA())}}}});
  EXPECT_EQ(by_id.status, 200);
  EXPECT_EQ(Column(BodyOf(by_id), "office_id"), std::vector<std::string>{w.OfficeA()});
}

TEST(JsonApi, HistoryIncludesRetiredRowsInRowsAndTotals) {
  ApiWorld w;
  Response h = w.engine->Request("POST", "/v2/office/historicize/" + w.OfficeA());
  EXPECT_EQ(h.status, 200);
  Response active = IndexOf(*w.engine, "office");
  EXPECT_EQ(Column(BodyOf(active), "name"), std::vector<std::string>{"Plant"});
  EXPECT_EQ(Paging(active), ExpectedPaging(1, 1, 100, 1));
  Response all = IndexOf(*w.engine, "office", {{"history", true}, {"sort", "name"}});
  EXPECT_EQ(Column(BodyOf(all), "name"), (std::vector<std::string>{"Head office", "Plant"}));
  EXPECT_EQ(Paging(all), ExpectedPaging(1, 1, 100, 2));
  // Rows under the retired office are hidden too; history: 1 means true.
  EXPECT_EQ(IndexOf(*w.engine, "action").body, "[]");
  EXPECT_EQ(BodyOf(IndexOf(*w.engine, "action", {{"history", 1}})).size(), 1u);
}

// ---- index: sort ----------------------------------------------------------------------------

// Pages of per_page rows, concatenated, for a sort key.
std::vector<std::string> AllPages(Engine& engine, const std::string& sort, int per_page,
                                  int expected_pages) {
  std::vector<std::string> ids;
  for (int page = 1; page <= expected_pages + 1; ++page) {
    Response r =
        IndexOf(engine, "project", {{"sort", sort}, {"per-page", per_page}, {"page", page}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("X-Pagination-Page-Count"), std::to_string(expected_pages));
    std::vector<std::string> page_ids = Column(BodyOf(r), "project_id");
    const int left = 7 - (page - 1) * per_page;
    EXPECT_EQ(page_ids.size(), size_t(std::clamp(left, 0, per_page))) << "page " << page;
    ids.insert(ids.end(), page_ids.begin(), page_ids.end());
  }
  return ids;
}

TEST(JsonApi, SortAscendingPagesAreStableWithIdTiebreak) {
  auto engine = OpenEngine();
  std::vector<Json> rows = SevenProjects(*engine);
  std::vector<std::pair<std::string, std::string>> keyed;
  for (const Json& row : rows) keyed.emplace_back(Str(row, "name"), Str(row, "project_id"));
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> expected;
  for (const auto& [name, id] : keyed) expected.push_back(id);

  std::vector<std::string> got = AllPages(*engine, "name", 2, 4);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 7u);
}

TEST(JsonApi, SortDescendingPagesAreStableWithIdTiebreak) {
  auto engine = OpenEngine();
  std::vector<Json> rows = SevenProjects(*engine);
  std::vector<std::pair<std::string, std::string>> keyed;
  for (const Json& row : rows) keyed.emplace_back(Str(row, "name"), Str(row, "project_id"));
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> expected;
  for (const auto& [name, id] : keyed) expected.push_back(id);

  std::vector<std::string> got = AllPages(*engine, "-name", 3, 3);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 7u);
  Response names = IndexOf(*engine, "project", {{"sort", "-name"}});
  EXPECT_EQ(
      Column(BodyOf(names), "name"),
      (std::vector<std::string>{"Delta", "Delta", "Delta", "Charlie", "Bravo", "Alpha", "Alpha"}));
}

TEST(JsonApi, UnknownSortFieldIs422ListingTheAllowedOnes) {
  auto engine = OpenEngine();
  Response r = IndexOf(*engine, "project", {{"sort", "-description"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(BodyOf(r),
            FieldErrorsBody(
                {{"sort",
                  "cannot sort project by 'description'; allowed: project_id, name, "
                  "status, project_type, created_at, updated_at (prefix - for descending)"}}));
}

// ---- hostile input --------------------------------------------------------------------------

const char* const kHostile[] = {
    "name'; DROP TABLE office; --",
    "name\" OR 1=1 --",
    "' OR 1=1 --",
    "name) OR (1=1",
    "name; DELETE FROM person",
    "DROP TABLE office",
    "name--",
    "n\u00e4me \u540d\u524d \xf0\x9f\x94\xa5",
    "",
};

TEST(JsonApiHostile, FilterKeysWithSqlAre422NamingTheKey) {
  ApiWorld w;
  const std::string allowed =
      "is not a filter of office; allowed: office_id, project_id, name, code, street, "
      "postal_code, locality, region, country, tax_code, vat, office_type_icon, active_from, "
      "project_name, "
      "project_type, created_at, updated_at, owned_active, parent_active";
  for (const char* key : kHostile) {
    Response r = IndexOf(*w.engine, "office", {{"filter", {{key, "x"}}}});
    EXPECT_EQ(r.status, 422) << key;
    EXPECT_EQ(BodyOf(r), FieldErrorsBody({{"filter." + std::string(key), allowed}})) << key;
  }
}

TEST(JsonApiHostile, SortFieldsWithSqlAre422NamingTheField) {
  ApiWorld w;
  for (const char* key : kHostile) {
    for (const std::string& sort : {std::string(key), "-" + std::string(key)}) {
      if (sort.empty()) continue;  // "" is the id order
      Response r = IndexOf(*w.engine, "office", {{"sort", sort}});
      EXPECT_EQ(r.status, 422) << sort;
      EXPECT_EQ(BodyOf(r),
                FieldErrorsBody({{"sort", "cannot sort office by '" + std::string(key) +
                                              "'; allowed: office_id, name, code, active_from, "
                                              "project_name, created_at, updated_at "
                                              "(prefix - for descending)"}}))
          << sort;
    }
  }
  EXPECT_EQ(IndexOf(*w.engine, "office", {{"sort", "name DESC"}}).status, 422);
  EXPECT_EQ(IndexOf(*w.engine, "office", {{"sort", "--name"}}).status, 422);
}

TEST(JsonApiHostile, SqlInFilterValuesMatchesNothing) {
  ApiWorld w;
  const Json filters[] = {
      {{"name", "' OR 1=1 --"}},
      {{"name", "\" OR \"\"=\""}},
      {{"name", Json::array({"' OR 1=1 --", "x'); DROP TABLE office; --"})}},
      {{"code", "%"}},
      {{"code", "_"}},
      {{"tax_code", "' OR '1'='1"}},
      {{"project_name", "') OR 1=1 --"}},
  };
  for (const Json& filter : filters) {
    Response r = IndexOf(*w.engine, "office", {{"filter", filter}});
    EXPECT_EQ(r.status, 200) << filter.dump() << r.body;
    EXPECT_EQ(r.body, "[]") << filter.dump();
    EXPECT_EQ(Paging(r), ExpectedPaging(1, 0, 100, 0)) << filter.dump();
  }
  // Typed fields, ids included, check the value instead.
  for (const char* key : {"project_id", "office_id"}) {
    Response id = IndexOf(*w.engine, "office", {{"filter", {{key, "' OR 1=1 --"}}}});
    EXPECT_EQ(id.status, 422);
    EXPECT_EQ(BodyOf(id), FieldErrorsBody({{std::string("filter.") + key,
                                            "must be a UUID (8-4-4-4-12 hexadecimal digits)"}}));
  }
  Response icon = IndexOf(*w.engine, "office",
                          {{"filter", {{"office_type_icon", "office_default' OR 1=1 --"}}}});
  EXPECT_EQ(icon.status, 422);
  EXPECT_EQ(BodyOf(icon), FieldErrorsBody({{"filter.office_type_icon",
                                            "must be one of: office_default, construction_site"}}));
}

TEST(JsonApiHostile, ValuesContainingSqlAreStoredAndFoundLiterally) {
  ApiWorld w;
  const std::string project = w.ProjectId();
  const std::string names[] = {"Lab ' OR 1=1 --", "Robert'); DROP TABLE office;--", "100% _safe_",
                               "Z\u00fcrich \u6771\u4eac \xf0\x9f\x9a\xa7"};
  for (const std::string& name : names) {
    Response r = Post(*w.engine, "/v2/office/create", {{"project_id", project}, {"name", name}});
    EXPECT_EQ(r.status, 201) << name;
    EXPECT_EQ(BodyOf(r)["name"], name);
  }
  auto find = [&](const std::string& needle) {
    Response r = IndexOf(*w.engine, "office", {{"filter", {{"name", needle}}}});
    EXPECT_EQ(r.status, 200) << needle;
    return Column(BodyOf(r), "name");
  };
  EXPECT_EQ(find("' or 1=1 --"), std::vector<std::string>{names[0]});
  EXPECT_EQ(find("DROP TABLE office"), std::vector<std::string>{names[1]});
  EXPECT_EQ(find("%"), std::vector<std::string>{names[2]});
  EXPECT_EQ(find("_safe_"), std::vector<std::string>{names[2]});
  EXPECT_EQ(find("\u6771\u4eac"), std::vector<std::string>{names[3]});
  EXPECT_EQ(find("\xf0\x9f\x9a\xa7"), std::vector<std::string>{names[3]});
  EXPECT_EQ(find("z\u00fcrich"), std::vector<std::string>{names[3]});
  EXPECT_EQ(Paging(IndexOf(*w.engine, "office")), ExpectedPaging(1, 1, 100, 6));
}

TEST(JsonApiHostile, SqlInPathsIs404) {
  ApiWorld w;
  Response view = w.engine->Request("GET", "/v2/office/view/%27%20OR%201%3D1%20--");
  EXPECT_EQ(view.status, 404);
  EXPECT_EQ(BodyOf(view),
            ErrorBody(404, "Not Found", "no office with office_id ' OR 1=1 --", Code::kNotFound));
  EXPECT_EQ(w.engine->Request("GET", "/v2/office/view?id=x%27%20OR%20%271%27%3D%271").status, 404);
  EXPECT_EQ(
      w.engine->Request("DELETE", "/v2/office/delete/%27%20OR%201%3D1%20--?force=true").status,
      404);
  Response collection = w.engine->Request("POST", "/v2/office%3B%20DROP%20TABLE%20office/index");
  EXPECT_EQ(collection.status, 404);
  EXPECT_EQ(BodyOf(collection),
            ErrorBody(404, "Not Found", "unknown collection 'office; DROP TABLE office'",
                      Code::kNotFound));
}

TEST(JsonApiHostile, DatabaseIsUnchangedAfterEveryHostileRequest) {
  ApiWorld w;
  const Json before = Snapshot(*w.engine);
  ASSERT_EQ(before["office"].size(), 2u);
  ASSERT_EQ(before["incident-action"].size(), 1u);
  int requests = 0;
  auto send = [&](const char* method, const std::string& target, const std::string& body) {
    Response r = w.engine->Request(method, target, body);
    ++requests;
    EXPECT_GE(r.status, 200) << target;
    EXPECT_TRUE(r.status == 200 || r.status >= 400) << method << " " << target << " " << r.status;
  };
  for (const std::string& collection : Engine::Collections()) {
    const std::string base = "/v2/" + collection + "/";
    for (const char* s : kHostile) {
      const std::string h = s;
      send("POST", base + "index", Json{{"filter", {{h, "x"}}}}.dump());
      send("POST", base + "index", Json{{"filter", {{"name", h}}}, {"history", true}}.dump());
      send("POST", base + "index", Json{{"filter", {{"code", Json::array({h, h + "'"})}}}}.dump());
      send("POST", base + "index", Json{{"sort", h}}.dump());
      send("POST", base + "index", Json{{"sort", "-" + h}}.dump());
      send("POST", base + "index", Json{{h, 1}}.dump());
      send("POST", base + "create",
           Json{{"name", h},
                {"project_id", h},
                {"office_id", h},
                {"subtenant_id", h},
                {"tenant_id", h}}
               .dump());
      send("GET", base + "view?id=" + h, "");
      send("PUT", base + "update?id=" + h, Json{{"name", h}}.dump());
      send("DELETE", base + "delete?force=true&id=" + h, "");
      send("POST", base + "historicize?id=" + h, "");
      send("POST", base + "restore?id=" + h, "");
      send("POST", base + "index", h);
      send("POST", base + "create", h);
    }
  }
  for (const char* s : kHostile) {
    send("POST", "/v2/" + std::string(s) + "/index", "{}");
    send("POST", "/v2/office/" + std::string(s), "{}");
  }
  EXPECT_GT(requests, 1000);
  EXPECT_EQ(Snapshot(*w.engine), before);
}

// ---- requests inside a transaction ----------------------------------------------------------

TEST(JsonApiTransaction, FailedRequestUndoesOnlyItselfWhenTheBodyReturnsOk) {
  auto engine = OpenEngine();
  std::string first_id;
  Status status = engine->Transaction([&](Engine& e) {
    Response first = e.Request("POST", "/v2/project/create", R"({"name": "First"})");
    EXPECT_EQ(first.status, 201);
    first_id = Str(BodyOf(first), "project_id");
    Response invalid = e.Request("POST", "/v2/project/create", R"({"name": "", "status": "x"})");
    EXPECT_EQ(invalid.status, 422);
    Response duplicate = e.Request("POST", "/v2/project/create",
                                   Json{{"project_id", first_id}, {"name", "Again"}}.dump());
    EXPECT_EQ(duplicate.status, 409);
    Response renamed = e.Request("PUT", "/v2/project/update/" + first_id,
                                 R"({"name": "First, renamed", "status": "gone"})");
    EXPECT_EQ(renamed.status, 422);
    Response second = e.Request("POST", "/v2/project/create", R"({"name": "Second"})");
    EXPECT_EQ(second.status, 201);
    return Status::OK();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  Response r = IndexOf(*engine, "project", {{"sort", "name"}});
  EXPECT_EQ(Column(BodyOf(r), "name"), (std::vector<std::string>{"First", "Second"}));
  EXPECT_EQ(Str(*engine->View("project", first_id), "name"), "First");
}

TEST(JsonApiTransaction, ErrorFromTheBodyRollsBackEveryRequest) {
  ApiWorld w;
  const Json before = Snapshot(*w.engine);
  const std::string action = Str(w.action, "action_id");
  Status status = w.engine->Transaction([&](Engine& e) {
    EXPECT_EQ(e.Request("POST", "/v2/project/create", R"({"name": "Doomed"})").status, 201);
    EXPECT_EQ(e.Request("PUT", "/v2/action/update/" + action, R"({"name": "Renamed"})").status,
              200);
    EXPECT_EQ(e.Request("POST", "/v2/office/historicize/" + w.OfficeA()).status, 200);
    Response deleted = e.Request("DELETE", "/v2/action/delete/" + action + "?force=true");
    EXPECT_EQ(deleted.status, 200);
    Response failed = e.Request("POST", "/v2/person/create", R"({"first_name": "No"})");
    EXPECT_EQ(failed.status, 422);
    if (failed.status >= 400) return Status::Conflict("gave up after HTTP 422");
    return Status::OK();
  });
  EXPECT_EQ(status.code(), Code::kConflict);
  EXPECT_EQ(status.message(), "gave up after HTTP 422");
  EXPECT_EQ(Snapshot(*w.engine), before);
  EXPECT_EQ(BodyOf(w.engine->Request("GET", "/v2/action/view/" + action)), w.action);
}

}  // namespace
}  // namespace certo::testing
