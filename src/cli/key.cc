// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE key create --project P [--read-only] [--name N]
//   certo --db FILE key list [--project P] [--json]
//   certo --db FILE key revoke KEY_ID
// API keys for `certo serve` (certo/keys.h). `create` prints the token once, on its own line, so
// a script can capture it; the file never holds it.

#include <iostream>

#include "cli.h"

namespace certo::cli {

namespace {

Json KeyJson(const ApiKey& k) {
  return Json{{"key_id", k.key_id},
              {"project_id", k.project_id},
              {"name", k.name},
              {"read_only", k.read_only},
              {"created_at", k.created_at},
              {"revoked_at", k.revoked_at ? Json(*k.revoked_at) : Json()}};
}

}  // namespace

Runner AddKeyCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand("key", "Create, list and revoke API keys for certo serve");
  cmd->require_subcommand(1);
  auto project = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto read_only = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  auto key_id = std::make_shared<std::string>();
  CLI::App* create =
      cmd->add_subcommand("create", "Make a key for one project; prints its token once");
  create->add_option("--project", *project, "The project id the key may see")->required();
  create->add_option("--name", *name, "A name for people (\"tablet 3\")");
  create->add_flag("--read-only", *read_only, "Reads only: writes get 403");
  CLI::App* list = cmd->add_subcommand("list", "List the keys (never their tokens)");
  list->add_option("--project", *project, "Only this project's keys");
  list->add_flag("--json", *json, "One JSON array");
  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke a key from now on");
  revoke->add_option("KEY_ID", *key_id, "The key's id (key list shows it)")->required();
  return [=, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    if (create->parsed()) {
      auto made = engine->CreateKey(*project, *name, *read_only);
      if (!made.ok()) {
        std::cerr << "certo key create: " << made.error().message() << '\n';
        return kExitFailed;
      }
      std::cerr << "key " << made->key.key_id << " for project " << made->key.project_id
                << (made->key.read_only ? " (read-only)" : "")
                << ": the token below is shown only now\n";
      std::cout << made->token << '\n';
      return kExitOk;
    }
    if (list->parsed()) {
      auto keys = engine->ListKeys(*project);
      if (!keys.ok()) {
        std::cerr << "certo key list: " << keys.error().message() << '\n';
        return kExitFailed;
      }
      if (*json) {
        Json out = Json::array();
        for (const ApiKey& k : *keys) out.push_back(KeyJson(k));
        std::cout << out.dump(2) << '\n';
      } else {
        for (const ApiKey& k : *keys) {
          std::cout << k.key_id << "  " << k.project_id << "  "
                    << (k.read_only ? "read-only " : "read-write") << "  " << k.created_at << "  "
                    << (k.revoked_at ? "revoked " + *k.revoked_at : std::string("active")) << "  "
                    << k.name << '\n';
        }
      }
      return kExitOk;
    }
    auto revoked = engine->RevokeKey(*key_id);
    if (!revoked.ok()) {
      std::cerr << "certo key revoke: " << revoked.error().message() << '\n';
      return kExitFailed;
    }
    std::cout << "revoked " << revoked->key_id << " at " << *revoked->revoked_at << '\n';
    return kExitOk;
  };
}

}  // namespace certo::cli
