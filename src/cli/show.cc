// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE show COLLECTION ID|CODE [-o text|json]
// One row, found by its id, or by its code (or, for a collection without codes, its name),
// case-insensitively and retired rows included. A code that two rows share is an error that
// lists their ids. Text output is one "field: value" line per field.

#include <algorithm>
#include <iostream>

#include "cli.h"

namespace certo::cli {

bool KnownCollection(const std::string& name);
int UnknownCollection(const std::string& command, const std::string& name);

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Cell(const Json& value) {
  return value.is_null() ? "" : value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

Runner AddShowCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand("show", "Show one row by its id or its code (or name)");
  struct Args {
    std::string collection, key, output = "text";
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("COLLECTION", args->collection, "person, office, certificate, ...")->required();
  cmd->add_option("KEY", args->key, "The row's id, or its code (its name when it has no code)")
      ->required();
  cmd->add_option("--output,-o", args->output, "text (field: value lines) or json")
      ->default_val("text")
      ->check(CLI::IsMember({"text", "json"}));
  return [args, &global]() -> int {
    if (!KnownCollection(args->collection)) return UnknownCollection("show", args->collection);
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    Json row;
    if (LooksLikeUuid(args->key)) {
      auto found = engine->View(args->collection, Lower(args->key));
      if (!found.ok()) {
        std::cerr << "certo show: " << found.error().message() << '\n';
        return ExitFor(found.error());
      }
      row = std::move(*found);
    } else {
      std::vector<Json> matches;
      for (const char* field : {"code", "name"}) {
        Query probe;
        probe.filter = Json{{field, args->key}};
        probe.per_page = 1;
        auto allowed = engine->Index(args->collection, probe);
        if (!allowed.ok()) continue;  // the collection has no such field
        for (Json& r : AllRows(*engine, args->collection, probe.filter, true)) {
          if (r[field].is_string() && Lower(r[field].get<std::string>()) == Lower(args->key)) {
            matches.push_back(std::move(r));
          }
        }
        break;
      }
      if (matches.empty()) {
        std::cerr << "certo show: no " << args->collection << " with id or code '" << args->key
                  << "'\n";
        return kExitFailed;
      }
      if (matches.size() > 1) {
        std::cerr << "certo show: " << matches.size() << " " << args->collection << " rows match '"
                  << args->key << "'; pass the id of one:";
        std::string id_field = args->collection + "_id";
        std::replace(id_field.begin(), id_field.end(), '-', '_');
        for (const Json& m : matches) std::cerr << ' ' << Cell(m.value(id_field, Json()));
        std::cerr << '\n';
        return kExitFailed;
      }
      row = std::move(matches[0]);
    }
    if (args->output == "json") {
      std::cout << row.dump(2) << '\n';
      return kExitOk;
    }
    size_t width = 0;
    for (const auto& [key, value] : row.items()) width = std::max(width, key.size());
    for (const auto& [key, value] : row.items()) {
      std::cout << key << ':' << std::string(width - key.size() + 1, ' ') << Cell(value) << '\n';
    }
    return kExitOk;
  };
}

}  // namespace certo::cli
