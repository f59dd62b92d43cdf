// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE [--today D] import-people ROSTER.csv --project ID|NAME
//         [--match code|tax_code] [--map "COLUMN=field"]... [--dry-run] [--max-changes N]
//         [--max-retire PERCENT] [--yes]
// The full-roster HR sync (Engine::SyncPeople): new people are created, changed people
// updated, people absent from the file historicized (never deleted). Prints the plan; writes
// nothing for a dry run, for any bad row (all are listed with their line numbers), when the
// changes exceed --max-changes, or when the plan historicizes more than --max-retire percent
// (default 25) of the project's current people: a truncated export must not retire the
// workforce. On a terminal a plan that historicizes anyone is confirmed first (--yes skips it).
// --map renames the file's header cells to person fields, for HR exports with their own names.

#include <cmath>
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
  std::vector<std::string> maps;
  bool dry_run = false, yes = false;
  int64_t max_changes = -1;
  double max_retire = 25;
};

// The header row's cells and where the header ends (RFC 4180: a quoted cell may hold the
// separator, quotes and line breaks).
struct Header {
  std::vector<std::string> cells;
  size_t end = 0;  // the offset just past the header's line break (or the text's end)
  char separator = ',';
};

Header ReadHeader(const std::string& csv) {
  Header h;
  size_t i = csv.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a BOM is not part of the first name
  size_t line_end = i;
  bool quoted = false;
  while (line_end < csv.size() && (quoted || (csv[line_end] != '\n' && csv[line_end] != '\r'))) {
    if (csv[line_end] == '"') quoted = !quoted;
    ++line_end;
  }
  const std::string line = csv.substr(i, line_end - i);
  h.separator =
      line.find(';') != std::string::npos && line.find(',') == std::string::npos ? ';' : ',';
  std::string cell;
  quoted = false;
  for (size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (quoted) {
      if (c == '"' && k + 1 < line.size() && line[k + 1] == '"') {
        cell += '"';
        ++k;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == h.separator) {
      h.cells.push_back(cell);
      cell.clear();
    } else {
      cell += c;
    }
  }
  h.cells.push_back(cell);
  h.end = line_end;
  return h;
}

// The roster with its header cells renamed by --map "FROM=to"; nullopt (with a message) when a
// mapping is malformed or names no column of the file.
std::optional<std::string> MapHeader(const std::string& csv, const std::vector<std::string>& maps,
                                     const std::string& name) {
  if (maps.empty()) return csv;
  Header h = ReadHeader(csv);
  for (const std::string& m : maps) {
    const size_t eq = m.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      std::cerr << "certo import-people: --map: expected \"COLUMN=field\", got '" << m << "'\n";
      return std::nullopt;
    }
    const std::string from = m.substr(0, eq), to = m.substr(eq + 1);
    bool found = false;
    for (std::string& cell : h.cells) {
      if (cell == from) {
        cell = to;
        found = true;
      }
    }
    if (!found) {
      std::cerr << "certo import-people: --map: " << name << " has no column '" << from
                << "'; its header is:";
      for (const std::string& cell : ReadHeader(csv).cells) std::cerr << " '" << cell << "'";
      std::cerr << '\n';
      return std::nullopt;
    }
  }
  std::string header;
  for (size_t k = 0; k < h.cells.size(); ++k) {
    const std::string& cell = h.cells[k];
    if (k) header += h.separator;
    if (cell.find_first_of(std::string("\"\r\n") + h.separator) == std::string::npos) {
      header += cell;
    } else {
      header += '"';
      for (char c : cell) header += c == '"' ? std::string("\"\"") : std::string(1, c);
      header += '"';
    }
  }
  return header + csv.substr(h.end);
}

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
  cmd->add_option("--project", args->project,
                  "The project whose people the roster lists: its id or name")
      ->required();
  cmd->add_option("--match", args->match, "The key that matches rows to people")
      ->default_val("code")
      ->check(CLI::IsMember({"code", "tax_code"}));
  cmd->add_flag("--dry-run", args->dry_run, "Print the plan and write nothing");
  cmd->add_option("--max-changes", args->max_changes,
                  "Write nothing when the plan has more changes than this (a safety cap)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("--max-retire", args->max_retire,
                  "Write nothing when the plan historicizes more than this percentage of the "
                  "project's current people (a truncated roster must not retire everyone)")
      ->default_val(25)
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--map", args->maps,
                  "\"COLUMN=field\": read the file's column COLUMN as the person field (repeat; "
                  "e.g. --map \"First Name=first_name\")");
  cmd->add_flag("--yes,-y", args->yes,
                "Do not ask for confirmation on a terminal before historicizing people");
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
    std::optional<std::string> mapped = MapHeader(csv, args->maps, name);
    if (!mapped) return kExitUsage;
    csv = std::move(*mapped);
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    std::optional<std::string> project = ResolveProject(*engine, args->project, "import-people");
    if (!project) return kExitFailed;
    PeopleSyncOptions options;
    options.project_id = *project;
    options.match = args->match;
    if (args->max_changes >= 0) options.max_changes = args->max_changes;
    // The plan first; it is written (in a second call, capped to the same number of changes)
    // only after the safety checks and the confirmation.
    options.dry_run = true;
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
    const int64_t retiring = r.Count(Kind::kHistoricize);
    Query current;
    current.filter = {{"project_id", *project}};
    current.per_page = 1;
    auto people = engine->Index("person", current);
    const int64_t active = people.ok() ? people->total_count : 0;
    const auto allowed =
        static_cast<int64_t>(std::ceil(args->max_retire * static_cast<double>(active) / 100.0));
    if (retiring > allowed) {
      std::cout << out.str();
      std::cerr << "certo import-people: the plan historicizes " << retiring << " of " << active
                << " current people, more than --max-retire " << args->max_retire << "% allows ("
                << allowed << "); nothing written. If " << name
                << " is the whole roster, raise --max-retire.\n";
      return kExitFailed;
    }
    if (args->dry_run) {
      out << "dry run: nothing written\n";
      std::cout << out.str();
      return kExitOk;
    }
    std::cout << out.str() << std::flush;
    if (retiring > 0 && !args->yes && args->file != "-" && StdinIsTerminal() &&
        !Confirm("Historicize " + std::to_string(retiring) + " " +
                 (retiring == 1 ? "person" : "people") + " absent from " + name + "?")) {
      std::cout << "nothing written\n";
      return kExitFailed;
    }
    options.dry_run = false;
    options.max_changes = static_cast<int64_t>(r.changes.size());
    Result<PeopleSyncResult> applied = engine->SyncPeople(csv, options);
    if (!applied.ok()) {
      std::cerr << "certo import-people: " << applied.error().message() << '\n';
      return ExitFor(applied.error());
    }
    if (!applied->applied) {
      std::cerr << "certo import-people: the file changed while planning; nothing written, run "
                   "again\n";
      return kExitFailed;
    }
    std::cout << "written\n";
    return kExitOk;
  };
}

}  // namespace certo::cli
