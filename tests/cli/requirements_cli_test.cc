// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo report --person` (the person's card) and `certo report --matrix` (the training matrix)
// on the crew of report/crew.h, written to a file through the engine: exact text, CSV and JSON,
// the HTML pages' cells, finding a person by code (unknown, in two projects), and the options
// that do not go together.

#include "cliutil.h"
#include "report/crew.h"

namespace certo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNonCompliant = 5;

// Ada's card as text: a table that fits 80 columns, then one line of reasons per requirement.
constexpr const char* kCardText =
    "Requirements of Ada Rossi (E001) as of 2026-11-22\n"
    "3 requirements: 1 NEW, 0 VALID, 1 EXPIRING, 1 EXPIRED\n"
    "Not compliant: a requirement is NEW or EXPIRED.\n"
    "\n"
    "Status    Requirement          Type      Origin   Released    Valid until\n"
    "-------------------------------------------------------------------------\n"
    "EXPIRING  Fire fighting (FF)   TRAINING  DERIVED  2025-12-01  2026-12-01\n"
    "NEW       First aid (FA)       TRAINING  MANUAL\n"
    "EXPIRED   Medical check (MED)  HEALTH    DERIVED  2023-06-01  2025-06-01\n"
    "\n"
    "Why (what requires each on that day; the requirement's office):\n"
    "  Fire fighting (FF), Head office: ROLE Fire warden (entity-employee)\n"
    "  First aid (FA), Head office: made by hand\n"
    "  Medical check (MED), Head office: OFFICE Head office (person-office)\n";

// The README's example of the card (after <!-- test:person-card -->): the command's output, the
// lines after its "$ certo ..." line up to the block's end.
std::string ReadmeCardExample() {
  const std::string readme = ReadFile(SourcePath("README.md"));
  const std::string head =
      "<!-- test:person-card -->\n```sh\n$ certo --db crew.certo --today 2026-11-22 report "
      "--person E001\n";
  const size_t at = readme.find(head);
  if (at == std::string::npos) return "(no person-card example in README.md)";
  const size_t begin = at + head.size();
  return readme.substr(begin, readme.find("```\n", begin) - begin);
}

class RequirementsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CERTO_CLI).empty()) GTEST_SKIP() << "the certo CLI is not built";
    Options options;
    options.today = kToday;
    options.create_if_missing = true;
    auto engine = Engine::Open(Db(), options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    crew_.emplace(**engine);
    engine_ = std::move(*engine);
  }

  std::string Db() const { return dir_.File("crew.certo"); }

  // certo --db crew.certo --today 2026-11-22 report args..., 80 columns wide.
  RunResult Report(const std::vector<std::string>& args) {
    std::vector<std::string> all{"env", "-u",      "COLUMNS",    CERTO_CLI, "--db",
                                 Db(),  "--today", "2026-11-22", "report"};
    all.insert(all.end(), args.begin(), args.end());
    return RunProgram(all, "", dir_);
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::optional<Crew> crew_;
};

TEST_F(RequirementsCli, TheCardAsText) {
  RunResult r = Report({"--person", "E001"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, kCardText);
  // The README shows exactly this output.
  EXPECT_EQ(ReadmeCardExample(), r.out);
}

TEST_F(RequirementsCli, TheCardAsJsonIsTheJsonApisBody) {
  RunResult r = Report({"--person", "E001", "--format", "json"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  Reply reply = Call(*engine_, "POST", "/v2/person/requirements/" + crew_->ada);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(r.out, reply.body.dump(2) + "\n");
  // By id too, and on another day with --today.
  r = Report({"--person", crew_->ada, "--format", "json"});
  EXPECT_EQ(r.out, reply.body.dump(2) + "\n");
}

TEST_F(RequirementsCli, TheCardAsCsv) {
  RunResult r = Report({"--person", "E002", "--format", "csv"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  const Crew& c = *crew_;
  auto row = [&](const std::string& action) {
    Query q;
    q.filter = {{"action_id", action}, {"subscriber_id", c.bruno}};
    auto page = engine_->Index("action-subscription", q);
    return page.ok() && page->rows.size() == 1
               ? page->rows[0]["action_subscription_id"].get<std::string>()
               : std::string("?");
  };
  EXPECT_EQ(r.out,
            "person_code,person_name,status,action_type,action_code,action_name,origin,"
            "certificate_date_release,certificate_date_expire,office_name,required_by,"
            "action_subscription_id,action_id,office_id,person_id\n"
            "E002,Bruno Bianchi,NEW,TRAINING,FL,Forklift licence,DERIVED,,,Head office,"
            "EQUIPMENT Forklift (entity-employee)," +
                row(c.forklift_licence) + "," + c.forklift_licence + "," + c.hq + "," + c.bruno +
                "\n"
                "E002,Bruno Bianchi,VALID,HEALTH,MED,Medical check,DERIVED,2026-01-10,2028-01-10,"
                "Head office,OFFICE Head office (person-office)," +
                row(c.medical) + "," + c.medical + "," + c.hq + "," + c.bruno + "\n");
}

TEST_F(RequirementsCli, TheCardAsHtml) {
  RunResult r = Report({"--person", "E001", "--format", "html"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  for (const std::string& piece :
       {std::string("<title>Requirements of Ada Rossi (E001) as of 2026-11-22</title>"),
        std::string("content=\"default-src 'none'; style-src 'unsafe-inline'\""),
        std::string("@media print"),
        "data-action-id=\"" + crew_->fire +
            "\" data-status=\"EXPIRING\"><td><span class=\"status expiring\">EXPIRING</span>"
            "</td><td>Fire fighting (FF)</td><td>TRAINING</td><td>DERIVED</td>"
            "<td class=\"d\">2025-12-01</td><td class=\"d\">2026-12-01</td><td>Head office</td>"
            "<td>ROLE Fire warden (entity-employee)</td></tr>",
        "data-action-id=\"" + crew_->first_aid +
            "\" data-status=\"NEW\"><td><span class=\"status new\">NEW</span></td>"
            "<td>First aid (FA)</td><td>TRAINING</td><td>MANUAL</td><td class=\"d\"></td>"
            "<td class=\"d\"></td><td>Head office</td><td>-</td></tr>",
        std::string("data-compliant=\"false\">3 requirements: 1 NEW, 0 VALID, 1 EXPIRING, "
                    "1 EXPIRED</span>")}) {
    EXPECT_NE(r.out.find(piece), std::string::npos) << piece << "\nnot in:\n" << r.out;
  }
  EXPECT_EQ(r.out.find("<script"), std::string::npos);
}

TEST_F(RequirementsCli, FailOnExpiredExitsFiveAfterTheCard) {
  RunResult r = Report({"--person", "E001", "--fail-on", "expired", "--format", "json"});
  EXPECT_EQ(r.exit_code, kExitNonCompliant);
  EXPECT_EQ(r.err, "certo report: --fail-on expired: 1 row EXPIRED\n");
  EXPECT_FALSE(r.out.empty());
  r = Report({"--person", "E002", "--fail-on", "expiring", "--format", "json"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
}

TEST_F(RequirementsCli, AnUnknownOrAmbiguousCodeIsAnError) {
  RunResult r = Report({"--person", "E999"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo report: --person: no person with id or code 'E999'\n");
  r = Report({"--person", "0b5e9e4c-0000-4000-8000-000000000000"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err,
            "certo report: --person: no person with id or code "
            "'0b5e9e4c-0000-4000-8000-000000000000'\n");

  // A second company with its own E001: the code alone names two people.
  const std::string other = MustCreate(*engine_, "project", {{"name", "Other"}})["project_id"];
  MustCreate(*engine_, "person",
             {{"project_id", other}, {"code", "E001"}, {"first_name", "Eva"}, {"last_name", "Bo"}});
  r = Report({"--person", "E001"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err,
            "certo report: --person: the code 'E001' names a person in 2 projects: pass "
            "--project\n");
  r = Report({"--person", "E001", "--project", "Other", "--format", "json"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(Json::parse(r.out)["person"]["name"], "Eva Bo");
  r = Report({"--person", "E002", "--project", "Other"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err, "certo report: --person: no person with id or code 'E002' in the project\n");
}

TEST_F(RequirementsCli, TheMatrixAsCsv) {
  const Crew& c = *crew_;
  RunResult r = Report({"--matrix", "--office", "HQ", "--format", "csv"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "person_id,person_code,person_name,Fire fighting (FF),First aid (FA),"
            "Forklift licence (FL),Medical check (MED)\n" +
                c.bruno + ",E002,Bruno Bianchi,,,NEW,VALID\n" + c.ada +
                ",E001,Ada Rossi,EXPIRING,NEW,,EXPIRED\n");

  // --today is the matrix's day: Carla has started, Ada's course has run out.
  std::vector<std::string> args{"env",      "-u",          "COLUMNS",    CERTO_CLI, "--db",
                                Db(),       "--today",     "2026-12-02", "report",  "--matrix",
                                "--office", "Head office", "--format",   "csv"};
  r = RunProgram(args, "", dir_);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "person_id,person_code,person_name,Fire fighting (FF),First aid (FA),"
            "Forklift licence (FL),Medical check (MED)\n" +
                c.bruno + ",E002,Bruno Bianchi,,,NEW,VALID\n" + c.ada +
                ",E001,Ada Rossi,EXPIRED,NEW,,EXPIRED\n" + c.carla + ",E003,Carla Verdi,,,,NEW\n");

  // Every office: Dario, who needs nothing, is a row of empty cells.
  r = Report({"--matrix", "--format", "csv"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("\n" + c.dario + ",E004,Dario Neri,,,,\n"), std::string::npos) << r.out;
}

TEST_F(RequirementsCli, TheMatrixAsHtml) {
  const Crew& c = *crew_;
  RunResult r = Report({"--matrix", "--office", "HQ", "--format", "html"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  auto cell = [](const std::string& action, const char* status) {
    const std::string s(status);
    std::string lower = s;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return "<td class=\"cell " + (s.empty() ? std::string("none") : "status " + lower) +
           "\" data-action-id=\"" + action + "\" data-status=\"" + s + "\">" + s + "</td>";
  };
  const std::string ada_row = "<tr data-person-id=\"" + c.ada +
                              "\"><th scope=\"row\">Ada Rossi (E001)</th>" +
                              cell(c.fire, "EXPIRING") + cell(c.first_aid, "NEW") +
                              cell(c.forklift_licence, "") + cell(c.medical, "EXPIRED") + "</tr>";
  const std::string bruno_row =
      "<tr data-person-id=\"" + c.bruno + "\"><th scope=\"row\">Bruno Bianchi (E002)</th>" +
      cell(c.fire, "") + cell(c.first_aid, "") + cell(c.forklift_licence, "NEW") +
      cell(c.medical, "VALID") + "</tr>";
  for (const std::string& piece :
       {std::string("<title>Training matrix: Head office as of 2026-11-22</title>"),
        std::string("content=\"default-src 'none'; style-src 'unsafe-inline'\""),
        std::string(".matrix thead th{position:sticky;top:0;"),
        std::string("@media print{@page{size:landscape}"),
        // the report's colours
        std::string(".status.expired{background:#c0392b}"),
        std::string(".status.expiring{background:#e67e22}"),
        std::string(".status.valid{background:#27ae60}"),
        std::string(".status.new{background:#95a5a6}"),
        "<th class=\"action\" scope=\"col\" data-action-id=\"" + c.fire +
            "\">Fire fighting (FF) <span class=\"type\">TRAINING</span></th>",
        std::string("2 people, 4 requirements"), bruno_row + "\n" + ada_row + "\n"}) {
    EXPECT_NE(r.out.find(piece), std::string::npos) << piece << "\nnot in:\n" << r.out;
  }
  EXPECT_EQ(r.out.find("<script"), std::string::npos);
}

TEST_F(RequirementsCli, OptionsThatDoNotGoTogetherAreUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  for (const Case& k : std::vector<Case>{
           {{"--matrix"}, "certo report: --matrix is written as --format csv or html\n"},
           {{"--matrix", "--format", "json"},
            "certo report: --matrix is written as --format csv or html\n"},
           {{"--person", "E001", "--days", "10"},
            "certo report: --days does not go with --person\n"},
           {{"--person", "E001", "--office", "HQ"},
            "certo report: --office does not go with --person\n"},
           {{"--matrix", "--format", "csv", "--section", "counts"},
            "certo report: --section does not go with --matrix\n"},
       }) {
    RunResult r = Report(k.args);
    EXPECT_EQ(r.exit_code, kExitUsage) << k.args[0];
    EXPECT_EQ(r.err, k.err);
    EXPECT_EQ(r.out, "");
  }
  RunResult r = Report({"--person", "E001", "--matrix"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  r = Report({"--matrix", "--office", "Atlantis", "--format", "csv"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err, "certo report: --office: no office with id, code or name 'Atlantis'\n");
}

}  // namespace
}  // namespace certo::testing
