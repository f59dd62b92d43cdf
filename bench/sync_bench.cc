// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Device sync (docs/sync.md), against issue 16's target:
//   sync_1000_edits   a device's 1,000 edits (one write each: a note on a person) synced with a
//                     hub of CERTO_SYNC_BENCH_SUBSCRIPTIONS subscriptions (default 1,000,000):
//                     push, hub apply, pull, end to end                               < 1 s
//   raw_1000_updates  the baseline: the same 1,000 updates as plain UPDATE statements in one
//                     transaction on the hub, with raw SQLite
// Counters: bytes_per_edit, the changeset bytes an edit costs on the wire, beside
// json_bytes_per_edit, the same edit as a JSON-API request ({"method", "path", "body"}).
// Each iteration makes a fresh device from the hub (not timed), so every sync moves exactly
// the 1,000 edits. Files go to CERTO_BENCH_DIR (default /tmp).

#include "certo/engine.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <benchmark/benchmark.h>

#include "generate/generate.h"

namespace {

using certo::Engine;
using certo::Json;

constexpr int kEdits = 1000;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

std::string Dir() {
  const char* v = std::getenv("CERTO_BENCH_DIR");
  std::filesystem::path dir = std::filesystem::path(v && *v ? v : "/tmp") / "certo-sync-bench";
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

void Remove(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

struct Hub {
  std::string path;
  std::vector<std::string> people;
  int64_t subscriptions = 0;
};

// The generator's company with about the subscriptions asked for (17 a person on average).
const Hub& TheHub() {
  static Hub hub = [] {
    Hub h;
    h.path = Dir() + "/hub.certo";
    Remove(h.path);
    const int64_t wanted = EnvInt("CERTO_SYNC_BENCH_SUBSCRIPTIONS", 1000000);
    certo::generator::GenerateOptions options;
    options.people = static_cast<int>(std::max<int64_t>(wanted / 17, 100));
    options.offices = std::max(1, options.people / 1000);
    options.today = *Pinned().today;
    auto e = OpenOrDie(h.path);
    Must(e->BulkTransaction([&](Engine& en) {
      certo::generator::Generate(options, [&](std::string_view collection, Json& record) {
        if (collection == "person") h.people.push_back(record["person_id"]);
        Must(en.Insert(collection, record).status());
      });
      return certo::Status::OK();
    }));
    SQLite::Database db(h.path);
    h.subscriptions = db.execAndGet("SELECT count(*) FROM action_subscription").getInt64();
    return h;
  }();
  return hub;
}

std::vector<std::string> EditedPeople(const Hub& hub, int round) {
  std::mt19937 rng(static_cast<unsigned>(round));
  std::vector<std::string> out;
  for (int i = 0; i < kEdits; ++i) out.push_back(hub.people[rng() % hub.people.size()]);
  return out;
}

void Sync1000Edits(benchmark::State& state) {
  const Hub& hub = TheHub();
  auto h = OpenOrDie(hub.path);
  const std::string device_path = Dir() + "/device.certo";
  double wire = 0, json = 0;
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Remove(device_path);
    Must(h->CreateDevice({device_path, ""}).status());
    {
      auto d = OpenOrDie(device_path);
      int n = 0;
      for (const std::string& person : EditedPeople(hub, ++round)) {
        // Each edit its own value: an update to the value stored is no change.
        const Json body = {{"note", "checked on site, round " + std::to_string(round) + ", " +
                                        std::to_string(++n)}};
        Must(d->Update("person", person, body).status());
        json += static_cast<double>(
            Json{{"method", "PUT"}, {"path", "/v2/person/update/" + person}, {"body", body}}
                .dump()
                .size());
      }
    }
    {
      SQLite::Database db(device_path);
      wire += static_cast<double>(
          db.execAndGet("SELECT sum(length(changeset)) FROM sync_change").getInt64());
    }
    auto d = OpenOrDie(device_path);
    state.ResumeTiming();
    auto synced = d->SyncWithHub(hub.path);
    Must(synced.status());
    if (synced->pushed != kEdits) {
      std::cerr << "pushed " << synced->pushed << ", not " << kEdits << '\n';
      std::exit(1);
    }
  }
  state.counters["subscriptions"] = static_cast<double>(hub.subscriptions);
  state.counters["bytes_per_edit"] = wire / (static_cast<double>(round) * kEdits);
  state.counters["json_bytes_per_edit"] = json / (static_cast<double>(round) * kEdits);
}

void Raw1000Updates(benchmark::State& state) {
  const Hub& hub = TheHub();
  SQLite::Database db(hub.path, SQLite::OPEN_READWRITE);
  db.exec("PRAGMA synchronous = NORMAL");
  int round = 1000;
  for (auto _ : state) {
    const auto people = EditedPeople(hub, ++round);
    SQLite::Transaction tx(db);
    SQLite::Statement st(db, "UPDATE person SET note = ?, updated_at = ? WHERE person_id = ?");
    int n = 0;
    for (const std::string& person : people) {
      st.bind(1, "checked on site, round " + std::to_string(round) + ", " + std::to_string(++n));
      st.bind(2, "2026-11-22T00:00:00Z");
      st.bind(3, person);
      st.exec();
      st.reset();
    }
    tx.commit();
  }
  state.counters["subscriptions"] = static_cast<double>(hub.subscriptions);
}

BENCHMARK(Sync1000Edits)
    ->Name("sync_1000_edits")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(Raw1000Updates)
    ->Name("raw_1000_updates")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
