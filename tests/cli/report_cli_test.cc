// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo report` on the example company (examples/company.jsonl) as of the README's date:
// golden text, JSON and CSV outputs; the HTML page opened in headless Chromium, whose charts
// must carry the JSON report's numbers; the filters; the README's Quick start command (1); and
// the example company's generator, which must reproduce the committed file byte for byte.
//
// Golden files live in tests/golden/. After an intended change of the output, regenerate them
// with `CERTO_UPDATE_GOLDEN=1 ctest --test-dir build/dev -R Golden` and review the diff.

#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

#include "cliutil.h"

namespace certo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Compares output with tests/golden/<name>, or rewrites the golden file when
// CERTO_UPDATE_GOLDEN=1.
void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath("tests/golden/" + name);
  const char* update = std::getenv("CERTO_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    WriteFile(path, actual);
    std::cerr << "updated " << path << '\n';
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << path << " is missing; create it with CERTO_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, ReadFile(path))
      << "the output differs from " << path
      << "; if the change is intended, regenerate with CERTO_UPDATE_GOLDEN=1 and review the diff";
}

// The example company, imported once for the whole suite.
class ReportCli : public ExampleCompanySuite<ReportCli> {
 protected:
  // certo --db example.certo --today 2026-11-22 report args..., without $COLUMNS: the text is
  // 80 columns wide, as for any output that is not a terminal.
  static RunResult Report(const std::vector<std::string>& args) {
    std::vector<std::string> all{"env", "-u",      "COLUMNS",    CERTO_CLI, "--db",
                                 Db(),  "--today", "2026-11-22", "report"};
    all.insert(all.end(), args.begin(), args.end());
    return RunProgram(all, "", *dir_);
  }

  static Json JsonReport(const std::vector<std::string>& args = {}) {
    std::vector<std::string> all{"--format", "json"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = Report(all);
    EXPECT_EQ(r.exit_code, kExitOk) << r.err;
    return Json::parse(r.out, nullptr, false);
  }
};

// ---- Golden outputs -------------------------------------------------------------------------

TEST_F(ReportCli, GoldenTextIsTheDefaultFormat) {
  RunResult r = Report({});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  ExpectGolden("report.txt", r.out);
  EXPECT_EQ(Report({"--format", "text"}).out, r.out);
}

TEST_F(ReportCli, GoldenJson) {
  RunResult r = Report({"--format", "json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  ExpectGolden("report.json", r.out);
}

// Two of the CSV tables, one per file: the counts and the expired rows.
TEST_F(ReportCli, GoldenCsv) {
  for (const std::string section : {"counts", "expired"}) {
    RunResult r = Report({"--format", "csv", "--section", section});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    EXPECT_EQ(r.err, "");
    ExpectGolden("report-" + section + ".csv", r.out);
  }
}

// The example company is built to show every status on the README's date.
TEST_F(ReportCli, ExampleCompanyHasEveryStatusExpiringRowsAndAnUnhandledIncident) {
  Json report = JsonReport();
  ASSERT_TRUE(report.is_object());
  for (const char* status : {"NEW", "VALID", "EXPIRING", "EXPIRED"}) {
    EXPECT_GT(report["totals"][status].get<int>(), 0) << status;
  }
  EXPECT_GT(report["expiring_total"].get<int>(), 0);
  EXPECT_GT(report["open_incidents_total"].get<int>(), 0);
  EXPECT_EQ(report["offices"].size(), 3u);
  EXPECT_EQ(report["as_of"], "2026-11-22");
}

// ---- The JSON form is the JSON API's ----------------------------------------------------------

TEST_F(ReportCli, JsonFormatEqualsTheJsonApiRoute) {
  RunResult api = RunCerto({"--db", Db(), "--today", "2026-11-22", "api", "POST", "/v2/report",
                            R"({"days": 45, "limit": 3})"},
                           *dir_);
  ASSERT_EQ(api.exit_code, kExitOk) << api.err;
  EXPECT_EQ(JsonReport({"--days", "45", "--limit", "3"}), Json::parse(api.out));
}

// ---- Filters --------------------------------------------------------------------------------

TEST_F(ReportCli, OfficeFilterByCodeGivesThatOfficesCounts) {
  Json all = JsonReport();
  Json site;
  for (const Json& office : all["offices"]) {
    if (office["office_name"] == "Cantiere Bergamo - Via Carducci") site = office;
  }
  ASSERT_TRUE(site.is_object());
  for (const std::string& which :
       {std::string("BG1"), std::string("cantiere bergamo - via carducci"),
        site["office_id"].get<std::string>()}) {
    Json only = JsonReport({"--office", which});
    ASSERT_EQ(only["offices"].size(), 1u) << which;
    EXPECT_EQ(only["offices"][0], site) << which;
    for (const char* key : {"NEW", "VALID", "EXPIRING", "EXPIRED", "total", "compliance"}) {
      EXPECT_EQ(only["totals"][key], site[key]) << which << " " << key;
    }
    for (const Json& row : only["expired"]) EXPECT_EQ(row["office_id"], site["office_id"]);
    for (const Json& row : only["open_incidents"]) {
      EXPECT_EQ(row["office_id"], site["office_id"]);
    }
  }
}

TEST_F(ReportCli, ActionTypeAndSubscriberFiltersNarrowTheRows) {
  Json health = JsonReport({"--action-type", "health"});  // case-insensitive
  ASSERT_EQ(health["action_types"].size(), 1u);
  EXPECT_EQ(health["action_types"][0]["action_type"], "HEALTH");
  for (const Json& row : health["expired"]) EXPECT_EQ(row["action_type"], "HEALTH");

  Json all = JsonReport();
  const Json& first = all["expired"][0];
  Json one = JsonReport({"--subscriber", first["subscriber_code"].get<std::string>()});
  ASSERT_GE(one["expired"].size(), 1u);
  for (const char* list : {"expired", "expiring"}) {
    for (const Json& row : one[list]) EXPECT_EQ(row["subscriber_id"], first["subscriber_id"]);
  }
  EXPECT_EQ(JsonReport({"--subscriber", first["subscriber_name"].get<std::string>()})["totals"],
            one["totals"]);

  Json things = JsonReport({"--subscriber-type", "EQUIPMENT", "--subscriber-type", "OFFICE"});
  for (const Json& row : things["expired"]) EXPECT_NE(row["subscriber_type"], "PERSON");
  EXPECT_GT(things["totals"]["total"].get<int>(), 0);
}

TEST_F(ReportCli, UnknownOfficeOrSubscriberIsAClearError) {
  RunResult r = Report({"--office", "Atlantis"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo report: --office: no office with id, code or name 'Atlantis'\n");
  r = Report({"--office", "00000000-0000-4000-8000-000000000000"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err,
            "certo report: --office: no office with id, code or name "
            "'00000000-0000-4000-8000-000000000000'\n");
  r = Report({"--subscriber", "E999"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err,
            "certo report: --subscriber: no subscriber with id, code or name 'E999' in the "
            "schedule\n");
  r = Report({"--project", "00000000-0000-4000-8000-000000000000"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err,
            "certo report: --project: no project with project_id "
            "00000000-0000-4000-8000-000000000000\n");
}

TEST_F(ReportCli, HelpListsEveryOptionAndTheNewCommandsAreListed) {
  RunResult r = RunCerto({"report", "--help"}, *dir_);
  EXPECT_EQ(r.exit_code, kExitOk);
  for (const char* word :
       {"--days", "--format", "text", "json", "csv", "html", "--office", "--action-type",
        "--subscriber", "--subscriber-type", "--project", "--limit"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << " missing from:\n" << r.out;
  }
  r = RunCerto({"--help"}, *dir_);
  for (const char* command : {"report", "import", "import-people", "export"}) {
    EXPECT_NE(r.out.find(std::string("  ") + command + " "), std::string::npos)
        << command << " missing from:\n"
        << r.out;
  }
}

TEST_F(ReportCli, BadOptionsAreUsageErrors) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--days", "-1"},
                                               {"--days", "soon"},
                                               {"--format", "pdf"},
                                               {"--action-type", "COOKING"},
                                               {"--limit", "-5"}}) {
    RunResult r = Report(args);
    EXPECT_EQ(r.exit_code, kExitUsage) << args[0] << " " << args[1];
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(args[0]), std::string::npos) << r.err;
  }
}

TEST_F(ReportCli, LimitShortensEachListAndSaysHowManyMore) {
  RunResult r = Report({"--limit", "2"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  Json all = JsonReport();
  const std::string more =
      "... and " + std::to_string(all["expired_total"].get<int>() - 2) + " more (raise --limit)\n";
  EXPECT_NE(r.out.find(more), std::string::npos) << r.out;
  EXPECT_EQ(JsonReport({"--limit", "2"})["expired"].size(), 2u);
}

// ---- HTML in a browser ----------------------------------------------------------------------

// The chromium executable: $CERTO_CHROMIUM, else chromium (Debian) or chromium-browser on PATH.
std::string FindChromium() {
  if (const char* env = std::getenv("CERTO_CHROMIUM")) return env;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      std::filesystem::path candidate = std::filesystem::path(dir) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return "";
}

// Chromium as the test runs it: headless, no sandbox (root in CI), and with every background
// connection off: on this machine's closed network they would be refused.
RunResult Chromium(const std::string& binary, const TempDir& dir,
                   const std::vector<std::string>& args) {
  std::vector<std::string> all{binary,
                               "--headless",
                               "--no-sandbox",
                               "--disable-gpu",
                               "--disable-background-networking",
                               "--disable-component-update",
                               "--disable-sync",
                               "--no-first-run",
                               "--disable-quic",
                               "--enable-logging=stderr",
                               "--v=0",
                               "--user-data-dir=" + dir.File("chromium-profile")};
  all.insert(all.end(), args.begin(), args.end());
  return RunProgram(all, "", dir, /*timeout_seconds=*/180);
}

// Every match of a regex with one or more groups.
std::vector<std::smatch> Matches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  std::vector<std::smatch> all;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    all.push_back(*it);
  }
  return all;
}

TEST_F(ReportCli, HtmlOpensInHeadlessChromiumWithChartsThatMatchTheJsonReport) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    const char* skip = std::getenv("CERTO_SKIP_BROWSER_TESTS");
    if (skip && std::string(skip) == "1") GTEST_SKIP() << "CERTO_SKIP_BROWSER_TESTS=1";
    FAIL() << "chromium not found: install it (it is in cmake/debian-packages.txt), set "
              "CERTO_CHROMIUM, or set CERTO_SKIP_BROWSER_TESTS=1";
  }
  RunResult r = Report({"--format", "html", "--limit", "0"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const std::string html = r.out;
  // Self-contained: no script, nothing to fetch; the policy forbids loading anything anyway.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'\""),
            std::string::npos);
  TempDir dir;
  const std::string page = dir.File("report.html");
  WriteFile(page, html);

  RunResult dom = Chromium(chromium, dir, {"--dump-dom", "file://" + page});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  // A console message (a script error, a refused load) would be logged as CONSOLE.
  for (const std::smatch& m : Matches(dom.err, R"((.*:CONSOLE.*))")) {
    ADD_FAILURE() << "console message: " << m[1];
  }
  const std::string& out = dom.out;
  ASSERT_NE(out.find("<title>Rossi Costruzioni S.p.A.: Compliance report as of 2026-11-22</title>"),
            std::string::npos)
      << out.substr(0, 500);
  ASSERT_NE(out.find("<svg id=\"status-per-office\""), std::string::npos);
  ASSERT_NE(out.find("<svg id=\"expiries-per-month\""), std::string::npos);

  Json report = JsonReport();
  // Compliance over the last 12 months: one point per month, carrying the JSON trend's numbers.
  ASSERT_NE(out.find("<svg id=\"compliance-trend\""), std::string::npos);
  std::vector<std::smatch> points = Matches(
      out,
      R"re(<g class="point" data-date="([\d-]+)" data-total="(\d+)" data-compliance="([\d.]*)" data-new="(\d+)" data-valid="(\d+)" data-expiring="(\d+)" data-expired="(\d+)">)re");
  ASSERT_EQ(points.size(), report["trend"].size());
  for (size_t i = 0; i < points.size(); ++i) {
    const Json& expected = report["trend"][i];
    EXPECT_EQ(points[i][1].str(), expected["date"].get<std::string>());
    EXPECT_EQ(std::stoi(points[i][2]), expected["total"].get<int>());
    EXPECT_NEAR(std::stod(points[i][3]), expected["compliance"].get<double>(), 0.05);
    EXPECT_EQ(std::stoi(points[i][4]), expected["counts"]["NEW"].get<int>());
    EXPECT_EQ(std::stoi(points[i][7]), expected["counts"]["EXPIRED"].get<int>());
  }
  // The total cards.
  std::map<std::string, int> cards;
  for (const std::smatch& m :
       Matches(out, R"re(class="card"[^>]*data-status="(\w+)" data-count="(\d+)")re")) {
    cards[m[1]] = std::stoi(m[2]);
  }
  EXPECT_EQ(cards, (std::map<std::string, int>{{"NEW", report["totals"]["NEW"]},
                                               {"VALID", report["totals"]["VALID"]},
                                               {"EXPIRING", report["totals"]["EXPIRING"]},
                                               {"EXPIRED", report["totals"]["EXPIRED"]}}));

  // Status per office: one group per office, one segment per status, widths in proportion.
  std::vector<std::smatch> offices = Matches(
      out,
      R"re(<g class="office" data-office-id="([^"]+)" data-office="([^"]*)" data-total="(\d+)">([\s\S]*?)</g>)re");
  ASSERT_EQ(offices.size(), report["offices"].size());
  for (size_t i = 0; i < offices.size(); ++i) {
    const Json& expected = report["offices"][i];
    EXPECT_EQ(offices[i][1].str(), expected["office_id"].get<std::string>());
    EXPECT_EQ(offices[i][2].str(), expected["office_name"].get<std::string>());
    EXPECT_EQ(std::stoi(offices[i][3]), expected["total"].get<int>());
    const std::string body = offices[i][4];
    std::map<std::string, int> counts;
    for (
        const std::smatch& m : Matches(
            body,
            R"re(data-status="(\w+)" data-count="(\d+)" x="[\d.]+" y="[\d.]+" width="([\d.]+)")re")) {
      counts[m[1]] = std::stoi(m[2]);
      const double share = expected["total"].get<int>() == 0
                               ? 0.0
                               : 520.0 * std::stoi(m[2]) / expected["total"].get<int>();
      EXPECT_NEAR(std::stod(m[3]), share, 0.05) << m[1];
    }
    EXPECT_EQ(counts, (std::map<std::string, int>{{"NEW", expected["NEW"]},
                                                  {"VALID", expected["VALID"]},
                                                  {"EXPIRING", expected["EXPIRING"]},
                                                  {"EXPIRED", expected["EXPIRED"]}}))
        << expected["office_name"];
  }

  // Expiries per month: twelve bars, the JSON's counts, tallest bar for the largest count.
  std::vector<std::smatch> months = Matches(
      out,
      R"re(<rect class="bar" data-month="(\d{4}-\d{2})" data-count="(\d+)"[^>]*height="([\d.]+)")re");
  ASSERT_EQ(months.size(), 12u);
  int max = 0;
  for (const Json& m : report["expiries_by_month"]) max = std::max(max, m["count"].get<int>());
  for (size_t i = 0; i < months.size(); ++i) {
    EXPECT_EQ(months[i][1].str(), report["expiries_by_month"][i]["month"].get<std::string>());
    EXPECT_EQ(std::stoi(months[i][2]), report["expiries_by_month"][i]["count"].get<int>());
    EXPECT_NEAR(std::stod(months[i][3]), 180.0 * std::stoi(months[i][2]) / max, 0.05);
  }

  // The lists: one table row per entry, in the JSON's order.
  for (const char* list : {"expired", "expiring"}) {
    std::size_t start = out.find(std::string("<table id=\"") + list + "\">");
    ASSERT_NE(start, std::string::npos) << list;
    std::string table = out.substr(start, out.find("</table>", start) - start);
    std::vector<std::smatch> rows = Matches(table, R"re(<tr data-id="([^"]+)">)re");
    ASSERT_EQ(rows.size(), report[list].size()) << list;
    for (size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i][1].str(), report[list][i]["action_subscription_id"].get<std::string>());
    }
  }

  // A screenshot, kept under the build folder for a human to look at.
  const std::filesystem::path shot =
      std::filesystem::path(CERTO_CLI).parent_path() / "report-screenshot.png";
  std::filesystem::remove(shot);
  RunResult png = Chromium(chromium, dir,
                           {"--screenshot=" + shot.string(), "--window-size=1280,2400",
                            "--hide-scrollbars", "file://" + page});
  ASSERT_EQ(png.exit_code, 0) << png.err;
  ASSERT_TRUE(std::filesystem::exists(shot)) << png.err;
  EXPECT_EQ(ReadFile(shot.string()).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(std::filesystem::file_size(shot), 10000u);
}

// ---- The example company and the README -----------------------------------------------------

std::string Python() {
  return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

TEST(ExampleCompany, GeneratorReproducesTheCommittedFileByteForByte) {
  TempDir dir;
  const std::string out = dir.File("company.jsonl");
  RunResult r =
      RunProgram({Python(), SourcePath("examples/make_company.py"), "--output", out}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string committed = ReadFile(SourcePath("examples/company.jsonl"));
  const std::string generated = ReadFile(out);
  ASSERT_FALSE(committed.empty());
  EXPECT_TRUE(generated == committed)
      << "examples/company.jsonl is not what examples/make_company.py writes: run "
         "/usr/bin/python3 examples/make_company.py and commit both";
}

// The README's Quick start command (1), minus installing and building, run as written from the
// source folder (with the example file in a temporary folder and the built certo).
TEST_F(ReportCli, ReadmeQuickStartCommandPrintsTheGoldenReport) {
  const std::string readme = ReadFile(SourcePath("README.md"));
  const std::string marker = "<!-- ci:example-command -->\n```sh\n";
  size_t at = readme.find(marker);
  ASSERT_NE(at, std::string::npos) << "README.md has no " << marker;
  at += marker.size();
  std::string command = readme.substr(at, readme.find('\n', at) - at);
  const std::string from = "rm -f example.certo";
  ASSERT_NE(command.find(from), std::string::npos) << command;
  command = command.substr(command.find(from));
  auto replace_all = [&](const std::string& what, const std::string& with) {
    for (size_t p = 0; (p = command.find(what, p)) != std::string::npos; p += with.size()) {
      command.replace(p, what.size(), with);
    }
  };
  TempDir dir;
  replace_all("build/release/certo", CERTO_CLI);
  replace_all("example.certo", dir.File("example.certo"));
  RunResult r =
      RunProgram({"bash", "-o", "pipefail", "-ec",
                  "unset COLUMNS; cd '" + std::string(CERTO_SOURCE_DIR) + "' && " + command},
                 "", dir);
  ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.err;
  EXPECT_EQ(r.err, "");
  const std::string imported = "imported 2071 requests from examples/company.jsonl\n";
  ASSERT_EQ(r.out.substr(0, imported.size()), imported);
  EXPECT_EQ(r.out.substr(imported.size()), ReadFile(SourcePath("tests/golden/report.txt")));

  // The excerpt the README shows after the command is the start of that output.
  const std::string intro = "the whole output is `tests/golden/report.txt`):\n\n```\n";
  at = readme.find(intro);
  ASSERT_NE(at, std::string::npos) << "README.md has no excerpt introduced by: " << intro;
  at += intro.size();
  std::string excerpt = readme.substr(at, readme.find("...\n```", at) - at);
  ASSERT_GT(excerpt.size(), 100u);
  EXPECT_EQ(ReadFile(SourcePath("tests/golden/report.txt")).substr(0, excerpt.size()), excerpt);
}

}  // namespace
}  // namespace certo::testing
