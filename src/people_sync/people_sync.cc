// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine::SyncPeople (certo/people_sync.h). The columns are checked against the person
// descriptor; each row's values are then written through Create/Update inside one transaction,
// so that exactly the engine's own rules decide what is valid. The transaction is rolled back
// unless everything succeeded, the cap holds and this is not a dry run.

#include "certo/engine.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "registry/registry.h"
#include "base/strings.h"
#include "base/uuid.h"

namespace certo {

const char* PeopleSyncKindName(PeopleSyncChange::Kind kind) {
  switch (kind) {
    case PeopleSyncChange::Kind::kCreate:
      return "create";
    case PeopleSyncChange::Kind::kUpdate:
      return "update";
    case PeopleSyncChange::Kind::kRestore:
      return "restore";
    case PeopleSyncChange::Kind::kHistoricize:
      return "historicize";
  }
  return "create";
}

namespace {

using internal::Field;
using internal::Join;
using internal::FieldType;

struct CsvRecord {
  int64_t line = 0;  // where the record starts
  std::vector<std::string> cells;
};

// RFC 4180 with a chosen separator; a quote inside an unquoted cell is kept as is. Returns false
// (with the line) for a quoted cell that never ends.
bool ParseCsv(std::string_view text, char sep, std::vector<CsvRecord>& out, int64_t& bad_line) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int64_t line = 1;
  size_t i = 0;
  while (i < text.size()) {
    CsvRecord record;
    record.line = line;
    std::string cell;
    bool end_of_record = false;
    while (!end_of_record) {
      cell.clear();
      if (i < text.size() && text[i] == '"') {
        const int64_t start = line;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              cell += '"';
              i += 2;
            } else {
              ++i;
              closed = true;
              break;
            }
          } else {
            if (text[i] == '\n') ++line;
            cell += text[i++];
          }
        }
        if (!closed) {
          bad_line = start;
          return false;
        }
        // Anything between the closing quote and the separator is kept.
        while (i < text.size() && text[i] != sep && text[i] != '\n' && text[i] != '\r') {
          cell += text[i++];
        }
      } else {
        while (i < text.size() && text[i] != sep && text[i] != '\n' && text[i] != '\r') {
          cell += text[i++];
        }
      }
      record.cells.push_back(cell);
      if (i < text.size() && text[i] == sep) {
        ++i;
      } else {
        if (i < text.size() && text[i] == '\r') ++i;
        if (i < text.size() && text[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      }
    }
    bool blank =
        record.cells.size() == 1 && record.cells[0].find_first_not_of(" \t") == std::string::npos;
    if (!blank) out.push_back(std::move(record));
  }
  return true;
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

bool IsInteger(const std::string& s) {
  size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
  if (start == s.size() || s.size() > 18) return false;
  for (size_t i = start; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// A cell as the JSON value the engine validates: empty = null; numbers and 0/1/true/false for
// integer and boolean fields; text otherwise (a bad date stays text and fails validation).
Json CellValue(const Field& f, const std::string& raw) {
  std::string cell = Trim(raw);
  if (cell.empty()) return nullptr;
  if (f.type == FieldType::kBool) {
    if (cell == "true") return 1;
    if (cell == "false") return 0;
  }
  if ((f.type == FieldType::kInt || f.type == FieldType::kBool) && IsInteger(cell)) {
    return std::stoll(cell);
  }
  return cell;
}

std::string NameOf(const Json& record) {
  auto part = [&](const char* key) {
    auto it = record.find(key);
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string first = part("first_name"), last = part("last_name");
  return first.empty() ? last : last.empty() ? first : first + " " + last;
}

}  // namespace

Result<PeopleSyncResult> Engine::SyncPeople(std::string_view csv,
                                            const PeopleSyncOptions& options) {
  const internal::Entity& person = *internal::FindEntity("person");
  if (options.match != "code" && options.match != "tax_code") {
    return Status::Validation("match", "must be code or tax_code");
  }
  if (options.max_changes && *options.max_changes < 0) {
    return Status::Validation("max_changes", "must not be negative");
  }
  if (options.date && !options.date->ok()) {
    return Status::Validation("date", "must be a real calendar date");
  }
  if (!internal::IsUuid(options.project_id)) {
    return Status::Validation("project_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  }
  Result<Json> project = View("project", options.project_id);
  if (!project.ok()) return project.status();
  const std::string project_id = (*project)["project_id"].get<std::string>();

  PeopleSyncResult result;
  auto error = [&](int64_t line, std::string field, std::string message) {
    result.errors.push_back({line, std::move(field), std::move(message)});
  };

  // ---- The file ----
  std::vector<CsvRecord> records;
  {
    std::string_view first_line = csv.substr(0, csv.find('\n'));
    char sep = first_line.find(';') != std::string_view::npos &&
                       first_line.find(',') == std::string_view::npos
                   ? ';'
                   : ',';
    int64_t bad_line = 0;
    if (!ParseCsv(csv, sep, records, bad_line)) {
      error(bad_line, "", "a quoted cell starts here and never ends");
      return result;
    }
  }
  if (records.empty()) {
    error(1, "", "the file is empty: the first line must name the columns");
    return result;
  }
  const CsvRecord& header = records.front();
  std::vector<const Field*> columns;
  {
    std::vector<std::string> allowed;
    for (const Field& f : person.fields) {
      if (f.name != person.project_field) allowed.emplace_back(f.name);
    }
    std::map<std::string, size_t> seen;
    for (size_t c = 0; c < header.cells.size(); ++c) {
      const std::string name = Trim(header.cells[c]);
      const Field* f = person.FindField(name);
      if (name.empty()) {
        error(header.line, "", "column " + std::to_string(c + 1) + " has no name");
      } else if (seen.count(name)) {
        error(header.line, name,
              "is named by columns " + std::to_string(seen[name] + 1) + " and " +
                  std::to_string(c + 1));
      } else if (!f || f->name == person.project_field) {
        error(header.line, name, "is not a column of the people file; allowed: " + Join(allowed, ", "));
      }
      seen.emplace(name, c);
      columns.push_back(f && f->name != person.project_field ? f : nullptr);
    }
    std::vector<std::string> required{options.match};
    for (const Field& f : person.fields) {
      if (f.required && f.name != person.project_field) required.emplace_back(f.name);
    }
    for (const std::string& name : required) {
      if (!seen.count(name)) {
        error(header.line, name,
              name == options.match ? "is the match key: the file needs this column"
                                    : "is required: the file needs this column");
      }
    }
    if (!result.errors.empty()) return result;
  }
  size_t key_column = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c] && columns[c]->name == options.match) key_column = c;
  }

  struct Planned {
    PeopleSyncChange change;
    Json record;  // create: the fields; update/restore: the changes
  };
  std::vector<Planned> plan;
  // Read, plan and write inside one transaction, so that no other writer can come between the
  // people the plan was made from and the changes it makes. It is rolled back unless everything
  // succeeded, the cap holds and this is not a dry run.
  const std::chrono::year_month_day date = options.date ? *options.date : Today();
  bool keep = false, done = false;
  Status written = Transaction([&](Engine& engine) -> Status {
    // ---- The people of the project, by key (retired ones too: they may come back) ----
    std::map<std::string, std::vector<Json>> existing;
    std::vector<Json> keyless;
    for (int page = 1;; ++page) {
      Query q;
      q.filter = {{"project_id", project_id}};
      q.history = true;
      q.per_page = 1000;
      q.page = page;
      q.sort = options.match;
      Result<Page> rows = engine.Index("person", q);
      if (!rows.ok()) return rows.status();
      for (Json& row : rows->rows) {
        const Json& key = row[options.match];
        if (key.is_string()) {
          existing[key.get<std::string>()].push_back(std::move(row));
        } else {
          keyless.push_back(std::move(row));
        }
      }
      if (page >= rows->page_count) break;
    }

    // ---- The plan ----
    std::map<std::string, int64_t> first_line;  // key -> line
    for (size_t r = 1; r < records.size(); ++r) {
      const CsvRecord& row = records[r];
      if (row.cells.size() != columns.size()) {
        error(row.line, "",
              "has " + std::to_string(row.cells.size()) + " cells but the header names " +
                  std::to_string(columns.size()) + " columns");
        continue;
      }
      const std::string key = Trim(row.cells[key_column]);
      if (key.empty()) {
        error(row.line, options.match, "is empty: every row needs its match key");
        continue;
      }
      if (auto [it, inserted] = first_line.emplace(key, row.line); !inserted) {
        error(row.line, options.match,
              "'" + key + "' appears twice in the file (lines " + std::to_string(it->second) +
                  " and " + std::to_string(row.line) + ")");
        continue;
      }
      Json record = Json::object();
      for (size_t c = 0; c < columns.size(); ++c) {
        record[std::string(columns[c]->name)] = CellValue(*columns[c], row.cells[c]);
      }
      auto found = existing.find(key);
      if (found != existing.end() && found->second.size() > 1) {
        std::vector<std::string> ids;
        for (const Json& p : found->second) ids.push_back(p["person_id"].get<std::string>());
        error(row.line, options.match,
              "'" + key + "' matches " + std::to_string(ids.size()) + " people (" + Join(ids, ", ") +
                  "); make it unique first");
        continue;
      }
      Planned p;
      p.change.line = row.line;
      p.change.key = key;
      if (found == existing.end()) {
        p.change.kind = PeopleSyncChange::Kind::kCreate;
        p.change.name = NameOf(record);
        record["project_id"] = project_id;
        p.record = std::move(record);
        plan.push_back(std::move(p));
        continue;
      }
      const Json& stored = found->second.front();
      p.change.person_id = stored["person_id"].get<std::string>();
      p.change.name = NameOf(record);
      if (p.change.name.empty()) p.change.name = NameOf(stored);
      p.record = Json::object();
      for (const auto& [field, value] : record.items()) {
        if (stored[field] != value) {
          p.change.fields[field] = Json{{"old", stored[field]}, {"new", value}};
          p.record[field] = value;
        }
      }
      const bool retired = !stored["owned_active"].get<bool>();
      if (retired) {
        p.change.kind = PeopleSyncChange::Kind::kRestore;
        p.change.fields["retired_on"] = Json{{"old", stored["retired_on"]}, {"new", nullptr}};
      } else if (p.record.empty()) {
        ++result.unchanged;
        continue;
      } else {
        p.change.kind = PeopleSyncChange::Kind::kUpdate;
      }
      plan.push_back(std::move(p));
    }
    // Absent people: every active person whose key no row names (and every one without a key).
    auto absent = [&](const Json& stored, const std::string& key) {
      if (!stored["retired_on"].is_null()) return;  // already retired, or retiring on its date
      Planned p;
      p.change.kind = PeopleSyncChange::Kind::kHistoricize;
      p.change.person_id = stored["person_id"].get<std::string>();
      p.change.key = key;
      p.change.name = NameOf(stored);
      plan.push_back(std::move(p));
    };
    for (const auto& [key, people] : existing) {
      if (first_line.count(key)) continue;
      for (const Json& stored : people) absent(stored, key);
    }
    for (const Json& stored : keyless) absent(stored, "");

    const int64_t changes = static_cast<int64_t>(plan.size());
    result.cap_exceeded = options.max_changes && changes > *options.max_changes;

    // ---- Validate by writing: the engine's own rules decide what is valid ----
    for (Planned& p : plan) {
      auto fail = [&](const Status& status) {
        if (status.IsValidation()) {
          for (const FieldError& e : status.field_errors())
            error(p.change.line, e.field, e.message);
        } else {
          error(p.change.line, "", status.message());
        }
      };
      switch (p.change.kind) {
        case PeopleSyncChange::Kind::kCreate: {
          Result<std::string> id = engine.Insert("person", p.record);
          if (!id.ok())
            fail(id.status());
          else
            p.change.person_id = *id;
          break;
        }
        case PeopleSyncChange::Kind::kRestore: {
          Result<Json> restored = engine.Restore("person", p.change.person_id);
          if (!restored.ok()) {
            fail(restored.status());
            break;
          }
          [[fallthrough]];
        }
        case PeopleSyncChange::Kind::kUpdate: {
          if (p.record.empty()) break;
          Result<Json> updated = engine.Update("person", p.change.person_id, p.record);
          if (!updated.ok()) fail(updated.status());
          break;
        }
        case PeopleSyncChange::Kind::kHistoricize: {
          Result<Json> retired = engine.Historicize("person", p.change.person_id, date);
          if (!retired.ok()) fail(retired.status());
          break;
        }
      }
    }
    keep = result.errors.empty() && !result.cap_exceeded && !options.dry_run;
    done = true;
    return keep ? Status::OK() : Status::Conflict("people sync: nothing written");
  });
  if (!done || (keep && !written.ok())) return written;  // a read failed, or the commit did

  std::stable_sort(
      result.errors.begin(), result.errors.end(),
      [](const PeopleSyncError& a, const PeopleSyncError& b) { return a.line < b.line; });
  result.applied = keep;
  for (Planned& p : plan) {
    if (!keep && p.change.kind == PeopleSyncChange::Kind::kCreate) p.change.person_id.clear();
    result.changes.push_back(std::move(p.change));
  }
  return result;
}

}  // namespace certo
