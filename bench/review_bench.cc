// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Review campaigns (docs/review.md), against the targets of issue 15:
//   review_start/N          starting a USER campaign over N people with 3 role assignments each
//                           (N = 10,000: 30,000 assignments)                       < 2 s
//   review_bulk_decide/1000 one ReviewLineItemActions call acting on 1,000 line items < 200 ms
//   review_history/10000    reading a task's history of 10,000 events              < 50 ms
// CERTO_REVIEW_BENCH_PEOPLE (default 10000) and CERTO_REVIEW_BENCH_EVENTS (default 10000) scale
// them down for the smoke run. Files go to CERTO_BENCH_DIR (default /tmp).

#include "certo/engine.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include <benchmark/benchmark.h>

namespace {

using certo::Engine;
using certo::Json;
using certo::Result;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

std::string Dir() {
  const char* v = std::getenv("CERTO_BENCH_DIR");
  std::filesystem::path dir = std::filesystem::path(v && *v ? v : "/tmp") / "certo-review-bench";
  std::filesystem::create_directories(dir);
  return dir.string();
}

certo::Options Pinned() {
  certo::Options o;
  o.today = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::November,
                                        std::chrono::day{22}};
  return o;
}

std::unique_ptr<Engine> OpenOrDie(const std::string& path) {
  auto e = Engine::Open(path, Pinned());
  if (!e.ok()) {
    std::cerr << e.status().ToString() << '\n';
    std::exit(1);
  }
  return std::move(*e);
}

void Must(const certo::Status& s) {
  if (!s.ok()) {
    std::cerr << s.ToString() << '\n';
    std::exit(1);
  }
}

struct Company {
  std::string path, project, reviewer, fallback;
};

// N people in offices of 500, each holding 3 of the office's 10 roles; built once per N.
const Company& CompanyOf(int64_t people) {
  static std::map<int64_t, Company> made;
  if (auto it = made.find(people); it != made.end()) return it->second;
  Company c;
  c.path = Dir() + "/company-" + std::to_string(people) + ".certo";
  std::filesystem::remove(c.path);
  std::filesystem::remove(c.path + "-wal");
  auto e = OpenOrDie(c.path);
  Must(e->BulkTransaction([&](Engine& en) {
    c.project = *en.Insert("project", {{"name", "Bench"}});
    std::string office;
    std::vector<std::string> roles;
    for (int64_t i = 0; i < people; ++i) {
      if (i % 500 == 0) {
        office =
            *en.Insert("office", {{"project_id", c.project}, {"name", "O" + std::to_string(i)}});
        roles.clear();
        for (int r = 0; r < 10; ++r) {
          roles.push_back(
              *en.Insert("role", {{"office_id", office}, {"name", "R" + std::to_string(r)}}));
        }
      }
      std::string p = *en.Insert(
          "person",
          {{"project_id", c.project}, {"first_name", "P" + std::to_string(i)}, {"last_name", "L"}});
      if (i == 0) c.reviewer = p;
      if (i == 1) c.fallback = p;
      std::string po = *en.Insert("person-office", {{"office_id", office}, {"person_id", p}});
      for (int k = 0; k < 3; ++k) {
        certo::Result<std::string> r = en.Insert(
            "entity-employee",
            {{"person_office_id", po}, {"type", "ROLE"}, {"entity_id", roles[(i + k * 3) % 10]}});
        if (!r.ok()) return r.status();
      }
    }
    return certo::Status::OK();
  }));
  return made[people] = c;
}

int64_t Create(Engine& e, const Company& c) {
  Result<Json> made = e.CreateReviewCampaign({{"project_id", c.project},
                                              {"name", "Bench"},
                                              {"reviewer_id", c.reviewer},
                                              {"fallback_reviewer_id", c.fallback},
                                              {"deadline", "2026-12-31"}});
  Must(made.status());
  return (*made)["cert_id"].get<int64_t>();
}

std::string Copy(const std::string& from, const std::string& name) {
  const std::string to = Dir() + "/" + name;
  std::filesystem::remove(to + "-wal");
  std::filesystem::remove(to + "-shm");
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  return to;
}

void ReviewStart(benchmark::State& state) {
  const Company& c = CompanyOf(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto e = OpenOrDie(Copy(c.path, "start.certo"));
    const int64_t cert = Create(*e, c);
    state.ResumeTiming();
    Must(e->StartReviewCampaign(cert).status());
  }
  state.counters["assignments"] = static_cast<double>(state.range(0) * 3);
}

void ReviewBulkDecide(benchmark::State& state) {
  const int64_t people = EnvInt("CERTO_REVIEW_BENCH_PEOPLE", 10000);
  const Company& c = CompanyOf(people);
  auto e = OpenOrDie(Copy(c.path, "decide.certo"));
  const int64_t cert = Create(*e, c);
  Must(e->StartReviewCampaign(cert).status());
  certo::ReviewPage all;
  all.limit = 10000;
  Json tasks = *e->ReviewTasks(cert, c.reviewer, all);
  const std::string task = tasks["certifications"][0]["taskId"];
  Json items = *e->ReviewLineItems(cert, task, all);
  int64_t next = 0;
  const int64_t batch = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<certo::ReviewLineItemAction> actions;
    for (int64_t i = 0; i < batch; ++i) {
      certo::ReviewLineItemAction a;
      // A real decision per item, alternating by round so every round changes every item:
      // one savepoint, the state checks, the details updated, one chained event, requestId noted.
      a.line_item_id =
          items["certLineItemList"][(next + i) % items["certLineItemList"].size()]["id"];
      a.action = (next / batch) % 2 == 0 ? "Certify" : "Abstain";
      a.comment = "round " + std::to_string(next);
      a.request_id = std::to_string(next) + "-" + std::to_string(i);
      actions.push_back(a);
    }
    next += batch;
    state.ResumeTiming();
    auto r = e->ReviewLineItemActions(cert, task, actions);
    Must(r.status());
    for (const auto& one : *r) Must(one.status);
  }
  state.counters["items"] = static_cast<double>(batch);
}

void ReviewHistory(benchmark::State& state) {
  const int64_t events = state.range(0);
  const Company& c = CompanyOf(EnvInt("CERTO_REVIEW_BENCH_PEOPLE", 10000));
  auto e = OpenOrDie(Copy(c.path, "history.certo"));
  // A campaign of the whole company: one reviewer, a task of 9,999 line items (the fallback
  // reviews the reviewer), the events on its first 10.
  const int64_t cert = Create(*e, c);
  Must(e->StartReviewCampaign(cert).status());
  certo::ReviewPage all;
  all.limit = 10000;
  Json tasks = *e->ReviewTasks(cert, c.reviewer, all);
  const std::string task = tasks["certifications"][0]["taskId"];
  Json items = *e->ReviewLineItems(cert, task, all);
  std::vector<certo::ReviewLineItemAction> actions;
  for (int64_t i = 0; i < events; ++i) {
    certo::ReviewLineItemAction a;
    a.line_item_id = items["certLineItemList"][i % 10]["id"];
    a.action = "EditComment";
    a.comment = "comment " + std::to_string(i);
    actions.push_back(a);
  }
  Must(e->ReviewLineItemActions(cert, task, actions).status());
  certo::ReviewPage page;  // the first 10 line items: every event of the task
  page.limit = 10;
  for (auto _ : state) {
    auto h = e->ReviewTaskHistory(cert, task, page);
    Must(h.status());
    benchmark::DoNotOptimize(h);
  }
  state.counters["events"] = static_cast<double>(events);
}

BENCHMARK(ReviewStart)
    ->Name("review_start")
    ->Arg(EnvInt("CERTO_REVIEW_BENCH_PEOPLE", 10000))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK(ReviewBulkDecide)
    ->Name("review_bulk_decide")
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK(ReviewHistory)
    ->Name("review_history")
    ->Arg(EnvInt("CERTO_REVIEW_BENCH_EVENTS", 10000))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10);

}  // namespace

BENCHMARK_MAIN();
