// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo report` for the people who run it (issue 11): the EXPIRING list agrees with the
// EXPIRING total, the totals say how many retired rows they leave out, --fail-on for cron, a
// default --limit with "N more", text as wide as the terminal, CSV one table per file that
// pandas reads, and an HTML page that names the company, prints and fits a phone.

#include <sstream>

#include "cliutil.h"

namespace certo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitNonCompliant = 5;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

class ReportConventions : public ExampleCompanySuite<ReportConventions> {
 protected:
  // certo report as of the README's date, with COLUMNS as given ("" = unset) and no terminal.
  static RunResult Report(const std::vector<std::string>& args, const std::string& columns = "") {
    std::vector<std::string> all{"env", "-u", "COLUMNS"};
    if (!columns.empty()) all.push_back("COLUMNS=" + columns);
    all.insert(all.end(), {CERTO_CLI, "--db", Db(), "--today", "2026-11-22", "report"});
    all.insert(all.end(), args.begin(), args.end());
    return RunProgram(all, "", *dir_);
  }
  static Json JsonReport(const std::vector<std::string>& args = {}) {
    std::vector<std::string> all{"--format", "json"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = Report(all);
    EXPECT_EQ(r.exit_code, kExitOk) << r.err;
    return Json::parse(r.out);
  }
};

TEST_F(ReportConventions, TheExpiringListIsTheRowsWhoseStatusIsExpiring) {
  Json r = JsonReport();
  EXPECT_EQ(r["expiring_total"], r["totals"]["EXPIRING"]);
  EXPECT_EQ(r["expiring"].size(), r["expiring_total"].get<size_t>());
  for (const Json& e : r["expiring"]) EXPECT_EQ(e["status"], "EXPIRING") << e.dump();
  // The look-ahead list is separate, and holds what it says: not expired, within --days.
  ASSERT_GT(r["due_soon_total"].get<int>(), 0);
  for (const Json& e : r["due_soon"]) {
    EXPECT_NE(e["status"], "EXPIRED");
    EXPECT_LE(e["days"].get<int>(), 30);
  }
  RunResult text = Report({"--limit", "0"});
  EXPECT_TRUE(Contains(text.out, "EXPIRING: " + r["expiring_total"].dump() + " ")) << text.out;
  EXPECT_TRUE(Contains(text.out, "Expires within 30 days: " + r["due_soon_total"].dump() + " "))
      << text.out;
}

TEST_F(ReportConventions, TheTotalsSayHowManyRetiredRowsTheyLeaveOut) {
  Json r = JsonReport();
  // The example company's worker who left and its forklift out of service.
  ASSERT_GT(r["retired"].get<int>(), 0);
  RunResult history = RunCerto({"--db", Db(), "api", "POST", "/v2/action-subscription/index",
                                R"({"history": true, "per-page": 1})", "--headers"},
                               *dir_);
  ASSERT_EQ(history.exit_code, kExitOk) << history.err;
  const int all =
      std::stoi(Json::parse(history.out)["headers"]["X-Pagination-Total-Count"].get<std::string>());
  EXPECT_EQ(r["totals"]["total"].get<int>() + r["retired"].get<int>(), all);
  RunResult text = Report({});
  EXPECT_TRUE(Contains(text.out, "Not counted: " + r["retired"].dump() + " retired rows ("))
      << text.out;
}

TEST_F(ReportConventions, FailOnExitsFiveAfterPrintingTheReport) {
  RunResult r = Report({"--fail-on", "expired"});
  EXPECT_EQ(r.exit_code, kExitNonCompliant);
  EXPECT_TRUE(r.out.starts_with("Compliance report as of 2026-11-22\n")) << r.out;
  EXPECT_EQ(r.err, "certo report: --fail-on expired: 35 rows EXPIRED\n");
  r = Report({"--fail-on", "expiring", "--format", "json"});
  EXPECT_EQ(r.exit_code, kExitNonCompliant);
  EXPECT_EQ(r.err, "certo report: --fail-on expiring: 73 rows EXPIRED or EXPIRING\n");
  // Far in the past nothing is expired yet: exit 0.
  RunResult past = RunCerto({"--db", Db(), "--today", "2000-01-01", "report", "--format", "json",
                             "--fail-on", "expiring"},
                            *dir_);
  Json totals = Json::parse(past.out)["totals"];
  ASSERT_EQ(totals["EXPIRED"].get<int>() + totals["EXPIRING"].get<int>(), 0) << totals.dump();
  EXPECT_EQ(past.exit_code, kExitOk) << past.err;
  EXPECT_EQ(Report({"--fail-on", "late"}).exit_code, kExitUsage);
}

TEST_F(ReportConventions, TextListsStopAtTwentyRowsAndSayHowManyMore) {
  RunResult r = Report({});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_TRUE(Contains(r.out, "EXPIRED: 35 (most overdue first)\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "... and 15 more (raise --limit)\n")) << r.out;
  // JSON and CSV are whole unless asked.
  EXPECT_EQ(JsonReport()["expired"].size(), 35u);
  EXPECT_FALSE(Contains(Report({"--limit", "0"}).out, " more (raise --limit)"));
}

TEST_F(ReportConventions, TextFitsTheTerminalWidth) {
  for (const std::string& columns : {std::string(""), std::string("100"), std::string("132")}) {
    RunResult r = Report({"--limit", "0"}, columns);
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    const size_t width = columns.empty() ? 80 : std::stoul(columns);
    size_t widest = 0;
    for (const std::string& line : Lines(r.out)) {
      EXPECT_LE(CodePoints(line), width) << "COLUMNS=" << columns << ": " << line;
      widest = std::max(widest, CodePoints(line));
    }
    EXPECT_GT(widest, width - 20) << "COLUMNS=" << columns;  // the width is used, not wasted
  }
  // Cut cells end in an ellipsis; numbers are never cut (a table too wide even then, at 60
  // columns, keeps its numbers whole and goes past the width).
  RunResult narrow = Report({}, "60");
  EXPECT_TRUE(Contains(narrow.out, "\u2026")) << narrow.out;
  EXPECT_TRUE(Contains(narrow.out, "Total      396")) << narrow.out;
}

// Each section is one table that pandas.read_csv reads as is, with the JSON report's rows.
TEST_F(ReportConventions, CsvSectionsAreOneTableEachThatPandasReads) {
  Json r = JsonReport();
  const std::map<std::string, size_t> rows = {
      {"counts", 1 + r["offices"].size() + r["action_types"].size()},
      {"trend", r["trend"].size()},
      {"expired", r["expired"].size()},
      {"expiring", r["expiring"].size()},
      {"due-soon", r["due_soon"].size()},
      {"months", r["expiries_by_month"].size()},
      {"incidents", r["open_incidents"].size()}};
  for (const auto& [section, count] : rows) {
    RunResult csv = Report({"--format", "csv", "--section", section});
    ASSERT_EQ(csv.exit_code, kExitOk) << csv.err;
    EXPECT_FALSE(Contains(csv.out, "\r")) << section;
    const std::string path = dir_->File(section + ".csv");
    WriteFile(path, csv.out);
    RunResult py = RunProgram(
        {"/usr/bin/python3", "-c",
         "import sys, pandas\n"
         "df = pandas.read_csv(sys.argv[1])\n"
         "assert len(set(df.columns)) == len(df.columns), list(df.columns)\n"
         "assert not any(str(c).startswith('Unnamed') for c in df.columns), list(df.columns)\n"
         "print(len(df), ','.join(df.columns))\n",
         path},
        "", *dir_);
    ASSERT_EQ(py.exit_code, 0) << section << ": " << py.err;
    EXPECT_EQ(py.out.substr(0, py.out.find(' ')), std::to_string(count)) << section;
    if (section == "counts") {
      EXPECT_EQ(py.out.substr(py.out.find(' ') + 1),
                "group,group_key,group_name,new_rows,valid_rows,expiring_rows,expired_rows,"
                "total_rows,compliance_percent,retired_rows\n");
    }
    if (section == "expired") {
      EXPECT_TRUE(Contains(py.out, ",days_overdue,")) << py.out;
    }
    if (section == "due-soon") {
      EXPECT_TRUE(Contains(py.out, ",days_left,")) << py.out;
    }
  }
  RunResult none = Report({"--format", "csv"});
  EXPECT_EQ(none.exit_code, kExitUsage);
  EXPECT_TRUE(Contains(none.err, "--section")) << none.err;
  EXPECT_EQ(Report({"--section", "counts"}).exit_code, kExitUsage);
}

TEST_F(ReportConventions, HtmlNamesTheCompanyPrintsAndFitsAPhone) {
  RunResult r = Report({"--format", "html"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const std::string& html = r.out;
  EXPECT_TRUE(Contains(
      html, "<h1>Compliance report: <span id=\"company\">Rossi Costruzioni S.p.A.</span></h1>"))
      << html.substr(0, 3000);
  EXPECT_TRUE(Contains(html, "<title>Rossi Costruzioni S.p.A.: Compliance report as of"));
  EXPECT_TRUE(Contains(html, "<meta name=\"viewport\" content=\"width=device-width"));
  EXPECT_TRUE(Contains(html, "@media print{"));
  EXPECT_TRUE(Contains(html, "@media (max-width:600px){"));
  EXPECT_TRUE(Contains(html, "svg.chart{max-width:100%;height:auto}"));
  EXPECT_TRUE(Contains(html, "viewBox=\"0 0 "));
  EXPECT_TRUE(Contains(html, "<div class=\"scroll\"><table id=\"expired\">"));
  EXPECT_TRUE(Contains(html, "<p id=\"retired\" data-count=\""));
}

}  // namespace
}  // namespace certo::testing
