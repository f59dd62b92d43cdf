// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The review routes (review_routes.h): each path takes the methods of seed 003's table and no
// other (405 with Allow), parses its body, calls the Engine and answers in the seed's shape. A
// bulk PUT answers one result per entry: 200 when every entry succeeded, 207 when some did not
// (each failed entry carries its own status and error; it changed nothing).

#include "api/review_routes.h"

#include <algorithm>

#include "api/api.h"
#include "api/input.h"

namespace certo::internal {

namespace {

constexpr std::string_view kBase = "/iam/governance/selfservice/api/v1";
const std::vector<std::string> kPrefix = {"iam", "governance", "selfservice",
                                          "api", "v1",         "certifications"};

Response Reply(int status, const Json& body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

Response NotAllowed(std::string_view allowed) {
  Response r = Reply(405, Json{{"name", "Method Not Allowed"},
                               {"message", "this route accepts " + std::string(allowed) + " only"},
                               {"code", static_cast<int>(Code::kInvalidArgument)},
                               {"status", 405}});
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

Response NoRoute(const std::vector<std::string>& seg) {
  std::string path;
  for (const std::string& s : seg) path += "/" + s;
  return ErrorResponse(Status::NotFound("no route " + path));
}

Result<Json> Body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  if (Status deep = CheckBodyText(body); !deep.ok()) return deep;
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object");
  }
  return parsed;
}

std::string Param(const std::map<std::string, std::string>& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

Result<ReviewPage> PageOf(const std::map<std::string, std::string>& params) {
  ReviewPage page;
  std::vector<FieldError> errors;
  for (const char* name : {"offset", "limit"}) {
    const std::string text = Param(params, name);
    if (text.empty()) continue;
    std::optional<int64_t> n = ParseInt64(text);
    if (!n) {
      errors.push_back({name, "must be an integer"});
      continue;
    }
    (std::string_view(name) == "offset" ? page.offset : page.limit) = *n;
  }
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return page;
}

std::optional<int64_t> IdOf(const Json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) return ParseInt64(value.get<std::string>());
  return std::nullopt;
}

Response FromResult(const Result<Json>& r) {
  return r.ok() ? Reply(200, *r) : ErrorResponse(r.error());
}

Json SelfLinks(const std::string& href) {
  return Json::array({Json{{"rel", "self"}, {"href", href}}});
}

Json ErrorJson(const Status& s) {
  Json e{{"code", HttpStatus(s.code())}, {"name", CodeName(s.code())}, {"message", s.message()}};
  if (s.IsValidation()) {
    Json fields = Json::array();
    for (const FieldError& f : s.field_errors()) {
      fields.push_back(Json{{"field", f.field}, {"message", f.message}});
    }
    e["fields"] = fields;
  }
  return e;
}

// One entry of a line-item PUT, as seed 003 spells it: lineItemId, action, comments, and this
// engine's endDate and lineItemDetailIds.
Result<ReviewLineItemAction> ActionOf(const Json& entry, std::optional<int64_t> line_item,
                                      const std::string& where) {
  if (!entry.is_object()) return Status::Validation(where, "must be an object");
  ReviewLineItemAction a;
  std::vector<FieldError> errors;
  auto text = [&](const Json& v, const std::string& field) -> std::string {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    errors.push_back({where + field, "must be a string"});
    return "";
  };
  for (const auto& [key, value] : entry.items()) {
    if (key == "requestId") {
      a.request_id = text(value, "requestId");
    } else if (key == "lineItemId") {
      std::optional<int64_t> id = IdOf(value);
      if (!id)
        errors.push_back({where + "lineItemId", "must be a line item id"});
      else
        a.line_item_id = *id;
    } else if (key == "action") {
      a.action = text(value, "action");
    } else if (key == "comments" || key == "comment") {
      a.comment = text(value, key);
    } else if (key == "endDate") {
      std::optional<Date> d =
          value.is_string() ? ParseDate(value.get<std::string>()) : std::nullopt;
      if (!d) errors.push_back({where + "endDate", "must be a date YYYY-MM-DD"});
      a.end_date = d;
    } else if (key == "lineItemDetailIds") {
      if (!value.is_array()) {
        errors.push_back({where + "lineItemDetailIds", "must be an array of ids"});
        continue;
      }
      for (const Json& v : value) {
        std::optional<int64_t> id = IdOf(v);
        if (!id)
          errors.push_back({where + "lineItemDetailIds", "must be an array of ids"});
        else
          a.line_item_detail_ids.push_back(*id);
      }
    } else if (key == "fields" && value.is_array()) {
      // The single-item body: [{"name": "comment", "value": ...}, ...].
      for (const Json& f : value) {
        if (!f.is_object() || !f.contains("name")) {
          errors.push_back({where + "fields", "must be [{\"name\", \"value\"}]"});
          continue;
        }
        const Json& name = f["name"];
        const Json v = f.value("value", Json());
        if (name == "comment" || name == "comments") {
          a.comment = text(v, "fields.comment");
        } else if (name == "endDate") {
          std::optional<Date> d = v.is_string() ? ParseDate(v.get<std::string>()) : std::nullopt;
          if (!d) errors.push_back({where + "fields.endDate", "must be a date YYYY-MM-DD"});
          a.end_date = d;
        } else if (name == "requestId") {
          a.request_id = text(v, "fields.requestId");
        } else {
          errors.push_back({where + "fields", "unknown field " + name.dump()});
        }
      }
    } else {
      errors.push_back({where + key, "is not a field of a line-item action"});
    }
  }
  if (line_item) a.line_item_id = *line_item;
  if (a.action.empty()) errors.push_back({where + "action", "is required"});
  if (a.line_item_id == 0) errors.push_back({where + "lineItemId", "is required"});
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return a;
}

Response CampaignRoute(Engine& engine, std::string_view method, const std::vector<std::string>& seg,
                       std::string_view body) {
  // /v2/review-campaign/<verb>[/<certid>]
  const std::string verb = seg.size() > 2 ? seg[2] : "";
  std::optional<int64_t> cert = seg.size() == 4 ? ParseInt64(seg[3]) : std::nullopt;
  auto needs = [&](std::string_view m, bool id) -> std::optional<Response> {
    if ((seg.size() == 4) != id || (id && !cert)) return NoRoute(seg);
    if (method != m) return NotAllowed(m);
    return std::nullopt;
  };
  if (verb == "create") {
    if (auto r = needs("POST", false)) return *r;
    Result<Json> parsed = Body(body);
    if (!parsed.ok()) return ErrorResponse(parsed.error());
    Result<Json> made = engine.CreateReviewCampaign(*parsed);
    return made.ok() ? Reply(201, *made) : ErrorResponse(made.error());
  }
  if (verb == "start") {
    if (auto r = needs("POST", true)) return *r;
    return FromResult(engine.StartReviewCampaign(*cert));
  }
  if (verb == "report") {
    if (auto r = needs("GET", true)) return *r;
    return FromResult(engine.ReviewReport(*cert));
  }
  if (verb == "close-due") {
    if (auto r = needs("POST", false)) return *r;
    return FromResult(engine.CloseDueReviews());
  }
  return ErrorResponse(Status::NotFound("unknown verb '" + verb +
                                        "' of review-campaign (create, start, report, close-due)"));
}

}  // namespace

bool IsReviewPath(const std::vector<std::string>& seg) {
  if (seg.size() >= 2 && seg[0] == "v2" && seg[1] == "review-campaign") return true;
  return seg.size() >= kPrefix.size() && std::equal(kPrefix.begin(), kPrefix.end(), seg.begin());
}

Response ReviewRoute(Engine& engine, std::string_view method, const std::vector<std::string>& seg,
                     const std::map<std::string, std::string>& params, std::string_view body) {
  if (seg[0] == "v2") return CampaignRoute(engine, method, seg, body);
  const size_t n = seg.size() - kPrefix.size();  // the segments after /certifications
  const std::string actor = Param(params, "actor");
  Result<ReviewPage> page = PageOf(params);
  if (!page.ok()) return ErrorResponse(page.error());
  auto at = [&](size_t i) -> const std::string& { return seg[kPrefix.size() + i]; };
  if (n == 0) {
    if (method != "GET") return NotAllowed("GET");
    return FromResult(engine.ReviewCampaigns(actor, *page));
  }
  std::optional<int64_t> cert = ParseInt64(at(0));
  if (!cert) return NoRoute(seg);
  const std::string cert_path = std::string(kBase) + "/certifications/" + std::to_string(*cert);
  if (n == 1) {
    if (method != "GET") return NotAllowed("GET");
    return FromResult(engine.ReviewCampaign(*cert));
  }
  if (at(1) != "tasks") return NoRoute(seg);
  if (n == 2) {
    if (method == "GET") return FromResult(engine.ReviewTasks(*cert, actor, *page));
    if (method != "PUT") return NotAllowed("GET, PUT");
    Result<Json> parsed = Body(body);
    if (!parsed.ok()) return ErrorResponse(parsed.error());
    const Json& tasks = (*parsed).value("tasks", Json());
    if (!tasks.is_array()) {
      return ErrorResponse(Status::Validation("tasks", "must be an array of {id, action}"));
    }
    Json results = Json::array();
    bool all = true;
    for (const Json& t : tasks) {
      const std::string id =
          t.is_object()
              ? t.value("id", Json("")).is_string() ? t.value("id", std::string()) : std::string()
              : std::string();
      const std::string action = t.is_object() && t.value("action", Json()).is_string()
                                     ? t.value("action", std::string())
                                     : std::string();
      Json args = Json::object();
      if (t.is_object()) {
        if (t.contains("recipient")) args["recipient"] = t["recipient"];
        if (t.contains("comments")) args["comment"] = t["comments"];
      }
      Result<Json> r = engine.ReviewTaskAction(*cert, id, action, args, actor);
      Json entry{{"links", SelfLinks(cert_path + "/tasks/" + id)},
                 {"id", id},
                 {"action", action},
                 {"status", r.ok() ? "SUCCESS" : "FAILURE"}};
      if (!r.ok()) {
        entry["error"] = ErrorJson(r.error());
        all = false;
      }
      results.push_back(entry);
    }
    return Reply(all ? 200 : 207,
                 Json{{"links", SelfLinks(cert_path + "/tasks")}, {"tasks", results}});
  }
  const std::string task = at(2);
  const std::string task_path = cert_path + "/tasks/" + task;
  if (n == 3) {
    if (method == "GET") return FromResult(engine.ReviewTask(*cert, task));
    if (method != "PUT") return NotAllowed("GET, PUT");
    Result<Json> parsed = Body(body);
    if (!parsed.ok()) return ErrorResponse(parsed.error());
    const Json& action = (*parsed).value("action", Json());
    if (!action.is_string()) return ErrorResponse(Status::Validation("action", "is required"));
    Json args = Json::object();
    if (parsed->contains("recipient")) args["recipient"] = (*parsed)["recipient"];
    if (parsed->contains("comments")) args["comment"] = (*parsed)["comments"];
    Result<Json> r = engine.ReviewTaskAction(*cert, task, action.get<std::string>(), args, actor);
    if (!r.ok()) return ErrorResponse(r.error());
    Json fields = Json::array({Json{{"name", "state"}, {"value", (*r)["state"]}},
                               Json{{"name", "assignees"}, {"value", (*r)["assignees"]}}});
    for (const char* extra : {"newTaskId", "effects", "campaignClosed"}) {
      if (r->contains(extra)) fields.push_back(Json{{"name", extra}, {"value", (*r)[extra]}});
    }
    return Reply(200, Json{{"links", SelfLinks(task_path)},
                           {"id", task},
                           {"action", action},
                           {"status", "SUCCESS"},
                           {"fields", fields}});
  }
  if (at(3) == "history") {
    if (n != 4) return NoRoute(seg);
    if (method != "GET") return NotAllowed("GET");
    return FromResult(engine.ReviewTaskHistory(*cert, task, *page));
  }
  if (at(3) != "lineitems" || n > 5) return NoRoute(seg);
  if (n == 4) {
    if (method == "GET") return FromResult(engine.ReviewLineItems(*cert, task, *page));
    if (method != "PUT") return NotAllowed("GET, PUT");
    Result<Json> parsed = Body(body);
    if (!parsed.ok()) return ErrorResponse(parsed.error());
    const Json& items = (*parsed).value("lineItems", Json());
    if (!items.is_array()) {
      return ErrorResponse(
          Status::Validation("lineItems", "must be an array of {requestId, lineItemId, action}"));
    }
    std::vector<ReviewLineItemAction> actions;
    std::vector<FieldError> errors;
    for (size_t i = 0; i < items.size(); ++i) {
      Result<ReviewLineItemAction> a =
          ActionOf(items[i], std::nullopt, "lineItems[" + std::to_string(i) + "].");
      if (!a.ok()) {
        for (const FieldError& f : a.error().field_errors()) errors.push_back(f);
        continue;
      }
      actions.push_back(*a);
    }
    // A malformed entry is the client's bug: nothing is applied.
    if (!errors.empty()) return ErrorResponse(Status::Validation(std::move(errors)));
    Result<std::vector<ReviewActionResult>> r =
        engine.ReviewLineItemActions(*cert, task, actions, actor);
    if (!r.ok()) return ErrorResponse(r.error());
    Json results = Json::array();
    bool all = true;
    for (const ReviewActionResult& one : *r) {
      Json entry{{"links", SelfLinks(task_path + "/lineitems/" + std::to_string(one.line_item_id))},
                 {"action", one.action},
                 {"requestId", one.request_id},
                 {"lineItemId", std::to_string(one.line_item_id)},
                 {"status", one.status.ok() ? "SUCCESS" : "FAILURE"}};
      if (one.replayed) entry["replayed"] = true;
      if (!one.status.ok()) {
        entry["error"] = ErrorJson(one.status);
        all = false;
      }
      results.push_back(entry);
    }
    return Reply(all ? 200 : 207,
                 Json{{"links", SelfLinks(task_path + "/lineitems")}, {"lineItems", results}});
  }
  std::optional<int64_t> item = ParseInt64(at(4));
  if (!item) return NoRoute(seg);
  if (method == "GET") return FromResult(engine.ReviewLineItem(*cert, task, *item, *page));
  if (method != "PUT") return NotAllowed("GET, PUT");
  Result<Json> parsed = Body(body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  const Json& entry = (*parsed).value("lineItem", Json());
  Result<ReviewLineItemAction> a = ActionOf(entry, *item, "lineItem.");
  if (!a.ok()) return ErrorResponse(a.error());
  Result<std::vector<ReviewActionResult>> r =
      engine.ReviewLineItemActions(*cert, task, {*a}, actor);
  if (!r.ok()) return ErrorResponse(r.error());
  const ReviewActionResult& one = r->front();
  if (!one.status.ok()) return ErrorResponse(one.status);
  Json out{{"action", one.action}, {"status", "SUCCESS"}, {"lineItemId", std::to_string(*item)}};
  if (one.replayed) out["replayed"] = true;
  return Reply(200, Json{{"links", SelfLinks(task_path + "/lineitems/" + std::to_string(*item))},
                         {"lineItem", out}});
}

}  // namespace certo::internal
