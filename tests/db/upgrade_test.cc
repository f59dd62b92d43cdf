// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Upgrades: files written by schema 1 and schema 2 (tests/db/fixtures, made by
// make_fixtures.py) opened by this build must end up exactly like a fresh file holding the same
// data: the same schema, the same rows (the fresh one loaded by replaying the upgraded file's
// export through the JSON API), their original rows untouched, and nothing for Verify() to find.
// Also pins schema/current.sql, the whole live schema of a fresh file, to what a fresh file holds.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "base/uuid.h"
#include "db/schema.h"
#include "db/sql_functions.h"
#include "testutil.h"

namespace certo::testing {
namespace {

const std::string kSourceDir = CERTO_SOURCE_DIR;

std::string FixturePath(int version) {
  return kSourceDir + "/tests/db/fixtures/schema" + std::to_string(version) + ".certo";
}

// Whitespace runs collapsed, so that a schema compares by meaning of its text, not its layout.
std::string Normalize(const std::string& sql) {
  return std::regex_replace(std::regex_replace(sql, std::regex(R"(\s+)"), " "),
                            std::regex(R"(^ | $)"), "");
}

// "type name on tbl_name: sql" of every object in the file (tables, indexes, views, triggers).
std::vector<std::string> SchemaOf(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement st(db,
                       "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
                       "ORDER BY type, name");
  std::vector<std::string> objects;
  while (st.executeStep()) {
    objects.push_back(st.getColumn(0).getString() + " " + st.getColumn(1).getString() + " on " +
                      st.getColumn(2).getString() + ": " + Normalize(st.getColumn(3).getString()));
  }
  return objects;
}

std::vector<std::string> TablesOf(SQLite::Database& db) {
  SQLite::Statement st(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::vector<std::string> tables;
  while (st.executeStep()) tables.push_back(st.getColumn(0).getString());
  return tables;
}

std::vector<std::string> ColumnsOf(SQLite::Database& db, const std::string& table) {
  SQLite::Statement st(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  st.bind(1, table);
  std::vector<std::string> columns;
  while (st.executeStep()) columns.push_back(st.getColumn(0).getString());
  return columns;
}

// A value with its storage class, so that NULL, 1 and '1' differ.
std::string Cell(const SQLite::Column& c) {
  if (c.isNull()) return "NULL";
  if (c.isInteger()) return "i:" + c.getString();
  if (c.isFloat()) return "f:" + c.getString();
  return "'" + c.getString() + "'";
}

// table -> its rows, each "column=value, ...", ordered by every column. columns_of limits a
// table to the given columns (the ones an older schema had); tables not in it are skipped.
using Rows = std::map<std::string, std::vector<std::string>>;
Rows RowsOf(const std::string& path, const std::set<std::string>& skip,
            const std::map<std::string, std::vector<std::string>>* columns_of = nullptr) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  Rows rows;
  for (const std::string& table : TablesOf(db)) {
    if (skip.count(table)) continue;
    std::vector<std::string> columns;
    if (columns_of) {
      auto it = columns_of->find(table);
      if (it == columns_of->end()) continue;
      columns = it->second;
    } else {
      columns = ColumnsOf(db, table);
    }
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    sql += " FROM " + table + " ORDER BY ";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + std::to_string(i + 1);
    SQLite::Statement st(db, sql);
    std::vector<std::string>& out = rows[table];
    while (st.executeStep()) {
      std::string row;
      for (int i = 0; i < static_cast<int>(columns.size()); ++i) {
        row += (i ? ", " : "") + columns[static_cast<size_t>(i)] + "=" + Cell(st.getColumn(i));
      }
      out.push_back(row);
    }
  }
  return rows;
}

std::map<std::string, std::vector<std::string>> ColumnsByTable(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::map<std::string, std::vector<std::string>> columns;
  for (const std::string& table : TablesOf(db)) columns[table] = ColumnsOf(db, table);
  return columns;
}

int PragmaOf(const std::string& path, const std::string& pragma) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA " + pragma).getInt();
}

// The outbox holds the events of the writes that made each file (the fixture's, or the replay's),
// so the two files' outboxes differ by construction; the upgrade must leave the fixture's alone,
// which the original-rows comparison checks.
const std::set<std::string> kWriteHistory = {"outbox", "sqlite_sequence"};

// Takes a file of schema 2 (the fixture) to `version` with this build's migrations 3.. alone,
// in the caller's transaction, as that schema's certo left it: no engine, so nothing newer runs.
void MigrateRawTo(SQLite::Database& raw, int version) {
  for (const internal::Migration& m : internal::Migrations()) {
    if (m.version >= 3 && m.version <= version) raw.exec(std::string(m.sql));
  }
  raw.exec("PRAGMA user_version = " + std::to_string(version));
}

struct Upgraded {
  std::string path;   // the fixture, upgraded
  std::string fresh;  // a fresh file loaded with the upgraded file's export
  std::vector<Json> requests;
};

// Copies the fixture of version into dir, opens it (upgrading it), checks Verify(), and replays
// its export into a fresh file in dir.
void Upgrade(int version, const TempDir& dir, Upgraded& out) {
  out.path = dir.File("upgraded.certo");
  out.fresh = dir.File("fresh.certo");
  std::filesystem::copy_file(FixturePath(version), out.path);
  ASSERT_EQ(PragmaOf(out.path, "user_version"), version);
  {
    std::unique_ptr<Engine> engine = OpenEngine(out.path);
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
    EXPECT_TRUE(Verified(*engine));
    Status exported =
        engine->Export("", [&](const Json& request) { out.requests.push_back(request); });
    ASSERT_TRUE(exported.ok()) << exported.ToString();
  }
  std::unique_ptr<Engine> fresh = OpenEngine(out.fresh);
  ASSERT_NE(fresh, nullptr);
  for (const Json& request : out.requests) {
    Reply reply = Call(*fresh, request["method"].get<std::string>(),
                       request["path"].get<std::string>(), request["body"]);
    ASSERT_TRUE(reply.status == 200 || reply.status == 201)
        << request.dump() << "\n-> " << reply.status << " " << reply.raw.body;
  }
  EXPECT_TRUE(Verified(*fresh));
}

class UpgradeTest : public ::testing::TestWithParam<int> {};

TEST_P(UpgradeTest, UpgradedFileHasTheSchemaOfAFreshFile) {
  TempDir dir;
  Upgraded u;
  ASSERT_NO_FATAL_FAILURE(Upgrade(GetParam(), dir, u));
  EXPECT_EQ(SchemaOf(u.path), SchemaOf(u.fresh));
  EXPECT_EQ(PragmaOf(u.path, "user_version"), internal::Migrations().back().version);
  EXPECT_EQ(PragmaOf(u.path, "application_id"), 0x4352544f);
}

TEST_P(UpgradeTest, UpgradedFileHoldsTheRowsOfAFreshFileWithTheSameData) {
  TempDir dir;
  Upgraded u;
  ASSERT_NO_FATAL_FAILURE(Upgrade(GetParam(), dir, u));
  // Compared without the timestamps of schema 6, which differ by design: the fresh file's rows
  // were written now, when the upgraded rows were written is not known.
  std::map<std::string, std::vector<std::string>> columns;
  {
    SQLite::Database db(u.path, SQLite::OPEN_READONLY);
    for (const std::string& table : TablesOf(db)) {
      for (const std::string& column : ColumnsOf(db, table)) {
        if (column != "created_at" && column != "updated_at") columns[table].push_back(column);
      }
    }
  }
  const Rows upgraded = RowsOf(u.path, kWriteHistory, &columns);
  EXPECT_EQ(upgraded, RowsOf(u.fresh, kWriteHistory, &columns));
  // Not two empty files: the fixture's company came through.
  EXPECT_EQ(upgraded.at("person").size(), 2u);
  EXPECT_EQ(upgraded.at("certificate").size(), 3u);
  EXPECT_EQ(upgraded.at("incident_person").size(), 1u);
  EXPECT_EQ(upgraded.at("action_subscription").size(), GetParam() == 1 ? 0u : 5u);
  EXPECT_EQ(upgraded.at("schedule_touch").size(), 0u);
}

TEST_P(UpgradeTest, UpgradeKeepsEveryRowAndColumnTheOldFileHad) {
  TempDir dir;
  const std::string before = dir.File("before.certo");
  std::filesystem::copy_file(FixturePath(GetParam()), before);
  const auto old_columns = ColumnsByTable(before);
  const Rows old_rows = RowsOf(before, {}, &old_columns);
  Upgraded u;
  ASSERT_NO_FATAL_FAILURE(Upgrade(GetParam(), dir, u));
  EXPECT_EQ(RowsOf(u.path, {}, &old_columns), old_rows);
  size_t count = 0;
  for (const auto& [table, rows] : old_rows) count += rows.size();
  // make_fixtures.py inserts 26 rows at schema 1; at schema 2 also 5 subscriptions, 3 links,
  // and its triggers added 3 outbox events and their sqlite_sequence row.
  EXPECT_EQ(count, GetParam() == 1 ? 26u : 38u);
}

INSTANTIATE_TEST_SUITE_P(FromSchema, UpgradeTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return "Schema" + std::to_string(param.param);
                         });

// Schema 3's data migration computed the columns it adds for the rows schema 2 left.
TEST(UpgradeFromSchema2, MigrationFillsHiddenFromAndLinkResources) {
  TempDir dir;
  Upgraded u;
  ASSERT_NO_FATAL_FAILURE(Upgrade(2, dir, u));
  SQLite::Database db(u.path, SQLite::OPEN_READONLY);
  SQLite::Statement subscriptions(
      db,
      "SELECT substr(action_subscription_id, 34), coalesce(hidden_from, '-') "
      "FROM action_subscription ORDER BY 1");
  std::vector<std::string> hidden;
  while (subscriptions.executeStep()) {
    hidden.push_back(subscriptions.getColumn(0).getString() + " " +
                     subscriptions.getColumn(1).getString());
  }
  // 101: its subscriber retired; 103: retired itself; 104: its action's office retired.
  EXPECT_EQ(hidden, (std::vector<std::string>{"100 -", "101 2025-05-01", "102 -", "103 2025-04-01",
                                              "104 2025-03-31"}));
  SQLite::Statement links(db,
                          "SELECT substr(certificate_action_id, 34), substr(resource_id, 34) "
                          "FROM certificate_action ORDER BY 1");
  std::vector<std::string> resources;
  while (links.executeStep()) {
    resources.push_back(links.getColumn(0).getString() + " " + links.getColumn(1).getString());
  }
  EXPECT_EQ(resources, (std::vector<std::string>{"110 010", "111 011", "112 031"}));
}

// Schema 5 adds the inventory and attachment tables to an old file, and PPE to its visibility
// bookkeeping: the old rows stay, the new collections work, a PPE item subscribes and retiring
// its type hides the subscription.
TEST(UpgradeToSchema5, AnOldFileGainsTheInventoryAndAttachmentTables) {
  for (int version : {1, 2}) {
    SCOPED_TRACE("schema " + std::to_string(version));
    TempDir dir;
    Upgraded u;
    ASSERT_NO_FATAL_FAILURE(Upgrade(version, dir, u));
    {
      SQLite::Database db(u.path, SQLite::OPEN_READONLY);
      const std::vector<std::string> tables = TablesOf(db);
      for (const char* table : {"demand", "work_group_entity", "material", "material_item",
                                "attachment", "entity_attachment"}) {
        EXPECT_NE(std::find(tables.begin(), tables.end(), table), tables.end()) << table;
      }
    }
    auto engine = OpenEngine(u.path);
    ASSERT_NE(engine, nullptr);
    Query one;
    one.history = true;
    one.per_page = 1;
    auto offices = engine->Index("office", one);
    ASSERT_OK(offices);
    ASSERT_EQ(offices->rows.size(), 1u);
    const Json office = offices->rows.front();
    Json material = MustCreate(*engine, "material",
                               {{"tenant_id", office["project_id"]},
                                {"subtenant_id", office["office_id"]},
                                {"name", "Helmet"}});
    Json item = MustCreate(*engine, "material-item",
                           {{"material_id", material["material_id"]}, {"name", "Helmet 1"}});
    Json action = MustCreate(*engine, "action",
                             {{"tenant_id", office["project_id"]},
                              {"subtenant_id", office["office_id"]},
                              {"action_type", "PER"},
                              {"name", "Delivery"}});
    MustCreate(*engine, "action-subscription",
               {{"action_id", action["action_id"]},
                {"subscriber_type", "PPE"},
                {"subscriber_id", item["material_item_id"]}});
    ASSERT_OK(engine->Historicize("material", material["material_id"].get<std::string>(),
                                  Ymd(2026, 1, 1)));
    Query subscriptions;
    subscriptions.filter = {{"subscriber_id", item["material_item_id"]}};
    EXPECT_EQ(engine->Index("action-subscription", subscriptions)->total_count, 0);
    std::istringstream content("scan");
    ASSERT_OK(engine->PutAttachment(
        {{"project_id", office["project_id"]}, {"attachment_path", "scans/1.txt"}}, &content, 4));
    EXPECT_TRUE(Verified(*engine));
  }
}

// Schema 6 adds the two timestamps: rows written before it say nothing (when they were written is
// not known), and the first write through the engine after the upgrade dates itself.
TEST(UpgradeToSchema6, OldRowsHaveNoTimestampsUntilTheyAreWritten) {
  for (int version : {1, 2}) {
    SCOPED_TRACE("schema " + std::to_string(version));
    TempDir dir;
    Upgraded u;
    ASSERT_NO_FATAL_FAILURE(Upgrade(version, dir, u));
    auto engine = OpenEngine(u.path);
    ASSERT_NE(engine, nullptr);
    Query all;
    all.history = true;
    auto people = engine->Index("person", all);
    ASSERT_OK(people);
    ASSERT_EQ(people->rows.size(), 2u);
    const Json old = people->rows.front();
    EXPECT_EQ(old["created_at"], nullptr);
    EXPECT_EQ(old["updated_at"], nullptr);
    auto updated =
        engine->Update("person", old["person_id"].get<std::string>(), {{"locality", "Pavia"}});
    ASSERT_OK(updated);
    EXPECT_EQ((*updated)["created_at"], nullptr);
    EXPECT_EQ((*updated)["updated_at"], "2026-11-22T00:00:00Z");
    EXPECT_TRUE(Verified(*engine));
  }
}

// Schema 9 adds an office index of the segments; counting an upgraded file's statuses on a past
// day reads through it and gives the counts of the file's own rows.
TEST(UpgradeToSchema9, OfficeCountsOfAnUpgradedFileUseTheNewIndex) {
  for (int version : {1, 2}) {
    SCOPED_TRACE("schema " + std::to_string(version));
    TempDir dir;
    Upgraded u;
    ASSERT_NO_FATAL_FAILURE(Upgrade(version, dir, u));
    {
      SQLite::Database db(u.path, SQLite::OPEN_READONLY);
      SQLite::Statement plan(db,
                             "EXPLAIN QUERY PLAN SELECT count(*) FROM subscription_cover t "
                             "WHERE t.subtenant_id = ? AND t.to_day > ? AND t.from_day <= ? AND "
                             "t.cover_expire < ?");
      std::string detail;
      while (plan.executeStep()) detail += plan.getColumn(3).getString();
      EXPECT_NE(detail.find("subscription_cover_office_expire"), std::string::npos) << detail;
    }
    auto engine = OpenEngine(u.path);
    ASSERT_NE(engine, nullptr);
    Query q;
    q.as_of = Ymd(2025, 1, 1);
    auto counts = engine->StatusCounts(q);
    ASSERT_OK(counts);
    int64_t total = 0;
    for (const auto& [status, n] : *counts) total += n;
    EXPECT_EQ(total, version == 1 ? 0 : 5);
    EXPECT_TRUE(Verified(*engine));
  }
}

// Schema 10 derives what a file's demands already require. A schema-9 file is made from the
// schema-2 fixture by running migrations 3..9 on it (with certo's functions, as the engine
// would) and adding two demands the way schema 9 stored them: records only. Opening it derives
// the rows: a hand-made one already there stays MANUAL and lists its demand; a missing one is
// made, DERIVED.
TEST(UpgradeToSchema10, AnUpgradedFileDerivesWhatItsDemandsRequire) {
  TempDir dir;
  const std::string path = dir.File("schema9.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  const std::string p = "00000000-0000-4000-8000-000000000001";
  const std::string office_a = "00000000-0000-4000-8000-000000000002";
  const std::string ada = "00000000-0000-4000-8000-000000000010";
  const std::string bruno = "00000000-0000-4000-8000-000000000011";
  const std::string role = "00000000-0000-4000-8000-000000000030";
  const std::string group = "00000000-0000-4000-8000-000000000040";
  const std::string training = "00000000-0000-4000-8000-000000000050";
  const std::string inspection = "00000000-0000-4000-8000-000000000052";
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    for (const internal::Migration& m : internal::Migrations()) {
      if (m.version >= 3 && m.version <= 9) raw.exec(std::string(m.sql));
    }
    raw.exec(
        "INSERT INTO demand (demand_id, project_id, office_id, action_id, resource_type, "
        "resource_id) VALUES ('00000000-0000-4000-8000-000000000900', '" +
        p + "', '" + office_a + "', '" + training + "', 'ROLE', '" + role +
        "'), "
        "('00000000-0000-4000-8000-000000000901', '" +
        p + "', '" + office_a + "', '" + inspection + "', 'WORK_GROUP', '" + group + "')");
    raw.exec("PRAGMA user_version = 9");
    tx.commit();
  }
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  auto row = [&](const std::string& action, const std::string& person) {
    Query q;
    q.filter = {{"action_id", action}, {"subscriber_id", person}};
    q.history = true;
    auto page = engine->Index("action-subscription", q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() && page->rows.size() == 1 ? page->rows[0] : Json();
  };
  // Ada drives the forklift (entity-employee 80) and had her training row made by hand.
  Json manual = row(training, ada);
  EXPECT_EQ(manual["origin"], "MANUAL");
  EXPECT_EQ(manual["required_by"][0]["demand_id"], "00000000-0000-4000-8000-000000000900");
  // Bruno is in the night shift (work-group-person 82): his inspection is derived.
  Json derived = row(inspection, bruno);
  EXPECT_EQ(derived["origin"], "DERIVED");
  EXPECT_EQ(derived["required_by"][0]["via"], "work-group-person");
  EXPECT_TRUE(Verified(*engine));
}

TEST(UpgradeToSchema12, DerivedRowsTakeTheirOfficesDaysAndNewOnesAreBornComplete) {
  TempDir dir;
  const std::string path = dir.File("schema11.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  const std::string p = "00000000-0000-4000-8000-000000000001";
  const std::string office_a = "00000000-0000-4000-8000-000000000002";
  const std::string ada = "00000000-0000-4000-8000-000000000010";
  const std::string bruno = "00000000-0000-4000-8000-000000000011";
  const std::string role = "00000000-0000-4000-8000-000000000030";
  const std::string group = "00000000-0000-4000-8000-000000000040";
  const std::string inspection = "00000000-0000-4000-8000-000000000052";
  const std::string old_plant = "00000000-0000-4000-8000-000000000003";  // closed 2025-03-31
  std::string before;  // Bruno's derived row as schema 11 wrote it
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 11);
    raw.exec(
        "INSERT INTO demand (demand_id, project_id, office_id, action_id, resource_type, "
        "resource_id, active_from) VALUES ('00000000-0000-4000-8000-000000000901', '" +
        p + "', '" + office_a + "', '" + inspection + "', 'WORK_GROUP', '" + group +
        "', '2026-12-01')");
    // Ada is the fire marshal of the old plant (her person-office 22 there), and the head
    // office's inspection is demanded of that role: schema 11 ignored the plant's closing.
    raw.exec(
        "INSERT INTO role (office_role_id, project_id, office_id, name) VALUES "
        "('00000000-0000-4000-8000-000000000032', '" +
        p + "', '" + old_plant + "', 'Fire marshal')");
    raw.exec(
        "INSERT INTO entity_employee (entity_employee_id, project_id, office_id, "
        "person_office_id, type, entity_id) VALUES ('00000000-0000-4000-8000-000000000083', '" +
        p + "', '" + old_plant +
        "', '00000000-0000-4000-8000-000000000022', 'ROLE', "
        "'00000000-0000-4000-8000-000000000032')");
    raw.exec(
        "INSERT INTO demand (demand_id, project_id, office_id, action_id, resource_type, "
        "resource_id) VALUES ('00000000-0000-4000-8000-000000000902', '" +
        p + "', '" + office_a + "', '" + inspection +
        "', 'ROLE', '00000000-0000-4000-8000-000000000032')");
    EXPECT_TRUE(raw.execAndGet("SELECT retired_on IS NULL FROM action_subscription WHERE "
                               "action_id = '" +
                               inspection + "' AND subscriber_id = '" + ada + "'")
                    .getInt());
    before = raw.execAndGet(
                    "SELECT json_array(action_subscription_id, origin, active_from, retired_on, "
                    "shown_from, hidden_from) FROM action_subscription WHERE action_id = '" +
                    inspection + "' AND subscriber_id = '" + bruno + "'")
                 .getString();
    tx.commit();
  }
  EXPECT_EQ(before, "[\"" + internal::DerivedSubscriptionId(inspection, bruno) +
                        "\",\"DERIVED\",\"2026-12-01\",null,\"2026-12-01\",\"2025-05-01\"]");
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  auto row = [&](const std::string& action, const std::string& person) {
    Query q;
    q.filter = {{"action_id", action}, {"subscriber_id", person}};
    q.history = true;
    auto page = engine->Index("action-subscription", q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() && page->rows.size() == 1 ? page->rows[0] : Json();
  };
  // Kept as schema 11 wrote it (the fixture retires Bruno's chain on 2025-05-01).
  Json kept = row(inspection, bruno);
  EXPECT_EQ(kept["active_from"], "2026-12-01");
  EXPECT_EQ(kept["origin"], "DERIVED");
  // Ada's requirement ends with the old plant, where she holds the role.
  Json marshal = row(inspection, ada);
  EXPECT_EQ(marshal["origin"], "DERIVED");
  EXPECT_EQ(marshal["retired_on"], "2025-03-31");
  EXPECT_EQ(marshal["required_by"][0]["retired_on"], "2025-03-31");
  // A requirement made after the upgrade takes the new path: Ada holds the role.
  auto refresher = engine->Insert("action", {{"tenant_id", p},
                                             {"subtenant_id", office_a},
                                             {"action_type", "TRAINING"},
                                             {"name", "Refresher"}});
  ASSERT_TRUE(refresher.ok()) << refresher.status().ToString();
  auto demand = engine->Insert("demand", {{"project_id", p},
                                          {"office_id", office_a},
                                          {"action_id", *refresher},
                                          {"resource_type", "ROLE"},
                                          {"resource_id", role}});
  ASSERT_TRUE(demand.ok()) << demand.status().ToString();
  Json derived = row(*refresher, ada);
  EXPECT_EQ(derived["origin"], "DERIVED");
  EXPECT_EQ(derived["action_subscription_id"], internal::DerivedSubscriptionId(*refresher, ada));
  EXPECT_TRUE(Verified(*engine));
}

TEST(UpgradeToSchema13, TheRedundantIndexesGoAndTheirLookupsUseTheLongerOnes) {
  TempDir dir;
  const std::string path = dir.File("schema12.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  std::map<std::string, int64_t> by_resource;  // certificates per resource, before the upgrade
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 12);
    tx.commit();
    SQLite::Statement st(raw, "SELECT resource_id, count(*) FROM certificate GROUP BY 1");
    while (st.executeStep()) by_resource[st.getColumn(0).getString()] = st.getColumn(1);
    EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM sqlite_master WHERE name IN "
                             "('certificate_resource', 'work_group_person_group')")
                  .getInt(),
              2);
  }
  ASSERT_FALSE(by_resource.empty());
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  for (const auto& [resource, count] : by_resource) {
    Query q;
    q.filter = {{"resource_id", resource}};
    auto page = engine->Index("certificate", q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(page->total_count, count) << resource;
  }
  EXPECT_TRUE(Verified(*engine));
  engine.reset();
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name IN "
                          "('certificate_resource', 'work_group_person_group')")
                .getInt(),
            0);
  SQLite::Statement plan(
      db, "EXPLAIN QUERY PLAN SELECT count(*) FROM certificate WHERE resource_id = ?");
  std::string detail;
  while (plan.executeStep()) detail += plan.getColumn(3).getString();
  EXPECT_NE(detail.find("certificate_resource_id"), std::string::npos) << detail;
}

// ---- schema/current.sql ---------------------------------------------------------------------

const char kCurrentSqlHead[] =
    "-- A fresh certo file: every table, index, view and trigger as SQLite holds them once\n"
    "-- schema/0001_*.sql .. the newest migration have run, in SQLite's order (the order a\n"
    "-- connection loads them, and so the order of triggers on one event), then the rows such a\n"
    "-- file holds. The library makes new files from it. Generated: do not edit. After adding a\n"
    "-- migration, regenerate it and review the diff:\n"
    "--   CERTO_UPDATE_SCHEMA=1 build/dev/tests/upgrade_test --gtest_filter='CurrentSql.*'\n";

// The file as current.sql writes it: its objects in sqlite_master's order (sqlite_sequence is
// SQLite's own, made where its first AUTOINCREMENT table is), then every table's rows.
std::string LiveSchema(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::ostringstream out;
  out << kCurrentSqlHead
      << "-- PRAGMA user_version = " << db.execAndGet("PRAGMA user_version").getInt()
      << "; PRAGMA application_id = " << db.execAndGet("PRAGMA application_id").getInt() << ";\n";
  SQLite::Statement objects(
      db,
      "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'sqlite_sequence' "
      "ORDER BY rowid");
  while (objects.executeStep()) out << "\n" << objects.getColumn(0).getString() << ";\n";
  SQLite::Statement tables(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid");
  while (tables.executeStep()) {
    const std::string table = tables.getColumn(0).getString();
    std::string names, values;
    SQLite::Statement columns(db, "SELECT name FROM pragma_table_info(?)");
    columns.bind(1, table);
    while (columns.executeStep()) {
      const std::string column = columns.getColumn(0).getString();
      names += (names.empty() ? "" : ", ") + column;
      values += (values.empty() ? "quote(" : " || ', ' || quote(") + column + ")";
    }
    SQLite::Statement rows(db, "SELECT " + values + " FROM " + table);
    while (rows.executeStep()) {
      out << "\nINSERT INTO " << table << " (" << names << ") VALUES ("
          << rows.getColumn(0).getString() << ");\n";
    }
  }
  return out.str();
}

// A new file made the long way, as every file was before current.sql: each migration in turn on
// an empty file, through a connection with certo's functions, in one transaction.
std::string MigratedFile(const TempDir& dir) {
  const std::string path = dir.File("migrated.certo");
  SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  internal::SqlContext ctx;
  ctx.options.today = kToday;
  EXPECT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
  SQLite::Transaction tx(raw);
  for (const internal::Migration& m : internal::Migrations()) raw.exec(std::string(m.sql));
  raw.exec("PRAGMA application_id = " + std::to_string(internal::kApplicationId));
  raw.exec("PRAGMA user_version = " + std::to_string(internal::Migrations().back().version));
  tx.commit();
  return path;
}

// Schema 14 adds sync (docs/sync.md): an upgraded file takes no part in it, and its writes record
// nothing, until a device is made from it; then it is a hub whose writes are its history.
TEST(UpgradeToSchema14, AnUpgradedFileIsOutsideSyncUntilItHasADevice) {
  TempDir dir;
  Upgraded u;
  ASSERT_NO_FATAL_FAILURE(Upgrade(2, dir, u));
  auto engine = OpenEngine(u.path);
  ASSERT_NE(engine, nullptr);
  auto count = [&] {
    SQLite::Database db(u.path, SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM sync_change").getInt64();
  };
  MustCreate(*engine, "project", {{"name", "Upgraded"}});
  EXPECT_EQ(count(), 0);
  EXPECT_EQ(engine->SyncStatus().value().role, "");
  auto device = engine->CreateDevice({dir.File("device.certo"), ""});
  ASSERT_FALSE(device.ok());  // two projects now: the device must name one
  EXPECT_EQ(device.status().code(), Code::kValidation);
  const std::string project = engine->Index("project").value().rows[0]["project_id"];
  ASSERT_OK(engine->CreateDevice({dir.File("device.certo"), project}));
  MustCreate(*engine, "project", {{"name", "After"}});
  EXPECT_EQ(count(), 1);
  EXPECT_TRUE(Verified(*engine));
}

TEST(UpgradeToSchema15, PairsLeftInTheQueueAreDerivedOnceAndTheQueueIsUnique) {
  TempDir dir;
  const std::string path = dir.File("schema14.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  const std::string p = "00000000-0000-4000-8000-000000000001";
  const std::string office_a = "00000000-0000-4000-8000-000000000002";
  const std::string bruno = "00000000-0000-4000-8000-000000000011";
  const std::string group = "00000000-0000-4000-8000-000000000040";
  const std::string inspection = "00000000-0000-4000-8000-000000000052";
  const std::string pair = internal::DerivedSubscriptionId(inspection, bruno);
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 14);
    raw.exec(
        "INSERT INTO demand (demand_id, project_id, office_id, action_id, resource_type, "
        "resource_id) VALUES ('00000000-0000-4000-8000-000000000901', '" +
        p + "', '" + office_a + "', '" + inspection + "', 'WORK_GROUP', '" + group + "')");
    ASSERT_EQ(raw.execAndGet("SELECT count(*) FROM action_subscription WHERE "
                             "action_subscription_id = '" +
                             pair + "'")
                  .getInt(),
              1);
    // A queue an interrupted write could have left: the pair's row gone (a derived row's
    // delete queues nothing), the pair queued twice and no closing row.
    raw.exec("DELETE FROM action_subscription WHERE action_subscription_id = '" + pair + "'");
    for (const char* cause : {"first", "second"}) {
      raw.exec("INSERT INTO derive_touch (action_id, person_id, cause) VALUES ('" + inspection +
               "', '" + bruno + "', json_object('event', '" + cause + "'))");
    }
    tx.commit();
  }
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM derive_touch").getInt(), 0);
    EXPECT_EQ(db.execAndGet("SELECT origin FROM action_subscription WHERE "
                            "action_subscription_id = '" +
                            pair + "'")
                  .getString(),
              "DERIVED");
    // The demand's CREATE at schema 14, then one for the pair re-derived, with the cause it
    // was first queued with.
    EXPECT_EQ(db.execAndGet("SELECT group_concat(payload ->> '$.cause.event') FROM outbox "
                            "WHERE event = 'ACTION_SUBSCRIPTION::CREATE' AND entity_id = '" +
                            pair + "'")
                  .getString(),
              "DEMAND::CREATE,first");
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'derive_touch_pair'")
                  .getInt(),
              1);
  }
  // After the upgrade the queue runs as usual.
  auto refresher = engine->Insert("action", {{"tenant_id", p},
                                             {"subtenant_id", office_a},
                                             {"action_type", "TRAINING"},
                                             {"name", "Refresher"}});
  ASSERT_TRUE(refresher.ok()) << refresher.status().ToString();
  auto demand = engine->Insert("demand", {{"project_id", p},
                                          {"office_id", office_a},
                                          {"action_id", *refresher},
                                          {"resource_type", "WORK_GROUP"},
                                          {"resource_id", group}});
  ASSERT_TRUE(demand.ok()) << demand.status().ToString();
  Query q;
  q.filter = {{"action_id", *refresher}, {"subscriber_id", bruno}};
  q.history = true;  // the fixture retires Bruno's chain on 2025-05-01
  auto page = engine->Index("action-subscription", q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0]["origin"], "DERIVED");
  EXPECT_TRUE(Verified(*engine));
}

// Schema 16: a hub knows its devices. An upgraded hub made its devices before it kept them, so
// a device it made earlier is registered when it first syncs with the hub file; over HTTP it is
// unknown until then.
TEST(UpgradeToSchema16, ADeviceMadeBeforeTheHubKnewItsDevicesIsRegisteredByItsFirstSync) {
  TempDir dir;
  Upgraded u;
  ASSERT_NO_FATAL_FAILURE(Upgrade(2, dir, u));
  auto engine = OpenEngine(u.path);
  ASSERT_NE(engine, nullptr);
  const std::string project = engine->Index("project").value().rows[0]["project_id"];
  const std::string device_path = dir.File("device.certo");
  auto made = engine->CreateDevice({device_path, project});
  ASSERT_OK(made);
  {
    // As a hub of schema 14 left it: no row for the device.
    SQLite::Database db(u.path, SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM sync_device");
  }
  const HubAccess http;  // no key: a file without keys, over HTTP
  auto unknown = engine->HubPull(made->node_id, 0, made->min_schema, http);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  auto device = OpenEngine(device_path);
  ASSERT_NE(device, nullptr);
  ASSERT_OK(device->SyncWithHub(u.path));
  ASSERT_OK(engine->HubPull(made->node_id, 0, made->min_schema, http));
  EXPECT_TRUE(Verified(*engine));
}

// Schema 17: devices of one office. A hub of schema 16 and its devices are of whole projects
// (office NULL) and sync as before; the upgraded hub can make a device of one office, after
// which it keeps each certificate in the office of its resource.
TEST(UpgradeToSchema18, TheStepsOfAnOlderFileCountWhatItsTimelinesSayOnEveryDay) {
  TempDir dir;
  const std::string path = dir.File("schema17.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 17);
    // A revocation, so that the file holds an earlier segment too.
    raw.exec(
        "UPDATE certificate SET revoked_on = '2026-06-01' WHERE certificate_id = "
        "(SELECT min(c.certificate_id) FROM certificate c JOIN certificate_action l"
        "  ON l.certificate_id = c.certificate_id WHERE c.date_release < '2026-06-01')");
    EXPECT_GT(raw.execAndGet("SELECT count(*) FROM subscription_cover").getInt(), 0);
    tx.commit();
  }
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_GT(db.execAndGet("SELECT count(*) FROM status_step").getInt(), 0);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM status_step WHERE n = 0").getInt(), 0);
  }
  for (const auto& day : {Ymd(2020, 1, 1), Ymd(2025, 6, 1), Ymd(2026, 5, 31), Ymd(2026, 6, 1),
                          kToday, Ymd(2027, 12, 31), Ymd(2032, 1, 1)}) {
    EXPECT_TRUE(CountsAgreeWithIndex(*engine, day)) << ::testing::PrintToString(day);
  }
  EXPECT_TRUE(Verified(*engine));
}

// Schema 19: the change days of one office are ranges of office indexes. An upgraded file has
// them, each kind of day of one office is planned through its own, and the changes of each
// office are the whole file's changes of that office.
TEST(UpgradeToSchema19, TheChangesOfOneOfficeReadTheirDaysThroughOfficeIndexes) {
  TempDir dir;
  const std::string path = dir.File("schema18.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 18);
    tx.commit();
    EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM sqlite_master WHERE name LIKE "
                             "'action_subscription_office_%_from'")
                  .getInt(),
              0);
  }
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  std::vector<std::string> offices;
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    for (const char* column : {"cover_from", "shown_from", "hidden_from"}) {
      SQLite::Statement plan(db, std::string("EXPLAIN QUERY PLAN SELECT t.action_subscription_id "
                                             "FROM action_subscription t WHERE t.subtenant_id = ? "
                                             "AND t.") +
                                     column + " > ? AND t." + column + " <= ?");
      std::string detail;
      while (plan.executeStep()) detail += plan.getColumn(3).getString();
      EXPECT_NE(detail.find(std::string("action_subscription_office_") + column), std::string::npos)
          << detail;
    }
    SQLite::Statement st(db, "SELECT DISTINCT subtenant_id FROM action_subscription");
    while (st.executeStep()) offices.push_back(st.getColumn(0).getString());
  }
  ASSERT_FALSE(offices.empty());
  ChangesQuery all;
  all.from = Ymd(2000, 1, 1);
  all.to = Ymd(2040, 1, 1);
  all.per_page = 1000;
  auto every = engine->Changes(all);
  ASSERT_OK(every);
  ASSERT_GT(every->total_count, 0);
  int64_t summed = 0;
  for (const std::string& office : offices) {
    ChangesQuery one = all;
    one.filter = {{"subtenant_id", office}};
    auto changes = engine->Changes(one);
    ASSERT_OK(changes);
    Json expected = Json::array();
    for (const Json& change : every->rows) {
      if (change["subtenant_id"] == office) expected.push_back(change);
    }
    EXPECT_EQ(changes->rows, expected) << office;
    summed += changes->total_count;
  }
  EXPECT_EQ(summed, every->total_count);
  EXPECT_TRUE(Verified(*engine));
}

TEST(UpgradeToSchema17, DevicesMadeBeforeHoldTheirWholeProjectAndAnOfficeDeviceCanBeMade) {
  TempDir dir;
  const std::string path = dir.File("schema16.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  const std::string p = "00000000-0000-4000-8000-000000000001";
  const std::string office_a = "00000000-0000-4000-8000-000000000002";
  const std::string device_id = "00000000-0000-4000-8000-0000000009d1";
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 16);
    // A hub of schema 16 that made one device of its project.
    raw.exec(
        "INSERT INTO sync_state (id, role, node_id, min_schema, created_at) VALUES (1, 'hub', "
        "'00000000-0000-4000-8000-0000000009a1', 14, '2026-11-20T08:00:00Z')");
    raw.exec("INSERT INTO sync_device (device_id, project_id, created_at) VALUES ('" + device_id +
             "', '" + p + "', '2026-11-20T08:00:00Z')");
    tx.commit();
  }
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_TRUE(db.execAndGet("SELECT office_id FROM sync_device").isNull());
    EXPECT_TRUE(db.execAndGet("SELECT office_id FROM sync_state").isNull());
  }
  EXPECT_TRUE(engine->HubPull(device_id, 0, 16, HubAccess{.file = true}).ok());
  auto made = engine->CreateDevice({dir.File("office.certo"), "", "", office_a});
  ASSERT_OK(made);
  EXPECT_EQ(made->project_id, p);
  EXPECT_EQ(made->office_id, office_a);
  auto device = OpenEngine(dir.File("office.certo"));
  ASSERT_NE(device, nullptr);
  EXPECT_TRUE(device->View("office", office_a).ok());
  EXPECT_EQ(device->Index("office").value().rows.size(), 1u);
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*engine));
}

TEST(CurrentSql, IsTheFileTheMigrationsMake) {
  TempDir dir;
  const std::string live = LiveSchema(MigratedFile(dir));
  const std::string file = kSourceDir + "/schema/current.sql";
  const char* update = std::getenv("CERTO_UPDATE_SCHEMA");
  if (update && std::string(update) == "1") {
    std::ofstream(file, std::ios::binary) << live;
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream checked_in;
  checked_in << in.rdbuf();
  EXPECT_EQ(checked_in.str(), live)
      << "schema/current.sql is not the file the migrations make. If a migration changed it on "
         "purpose, regenerate it with\n  CERTO_UPDATE_SCHEMA=1 build/dev/tests/upgrade_test "
         "--gtest_filter='CurrentSql.*'\nrebuild, and commit the diff.";
  EXPECT_EQ(internal::Current().version, internal::Migrations().back().version)
      << "the library was built with an older schema/current.sql: rebuild after regenerating it";
}

// The library makes a new file from current.sql: the same objects in the same order, and the
// same rows, as the migrations make (each file opened by the engine once, as a user's would be).
TEST(CurrentSql, ANewFileIsTheFileTheMigrationsMake) {
  TempDir dir;
  const std::string fresh = dir.File("fresh.certo");
  ASSERT_NE(OpenEngine(fresh), nullptr);
  const std::string migrated = MigratedFile(dir);
  ASSERT_NE(OpenEngine(migrated), nullptr);
  EXPECT_EQ(LiveSchema(fresh), LiveSchema(migrated));
}

// Schema 20: a touched subscription keeps the earlier segments that come back unchanged. After
// the upgrade, touching every subscription with earlier segments recomputes the same timelines
// and writes none of their segments (schema 8's trigger deleted and reinserted each); a commit
// that changes one timeline rewrites what changed, and the file still verifies.
TEST(UpgradeToSchema20, ATouchedSubscriptionKeepsItsUnchangedSegments) {
  TempDir dir;
  const std::string path = dir.File("schema19.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  auto with_functions = [&](SQLite::Database& raw, internal::SqlContext& ctx) {
    ctx.options.today = kToday;
    EXPECT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
  };
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    with_functions(raw, ctx);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 19);
    // Earlier segments to keep: each linked certificate gets a successor released 400 days
    // after it, linked to the same actions, so each covered subscription's timeline has a
    // segment before the successor's release.
    raw.exec(
        "CREATE TEMP TABLE c AS SELECT * FROM certificate WHERE certificate_id IN"
        " (SELECT certificate_id FROM certificate_action) AND date_release IS NOT NULL;"
        "CREATE TEMP TABLE l AS SELECT * FROM certificate_action WHERE certificate_id IN"
        " (SELECT certificate_id FROM c);"
        "UPDATE c SET date_release = date(date_release, '+400 days'),"
        " date_expire = date(date_release, '+800 days');"
        "UPDATE l SET certificate_action_id = certificate_action_id || '-next',"
        " certificate_id = certificate_id || '-next';"
        "UPDATE c SET certificate_id = certificate_id || '-next';"
        "INSERT INTO certificate SELECT * FROM c;"
        "INSERT INTO certificate_action SELECT * FROM l;"
        "DROP TABLE c; DROP TABLE l;");
    tx.commit();
  }
  // Touches every subscription with earlier segments in one commit; returns how many segments
  // it deleted or inserted, after checking that the segments read the same.
  auto writes_of_retouch = [&]() {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    with_functions(raw, ctx);
    raw.exec(
        "CREATE TEMP TABLE written (kind TEXT);"
        "CREATE TEMP TRIGGER segment_deleted AFTER DELETE ON main.subscription_cover"
        " BEGIN INSERT INTO written VALUES ('delete'); END;"
        "CREATE TEMP TRIGGER segment_inserted AFTER INSERT ON main.subscription_cover"
        " BEGIN INSERT INTO written VALUES ('insert'); END;");
    auto segments = [&] {
      return raw
          .execAndGet(
              "SELECT group_concat(action_subscription_id || from_day || to_day || "
              "ifnull(cover_expire, '-'), ',') FROM "
              "(SELECT * FROM subscription_cover ORDER BY 1, 2)")
          .getString();
    };
    const std::string before = segments();
    SQLite::Transaction tx(raw);
    const int touched = raw.exec(
        "INSERT INTO schedule_touch (action_id, subscriber_id)"
        " SELECT DISTINCT s.action_id, s.subscriber_id FROM action_subscription s"
        " JOIN subscription_cover g ON g.action_subscription_id = s.action_subscription_id");
    tx.commit();
    EXPECT_GT(touched, 0);
    EXPECT_EQ(segments(), before);
    return raw.execAndGet("SELECT count(*) FROM written").getInt();
  };
  EXPECT_GT(writes_of_retouch(), 0);  // schema 19 rewrote every segment it recomputed
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  engine.reset();
  EXPECT_EQ(writes_of_retouch(), 0);
  // A change that moves one timeline: every link of a subscription with earlier segments goes,
  // and with it every segment; the file still verifies.
  engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  std::vector<std::string> links;
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement st(
        db,
        "SELECT l.certificate_action_id FROM certificate_action l JOIN action_subscription s"
        " ON s.action_id = l.action_id AND s.subscriber_id = l.resource_id"
        " WHERE s.action_subscription_id = (SELECT action_subscription_id FROM subscription_cover"
        " ORDER BY 1 LIMIT 1)");
    while (st.executeStep()) links.push_back(st.getColumn(0).getString());
  }
  ASSERT_FALSE(links.empty());
  for (const std::string& link : links) ASSERT_OK(engine->Delete("certificate-action", link, true));
  EXPECT_TRUE(Verified(*engine));
}

// Schema 21: the counts read the months before the day from status_month, and the EXPIRED
// page the late-renewed segments from their own index. An older file gets both from its steps
// and segments: the counts of every office on every day are what its steps summed to before,
// and a subscription renewed after its cover lapsed is listed EXPIRED on the days between.
TEST(UpgradeToSchema21, AnOlderFileCountsAndListsAsItsStepsAndSegmentsSay) {
  TempDir dir;
  const std::string path = dir.File("schema20.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  const std::vector<std::string> days = {"2020-01-01", "2025-06-01", "2026-05-31", "2026-06-01",
                                         "2026-06-15", "2026-11-22", "2027-12-31", "2032-01-01"};
  // office|status|day -> the sum of the steps up to the day, as schema 20 counted.
  std::map<std::string, int64_t> before;
  std::string lapsed;  // the subscription renewed late
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 20);
    // One covered subscription's certificates all expire on 2026-05-31 and a renewal comes on
    // 2026-06-10: an earlier segment EXPIRED from 2026-06-01 to 2026-06-09.
    lapsed = raw.execAndGet(
                    "SELECT s.action_subscription_id FROM action_subscription s"
                    " JOIN certificate_action l ON l.action_id = s.action_id"
                    "  AND l.resource_id = s.subscriber_id"
                    " JOIN certificate c ON c.certificate_id = l.certificate_id"
                    " WHERE c.date_release < '2026-05-01' AND c.revoked_on IS NULL"
                    " ORDER BY 1 LIMIT 1")
                 .getString();
    raw.exec(
        "UPDATE certificate_action SET date_expire = '2026-05-31' WHERE certificate_action_id IN"
        " (SELECT l.certificate_action_id FROM certificate_action l JOIN action_subscription s"
        "   ON s.action_id = l.action_id AND s.subscriber_id = l.resource_id"
        "  WHERE s.action_subscription_id = '" +
        lapsed +
        "');"
        "INSERT INTO certificate (certificate_id, tenant_id, resource_id, action_type, name,"
        "  date_release, date_expire, warning)"
        " SELECT 'renewal-' || c.certificate_id, c.tenant_id, c.resource_id, c.action_type,"
        "        'renewal', '2026-06-10', '2028-06-09', 0"
        "   FROM certificate c WHERE c.certificate_id = (SELECT min(l.certificate_id)"
        "     FROM certificate_action l JOIN action_subscription s ON s.action_id = l.action_id"
        "      AND s.subscriber_id = l.resource_id WHERE s.action_subscription_id = '" +
        lapsed +
        "');"
        "INSERT INTO certificate_action (certificate_action_id, certificate_id, action_id,"
        "  tenant_id, resource_id)"
        " SELECT 'renewal-link', 'renewal-' || min(l.certificate_id), s.action_id, s.tenant_id,"
        "        s.subscriber_id"
        "   FROM certificate_action l JOIN action_subscription s ON s.action_id = l.action_id"
        "    AND s.subscriber_id = l.resource_id WHERE s.action_subscription_id = '" +
        lapsed + "'");
    tx.commit();
    EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM subscription_cover"
                             " WHERE action_subscription_id = '" +
                             lapsed + "' AND cover_expire = '2026-05-31' AND to_day = '2026-06-10'")
                  .getInt(),
              1);
    SQLite::Statement st(raw,
                         "SELECT o.subtenant_id, s.status, d.day, (SELECT coalesce(sum(t.n), 0)"
                         " FROM status_step t WHERE t.subtenant_id = o.subtenant_id"
                         " AND t.status = s.status AND t.day <= d.day)"
                         " FROM (SELECT DISTINCT subtenant_id FROM action_subscription) o,"
                         " (SELECT 'NEW' AS status UNION ALL SELECT 'VALID' UNION ALL"
                         "  SELECT 'EXPIRING' UNION ALL SELECT 'EXPIRED') s,"
                         " (SELECT value AS day FROM json_each(?)) d");
    st.bind(1, Json(days).dump());
    while (st.executeStep()) {
      before[st.getColumn(0).getString() + "|" + st.getColumn(1).getString() + "|" +
             st.getColumn(2).getString()] = st.getColumn(3).getInt64();
    }
  }
  ASSERT_FALSE(before.empty());
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  std::map<std::string, int64_t> after;
  for (const auto& [key, n] : before) {
    const std::string office = key.substr(0, key.find('|'));
    const std::string day = key.substr(key.rfind('|') + 1);
    Query q;
    q.filter = {{"subtenant_id", office}};
    q.as_of = ParseDate(day);
    auto counts = engine->StatusCounts(q);
    ASSERT_OK(counts);
    for (const auto& [status, count] : *counts) {
      after[office + "|" + std::string(StatusName(status)) + "|" + day] = count;
    }
  }
  EXPECT_EQ(after, before);
  Json lapsed_row = engine->View("action-subscription", lapsed).value();
  for (const auto& [day, listed] : std::vector<std::pair<Date, bool>>{{Ymd(2026, 5, 31), false},
                                                                      {Ymd(2026, 6, 1), true},
                                                                      {Ymd(2026, 6, 9), true},
                                                                      {Ymd(2026, 6, 10), false}}) {
    Query q;
    q.filter = {{"subtenant_id", lapsed_row["subtenant_id"]}, {"status", "EXPIRED"}};
    q.sort = "certificate_date_expire";
    q.per_page = 1000;
    q.as_of = day;
    auto page = engine->Index("action-subscription", q);
    ASSERT_OK(page);
    bool found = false;
    for (const Json& r : page->rows) found = found || r["action_subscription_id"] == lapsed;
    EXPECT_EQ(found, listed) << ::testing::PrintToString(day);
    EXPECT_EQ(page->total_count, static_cast<int64_t>(page->rows.size()));
  }
  for (const auto& day : {Ymd(2026, 6, 1), Ymd(2026, 6, 9), kToday}) {
    EXPECT_TRUE(CountsAgreeWithIndex(*engine, day)) << ::testing::PrintToString(day);
  }
  EXPECT_TRUE(Verified(*engine));
}

// Schema 22: a bulk write sums its offices' months once, at its end. In an upgraded file a bulk
// write that moves many timelines leaves no office noted and months that Verify() finds equal
// to the recomputed steps; the counts read from them agree with the rows listed.
TEST(UpgradeToSchema22, ABulkWriteSumsTheMonthsOfTheOfficesItChanged) {
  TempDir dir;
  const std::string path = dir.File("schema21.certo");
  std::filesystem::copy_file(FixturePath(2), path);
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    internal::SqlContext ctx;
    ctx.options.today = kToday;
    ASSERT_EQ(internal::RegisterFunctions(raw.getHandle(), &ctx), SQLITE_OK);
    SQLite::Transaction tx(raw);
    MigrateRawTo(raw, 21);
    tx.commit();
  }
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), internal::Migrations().back().version);
  std::vector<std::string> links;
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement st(db, "SELECT certificate_action_id FROM certificate_action ORDER BY 1");
    while (st.executeStep()) links.push_back(st.getColumn(0).getString());
  }
  ASSERT_GE(links.size(), 2u);
  const Status bulk = engine->BulkTransaction([&](Engine& e) {
    for (size_t i = 0; i < links.size(); i += 2) {
      auto deleted = e.Delete("certificate-action", links[i], true);
      if (!deleted.ok()) return deleted.status();
    }
    return Status::OK();
  });
  ASSERT_TRUE(bulk.ok()) << bulk.ToString();
  {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM status_month_dirty").getInt(), 0);
    EXPECT_GT(db.execAndGet("SELECT count(*) FROM status_month").getInt(), 0);
  }
  for (const auto& day : {Ymd(2020, 1, 1), Ymd(2026, 6, 1), kToday, Ymd(2032, 1, 1)}) {
    EXPECT_TRUE(CountsAgreeWithIndex(*engine, day)) << ::testing::PrintToString(day);
  }
  EXPECT_TRUE(Verified(*engine));
}

}  // namespace
}  // namespace certo::testing
