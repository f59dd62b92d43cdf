// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Review campaigns: creation, the start's snapshot, the actions and the closed loop (review.h).
// The snapshot is set based (one INSERT ... SELECT per kind of detail) so that starting a
// campaign over 10,000 people is a few statements, not 30,000 round trips. Every state change
// checks the one table of codes.cc first and names the state it refuses.

#include "review/review.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "base/calendar.h"
#include "base/uuid.h"
#include "registry/registry.h"
#include "review/codes.h"
#include "review/history.h"

namespace certo::internal {

using review::AppendEvent;
using review::EventRow;

namespace {

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// ---- Campaign rows ---------------------------------------------------------------------------

struct Campaign {
  int64_t cert_id = 0;
  std::string project_id, name, type, deadline, no_response, state;
  Json scope, reviewer, comment_required;
  std::string created_at, started_at, closed_at;
};

Campaign LoadCampaign(Db& db, int64_t cert_id) {
  SQLite::Statement& st = db.Cached(
      "SELECT cert_id, project_id, name, type, scope, reviewer, deadline, no_response, "
      "comment_required, state, created_at, started_at, closed_at FROM review_campaign "
      "WHERE cert_id = ?");
  st.bind(1, cert_id);
  if (!st.executeStep()) {
    st.reset();
    Fail(Status::NotFound("no review campaign with certid " + std::to_string(cert_id)));
  }
  Campaign c;
  c.cert_id = st.getColumn(0).getInt64();
  c.project_id = st.getColumn(1).getString();
  c.name = st.getColumn(2).getString();
  c.type = st.getColumn(3).getString();
  c.scope = Json::parse(st.getColumn(4).getString());
  c.reviewer = Json::parse(st.getColumn(5).getString());
  c.deadline = st.getColumn(6).getString();
  c.no_response = st.getColumn(7).getString();
  c.comment_required = Json::parse(st.getColumn(8).getString());
  c.state = st.getColumn(9).getString();
  c.created_at = st.getColumn(10).getString();
  c.started_at = st.getColumn(11).isNull() ? "" : st.getColumn(11).getString();
  c.closed_at = st.getColumn(12).isNull() ? "" : st.getColumn(12).getString();
  st.reset();
  return c;
}

int CertState(const std::string& state) {
  return review::NumberOf(review::kCampaignStates, state).value_or(0);
}

Json Nullable(const std::string& s) { return s.empty() ? Json() : Json(s); }

Json CampaignJson(const Campaign& c) {
  return Json{{"cert_id", c.cert_id},
              {"project_id", c.project_id},
              {"name", c.name},
              {"type", c.type},
              {"scope", c.scope},
              {"reviewer_id", c.reviewer.value("reviewer_id", Json())},
              {"office_reviewers", c.reviewer.value("office_reviewers", Json::object())},
              {"fallback_reviewer_id", c.reviewer.value("fallback_reviewer_id", Json())},
              {"deadline", c.deadline},
              {"no_response", c.no_response},
              {"comment_required", c.comment_required},
              {"state", c.state},
              {"certState", CertState(c.state)},
              {"created_at", c.created_at},
              {"started_at", Nullable(c.started_at)},
              {"closed_at", Nullable(c.closed_at)}};
}

bool PersonOfProject(Db& db, const std::string& project, const std::string& person) {
  SQLite::Statement& st = db.Cached("SELECT 1 FROM person WHERE person_id = ? AND project_id = ?");
  st.bind(1, person);
  st.bind(2, project);
  bool found = st.executeStep();
  st.reset();
  return found;
}

bool RowOfProject(Db& db, const std::string& table, const std::string& id_column,
                  const std::string& project, const std::string& id) {
  SQLite::Statement& st =
      db.Cached("SELECT 1 FROM " + table + " WHERE " + id_column + " = ? AND project_id = ?");
  st.bind(1, id);
  st.bind(2, project);
  bool found = st.executeStep();
  st.reset();
  return found;
}

Json StringList(const Json& value, const std::string& field, std::vector<FieldError>& errors) {
  if (value.is_null()) return Json::array();
  if (!value.is_array()) {
    errors.push_back({field, "must be an array of strings"});
    return Json::array();
  }
  for (const Json& v : value) {
    if (!v.is_string()) {
      errors.push_back({field, "must be an array of strings"});
      return Json::array();
    }
  }
  return value;
}

// ---- Tasks and line items -------------------------------------------------------------------

struct Task {
  std::string task_id, reviewer_id, proxy_id, state, suspended_from, created_at, signed_off_at;
  int64_t cert_id = 0;
};

Task LoadTask(Db& db, int64_t cert_id, const std::string& task_id) {
  SQLite::Statement& st = db.Cached(
      "SELECT task_id, cert_id, reviewer_id, proxy_id, state, suspended_from, created_at, "
      "signed_off_at FROM review_task WHERE task_id = ?");
  st.bind(1, task_id);
  if (!st.executeStep() || st.getColumn(1).getInt64() != cert_id) {
    st.reset();
    Fail(Status::NotFound("no task " + task_id + " in review campaign " + std::to_string(cert_id)));
  }
  Task t;
  t.task_id = st.getColumn(0).getString();
  t.cert_id = st.getColumn(1).getInt64();
  t.reviewer_id = st.getColumn(2).getString();
  t.proxy_id = st.getColumn(3).isNull() ? "" : st.getColumn(3).getString();
  t.state = st.getColumn(4).getString();
  t.suspended_from = st.getColumn(5).isNull() ? "" : st.getColumn(5).getString();
  t.created_at = st.getColumn(6).getString();
  t.signed_off_at = st.getColumn(7).isNull() ? "" : st.getColumn(7).getString();
  st.reset();
  return t;
}

struct Detail {
  int64_t id = 0;
  std::string kind, source_id, person_id, decision, end_date;
};

struct Item {
  int64_t id = 0;
  std::string task_id, state, comment;
  std::vector<Detail> details;
};

Item LoadItem(Db& db, const std::string& task_id, int64_t line_item_id) {
  SQLite::Statement& st = db.Cached(
      "SELECT line_item_id, task_id, state, comment FROM review_line_item WHERE line_item_id = ?");
  st.bind(1, line_item_id);
  if (!st.executeStep() || st.getColumn(1).getString() != task_id) {
    st.reset();
    Fail(Status::NotFound("no line item " + std::to_string(line_item_id) + " in task " + task_id));
  }
  Item item;
  item.id = st.getColumn(0).getInt64();
  item.task_id = st.getColumn(1).getString();
  item.state = st.getColumn(2).getString();
  item.comment = st.getColumn(3).isNull() ? "" : st.getColumn(3).getString();
  st.reset();
  SQLite::Statement& d = db.Cached(
      "SELECT line_item_detail_id, kind, source_id, person_id, decision, end_date "
      "FROM review_line_item_detail WHERE line_item_id = ? ORDER BY line_item_detail_id");
  d.bind(1, line_item_id);
  while (d.executeStep()) {
    item.details.push_back(Detail{d.getColumn(0).getInt64(), d.getColumn(1).getString(),
                                  d.getColumn(2).getString(), d.getColumn(3).getString(),
                                  d.getColumn(4).isNull() ? "" : d.getColumn(4).getString(),
                                  d.getColumn(5).isNull() ? "" : d.getColumn(5).getString()});
  }
  d.reset();
  return item;
}

// The state of an item from its details' decisions (keeping CLAIMED while nothing is decided).
std::string DecidedState(const Item& item, const std::string& before) {
  size_t decided = 0;
  for (const Detail& d : item.details) decided += d.decision.empty() ? 0 : 1;
  if (decided == 0) return before == "CLAIMED" ? "CLAIMED" : "NEW";
  return decided == item.details.size() ? "DECIDED" : "PARTIAL";
}

void SetTaskState(Db& db, const std::string& task_id, const std::string& state) {
  SQLite::Statement& st = db.Cached("UPDATE review_task SET state = ? WHERE task_id = ?");
  st.bind(1, state);
  st.bind(2, task_id);
  st.exec();
}

// After a line-item action: DECISIONS_COMPLETE once every item is decided, else IN_PROGRESS.
void RefreshTaskState(Db& db, const Task& task) {
  if (!review::Contains(review::kOpenTaskStates, task.state)) return;
  SQLite::Statement& st = db.Cached(
      "SELECT count(*), sum(state IN ('DECIDED', 'COMPLETE')), sum(state <> 'NEW') "
      "FROM review_line_item WHERE task_id = ?");
  st.bind(1, task.task_id);
  st.executeStep();
  const int64_t total = st.getColumn(0).getInt64();
  const int64_t decided = st.getColumn(1).isNull() ? 0 : st.getColumn(1).getInt64();
  const int64_t touched = st.getColumn(2).isNull() ? 0 : st.getColumn(2).getInt64();
  st.reset();
  std::string state = task.state;
  if (total > 0 && decided == total) {
    state = "DECISIONS_COMPLETE";
  } else if (touched > 0 || task.state == "DECISIONS_COMPLETE") {
    state = "IN_PROGRESS";
  }
  if (state != task.state) SetTaskState(db, task.task_id, state);
}

void RequireCampaignState(const Campaign& c, std::string_view state, std::string_view what) {
  if (c.state != state) {
    Fail(Status::Conflict("review campaign " + std::to_string(c.cert_id) + " is " + c.state + ": " +
                          std::string(what) + " needs " + std::string(state)));
  }
}

const Entity& EntityOfKind(const std::string& kind) {
  const Entity* e = FindEntity(kind == "ENTITY_EMPLOYEE" ? "entity-employee" : "work-group-person");
  if (!e) Fail(Status::Internal("no entity for review detail kind " + kind));
  return *e;
}

}  // namespace

// ---- Create and start ------------------------------------------------------------------------

Json CreateReviewCampaign(ReviewEnv env, const Json& spec) {
  if (!spec.is_object()) Fail(Status::InvalidArgument("the campaign must be a JSON object"));
  static const std::set<std::string> kKnown = {"project_id",
                                               "name",
                                               "type",
                                               "scope",
                                               "reviewer_id",
                                               "office_reviewers",
                                               "deadline",
                                               "no_response",
                                               "comment_required",
                                               "fallback_reviewer_id"};
  std::vector<FieldError> errors;
  for (const auto& [key, value] : spec.items()) {
    if (!kKnown.count(key)) errors.push_back({key, "is not a field of a review campaign"});
  }
  const std::string project = Str(spec, "project_id");
  if (project.empty()) {
    errors.push_back({"project_id", "is required"});
  } else if (!RowOfProject(env.db, "project", "project_id", project, project)) {
    Fail(Status::NotFound("no project with project_id " + project));
  }
  const std::string name = Str(spec, "name");
  if (name.empty()) errors.push_back({"name", "is required"});
  if (name.size() > 200) errors.push_back({"name", "must be at most 200 characters"});
  const std::string type = spec.contains("type") ? Str(spec, "type") : "USER";
  if (type != "USER" && type != "ROLE") errors.push_back({"type", "must be USER or ROLE"});

  Json scope = Json{
      {"office_ids", Json::array()}, {"role_ids", Json::array()}, {"action_types", Json::array()}};
  if (spec.contains("scope")) {
    const Json& s = spec["scope"];
    if (!s.is_object()) {
      errors.push_back({"scope", "must be an object {office_ids, role_ids, action_types}"});
    } else {
      for (const auto& [key, value] : s.items()) {
        if (!scope.contains(key)) {
          errors.push_back({"scope." + key,
                            "is not a scope field (office_ids, role_ids, "
                            "action_types)"});
          continue;
        }
        scope[key] = StringList(value, "scope." + key, errors);
      }
    }
  }
  if (!project.empty()) {
    for (const Json& o : scope["office_ids"]) {
      if (!RowOfProject(env.db, "office", "office_id", project, o.get<std::string>())) {
        errors.push_back(
            {"scope.office_ids", "no office " + o.get<std::string>() + " in project " + project});
      }
    }
    for (const Json& r : scope["role_ids"]) {
      if (!RowOfProject(env.db, "role", "office_role_id", project, r.get<std::string>())) {
        errors.push_back(
            {"scope.role_ids", "no role " + r.get<std::string>() + " in project " + project});
      }
    }
  }
  for (const Json& t : scope["action_types"]) {
    static const std::set<std::string> kTypes = {"TRAINING", "HEALTH", "PER", "CHECK",
                                                 "MAINTENANCE"};
    if (!kTypes.count(t.get<std::string>())) {
      errors.push_back(
          {"scope.action_types",
           "must be TRAINING, HEALTH, PER, CHECK or MAINTENANCE, not " + t.get<std::string>()});
    }
  }

  Json reviewer = Json::object();
  auto person_field = [&](const char* field) {
    if (!spec.contains(field) || spec[field].is_null()) return;
    if (!spec[field].is_string()) {
      errors.push_back({field, "must be a person_id"});
      return;
    }
    const std::string person = spec[field].get<std::string>();
    if (!project.empty() && !PersonOfProject(env.db, project, person)) {
      errors.push_back({field, "no person " + person + " in project " + project});
    }
    reviewer[field] = person;
  };
  person_field("reviewer_id");
  person_field("fallback_reviewer_id");
  if (spec.contains("office_reviewers") && !spec["office_reviewers"].is_null()) {
    const Json& map = spec["office_reviewers"];
    if (!map.is_object()) {
      errors.push_back({"office_reviewers", "must be an object {office_id: person_id}"});
    } else {
      for (const auto& [office, person] : map.items()) {
        if (!person.is_string()) {
          errors.push_back({"office_reviewers." + office, "must be a person_id"});
        } else if (!project.empty() &&
                   (!RowOfProject(env.db, "office", "office_id", project, office) ||
                    !PersonOfProject(env.db, project, person.get<std::string>()))) {
          errors.push_back({"office_reviewers." + office,
                            "must map an office of the project to a person of the project"});
        }
      }
      reviewer["office_reviewers"] = map;
    }
  }
  if (!reviewer.contains("reviewer_id") && !reviewer.contains("office_reviewers") &&
      !reviewer.contains("fallback_reviewer_id")) {
    errors.push_back({"reviewer_id",
                      "a reviewer rule is required: reviewer_id, "
                      "office_reviewers or fallback_reviewer_id"});
  }

  const std::string deadline_text = Str(spec, "deadline");
  std::optional<Date> deadline = ParseDate(deadline_text);
  if (!deadline) {
    errors.push_back({"deadline", "is required, a date YYYY-MM-DD"});
  } else if (*deadline < env.ctx.Today()) {
    errors.push_back(
        {"deadline", "must not be before today (" + FormatDate(env.ctx.Today()) + ")"});
  }
  const std::string no_response = spec.contains("no_response") ? Str(spec, "no_response") : "keep";
  if (no_response != "keep" && no_response != "revoke") {
    errors.push_back({"no_response", "must be keep or revoke"});
  }
  Json comment_required = Json::array({"REVOKE"});
  if (spec.contains("comment_required")) {
    comment_required = StringList(spec["comment_required"], "comment_required", errors);
    for (const Json& d : comment_required) {
      if (!review::NumberOf(review::kDecisions, d.get<std::string>())) {
        errors.push_back({"comment_required",
                          "must list decisions (CERTIFY, REVOKE, "
                          "CERTIFY_CONDITIONALLY, ABSTAIN), not " +
                              d.get<std::string>()});
      }
    }
  }
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));

  const std::string now = review::Now(env.ctx);
  SQLite::Statement& st = env.db.Cached(
      "INSERT INTO review_campaign (project_id, name, type, scope, reviewer, deadline, "
      "no_response, comment_required, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
      "'CREATED', ?)");
  st.bind(1, project);
  st.bind(2, name);
  st.bind(3, type);
  st.bind(4, scope.dump());
  st.bind(5, reviewer.dump());
  st.bind(6, FormatDate(*deadline));
  st.bind(7, no_response);
  st.bind(8, comment_required.dump());
  st.bind(9, now);
  st.exec();
  const int64_t cert_id = env.db.raw().getLastInsertRowid();
  EventRow event;
  event.cert_id = cert_id;
  event.action = review::Event("CAMPAIGN_CREATED");
  event.cert_state = CertState("CREATED");
  event.to_state = "CREATED";
  event.data = Json{{"name", name}, {"type", type}};
  AppendEvent(env.db, env.ctx, event);
  return CampaignJson(LoadCampaign(env.db, cert_id));
}

namespace {

// The SQL of the decision support flags about a person (person: an SQL expression); binds ?2
// today, ?3 the deadline, ?6 the action types in scope (JSON array).
std::string PersonFlagsSql(const std::string& person) {
  const std::string subs =
      "SELECT 1 FROM action_subscription s JOIN action a ON a.action_id = s.action_id "
      "WHERE s.subscriber_id = " +
      person +
      " AND (s.hidden_from IS NULL OR s.hidden_from > ?2) AND (json_array_length(?6) = 0 "
      "OR a.action_type IN (SELECT value FROM json_each(?6))) AND ";
  return "(SELECT json_group_array(f) FROM ("
         "SELECT 'CERTIFICATE_MISSING' AS f WHERE EXISTS (" +
         subs +
         "s.cover_expire IS NULL) "
         "UNION ALL SELECT 'CERTIFICATE_EXPIRED' WHERE EXISTS (" +
         subs +
         "s.cover_expire < ?2) "
         "UNION ALL SELECT 'CERTIFICATE_EXPIRING' WHERE EXISTS (" +
         subs +
         "s.cover_expire >= ?2 AND s.cover_expire <= ?3) "
         "UNION ALL SELECT 'PERSON_RETIRED' WHERE EXISTS (SELECT 1 FROM person x WHERE "
         "x.person_id = " +
         person + " AND x.retired_on IS NOT NULL AND x.retired_on <= ?2)))";
}

// The final decision of the latest other campaign on the same row (source: SQL expression).
std::string LastDecisionSql(const std::string& source) {
  return "(SELECT d2.decision FROM review_line_item_detail d2 JOIN review_line_item l2 "
         "ON l2.line_item_id = d2.line_item_id WHERE d2.source_id = " +
         source +
         " AND d2.outcome IS NOT NULL AND l2.cert_id <> ?1 ORDER BY l2.cert_id DESC LIMIT 1)";
}

constexpr const char* kActive = " IS NULL OR ";

std::string ActiveSql(const std::string& column) {
  return "(" + column + kActive + column + " > ?2)";
}

std::string InScopeSql(const std::string& column, int param) {
  const std::string p = "?" + std::to_string(param);
  return "(json_array_length(" + p + ") = 0 OR " + column + " IN (SELECT value FROM json_each(" +
         p + ")))";
}

// Binds the start statements' parameters: ?1 cert_id, ?2 today, ?3 deadline, ?4 offices,
// ?5 roles, ?6 action types, ?7 project.
void BindStart(SQLite::Statement& st, const Campaign& c, const std::string& today) {
  st.bind(1, c.cert_id);
  st.bind(2, today);
  st.bind(3, c.deadline);
  st.bind(4, c.scope["office_ids"].dump());
  st.bind(5, c.scope["role_ids"].dump());
  st.bind(6, c.scope["action_types"].dump());
  st.bind(7, c.project_id);
}

std::string ResolveReviewer(const Campaign& c, const std::string& office,
                            const std::string& about) {
  std::vector<std::string> candidates;
  const Json& map = c.reviewer.value("office_reviewers", Json::object());
  if (auto it = map.find(office); it != map.end()) candidates.push_back(it->get<std::string>());
  if (c.reviewer.contains("reviewer_id")) candidates.push_back(c.reviewer["reviewer_id"]);
  if (c.reviewer.contains("fallback_reviewer_id")) {
    candidates.push_back(c.reviewer["fallback_reviewer_id"]);
  }
  for (const std::string& p : candidates) {
    if (p != about) return p;  // nobody reviews themselves: the next rule takes over
  }
  return "";
}

}  // namespace

Json StartReviewCampaign(ReviewEnv env, int64_t cert_id) {
  Campaign c = LoadCampaign(env.db, cert_id);
  RequireCampaignState(c, "CREATED", "start");
  const std::string today = FormatDate(env.ctx.Today());
  const std::string now = review::Now(env.ctx);

  // The line items, with their reviewer resolved here (the rule is per office).
  struct Row {
    std::string entity_id, office_id, snapshot, flags;
  };
  std::vector<Row> rows;
  const bool user = c.type == "USER";
  const std::string items_sql =
      user ? "SELECT q.person_id, q.office_id, json_set(q.snapshot, '$.office_name', (SELECT "
             "o2.name FROM office o2 WHERE o2.office_id = q.office_id)), " +
                 PersonFlagsSql("q.person_id") +
                 " FROM (SELECT p.person_id, min(po.office_id) AS office_id, p.last_name, "
                 "p.first_name, json_object('person_id', p.person_id, 'code', p.code, "
                 "'first_name', p.first_name, 'last_name', p.last_name, 'retired_on', "
                 "p.retired_on, 'is_employee', p.is_employee, 'contract_type', p.contract_type) "
                 "AS snapshot FROM person p JOIN person_office po ON po.person_id = p.person_id "
                 "JOIN office o ON o.office_id = po.office_id "
                 "WHERE p.project_id = ?7 AND " +
                 ActiveSql("po.retired_on") + " AND " + ActiveSql("o.retired_on") + " AND " +
                 InScopeSql("po.office_id", 4) +
                 " AND (json_array_length(?5) = 0 OR EXISTS (SELECT 1 FROM entity_employee ee "
                 "WHERE ee.person_office_id = po.person_office_id AND ee.type = 'ROLE' AND " +
                 ActiveSql("ee.retired_on") + " AND " + InScopeSql("ee.entity_id", 5) +
                 ")) AND ?1 = ?1 GROUP BY p.person_id) q "
                 "ORDER BY q.last_name, q.first_name, q.person_id"
           : "SELECT r.office_role_id, r.office_id, json_object('office_role_id', "
             "r.office_role_id, 'code', r.code, 'name', r.name, 'office_id', r.office_id, "
             "'office_name', o.name), '[]' FROM role r JOIN office o ON o.office_id = r.office_id "
             "WHERE r.project_id = ?7 AND " +
                 ActiveSql("r.retired_on") + " AND " + ActiveSql("o.retired_on") + " AND " +
                 InScopeSql("r.office_id", 4) + " AND " + InScopeSql("r.office_role_id", 5) +
                 " AND ?1 = ?1 AND ?3 = ?3 AND json_array_length(?6) >= 0 "
                 "ORDER BY o.name, r.name, r.office_role_id";
  {
    SQLite::Statement st(env.db.raw(), items_sql);
    BindStart(st, c, today);
    while (st.executeStep()) {
      rows.push_back(Row{st.getColumn(0).getString(), st.getColumn(1).getString(),
                         st.getColumn(2).getString(), st.getColumn(3).getString()});
    }
  }
  if (rows.empty()) Fail(Status::Validation("scope", "selects nothing to review"));

  std::map<std::string, std::string> task_of;  // reviewer -> task
  std::vector<std::string> reviewers;          // in order of first appearance
  std::vector<std::string> item_reviewer(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    // No reviewer yet: a provisional task with reviewer "", refused below if the item turns
    // out to have something to review.
    const std::string who = ResolveReviewer(c, rows[i].office_id, user ? rows[i].entity_id : "");
    item_reviewer[i] = who;
    if (!task_of.count(who)) {
      task_of[who] = NewUuid();
      reviewers.push_back(who);
    }
  }
  for (const std::string& who : reviewers) {
    SQLite::Statement& st = env.db.Cached(
        "INSERT INTO review_task (task_id, cert_id, reviewer_id, state, created_at) "
        "VALUES (?, ?, ?, 'ASSIGNED', ?)");
    st.bind(1, task_of[who]);
    st.bind(2, cert_id);
    st.bind(3, who);
    st.bind(4, now);
    st.exec();
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    SQLite::Statement& st = env.db.Cached(
        "INSERT INTO review_line_item (cert_id, task_id, entity_type, entity_id, office_id, "
        "state, snapshot, flags) VALUES (?, ?, ?, ?, ?, 'NEW', ?, ?)");
    st.bind(1, cert_id);
    st.bind(2, task_of[item_reviewer[i]]);
    st.bind(3, user ? "PERSON" : "ROLE");
    st.bind(4, rows[i].entity_id);
    st.bind(5, rows[i].office_id);
    st.bind(6, rows[i].snapshot);
    st.bind(7, rows[i].flags);
    st.exec();
  }

  // The details, one statement per kind.
  const std::string insert =
      "INSERT INTO review_line_item_detail (line_item_id, kind, source_id, person_id, snapshot, "
      "flags, last_decision) ";
  const std::string entity_name =
      "CASE ee.type WHEN 'ROLE' THEN (SELECT x.name FROM role x WHERE x.office_role_id = "
      "ee.entity_id) WHEN 'EQUIPMENT' THEN (SELECT x.name FROM equipment x WHERE "
      "x.office_equipment_id = ee.entity_id) WHEN 'WORK_ENVIRONMENT' THEN (SELECT x.name FROM "
      "work_environment x WHERE x.office_work_environment_id = ee.entity_id) WHEN 'SUBSTANCE' "
      "THEN (SELECT x.name FROM substance x WHERE x.office_substance_id = ee.entity_id) END";
  std::vector<std::string> detail_sql;
  if (user) {
    detail_sql.push_back(
        insert +
        "SELECT li.line_item_id, 'ENTITY_EMPLOYEE', ee.entity_employee_id, po.person_id, "
        "json_object('type', ee.type, 'entity_id', ee.entity_id, 'name', " +
        entity_name +
        ", 'office_id', ee.office_id, 'office_name', o.name, 'retired_on', ee.retired_on), "
        "'[]', " +
        LastDecisionSql("ee.entity_employee_id") +
        " FROM review_line_item li JOIN person_office po ON po.person_id = li.entity_id "
        "JOIN office o ON o.office_id = po.office_id "
        "JOIN entity_employee ee ON ee.person_office_id = po.person_office_id "
        "WHERE li.cert_id = ?1 AND " +
        ActiveSql("po.retired_on") + " AND " + ActiveSql("o.retired_on") + " AND " +
        ActiveSql("ee.retired_on") + " AND " + InScopeSql("po.office_id", 4) +
        " AND (ee.type <> 'ROLE' OR " + InScopeSql("ee.entity_id", 5) +
        ") AND ?3 = ?3 AND json_array_length(?6) >= 0 AND ?7 = ?7 "
        "ORDER BY li.line_item_id, ee.type, ee.entity_employee_id");
    detail_sql.push_back(
        insert +
        "SELECT li.line_item_id, 'WORK_GROUP_PERSON', wgp.work_group_person_id, po.person_id, "
        "json_object('type', 'WORK_GROUP', 'entity_id', wgp.work_group_id, 'name', wg.name, "
        "'office_id', wgp.office_id, 'office_name', o.name, 'retired_on', wgp.retired_on), "
        "'[]', " +
        LastDecisionSql("wgp.work_group_person_id") +
        " FROM review_line_item li JOIN person_office po ON po.person_id = li.entity_id "
        "JOIN office o ON o.office_id = po.office_id "
        "JOIN work_group_person wgp ON wgp.person_office_id = po.person_office_id "
        "JOIN work_group wg ON wg.work_group_id = wgp.work_group_id "
        "WHERE li.cert_id = ?1 AND " +
        ActiveSql("po.retired_on") + " AND " + ActiveSql("o.retired_on") + " AND " +
        ActiveSql("wgp.retired_on") + " AND " + ActiveSql("wg.retired_on") + " AND " +
        InScopeSql("po.office_id", 4) +
        " AND ?3 = ?3 AND json_array_length(?5) >= 0 AND json_array_length(?6) >= 0 AND "
        "?7 = ?7 ORDER BY li.line_item_id, wgp.work_group_person_id");
    detail_sql.push_back(
        insert +
        "SELECT li.line_item_id, 'CERTIFICATE', c.certificate_id, li.entity_id, "
        "json_object('type', 'CERTIFICATE', 'entity_id', c.certificate_id, 'name', c.name, "
        "'action_type', c.action_type, 'date_release', c.date_release, 'date_expire', "
        "c.date_expire), CASE WHEN c.date_expire IS NOT NULL AND c.date_expire < ?2 THEN "
        "'[\"CERTIFICATE_EXPIRED\"]' WHEN c.date_expire IS NOT NULL AND c.date_expire <= ?3 "
        "THEN '[\"CERTIFICATE_EXPIRING\"]' ELSE '[]' END, " +
        LastDecisionSql("c.certificate_id") +
        " FROM review_line_item li JOIN certificate c ON c.resource_id = li.entity_id "
        "WHERE li.cert_id = ?1 AND c.tenant_id = ?7 AND c.date_release <= ?2 AND " +
        InScopeSql("c.action_type", 6) +
        " AND json_array_length(?4) >= 0 AND json_array_length(?5) >= 0 "
        "ORDER BY li.line_item_id, c.date_release, c.certificate_id");
  } else {
    detail_sql.push_back(
        insert +
        "SELECT li.line_item_id, 'ENTITY_EMPLOYEE', ee.entity_employee_id, po.person_id, "
        "json_object('type', 'ROLE', 'person_id', p.person_id, 'code', p.code, 'first_name', "
        "p.first_name, 'last_name', p.last_name, 'retired_on', p.retired_on), " +
        PersonFlagsSql("po.person_id") + ", " + LastDecisionSql("ee.entity_employee_id") +
        " FROM review_line_item li JOIN entity_employee ee ON ee.entity_id = li.entity_id "
        "AND ee.type = 'ROLE' JOIN person_office po ON po.person_office_id = "
        "ee.person_office_id JOIN person p ON p.person_id = po.person_id "
        "WHERE li.cert_id = ?1 AND " +
        ActiveSql("ee.retired_on") + " AND " + ActiveSql("po.retired_on") +
        " AND json_array_length(?4) >= 0 AND json_array_length(?5) >= 0 AND ?7 = ?7 "
        "ORDER BY li.line_item_id, p.last_name, p.first_name, ee.entity_employee_id");
  }
  for (const std::string& sql : detail_sql) {
    SQLite::Statement st(env.db.raw(), sql);
    BindStart(st, c, today);
    st.exec();
  }

  // A person or role with nothing to review is no line item, and a reviewer without items no
  // task: an empty item could never be decided, so its task never signed off.
  {
    SQLite::Statement drop(env.db.raw(),
                           "DELETE FROM review_line_item WHERE cert_id = ? AND NOT EXISTS (SELECT "
                           "1 FROM review_line_item_detail d WHERE d.line_item_id = "
                           "review_line_item.line_item_id)");
    drop.bind(1, cert_id);
    drop.exec();
    SQLite::Statement idle(env.db.raw(),
                           "DELETE FROM review_task WHERE cert_id = ? AND NOT EXISTS (SELECT 1 "
                           "FROM review_line_item l WHERE l.task_id = review_task.task_id)");
    idle.bind(1, cert_id);
    idle.exec();
    std::vector<std::string> kept;
    for (const std::string& who : reviewers) {
      SQLite::Statement& has = env.db.Cached("SELECT 1 FROM review_task WHERE task_id = ?");
      has.bind(1, task_of[who]);
      if (has.executeStep()) kept.push_back(who);
      has.reset();
    }
    reviewers = kept;
    reviewers.erase(std::remove(reviewers.begin(), reviewers.end(), std::string()),
                    reviewers.end());
    if (task_of.count("")) {
      SQLite::Statement& orphan = env.db.Cached(
          "SELECT entity_id, office_id FROM review_line_item WHERE task_id = ? LIMIT 1");
      orphan.bind(1, task_of[""]);
      if (orphan.executeStep()) {
        const std::string what = orphan.getColumn(0).getString();
        const std::string office = orphan.getColumn(1).getString();
        orphan.reset();
        Fail(Status::Validation(
            "reviewer_id", "no reviewer for " + std::string(user ? "person " : "role ") + what +
                               " in office " + office + " (a person never reviews themselves)"));
      }
      orphan.reset();
    }
    if (reviewers.empty()) {
      Fail(Status::Validation("scope", "selects nothing to review (no assignment or certificate)"));
    }
  }
  int64_t item_count = 0;
  {
    SQLite::Statement& n = env.db.Cached("SELECT count(*) FROM review_line_item WHERE cert_id = ?");
    n.bind(1, cert_id);
    n.executeStep();
    item_count = n.getColumn(0).getInt64();
    n.reset();
  }

  SQLite::Statement& up = env.db.Cached(
      "UPDATE review_campaign SET state = 'IN_REVIEW', started_at = ? WHERE cert_id = ?");
  up.bind(1, now);
  up.bind(2, cert_id);
  up.exec();
  EventRow started;
  started.cert_id = cert_id;
  started.action = review::Event("CAMPAIGN_STARTED");
  started.from_state = "CREATED";
  started.to_state = "IN_REVIEW";
  started.data = Json{{"line_items", item_count}, {"tasks", reviewers.size()}};
  AppendEvent(env.db, env.ctx, started);
  for (const std::string& who : reviewers) {
    EventRow requested;
    requested.cert_id = cert_id;
    requested.task_id = task_of[who];
    requested.action = review::Event("REVIEW_REQUESTED");
    requested.recipient = who;
    requested.recipient_task = task_of[who];
    requested.to_state = "ASSIGNED";
    AppendEvent(env.db, env.ctx, requested);
  }
  return CampaignJson(LoadCampaign(env.db, cert_id));
}

// ---- Line-item actions -----------------------------------------------------------------------

namespace {

// The person acting on a task: the reviewer by default; the proxy may act too.
std::string ActorOf(const Task& task, const std::string& actor) {
  if (actor.empty()) return task.reviewer_id;
  if (actor != task.reviewer_id && actor != task.proxy_id) {
    Fail(Status::Conflict("person " + actor + " is neither the reviewer nor the proxy of task " +
                          task.task_id));
  }
  return actor;
}

void ApplyItemAction(ReviewEnv env, const Campaign& c, const Task& task, const std::string& actor,
                     const ReviewLineItemAction& a) {
  const review::ItemAction* action = review::FindItemAction(a.action);
  if (!action) {
    Fail(Status::Validation("action",
                            "must be Certify, CertifyConditionally, Revoke, Abstain, "
                            "Claim, ResetStatus, EditComment or Complete, not '" +
                                a.action + "'"));
  }
  RequireCampaignState(c, "IN_REVIEW", std::string(action->name));
  if (!review::Contains(review::kOpenTaskStates, task.state)) {
    Fail(Status::Conflict("task " + task.task_id + " is " + task.state + ": " +
                          std::string(action->name) + " needs " +
                          review::Alternatives(review::kOpenTaskStates)));
  }
  Item item = LoadItem(env.db, task.task_id, a.line_item_id);
  if (!review::Contains(action->from, item.state)) {
    Fail(Status::Conflict("line item " + std::to_string(item.id) + " is " + item.state + ": " +
                          std::string(action->name) + " needs " +
                          review::Alternatives(action->from)));
  }
  // The details it acts on.
  std::vector<Detail*> targets;
  if (a.line_item_detail_ids.empty()) {
    for (Detail& d : item.details) targets.push_back(&d);
  } else {
    for (int64_t id : a.line_item_detail_ids) {
      auto it = std::find_if(item.details.begin(), item.details.end(),
                             [&](const Detail& d) { return d.id == id; });
      if (it == item.details.end()) {
        Fail(Status::Validation("lineItemDetailIds", "line item " + std::to_string(item.id) +
                                                         " has no detail " + std::to_string(id)));
      }
      targets.push_back(&*it);
    }
  }
  const std::string decision(action->decision);
  const std::string now = review::Now(env.ctx);
  if (!decision.empty()) {
    if (targets.empty()) {
      Fail(Status::Conflict("line item " + std::to_string(item.id) + " has no details to decide"));
    }
    for (const Detail* d : targets) {
      if (d->person_id == actor || d->person_id == task.reviewer_id) {
        Fail(Status::Conflict("a reviewer may not decide about themselves: line item " +
                              std::to_string(item.id) + " detail " + std::to_string(d->id) +
                              " is about person " + d->person_id));
      }
    }
    for (const Json& needed : c.comment_required) {
      if (needed == decision && a.comment.empty()) {
        Fail(Status::Validation("comments", "a " + decision +
                                                " needs a comment (the campaign's "
                                                "comment_required)"));
      }
    }
    if (decision == "CERTIFY_CONDITIONALLY") {
      if (!a.end_date) {
        Fail(Status::Validation("endDate", "CertifyConditionally needs an end date YYYY-MM-DD"));
      }
      if (!(*a.end_date > env.ctx.Today())) {
        Fail(Status::Validation("endDate",
                                "must be after today (" + FormatDate(env.ctx.Today()) + ")"));
      }
    }
  }

  const std::string before = item.state;
  std::string after = before;
  const std::string name(action->name);
  if (!decision.empty() || name == "ResetStatus") {
    for (Detail* d : targets) {
      d->decision = decision;
      d->end_date = decision == "CERTIFY_CONDITIONALLY" ? FormatDate(*a.end_date) : "";
      SQLite::Statement& st = env.db.Cached(
          "UPDATE review_line_item_detail SET decision = ?, end_date = ?, decided_by = ?, "
          "decided_at = ? WHERE line_item_detail_id = ?");
      Store::Bind(st, 1, Nullable(d->decision));
      Store::Bind(st, 2, Nullable(d->end_date));
      Store::Bind(st, 3, decision.empty() ? Json() : Json(actor));
      Store::Bind(st, 4, decision.empty() ? Json() : Json(now));
      st.bind(5, d->id);
      st.exec();
    }
    after = name == "ResetStatus" ? DecidedState(item, "NEW") : DecidedState(item, before);
  } else if (name == "Claim") {
    after = "CLAIMED";
  } else if (name == "Complete") {
    after = "COMPLETE";
  }
  SQLite::Statement& st = env.db.Cached(
      "UPDATE review_line_item SET state = ?, comment = coalesce(?, comment), "
      "certified_by = CASE WHEN ? THEN ? ELSE certified_by END, "
      "certify_date = CASE WHEN ? THEN ? ELSE certify_date END WHERE line_item_id = ?");
  st.bind(1, after);
  Store::Bind(st, 2, a.comment.empty() ? Json() : Json(a.comment));
  st.bind(3, decision.empty() ? 0 : 1);
  st.bind(4, actor);
  st.bind(5, decision.empty() ? 0 : 1);
  st.bind(6, now);
  st.bind(7, item.id);
  st.exec();
  if (name == "ResetStatus" && after == "NEW") {
    SQLite::Statement& clear = env.db.Cached(
        "UPDATE review_line_item SET certified_by = NULL, certify_date = NULL "
        "WHERE line_item_id = ?");
    clear.bind(1, item.id);
    clear.exec();
  }

  EventRow event;
  event.cert_id = c.cert_id;
  event.task_id = task.task_id;
  event.line_item_id = item.id;
  if (targets.size() == 1 && !a.line_item_detail_ids.empty()) {
    event.line_item_detail_id = targets[0]->id;
  }
  event.action = review::Event(action->event);
  event.actor = actor;
  event.from_state = before;
  event.to_state = after;
  event.comment = a.comment;
  Json data = Json::object();
  if (!decision.empty()) data["decision"] = decision;
  if (decision == "CERTIFY_CONDITIONALLY") data["end_date"] = FormatDate(*a.end_date);
  if (a.line_item_detail_ids.size() > 1) data["details"] = a.line_item_detail_ids;
  if (!a.request_id.empty()) data["requestId"] = a.request_id;
  if (!data.empty()) event.data = data;
  AppendEvent(env.db, env.ctx, event);
}

}  // namespace

std::vector<ReviewActionResult> ReviewLineItemActions(
    ReviewEnv env, int64_t cert_id, const std::string& task_id, const std::string& actor,
    const std::vector<ReviewLineItemAction>& actions) {
  const Campaign c = LoadCampaign(env.db, cert_id);
  const Task first = LoadTask(env.db, cert_id, task_id);
  const std::string who = ActorOf(first, actor);
  std::vector<ReviewActionResult> results;
  results.reserve(actions.size());
  for (const ReviewLineItemAction& a : actions) {
    ReviewActionResult r{a.request_id, a.line_item_id, a.action, Status::OK(), false};
    try {
      WriteScope scope(env.db);
      bool replay = false;
      if (!a.request_id.empty()) {
        SQLite::Statement& seen = env.db.Cached(
            "SELECT line_item_id, action FROM review_request WHERE task_id = ? AND "
            "request_id = ?");
        seen.bind(1, task_id);
        seen.bind(2, a.request_id);
        if (seen.executeStep()) {
          const int64_t item = seen.getColumn(0).getInt64();
          const std::string action = seen.getColumn(1).getString();
          seen.reset();
          if (item != a.line_item_id || action != a.action) {
            Fail(Status::Conflict("requestId " + a.request_id + " was already used for " + action +
                                  " on line item " + std::to_string(item)));
          }
          replay = true;
        }
        seen.reset();
      }
      if (replay) {
        r.replayed = true;
      } else {
        // Each action sees the task as the previous one left it.
        ApplyItemAction(env, c, LoadTask(env.db, cert_id, task_id), who, a);
        if (!a.request_id.empty()) {
          SQLite::Statement& note = env.db.Cached(
              "INSERT INTO review_request (task_id, request_id, line_item_id, action) "
              "VALUES (?, ?, ?, ?)");
          note.bind(1, task_id);
          note.bind(2, a.request_id);
          note.bind(3, a.line_item_id);
          note.bind(4, a.action);
          note.exec();
        }
      }
      scope.Commit();
    } catch (const std::bad_alloc&) {
      throw;
    } catch (...) {
      r.status = CurrentExceptionStatus();
    }
    results.push_back(std::move(r));
  }
  // The task's state follows its items once per call: every open state admits the same
  // line-item actions, so no action in between depends on it (and a count per action would
  // make a bulk call quadratic).
  RefreshTaskState(env.db, LoadTask(env.db, cert_id, task_id));
  return results;
}

// ---- Task actions and the closed loop --------------------------------------------------------

namespace {

// Carries out the final decisions of a task's items (sign-off, or expiry with the no-response
// policy for what is undecided) and freezes them.
Json CarryOut(ReviewEnv env, const Campaign& c, const Task& task, const std::string& actor,
              bool expiry) {
  const Date today = env.ctx.Today();
  const std::string today_text = FormatDate(today);
  Json effects = Json::array();
  std::vector<int64_t> items;
  {
    SQLite::Statement& st = env.db.Cached(
        "SELECT line_item_id FROM review_line_item WHERE task_id = ? AND state <> 'FINAL' "
        "ORDER BY line_item_id");
    st.bind(1, task.task_id);
    while (st.executeStep()) items.push_back(st.getColumn(0).getInt64());
    st.reset();
  }
  for (int64_t id : items) {
    Item item = LoadItem(env.db, task.task_id, id);
    bool auto_decided = false;
    for (Detail& d : item.details) {
      std::string decision = d.decision;
      std::string outcome;
      if (decision.empty()) {
        // Only expiry reaches here with undecided details: sign-off needs every one decided.
        decision = c.no_response == "revoke" ? "REVOKE" : "CERTIFY";
        auto_decided = true;
        SQLite::Statement& st = env.db.Cached(
            "UPDATE review_line_item_detail SET decision = ?, decided_by = 'system', "
            "decided_at = ? WHERE line_item_detail_id = ?");
        st.bind(1, decision);
        st.bind(2, review::Now(env.ctx));
        st.bind(3, d.id);
        st.exec();
      }
      std::string effect_on;
      EventRow event;
      event.cert_id = c.cert_id;
      event.task_id = task.task_id;
      event.line_item_id = item.id;
      event.line_item_detail_id = d.id;
      event.actor = expiry ? "system" : actor;
      if (decision == "REVOKE" || decision == "CERTIFY_CONDITIONALLY") {
        // A certificate is revoked (revoked_on), an assignment retired (retired_on): both end
        // on the same day, today for REVOKE and the end date for CERTIFY_CONDITIONALLY.
        const bool certificate = d.kind == "CERTIFICATE";
        const Entity& e = certificate ? *FindEntity("certificate") : EntityOfKind(d.kind);
        const char* ended_field = certificate ? "revoked_on" : "retired_on";
        const char* ended_state = certificate ? "REVOKED_ON " : "RETIRED_ON ";
        Json row = env.store.View(e, d.source_id);
        const Date when = decision == "REVOKE" ? today : *ParseDate(d.end_date);
        const Json& ended = row[ended_field];
        event.from_state = ended.is_null() ? "ACTIVE" : ended_state + ended.get<std::string>();
        event.data =
            Json{{"collection", std::string(e.collection)}, {"id", d.source_id}, {"before", row}};
        if (!ended.is_null() && *ParseDate(ended.get<std::string>()) <= when) {
          outcome = "OBJECT_GONE";
          event.action = review::Event("OBJECT_GONE");
          event.to_state = event.from_state;
        } else {
          if (certificate) {
            env.store.SetRevoked(d.source_id, when,
                                 "review campaign " + std::to_string(c.cert_id) + ", line item " +
                                     std::to_string(item.id) + ": " + decision);
          } else {
            env.store.SetRetired(e, d.source_id, when);
          }
          effect_on = FormatDate(when);
          const bool now = decision == "REVOKE";
          outcome = certificate ? (now ? "REVOKED" : "REVOKE_SCHEDULED")
                                : (now ? "RETIRED" : "RETIRE_SCHEDULED");
          event.action = review::Event(
              certificate ? (now ? "CERTIFICATE_REVOKED" : "CERTIFICATE_REVOKE_SCHEDULED")
                          : (now ? "ASSIGNMENT_RETIRED" : "ASSIGNMENT_END_DATE_SET"));
          event.to_state = ended_state + effect_on;
        }
        event.cert_state = CertState(c.state);
        AppendEvent(env.db, env.ctx, event);
        effects.push_back(Json{{"lineItemId", item.id},
                               {"lineItemDetailId", d.id},
                               {"outcome", outcome},
                               {"effectOn", Nullable(effect_on)}});
      } else {
        outcome = "KEPT";
      }
      SQLite::Statement& st = env.db.Cached(
          "UPDATE review_line_item_detail SET outcome = ?, effect_on = ? "
          "WHERE line_item_detail_id = ?");
      st.bind(1, outcome);
      Store::Bind(st, 2, Nullable(effect_on));
      st.bind(3, d.id);
      st.exec();
    }
    if (auto_decided) {
      EventRow event;
      event.cert_id = c.cert_id;
      event.task_id = task.task_id;
      event.line_item_id = item.id;
      event.action = review::Event("ITEM_AUTO_DECIDED");
      event.from_state = item.state;
      event.to_state = "FINAL";
      event.data = Json{{"no_response", c.no_response}};
      AppendEvent(env.db, env.ctx, event);
    }
    SQLite::Statement& st =
        env.db.Cached("UPDATE review_line_item SET state = 'FINAL' WHERE line_item_id = ?");
    st.bind(1, item.id);
    st.exec();
  }
  return effects;
}

// Closes the campaign once no task is open; returns whether it did.
bool CloseIfDone(ReviewEnv env, int64_t cert_id) {
  SQLite::Statement& st = env.db.Cached(
      "SELECT count(*) FROM review_task WHERE cert_id = ? AND state NOT IN ('SIGNED_OFF', "
      "'REASSIGNED', 'EXPIRED')");
  st.bind(1, cert_id);
  st.executeStep();
  const int64_t open = st.getColumn(0).getInt64();
  st.reset();
  if (open > 0) return false;
  SQLite::Statement& up =
      env.db.Cached("UPDATE review_campaign SET state = 'CLOSED', closed_at = ? WHERE cert_id = ?");
  up.bind(1, review::Now(env.ctx));
  up.bind(2, cert_id);
  up.exec();
  EventRow event;
  event.cert_id = cert_id;
  event.action = review::Event("CAMPAIGN_CLOSED");
  event.cert_state = CertState("CLOSED");
  event.from_state = "IN_REVIEW";
  event.to_state = "CLOSED";
  AppendEvent(env.db, env.ctx, event);
  return true;
}

std::string DisplayName(Db& db, const std::string& person) {
  if (person.empty() || person == "system") return person.empty() ? "" : "System";
  SQLite::Statement& st =
      db.Cached("SELECT first_name || ' ' || last_name FROM person WHERE person_id = ?");
  st.bind(1, person);
  std::string name = st.executeStep() ? st.getColumn(0).getString() : person;
  st.reset();
  return name;
}

}  // namespace

Json ReviewTaskAction(ReviewEnv env, int64_t cert_id, const std::string& task_id,
                      const std::string& actor_in, const std::string& action_name,
                      const Json& args) {
  const review::TaskAction* action = review::FindTaskAction(action_name);
  if (!action) {
    Fail(Status::Validation("action",
                            "must be suspend, resume, reassign, proxy, expire, signoff "
                            "(complete) or reset, not '" +
                                action_name + "'"));
  }
  const Campaign c = LoadCampaign(env.db, cert_id);
  Task task = LoadTask(env.db, cert_id, task_id);
  RequireCampaignState(c, "IN_REVIEW", std::string(action->name));
  const std::string name(action->name);
  // Expiry is the system's (or the owner's) act, not only the reviewer's.
  const std::string actor = name == "expire" && !actor_in.empty() && actor_in != task.reviewer_id
                                ? actor_in
                                : ActorOf(task, actor_in);
  if (!review::Contains(action->from, task.state)) {
    Fail(Status::Conflict("task " + task_id + " is " + task.state + ": " + name + " needs " +
                          review::Alternatives(action->from)));
  }
  const std::string comment = args.is_object() ? Str(args, "comment") : "";
  std::string recipient = args.is_object() ? Str(args, "recipient") : "";
  if (name == "reassign" || name == "proxy") {
    if (recipient.empty()) Fail(Status::Validation("recipient", "is required for " + name));
    if (!PersonOfProject(env.db, c.project_id, recipient)) {
      Fail(Status::Validation("recipient",
                              "no person " + recipient + " in project " + c.project_id));
    }
    if (recipient == task.reviewer_id) {
      Fail(Status::Validation("recipient", "is already the task's reviewer"));
    }
  }
  std::string to = action->to == "*"    ? task.suspended_from
                   : action->to.empty() ? task.state
                                        : std::string(action->to);
  EventRow event;
  event.cert_id = cert_id;
  event.task_id = task_id;
  event.action = review::Event(action->event);
  event.actor = actor;
  event.from_state = task.state;
  event.to_state = to;
  event.comment = comment;
  Json result = Json::object();
  if (name == "suspend") {
    SQLite::Statement& st = env.db.Cached(
        "UPDATE review_task SET state = 'SUSPENDED', suspended_from = state WHERE task_id = ?");
    st.bind(1, task_id);
    st.exec();
  } else if (name == "resume") {
    SQLite::Statement& st = env.db.Cached(
        "UPDATE review_task SET state = suspended_from, suspended_from = NULL WHERE task_id = ?");
    st.bind(1, task_id);
    st.exec();
  } else if (name == "proxy") {
    SQLite::Statement& st = env.db.Cached("UPDATE review_task SET proxy_id = ? WHERE task_id = ?");
    st.bind(1, recipient);
    st.bind(2, task_id);
    st.exec();
    event.recipient = recipient;
    event.recipient_task = task_id;
  } else if (name == "reassign") {
    const std::string fresh = NewUuid();
    SQLite::Statement& ins = env.db.Cached(
        "INSERT INTO review_task (task_id, cert_id, reviewer_id, state, created_at) "
        "VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, fresh);
    ins.bind(2, cert_id);
    ins.bind(3, recipient);
    // The new task takes the items as they are; a suspended task's new one is open again.
    ins.bind(4, task.state == "SUSPENDED" ? task.suspended_from : task.state);
    ins.bind(5, review::Now(env.ctx));
    ins.exec();
    SQLite::Statement& move =
        env.db.Cached("UPDATE review_line_item SET task_id = ? WHERE task_id = ?");
    move.bind(1, fresh);
    move.bind(2, task_id);
    move.exec();
    SQLite::Statement& old = env.db.Cached(
        "UPDATE review_task SET state = 'REASSIGNED', reassigned_to = ? WHERE task_id = ?");
    old.bind(1, fresh);
    old.bind(2, task_id);
    old.exec();
    event.recipient = recipient;
    event.recipient_task = fresh;
    result["newTaskId"] = fresh;
  } else if (name == "reset") {
    SQLite::Statement& d = env.db.Cached(
        "UPDATE review_line_item_detail SET decision = NULL, end_date = NULL, decided_by = NULL, "
        "decided_at = NULL WHERE line_item_id IN (SELECT line_item_id FROM review_line_item "
        "WHERE task_id = ?)");
    d.bind(1, task_id);
    d.exec();
    SQLite::Statement& i = env.db.Cached(
        "UPDATE review_line_item SET state = 'NEW', certified_by = NULL, certify_date = NULL "
        "WHERE task_id = ?");
    i.bind(1, task_id);
    i.exec();
    SetTaskState(env.db, task_id, "ASSIGNED");
  } else if (name == "signoff" || name == "expire") {
    // The state change first, so the effects' events follow the decision that caused them.
    SQLite::Statement& st = env.db.Cached(
        "UPDATE review_task SET state = ?, signed_off_at = ?, suspended_from = NULL "
        "WHERE task_id = ?");
    st.bind(1, to);
    st.bind(2, review::Now(env.ctx));
    st.bind(3, task_id);
    st.exec();
  }
  event.cert_state = CertState(c.state);
  AppendEvent(env.db, env.ctx, event);
  if (name == "signoff" || name == "expire") {
    result["effects"] = CarryOut(env, c, task, actor, name == "expire");
  }
  if (name == "signoff" || name == "expire" || name == "reassign") {
    result["campaignClosed"] = CloseIfDone(env, cert_id);
  }
  task = LoadTask(env.db, cert_id, task_id);
  result["state"] = task.state;
  Json assignees = Json::array({DisplayName(env.db, task.reviewer_id)});
  if (!task.proxy_id.empty()) assignees.push_back(DisplayName(env.db, task.proxy_id));
  result["assignees"] = assignees;
  return result;
}

Json CloseDueReviews(ReviewEnv env) {
  const std::string today = FormatDate(env.ctx.Today());
  std::vector<std::pair<int64_t, std::string>> due;
  {
    SQLite::Statement st(env.db.raw(),
                         "SELECT t.cert_id, t.task_id FROM review_task t JOIN review_campaign c "
                         "ON c.cert_id = t.cert_id WHERE c.state = 'IN_REVIEW' AND c.deadline < ? "
                         "AND t.state IN ('ASSIGNED', 'IN_PROGRESS', 'DECISIONS_COMPLETE', "
                         "'SUSPENDED') ORDER BY t.cert_id, t.created_at, t.task_id");
    st.bind(1, today);
    while (st.executeStep())
      due.emplace_back(st.getColumn(0).getInt64(), st.getColumn(1).getString());
  }
  Json closed = Json::array();
  for (const auto& [cert_id, task_id] : due) {
    Json r = ReviewTaskAction(env, cert_id, task_id, "system", "expire", Json::object());
    if (r.value("campaignClosed", false)) closed.push_back(cert_id);
  }
  return Json{{"expired_tasks", due.size()}, {"closed_campaigns", closed}};
}

// ---- Reads in the shapes of seeds 002/003 ------------------------------------------------------

namespace {

std::string Base() { return std::string(kReviewBase); }

ReviewPage CheckPage(ReviewPage page) {
  std::vector<FieldError> errors;
  if (page.offset < 0) errors.push_back({"offset", "must be 1 or more"});
  if (page.limit < 1 || page.limit > 10000) errors.push_back({"limit", "must be 1 to 10000"});
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  if (page.offset == 0) page.offset = 1;
  return page;
}

Json Link(const std::string& rel, const std::string& href) {
  return Json{{"rel", rel}, {"href", href}};
}

// links, count, hasMore, totalResult of one page of total rows at path.
void PageFields(Json& out, const std::string& path, ReviewPage page, int64_t count, int64_t total) {
  auto at = [&](int64_t offset) {
    return path + "?offset=" + std::to_string(offset) + "&limit=" + std::to_string(page.limit);
  };
  const int64_t last = total == 0 ? 1 : ((total - 1) / page.limit) * page.limit + 1;
  out["links"] =
      Json::array({Link("self", at(page.offset)), Link("first", at(1)), Link("last", at(last))});
  out["count"] = count;
  out["hasMore"] = page.offset - 1 + count < total;
  out["totalResult"] = total;
}

std::string TypeWord(const std::string& type) { return type == "USER" ? "User" : "Role"; }

std::string TaskPath(int64_t cert_id, const std::string& task_id) {
  return Base() + "/certifications/" + std::to_string(cert_id) + "/tasks/" + task_id;
}

// One entry of /certifications and /certifications/{certid}/tasks (seed 003).
Json TaskEntry(Db& db, const Campaign& c, const Task& t) {
  return Json{{"links", Json::array({Link("self", TaskPath(c.cert_id, t.task_id))})},
              {"state", t.state},
              {"status", review::NumberOf(review::kTaskStates, t.state).value_or(0)},
              {"name", c.name + " [ " + DisplayName(db, t.reviewer_id) + " ]"},
              {"type", TypeWord(c.type)},
              {"id", std::to_string(c.cert_id)},
              {"asignee", t.reviewer_id},
              {"proxy", Nullable(t.proxy_id)},
              {"createdDate", t.created_at},
              {"certState", CertState(c.state)},
              {"deadline", c.deadline},
              {"taskId", t.task_id}};
}

std::vector<Task> TasksWhere(Db& db, const std::string& where, const std::vector<Json>& binds,
                             ReviewPage page, int64_t& total) {
  {
    SQLite::Statement st(db.raw(), "SELECT count(*) FROM review_task t WHERE " + where);
    for (size_t i = 0; i < binds.size(); ++i) Store::Bind(st, static_cast<int>(i) + 1, binds[i]);
    st.executeStep();
    total = st.getColumn(0).getInt64();
  }
  SQLite::Statement st(db.raw(), "SELECT t.cert_id, t.task_id FROM review_task t WHERE " + where +
                                     " ORDER BY t.cert_id, t.created_at, t.task_id LIMIT ? "
                                     "OFFSET ?");
  int i = 1;
  for (const Json& b : binds) Store::Bind(st, i++, b);
  st.bind(i++, page.limit);
  st.bind(i, page.offset - 1);
  std::vector<std::pair<int64_t, std::string>> ids;
  while (st.executeStep())
    ids.emplace_back(st.getColumn(0).getInt64(), st.getColumn(1).getString());
  std::vector<Task> tasks;
  for (const auto& [cert, task] : ids) tasks.push_back(LoadTask(db, cert, task));
  return tasks;
}

}  // namespace

Json ReviewCampaigns(ReviewEnv env, const std::string& reviewer, ReviewPage page) {
  page = CheckPage(page);
  int64_t total = 0;
  std::vector<Json> binds;
  std::string where = "1";
  if (!reviewer.empty()) {
    where = "(t.reviewer_id = ? OR t.proxy_id = ?)";
    binds = {reviewer, reviewer};
  }
  std::vector<Task> tasks = TasksWhere(env.db, where, binds, page, total);
  Json out = Json::object();
  PageFields(out, Base() + "/certifications", page, static_cast<int64_t>(tasks.size()), total);
  Json list = Json::array();
  for (const Task& t : tasks) list.push_back(TaskEntry(env.db, LoadCampaign(env.db, t.cert_id), t));
  out["certifications"] = list;
  return out;
}

Json ReviewTasks(ReviewEnv env, int64_t cert_id, const std::string& reviewer, ReviewPage page) {
  page = CheckPage(page);
  const Campaign c = LoadCampaign(env.db, cert_id);
  int64_t total = 0;
  std::vector<Json> binds = {cert_id};
  std::string where = "t.cert_id = ?";
  if (!reviewer.empty()) {
    where += " AND (t.reviewer_id = ? OR t.proxy_id = ?)";
    binds.push_back(reviewer);
    binds.push_back(reviewer);
  }
  std::vector<Task> tasks = TasksWhere(env.db, where, binds, page, total);
  Json out = Json::object();
  PageFields(out, Base() + "/certifications/" + std::to_string(cert_id) + "/tasks", page,
             static_cast<int64_t>(tasks.size()), total);
  Json list = Json::array();
  for (const Task& t : tasks) list.push_back(TaskEntry(env.db, c, t));
  out["certifications"] = list;
  return out;
}

Json ReviewCampaignDetails(ReviewEnv env, int64_t cert_id) {
  const Campaign c = LoadCampaign(env.db, cert_id);
  int64_t items = 0, details = 0, decided = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> by_type;  // type -> decided, total
  {
    SQLite::Statement& st = env.db.Cached(
        "SELECT json_extract(d.snapshot, '$.type'), count(*), sum(d.decision IS NOT NULL) "
        "FROM review_line_item_detail d JOIN review_line_item l ON l.line_item_id = "
        "d.line_item_id WHERE l.cert_id = ? GROUP BY 1");
    st.bind(1, cert_id);
    while (st.executeStep()) {
      const int64_t n = st.getColumn(1).getInt64(), k = st.getColumn(2).getInt64();
      by_type[c.type == "ROLE" ? "HOLDER" : st.getColumn(0).getString()] = {k, n};
      details += n;
      decided += k;
    }
    st.reset();
    SQLite::Statement& n = env.db.Cached("SELECT count(*) FROM review_line_item WHERE cert_id = ?");
    n.bind(1, cert_id);
    n.executeStep();
    items = n.getColumn(0).getInt64();
    n.reset();
  }
  std::vector<std::string> reviewers;
  {
    SQLite::Statement& st = env.db.Cached(
        "SELECT DISTINCT reviewer_id FROM review_task WHERE cert_id = ? AND state <> "
        "'REASSIGNED' ORDER BY reviewer_id");
    st.bind(1, cert_id);
    while (st.executeStep()) reviewers.push_back(st.getColumn(0).getString());
    st.reset();
  }
  auto def = [](const std::string& name, const Json& value) {
    return Json{{"name", name}, {"value", value}};
  };
  auto completed = [&](const std::string& type) {
    auto it = by_type.find(type);
    const auto [k, n] = it == by_type.end() ? std::pair<int64_t, int64_t>{0, 0} : it->second;
    return std::to_string(k) + " of " + std::to_string(n) + " completed";
  };
  Json defs =
      Json::array({def("status", c.state), def("certState", CertState(c.state)),
                   def("assignee", Json(reviewers)), def("createdDate", c.created_at),
                   def("name", c.name), def("id", std::to_string(c.cert_id)),
                   def("percentComplete", details == 0 ? 0 : decided * 100 / details),
                   def("type", TypeWord(c.type)), def(c.type == "USER" ? "users" : "roles", items),
                   def("deadline", c.deadline), def("noResponse", c.no_response),
                   def("projectId", c.project_id)});
  if (c.type == "USER") {
    defs.push_back(def("roleAssignments", completed("ROLE")));
    defs.push_back(def("equipmentAssignments", completed("EQUIPMENT")));
    defs.push_back(def("workEnvironmentAssignments", completed("WORK_ENVIRONMENT")));
    defs.push_back(def("substanceAssignments", completed("SUBSTANCE")));
    defs.push_back(def("workGroupAssignments", completed("WORK_GROUP")));
    defs.push_back(def("certificateAssignments", completed("CERTIFICATE")));
  } else {
    defs.push_back(def("roleAssignments", completed("HOLDER")));
  }
  return Json{
      {"links", Json::array({Link("self", Base() + "/certifications/" + std::to_string(cert_id))})},
      {"certificationDefinitions", defs}};
}

Json ReviewTaskDetails(ReviewEnv env, int64_t cert_id, const std::string& task_id) {
  const Campaign c = LoadCampaign(env.db, cert_id);
  const Task t = LoadTask(env.db, cert_id, task_id);
  SQLite::Statement& st = env.db.Cached(
      "SELECT count(*), sum(d.decision IS NOT NULL) FROM review_line_item_detail d JOIN "
      "review_line_item l ON l.line_item_id = d.line_item_id WHERE l.task_id = ?");
  st.bind(1, task_id);
  st.executeStep();
  const int64_t total = st.getColumn(0).getInt64();
  const int64_t decided = st.getColumn(1).isNull() ? 0 : st.getColumn(1).getInt64();
  st.reset();
  Json reviewer{{"links", Json::array({Link("reviewer", "/v2/person/view/" + t.reviewer_id)})},
                {"id", t.reviewer_id},
                {"displayName", DisplayName(env.db, t.reviewer_id)}};
  Json out{{"links", Json::array({Link("self", TaskPath(cert_id, task_id))})},
           {"taskId", t.task_id},
           {"taskName", c.name + " [ " + DisplayName(env.db, t.reviewer_id) + " ]"},
           {"reviewer", reviewer},
           {"status", review::NumberOf(review::kTaskStates, t.state).value_or(0)},
           {"state", t.state},
           {"certificationInstance", Json{{"id", std::to_string(cert_id)}}},
           {"startDate", t.created_at},
           {"certificationDate", Nullable(t.signed_off_at)},
           {"certificationState", std::to_string(CertState(c.state))},
           {"percentComplete", total == 0 ? 0 : decided * 100 / total},
           {"deadline", c.deadline}};
  if (!t.proxy_id.empty()) {
    out["proxy"] = Json{{"id", t.proxy_id}, {"displayName", DisplayName(env.db, t.proxy_id)}};
  }
  return out;
}

namespace {

std::string ItemPath(int64_t cert_id, const std::string& task_id, int64_t item) {
  return TaskPath(cert_id, task_id) + "/lineitems/" + std::to_string(item);
}

constexpr const char* kItemSelect =
    "SELECT l.line_item_id, l.entity_type, l.entity_id, l.state, l.comment, l.snapshot, l.flags, "
    "l.certified_by, l.certify_date, count(d.line_item_detail_id), "
    "coalesce(sum(d.decision IS NOT NULL), 0), count(DISTINCT d.decision), min(d.decision), "
    "coalesce(sum(json_extract(d.snapshot, '$.type') = 'ROLE'), 0), "
    "coalesce(sum(json_extract(d.snapshot, '$.type') = 'EQUIPMENT'), 0), "
    "coalesce(sum(json_extract(d.snapshot, '$.type') = 'WORK_ENVIRONMENT'), 0), "
    "coalesce(sum(json_extract(d.snapshot, '$.type') = 'SUBSTANCE'), 0), "
    "coalesce(sum(json_extract(d.snapshot, '$.type') = 'WORK_GROUP'), 0), "
    "coalesce(sum(json_extract(d.snapshot, '$.type') = 'CERTIFICATE'), 0) "
    "FROM review_line_item l LEFT JOIN review_line_item_detail d ON d.line_item_id = "
    "l.line_item_id ";

Json ItemJson(int64_t cert_id, const std::string& task_id, SQLite::Statement& st) {
  const int64_t id = st.getColumn(0).getInt64();
  const std::string type = st.getColumn(1).getString();
  const int64_t total = st.getColumn(9).getInt64(), decided = st.getColumn(10).getInt64();
  const int64_t kinds = st.getColumn(11).getInt64();
  std::string decision = kinds == 1 && decided == total && !st.getColumn(12).isNull()
                             ? st.getColumn(12).getString()
                             : "";
  std::string status = decided == 0        ? "NEW"
                       : !decision.empty() ? std::string(review::DecisionStatus(decision))
                                           : "PARTIAL_CERTIFIED";
  Json snap = Json::parse(st.getColumn(5).getString());
  auto text = [&](int i) {
    return st.getColumn(i).isNull() ? Json() : Json(st.getColumn(i).getString());
  };
  Json out{{"links", Json::array({Link("self", ItemPath(cert_id, task_id, id))})},
           {"id", id},
           {"lineItemId", id},
           {"action",
            std::to_string(
                decision.empty() ? 0 : review::NumberOf(review::kDecisions, decision).value_or(0))},
           {"status", status},
           {"state", st.getColumn(3).getString()},
           {"percentComplete", total == 0 ? 0 : decided * 100 / total},
           {"certifiedBy", text(7)},
           {"certifyDate", text(8)},
           {"comments", text(4)},
           {"entityId", st.getColumn(2).getString()},
           {"entityType", type},
           {"flags", Json::parse(st.getColumn(6).getString())}};
  if (type == "PERSON") {
    const std::string first = snap.value("first_name", ""), last = snap.value("last_name", "");
    out["userLogin"] = snap.value("code", Json());
    out["firstName"] = first;
    out["lastName"] = last;
    out["fullName"] = last + ", " + first;
    out["identityStatus"] = snap.value("retired_on", Json()).is_null() ? "Active" : "Retired";
    out["employeeType"] = snap.value("contract_type", Json());
    out["organization"] = snap.value("office_name", Json());
    out["roles"] = st.getColumn(13).getInt64();
    out["equipment"] = st.getColumn(14).getInt64();
    out["workEnvironments"] = st.getColumn(15).getInt64();
    out["substances"] = st.getColumn(16).getInt64();
    out["workGroups"] = st.getColumn(17).getInt64();
    out["certificates"] = st.getColumn(18).getInt64();
  } else {
    out["name"] = snap.value("name", "");
    out["displayName"] = snap.value("name", "");
    out["organization"] = snap.value("office_name", Json());
    out["holders"] = total;
  }
  return out;
}

std::string Category(const std::string& type) {
  if (type == "ROLE") return "Role";
  if (type == "EQUIPMENT") return "Equipment";
  if (type == "WORK_ENVIRONMENT") return "WorkEnvironment";
  if (type == "SUBSTANCE") return "Substance";
  if (type == "WORK_GROUP") return "WorkGroup";
  return "Certificate";
}

int DecisionNumber(const SQLite::Column& c) {
  return c.isNull() ? 0 : review::NumberOf(review::kDecisions, c.getString()).value_or(0);
}

}  // namespace

Json ReviewLineItems(ReviewEnv env, int64_t cert_id, const std::string& task_id, ReviewPage page) {
  page = CheckPage(page);
  LoadTask(env.db, cert_id, task_id);
  SQLite::Statement& n = env.db.Cached("SELECT count(*) FROM review_line_item WHERE task_id = ?");
  n.bind(1, task_id);
  n.executeStep();
  const int64_t total = n.getColumn(0).getInt64();
  n.reset();
  SQLite::Statement& st = env.db.Cached(
      std::string(kItemSelect) +
      "WHERE l.task_id = ? GROUP BY l.line_item_id ORDER BY l.line_item_id LIMIT ? OFFSET ?");
  st.bind(1, task_id);
  st.bind(2, page.limit);
  st.bind(3, page.offset - 1);
  Json list = Json::array();
  while (st.executeStep()) list.push_back(ItemJson(cert_id, task_id, st));
  st.reset();
  Json out = Json::object();
  PageFields(out, TaskPath(cert_id, task_id) + "/lineitems", page,
             static_cast<int64_t>(list.size()), total);
  out["certLineItemList"] = list;
  return out;
}

Json ReviewLineItemDetails(ReviewEnv env, int64_t cert_id, const std::string& task_id,
                           int64_t line_item_id, ReviewPage page) {
  page = CheckPage(page);
  LoadTask(env.db, cert_id, task_id);
  Item item = LoadItem(env.db, task_id, line_item_id);
  const int64_t total = static_cast<int64_t>(item.details.size());
  SQLite::Statement& st = env.db.Cached(
      "SELECT line_item_detail_id, kind, source_id, person_id, snapshot, flags, last_decision, "
      "decision, end_date, decided_by, decided_at, outcome, effect_on FROM "
      "review_line_item_detail WHERE line_item_id = ? ORDER BY line_item_detail_id LIMIT ? "
      "OFFSET ?");
  st.bind(1, line_item_id);
  st.bind(2, page.limit);
  st.bind(3, page.offset - 1);
  Json list = Json::array();
  auto text = [&](int i) {
    return st.getColumn(i).isNull() ? Json() : Json(st.getColumn(i).getString());
  };
  while (st.executeStep()) {
    Json snap = Json::parse(st.getColumn(4).getString());
    const std::string type = snap.value("type", "");
    std::string name =
        snap.value("name", Json()).is_string() ? snap["name"].get<std::string>() : "";
    if (snap.contains("first_name")) {
      name = snap.value("first_name", "") + " " + snap.value("last_name", "");
    }
    list.push_back(Json{{"id", st.getColumn(0).getInt64()},
                        {"lineItemDetailId", st.getColumn(0).getInt64()},
                        {"entityId", st.getColumn(2).getString()},
                        {"parentEntityId", line_item_id},
                        {"entityType", st.getColumn(1).getString()},
                        {"category", Category(type)},
                        {"catalogType", Category(type)},
                        {"userId", st.getColumn(3).getString()},
                        {"name", name},
                        {"displayName", name},
                        {"lastReviewerId", text(9)},
                        {"lastReviewerTaskUid", task_id},
                        {"lastDecision", DecisionNumber(st.getColumn(6))},
                        {"action", DecisionNumber(st.getColumn(7))},
                        {"decision", text(7)},
                        {"endDate", text(8)},
                        {"certifiedBy", text(9)},
                        {"certifyDate", text(10)},
                        {"outcome", text(11)},
                        {"effectOn", text(12)},
                        {"flags", Json::parse(st.getColumn(5).getString())},
                        {"snapshot", snap}});
  }
  st.reset();
  Json out = Json::object();
  PageFields(out, ItemPath(cert_id, task_id, line_item_id), page, static_cast<int64_t>(list.size()),
             total);
  out["lineItemDetails"] = list;
  return out;
}

namespace {

struct EventJson {
  int64_t id = 0;
  int64_t item = 0;    // 0: task level
  int64_t detail = 0;  // 0: the whole item (or data.details)
  Json details;        // data.details, when the event names several
  Json json;
};

// Appends a field to an object built here, whose keys are distinct by construction. A history
// of 10,000 events is some 150,000 fields: ordered_json's operator[] searches the keys already
// there, and a braced initializer builds each field as a two-element array, then copies it, so
// a history built that way spent most of its time allocating and freeing.
void Put(Json& object, std::string key, Json value) {
  object.get_ref<Json::object_t&>().emplace_back(std::move(key), std::move(value));
}

Json Object(size_t fields) {
  Json object = Json::object();
  object.get_ref<Json::object_t&>().reserve(fields);
  return object;
}

Json TextOrNull(const SQLite::Column& column) {
  return column.isNull() ? Json() : Json(column.getString());
}

constexpr const char* kEventColumns =
    "SELECT event_id, line_item_id, line_item_detail_id, action, cert_state, actor_id, "
    "recipient_id, recipient_task_id, from_state, to_state, comment, data, event_timestamp, "
    "task_id FROM review_event WHERE ";

}  // namespace

Json ReviewTaskHistory(ReviewEnv env, int64_t cert_id, const std::string& task_id,
                       ReviewPage page) {
  page = CheckPage(page);
  const Campaign c = LoadCampaign(env.db, cert_id);
  LoadTask(env.db, cert_id, task_id);
  std::map<std::string, std::string> names;
  auto name_of = [&](const std::string& person) -> const std::string& {
    auto it = names.find(person);
    if (it == names.end()) it = names.emplace(person, DisplayName(env.db, person)).first;
    return it->second;
  };
  auto read = [&](SQLite::Statement& st, std::vector<EventJson>& into) {
    // The row's columns, taken once: each getColumn() copies the statement's shared pointer,
    // some twenty atomic updates per event otherwise.
    std::vector<SQLite::Column> col;
    while (st.executeStep()) {
      if (col.empty()) {
        for (int i = 0; i < 14; ++i) col.push_back(st.getColumn(i));
      }
      EventJson e;
      e.id = col[0].getInt64();
      e.item = col[1].isNull() ? 0 : col[1].getInt64();
      e.detail = col[2].isNull() ? 0 : col[2].getInt64();
      Json data = col[11].isNull() ? Json() : Json::parse(col[11].getString());
      if (data.is_object() && data.contains("details")) e.details = data["details"];
      std::string actor = col[5].getString();
      const std::string& actor_name = name_of(actor);
      const int action = col[3].getInt();
      Json j = Object(15);
      Put(j, "action", action);
      Put(j, "actionName", review::NameOf(review::kEvents, action));
      Put(j, "actorId", std::move(actor));
      Put(j, "actorDisplayName", actor_name);
      Put(j, "actorTaskUID", TextOrNull(col[13]));
      Put(j, "certState", col[4].getInt());
      Put(j, "eventId", e.id);
      Put(j, "eventTimestamp", col[12].getString());
      if (!col[6].isNull()) {
        std::string recipient = col[6].getString();
        const std::string& recipient_name = name_of(recipient);
        Put(j, "recipientId", std::move(recipient));
        Put(j, "recipientDisplayName", recipient_name);
      }
      if (!col[7].isNull()) Put(j, "recipientTaskUID", col[7].getString());
      if (!col[8].isNull()) Put(j, "fromState", col[8].getString());
      if (!col[9].isNull()) Put(j, "toState", col[9].getString());
      if (!col[10].isNull()) Put(j, "comments", col[10].getString());
      if (!data.is_null()) Put(j, "data", std::move(data));
      e.json = std::move(j);
      into.push_back(std::move(e));
    }
    col.clear();
    st.reset();
  };
  int64_t total = 0;
  std::vector<int64_t> items;
  {
    SQLite::Statement& n = env.db.Cached("SELECT count(*) FROM review_line_item WHERE task_id = ?");
    n.bind(1, task_id);
    n.executeStep();
    total = n.getColumn(0).getInt64();
    n.reset();
    SQLite::Statement& st = env.db.Cached(
        "SELECT line_item_id FROM review_line_item WHERE task_id = ? ORDER BY line_item_id "
        "LIMIT ? OFFSET ?");
    st.bind(1, task_id);
    st.bind(2, page.limit);
    st.bind(3, page.offset - 1);
    while (st.executeStep()) items.push_back(st.getColumn(0).getInt64());
    st.reset();
  }
  // Only the events of the page's line items are read, in the order of the (line_item_id,
  // event_id) index, so neither the task's other items nor a sort cost anything: reading every
  // event of a 10,000-item task and sorting them was half of a history's time.
  std::vector<EventJson> task_level;
  {
    SQLite::Statement& st = env.db.Cached(std::string(kEventColumns) +
                                          "task_id = ? AND line_item_id IS NULL ORDER BY event_id");
    st.bind(1, task_id);
    read(st, task_level);
  }
  std::vector<EventJson> events;
  {
    SQLite::Statement& st = env.db.Cached(
        std::string(kEventColumns) +
        "line_item_id IN (SELECT line_item_id FROM review_line_item WHERE task_id = ? ORDER BY "
        "line_item_id LIMIT ? OFFSET ?) ORDER BY line_item_id, event_id");
    st.bind(1, task_id);
    st.bind(2, page.limit);
    st.bind(3, page.offset - 1);
    read(st, events);
  }
  // Each event goes where it belongs, built once and moved there (copied only where seed 002
  // repeats it): a task-level event into every line item's list, an item-level one into its
  // item's list (and, when it names several details, into theirs), a detail's own event into
  // that detail's list. Every list is moved into its parent, never copied.
  auto next = events.begin();
  Json line_items = Json::array();
  line_items.get_ref<Json::array_t&>().reserve(items.size());
  for (int64_t item : items) {
    // This item's events: the next run of the (line_item_id, event_id) ordered rows.
    while (next != events.end() && next->item < item) ++next;
    auto first = next;
    while (next != events.end() && next->item == item) ++next;
    const auto mine = std::span<EventJson>(first, next);
    Json own = Json::array();
    own.get_ref<Json::array_t&>().reserve(mine.size() + task_level.size());
    // Task-level and item-level events interleave by event id.
    size_t t = 0;
    for (EventJson& e : mine) {
      while (t < task_level.size() && task_level[t].id < e.id) own.push_back(task_level[t++].json);
      if (e.detail == 0 && e.details.is_null())
        own.push_back(std::move(e.json));
      else if (e.detail == 0)
        own.push_back(e.json);
    }
    while (t < task_level.size()) own.push_back(task_level[t++].json);
    Json details = Json::array();
    SQLite::Statement& st = env.db.Cached(
        "SELECT line_item_detail_id, source_id FROM review_line_item_detail WHERE "
        "line_item_id = ? ORDER BY line_item_detail_id");
    st.bind(1, item);
    std::vector<std::pair<int64_t, std::string>> ds;
    while (st.executeStep())
      ds.emplace_back(st.getColumn(0).getInt64(), st.getColumn(1).getString());
    st.reset();
    for (const auto& [detail, source] : ds) {
      Json list = Json::array();
      for (EventJson& e : mine) {
        if (e.detail == detail) {
          list.push_back(std::move(e.json));
        } else if (e.detail == 0 && e.details.is_array() &&
                   std::find(e.details.begin(), e.details.end(), Json(detail)) != e.details.end()) {
          list.push_back(e.json);
        }
      }
      Json earlier = Json::array();
      SQLite::Statement& h = env.db.Cached(
          "SELECT c.cert_id, c.name, c.type, d.decision, d.decided_by, d.decided_at "
          "FROM review_line_item_detail d JOIN review_line_item l ON l.line_item_id = "
          "d.line_item_id JOIN review_campaign c ON c.cert_id = l.cert_id WHERE d.source_id = ? "
          "AND l.cert_id <> ? AND d.outcome IS NOT NULL ORDER BY c.cert_id");
      h.bind(1, source);
      h.bind(2, cert_id);
      while (h.executeStep()) {
        Json entry = Object(7);
        Put(entry, "id", h.getColumn(0).getInt64());
        Put(entry, "certificationName", h.getColumn(1).getString());
        Put(entry, "certificationType", TypeWord(h.getColumn(2).getString()));
        Put(entry, "certificationStatus", DecisionNumber(h.getColumn(3)));
        Put(entry, "certificationStatusName", TextOrNull(h.getColumn(3)));
        Put(entry, "certificationDate", TextOrNull(h.getColumn(5)));
        if (!h.getColumn(4).isNull()) Put(entry, "certifiedBy", h.getColumn(4).getString());
        earlier.push_back(std::move(entry));
      }
      h.reset();
      Json one = Object(3);
      Put(one, "lineItemDetailId", detail);
      Put(one, "actionHistoryList", std::move(list));
      Put(one, "certificationHistoryList", std::move(earlier));
      details.push_back(std::move(one));
    }
    Json line_item = Object(3);
    Put(line_item, "lineItemId", item);
    Put(line_item, "actionHistoryList", std::move(own));
    Put(line_item, "lineItemDetails", std::move(details));
    line_items.push_back(std::move(line_item));
  }
  Json out = Json::object();
  PageFields(out, TaskPath(cert_id, task_id) + "/history", page,
             static_cast<int64_t>(line_items.size()), total);
  out["certId"] = cert_id;
  out["taskUid"] = task_id;
  out["certificationType"] = TypeWord(c.type);
  out["lineItems"] = std::move(line_items);
  return out;
}

Json ReviewReport(ReviewEnv env, int64_t cert_id) {
  const Campaign c = LoadCampaign(env.db, cert_id);
  Json rows = Json::array();
  SQLite::Statement st(
      env.db.raw(),
      "SELECT t.task_id, t.reviewer_id, l.line_item_id, l.entity_type, l.entity_id, l.snapshot, "
      "l.flags, l.comment, d.line_item_detail_id, d.kind, d.source_id, d.person_id, d.snapshot, "
      "d.flags, d.last_decision, d.decision, d.end_date, d.decided_by, d.decided_at, d.outcome, "
      "d.effect_on FROM review_line_item l JOIN review_task t ON t.task_id = l.task_id "
      "JOIN review_line_item_detail d ON d.line_item_id = l.line_item_id WHERE l.cert_id = ? "
      "ORDER BY l.line_item_id, d.line_item_detail_id");
  st.bind(1, cert_id);
  auto text = [&](int i) {
    return st.getColumn(i).isNull() ? Json() : Json(st.getColumn(i).getString());
  };
  while (st.executeStep()) {
    const std::string reviewer = st.getColumn(1).getString();
    Json decided_by = text(17);
    rows.push_back(Json{
        {"task_id", st.getColumn(0).getString()},
        {"reviewer_id", reviewer},
        {"reviewer_name", DisplayName(env.db, reviewer)},
        {"line_item_id", st.getColumn(2).getInt64()},
        {"entity_type", st.getColumn(3).getString()},
        {"entity_id", st.getColumn(4).getString()},
        {"item_snapshot", Json::parse(st.getColumn(5).getString())},
        {"item_flags", Json::parse(st.getColumn(6).getString())},
        {"comment", text(7)},
        {"line_item_detail_id", st.getColumn(8).getInt64()},
        {"kind", st.getColumn(9).getString()},
        {"source_id", st.getColumn(10).getString()},
        {"person_id", st.getColumn(11).getString()},
        {"snapshot", Json::parse(st.getColumn(12).getString())},
        {"flags", Json::parse(st.getColumn(13).getString())},
        {"last_decision", text(14)},
        {"decision", text(15)},
        {"end_date", text(16)},
        {"decided_by", decided_by},
        {"decided_by_name",
         decided_by.is_null() ? Json() : Json(DisplayName(env.db, decided_by.get<std::string>()))},
        {"decided_at", text(18)},
        {"outcome", text(19)},
        {"effect_on", text(20)}});
  }
  return Json{{"campaign", CampaignJson(c)}, {"rows", rows}};
}

std::vector<Problem> VerifyReviewHistory(Db& db) { return review::VerifyChain(db); }

}  // namespace certo::internal
