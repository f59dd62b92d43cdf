// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE list COLLECTION [--filter FIELD=VALUE]... [--sort [-]FIELD] [--history]
//         [--limit N] [-o table|json|csv]
// Every row of a collection (all pages, unless --limit), as kubectl get prints them: a table for
// a terminal, or JSON (one array) or CSV (a header row, LF line endings) for a program. The
// filters are the JSON API's (an id, enum or date matches exactly; text a case-insensitive
// substring); the same field given twice means either value.

#include <iostream>
#include <map>

#include "cli.h"

namespace certo::cli {

namespace {

struct ListArgs {
  std::string collection, sort, output = "table";
  std::vector<std::string> filters;
  bool history = false;
  int64_t limit = 0;
};

std::string Cell(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

bool KnownCollection(const std::string& name) {
  for (const std::string& c : Engine::Collections()) {
    if (c == name) return true;
  }
  return false;
}

int UnknownCollection(const std::string& command, const std::string& name) {
  std::cerr << "certo " << command << ": unknown collection '" << name << "'; one of:";
  for (const std::string& c : Engine::Collections()) std::cerr << ' ' << c;
  std::cerr << '\n';
  return kExitUsage;
}

std::vector<std::string> Columns(const std::vector<Json>& rows) {
  std::vector<std::string> columns;
  for (const Json& row : rows) {
    for (const auto& [key, value] : row.items()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  return columns;
}

Runner AddListCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "list", "List a collection's rows (all pages): a table, or -o json|csv for programs");
  auto args = std::make_shared<ListArgs>();
  cmd->add_option("COLLECTION", args->collection, "person, office, certificate, ...")->required();
  cmd->add_option("--filter,-f", args->filters,
                  "FIELD=VALUE, as the JSON API's index filters (repeat for several; the same "
                  "field twice means either value)");
  cmd->add_option("--sort", args->sort, "A field, or -field for descending; default: id order");
  cmd->add_flag("--history", args->history, "Include retired rows");
  cmd->add_option("--limit", args->limit, "At most N rows; 0 = all")
      ->default_val(0)
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  cmd->add_option("--output,-o", args->output, "table, json or csv")
      ->default_val("table")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  return [args, &global]() -> int {
    if (!KnownCollection(args->collection)) return UnknownCollection("list", args->collection);
    Json filter = Json::object();
    for (const std::string& f : args->filters) {
      size_t eq = f.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "certo list: --filter: expected FIELD=VALUE, got '" << f << "'\n";
        return kExitUsage;
      }
      const std::string field = f.substr(0, eq), value = f.substr(eq + 1);
      if (!filter.contains(field)) {
        filter[field] = value;
      } else {
        if (!filter[field].is_array()) filter[field] = Json::array({filter[field]});
        filter[field].push_back(value);
      }
    }
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    std::vector<Json> rows;
    for (int page = 1;; ++page) {
      Query q;
      q.filter = filter;
      q.sort = args->sort;
      q.history = args->history;
      q.per_page = 1000;
      q.page = page;
      auto result = engine->Index(args->collection, q);
      if (!result.ok()) {
        const Status& e = result.error();
        if (e.IsValidation() && !e.field_errors().empty()) {
          for (const FieldError& fe : e.field_errors()) {
            std::cerr << "certo list: " << fe.field << ": " << fe.message << '\n';
          }
        } else {
          std::cerr << "certo list: " << e.message() << '\n';
        }
        return ExitFor(e);
      }
      for (Json& row : result->rows) {
        if (args->limit && static_cast<int64_t>(rows.size()) >= args->limit) break;
        rows.push_back(std::move(row));
      }
      if (page >= result->page_count ||
          (args->limit && static_cast<int64_t>(rows.size()) >= args->limit)) {
        break;
      }
    }
    const std::vector<std::string> columns = Columns(rows);
    if (args->output == "json") {
      std::cout << Json(rows).dump(2) << '\n';
    } else if (args->output == "csv") {
      for (size_t i = 0; i < columns.size(); ++i) std::cout << (i ? "," : "") << columns[i];
      std::cout << '\n';
      for (const Json& row : rows) {
        for (size_t i = 0; i < columns.size(); ++i) {
          std::cout << (i ? "," : "")
                    << CsvCell(row.contains(columns[i]) ? Cell(row[columns[i]]) : "");
        }
        std::cout << '\n';
      }
    } else if (rows.empty()) {
      std::cerr << "no " << args->collection << " rows\n";
    } else {
      std::vector<std::vector<std::string>> cells{{}};
      for (const std::string& c : columns) {
        std::string upper;
        for (char ch : c) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        cells[0].push_back(upper);
      }
      for (const Json& row : rows) {
        std::vector<std::string> line;
        for (const std::string& c : columns) {
          std::string cell = row.contains(c) ? Cell(row[c]) : "";
          for (char& ch : cell) {
            if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
          }
          line.push_back(std::move(cell));
        }
        cells.push_back(std::move(line));
      }
      std::vector<size_t> widths(columns.size(), 0);
      for (const auto& line : cells) {
        for (size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], Width(line[i]));
      }
      for (const auto& line : cells) {
        std::string text;
        for (size_t i = 0; i < line.size(); ++i) {
          if (i) text += "   ";
          text += line[i];
          if (i + 1 < line.size()) text += std::string(widths[i] - Width(line[i]), ' ');
        }
        text.erase(text.find_last_not_of(' ') + 1);
        std::cout << text << '\n';
      }
    }
    std::cout.flush();
    return std::cout ? kExitOk : kExitFailed;
  };
}

}  // namespace certo::cli
