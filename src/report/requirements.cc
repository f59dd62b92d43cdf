// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The person's card and the training matrix. Both read the schedule through the ordinary index
// read of action-subscription as of the day (so status, cover and "in the schedule that day" are
// exactly Engine::Index's), and the people of the matrix through the index read of person-office
// as of the day (a row in force with its person and office). No status SQL here.

#include "report/requirements.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/calendar.h"
#include "registry/registry.h"
#include "registry/vocabulary.h"

namespace certo::internal {

namespace {

// The place of an action type in the vocabulary's order (TRAINING first), unknown ones last.
size_t TypeRank(const std::string& type) {
  const auto& types = ActionTypes();
  return static_cast<size_t>(std::find(types.begin(), types.end(), type) - types.begin());
}

std::optional<std::string> OptionalText(const Json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string Text(const Json& row, const char* key) { return OptionalText(row, key).value_or(""); }

// Schedule rows sort by action type, action name, then id.
auto RowKey(const Json& row) {
  return std::make_tuple(TypeRank(Text(row, "action_type")), Text(row, "action_name"),
                         Text(row, "action_id"), Text(row, "action_subscription_id"));
}

// The PERSON rows of these people in the schedule on the scope's day.
std::vector<Json> ScheduleRowsOf(Store& store, const Json& person_ids, const Date& day) {
  Query query;
  query.filter = Json{{"subscriber_type", "PERSON"}, {"subscriber_id", person_ids}};
  query.as_of = day;
  std::vector<Json> rows = store.IndexAll(*FindEntity("action-subscription"), query);
  std::sort(rows.begin(), rows.end(),
            [](const Json& a, const Json& b) { return RowKey(a) < RowKey(b); });
  return rows;
}

// Whether a requirement's days [active_from, retired_on) hold day.
bool HoldsOn(const Json& entry, const std::string& day) {
  const std::optional<std::string> from = OptionalText(entry, "active_from");
  const std::optional<std::string> until = OptionalText(entry, "retired_on");
  return (!from || *from <= day) && (!until || day < *until);
}

bool Unmet(const Json& status) {
  return status.is_string() && (status == "NEW" || status == "EXPIRED");
}

}  // namespace

Json PersonRequirements(Db& db, Store& store, SqlContext& ctx, std::string_view person_id,
                        std::optional<Date> as_of) {
  ReadScope read(db);
  AsOfScope scope(ctx, as_of);
  const Date day = as_of ? *as_of : ctx.Today();
  const std::string iso = FormatDate(day);
  const Json person = store.View(*FindEntity("person"), person_id);
  const std::string id = Text(person, "person_id");

  Json counts = Json::object();
  for (ScheduleStatus s : kScheduleStatuses) counts[StatusName(s)] = 0;
  Json requirements = Json::array();
  bool compliant = true;
  for (const Json& row : ScheduleRowsOf(store, Json::array({id}), day)) {
    Json why = Json::array();
    for (const Json& entry : row.value("required_by", Json::array())) {
      if (HoldsOn(entry, iso)) why.push_back(entry);
    }
    const Json status = row.value("status", Json());
    if (status.is_string()) {
      Json& n = counts[status.get<std::string>()];
      n = n.get<int64_t>() + 1;
    }
    if (Unmet(status)) compliant = false;
    requirements.push_back(
        Json{{"action_subscription_id", row.value("action_subscription_id", Json())},
             {"action",
              {{"action_id", row.value("action_id", Json())},
               {"code", row.value("action_code", Json())},
               {"name", row.value("action_name", Json())},
               {"action_type", row.value("action_type", Json())}}},
             {"office_id", row.value("subtenant_id", Json())},
             {"office_name", row.value("office_name", Json())},
             {"origin", row.value("origin", Json())},
             {"status", status},
             {"certificate_date_release", row.value("certificate_date_release", Json())},
             {"certificate_date_expire", row.value("certificate_date_expire", Json())},
             {"why", std::move(why)}});
  }
  return Json{{"person",
               {{"person_id", id},
                {"code", person.value("code", Json())},
                {"name", Text(person, "first_name") + " " + Text(person, "last_name")},
                {"project_id", person.value("project_id", Json())}}},
              {"as_of", iso},
              {"counts", std::move(counts)},
              {"compliant", compliant},
              {"requirements", std::move(requirements)}};
}

TrainingMatrix BuildTrainingMatrix(Db& db, Store& store, SqlContext& ctx,
                                   const TrainingMatrixQuery& query) {
  ReadScope read(db);
  AsOfScope scope(ctx, query.as_of);
  const Date day = query.as_of ? *query.as_of : ctx.Today();
  if (!query.project_id.empty()) store.View(*FindEntity("project"), query.project_id);
  Json offices = Json::array();
  for (const std::string& office : query.office_ids) {
    offices.push_back(Text(store.View(*FindEntity("office"), office), "office_id"));
  }

  // The people: one row per person, whatever the number of their offices.
  Query people_query;
  people_query.as_of = day;
  if (!offices.empty()) people_query.filter["office_id"] = offices;
  if (!query.project_id.empty()) people_query.filter["project_id"] = query.project_id;
  std::map<std::string, MatrixPerson> by_id;
  std::map<std::string, std::tuple<std::string, std::string>> names;  // last, first
  for (const Json& po : store.IndexAll(*FindEntity("person-office"), people_query)) {
    const std::string id = Text(po, "person_id");
    const std::string first = Text(po, "person_first_name"), last = Text(po, "person_last_name");
    by_id.emplace(id, MatrixPerson{id, OptionalText(po, "person_code"), first + " " + last});
    names.emplace(id, std::make_tuple(last, first));
  }
  TrainingMatrix matrix;
  matrix.as_of = day;
  for (auto& [id, person] : by_id) matrix.people.push_back(person);
  std::sort(matrix.people.begin(), matrix.people.end(),
            [&](const MatrixPerson& a, const MatrixPerson& b) {
              return std::tie(names[a.person_id], a.person_id) <
                     std::tie(names[b.person_id], b.person_id);
            });
  if (matrix.people.empty()) return matrix;

  // The columns: every action one of them needs that day, in the rows' order.
  Json ids = Json::array();
  std::map<std::string, size_t> row_of;
  for (const MatrixPerson& p : matrix.people) {
    row_of.emplace(p.person_id, ids.size());
    ids.push_back(p.person_id);
  }
  const std::vector<Json> rows = ScheduleRowsOf(store, ids, day);
  std::map<std::string, size_t> column_of;
  for (const Json& row : rows) {
    const std::string action = Text(row, "action_id");
    if (column_of.count(action)) continue;
    column_of.emplace(action, matrix.actions.size());
    matrix.actions.push_back(MatrixAction{action, OptionalText(row, "action_code"),
                                          Text(row, "action_name"), Text(row, "action_type")});
  }
  matrix.status.assign(matrix.people.size(),
                       std::vector<std::optional<ScheduleStatus>>(matrix.actions.size()));
  for (const Json& row : rows) {
    std::optional<ScheduleStatus> status = ParseScheduleStatus(Text(row, "status"));
    if (!status) Fail(Status::Internal("a schedule row without a status"));
    matrix.status[row_of.at(Text(row, "subscriber_id"))][column_of.at(Text(row, "action_id"))] =
        status;
  }
  return matrix;
}

}  // namespace certo::internal
