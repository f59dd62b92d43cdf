// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Shared test helpers: engines with a pinned date, temporary files, and matchers for Status.

#pragma once

#include "certo/engine.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

namespace certo::testing {

using namespace std::chrono_literals;

// The date every test pins unless it says otherwise.
inline constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::November,
                                                    std::chrono::day{22}};

inline std::chrono::year_month_day Ymd(int y, unsigned m, unsigned d) {
  return {std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

#define ASSERT_OK(expr)                                                   \
  do {                                                                    \
    const auto& certo_status_ = (expr);                                   \
    ASSERT_TRUE(certo_status_.ok()) << certo_status_.status().ToString(); \
  } while (0)

// An engine on ":memory:" (or path) with today pinned; fails the test when it cannot open.
inline std::unique_ptr<Engine> OpenEngine(const std::string& path = ":memory:",
                                          std::chrono::year_month_day today = kToday) {
  Options options;
  options.today = today;
  auto engine = Engine::Open(path, options);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(*engine) : nullptr;
}

// A unique temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "certo_test_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Creates a record or fails the test; returns the stored record.
inline Json MustCreate(Engine& engine, std::string_view collection, const Json& record) {
  Result<Json> r = engine.Create(collection, record);
  EXPECT_TRUE(r.ok()) << collection << ": " << r.status().ToString() << "\n" << record.dump();
  return r.ok() ? *r : Json();
}

// record as the engine returns it for a row written through an engine pinned to kToday: such an
// engine stamps created_at and updated_at with the day's start (UTC), placed before the
// existence period (active_from, null unless the record gives it, and retired_on);
// project_type (when given) follows project_name.
inline Json Stamped(const Json& record, std::string_view project_type = {},
                    std::string_view at = "2026-11-22T00:00:00Z") {
  Json out = Json::object();
  bool stamped = false;
  const auto stamp = [&] {
    out["created_at"] = at;
    out["updated_at"] = at;
    stamped = true;
  };
  for (const auto& [key, value] : record.items()) {
    if (key == "retired_on" && !stamped) stamp();
    // a historicizable row's existence period: active_from (null unless given) before retired_on
    if (key == "retired_on" && !record.contains("active_from")) out["active_from"] = nullptr;
    if (key == "active_from") continue;
    if (key == "retired_on" && record.contains("active_from"))
      out["active_from"] = record["active_from"];
    out[key] = value;
    if (key == "project_name" && !project_type.empty()) out["project_type"] = project_type;
  }
  if (!stamped) stamp();
  return out;
}

// The single field error of a validation failure, as "field: message".
inline std::string OnlyFieldError(const Status& status) {
  if (!status.IsValidation()) return "not a validation error: " + status.ToString();
  if (status.field_errors().size() != 1) return "several errors: " + status.message();
  return status.field_errors()[0].field + ": " + status.field_errors()[0].message;
}

// Verify() found nothing; otherwise the failure lists each problem.
inline ::testing::AssertionResult Verified(Engine& engine) {
  auto report = engine.Verify();
  if (!report.ok()) return ::testing::AssertionFailure() << report.status().ToString();
  if (report->ok()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  for (const Problem& p : report->problems) failure << p.message << "\n";
  return failure;
}

// The status counts of every office and of the whole file on day (StatusCounts, read from the
// status steps of schema 18) against the rows the index lists in the schedule on that day (at
// most 1,000: a test's file).
inline ::testing::AssertionResult CountsAgreeWithIndex(Engine& engine,
                                                       std::chrono::year_month_day day) {
  Query rows;
  rows.as_of = day;
  rows.per_page = 1000;
  auto page = engine.Index("action-subscription", rows);
  if (!page.ok()) return ::testing::AssertionFailure() << page.status().ToString();
  if (page->total_count > rows.per_page) return ::testing::AssertionFailure() << "too many rows";
  std::map<std::string, std::map<std::string, int64_t>> tally;  // office -> status -> rows
  for (const Json& r : page->rows) {
    ++tally[r["subtenant_id"].get<std::string>()][r["status"].get<std::string>()];
    ++tally[""][r["status"].get<std::string>()];
  }
  Query offices;
  offices.history = true;
  offices.per_page = 1000;
  auto listed = engine.Index("office", offices);
  if (!listed.ok()) return ::testing::AssertionFailure() << listed.status().ToString();
  std::vector<std::string> ids = {""};
  for (const Json& o : listed->rows) ids.push_back(o["office_id"]);
  std::string out;
  for (const std::string& id : ids) {
    Query q;
    q.as_of = day;
    if (!id.empty()) q.filter = Json{{"subtenant_id", id}};
    auto counts = engine.StatusCounts(q);
    if (!counts.ok()) return ::testing::AssertionFailure() << counts.status().ToString();
    for (ScheduleStatus s : kScheduleStatuses) {
      const int64_t want = tally[id][StatusName(s)];
      if (counts->at(s) != want) {
        out += "\n  office '" + id + "' " + StatusName(s) + ": counted " +
               std::to_string(counts->at(s)) + ", listed " + std::to_string(want);
      }
    }
  }
  if (out.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << out;
}

// A JSON-API call with its body parsed (discarded JSON when the body is not JSON).
struct Reply {
  int status = 0;
  Json body;
  Response raw;
};
inline Reply Call(Engine& engine, std::string_view method, std::string_view target,
                  const Json& body = Json()) {
  Response r = engine.Request(method, target, body.is_null() ? "" : body.dump());
  return Reply{r.status, Json::parse(r.body, nullptr, /*allow_exceptions=*/false), r};
}

// A small company: project, two offices, a person in office A.
struct Company {
  Json project, office_a, office_b, person, person_office;
};
inline Company MakeCompany(Engine& engine, const std::string& name = "ACME") {
  Company c;
  c.project = MustCreate(engine, "project", {{"name", name}});
  std::string pid = c.project["project_id"];
  c.office_a = MustCreate(engine, "office", {{"project_id", pid}, {"name", "Head office"}});
  c.office_b = MustCreate(engine, "office", {{"project_id", pid}, {"name", "Plant"}});
  c.person = MustCreate(
      engine, "person",
      {{"project_id", pid}, {"first_name", "Ada"}, {"last_name", "Rossi"}, {"code", "E001"}});
  c.person_office =
      MustCreate(engine, "person-office",
                 {{"person_id", c.person["person_id"]}, {"office_id", c.office_a["office_id"]}});
  return c;
}

}  // namespace certo::testing
