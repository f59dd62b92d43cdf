// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE outbox [--after SEQ] [--limit N] [--ack]
//   certo --db FILE outbox --ack-all
//   certo --db FILE outbox --status [--keep-events N] [--keep-days D]
// Prints the pending events as JSON lines, oldest first; --ack then acknowledges them. Events
// stay in the outbox until acknowledged; --ack-all acknowledges every pending one without
// printing them (for a file whose events nobody consumes). --status prints the retention policy
// and how many events wait and were dropped (certo/outbox.h); --keep-events / --keep-days set the
// policy first (0: no such limit; an option left out keeps its current value).

#include <iostream>
#include <optional>

#include "cli.h"

namespace certo::cli {

Runner AddOutboxCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "outbox", "Print the pending events (JSON lines, oldest first); --ack acknowledges them");
  struct Args {
    int64_t after = 0;
    int limit = 100;
    bool ack = false, ack_all = false, status = false;
    std::optional<int64_t> keep_events, keep_days;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--after", args->after, "Only events with a greater seq")->default_val(0);
  cmd->add_option("--limit", args->limit, "At most this many events")
      ->default_val(100)
      ->check(CLI::Range(1, 10000));
  CLI::Option* ack =
      cmd->add_flag("--ack", args->ack, "Acknowledge (remove) the printed events afterwards");
  cmd->add_flag("--ack-all", args->ack_all,
                "Acknowledge every pending event without printing it; prints how many")
      ->excludes(ack)
      ->excludes("--after")
      ->excludes("--limit");
  CLI::Option* status_flag =
      cmd->add_flag("--status", args->status,
                    "Print the retention policy, the pending and the dropped events as JSON")
          ->excludes(ack)
          ->excludes("--ack-all")
          ->excludes("--after")
          ->excludes("--limit");
  cmd->add_option("--keep-events", args->keep_events,
                  "With --status: keep at most N unacknowledged events (0: no limit)")
      ->check(CLI::Range(int64_t{0}, int64_t{1000000000}))
      ->needs(status_flag);
  cmd->add_option("--keep-days", args->keep_days,
                  "With --status: drop unacknowledged events older than D days (0: no limit)")
      ->check(CLI::Range(int64_t{0}, int64_t{36500}))
      ->needs(status_flag);
  return [args, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    if (args->status) {
      Result<OutboxState> state = engine->OutboxStatus();
      if (state.ok() && (args->keep_events || args->keep_days)) {
        OutboxPolicy policy = state->policy;
        auto limit = [](int64_t n) { return n == 0 ? std::nullopt : std::optional<int64_t>(n); };
        if (args->keep_events) policy.max_events = limit(*args->keep_events);
        if (args->keep_days) policy.max_days = limit(*args->keep_days);
        state = engine->SetOutboxPolicy(policy);
      }
      if (!state.ok()) {
        std::cerr << "certo outbox: " << state.error().ToString() << '\n';
        return ExitFor(state.error());
      }
      // The JSON API's answer, so the command and GET /v2/outbox/policy print one shape.
      Response r = engine->Request("GET", "/v2/outbox/policy");
      std::cout << Json::parse(r.body).dump() << '\n';
      return kExitOk;
    }
    if (args->ack_all) {
      int64_t through = 0, count = 0;
      for (;;) {
        auto page = engine->ReadOutbox(through, 10000);
        if (!page.ok()) {
          std::cerr << "certo outbox: " << page.error().ToString() << '\n';
          return ExitFor(page.error());
        }
        if (page->empty()) break;
        count += static_cast<int64_t>(page->size());
        through = page->back().seq;
      }
      if (count > 0) {
        Status status = engine->AckOutbox(through);
        if (!status.ok()) {
          std::cerr << "certo outbox: " << status.ToString() << '\n';
          return ExitFor(status);
        }
      }
      std::cout << "acknowledged " << count << " event" << (count == 1 ? "" : "s") << '\n';
      return kExitOk;
    }
    auto events = engine->ReadOutbox(args->after, args->limit);
    if (!events.ok()) {
      std::cerr << "certo outbox: " << events.error().ToString() << '\n';
      return ExitFor(events.error());
    }
    for (const Event& e : *events) {
      std::cout << Json{{"seq", e.seq},
                        {"event", e.name},
                        {"entity_id", e.entity_id},
                        {"payload", e.payload},
                        {"date", e.date}}
                       .dump()
                << '\n';
    }
    std::cout.flush();
    if (args->ack && !events->empty()) {
      Status status = engine->AckOutbox(events->back().seq);
      if (!status.ok()) {
        std::cerr << "certo outbox: " << status.ToString() << '\n';
        return ExitFor(status);
      }
    }
    return kExitOk;
  };
}

}  // namespace certo::cli
