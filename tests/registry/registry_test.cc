// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The descriptors and the schema describe the same tables; calendar arithmetic.

#include "registry/registry.h"

#include "certo/engine.h"

#include <set>

#include <SQLiteCpp/SQLiteCpp.h>

#include "base/calendar.h"
#include "db/schema.h"
#include "db/sql_functions.h"
#include "testutil.h"

namespace certo::internal {
namespace {

TEST(Registry, EveryDescriptorFieldIsAColumnAndEveryColumnIsDescribed) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  SqlContext ctx;
  ASSERT_EQ(RegisterFunctions(db.getHandle(), &ctx), SQLITE_OK);  // migrations call them
  for (const Migration& m : Migrations()) db.exec(std::string(m.sql));
  for (const Entity& e : Entities()) {
    std::set<std::string> columns;
    SQLite::Statement st(db, "SELECT name FROM pragma_table_info(?)");
    st.bind(1, std::string(e.table));
    while (st.executeStep()) columns.insert(st.getColumn(0).getString());
    ASSERT_FALSE(columns.empty()) << "no table " << e.table;
    std::set<std::string> described{std::string(e.id)};
    for (const Field& f : e.fields) described.insert(std::string(f.name));
    if (e.historicizable) described.insert("retired_on");
    described.insert(std::string(kCreatedAt));
    described.insert(std::string(kUpdatedAt));
    for (std::string_view column : e.maintained_columns) described.insert(std::string(column));
    for (const Entity::Copy& copy : e.copies) described.insert(std::string(copy.column));
    EXPECT_EQ(columns, described) << e.collection;
  }
}

// Store::RowJson appends each name without looking for it first: a name given twice would make
// a record with two keys of that name.
TEST(Registry, EveryRecordNameIsGivenOnce) {
  for (const Entity& e : Entities()) {
    std::set<std::string> names{std::string(e.id)};
    for (const Field& f : e.fields) {
      EXPECT_TRUE(names.insert(std::string(f.name)).second) << e.collection << "." << f.name;
    }
    for (const Computed& c : e.computed) {
      EXPECT_TRUE(names.insert(std::string(c.name)).second) << e.collection << "." << c.name;
    }
    if (e.historicizable) {
      for (const char* name : {"retired_on", "owned_active", "parent_active"}) {
        EXPECT_TRUE(names.insert(name).second) << e.collection << "." << name;
      }
    }
  }
}

TEST(Registry, ReferencesNameKnownCollectionsAndProjectFieldsAreReferences) {
  for (const Entity& e : Entities()) {
    for (const Field& f : e.fields) {
      for (const RefTarget& t : f.ref.targets) {
        EXPECT_NE(FindEntity(t.collection), nullptr) << e.collection << "." << f.name;
      }
    }
    if (!e.project_field.empty()) {
      const Field* f = e.FindField(e.project_field);
      ASSERT_NE(f, nullptr) << e.collection;
      EXPECT_TRUE(f->IsRef());
    }
  }
}

// The bindings type dates from this list (bindings/python): a read-only field that shows a date
// must say so, or Python gets a string for it.
TEST(Registry, DateFieldsListEveryDateARecordHolds) {
  EXPECT_EQ(Engine::DateFields("action-subscription"),
            (std::vector<std::string>{"active_from", "certificate_date_release",
                                      "certificate_date_expire", "retired_on"}));
  EXPECT_EQ(Engine::DateFields("certificate-action"),
            (std::vector<std::string>{"date_expire", "date_release"}));
  EXPECT_EQ(Engine::DateFields("person-office"),
            (std::vector<std::string>{"active_from", "person_birth_date", "retired_on"}));
  EXPECT_EQ(Engine::DateFields("incident-person"), (std::vector<std::string>{"incident_date"}));
  EXPECT_EQ(Engine::DateFields("incident-action"), (std::vector<std::string>{"incident_date"}));
  EXPECT_TRUE(Engine::DateFields("nope").empty());
  for (const Entity& e : Entities()) {
    for (const Computed& c : e.computed) {
      // A mirror of a date field is a date too.
      if (c.mirror_collection.empty()) continue;
      const Field* f = FindEntity(c.mirror_collection)->FindField(c.mirror_field);
      ASSERT_NE(f, nullptr) << e.collection << "." << c.name;
      EXPECT_EQ(f->type == FieldType::kDate, c.kind == JsonKind::kDate)
          << e.collection << "." << c.name;
    }
  }
}

TEST(Registry, CollectionsAreListedParentsFirst) {
  std::set<std::string_view> seen;
  for (const Entity& e : Entities()) {
    for (const Field& f : e.fields) {
      for (const RefTarget& t : f.ref.targets) {
        EXPECT_TRUE(seen.count(t.collection)) << e.collection << " before " << t.collection;
      }
    }
    seen.insert(e.collection);
  }
}

TEST(Calendar, ParsesOnlyRealDatesInIsoForm) {
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2026-02-30"));
  EXPECT_FALSE(ParseDate("2026-13-01"));
  EXPECT_FALSE(ParseDate("2026-1-01"));
  EXPECT_FALSE(ParseDate("2026-01-01T00:00"));
  EXPECT_FALSE(ParseDate("20260101"));
  EXPECT_FALSE(ParseDate(""));
  EXPECT_EQ(FormatDate(*ParseDate("0999-01-05")), "0999-01-05");
}

TEST(Calendar, MonthsAndYearsClampToTheMonthsEnd) {
  auto add = [](const char* date, long long n, Unit unit) {
    return FormatDate(AddPeriod(*ParseDate(date), n, unit));
  };
  EXPECT_EQ(add("2024-01-31", 1, Unit::kMonth), "2024-02-29");
  EXPECT_EQ(add("2023-01-31", 1, Unit::kMonth), "2023-02-28");
  EXPECT_EQ(add("2022-01-10", 3, Unit::kYear), "2025-01-10");
  EXPECT_EQ(add("2024-02-29", 1, Unit::kYear), "2025-02-28");
  EXPECT_EQ(add("2024-02-29", 4, Unit::kYear), "2028-02-29");
  EXPECT_EQ(add("2024-08-31", 18, Unit::kMonth), "2026-02-28");
  EXPECT_EQ(add("2024-12-31", 30, Unit::kDay), "2025-01-30");
  EXPECT_EQ(add("2024-03-31", -1, Unit::kMonth), "2024-02-29");
}

}  // namespace
}  // namespace certo::internal
