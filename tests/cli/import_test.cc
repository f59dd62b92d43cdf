// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo import`, `certo export` and `certo import-people` end to end: one transaction or
// nothing, the failing line named; --each; the export/import round trip to the same state; the
// people sync's plan, dry run, cap and errors as the command prints them.

#include "cliutil.h"
#include "registry/registry.h"

namespace certo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

const std::string kProject = "00000000-0000-4000-8000-000000000001";
const std::string kOffice = "00000000-0000-4000-8000-0000000000a1";

std::string Line(const std::string& method, const std::string& path, const Json& body) {
  return Json{{"method", method}, {"path", path}, {"body", body}}.dump() + "\n";
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CERTO_CLI).empty()) GTEST_SKIP() << "the certo CLI is not built";
  }

  std::string Db(const std::string& name = "company.certo") const { return dir_.File(name); }

  RunResult Certo(const std::string& db, const std::vector<std::string>& args,
                  const std::string& input = "") {
    std::vector<std::string> all{"--db", db, "--today", "2026-11-22", "--create"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCerto(all, dir_, input);
  }

  std::string Export(const std::string& db, const std::vector<std::string>& args = {}) {
    std::vector<std::string> all{"export"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = Certo(db, all);
    EXPECT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
  }

  // Every row of every collection, retired ones included, as Index shows them.
  static std::map<std::string, Json> State(const std::string& db) {
    auto engine = OpenEngine(db);
    std::map<std::string, Json> state;
    if (!engine) return state;
    for (const std::string& collection : Engine::Collections()) {
      Json rows = Json::array();
      for (int page = 1;; ++page) {
        Query q;
        q.history = true;
        q.per_page = 1000;
        q.page = page;
        Result<Page> p = engine->Index(collection, q);
        EXPECT_TRUE(p.ok()) << collection << ": " << p.status().ToString();
        if (!p.ok()) break;
        for (const Json& row : p->rows) rows.push_back(row);
        if (page >= p->page_count) break;
      }
      state[collection] = rows;
    }
    return state;
  }

  static Json Outbox(const std::string& db) {
    auto engine = OpenEngine(db);
    Json events = Json::array();
    Result<std::vector<Event>> read = engine->ReadOutbox(0, 10000);
    EXPECT_TRUE(read.ok());
    for (const Event& e : *read) events.push_back(e.name + " " + e.entity_id);
    return events;
  }

  // A file with one project and one office.
  void MakeSmallCompany(const std::string& db) {
    RunResult r =
        Certo(db, {"import", "-"},
              Line("POST", "/v2/project/create", {{"project_id", kProject}, {"name", "ACME"}}) +
                  Line("POST", "/v2/office/create",
                       {{"office_id", kOffice}, {"project_id", kProject}, {"name", "Plant"}}));
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    ASSERT_EQ(r.out, "imported 2 requests from stdin\n");
  }

  TempDir dir_;
};

// ---- import ---------------------------------------------------------------------------------

TEST_F(ImportTest, TheExampleCompanyImportsInOneTransactionAndVerifies) {
  const std::string file = SourcePath("examples/company.jsonl");
  RunResult r = Certo(Db(), {"import", file});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "imported 2071 requests from " + file + "\n");
  EXPECT_EQ(r.err, "");  // no progress bar: stderr is not a terminal
  auto engine = OpenEngine(Db());
  Result<VerifyReport> report = engine->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->subscriptions_checked, 401);
  EXPECT_EQ(engine->Index("person")->total_count, 149);  // 150, one of them retired
}

TEST_F(ImportTest, AFailingLineInTheMiddleLeavesTheFileUnchanged) {
  MakeSmallCompany(Db());
  const std::string before = Export(Db());
  const Json outbox = Outbox(Db());
  const std::string file = dir_.File("requests.jsonl");
  WriteFile(
      file,
      Line("POST", "/v2/person/create",
           {{"project_id", kProject}, {"first_name", "Ada"}, {"last_name", "Rossi"}}) +
          Line("POST", "/v2/role/create", {{"office_id", kOffice}, {"name", "RSPP"}}) +
          Line("POST", "/v2/person/create", {{"project_id", kProject}, {"first_name", "Bob"}}) +
          Line("POST", "/v2/equipment/create", {{"office_id", kOffice}, {"name", "Crane"}}));
  RunResult r = Certo(Db(), {"import", file});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo import: " + file +
                       " line 3 (POST /v2/person/create): HTTP 422: "
                       "[{\"field\":\"last_name\",\"message\":\"is required\"}]\n"
                       "certo import: nothing was imported\n");
  EXPECT_EQ(Export(Db()), before);
  EXPECT_EQ(Outbox(Db()), outbox);
}

TEST_F(ImportTest, AMalformedLineIsReportedWithItsNumberCountingBlankLines) {
  MakeSmallCompany(Db());
  const std::string before = Export(Db());
  RunResult r = Certo(Db(), {"import", "-"},
                      Line("POST", "/v2/role/create", {{"office_id", kOffice}, {"name", "RLS"}}) +
                          "\n   \n{\"method\": \"POST\"}\n");
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(
      r.err,
      "certo import: stdin line 4: HTTP 400: {\"name\":\"Bad Request\",\"message\":\"expected "
      "a JSON object with string \\\"method\\\" and \\\"path\\\" and an optional "
      "\\\"body\\\"\",\"code\":8,\"status\":400}\n"
      "certo import: nothing was imported\n");
  EXPECT_EQ(Export(Db()), before);
}

TEST_F(ImportTest, EachCommitsTheGoodLinesAndReportsEveryBadOne) {
  MakeSmallCompany(Db());
  RunResult r =
      Certo(Db(), {"import", "--each", "-"},
            Line("POST", "/v2/role/create", {{"office_id", kOffice}, {"name", "RLS"}}) +
                Line("POST", "/v2/role/create", {{"office_id", kOffice}}) +
                Line("POST", "/v2/role/create", {{"office_id", kOffice}, {"name", "Preposto"}}) +
                Line("GET", "/v2/role/view/00000000-0000-4000-8000-0000000000ff", nullptr));
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "imported 2 requests from stdin; 2 failed and were skipped\n");
  EXPECT_EQ(r.err,
            "certo import: stdin line 2 (POST /v2/role/create): HTTP 422: "
            "[{\"field\":\"name\",\"message\":\"is required\"}]\n"
            "certo import: stdin line 4 (GET /v2/role/view/00000000-0000-4000-8000-0000000000ff): "
            "HTTP 404: {\"name\":\"Not Found\",\"message\":\"no role with office_role_id "
            "00000000-0000-4000-8000-0000000000ff\",\"code\":1,\"status\":404}\n");
  EXPECT_EQ(State(Db())["role"].size(), 2u);
}

TEST_F(ImportTest, AMissingFileIsAnErrorAndCreatesNothing) {
  RunResult r = Certo(Db(), {"import", dir_.File("nope.jsonl")});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo import: cannot read '" + dir_.File("nope.jsonl") +
                       "': No such file or directory\n");
  EXPECT_FALSE(std::filesystem::exists(Db()));
  r = Certo(Db(), {"import"});
  EXPECT_EQ(r.exit_code, kExitUsage);
}

// ---- export ---------------------------------------------------------------------------------

TEST_F(ImportTest, ExportThenImportIntoAnEmptyFileGivesTheSameState) {
  ASSERT_EQ(Certo(Db(), {"import", SourcePath("examples/company.jsonl")}).exit_code, kExitOk);
  {
    // What the example lacks: a second project, a link with its own date, JSON fields, the
    // collections it does not use, a retired office (hiding rows under it), a restored row, a
    // future retirement.
    auto engine = OpenEngine(Db());
    Json p2 =
        MustCreate(*engine, "project", {{"name", "Other S.r.l."}, {"data", {{"erp", {"id", 42}}}}});
    Json o2 = MustCreate(*engine, "office", {{"project_id", p2["project_id"]}, {"name", "Depot"}});
    Json ada = MustCreate(
        *engine, "person",
        {{"project_id", p2["project_id"]}, {"first_name", "Ada"}, {"last_name", "Neri"}});
    Json course = MustCreate(*engine, "action",
                             {{"subtenant_id", o2["office_id"]},
                              {"action_type", "TRAINING"},
                              {"name", "Induction"},
                              {"validity", 2},
                              {"validity_unit", "YEAR"},
                              {"expire_interval", 30},
                              {"manager", Json::array({"RSPP"})}});
    MustCreate(*engine, "action-subscription",
               {{"action_id", course["action_id"]},
                {"subscriber_type", "PERSON"},
                {"subscriber_id", ada["person_id"]},
                {"data", {{"note", "first"}}}});
    Json cert = MustCreate(*engine, "certificate",
                           {{"tenant_id", p2["project_id"]},
                            {"resource_id", ada["person_id"]},
                            {"action_type", "TRAINING"},
                            {"name", "Induction"},
                            {"date_release", "2025-01-15"}});
    MustCreate(*engine, "certificate-action",
               {{"certificate_id", cert["certificate_id"]},
                {"action_id", course["action_id"]},
                {"date_expire", "2026-12-31"}});
    Json ada_po = MustCreate(*engine, "person-office",
                             {{"person_id", ada["person_id"]}, {"office_id", o2["office_id"]}});
    MustCreate(*engine, "work-environment", {{"office_id", o2["office_id"]}, {"name", "Yard"}});
    Json diesel =
        MustCreate(*engine, "substance", {{"office_id", o2["office_id"]}, {"name", "Diesel"}});
    Json drivers = MustCreate(
        *engine, "work-group",
        {{"office_id", o2["office_id"]}, {"name", "Drivers"}, {"work_group_type", "JOB"}});
    MustCreate(*engine, "work-group-entity",
               {{"work_group_id", drivers["work_group_id"]},
                {"entity_type", "SUBSTANCE"},
                {"entity_id", diesel["office_substance_id"]}});
    MustCreate(*engine, "demand",
               {{"action_id", course["action_id"]},
                {"resource_type", "WORK_GROUP"},
                {"resource_id", drivers["work_group_id"]}});
    Json helmet =
        MustCreate(*engine, "material", {{"subtenant_id", o2["office_id"]}, {"name", "Helmet"}});
    MustCreate(
        *engine, "material-item",
        {{"material_id", helmet["material_id"]}, {"name", "Helmets"}, {"initial_quantity", 5}});
    // A directory: exports carry attachment rows, not their content (README.md, "Entities").
    Json scans = MustCreate(*engine, "attachment",
                            {{"project_id", p2["project_id"]}, {"attachment_path", "scans"}});
    MustCreate(*engine, "entity-attachment",
               {{"entity_id", ada["person_id"]}, {"attachment_id", scans["attachment_id"]}});
    MustCreate(*engine, "work-group-person",
               {{"work_group_id", drivers["work_group_id"]},
                {"person_office_id", ada_po["person_office_id"]},
                {"time_spent_measure", "20 h/week"}});
    Json shed = MustCreate(*engine, "office", {{"project_id", p2["project_id"]}, {"name", "Shed"}});
    MustCreate(*engine, "role", {{"office_id", shed["office_id"]}, {"name", "Preposto"}});
    ASSERT_OK(engine->Historicize("office", shed["office_id"].get<std::string>(), Ymd(2026, 1, 1)));
    ASSERT_OK(engine->Historicize("person", ada["person_id"].get<std::string>(), Ymd(2027, 3, 1)));
    Json gone = MustCreate(*engine, "equipment", {{"office_id", o2["office_id"]}, {"name", "Saw"}});
    ASSERT_OK(engine->Historicize("equipment", gone["office_equipment_id"].get<std::string>(),
                                  Ymd(2026, 2, 1)));
    ASSERT_OK(engine->Restore("equipment", gone["office_equipment_id"].get<std::string>()));
  }
  const std::string exported = Export(Db());
  const std::string file = dir_.File("export.jsonl");
  WriteFile(file, exported);
  RunResult r = Certo(Db("copy.certo"), {"import", file});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;

  std::map<std::string, Json> original = State(Db()), copy = State(Db("copy.certo"));
  ASSERT_EQ(original.size(), Engine::Collections().size());
  for (const auto& [collection, rows] : original) {
    EXPECT_GT(rows.size(), 0u) << collection;
    EXPECT_EQ(copy[collection], rows) << collection;
  }
  // The copy exports to the same requests, and the schedule agrees with a recomputation.
  EXPECT_EQ(Export(Db("copy.certo")), exported);
  auto engine = OpenEngine(Db("copy.certo"));
  EXPECT_TRUE(engine->Verify()->ok());
}

TEST_F(ImportTest, ExportOfOneProjectCarriesOnlyItsRows) {
  ASSERT_EQ(Certo(Db(), {"import", SourcePath("examples/company.jsonl")}).exit_code, kExitOk);
  std::string example_project;
  {
    auto engine = OpenEngine(Db());
    example_project = engine->Index("project")->rows[0]["project_id"];
    Json p2 = MustCreate(*engine, "project", {{"name", "Other"}});
    MustCreate(*engine, "office", {{"project_id", p2["project_id"]}, {"name", "Depot"}});
  }
  const std::string file = dir_.File("one.jsonl");
  WriteFile(file, Export(Db(), {"--project", example_project}));
  ASSERT_EQ(Certo(Db("one.certo"), {"import", file}).exit_code, kExitOk);

  std::map<std::string, Json> original = State(Db()), copy = State(Db("one.certo"));
  for (const auto& [collection, rows] : original) {
    const internal::Entity& e = *internal::FindEntity(collection);
    const std::string key(e.project_field.empty() ? e.id : e.project_field);
    Json expected = Json::array();
    for (const Json& row : rows) {
      if (row[key] == example_project) expected.push_back(row);
    }
    EXPECT_EQ(copy[collection], expected) << collection;
  }
  EXPECT_EQ(copy["project"].size(), 1u);
}

TEST_F(ImportTest, ExportOfAnUnknownProjectIsAnError) {
  MakeSmallCompany(Db());
  RunResult r = Certo(Db(), {"export", "--project", "00000000-0000-4000-8000-000000000009"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "certo export: --project: no project with project_id "
            "00000000-0000-4000-8000-000000000009\n");
  r = Certo(Db(), {"export", "--project", "acme"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err, "certo export: --project: no project with project_id acme (not a UUID)\n");
}

// ---- import-people --------------------------------------------------------------------------

class ImportPeopleTest : public ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    MakeSmallCompany(Db());
    WriteFile(dir_.File("roster0.csv"),
              "code,first_name,last_name,birth_date\n"
              "E001,Mario,Rossi,1980-01-01\n"
              "E002,Anna,Bianchi,1985-02-01\n"
              "E003,Luca,Verdi,1990-03-01\n");
    RunResult r = People({dir_.File("roster0.csv")});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    WriteFile(dir_.File("roster.csv"),
              "code;first_name;last_name;birth_date;locality\n"
              "E001;Mario;Rossi;1980-01-01;Milano\n"
              "E003;Luca;Verdi;1990-03-01;\n"
              "E004;\"Giovanni \"\"Gianni\"\"\";De Luca;1975-12-31;Bergamo\n");
  }

  RunResult People(std::vector<std::string> args) {
    std::vector<std::string> all{"import-people"};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), {"--project", kProject});
    return Certo(Db(), all);
  }

  const std::string kPlan =
      "  line 2    update      E001  Mario Rossi: locality (empty) -> \"Milano\"\n"
      "  line 4    create      E004  Giovanni \"Gianni\" De Luca\n"
      "  absent    historicize E002  Anna Bianchi\n"
      "1 to create, 1 to update, 0 to restore, 1 to historicize, 1 unchanged\n";
};

TEST_F(ImportPeopleTest, DryRunPrintsThePlanAndWritesNothing) {
  const std::string before = Export(Db());
  RunResult r = People({dir_.File("roster.csv"), "--dry-run"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "people sync of " + dir_.File("roster.csv") + " (match: code)\n" + kPlan +
                       "dry run: nothing written\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Export(Db()), before);
}

TEST_F(ImportPeopleTest, SyncWritesThePlanAndHistoricizesTheAbsent) {
  RunResult r = People({dir_.File("roster.csv")});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "people sync of " + dir_.File("roster.csv") + " (match: code)\n" + kPlan + "written\n");
  Json people = State(Db())["person"];
  std::map<std::string, Json> by_code;
  for (const Json& p : people) by_code[p["code"]] = p;
  EXPECT_EQ(by_code.size(), 4u);  // nobody deleted
  EXPECT_EQ(by_code["E001"]["locality"], "Milano");
  EXPECT_EQ(by_code["E002"]["retired_on"], "2026-11-22");
  EXPECT_EQ(by_code["E004"]["first_name"], "Giovanni \"Gianni\"");
  EXPECT_EQ(by_code["E004"]["retired_on"], nullptr);
}

TEST_F(ImportPeopleTest, MoreChangesThanTheCapAbortWithNothingWritten) {
  const std::string before = Export(Db());
  RunResult r = People({dir_.File("roster.csv"), "--max-changes", "2"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "people sync of " + dir_.File("roster.csv") + " (match: code)\n" + kPlan);
  EXPECT_EQ(r.err, "certo import-people: 3 changes exceed --max-changes 2; nothing written\n");
  EXPECT_EQ(Export(Db()), before);
}

TEST_F(ImportPeopleTest, BadRowsAreListedWithTheirLinesAndNothingIsWritten) {
  const std::string before = Export(Db());
  const std::string file = dir_.File("bad.csv");
  WriteFile(file,
            "code,first_name,last_name,birth_date\n"
            "E001,Mario,Rossi,1980-02-30\n"
            "E002,Anna,Bianchi,1985-02-01\n"
            "E002,Anna,Bianchi,1985-02-01\n"
            "E005,Nuovo,Assunto,2001-07-01\n");
  RunResult r = People({file});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo import-people: " + file +
                       " line 2: birth_date: must be a real calendar date in the form YYYY-MM-DD\n"
                       "certo import-people: " +
                       file +
                       " line 4: code: 'E002' appears twice in the file (lines 3 and 4)\n"
                       "certo import-people: 2 errors; nothing written\n");
  WriteFile(file, "code,first_name,birth_date\nE001,Mario,1980-01-01\n");
  r = People({file});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err, "certo import-people: " + file +
                       " line 1: last_name: is required: the file needs this column\n"
                       "certo import-people: 1 error; nothing written\n");
  EXPECT_EQ(Export(Db()), before);
}

TEST_F(ImportPeopleTest, BadOptionsAreClearErrors) {
  RunResult r = Certo(Db(), {"import-people", dir_.File("roster.csv"), "--project",
                             "00000000-0000-4000-8000-000000000009"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err,
            "certo import-people: --project: no project with project_id "
            "00000000-0000-4000-8000-000000000009\n");
  r = People({dir_.File("roster.csv"), "--match", "email"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  r = Certo(Db(), {"import-people", dir_.File("roster.csv")});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("--project is required"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace certo::testing
