// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE outbox [--after SEQ] [--limit N] [--ack]
// Prints the pending events as JSON lines, oldest first; --ack then acknowledges them.

#include <iostream>

#include "cli.h"

namespace certo::cli {

Runner AddOutboxCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "outbox", "Print the pending events (JSON lines, oldest first); --ack acknowledges them");
  struct Args {
    int64_t after = 0;
    int limit = 100;
    bool ack = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--after", args->after, "Only events with a greater seq")->default_val(0);
  cmd->add_option("--limit", args->limit, "At most this many events")
      ->default_val(100)
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("--ack", args->ack, "Acknowledge (remove) the printed events afterwards");
  return [args, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return kExitOpen;
    auto events = engine->ReadOutbox(args->after, args->limit);
    if (!events.ok()) {
      std::cerr << "certo outbox: " << events.error().ToString() << '\n';
      return kExitFailed;
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
        return kExitFailed;
      }
    }
    return kExitOk;
  };
}

}  // namespace certo::cli
