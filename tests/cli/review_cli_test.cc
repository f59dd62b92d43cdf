// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo review` (docs/review.md): create, start, list, show, decide, signoff and the report in
// text, JSON, CSV and HTML, on a file made through the C++ API with a pinned date.

#include "certo/engine.h"

#include "cliutil.h"

namespace certo::testing {
namespace {

std::string S(const Json& j, const char* key) { return j.at(key).get<std::string>(); }

struct ReviewCli : ::testing::Test {
  TempDir dir;
  std::string db = dir.File("r.certo");
  std::string project, office, rita, ana, ana_warden;

  void SetUp() override {
    auto e = OpenEngine(db);
    project = S(MustCreate(*e, "project", {{"name", "Acme"}}), "project_id");
    office = S(MustCreate(*e, "office", {{"project_id", project}, {"name", "Plant"}}), "office_id");
    std::string warden = S(MustCreate(*e, "role", {{"office_id", office}, {"name", "Fire warden"}}),
                           "office_role_id");
    rita = S(MustCreate(*e, "person",
                        {{"project_id", project}, {"first_name", "Rita"}, {"last_name", "R"}}),
             "person_id");
    ana = S(MustCreate(*e, "person",
                       {{"project_id", project}, {"first_name", "Ana"}, {"last_name", "A"}}),
            "person_id");
    std::string po = S(MustCreate(*e, "person-office", {{"office_id", office}, {"person_id", ana}}),
                       "person_office_id");
    ana_warden = S(MustCreate(*e, "entity-employee",
                              {{"person_office_id", po}, {"type", "ROLE"}, {"entity_id", warden}}),
                   "entity_employee_id");
  }

  RunResult Certo(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--today", "2026-11-22"});
    return RunCerto(args, dir);
  }
};

TEST_F(ReviewCli, CreateStartDecideSignOffAndReportInEveryFormat) {
  RunResult made = Certo({"review", "create", "--project", "Acme", "--name", "Annual", "--deadline",
                          "2026-12-31", "--reviewer", rita});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(Json::parse(made.out)["cert_id"], 1);
  ASSERT_EQ(Certo({"review", "start", "1"}).exit_code, 0);
  RunResult list = Certo({"review", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const std::string task = Json::parse(list.out)["certifications"][0]["taskId"];
  RunResult text_list = Certo({"review", "list"});
  EXPECT_EQ(text_list.out, "1  " + task + "  ASSIGNED  Annual [ Rita R ]  deadline 2026-12-31\n");
  RunResult show = Certo({"review", "show", "1", "--task", task});
  EXPECT_EQ(show.out, "1  NEW  NEW  A, Ana\n");
  // Revoke needs a comment: the command fails, naming the rule.
  RunResult bare = Certo({"review", "decide", "1", task, "1", "Revoke"});
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_EQ(bare.err,
            "certo review decide: comments: a REVOKE needs a comment (the campaign's "
            "comment_required)\n");
  RunResult revoke = Certo({"review", "decide", "1", task, "1", "Revoke", "--comment", "left"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_EQ(revoke.out, "line item 1: Revoke\n");
  RunResult signoff = Certo({"review", "signoff", "1", task});
  ASSERT_EQ(signoff.exit_code, 0) << signoff.err;
  EXPECT_EQ(signoff.out, "task " + task + ": SIGNED_OFF, 1 effect(s), campaign closed\n");
  RunResult text = Certo({"review", "report", "1"});
  EXPECT_EQ(text.out,
            "Campaign 1 Annual (USER, CLOSED, deadline 2026-12-31, no response: keep)\n"
            "  #1 Ana A: ROLE Fire warden\n"
            "      REVOKE by Rita R at 2026-11-22T00:00:00Z \"left\" -> RETIRED from 2026-11-22\n");
  RunResult csv = Certo({"review", "report", "1", "--format", "csv"});
  EXPECT_EQ(csv.out,
            "line_item_id,saw,decision,end_date,decided_by,decided_at,comment,outcome,effect_on\n"
            "1,Ana A: ROLE Fire warden,REVOKE,,Rita R,2026-11-22T00:00:00Z,left,RETIRED,"
            "2026-11-22\n");
  RunResult json = Certo({"review", "report", "1", "--format", "json"});
  Json j = Json::parse(json.out);
  EXPECT_EQ(j["rows"][0]["source_id"], ana_warden);
  EXPECT_EQ(j["rows"][0]["outcome"], "RETIRED");
  RunResult html = Certo({"review", "report", "1", "--format", "html"});
  EXPECT_NE(html.out.find("<td>Ana A: ROLE Fire warden</td><td>REVOKE</td>"), std::string::npos)
      << html.out;
  // The assignment is retired: `certo` reads it so.
  auto e = OpenEngine(db);
  EXPECT_EQ(e->View("entity-employee", ana_warden)->at("retired_on"), "2026-11-22");
  // A second sign-off is refused with the state.
  RunResult again = Certo({"review", "signoff", "1", task});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("is CLOSED"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace certo::testing
