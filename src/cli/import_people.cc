// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE [--today D] import-people ROSTER.csv --project ID [--match code|tax_code]
//         [--dry-run] [--max-changes N]
// The full-roster HR sync (Engine::SyncPeople): new people are created, changed people
// updated, people absent from the file historicized (never deleted). Prints the plan; writes
// nothing for a dry run, for any bad row (all are listed with their line numbers) or when the
// changes exceed --max-changes.

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "cli.h"

namespace certo::cli {

namespace {

struct PeopleArgs {
  std::string file, project, match = "code";
  bool dry_run = false;
  int64_t max_changes = -1;
};

std::string Show(const Json& value) { return value.is_null() ? "(empty)" : value.dump(); }

}  // namespace

Runner AddImportPeopleCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "import-people",
      "Sync a project's people with a full HR roster (CSV): create the new, update the changed, "
      "historicize the absent; nothing is written unless every row is valid");
  auto args = std::make_shared<PeopleArgs>();
  cmd->add_option("FILE", args->file,
                  "The roster: a CSV whose header names person fields (code, first_name, "
                  "last_name, tax_code, birth_date, ...); - reads stdin")
      ->required();
  cmd->add_option("--project", args->project, "The project whose people the roster lists (id)")
      ->required();
  cmd->add_option("--match", args->match, "The key that matches rows to people")
      ->default_val("code")
      ->check(CLI::IsMember({"code", "tax_code"}));
  cmd->add_flag("--dry-run", args->dry_run, "Print the plan and write nothing");
  cmd->add_option("--max-changes", args->max_changes,
                  "Write nothing when the plan has more changes than this (a safety cap)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  return [args, &global]() -> int {
    std::string csv;
    const std::string name = args->file == "-" ? "stdin" : args->file;
    if (args->file == "-") {
      csv.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream in(args->file, std::ios::binary);
      if (!in) {
        std::cerr << "certo import-people: cannot read '" << args->file << "'\n";
        return kExitFailed;
      }
      csv.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    PeopleSyncOptions options;
    options.project_id = args->project;
    options.match = args->match;
    options.dry_run = args->dry_run;
    if (args->max_changes >= 0) options.max_changes = args->max_changes;
    Result<PeopleSyncResult> result = engine->SyncPeople(csv, options);
    if (!result.ok()) {
      const Status& e = result.error();
      std::cerr << "certo import-people: "
                << (e.IsNotFound() || (e.IsValidation() && !e.field_errors().empty() &&
                                       e.field_errors()[0].field == "project_id")
                        ? "--project: "
                        : "")
                << e.message() << '\n';
      return kExitFailed;
    }
    const PeopleSyncResult& r = *result;
    if (!r.errors.empty()) {
      for (const PeopleSyncError& e : r.errors) {
        std::cerr << "certo import-people: " << name << " line " << e.line << ": "
                  << (e.field.empty() ? "" : e.field + ": ") << e.message << '\n';
      }
      std::cerr << "certo import-people: " << r.errors.size() << " error"
                << (r.errors.size() == 1 ? "" : "s") << "; nothing written\n";
      return kExitFailed;
    }
    std::ostringstream out;
    out << "people sync of " << name << " (match: " << args->match << ")\n";
    for (const PeopleSyncChange& c : r.changes) {
      std::string line = c.line ? "line " + std::to_string(c.line) : "absent";
      out << "  " << line << std::string(line.size() < 10 ? 10 - line.size() : 0, ' ')
          << PeopleSyncKindName(c.kind)
          << std::string(12 - std::string(PeopleSyncKindName(c.kind)).size(), ' ')
          << (c.key.empty() ? "(no " + args->match + ")" : c.key) << "  " << c.name;
      bool first = true;
      for (const auto& [field, change] : c.fields.items()) {
        out << (first ? ": " : ", ") << field << ' ' << Show(change["old"]) << " -> "
            << Show(change["new"]);
        first = false;
      }
      out << '\n';
    }
    using Kind = PeopleSyncChange::Kind;
    out << r.Count(Kind::kCreate) << " to create, " << r.Count(Kind::kUpdate) << " to update, "
        << r.Count(Kind::kRestore) << " to restore, " << r.Count(Kind::kHistoricize)
        << " to historicize, " << r.unchanged << " unchanged\n";
    if (r.cap_exceeded) {
      std::cout << out.str();
      std::cerr << "certo import-people: " << r.changes.size() << " changes exceed --max-changes "
                << args->max_changes << "; nothing written\n";
      return kExitFailed;
    }
    out << (r.applied ? "written\n" : "dry run: nothing written\n");
    std::cout << out.str();
    return kExitOk;
  };
}

}  // namespace certo::cli
