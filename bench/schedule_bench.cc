// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The compliance schedule's speed, each figure beside a raw-SQLite baseline of the same work in
// the same run (bench/README.md). Sizes: CERTO_BENCH_SIZES, a comma-separated list of
// subscription counts (default "100000,1000000"). Files go to CERTO_BENCH_DIR (default /tmp).
//
//   load/raw/N     the generated rows inserted with plain prepared statements into the same
//                  tables, no triggers, one transaction (WAL, synchronous=NORMAL)
//   load/engine/N  the same rows through Engine::Insert inside one BulkTransaction
//   link_create/N, link_delete/N   one certificate-action link created (deleted) and committed
//                  on its own, engine vs raw single-row insert (delete) and commit; p50 and p99
//   office_counts/N, office_counts_year_ago/N   status counts of one office as of today and as
//                  of a year before (4 counts)
//   expired_page/N, expired_page_year_ago/N     a page of 100 EXPIRED rows of one office sorted
//                  by expiry, as of those two days
//   changes/N        status changes of the whole file between two dates one day apart
//   office_changes_30d/N   one office's status changes over the 30 days up to today
//   verify/N         Engine::Verify over the file vs a raw scan joining the same rows
//   load_profiles/raw/N, load_profiles/engine/N   issue 13's company (job profiles, roles each
//                  person holds) with its people's subscriptions written out: raw and engine
//   load_demands/engine/N   the same company with demands instead, the engine deriving the
//                  subscriptions; x_written is its ratio to load_profiles/engine
//   assign_role/N    one person assigned to a role with 10 demands, committed on its own, vs
//                  the raw entity_employee row and 10 subscription rows in one transaction
//
// Every step also reports rss_peak_mib: its peak resident memory above what the process held
// when it began (WithPeakRss, below).

#include "certo/calendar.h"
#include "certo/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <benchmark/benchmark.h>
#include <unistd.h>

#include "generate/generate.h"

namespace certo::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::November,
                                             std::chrono::day{22}};

std::vector<int64_t> Sizes() {
  const char* env = std::getenv("CERTO_BENCH_SIZES");
  std::stringstream in(env ? env : "100000,1000000");
  std::vector<int64_t> sizes;
  for (std::string item; std::getline(in, item, ',');) sizes.push_back(std::stoll(item));
  return sizes;
}

std::filesystem::path Dir() {
  const char* env = std::getenv("CERTO_BENCH_DIR");
  std::filesystem::path dir = std::filesystem::path(env ? env : "/tmp") / "certo-bench";
  std::filesystem::create_directories(dir);
  return dir;
}

void RemoveDb(const std::filesystem::path& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// This thread's CPU time in microseconds (user and system, the commit's writes included). On a
// shared machine a preempted operation's wall time grows with the load and its CPU time does
// not, so latencies are reported both ways.
double ThreadCpuUs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// ---- The dataset ----------------------------------------------------------------------------

struct Row {
  std::string collection;
  Json record;
};

struct Dataset {
  std::vector<Row> rows;
  generator::GenerateCounts counts;
  std::string office;  // the first office, for per-office queries
};

using Requirements = generator::GenerateOptions::Requirements;

// About 17.6 subscriptions per person (5-30 requirements) plus 4 machines per office.
// `requirements`: written out (the default dataset), or as job profiles' demands, or those
// profiles with the subscriptions their demands derive written out.
const Dataset& DatasetFor(int64_t subscriptions,
                          Requirements requirements = Requirements::kWritten) {
  static std::map<std::pair<int64_t, Requirements>, std::unique_ptr<Dataset>> cache;
  auto& slot = cache[{subscriptions, requirements}];
  if (slot) return *slot;
  slot = std::make_unique<Dataset>();
  generator::GenerateOptions options;
  options.people = static_cast<int>(std::max<int64_t>(1, subscriptions * 10 / 176));
  options.offices = static_cast<int>(std::clamp<int64_t>(options.people / 1500, 1, 200));
  options.seed = 42;
  options.today = kToday;
  options.requirements = requirements;
  slot->counts = generator::Generate(options, [&](std::string_view collection, Json& record) {
    if (collection == "office" && slot->office.empty()) slot->office = record["office_id"];
    slot->rows.push_back(Row{std::string(collection), std::move(record)});
  });
  return *slot;
}

// The files of each dataset: "" the default, "demands-" and "profiles-" the issue 13 variants.
const char* Tag(Requirements requirements) {
  switch (requirements) {
    case Requirements::kWritten:
      return "";
    case Requirements::kDemands:
      return "demands-";
    case Requirements::kProfilesWritten:
      return "profiles-";
  }
  return "";
}
std::string EnginePath(int64_t n, Requirements r = Requirements::kWritten) {
  return (Dir() / ("engine-" + std::string(Tag(r)) + std::to_string(n) + ".db")).string();
}
std::string RawPath(int64_t n, Requirements r = Requirements::kWritten) {
  return (Dir() / ("raw-" + std::string(Tag(r)) + std::to_string(n) + ".db")).string();
}

// Raw seconds of each size, so the engine's figures can report their ratio to it.
std::map<std::string, double>& Baselines() {
  static std::map<std::string, double> baselines;
  return baselines;
}

// ---- Raw SQLite ------------------------------------------------------------------------------

std::unique_ptr<SQLite::Database> OpenRaw(const std::string& path) {
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA synchronous = NORMAL");
  db->exec("PRAGMA cache_size = -65536");
  return db;
}

// The same tables and indexes as a certo file, without triggers: certo makes the file through its
// public API, then the triggers are dropped, so the baseline needs nothing of certo's insides.
void CreateRawSchema(const std::string& path) {
  {
    auto made = Engine::Open(path);
    if (!made.ok()) throw std::runtime_error(made.error().ToString());
  }
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  std::vector<std::string> triggers;
  SQLite::Statement st(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'");
  while (st.executeStep()) triggers.push_back(st.getColumn(0).getString());
  for (const std::string& t : triggers) db.exec("DROP TRIGGER " + t);
}

void BindJson(SQLite::Statement& st, int i, const Json& v) {
  if (v.is_null()) {
    st.bind(i);
  } else if (v.is_string()) {
    st.bindNoCopy(i, v.get_ref<const std::string&>());
  } else if (v.is_number_integer()) {
    st.bind(i, v.get<int64_t>());
  } else if (v.is_boolean()) {
    st.bind(i, v.get<bool>() ? 1 : 0);
  } else {
    st.bind(i, v.dump());
  }
}

// One prepared INSERT per table and set of fields: a record's JSON fields are its table's columns
// (collection "action-subscription" is table action_subscription); absent fields take the
// column's default.
class RawInserter {
 public:
  explicit RawInserter(SQLite::Database& db) : db_(db) {}
  void Insert(const Row& row) {
    std::string key = row.collection;
    for (const auto& [name, value] : row.record.items()) key += "," + name;
    auto& st = statements_[key];
    if (!st) {
      std::string table = row.collection, cols, marks;
      std::replace(table.begin(), table.end(), '-', '_');
      for (const auto& [name, value] : row.record.items()) {
        cols += (cols.empty() ? "" : ", ") + name;
        marks += marks.empty() ? "?" : ", ?";
      }
      st = std::make_unique<SQLite::Statement>(
          db_, "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")");
    }
    st->reset();
    int i = 1;
    for (const auto& [name, value] : row.record.items()) BindJson(*st, i++, value);
    st->exec();
  }

 private:
  SQLite::Database& db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

// ---- Load ------------------------------------------------------------------------------------

void LoadRawOf(benchmark::State& state, Requirements requirements) {
  const int64_t n = state.range(0);
  const Dataset& data = DatasetFor(n, requirements);
  for (auto _ : state) {
    RemoveDb(RawPath(n, requirements));
    CreateRawSchema(RawPath(n, requirements));
    auto db = OpenRaw(RawPath(n, requirements));
    auto start = Clock::now();
    SQLite::Transaction txn(*db);
    RawInserter inserter(*db);
    for (const Row& row : data.rows) inserter.Insert(row);
    txn.commit();
    double s = Seconds(Clock::now() - start);
    state.SetIterationTime(s);
    Baselines()["load/" + std::string(Tag(requirements)) + std::to_string(n)] = s;
  }
  state.counters["rows"] = static_cast<double>(data.rows.size());
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(data.rows.size()), benchmark::Counter::kIsRate);
  state.counters["subscriptions"] = static_cast<double>(data.counts.subscriptions);
}

// The engine's load of a dataset; the demands dataset is also compared with the load of its
// written-out twin (x_written: issue 13's target), whose raw baseline it shares.
void LoadEngineOf(benchmark::State& state, Requirements requirements) {
  const int64_t n = state.range(0);
  const Dataset& data = DatasetFor(n, requirements);
  const std::string tag =
      Tag(requirements == Requirements::kDemands ? Requirements::kProfilesWritten : requirements);
  for (auto _ : state) {
    RemoveDb(EnginePath(n, requirements));
    Options options;
    options.today = kToday;
    auto engine = Engine::Open(EnginePath(n, requirements), options);
    if (!engine.ok()) {
      state.SkipWithError(engine.status().ToString().c_str());
      return;
    }
    auto start = Clock::now();
    Status status = (*engine)->BulkTransaction([&](Engine& e) {
      for (const Row& row : data.rows) {
        auto id = e.Insert(row.collection, row.record);
        if (!id.ok()) return id.status();
      }
      return Status::OK();
    });
    double s = Seconds(Clock::now() - start);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
    state.SetIterationTime(s);
    auto base = Baselines().find("load/" + tag + std::to_string(n));
    if (base != Baselines().end()) state.counters["x_raw"] = s / base->second;
    if (requirements == Requirements::kProfilesWritten) {
      Baselines()["load_engine/" + tag + std::to_string(n)] = s;
    }
    auto written = Baselines().find("load_engine/" + tag + std::to_string(n));
    if (requirements == Requirements::kDemands && written != Baselines().end()) {
      state.counters["x_written"] = s / written->second;
    }
    // What the schedule holds after the load: the same count on both sides of issue 13.
    Query all;
    all.per_page = 1;
    auto page = (*engine)->Index("action-subscription", all);
    if (page.ok()) state.counters["subscriptions"] = static_cast<double>(page->total_count);
  }
  state.counters["rows"] = static_cast<double>(data.rows.size());
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(data.rows.size()), benchmark::Counter::kIsRate);
}

void LoadRaw(benchmark::State& state) { LoadRawOf(state, Requirements::kWritten); }
void LoadEngine(benchmark::State& state) { LoadEngineOf(state, Requirements::kWritten); }
void LoadProfilesRaw(benchmark::State& state) { LoadRawOf(state, Requirements::kProfilesWritten); }
void LoadProfilesEngine(benchmark::State& state) {
  LoadEngineOf(state, Requirements::kProfilesWritten);
}
void LoadDemandsEngine(benchmark::State& state) { LoadEngineOf(state, Requirements::kDemands); }

// ---- Single-row latency ----------------------------------------------------------------------

struct Percentiles {
  double p50, p99;
};
Percentiles Of(std::vector<double> micros) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<size_t>(q * (micros.size() - 1))]; };
  return {at(0.50), at(0.99)};
}

// Pairs (certificate, action of the same type) not linked yet: the subjects of new links.
std::vector<std::pair<std::string, std::string>> FreshLinks(SQLite::Database& db, int count) {
  std::vector<std::pair<std::string, std::string>> pairs;
  SQLite::Statement st(db,
                       "SELECT c.certificate_id, a.action_id FROM certificate c JOIN action a "
                       "ON a.action_type = c.action_type AND a.tenant_id = c.tenant_id "
                       "WHERE NOT EXISTS (SELECT 1 FROM certificate_action l WHERE "
                       "l.certificate_id = c.certificate_id AND l.action_id = a.action_id) "
                       "AND (c.rowid % 97) = 0 LIMIT ?");
  st.bind(1, count);
  while (st.executeStep())
    pairs.emplace_back(st.getColumn(0).getString(), st.getColumn(1).getString());
  return pairs;
}

constexpr int kSingles = 2000;

// The counters of a latency benchmark: the engine's and the raw baseline's p50 and p99 in µs,
// their ratio at p50, and how many operations were timed.
void LatencyCounters(benchmark::State& state, const std::vector<double>& engine_us,
                     const std::vector<double>& raw_us) {
  Percentiles e = Of(engine_us), r = Of(raw_us);
  state.counters["p50_us"] = e.p50;
  state.counters["p99_us"] = e.p99;
  state.counters["raw_p50_us"] = r.p50;
  state.counters["raw_p99_us"] = r.p99;
  state.counters["x_raw_p50"] = e.p50 / r.p50;
  state.counters["ops"] = static_cast<double>(engine_us.size());
}

// The same in CPU time (ThreadCpuUs).
void CpuCounters(benchmark::State& state, const std::vector<double>& engine_us,
                 const std::vector<double>& raw_us) {
  Percentiles e = Of(engine_us), r = Of(raw_us);
  state.counters["cpu_p50_us"] = e.p50;
  state.counters["raw_cpu_p50_us"] = r.p50;
  state.counters["x_raw_cpu_p50"] = e.p50 / r.p50;
}

void LinkLatency(benchmark::State& state, bool create) {
  const int64_t n = state.range(0);
  DatasetFor(n);
  if (!std::filesystem::exists(EnginePath(n)) || !std::filesystem::exists(RawPath(n))) {
    state.SkipWithError("run load/raw and load/engine first (same size)");
    return;
  }
  Options options;
  options.today = kToday;
  auto engine = Engine::Open(EnginePath(n), options);
  auto raw = OpenRaw(RawPath(n));
  std::vector<std::pair<std::string, std::string>> pairs = FreshLinks(*raw, kSingles);
  std::vector<double> engine_us, raw_us;
  for (auto _ : state) {
    engine_us.clear();
    raw_us.clear();
    std::vector<std::string> engine_ids, raw_ids;
    // Creation (and, for the delete figure, the setup): one commit per link.
    for (const auto& [cert, action] : pairs) {
      auto start = Clock::now();
      auto id = (*engine)->Insert("certificate-action",
                                  {{"certificate_id", cert}, {"action_id", action}});
      double us = Seconds(Clock::now() - start) * 1e6;
      if (!id.ok()) {
        state.SkipWithError(id.status().ToString().c_str());
        return;
      }
      engine_ids.push_back(*id);
      if (create) engine_us.push_back(us);
    }
    SQLite::Statement insert(*raw,
                             "INSERT INTO certificate_action (certificate_action_id, tenant_id, "
                             "certificate_id, action_id) VALUES (?, "
                             "(SELECT tenant_id FROM certificate WHERE certificate_id = ?), ?, ?)");
    int k = 0;
    for (const auto& [cert, action] : pairs) {
      std::string id = "bench-" + std::to_string(k++);
      auto start = Clock::now();
      insert.reset();
      insert.bind(1, id);
      insert.bind(2, cert);
      insert.bind(3, cert);
      insert.bind(4, action);
      insert.exec();  // autocommit: one transaction per row
      double us = Seconds(Clock::now() - start) * 1e6;
      raw_ids.push_back(id);
      if (create) raw_us.push_back(us);
    }
    // Deletion (and, for the create figure, the cleanup that makes the next run identical).
    for (const std::string& id : engine_ids) {
      auto start = Clock::now();
      auto gone = (*engine)->Delete("certificate-action", id, true);
      double us = Seconds(Clock::now() - start) * 1e6;
      if (!create) engine_us.push_back(us);
      benchmark::DoNotOptimize(gone);
    }
    SQLite::Statement remove(*raw,
                             "DELETE FROM certificate_action WHERE certificate_action_id = ?");
    for (const std::string& id : raw_ids) {
      auto start = Clock::now();
      remove.reset();
      remove.bind(1, id);
      remove.exec();
      double us = Seconds(Clock::now() - start) * 1e6;
      if (!create) raw_us.push_back(us);
    }
    double total = 0;
    for (double us : engine_us) total += us;
    state.SetIterationTime(total / 1e6);
  }
  LatencyCounters(state, engine_us, raw_us);
}

void LinkCreate(benchmark::State& state) { LinkLatency(state, true); }
void LinkDelete(benchmark::State& state) { LinkLatency(state, false); }

// ---- Assigning a person to a role that has demands (issue 13) ------------------------------
//
// On the demands file: a new role of the first office with RoleDemands() demands on new
// trainings, then Assignments() of the office's people assigned to it, each entity-employee
// created and committed on its own (the engine derives the person's RoleDemands() subscriptions
// in the same commit). Raw: on the raw file of the written-out twin (the same tables, indexes
// and rows), the entity_employee row and RoleDemands() action_subscription rows inserted in one
// transaction. Afterwards both sides are put back as they were.

// CERTO_BENCH_DEMANDS changes the number (0 gives the cost of the assignment alone).
int RoleDemands() {
  const char* env = std::getenv("CERTO_BENCH_DEMANDS");
  return env ? std::max(0, std::atoi(env)) : 10;
}

// CERTO_BENCH_ASSIGNMENTS: how many (default 500; at most the office's people).
int Assignments() {
  const char* env = std::getenv("CERTO_BENCH_ASSIGNMENTS");
  return env ? std::max(1, std::atoi(env)) : 500;
}

void AssignRole(benchmark::State& state) {
  const int64_t n = state.range(0);
  const Dataset& data = DatasetFor(n, Requirements::kDemands);
  const std::string engine_path = EnginePath(n, Requirements::kDemands);
  const std::string raw_path = RawPath(n, Requirements::kProfilesWritten);
  if (!std::filesystem::exists(engine_path) || !std::filesystem::exists(raw_path)) {
    state.SkipWithError("run load_profiles/raw and load_demands/engine first (same size)");
    return;
  }
  Options options;
  options.today = kToday;
  auto engine = Engine::Open(engine_path, options);
  if (!engine.ok()) {
    state.SkipWithError(engine.status().ToString().c_str());
    return;
  }
  auto raw = OpenRaw(raw_path);
  std::string project;
  std::vector<std::string> person_offices, people;
  {
    SQLite::Statement st(*raw,
                         "SELECT project_id, person_office_id, person_id FROM person_office "
                         "WHERE office_id = ? ORDER BY rowid LIMIT ?");
    st.bind(1, data.office);
    st.bind(2, Assignments());
    while (st.executeStep()) {
      project = st.getColumn(0).getString();
      person_offices.push_back(st.getColumn(1).getString());
      people.push_back(st.getColumn(2).getString());
    }
  }
  auto fail = [&](const Status& status) { state.SkipWithError(status.ToString().c_str()); };

  std::vector<double> engine_us, raw_us;
  std::vector<double> engine_cpu_us, raw_cpu_us;
  std::vector<std::string> assignment_ids;
  std::vector<std::vector<std::string>> derived_ids;
  const int role_demands = RoleDemands();
  SQLite::Database reader(engine_path, SQLite::OPEN_READONLY);
  SQLite::Statement derived_id(reader,
                               "SELECT action_subscription_id FROM action_subscription "
                               "WHERE action_id = ? AND subscriber_id = ?");
  for (auto _ : state) {
    engine_us.clear();
    raw_us.clear();
    engine_cpu_us.clear();
    raw_cpu_us.clear();
    assignment_ids.clear();
    derived_ids.clear();
    // The role and its demands, on both sides (not timed).
    auto role = (*engine)->Insert(
        "role", {{"project_id", project}, {"office_id", data.office}, {"name", "Bench role"}});
    if (!role.ok()) return fail(role.status());
    std::vector<std::string> actions;
    for (int k = 0; k < role_demands; ++k) {
      auto action = (*engine)->Insert("action", {{"tenant_id", project},
                                                 {"subtenant_id", data.office},
                                                 {"action_type", "TRAINING"},
                                                 {"name", "Bench course " + std::to_string(k)},
                                                 {"validity", 1},
                                                 {"validity_unit", "YEAR"}});
      if (!action.ok()) return fail(action.status());
      actions.push_back(*action);
      auto demand = (*engine)->Insert("demand", {{"project_id", project},
                                                 {"office_id", data.office},
                                                 {"action_id", *action},
                                                 {"resource_type", "ROLE"},
                                                 {"resource_id", *role}});
      if (!demand.ok()) return fail(demand.status());
    }
    raw->exec("BEGIN");
    {
      SQLite::Statement st(*raw,
                           "INSERT INTO role (office_role_id, project_id, office_id, name) "
                           "VALUES (?, ?, ?, 'Bench role')");
      st.bind(1, *role);
      st.bind(2, project);
      st.bind(3, data.office);
      st.exec();
      for (int k = 0; k < role_demands; ++k) {
        SQLite::Statement a(*raw,
                            "INSERT INTO action (action_id, tenant_id, subtenant_id, action_type, "
                            "name, validity, validity_unit) VALUES (?, ?, ?, 'TRAINING', ?, 1, "
                            "'YEAR')");
        a.bind(1, actions[k]);
        a.bind(2, project);
        a.bind(3, data.office);
        a.bind(4, "Bench course " + std::to_string(k));
        a.exec();
        SQLite::Statement d(*raw,
                            "INSERT INTO demand (demand_id, project_id, office_id, action_id, "
                            "resource_type, resource_id) VALUES (?, ?, ?, ?, 'ROLE', ?)");
        d.bind(1, "bench-demand-" + std::to_string(k));
        d.bind(2, project);
        d.bind(3, data.office);
        d.bind(4, actions[k]);
        d.bind(5, *role);
        d.exec();
      }
    }
    raw->exec("COMMIT");

    // Timed: the engine, one commit per assignment.
    for (const std::string& po : person_offices) {
      const double cpu = ThreadCpuUs();
      auto start = Clock::now();
      auto id = (*engine)->Insert("entity-employee", {{"project_id", project},
                                                      {"office_id", data.office},
                                                      {"person_office_id", po},
                                                      {"type", "ROLE"},
                                                      {"entity_id", *role}});
      double us = Seconds(Clock::now() - start) * 1e6;
      engine_cpu_us.push_back(ThreadCpuUs() - cpu);
      if (!id.ok()) return fail(id.status());
      engine_us.push_back(us);
      assignment_ids.push_back(*id);
      // The engine's ids for the same rows, read back untimed: where a row lands in the id index
      // is part of its cost, and made-up sequential ids would all land on one page.
      std::vector<std::string>& ids = derived_ids.emplace_back();
      for (const std::string& action : actions) {
        derived_id.bind(1, action);
        derived_id.bind(2, people[engine_us.size() - 1]);
        ids.push_back(derived_id.executeStep() ? derived_id.getColumn(0).getString() : "");
        derived_id.reset();
      }
    }
    // Timed: raw, the same rows in one transaction per assignment.
    SQLite::Statement assign(*raw,
                             "INSERT INTO entity_employee (entity_employee_id, project_id, "
                             "office_id, person_office_id, type, entity_id, created_at, "
                             "updated_at) VALUES (?, ?, ?, ?, 'ROLE', ?, ?, ?)");
    SQLite::Statement subscribe(
        *raw,
        "INSERT INTO action_subscription (action_subscription_id, tenant_id, subtenant_id, "
        "action_id, subscriber_type, subscriber_id, origin, created_at, updated_at) VALUES (?, "
        "?, ?, ?, 'PERSON', ?, 'DERIVED', ?, ?)");
    const std::string now = "2026-11-22T00:00:00Z";
    for (size_t i = 0; i < person_offices.size(); ++i) {
      const double cpu = ThreadCpuUs();
      auto start = Clock::now();
      raw->exec("BEGIN");
      assign.reset();
      assign.bind(1, assignment_ids[i]);
      assign.bind(2, project);
      assign.bind(3, data.office);
      assign.bind(4, person_offices[i]);
      assign.bind(5, *role);
      assign.bind(6, now);
      assign.bind(7, now);
      assign.exec();
      for (int k = 0; k < role_demands; ++k) {
        subscribe.reset();
        subscribe.bind(1, derived_ids[i][k]);
        subscribe.bind(2, project);
        subscribe.bind(3, data.office);
        subscribe.bind(4, actions[k]);
        subscribe.bind(5, people[i]);
        subscribe.bind(6, now);
        subscribe.bind(7, now);
        subscribe.exec();
      }
      raw->exec("COMMIT");
      raw_us.push_back(Seconds(Clock::now() - start) * 1e6);
      raw_cpu_us.push_back(ThreadCpuUs() - cpu);
    }
    double total = 0;
    for (double us : engine_us) total += us;
    state.SetIterationTime(total / 1e6);

    // Both files as they were: the role goes with its demands and assignments (and the derived
    // rows with them), then the trainings.
    auto gone = (*engine)->Delete("role", *role, true);
    if (!gone.ok()) return fail(gone.status());
    for (const std::string& action : actions) {
      auto removed = (*engine)->Delete("action", action, true);
      if (!removed.ok()) return fail(removed.status());
    }
    raw->exec("BEGIN");
    raw->exec(
        "DELETE FROM action_subscription WHERE action_id IN "
        "(SELECT action_id FROM action WHERE name LIKE 'Bench course %')");
    raw->exec(
        "DELETE FROM entity_employee WHERE entity_id IN "
        "(SELECT office_role_id FROM role WHERE name = 'Bench role')");
    raw->exec("DELETE FROM demand WHERE demand_id LIKE 'bench-demand-%'");
    raw->exec("DELETE FROM action WHERE name LIKE 'Bench course %'");
    raw->exec("DELETE FROM role WHERE name = 'Bench role'");
    raw->exec("COMMIT");
  }
  if (engine_us.empty()) return;
  LatencyCounters(state, engine_us, raw_us);
  CpuCounters(state, engine_cpu_us, raw_cpu_us);
}

// ---- Queries ---------------------------------------------------------------------------------

constexpr const char* kAsOf = "2026-11-22";

// Runs fn repeatedly, timing each call; reports the median in µs beside a raw baseline.
template <typename EngineFn, typename RawFn>
void Compare(benchmark::State& state, EngineFn engine_fn, RawFn raw_fn) {
  std::vector<double> engine_us, raw_us;
  for (auto _ : state) {
    auto start = Clock::now();
    engine_fn();
    double e = Seconds(Clock::now() - start);
    start = Clock::now();
    raw_fn();
    double r = Seconds(Clock::now() - start);
    engine_us.push_back(e * 1e6);
    raw_us.push_back(r * 1e6);
    state.SetIterationTime(e);
  }
  double e = Of(engine_us).p50, r = Of(raw_us).p50;
  state.counters["p50_us"] = e;
  state.counters["raw_p50_us"] = r;
  state.counters["x_raw"] = e / r;
}

struct Opened {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<SQLite::Database> raw;  // the engine's file, read with plain SQL
  std::string office;
};

std::optional<Opened> OpenLoaded(benchmark::State& state) {
  const int64_t n = state.range(0);
  const Dataset& data = DatasetFor(n);
  if (!std::filesystem::exists(EnginePath(n))) {
    state.SkipWithError("run load/engine first (same size)");
    return std::nullopt;
  }
  Options options;
  options.today = kToday;
  auto engine = Engine::Open(EnginePath(n), options);
  if (!engine.ok()) {
    state.SkipWithError(engine.status().ToString().c_str());
    return std::nullopt;
  }
  return Opened{std::move(*engine),
                std::make_unique<SQLite::Database>(EnginePath(n), SQLite::OPEN_READONLY),
                data.office};
}

// ---- The raw baselines of the per-office reads ----------------------------------------------
//
// The same work in plain SQL over the columns the schedule stores: ?1 the office, every other
// parameter the day.

// The four status counts.
std::vector<std::string> RawCountQueries() {
  const std::string base = "SELECT count(*) FROM action_subscription WHERE subtenant_id = ?1 AND ";
  return {base + "cover_expire IS NULL", base + "cover_expire < ?2",
          base + "expiring_from <= ?2 AND cover_expire >= ?2",
          base + "cover_expire >= ?2 AND expiring_from > ?2"};
}

// 100 EXPIRED rows by expiry, bare columns.
std::string RawExpiredPage() {
  return "SELECT * FROM action_subscription WHERE subtenant_id = ?1 AND cover_expire < ?2 "
         "ORDER BY cover_expire LIMIT 100";
}

// The rows entering EXPIRING or EXPIRED in (?2, ?3].
std::vector<std::string> RawChanges() {
  return {
      "SELECT action_subscription_id, expiring_from FROM action_subscription WHERE "
      "subtenant_id = ?1 AND expiring_from > ?2 AND expiring_from <= ?3",
      "SELECT action_subscription_id, cover_expire FROM action_subscription WHERE "
      "subtenant_id = ?1 AND cover_expire >= ?2 AND cover_expire < ?3"};
}

int64_t RawCount(SQLite::Database& db, const std::string& sql, const std::string& office,
                 const char* as_of) {
  SQLite::Statement st(db, sql);
  st.bind(1, office);
  int params = st.getBindParameterCount();
  for (int i = 2; i <= params; ++i) st.bind(i, as_of);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

// The days the per-office queries are asked about: today, and a year before it.
constexpr std::chrono::year_month_day kYearAgo{std::chrono::year{2025}, std::chrono::November,
                                               std::chrono::day{22}};
constexpr const char* kYearAgoText = "2025-11-22";

void OfficeCounts(benchmark::State& state, std::chrono::year_month_day day, const char* text) {
  auto o = OpenLoaded(state);
  if (!o) return;
  Compare(
      state,
      [&] {
        Query q;
        q.filter = {{"subtenant_id", o->office}};
        q.as_of = day;
        auto counts = o->engine->StatusCounts(q);
        benchmark::DoNotOptimize(counts);
      },
      [&] {
        for (const std::string& sql : RawCountQueries()) {
          benchmark::DoNotOptimize(RawCount(*o->raw, sql, o->office, text));
        }
      });
}

void ExpiredPage(benchmark::State& state, std::chrono::year_month_day day, const char* text) {
  auto o = OpenLoaded(state);
  if (!o) return;
  Compare(
      state,
      [&] {
        Query q;
        q.filter = {{"subtenant_id", o->office}, {"status", "EXPIRED"}};
        q.sort = "certificate_date_expire";
        q.per_page = 100;
        q.as_of = day;
        auto page = o->engine->Index("action-subscription", q);
        benchmark::DoNotOptimize(page);
      },
      [&] {
        SQLite::Statement st(*o->raw, RawExpiredPage());
        st.bind(1, o->office);
        for (int i = 2; i <= st.getBindParameterCount(); ++i) st.bind(i, text);
        int rows = 0;
        while (st.executeStep()) ++rows;
        benchmark::DoNotOptimize(rows);
      });
}

// Issue 12: a 12-point monthly trend of one office (Engine::Trend), against the raw counts of
// the same twelve days.
void OfficeTrend12(benchmark::State& state) {
  auto o = OpenLoaded(state);
  if (!o) return;
  const std::chrono::year_month month{kToday.year(), kToday.month()};
  TrendQuery q;
  q.from = std::chrono::year_month_day{(month - std::chrono::months{11}) / kToday.day()};
  q.to = kToday;
  q.filter = {{"subtenant_id", o->office}};
  std::vector<std::string> days;
  for (int back = 11; back >= 0; --back) {
    days.push_back(FormatDate(
        std::chrono::year_month_day{(month - std::chrono::months{back}) / kToday.day()}));
  }
  Compare(
      state,
      [&] {
        auto points = o->engine->Trend(q);
        benchmark::DoNotOptimize(points);
      },
      [&] {
        for (const std::string& day : days) {
          for (const std::string& sql : RawCountQueries()) {
            benchmark::DoNotOptimize(RawCount(*o->raw, sql, o->office, day.c_str()));
          }
        }
      });
}

void OfficeCountsToday(benchmark::State& state) { OfficeCounts(state, kToday, kAsOf); }
void OfficeCountsYearAgo(benchmark::State& state) { OfficeCounts(state, kYearAgo, kYearAgoText); }
void ExpiredPageToday(benchmark::State& state) { ExpiredPage(state, kToday, kAsOf); }
void ExpiredPageYearAgo(benchmark::State& state) { ExpiredPage(state, kYearAgo, kYearAgoText); }

void Changes(benchmark::State& state) {
  auto o = OpenLoaded(state);
  if (!o) return;
  Compare(
      state,
      [&] {
        ChangesQuery q;
        q.from = kToday;
        q.to = std::chrono::sys_days{kToday} + std::chrono::days{1};
        q.per_page = 1000;
        auto page = o->engine->Changes(q);
        benchmark::DoNotOptimize(page);
      },
      [&] {
        SQLite::Statement st(*o->raw,
                             "SELECT * FROM action_subscription WHERE (expiring_from > ?1 AND "
                             "expiring_from <= ?2) OR (cover_expire >= ?1 AND cover_expire < ?2)");
        st.bind(1, kAsOf);
        st.bind(2, "2026-11-23");
        int rows = 0;
        while (st.executeStep()) ++rows;
        benchmark::DoNotOptimize(rows);
      });
}

// One office's changes over the 30 days before today, first page of 100 and the total.
void OfficeChanges30(benchmark::State& state) {
  auto o = OpenLoaded(state);
  if (!o) return;
  Compare(
      state,
      [&] {
        ChangesQuery q;
        q.from = std::chrono::sys_days{kToday} - std::chrono::days{30};
        q.to = kToday;
        q.filter = {{"subtenant_id", o->office}};
        q.per_page = 100;
        auto page = o->engine->Changes(q);
        benchmark::DoNotOptimize(page);
      },
      [&] {
        for (const std::string& sql : RawChanges()) {
          SQLite::Statement st(*o->raw, sql);
          st.bind(1, o->office);
          st.bind(2, "2026-10-23");
          st.bind(3, kAsOf);
          int rows = 0;
          while (st.executeStep()) ++rows;
          benchmark::DoNotOptimize(rows);
        }
      });
}

void Verify(benchmark::State& state, VerifyOptions::Depth depth) {
  auto o = OpenLoaded(state);
  if (!o) return;
  Compare(
      state,
      [&] {
        VerifyOptions options;
        options.depth = depth;
        auto report = o->engine->Verify(options);
        if (!report.ok() || !report->ok()) state.SkipWithError("verify found problems");
      },
      [&] {
        // The same rows read with plain SQL: links with their certificate and action, and the
        // subscriptions.
        SQLite::Statement links(*o->raw,
                                "SELECT l.certificate_action_id, l.date_expire, c.resource_id, "
                                "c.date_release, c.date_expire, c.validity, a.validity "
                                "FROM certificate_action l JOIN certificate c USING "
                                "(certificate_id) JOIN action a ON a.action_id = l.action_id");
        int64_t rows = 0;
        while (links.executeStep()) ++rows;
        SQLite::Statement subs(*o->raw,
                               "SELECT action_subscription_id, action_id, subscriber_id, "
                               "cover_release, cover_expire, expiring_from FROM "
                               "action_subscription");
        while (subs.executeStep()) ++rows;
        benchmark::DoNotOptimize(rows);
      });
}

void VerifyFull(benchmark::State& state) { Verify(state, VerifyOptions::Depth::kFull); }
void VerifySchedule(benchmark::State& state) { Verify(state, VerifyOptions::Depth::kSchedule); }

// ---- Memory (issue 17) -----------------------------------------------------------------------
//
// Each step's peak resident memory above what the process held when it began: the kernel's
// high-water mark (VmHWM) reset at the start (writing 5 to /proc/self/clear_refs) and read at
// the end. The step's dataset is generated before the reset, so what is left is the engine's
// and the raw side's connections (each with its 64 MiB page cache) and what the step builds.

int64_t StatusKib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size());
  }
  return -1;
}

template <void (*Fn)(benchmark::State&)>
void WithPeakRss(benchmark::State& state) {
  std::ofstream("/proc/self/clear_refs") << "5";
  const int64_t start = StatusKib("VmRSS");
  Fn(state);
  const int64_t peak = StatusKib("VmHWM");
  if (start >= 0 && peak >= 0) state.counters["rss_peak_mib"] = (peak - start) / 1024.0;
}

// The dataset a step reads, made before its memory is measured.
template <void (*Fn)(benchmark::State&), Requirements kData = Requirements::kWritten>
void Measured(benchmark::State& state) {
  DatasetFor(state.range(0), kData);
  WithPeakRss<Fn>(state);
}

void Register() {
  // In this order: the query, latency and verify benchmarks use the files the loads wrote.
  struct Spec {
    const char* name;
    void (*fn)(benchmark::State&);
    int iterations;
    benchmark::TimeUnit unit;
  };
  const Spec specs[] = {
      {"load/raw", Measured<LoadRaw>, 1, benchmark::kSecond},
      {"load/engine", Measured<LoadEngine>, 1, benchmark::kSecond},
      {"link_create", Measured<LinkCreate>, 1, benchmark::kMillisecond},
      {"link_delete", Measured<LinkDelete>, 1, benchmark::kMillisecond},
      {"office_counts", Measured<OfficeCountsToday>, 50, benchmark::kMicrosecond},
      {"office_counts_year_ago", Measured<OfficeCountsYearAgo>, 50, benchmark::kMicrosecond},
      {"office_trend_12m", Measured<OfficeTrend12>, 20, benchmark::kMicrosecond},
      {"expired_page", Measured<ExpiredPageToday>, 50, benchmark::kMicrosecond},
      {"expired_page_year_ago", Measured<ExpiredPageYearAgo>, 50, benchmark::kMicrosecond},
      {"changes", Measured<Changes>, 50, benchmark::kMicrosecond},
      {"office_changes_30d", Measured<OfficeChanges30>, 50, benchmark::kMicrosecond},
      {"verify", Measured<VerifyFull>, 1, benchmark::kSecond},
      {"verify_schedule", Measured<VerifySchedule>, 1, benchmark::kSecond},
      // Issue 13: the same company with its people's requirements as demands.
      {"load_profiles/raw", Measured<LoadProfilesRaw, Requirements::kProfilesWritten>, 1,
       benchmark::kSecond},
      {"load_profiles/engine", Measured<LoadProfilesEngine, Requirements::kProfilesWritten>, 1,
       benchmark::kSecond},
      {"load_demands/engine", Measured<LoadDemandsEngine, Requirements::kDemands>, 1,
       benchmark::kSecond},
      {"assign_role", Measured<AssignRole, Requirements::kDemands>, 1, benchmark::kMillisecond},
  };
  for (int64_t n : Sizes()) {
    for (const Spec& spec : specs) {
      const std::string name = std::string(spec.name) + "/" + std::to_string(n);
      benchmark::RegisterBenchmark(name.c_str(), spec.fn)
          ->Arg(n)
          ->Iterations(spec.iterations)
          ->UseManualTime()
          ->Unit(spec.unit);
    }
  }
}

}  // namespace
}  // namespace certo::bench

int main(int argc, char** argv) {
  certo::bench::Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
