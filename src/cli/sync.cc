// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo device init --hub HUB --out DEVICE [--project P] [--office O] [--token TOKEN]
//   certo sync DEVICE HUB [--token TOKEN]
//   certo sync conflicts [FILE] [--after ID] [--limit N]
//   certo sync restore CONFLICT_ID [FILE]
// Offline devices (certo/sync.h, docs/sync.md). `device init` makes HUB a hub and DEVICE a copy
// of one of its projects (P by id or name; the only one when HUB holds one), or of one office O of
// it (by id, name or code: its rows and those of no office, docs/sync.md). `sync` pushes the
// device's changes to its hub and pulls the hub's, printing what moved. `sync conflicts` prints
// the hub's conflict log (FILE, else --db) as JSON lines, oldest first; `sync restore` puts back
// the value a FIELD conflict lost and prints the row.
//
// HUB is a file, or the URL of `certo serve` on the hub file (http://HOST:PORT): the same sync,
// carried by the server's /v2/sync routes (serve/sync_client.h), with an API key of the
// device's project as --token (else $CERTO_TOKEN; none for a file without keys). Over a URL,
// --project and --office take ids.

#include <cctype>
#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "serve/sync_client.h"

namespace certo::cli {

namespace {

std::unique_ptr<Engine> OpenPath(const Global& global, const std::string& path) {
  Global g = global;
  g.db = path;
  g.create = false;
  return Open(g);
}

// --token, else $CERTO_TOKEN: the token stays out of the shell's history and `ps` when set in the
// environment.
std::string TokenOf(const std::string& given) {
  if (!given.empty()) return given;
  const char* env = std::getenv("CERTO_TOKEN");
  return env ? env : "";
}

std::string LowerCase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// --office: an office id (CreateDevice checks it), or the name or code of one office (of
// project_id, when given). On failure prints why and returns nullopt.
std::optional<std::string> ResolveOffice(Engine& engine, const std::string& value,
                                         const std::string& project_id) {
  if (LooksLikeUuid(value)) return LowerCase(value);
  Json filter = Json::object();
  if (!project_id.empty()) filter["project_id"] = project_id;
  std::vector<std::string> ids;
  for (const Json& o : AllRows(engine, "office", filter, true)) {
    for (const char* field : {"name", "code"}) {
      if (o[field].is_string() && LowerCase(o[field].get<std::string>()) == LowerCase(value)) {
        ids.push_back(o["office_id"].get<std::string>());
        break;
      }
    }
  }
  if (ids.size() == 1) return ids[0];
  if (ids.empty()) {
    std::cerr << "certo device init: --office: no office with id, name or code '" << value << "'"
              << (project_id.empty() ? "" : " in the project") << '\n';
  } else {
    std::cerr << "certo device init: --office: " << ids.size() << " offices are named '" << value
              << "'; pass the id of one:";
    for (const std::string& id : ids) std::cerr << ' ' << id;
    std::cerr << '\n';
  }
  return std::nullopt;
}

std::string Scope(const SyncState& made) {
  return "project " + made.project_id +
         (made.office_id.empty() ? "" : ", office " + made.office_id);
}

Options EngineOptions(const Global& global) {
  Options options;
  options.busy_timeout_ms = global.busy_timeout_ms;
  options.today = *ParseToday(global.today);  // validated in main
  return options;
}

}  // namespace

Runner AddDeviceCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand("device", "Offline devices of a hub file (docs/sync.md)");
  cmd->require_subcommand(1);
  CLI::App* init = cmd->add_subcommand(
      "init", "Make HUB a hub and DEVICE a copy of one of its projects that syncs with it");
  auto hub = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto project = std::make_shared<std::string>();
  init->add_option("--hub", *hub, "The hub file")->required();
  init->add_option("--out", *out, "The device file to create (must not exist)")->required();
  init->add_option("--project", *project,
                   "The project the device holds (id or name); default: the hub's only one");
  auto office = std::make_shared<std::string>();
  init->add_option("--office", *office,
                   "Only this office of the project (id, name or code): its rows and those of no "
                   "office");
  auto token = std::make_shared<std::string>();
  init->add_option("--token", *token,
                   "A hub URL's API key of the device's project (default: $CERTO_TOKEN)");
  return [&global, hub, out, project, office, token]() -> int {
    if (serve::IsHubUrl(*hub)) {
      Result<SyncState> made =
          serve::FetchDevice(*hub, TokenOf(*token), *project, *office, *out, EngineOptions(global));
      if (!made.ok()) {
        std::cerr << "certo device init: " << made.error().ToString() << '\n';
        return ExitFor(made.error());
      }
      std::cout << "device: " << *out << " (device " << made->node_id << ") of hub " << *hub << " ("
                << made->hub_id << "), " << Scope(*made) << ", at position " << made->position
                << '\n';
      return kExitOk;
    }
    auto engine = OpenPath(global, *hub);
    if (!engine) return OpenFailed();
    std::string project_id;
    if (!project->empty()) {
      auto resolved = ResolveProject(*engine, *project, "device init");
      if (!resolved) return kExitFailed;
      project_id = *resolved;
    }
    std::string office_id;
    if (!office->empty()) {
      auto resolved = ResolveOffice(*engine, *office, project_id);
      if (!resolved) return kExitFailed;
      office_id = *resolved;
    }
    Result<SyncState> made = engine->CreateDevice({*out, project_id, "", office_id});
    if (!made.ok()) {
      std::cerr << "certo device init: " << made.error().ToString() << '\n';
      return ExitFor(made.error());
    }
    std::cout << "device: " << *out << " (device " << made->node_id << ") of hub " << *hub << " ("
              << made->hub_id << "), " << Scope(*made) << ", at position " << made->position
              << '\n';
    return kExitOk;
  };
}

Runner AddSyncCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "sync", "Push a device's changes to its hub and pull the hub's (docs/sync.md)");
  auto device = std::make_shared<std::string>();
  auto hub = std::make_shared<std::string>();
  cmd->add_option("DEVICE", *device, "The device file");
  cmd->add_option("HUB", *hub, "Its hub: a file, or the URL of certo serve on it");
  auto token = std::make_shared<std::string>();
  cmd->add_option("--token", *token,
                  "A hub URL's API key of the device's project (default: $CERTO_TOKEN)");
  CLI::App* conflicts =
      cmd->add_subcommand("conflicts", "Print a hub's conflict log as JSON lines, oldest first");
  auto file = std::make_shared<std::string>();
  auto after = std::make_shared<int64_t>(0);
  auto limit = std::make_shared<int>(10000);
  conflicts->add_option("FILE", *file, "The hub file; default: --db");
  conflicts->add_option("--after", *after, "Only conflicts after this conflict_id");
  conflicts->add_option("--limit", *limit, "At most this many (1..10000)")
      ->check(CLI::Range(1, 10000));
  CLI::App* restore = cmd->add_subcommand(
      "restore", "Put back the value a FIELD conflict of a hub's log lost; print the row");
  auto conflict_id = std::make_shared<int64_t>(0);
  auto restore_file = std::make_shared<std::string>();
  restore->add_option("CONFLICT_ID", *conflict_id, "The conflict (its conflict_id)")->required();
  restore->add_option("FILE", *restore_file, "The hub file; default: --db");
  return [&global, cmd, conflicts, restore, device, hub, token, file, after, limit, conflict_id,
          restore_file]() -> int {
    if (restore->parsed()) {
      auto engine = OpenPath(global, restore_file->empty() ? global.db : *restore_file);
      if (!engine) return OpenFailed();
      auto row = engine->RestoreSyncConflict(*conflict_id);
      if (!row.ok()) {
        std::cerr << "certo sync restore: " << row.error().ToString() << '\n';
        return ExitFor(row.error());
      }
      std::cout << row->dump(2) << '\n';
      return kExitOk;
    }
    if (conflicts->parsed()) {
      auto engine = OpenPath(global, file->empty() ? global.db : *file);
      if (!engine) return OpenFailed();
      auto log = engine->SyncConflicts(*after, *limit);
      if (!log.ok()) {
        std::cerr << "certo sync conflicts: " << log.error().ToString() << '\n';
        return ExitFor(log.error());
      }
      for (const SyncConflict& c : *log) std::cout << SyncConflictJson(c).dump() << '\n';
      return kExitOk;
    }
    if (device->empty() || hub->empty()) {
      std::cerr << "certo sync: DEVICE and HUB are required\n" << cmd->help();
      return kExitUsage;
    }
    auto engine = OpenPath(global, *device);
    if (!engine) return OpenFailed();
    Result<SyncResult> synced = Status::Internal("not run");
    if (serve::IsHubUrl(*hub)) {
      auto remote = serve::ConnectHub(*hub, TokenOf(*token));
      synced = remote.ok() ? engine->SyncWithHub(**remote) : Result<SyncResult>(remote.status());
    } else {
      synced = engine->SyncWithHub(*hub);
    }
    if (!synced.ok()) {
      std::cerr << "certo sync: " << synced.error().ToString() << '\n';
      return ExitFor(synced.error());
    }
    std::cout << "sync: pushed " << synced->pushed << ", pulled " << synced->pulled
              << ", conflicts " << synced->conflicts << "; position " << synced->position << '\n';
    return kExitOk;
  };
}

}  // namespace certo::cli
