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

#include "certo/calendar.h"
#include "certo/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
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

// About 17.6 subscriptions per person (5-30 requirements) plus 4 machines per office.
const Dataset& DatasetFor(int64_t subscriptions) {
  static std::map<int64_t, std::unique_ptr<Dataset>> cache;
  auto& slot = cache[subscriptions];
  if (slot) return *slot;
  slot = std::make_unique<Dataset>();
  generator::GenerateOptions options;
  options.people = static_cast<int>(std::max<int64_t>(1, subscriptions * 10 / 176));
  options.offices = static_cast<int>(std::clamp<int64_t>(options.people / 1500, 1, 200));
  options.seed = 42;
  options.today = kToday;
  slot->counts = generator::Generate(options, [&](std::string_view collection, Json& record) {
    if (collection == "office" && slot->office.empty()) slot->office = record["office_id"];
    slot->rows.push_back(Row{std::string(collection), std::move(record)});
  });
  return *slot;
}

std::string EnginePath(int64_t n) {
  return (Dir() / ("engine-" + std::to_string(n) + ".db")).string();
}
std::string RawPath(int64_t n) { return (Dir() / ("raw-" + std::to_string(n) + ".db")).string(); }

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

void LoadRaw(benchmark::State& state) {
  const int64_t n = state.range(0);
  const Dataset& data = DatasetFor(n);
  for (auto _ : state) {
    RemoveDb(RawPath(n));
    CreateRawSchema(RawPath(n));
    auto db = OpenRaw(RawPath(n));
    auto start = Clock::now();
    SQLite::Transaction txn(*db);
    RawInserter inserter(*db);
    for (const Row& row : data.rows) inserter.Insert(row);
    txn.commit();
    double s = Seconds(Clock::now() - start);
    state.SetIterationTime(s);
    Baselines()["load/" + std::to_string(n)] = s;
  }
  state.counters["rows"] = static_cast<double>(data.rows.size());
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(data.rows.size()), benchmark::Counter::kIsRate);
  state.counters["subscriptions"] = static_cast<double>(data.counts.subscriptions);
}

void LoadEngine(benchmark::State& state) {
  const int64_t n = state.range(0);
  const Dataset& data = DatasetFor(n);
  for (auto _ : state) {
    RemoveDb(EnginePath(n));
    Options options;
    options.today = kToday;
    auto engine = Engine::Open(EnginePath(n), options);
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
    auto base = Baselines().find("load/" + std::to_string(n));
    if (base != Baselines().end()) state.counters["x_raw"] = s / base->second;
  }
  state.counters["rows"] = static_cast<double>(data.rows.size());
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(data.rows.size()), benchmark::Counter::kIsRate);
}

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
  Percentiles e = Of(engine_us), r = Of(raw_us);
  state.counters["p50_us"] = e.p50;
  state.counters["p99_us"] = e.p99;
  state.counters["raw_p50_us"] = r.p50;
  state.counters["raw_p99_us"] = r.p99;
  state.counters["x_raw_p50"] = e.p50 / r.p50;
  state.counters["ops"] = static_cast<double>(engine_us.size());
}

void LinkCreate(benchmark::State& state) { LinkLatency(state, true); }
void LinkDelete(benchmark::State& state) { LinkLatency(state, false); }

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

void Register() {
  // In this order: the query, latency and verify benchmarks use the files the loads wrote.
  struct Spec {
    const char* name;
    void (*fn)(benchmark::State&);
    int iterations;
    benchmark::TimeUnit unit;
  };
  const Spec specs[] = {
      {"load/raw", LoadRaw, 1, benchmark::kSecond},
      {"load/engine", LoadEngine, 1, benchmark::kSecond},
      {"link_create", LinkCreate, 1, benchmark::kMillisecond},
      {"link_delete", LinkDelete, 1, benchmark::kMillisecond},
      {"office_counts", OfficeCountsToday, 50, benchmark::kMicrosecond},
      {"office_counts_year_ago", OfficeCountsYearAgo, 50, benchmark::kMicrosecond},
      {"office_trend_12m", OfficeTrend12, 20, benchmark::kMicrosecond},
      {"expired_page", ExpiredPageToday, 50, benchmark::kMicrosecond},
      {"expired_page_year_ago", ExpiredPageYearAgo, 50, benchmark::kMicrosecond},
      {"changes", Changes, 50, benchmark::kMicrosecond},
      {"office_changes_30d", OfficeChanges30, 50, benchmark::kMicrosecond},
      {"verify", VerifyFull, 1, benchmark::kSecond},
      {"verify_schedule", VerifySchedule, 1, benchmark::kSecond},
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
