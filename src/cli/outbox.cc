// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE outbox [--after SEQ] [--limit N] [--ack]
//   certo --db FILE outbox --ack-all
// Prints the pending events as JSON lines, oldest first; --ack then acknowledges them. Events
// stay in the outbox until acknowledged; --ack-all acknowledges every pending one without
// printing them (for a file whose events nobody consumes).

#include <iostream>

#include "cli.h"

namespace certo::cli {

Runner AddOutboxCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "outbox", "Print the pending events (JSON lines, oldest first); --ack acknowledges them");
  struct Args {
    int64_t after = 0;
    int limit = 100;
    bool ack = false, ack_all = false;
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
  return [args, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return OpenFailed();
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
