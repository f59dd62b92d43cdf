// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// What HTTP adds: the same requests through `certo serve`'s server (src/serve, in this process
// on a loopback port, keep-alive clients from cpp-httplib) and through Engine::Request on the
// same file, in the same run, with 1 and 4 client threads. Each request is timed on its own;
// p50 and p99 are reported as counters (microseconds), beside the in-process figures.
//
//   view/inprocess, view/http            GET /v2/person/view/{id}
//   link_create/inprocess, link_create/http   POST /v2/certificate-action/create, committed alone
//   floor/http                           a bare cpp-httplib server with the same options answering
//                                        a fixed body as long as the view's: what loopback TCP, the
//                                        thread switches and HTTP parsing cost on this machine
//                                        before certo does anything
//
// The file is a small company (CERTO_SERVE_BENCH_DIR, default /tmp) made once per run, with one
// person, subscription and certificate per link to create; CERTO_SERVE_BENCH_ITERATIONS (default
// 2000) sets the views per run and thread (links: a quarter of that).

#include "certo/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include "serve/server.h"

namespace certo::bench {
namespace {

using Clock = std::chrono::steady_clock;

int Iterations() {
  const char* env = std::getenv("CERTO_SERVE_BENCH_ITERATIONS");
  return env ? std::max(4, std::atoi(env)) : 2000;
}

struct Fixture {
  std::string path;
  std::string person;
  std::string action;
  std::vector<std::string> certificates;  // one per link to create
  std::atomic<size_t> next_certificate{0};
  int port = 0;
  std::atomic<bool> stop{false};
  std::thread server;
  std::string view_body;  // the view's answer, served by the floor server
  httplib::Server floor;
  int floor_port = 0;
  std::thread floor_thread;
  std::ostringstream out, log;
};

Fixture& F() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    const char* env = std::getenv("CERTO_SERVE_BENCH_DIR");
    std::filesystem::path dir = std::filesystem::path(env ? env : "/tmp") / "certo-serve-bench";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    fx->path = (dir / "serve.certo").string();
    Options options;
    options.today = std::chrono::year{2026} / 11 / 22;
    auto engine = Engine::Open(fx->path, options);
    if (!engine.ok()) std::abort();
    Engine& e = **engine;
    // Every link benchmark (1 + 4 threads, in process and over HTTP) takes iterations / 4 each.
    const int links = Iterations() * 10 / 4 + 1;
    Status loaded = e.BulkTransaction([&](Engine& b) -> Status {
      auto project = b.Create("project", {{"name", "Bench"}});
      auto office = b.Create("office", {{"project_id", (*project)["project_id"]}, {"name", "HQ"}});
      auto person = b.Create(
          "person",
          {{"project_id", (*project)["project_id"]}, {"first_name", "Ada"}, {"last_name", "Neri"}});
      auto action = b.Create("action", {{"tenant_id", (*project)["project_id"]},
                                        {"subtenant_id", (*office)["office_id"]},
                                        {"name", "Fire safety"},
                                        {"action_type", "TRAINING"},
                                        {"validity", 3},
                                        {"validity_unit", "YEAR"}});
      if (!person.ok() || !action.ok()) return person.ok() ? action.status() : person.status();
      fx->person = (*person)["person_id"];
      fx->action = (*action)["action_id"];
      // One person, subscription and certificate per link, so every link create recomputes
      // one small subscription: the cost of a link does not grow along the run.
      for (int i = 0; i < links; ++i) {
        auto worker = b.Insert("person", {{"project_id", (*project)["project_id"]},
                                          {"first_name", "W"},
                                          {"last_name", std::to_string(i)}});
        if (!worker.ok()) return worker.status();
        auto sub = b.Insert("action-subscription", {{"tenant_id", (*project)["project_id"]},
                                                    {"subtenant_id", (*office)["office_id"]},
                                                    {"action_id", fx->action},
                                                    {"subscriber_type", "PERSON"},
                                                    {"subscriber_id", *worker}});
        if (!sub.ok()) return sub.status();
        auto cert = b.Insert("certificate", {{"tenant_id", (*project)["project_id"]},
                                             {"resource_id", *worker},
                                             {"action_type", "TRAINING"},
                                             {"name", "Course " + std::to_string(i)},
                                             {"date_release", "2026-01-10"}});
        if (!cert.ok()) return cert.status();
        fx->certificates.push_back(*cert);
      }
      return Status::OK();
    });
    if (!loaded.ok()) {
      std::fprintf(stderr, "serve_bench: %s\n", loaded.ToString().c_str());
      std::abort();
    }
    serve::ServeOptions so;
    so.db = fx->path;
    so.port = 0;
    so.threads = 4;
    so.engine = options;
    std::atomic<int> port{0};
    so.on_listening = [&port](int bound) { port = bound; };
    fx->server = std::thread([fx, so] { serve::Serve(so, fx->stop, fx->out, fx->log); });
    for (int i = 0; i < 1000 && port == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    fx->port = port;
    if (fx->port == 0) std::abort();
    fx->view_body = e.Request("GET", "/v2/person/view/" + fx->person).body;
    fx->floor.new_task_queue = [] { return new httplib::ThreadPool(4); };
    fx->floor.set_tcp_nodelay(true);
    fx->floor.Get("/floor", [fx](const httplib::Request&, httplib::Response& res) {
      res.set_content(fx->view_body, "application/json; charset=UTF-8");
    });
    fx->floor_port = fx->floor.bind_to_any_port("127.0.0.1");
    if (fx->floor_port <= 0) std::abort();
    fx->floor_thread = std::thread([fx] { fx->floor.listen_after_bind(); });
    return fx;
  }();
  return *f;
}

void Percentiles(benchmark::State& state, std::vector<double> micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
}

template <typename Send>
void Run(benchmark::State& state, Send&& send) {
  std::vector<double> micros;
  for (auto _ : state) {
    auto start = Clock::now();
    if (!send()) {
      state.SkipWithError("request failed");
      break;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  // Each thread reports its own percentiles; Google Benchmark averages them across threads.
  Percentiles(state, std::move(micros));
  for (auto& [name, counter] : state.counters) counter.flags = benchmark::Counter::kAvgThreads;
  state.counters["requests_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

std::string LinkBody() {
  Fixture& f = F();
  const size_t i = f.next_certificate++;
  if (i >= f.certificates.size()) return "";
  return Json{{"certificate_id", f.certificates[i]}, {"action_id", f.action}}.dump();
}

// One Engine per thread in process, as certo serve has one per worker.
Engine& ThreadEngine() {
  thread_local std::unique_ptr<Engine> engine = [] {
    Options options;
    options.today = std::chrono::year{2026} / 11 / 22;
    auto opened = Engine::Open(F().path, options);
    if (!opened.ok()) std::abort();
    return std::move(opened).value();
  }();
  return *engine;
}

void ViewInProcess(benchmark::State& state) {
  Engine& e = ThreadEngine();
  const std::string path = "/v2/person/view/" + F().person;
  Run(state, [&] { return e.Request("GET", path).status == 200; });
}

void ViewHttp(benchmark::State& state) {
  httplib::Client client("127.0.0.1", F().port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  const std::string path = "/v2/person/view/" + F().person;
  Run(state, [&] {
    auto r = client.Get(path.c_str());
    return r && r->status == 200;
  });
}

void FloorHttp(benchmark::State& state) {
  httplib::Client client("127.0.0.1", F().floor_port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  Run(state, [&] {
    auto r = client.Get("/floor");
    return r && r->status == 200;
  });
}

void LinkCreateInProcess(benchmark::State& state) {
  Engine& e = ThreadEngine();
  Run(state, [&] {
    const std::string body = LinkBody();
    return !body.empty() && e.Request("POST", "/v2/certificate-action/create", body).status == 201;
  });
}

void LinkCreateHttp(benchmark::State& state) {
  httplib::Client client("127.0.0.1", F().port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  Run(state, [&] {
    const std::string body = LinkBody();
    if (body.empty()) return false;
    auto r = client.Post("/v2/certificate-action/create", body, "application/json");
    return r && r->status == 201;
  });
}

}  // namespace
}  // namespace certo::bench

int main(int argc, char** argv) {
  using namespace certo::bench;
  const int iterations = Iterations();
  for (int threads : {1, 4}) {
    benchmark::RegisterBenchmark("view/inprocess", ViewInProcess)
        ->Threads(threads)
        ->Iterations(iterations)
        ->UseRealTime();
    benchmark::RegisterBenchmark("view/http", ViewHttp)
        ->Threads(threads)
        ->Iterations(iterations)
        ->UseRealTime();
    benchmark::RegisterBenchmark("floor/http", FloorHttp)
        ->Threads(threads)
        ->Iterations(iterations)
        ->UseRealTime();
    benchmark::RegisterBenchmark("link_create/inprocess", LinkCreateInProcess)
        ->Threads(threads)
        ->Iterations(iterations / 4)
        ->UseRealTime();
    benchmark::RegisterBenchmark("link_create/http", LinkCreateHttp)
        ->Threads(threads)
        ->Iterations(iterations / 4)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  Fixture& f = F();
  f.stop = true;
  f.server.join();
  f.floor.stop();
  f.floor_thread.join();
  return 0;
}
