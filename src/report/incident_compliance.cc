// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Compliance on an incident's date: "was the crane operator trained on the day of the
// accident?". The involved people are the incident's incident-person rows (each names a
// person-office row, hence a person); a person's requirements are the action-subscription rows
// whose subscriber is that person. Each is read twice through the ordinary index read, once as
// of the incident's date and once as of today, so both statuses follow the rule of DESIGN.md
// section 2 for their day (a certificate released after the incident did not cover on it; a row
// out of the schedule on a day has no status that day). No status SQL here.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/calendar.h"
#include "registry/registry.h"
#include "report/trend.h"

namespace certo::internal {

namespace {

struct Person {
  std::string id;
  std::string name;  // "First Last"
};

// The distinct people an incident involves, by last name, first name, id.
std::vector<Person> PeopleOf(Db& db, const std::string& incident_id) {
  SQLite::Statement& st = db.Cached(
      "SELECT DISTINCT p.person_id, p.first_name, p.last_name FROM incident_person ip"
      " JOIN person_office po ON po.person_office_id = ip.person_office_id"
      " JOIN person p ON p.person_id = po.person_id"
      " WHERE ip.office_incident_id = ? ORDER BY p.last_name, p.first_name, p.person_id");
  st.bind(1, incident_id);
  std::vector<Person> people;
  while (st.executeStep()) {
    people.push_back(Person{st.getColumn(0).getString(),
                            st.getColumn(1).getString() + " " + st.getColumn(2).getString()});
  }
  st.reset();
  return people;
}

// The schedule rows of these people in force on day, by action_subscription_id: the index read
// of Engine::Index as of day (retired rows and rows not yet in force are not in it).
std::map<std::string, Json> RowsOn(Store& store, SqlContext& ctx, const std::vector<Person>& people,
                                   const Date& day) {
  std::map<std::string, Json> rows;
  if (people.empty()) return rows;
  AsOfScope as_of(ctx, day);
  Json ids = Json::array();
  for (const Person& p : people) ids.push_back(p.id);
  Query query;
  query.filter = Json{{"subscriber_type", "PERSON"}, {"subscriber_id", ids}};
  query.as_of = day;
  for (Json& row : store.IndexAll(*FindEntity("action-subscription"), query)) {
    const std::string id = row.value("action_subscription_id", "");
    rows.emplace(id, std::move(row));
  }
  return rows;
}

// NEW or EXPIRED: the requirement was not met that day.
bool Unmet(const Json& status) {
  return status.is_string() && (status == "NEW" || status == "EXPIRED");
}

Date IncidentDate(const Json& incident) {
  std::optional<Date> date = ParseDate(incident.value("date_incident", ""));
  if (!date) Fail(Status::Internal("incident without a date_incident"));
  return *date;
}

}  // namespace

Json IncidentCompliance(Db& db, Store& store, SqlContext& ctx, std::string_view incident_id) {
  ReadScope read(db);
  const Json incident = store.View(*FindEntity("incident"), incident_id);
  const std::string id = incident.value("office_incident_id", "");
  const Date on = IncidentDate(incident), today = ctx.Today();
  const std::vector<Person> people = PeopleOf(db, id);
  const std::map<std::string, Json> then = RowsOn(store, ctx, people, on);
  const std::map<std::string, Json> now = RowsOn(store, ctx, people, today);

  // Each person's requirements: the rows in the schedule on either day.
  std::map<std::string, std::vector<const Json*>> by_person;
  std::set<std::string> seen;
  for (const auto* rows : {&then, &now}) {
    for (const auto& [row_id, row] : *rows) {
      if (seen.insert(row_id).second) by_person[row.value("subscriber_id", "")].push_back(&row);
    }
  }
  auto status_in = [](const std::map<std::string, Json>& rows, const std::string& row_id) {
    auto it = rows.find(row_id);
    return it == rows.end() ? Json() : it->second.value("status", Json());
  };

  Json out_people = Json::array();
  int64_t out_of_compliance = 0;
  for (const Person& person : people) {
    std::vector<const Json*> rows = by_person[person.id];
    std::sort(rows.begin(), rows.end(), [](const Json* a, const Json* b) {
      return std::make_pair(a->value("action_name", ""), a->value("action_subscription_id", "")) <
             std::make_pair(b->value("action_name", ""), b->value("action_subscription_id", ""));
    });
    Json requirements = Json::array();
    bool compliant = true;
    for (const Json* row : rows) {
      const std::string row_id = row->value("action_subscription_id", "");
      const Json on_date = status_in(then, row_id);
      if (Unmet(on_date)) compliant = false;
      requirements.push_back(Json{{"action_subscription_id", row_id},
                                  {"action_id", row->value("action_id", Json())},
                                  {"action_name", row->value("action_name", Json())},
                                  {"status_on_incident_date", on_date},
                                  {"status_today", status_in(now, row_id)}});
    }
    if (!compliant) ++out_of_compliance;
    out_people.push_back(Json{{"person_id", person.id},
                              {"person_name", person.name},
                              {"requirements", std::move(requirements)},
                              {"compliant_on_incident_date", compliant}});
  }
  return Json{{"office_incident_id", id},
              {"date_incident", FormatDate(on)},
              {"today", FormatDate(today)},
              {"people", std::move(out_people)},
              {"out_of_compliance_on_incident_date", out_of_compliance}};
}

IncidentPeople IncidentPeopleOnItsDate(Db& db, Store& store, SqlContext& ctx,
                                       const std::string& incident_id, const Date& date_incident) {
  ReadScope read(db);
  const std::vector<Person> people = PeopleOf(db, incident_id);
  std::set<std::string> out;
  for (const auto& [row_id, row] : RowsOn(store, ctx, people, date_incident)) {
    if (Unmet(row.value("status", Json()))) out.insert(row.value("subscriber_id", ""));
  }
  return IncidentPeople{static_cast<int64_t>(people.size()), static_cast<int64_t>(out.size())};
}

}  // namespace certo::internal
