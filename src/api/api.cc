// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The router decides which route a request takes from a table (kRoutes: pattern, methods,
// handler), and in which order a request is refused: a path of no route (404), an unknown
// collection (404), an unknown verb (404), a method the route does not take (405), a missing id
// or a stray fourth segment (404); each handler then parses its body or query string and calls
// the Engine's C++ API.

#include "api/api.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/attachment_routes.h"
#include "api/input.h"
#include "api/report_routes.h"
#include "api/review_routes.h"
#include "base/calendar.h"
#include "registry/registry.h"

namespace certo::internal {

namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

Response JsonResponse(int status, const Json& body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

namespace {

Response Failure(int status, const std::string& message, Code code) {
  return JsonResponse(status, Json{{"name", ReasonPhrase(status)},
                                   {"message", message},
                                   {"code", static_cast<int>(code)},
                                   {"status", status}});
}

int FromHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && FromHex(s[i + 1]) >= 0 && FromHex(s[i + 2]) >= 0) {
      out += static_cast<char>(FromHex(s[i + 1]) * 16 + FromHex(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// Every key=value of a query string in order, percent-decoded (a key may repeat:
// filter[f][]=a&filter[f][]=b).
QueryPairs ParseQueryPairs(std::string_view qs) {
  QueryPairs pairs;
  while (!qs.empty()) {
    size_t amp = qs.find('&');
    std::string_view pair = qs.substr(0, amp);
    size_t eq = pair.find('=');
    if (!pair.empty()) {
      pairs.emplace_back(PercentDecode(pair.substr(0, eq)),
                         eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    qs.remove_prefix(amp + 1);
  }
  return pairs;
}

// The last value of each key.
std::map<std::string, std::string> ParamsOf(const QueryPairs& pairs) {
  std::map<std::string, std::string> params;
  for (const auto& [key, value] : pairs) params[key] = value;
  return params;
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(PercentDecode(part));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// Parses the request body; an empty body is an empty object.
Result<Json> ParseBody(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Json::object();
  if (Status deep = CheckBodyText(body); !deep.ok()) return deep;
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Status::InvalidArgument("the body is not valid JSON");
  if (Status bad = CheckBodyValue(parsed); !bad.ok()) return bad;
  // PHP clients encode an empty map as [], meaning "no fields".
  if (parsed.is_array() && parsed.empty()) return Json::object();
  return parsed;
}

Response RecordResponse(const Result<Json>& r, int ok_status = 200) {
  if (!r.ok()) return ErrorResponse(r.error());
  return JsonResponse(ok_status, *r);
}

bool FieldsMention(const std::vector<FieldError>& errors, const std::string& field) {
  for (const FieldError& e : errors) {
    if (e.field == field) return true;
  }
  return false;
}

Result<Query> ParseIndexBody(const Json& body) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  Query q;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : body.items()) {
    if (key == "filter") {
      if (value.is_object()) {
        q.filter = value;
      } else if (!value.is_null()) {
        errors.push_back({key, "must be an object of field: value"});
      }
    } else if (key == "per-page" || key == "page") {
      if (!value.is_number_integer()) {
        errors.push_back({key, "must be an integer"});
      } else if (value.get<int64_t>() < 1) {
        errors.push_back(
            {key, key == "page" ? "must be at least 1" : "must be between 1 and 1000"});
      } else if (key == "per-page") {
        // Out-of-range sizes are reported by the index itself, with the same message.
        q.per_page = static_cast<int>(std::min<int64_t>(value.get<int64_t>(), 1000000));
      } else {
        // Any page past the last is empty; pages beyond int range are simply far past it.
        q.page = static_cast<int>(
            std::min<int64_t>(value.get<int64_t>(), std::numeric_limits<int>::max()));
      }
    } else if (key == "sort") {
      if (value.is_string()) {
        q.sort = value.get<std::string>();
      } else if (!value.is_null()) {
        errors.push_back({key, "must be a field name, with - for descending"});
      }
    } else if (key == "as_of") {
      std::optional<Date> date =
          value.is_string() ? ParseDayOf(value.get<std::string>()) : std::nullopt;
      if (!date && !value.is_null()) {
        errors.push_back({key, "must be a real calendar date in the form YYYY-MM-DD"});
      }
      q.as_of = date;
    } else if (key == "history") {
      if (value.is_boolean()) {
        q.history = value.get<bool>();
      } else if (value.is_number_integer() && (value == 0 || value == 1)) {
        q.history = value == 1;
      } else {
        errors.push_back({key, "must be true or false"});
      }
    } else {
      errors.push_back(
          {key, "is not an index parameter (filter, per-page, page, sort, history, as_of)"});
    }
  }
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return q;
}

Result<ChangesQuery> ParseChangesBody(const Json& body) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  ChangesQuery q;
  std::vector<FieldError> errors;
  bool has_from = false, has_to = false;
  for (const auto& [key, value] : body.items()) {
    if (key == "from" || key == "to") {
      std::optional<Date> date =
          value.is_string() ? ParseDayOf(value.get<std::string>()) : std::nullopt;
      if (!date) {
        errors.push_back({key, "must be a real calendar date in the form YYYY-MM-DD"});
      } else {
        (key == "from" ? q.from : q.to) = *date;
        (key == "from" ? has_from : has_to) = true;
      }
    } else if (key == "filter" || key == "per-page" || key == "page" || key == "history") {
      Result<Query> common = ParseIndexBody(Json{{key, value}});
      if (!common.ok()) {
        for (const FieldError& e : common.error().field_errors()) errors.push_back(e);
        continue;
      }
      if (key == "filter") q.filter = common->filter;
      if (key == "per-page") q.per_page = common->per_page;
      if (key == "page") q.page = common->page;
      if (key == "history") q.history = common->history;
    } else {
      errors.push_back(
          {key, "is not a changes parameter (from, to, filter, per-page, page, history)"});
    }
  }
  if (!has_from && !FieldsMention(errors, "from")) errors.push_back({"from", "is required"});
  if (!has_to && !FieldsMention(errors, "to")) errors.push_back({"to", "is required"});
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return q;
}

Result<ReportQuery> ParseReportBody(const Json& body) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  ReportQuery q;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : body.items()) {
    if (key == "as_of") {
      std::optional<Date> date =
          value.is_string() ? ParseDayOf(value.get<std::string>()) : std::nullopt;
      if (!date && !value.is_null()) {
        errors.push_back({key, "must be a real calendar date in the form YYYY-MM-DD"});
      }
      q.as_of = date;
    } else if (key == "days" || key == "months" || key == "limit") {
      if (!value.is_number_integer()) {
        errors.push_back({key, "must be an integer"});
        continue;
      }
      // Out-of-range values are reported by the report itself, with its message.
      int v = static_cast<int>(std::clamp<int64_t>(value.get<int64_t>(), -1, 1000000));
      (key == "days" ? q.days : key == "months" ? q.months : q.limit) = v;
    } else if (key == "filter") {
      if (value.is_object()) {
        q.filter = value;
      } else if (!value.is_null()) {
        errors.push_back({key, "must be an object of field: value"});
      }
    } else {
      errors.push_back({key, "is not a report parameter (as_of, days, months, filter, limit)"});
    }
  }
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return q;
}

Response PageResponse(const Page& page) {
  Response r = JsonResponse(200, page.rows);
  r.headers.emplace_back("X-Pagination-Current-Page", std::to_string(page.page));
  r.headers.emplace_back("X-Pagination-Page-Count", std::to_string(page.page_count));
  r.headers.emplace_back("X-Pagination-Per-Page", std::to_string(page.per_page));
  r.headers.emplace_back("X-Pagination-Total-Count", std::to_string(page.total_count));
  return r;
}

Json EventJson(const Event& e) {
  return Json{{"seq", e.seq},
              {"event", e.name},
              {"entity_id", e.entity_id},
              {"payload", e.payload},
              {"date", e.date}};
}

Json ReportJson(const VerifyReport& report) {
  Json problems = Json::array();
  for (const Problem& p : report.problems) {
    problems.push_back(Json{{"check", p.check},
                            {"collection", p.collection},
                            {"id", p.id},
                            {"field", p.field},
                            {"stored", p.stored},
                            {"expected", p.expected},
                            {"message", p.message}});
  }
  return Json{{"ok", report.ok()},
              {"subscriptions_checked", report.subscriptions_checked},
              {"links_checked", report.links_checked},
              {"outbox_dropped", report.outbox_dropped},
              {"outbox_dropped_through", report.outbox_dropped_through},
              {"problems", problems}};
}

Response MethodNotAllowed(std::string_view allowed) {
  Response r =
      Failure(405, "this route accepts " + std::string(allowed) + " only", Code::kInvalidArgument);
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

// ---- The routes -----------------------------------------------------------------------------

// One request, as the handlers see it.
struct Call {
  Engine& engine;
  std::string_view method;
  std::string_view path;                             // as requested, without the query string
  const std::vector<std::string>& segments;          // the path's, percent-decoded
  const std::map<std::string, std::string>& params;  // the query string's, last value of a key
  const std::vector<std::pair<std::string, std::string>>& pairs;  // every key=value, in order
  std::string_view body;
  std::string collection;  // the path's second segment, "" when it has none
  std::string verb;        // the path's third segment, "" when it has none
  std::string id;          // the fourth segment, else ?id=; "" when neither
};

using Handler = Response (*)(const Call&);

struct Route {
  // The path after /v2/: literal segments, {collection} (any collection) and a last {id} (the
  // fourth segment or ?id=). A route without {id} takes no fourth segment.
  std::string_view pattern;
  std::string_view methods;  // "POST", or "PUT, PATCH": also the Allow header of a 405
  Handler handler;
};

Response HandleReport(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  Result<ReportQuery> query = ParseReportBody(*parsed);
  if (!query.ok()) return ErrorResponse(query.error());
  Result<ComplianceReport> report = c.engine.Report(*query);
  if (!report.ok()) return ErrorResponse(report.error());
  return JsonResponse(200, ReportJson(*report));
}

Response HandleVerify(const Call& c) {
  VerifyOptions options;
  if (auto it = c.params.find("depth"); it != c.params.end()) {
    if (it->second == "full") {
      options.depth = VerifyOptions::Depth::kFull;
    } else if (it->second == "quick") {
      options.depth = VerifyOptions::Depth::kQuick;
    } else if (it->second == "schedule") {
      options.depth = VerifyOptions::Depth::kSchedule;
    } else {
      return Failure(400, "depth must be full, quick or schedule", Code::kInvalidArgument);
    }
  }
  Result<VerifyReport> report = c.engine.Verify(options);
  if (!report.ok()) return ErrorResponse(report.error());
  return JsonResponse(200, ReportJson(*report));
}

// ?after=N&limit=N of a log read (the outbox, the sync conflicts); out-of-range limits are
// reported by the read itself, with its message.
struct LogPage {
  int64_t after = 0;
  int limit = 100;
};
std::optional<Response> ParseLogPage(const Call& c, LogPage& page) {
  std::vector<FieldError> errors;
  for (const char* name : {"after", "limit"}) {
    auto it = c.params.find(name);
    if (it == c.params.end()) continue;
    std::optional<int64_t> v = ParseInt64(it->second);
    if (!v) errors.push_back({name, "must be a decimal integer"});
    if (v && name == std::string_view("after")) page.after = *v;
    if (v && name == std::string_view("limit")) {
      page.limit = static_cast<int>(std::clamp<int64_t>(*v, 0, 1000000));
    }
  }
  if (!errors.empty()) return ErrorResponse(Status::Validation(std::move(errors)));
  return std::nullopt;
}

Response HandleOutboxIndex(const Call& c) {
  LogPage page;
  if (std::optional<Response> bad = ParseLogPage(c, page)) return *bad;
  Result<std::vector<Event>> events = c.engine.ReadOutbox(page.after, page.limit);
  if (!events.ok()) return ErrorResponse(events.error());
  Json rows = Json::array();
  for (const Event& e : *events) rows.push_back(EventJson(e));
  return JsonResponse(200, rows);
}

// The hub's conflict log (certo/sync.h): GET /v2/sync/conflicts?after=ID&limit=N, oldest first.
Response HandleSyncConflicts(const Call& c) {
  LogPage page;
  if (std::optional<Response> bad = ParseLogPage(c, page)) return *bad;
  Result<std::vector<SyncConflict>> log = c.engine.SyncConflicts(page.after, page.limit);
  if (!log.ok()) return ErrorResponse(log.error());
  Json rows = Json::array();
  for (const SyncConflict& conflict : *log) rows.push_back(SyncConflictJson(conflict));
  return JsonResponse(200, rows);
}

// The file's place in the sync: GET /v2/sync/status.
Response HandleSyncStatus(const Call& c) {
  Result<SyncState> state = c.engine.SyncStatus();
  if (!state.ok()) return ErrorResponse(state.error());
  return JsonResponse(200, Json{{"role", state->role.empty() ? Json(nullptr) : Json(state->role)},
                                {"node_id", state->node_id},
                                {"hub_id", state->hub_id},
                                {"project_id", state->project_id},
                                {"position", state->position},
                                {"pending", state->pending},
                                {"min_schema", state->min_schema}});
}

Response HandleOutboxAck(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  if (!parsed->is_object() || !parsed->contains("through") ||
      !(*parsed)["through"].is_number_integer() || parsed->size() != 1) {
    return ErrorResponse(Status::Validation("through", "is required: the last seq handled"));
  }
  Status status = c.engine.AckOutbox((*parsed)["through"].get<int64_t>());
  if (!status.ok()) return ErrorResponse(status);
  return JsonResponse(200, Json{{"acknowledged_through", (*parsed)["through"]}});
}

Json OutboxStateJson(const OutboxState& s) {
  auto optional = [](const std::optional<int64_t>& v) { return v ? Json(*v) : Json(); };
  return Json{{"max_events", optional(s.policy.max_events)},
              {"max_days", optional(s.policy.max_days)},
              {"pending", s.pending},
              {"dropped", s.dropped},
              {"dropped_through", s.dropped_through}};
}

// GET: the state. POST {"max_events": n | null, "max_days": n | null}: sets the whole policy (a
// key left out is no limit), then the state.
Response HandleOutboxPolicy(const Call& c) {
  if (c.method == "GET") {
    Result<OutboxState> state = c.engine.OutboxStatus();
    if (!state.ok()) return ErrorResponse(state.error());
    return JsonResponse(200, OutboxStateJson(*state));
  }
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  if (!parsed->is_object()) {
    return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
  }
  OutboxPolicy policy;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : parsed->items()) {
    std::optional<int64_t>* target = key == "max_events" ? &policy.max_events
                                     : key == "max_days" ? &policy.max_days
                                                         : nullptr;
    if (!target) {
      errors.push_back({key, "is not a field of the outbox policy (max_events, max_days)"});
    } else if (value.is_number_integer()) {
      *target = value.get<int64_t>();
    } else if (!value.is_null()) {
      errors.push_back({key, "must be a whole number or null (no limit)"});
    }
  }
  if (!errors.empty()) return ErrorResponse(Status::Validation(std::move(errors)));
  Result<OutboxState> state = c.engine.SetOutboxPolicy(policy);
  if (!state.ok()) return ErrorResponse(state.error());
  return JsonResponse(200, OutboxStateJson(*state));
}

// The index parameters of a query string, as the JSON body would carry them (the GET form of
// older 4hse clients): filter[f]=v, filter[f][]=v (any of), filter[f][op]=v (a range),
// per-page, page, sort, history, as_of. access-token is the HTTP layer's; id is not an index's.
Result<Json> IndexParams(const std::vector<std::pair<std::string, std::string>>& params) {
  Json body = Json::object();
  std::vector<FieldError> errors;
  for (const auto& [key, value] : params) {
    if (key == "access-token") continue;
    if (key.rfind("filter[", 0) == 0) {
      const size_t close = key.find(']');
      const std::string field = close == std::string::npos ? "" : key.substr(7, close - 7);
      const std::string rest = close == std::string::npos ? "" : key.substr(close + 1);
      Json& filter = body["filter"];
      if (field.empty()) {
        errors.push_back({key, "must name a field: filter[field]=value"});
      } else if (rest.empty()) {
        filter[field] = value;
      } else if (rest == "[]") {
        if (!filter[field].is_array()) filter[field] = Json::array();
        filter[field].push_back(value);
      } else if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']') {
        if (!filter[field].is_object()) filter[field] = Json::object();
        filter[field][rest.substr(1, rest.size() - 2)] = value;
      } else {
        errors.push_back({key, "must be filter[field], filter[field][] or filter[field][op]"});
      }
    } else if (key == "per-page" || key == "page") {
      std::optional<int64_t> n = ParseInt64(value);
      if (n) {
        body[key] = *n;
      } else {
        errors.push_back({key, "must be an integer"});
      }
    } else if (key == "history") {
      if (value == "true" || value == "1") {
        body[key] = true;
      } else if (value == "false" || value == "0") {
        body[key] = false;
      } else {
        errors.push_back({key, "must be true or false"});
      }
    } else {
      body[key] = value;  // sort, as_of; anything else is refused by ParseIndexBody
    }
  }
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return body;
}

Response HandleIndex(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  if (!c.pairs.empty()) {
    Result<Json> from_query = IndexParams(c.pairs);
    if (!from_query.ok()) return ErrorResponse(from_query.error());
    if (!parsed->is_object()) {
      return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
    }
    // The body wins, field by field inside filter (so a scope added to the body keeps the
    // query's other filters).
    for (auto& [key, value] : parsed->items()) {
      if (key == "filter" && value.is_object() && (*from_query)[key].is_object()) {
        for (auto& [field, v] : value.items()) (*from_query)[key][field] = v;
      } else {
        (*from_query)[key] = value;
      }
    }
    parsed = std::move(from_query);
  }
  Result<Query> query = ParseIndexBody(*parsed);
  if (!query.ok()) return ErrorResponse(query.error());
  Result<Page> page = c.engine.Index(c.collection, *query);
  if (!page.ok()) return ErrorResponse(page.error());
  return PageResponse(*page);
}

Response HandleCounts(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  for (const char* paging : {"per-page", "page", "sort"}) {
    if (parsed->is_object() && parsed->contains(paging)) {
      return ErrorResponse(
          Status::Validation(paging, "is not a counts parameter (filter, as_of, history)"));
    }
  }
  Result<Query> query = ParseIndexBody(*parsed);
  if (!query.ok()) return ErrorResponse(query.error());
  auto counts = c.engine.StatusCounts(*query);
  if (!counts.ok()) return ErrorResponse(counts.error());
  Json out = Json::object();
  int64_t total = 0;
  for (ScheduleStatus status : kScheduleStatuses) {
    out[StatusName(status)] = counts->at(status);
    total += counts->at(status);
  }
  out["total"] = total;
  return JsonResponse(200, out);
}

Response HandleChanges(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  Result<ChangesQuery> query = ParseChangesBody(*parsed);
  if (!query.ok()) return ErrorResponse(query.error());
  Result<Page> page = c.engine.Changes(*query);
  if (!page.ok()) return ErrorResponse(page.error());
  return PageResponse(*page);
}

Response HandleCreate(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  return RecordResponse(c.engine.Create(c.collection, *parsed), 201);
}

Response HandleView(const Call& c) { return RecordResponse(c.engine.View(c.collection, c.id)); }

Response HandleUpdate(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  return RecordResponse(c.engine.Update(c.collection, c.id, *parsed));
}

Response HandleDelete(const Call& c) {
  bool force = false, historicize = false;
  for (const char* name : {"force", "historicize"}) {
    auto it = c.params.find(name);
    if (it == c.params.end()) continue;
    bool& flag = name == std::string_view("force") ? force : historicize;
    if (it->second == "true" || it->second == "1") {
      flag = true;
    } else if (it->second != "false" && it->second != "0") {
      return Failure(400, std::string(name) + " must be true or false", Code::kInvalidArgument);
    }
  }
  if (historicize) {
    // The client asked to keep the row: it is retired from today, never deleted, forced or not.
    const Entity* e = FindEntity(c.collection);
    if (!e || !e->historicizable) {
      return ErrorResponse(Status::Validation(
          "historicize", c.collection + " rows cannot be historicized; delete them instead"));
    }
    Result<Json> retired = c.engine.Historicize(c.collection, c.id, std::nullopt);
    if (!retired.ok()) return ErrorResponse(retired.error());
    return JsonResponse(200,
                        Json{{"deleted", false},
                             {"historicized", true},
                             {"rows", Json::array({Json{{"collection", c.collection},
                                                        {"id", (*retired)[std::string(e->id)]}}})},
                             {"record", *retired}});
  }
  Result<DeleteResult> result = c.engine.Delete(c.collection, c.id, force);
  if (!result.ok()) return ErrorResponse(result.error());
  Json rows = Json::array();
  for (const RowRef& row : result->rows) {
    rows.push_back(Json{{"collection", row.collection}, {"id", row.id}});
  }
  return JsonResponse(200, Json{{"deleted", result->forced}, {"rows", rows}});
}

Response HandleHistoricize(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  if (!parsed->is_object()) {
    return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
  }
  std::optional<Date> date;
  for (const auto& [key, value] : parsed->items()) {
    if (key != "date") {
      return ErrorResponse(Status::Validation(key, "is not a historicize parameter (date)"));
    }
    // 4hse sends "YYYY-MM-DD HH:MM:SS"; the time of day is irrelevant to a retirement date.
    date = value.is_string() ? ParseDayOf(value.get<std::string>()) : std::nullopt;
    if (!value.is_null() && !date) {
      return ErrorResponse(
          Status::Validation("date", "must be a real calendar date in the form YYYY-MM-DD"));
    }
  }
  return RecordResponse(c.engine.Historicize(c.collection, c.id, date));
}

Response HandleRestore(const Call& c) {
  return RecordResponse(c.engine.Restore(c.collection, c.id));
}

Response HandleRevoke(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  if (!parsed->is_object()) {
    return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
  }
  std::optional<Date> date;
  std::string reason;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : parsed->items()) {
    if (key == "date") {
      date = value.is_string() ? ParseDayOf(value.get<std::string>()) : std::nullopt;
      if (!value.is_null() && !date) {
        errors.push_back({"date", "must be a real calendar date in the form YYYY-MM-DD"});
      }
    } else if (key == "reason") {
      if (value.is_string()) {
        reason = value.get<std::string>();
      } else if (!value.is_null()) {
        errors.push_back({"reason", "must be a string or null"});
      }
    } else {
      errors.push_back({key, "is not a revoke parameter (date, reason)"});
    }
  }
  if (!errors.empty()) return ErrorResponse(Status::Validation(std::move(errors)));
  return RecordResponse(c.engine.RevokeCertificate(c.id, date, reason));
}

Response HandleUnrevoke(const Call& c) {
  return RecordResponse(c.engine.UnrevokeCertificate(c.id));
}

// Attachments take their content with the record (api/attachment_routes.h).
Response HandleAttachmentCreate(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  return AttachmentCreate(c.engine, *parsed);
}

Response HandleAttachmentUpdate(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  return AttachmentUpdate(c.engine, c.id, *parsed);
}

Response HandleAttachmentView(const Call& c) { return AttachmentView(c.engine, c.id, c.params); }

Response HandleTrend(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  return TrendRoute(c.engine, *parsed);
}

Response HandleIncidentCompliance(const Call& c) { return IncidentComplianceRoute(c.engine, c.id); }

Response HandlePersonRequirements(const Call& c) {
  Result<Json> parsed = ParseBody(c.body);
  if (!parsed.ok()) return ErrorResponse(parsed.error());
  return PersonRequirementsRoute(c.engine, c.id, *parsed);
}

// Literal patterns are matched first, whole; the others by collection and verb.
constexpr Route kRoutes[] = {
    {"report", "POST", HandleReport},
    {"verify", "GET", HandleVerify},
    {"outbox/index", "GET", HandleOutboxIndex},
    {"outbox/ack", "POST", HandleOutboxAck},
    {"outbox/policy", "GET, POST", HandleOutboxPolicy},
    {"sync/conflicts", "GET", HandleSyncConflicts},
    {"sync/status", "GET", HandleSyncStatus},
    {"{collection}/index", "POST, GET", HandleIndex},
    {"attachment/create", "POST", HandleAttachmentCreate},
    {"attachment/view/{id}", "GET", HandleAttachmentView},
    {"attachment/update/{id}", "PUT, PATCH", HandleAttachmentUpdate},
    {"action-subscription/counts", "POST", HandleCounts},
    {"action-subscription/changes", "POST", HandleChanges},
    {"report/trend", "POST", HandleTrend},
    {"incident/compliance/{id}", "POST", HandleIncidentCompliance},
    {"person/requirements/{id}", "POST", HandlePersonRequirements},
    {"{collection}/create", "POST", HandleCreate},
    {"{collection}/view/{id}", "GET", HandleView},
    {"{collection}/update/{id}", "PUT, PATCH", HandleUpdate},
    {"{collection}/delete/{id}", "DELETE", HandleDelete},
    {"{collection}/historicize/{id}", "POST", HandleHistoricize},
    {"{collection}/restore/{id}", "POST", HandleRestore},
    {"certificate/revoke/{id}", "POST", HandleRevoke},
    {"certificate/unrevoke/{id}", "POST", HandleUnrevoke},
};

std::vector<std::string_view> Split(std::string_view text, std::string_view sep) {
  std::vector<std::string_view> parts;
  for (size_t at = text.find(sep);; at = text.find(sep)) {
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + sep.size());
  }
}

bool IsLiteral(const Route& route) { return route.pattern.find('{') == std::string_view::npos; }

// The route whose literal pattern is the whole path: /v2/<pattern>.
const Route* FindLiteral(const std::vector<std::string>& segments) {
  for (const Route& route : kRoutes) {
    if (!IsLiteral(route)) continue;
    std::vector<std::string_view> parts = Split(route.pattern, "/");
    if (segments.size() == parts.size() + 1 && segments[0] == "v2" &&
        std::equal(parts.begin(), parts.end(), segments.begin() + 1)) {
      return &route;
    }
  }
  return nullptr;
}

// The route for a verb of a collection.
const Route* FindVerb(const std::string& collection, const std::string& verb) {
  for (const Route& route : kRoutes) {
    std::vector<std::string_view> parts = Split(route.pattern, "/");
    if (parts.size() >= 2 && (parts[0] == "{collection}" || parts[0] == collection) &&
        parts[1] == verb) {
      return &route;
    }
  }
  return nullptr;
}

// The method, then the id (or its absence), then the handler.
Response Dispatch(const Route& route, Call c) {
  std::vector<std::string_view> methods = Split(route.methods, ", ");
  std::string method(c.method);  // methods are case-insensitive, like the rest of HTTP clients'
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  if (std::find(methods.begin(), methods.end(), method) == methods.end()) {
    return MethodNotAllowed(route.methods);
  }
  c.method = method;
  std::vector<std::string_view> parts = Split(route.pattern, "/");
  if (parts.back() == "{id}") {
    // ?code=&project_id= names the row as 4hse clients do, instead of an id (or of "lookup").
    auto code = c.params.find("code");
    if ((c.id.empty() || c.id == "lookup") && code != c.params.end()) {
      auto project = c.params.find("project_id");
      if (project == c.params.end()) project = c.params.find("tenant_id");
      Result<std::string> id = c.engine.Lookup(
          c.collection, project == c.params.end() ? "" : project->second, code->second);
      if (!id.ok()) return ErrorResponse(id.error());
      c.id = *id;
    }
    if (c.id.empty()) {
      return Failure(
          404, "the route " + c.verb + " needs an id: /v2/" + c.collection + "/" + c.verb + "/{id}",
          Code::kNotFound);
    }
  } else if (c.segments.size() > parts.size() + 1) {
    return Failure(404, "no route " + std::string(c.path), Code::kNotFound);
  }
  return route.handler(c);
}

}  // namespace

Response ErrorResponse(const Status& status) {
  const int http = HttpStatus(status.code());
  if (status.IsValidation()) {
    Json errors = Json::array();
    for (const FieldError& e : status.field_errors()) {
      errors.push_back(Json{{"field", e.field}, {"message", e.message}});
    }
    return JsonResponse(http, errors);
  }
  return Failure(http, status.message(), status.code());
}

Response HandleRequest(Engine& engine, std::string_view method, std::string_view target,
                       std::string_view body) {
  std::string_view path = target, query_string;
  if (size_t q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query_string = target.substr(q + 1);
  }
  const QueryPairs pairs = ParseQueryPairs(query_string);
  const std::map<std::string, std::string> params = ParamsOf(pairs);
  const std::vector<std::string> seg = Segments(path);
  if (Status bad = CheckTarget(path, seg, params); !bad.ok()) return ErrorResponse(bad);
  for (const auto& [key, value] : pairs) {  // repeated keys too: each value is used
    if (!IsValidUtf8(value)) {
      return ErrorResponse(Status::InvalidArgument("the query value of '" + Printable(key) +
                                                   "' is not valid UTF-8"));
    }
  }
  Call call{engine,
            method,
            path,
            seg,
            params,
            pairs,
            body,
            seg.size() > 1 ? seg[1] : "",
            seg.size() > 2 ? seg[2] : "",
            ""};
  if (const Route* route = FindLiteral(seg)) return Dispatch(*route, call);
  if (IsReviewPath(seg)) return ReviewRoute(engine, method, seg, params, body);
  if (seg.size() < 3 || seg.size() > 4 || seg[0] != "v2") {
    return Failure(
        404, "no route " + std::string(path) + " (routes look like /v2/<collection>/<verb>[/<id>])",
        Code::kNotFound);
  }
  std::vector<std::string> collections = Engine::Collections();
  if (std::find(collections.begin(), collections.end(), call.collection) == collections.end()) {
    return Failure(404, "unknown collection '" + call.collection + "'", Code::kNotFound);
  }
  if (seg.size() == 4) {
    call.id = seg[3];
  } else if (auto it = params.find("id"); it != params.end()) {
    call.id = it->second;
  }
  if (const Route* route = FindVerb(call.collection, call.verb)) return Dispatch(*route, call);
  return Failure(404,
                 "unknown verb '" + call.verb + "' (index, create, view, update, delete, " +
                     "historicize, restore" +
                     (call.collection == "certificate" ? ", revoke, unrevoke)" : ")"),
                 Code::kNotFound);
}

}  // namespace certo::internal
