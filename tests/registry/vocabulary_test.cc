// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The vocabulary tables (registry/vocabulary.h) against everything that must know their words:
// every subscriber type has its visibility triggers in a freshly created file, and is accepted,
// named and filtered everywhere a subscriber type is (descriptors, reads, certificates, rules,
// the report); every action type is accepted and reported.

#include "registry/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "registry/registry.h"
#include "testutil.h"

namespace certo::testing {
namespace {

using internal::ActionTypes;
using internal::Entity;
using internal::FindEntity;
using internal::RefTarget;
using internal::SubscriberType;
using internal::SubscriberTypes;

template <typename List, typename T>
bool Contains(const List& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool HasTarget(const std::vector<RefTarget>& targets, const SubscriberType& k) {
  return std::any_of(targets.begin(), targets.end(), [&](const RefTarget& t) {
    return t.type_value == k.name && t.collection == k.collection;
  });
}

// SQL text with every run of white space made one space.
std::string Squeezed(std::string sql) {
  std::string out;
  for (char c : sql) {
    const bool space = std::isspace(static_cast<unsigned char>(c));
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

// ---- Visibility triggers --------------------------------------------------------------------

// The SQL of a trigger or view of a fresh file, by name and table; "" when there is none.
std::string SchemaSql(SQLite::Database& db, const std::string& type, const std::string& name,
                      const std::string& table) {
  SQLite::Statement st(
      db, "SELECT sql FROM sqlite_master WHERE type = ? AND name = ? AND tbl_name = ?");
  st.bind(1, type);
  st.bind(2, name);
  st.bind(3, table);
  return st.executeStep() ? Squeezed(st.getColumn(0).getString()) : "";
}

TEST(Vocabulary, EverySubscriberTypeHasItsVisibilityTriggersInAFreshFile) {
  TempDir dir;
  const std::string path = dir.File("fresh.db");
  { ASSERT_NE(OpenEngine(path), nullptr); }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  const std::string view =
      SchemaSql(db, "view", "action_subscription_in_force", "action_subscription_in_force");
  ASSERT_NE(view, "");
  const std::string office_trigger = SchemaSql(db, "trigger", "office_visibility", "office");
  ASSERT_NE(office_trigger, "");
  for (const SubscriberType& k : SubscriberTypes()) {
    const std::string table(k.table), key(k.key);
    // The view that defines hidden_from knows the type and where its rows are.
    EXPECT_NE(view.find("WHEN '" + std::string(k.name) + "' THEN"), std::string::npos) << k.name;
    EXPECT_NE(view.find("FROM " + table + " x"), std::string::npos) << k.name;
    // Retiring a row of the type recomputes its subscriptions.
    const std::string own = SchemaSql(db, "trigger", table + "_visibility", table);
    EXPECT_NE(own, "") << k.name << ": no trigger " << table << "_visibility on " << table;
    // Retiring it, or moving its active_from, recomputes its subscriptions' existence period.
    EXPECT_NE(own.find("AFTER UPDATE OF retired_on, active_from ON " + table), std::string::npos)
        << k.name;
    EXPECT_NE(own.find("SET (shown_from, hidden_from) ="), std::string::npos) << k.name;
    // Retiring the office of an office-level row recomputes that row's subscriptions.
    const Entity& e = *FindEntity(k.collection);
    if (!e.office_field.empty()) {
      EXPECT_NE(office_trigger.find("SELECT " + key + " FROM " + table + " WHERE " +
                                    std::string(e.office_field) + " = NEW.office_id"),
                std::string::npos)
          << k.name << ": office_visibility does not follow " << table << "." << e.office_field;
    } else if (k.collection == "office") {
      EXPECT_NE(office_trigger.find("subscriber_id = NEW.office_id"), std::string::npos);
    }
  }
}

// ---- The descriptors ------------------------------------------------------------------------

TEST(Vocabulary, EverySubscriberTypeIsAcceptedByTheDescriptors) {
  const Entity& subscription = *FindEntity("action-subscription");
  const Entity& certificate = *FindEntity("certificate");
  const Entity& holding = *FindEntity("entity-employee");
  std::set<std::string_view> names;
  for (const SubscriberType& k : SubscriberTypes()) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name << " twice";
    const Entity* e = FindEntity(k.collection);
    ASSERT_NE(e, nullptr) << k.name;
    EXPECT_EQ(e->table, k.table) << k.name;
    EXPECT_EQ(e->id, k.key) << k.name;
    EXPECT_TRUE(Contains(subscription.FindField("subscriber_type")->enum_values, k.name));
    EXPECT_TRUE(HasTarget(subscription.FindField("subscriber_id")->ref.targets, k)) << k.name;
    EXPECT_TRUE(HasTarget(certificate.FindField("resource_id")->ref.targets, k)) << k.name;
    EXPECT_EQ(Contains(holding.FindField("type")->enum_values, k.name), k.held_by_people) << k.name;
    EXPECT_EQ(HasTarget(holding.FindField("entity_id")->ref.targets, k), k.held_by_people)
        << k.name;
    EXPECT_FALSE(k.admitted_by.empty()) << k.name << " can subscribe to nothing";
    for (std::string_view a : k.admitted_by) {
      EXPECT_TRUE(Contains(ActionTypes(), a)) << k.name << " admitted by unknown " << a;
      EXPECT_TRUE(Contains(internal::AdmittedSubscriberTypes(a), k.name)) << k.name << " " << a;
    }
    EXPECT_TRUE(Contains(ReportSubscriberTypes(), std::string(k.name))) << k.name;
  }
  EXPECT_EQ(subscription.FindField("subscriber_type")->enum_values.size(), names.size());
  EXPECT_EQ(ReportSubscriberTypes().size(), names.size());
}

TEST(Vocabulary, EveryActionTypeIsAcceptedAndReportedInOrder) {
  const std::vector<std::string_view> expected = {"TRAINING", "HEALTH", "PER", "CHECK",
                                                  "MAINTENANCE"};
  EXPECT_EQ(ActionTypes(), expected);
  EXPECT_EQ(FindEntity("action")->FindField("action_type")->enum_values, expected);
  EXPECT_EQ(FindEntity("certificate")->FindField("action_type")->enum_values, expected);
  EXPECT_EQ(ReportActionTypes(),
            (std::vector<std::string>{"TRAINING", "HEALTH", "PER", "CHECK", "MAINTENANCE"}));
}

// ---- Through the engine ---------------------------------------------------------------------

// A row of collection with every required field filled: the project, the office, a new row of
// the same office for each plain reference (e.g. a PPE item's type), strings named after their
// field, the first enum value.
Json Row(Engine& engine, std::string_view collection, const std::string& project,
         const std::string& office) {
  const Entity& e = *FindEntity(collection);
  Json row{{"code", "K-1"}};
  if (!e.project_field.empty()) row[std::string(e.project_field)] = project;
  if (!e.office_field.empty()) row[std::string(e.office_field)] = office;
  for (const internal::Field& f : e.fields) {
    const std::string name(f.name);
    if (!f.required || row.contains(name)) continue;
    if (f.IsRef() && f.ref.targets.size() == 1) {
      const Entity& parent = *FindEntity(f.ref.targets.front().collection);
      row[name] = Row(engine, parent.collection, project, office)[std::string(parent.id)];
    } else if (f.type == internal::FieldType::kEnum) {
      row[name] = f.enum_values.front();
    } else {
      row[name] = name + " of " + std::string(collection);
    }
  }
  return MustCreate(engine, collection, row);
}

// How a row made by Row() is named in reads.
std::string Label(const SubscriberType& k) {
  const std::string of = " of " + std::string(k.collection);
  return k.name == "PERSON" ? "first_name" + of + " last_name" + of : "name" + of;
}

// One subscriber of type k in an office of its own (office C), subscribed to a CHECK action of
// office A, covered by a certificate.
struct Subscribed {
  std::unique_ptr<Engine> engine;
  std::string project, office_a, office_c, subscriber, action, subscription, certificate;
};
Subscribed Subscribe(const SubscriberType& k) {
  Subscribed s;
  s.engine = OpenEngine();
  Engine& e = *s.engine;
  Company c = MakeCompany(e);
  s.project = c.project["project_id"];
  s.office_a = c.office_a["office_id"];
  s.office_c = Row(e, "office", s.project, "")["office_id"];
  s.subscriber = Row(e, k.collection, s.project, s.office_c)[std::string(k.key)];
  s.action = MustCreate(e, "action",
                        {{"tenant_id", s.project},
                         {"subtenant_id", s.office_a},
                         {"action_type", "CHECK"},
                         {"name", "Inspection"},
                         {"validity", 1},
                         {"validity_unit", "YEAR"}})["action_id"];
  s.subscription = MustCreate(e, "action-subscription",
                              {{"tenant_id", s.project},
                               {"subtenant_id", s.office_a},
                               {"action_id", s.action},
                               {"subscriber_type", k.name},
                               {"subscriber_id", s.subscriber}})["action_subscription_id"];
  s.certificate = MustCreate(e, "certificate",
                             {{"tenant_id", s.project},
                              {"resource_id", s.subscriber},
                              {"action_type", "CHECK"},
                              {"name", "Inspected"},
                              {"date_release", "2026-06-01"}})["certificate_id"];
  MustCreate(e, "certificate-action", {{"certificate_id", s.certificate}, {"action_id", s.action}});
  return s;
}

int64_t Visible(Engine& engine, const std::string& subscriber) {
  Query q;
  q.filter = {{"subscriber_id", subscriber}};
  auto page = engine.Index("action-subscription", q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? page->total_count : -1;
}

TEST(Vocabulary, EverySubscriberTypeIsNamedCoveredAndReported) {
  for (const SubscriberType& k : SubscriberTypes()) {
    SCOPED_TRACE(std::string(k.name));
    Subscribed s = Subscribe(k);
    Engine& e = *s.engine;
    auto row = e.View("action-subscription", s.subscription);
    ASSERT_OK(row);
    EXPECT_EQ((*row)["subscriber_name"], Label(k));
    EXPECT_EQ((*row)["subscriber_code"], "K-1");
    EXPECT_EQ((*row)["status"], "VALID");
    auto cert = e.View("certificate", s.certificate);
    ASSERT_OK(cert);
    EXPECT_EQ((*cert)["resource_type"], k.name);
    EXPECT_EQ((*cert)["resource_name"], Label(k));
    ReportQuery q;
    q.filter = {{"subscriber_type", k.name}};
    auto report = e.Report(q);
    ASSERT_OK(report);
    EXPECT_EQ(report->totals, (ReportCounts{.valid = 1}));
    EXPECT_TRUE(Verified(e));
  }
}

TEST(Vocabulary, RetiringASubscriberOrItsOfficeHidesItsSubscriptions) {
  for (const SubscriberType& k : SubscriberTypes()) {
    SCOPED_TRACE(std::string(k.name));
    {
      Subscribed s = Subscribe(k);
      ASSERT_EQ(Visible(*s.engine, s.subscriber), 1);
      ASSERT_OK(s.engine->Historicize(k.collection, s.subscriber, Ymd(2026, 11, 1)));
      EXPECT_EQ(Visible(*s.engine, s.subscriber), 0);
      EXPECT_TRUE(Verified(*s.engine));
    }
    if (!FindEntity(k.collection)->office_field.empty()) {
      Subscribed s = Subscribe(k);
      ASSERT_OK(s.engine->Historicize("office", s.office_c, Ymd(2026, 11, 1)));
      EXPECT_EQ(Visible(*s.engine, s.subscriber), 0);
      EXPECT_TRUE(Verified(*s.engine));
    }
  }
}

TEST(Vocabulary, EverySubscriberTypeSubscribesExactlyToTheActionTypesThatAdmitIt) {
  for (const SubscriberType& k : SubscriberTypes()) {
    Subscribed s = Subscribe(k);
    Engine& e = *s.engine;
    for (std::string_view type : ActionTypes()) {
      SCOPED_TRACE(std::string(k.name) + " -> " + std::string(type));
      auto action = e.Create("action", {{"tenant_id", s.project},
                                        {"subtenant_id", s.office_a},
                                        {"action_type", type},
                                        {"name", "A " + std::string(type)}});
      ASSERT_OK(action);
      auto r = e.Create("action-subscription", {{"tenant_id", s.project},
                                                {"subtenant_id", s.office_a},
                                                {"action_id", (*action)["action_id"]},
                                                {"subscriber_type", k.name},
                                                {"subscriber_id", s.subscriber}});
      if (Contains(k.admitted_by, type)) {
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      } else {
        EXPECT_EQ(OnlyFieldError(r.status())
                      .rfind("subscriber_type: " + std::string(k.name) + " cannot subscribe to a " +
                                 std::string(type) + " action",
                             0),
                  0u)
            << OnlyFieldError(r.status());
      }
    }
  }
}

}  // namespace
}  // namespace certo::testing
