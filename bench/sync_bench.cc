// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Device sync (docs/sync.md), against issue 16's target:
//   sync_1000_edits   a device's 1,000 edits (one write each: a note on a person) synced with a
//                     hub of CERTO_SYNC_BENCH_SUBSCRIPTIONS subscriptions (default 1,000,000):
//                     push, hub apply, pull, end to end                               < 1 s
//   raw_1000_updates  the baseline: the same 1,000 updates as plain UPDATE statements in one
//                     transaction on the hub, with raw SQLite
// Counters, per edit: bytes_per_edit, the changeset bytes; http_push_bytes_per_edit, what it
// costs in certo serve's /v2/sync/push bodies as the sync sends them (in batches, the changeset
// in base64), and http_push_alone_bytes_per_edit pushed alone; beside json_body_bytes_per_edit,
// the body of the same edit's POST /v2/person/update/{id}, and json_bytes_per_edit, that request
// as one JSON line ({"method", "path", "body"}, as `certo api --batch` reads it).
// Each iteration makes a fresh device from the hub (not timed), so every sync moves exactly
// the 1,000 edits. Files go to CERTO_BENCH_DIR (default /tmp).

#include "certo/engine.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <benchmark/benchmark.h>

#include "generate/generate.h"
#include "serve/sync_wire.h"

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
// Generating a million subscriptions takes minutes: with CERTO_SYNC_BENCH_HUB naming a file,
// the company is generated into it once and copied from it by every later run (a file copy,
// seconds), so that each run starts from the same hub. The file holds what was generated only
// (no device made from it yet); a cached file of another size is made again.
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
    const char* cache_env = std::getenv("CERTO_SYNC_BENCH_HUB");
    const std::string cache = cache_env ? cache_env : "";
    auto people_of = [](const std::string& path) {
      SQLite::Database db(path);
      return db.execAndGet("SELECT count(*) FROM person").getInt64();
    };
    if (cache.empty() || !std::filesystem::exists(cache) || people_of(cache) != options.people) {
      const std::string made = cache.empty() ? h.path : cache + ".part";
      Remove(made);
      {
        auto e = OpenOrDie(made);
        Must(e->BulkTransaction([&](Engine& en) {
          certo::generator::Generate(options, [&](std::string_view collection, Json& record) {
            Must(en.Insert(collection, record).status());
          });
          return certo::Status::OK();
        }));
        // The load's events acknowledged, as an application reading the outbox would have
        // them: a device is made without them anyway, and its copy is the faster.
        Must(e->AckOutbox(std::numeric_limits<int64_t>::max()));
      }
      {
        // One file, no write-ahead log beside it: what a plain copy takes whole.
        SQLite::Database db(made, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        db.exec("PRAGMA journal_mode = DELETE");
      }
      if (!cache.empty()) {
        Remove(cache);
        std::filesystem::rename(made, cache);
      }
    }
    if (!cache.empty()) std::filesystem::copy_file(cache, h.path);
    SQLite::Database db(h.path);
    // The order the generator made them in, whether generated now or copied.
    SQLite::Statement st(db, "SELECT person_id FROM person ORDER BY rowid");
    while (st.executeStep()) h.people.push_back(st.getColumn(0).getString());
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
  double wire = 0, json = 0, json_body = 0, http_single = 0, http_batch = 0;
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
        json_body += static_cast<double>(body.dump().size());
      }
    }
    {
      SQLite::Database db(device_path);
      wire += static_cast<double>(
          db.execAndGet("SELECT sum(length(changeset)) FROM sync_change").getInt64());
      // The same changes as certo serve's client sends them: one /v2/sync/push body a batch
      // (the sync's way), and one body a change (the single form).
      const std::string device_id = db.execAndGet("SELECT node_id FROM sync_state").getString();
      std::vector<certo::DeviceChange> changes;
      SQLite::Statement st(db,
                           "SELECT change_id, at, schema, changeset FROM sync_change ORDER BY seq");
      while (st.executeStep()) {
        const SQLite::Column blob = st.getColumn(3);
        changes.push_back({st.getColumn(0).getString(),
                           st.getColumn(1).getString(),
                           st.getColumn(2).getInt(),
                           std::string(static_cast<const char*>(blob.getBlob()), blob.getBytes()),
                           {}});
        http_single +=
            static_cast<double>(certo::serve::PushJson(device_id, changes.back()).dump().size());
      }
      http_batch += static_cast<double>(certo::serve::PushJson(device_id, changes).dump().size());
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
  state.counters["json_body_bytes_per_edit"] = json_body / (static_cast<double>(round) * kEdits);
  state.counters["http_push_bytes_per_edit"] = http_batch / (static_cast<double>(round) * kEdits);
  state.counters["http_push_alone_bytes_per_edit"] =
      http_single / (static_cast<double>(round) * kEdits);
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

// CERTO_SYNC_BENCH_ITERATIONS (default 3): at 1M, each iteration's untimed device is a copy of
// gigabytes.
BENCHMARK(Sync1000Edits)
    ->Name("sync_1000_edits")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(EnvInt("CERTO_SYNC_BENCH_ITERATIONS", 3))
    ->UseRealTime();
BENCHMARK(Raw1000Updates)
    ->Name("raw_1000_updates")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
