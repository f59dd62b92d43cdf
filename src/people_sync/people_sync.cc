// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "people_sync/people_sync.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "base/uuid.h"
#include "registry/registry.h"

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

}  // namespace certo

namespace certo::internal {

namespace {

using Kind = PeopleSyncChange::Kind;
using Errors = std::vector<PeopleSyncError>;

const Entity& PersonEntity() { return *FindEntity("person"); }

// ---- Parse: the CSV text into records -------------------------------------------------------

struct CsvRecord {
  int64_t line = 0;  // where the record starts
  std::vector<std::string> cells;
};

// ';' only when the header holds ';' and no ',': a roster exported with ';' rarely has a comma in
// its header, while one exported with ',' may have ';' in a column name.
char Separator(std::string_view csv) {
  std::string_view first_line = csv.substr(0, csv.find('\n'));
  return first_line.find(';') != std::string_view::npos &&
                 first_line.find(',') == std::string_view::npos
             ? ';'
             : ',';
}

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

// ---- Check: the options, the header and the cells -------------------------------------------

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

// A cell as the JSON value the store validates: empty = null; numbers and 0/1/true/false for
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

void CheckOptions(const PeopleSyncOptions& options) {
  if (options.match != "code" && options.match != "tax_code") {
    Fail(Status::Validation("match", "must be code or tax_code"));
  }
  if (options.max_changes && *options.max_changes < 0) {
    Fail(Status::Validation("max_changes", "must not be negative"));
  }
  if (options.date && !options.date->ok()) {
    Fail(Status::Validation("date", "must be a real calendar date"));
  }
  if (!IsUuid(options.project_id)) {
    Fail(Status::Validation("project_id", "must be a UUID (8-4-4-4-12 hexadecimal digits)"));
  }
}

// The person field each column holds (nullptr for a bad column); adds the header's errors.
std::vector<const Field*> CheckHeader(const CsvRecord& header, const std::string& match,
                                      Errors& errors) {
  const Entity& person = PersonEntity();
  auto error = [&](std::string field, std::string message) {
    errors.push_back({header.line, std::move(field), std::move(message)});
  };
  std::vector<std::string> allowed;
  for (const Field& f : person.fields) {
    if (f.name != person.project_field) allowed.emplace_back(f.name);
  }
  std::vector<const Field*> columns;
  std::map<std::string, size_t> seen;
  for (size_t c = 0; c < header.cells.size(); ++c) {
    const std::string name = Trim(header.cells[c]);
    const Field* f = person.FindField(name);
    if (name.empty()) {
      error("", "column " + std::to_string(c + 1) + " has no name");
    } else if (seen.count(name)) {
      error(name, "is named by columns " + std::to_string(seen[name] + 1) + " and " +
                      std::to_string(c + 1));
    } else if (!f || f->name == person.project_field) {
      error(name, "is not a column of the people file; allowed: " + Join(allowed, ", "));
    }
    seen.emplace(name, c);
    columns.push_back(f && f->name != person.project_field ? f : nullptr);
  }
  std::vector<std::string> required{match};
  for (const Field& f : person.fields) {
    if (f.required && f.name != person.project_field) required.emplace_back(f.name);
  }
  for (const std::string& name : required) {
    if (!seen.count(name)) {
      error(name, name == match ? "is the match key: the file needs this column"
                                : "is required: the file needs this column");
    }
  }
  return columns;
}

// The rows with the header's number of cells, a match key and a key no earlier row has; adds
// an error for every other row.
std::vector<PeopleRow> CheckRows(const std::vector<CsvRecord>& records,
                                 const std::vector<const Field*>& columns, const std::string& match,
                                 Errors& errors) {
  size_t key_column = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c]->name == match) key_column = c;
  }
  std::vector<PeopleRow> rows;
  std::map<std::string, int64_t> first_line;  // key -> line
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    if (record.cells.size() != columns.size()) {
      errors.push_back({record.line, "",
                        "has " + std::to_string(record.cells.size()) +
                            " cells but the header names " + std::to_string(columns.size()) +
                            " columns"});
      continue;
    }
    std::string key = Trim(record.cells[key_column]);
    if (key.empty()) {
      errors.push_back({record.line, match, "is empty: every row needs its match key"});
      continue;
    }
    if (auto [it, inserted] = first_line.emplace(key, record.line); !inserted) {
      errors.push_back({record.line, match,
                        "'" + key + "' appears twice in the file (lines " +
                            std::to_string(it->second) + " and " + std::to_string(record.line) +
                            ")"});
      continue;
    }
    PeopleRow row{record.line, std::move(key), Json::object()};
    for (size_t c = 0; c < columns.size(); ++c) {
      row.record[std::string(columns[c]->name)] = CellValue(*columns[c], record.cells[c]);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---- Load: the project's people, by key ------------------------------------------------------

struct People {
  std::map<std::string, std::vector<Json>> by_key;  // retired ones too: they may come back
  std::vector<Json> keyless;
};

People LoadPeople(Store& store, const std::string& project_id, const std::string& match) {
  Query q;
  q.filter = {{"project_id", project_id}};
  q.history = true;
  q.sort = match;
  People people;
  for (Json& row : store.IndexAll(PersonEntity(), q)) {
    const Json& key = row[match];
    if (key.is_string()) {
      people.by_key[key.get<std::string>()].push_back(std::move(row));
    } else {
      people.keyless.push_back(std::move(row));
    }
  }
  return people;
}

// ---- Plan: the changes ----------------------------------------------------------------------

struct Planned {
  PeopleSyncChange change;
  Json record;  // create: the fields; update/restore: the changes
};

struct Plan {
  std::vector<Planned> changes;
  int64_t unchanged = 0;
};

std::string NameOf(const Json& record) {
  auto part = [&](const char* key) {
    auto it = record.find(key);
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string first = part("first_name"), last = part("last_name");
  return first.empty() ? last : last.empty() ? first : first + " " + last;
}

// The change one row makes to the person it matches (stored), or nullopt when it changes nothing.
std::optional<Planned> PlanMatch(const PeopleRow& row, const Json& stored) {
  Planned p;
  p.change.line = row.line;
  p.change.key = row.key;
  p.change.person_id = stored["person_id"].get<std::string>();
  p.change.name = NameOf(row.record);
  if (p.change.name.empty()) p.change.name = NameOf(stored);
  p.record = Json::object();
  for (const auto& [field, value] : row.record.items()) {
    if (stored[field] != value) {
      p.change.fields[field] = Json{{"old", stored[field]}, {"new", value}};
      p.record[field] = value;
    }
  }
  if (!stored["owned_active"].get<bool>()) {
    p.change.kind = Kind::kRestore;
    p.change.fields["retired_on"] = Json{{"old", stored["retired_on"]}, {"new", nullptr}};
  } else if (p.record.empty()) {
    return std::nullopt;
  } else {
    p.change.kind = Kind::kUpdate;
  }
  return p;
}

// Creates, updates and restores in file order, then the absent people by key: every active
// person whose key no row names (and every one without a key).
Plan MakePlan(const PeopleFile& file, const People& people, const std::string& match,
              Errors& errors) {
  Plan plan;
  for (const PeopleRow& row : file.rows) {
    auto found = people.by_key.find(row.key);
    if (found == people.by_key.end()) {
      Planned p;
      p.change.kind = Kind::kCreate;
      p.change.line = row.line;
      p.change.key = row.key;
      p.change.name = NameOf(row.record);
      p.record = row.record;
      p.record["project_id"] = file.project_id;
      plan.changes.push_back(std::move(p));
    } else if (found->second.size() > 1) {
      std::vector<std::string> ids;
      for (const Json& p : found->second) ids.push_back(p["person_id"].get<std::string>());
      errors.push_back({row.line, match,
                        "'" + row.key + "' matches " + std::to_string(ids.size()) + " people (" +
                            Join(ids, ", ") + "); make it unique first"});
    } else if (std::optional<Planned> p = PlanMatch(row, found->second.front())) {
      plan.changes.push_back(std::move(*p));
    } else {
      ++plan.unchanged;
    }
  }
  std::map<std::string, bool> named;
  for (const PeopleRow& row : file.rows) named[row.key] = true;
  auto absent = [&](const Json& stored, const std::string& key) {
    if (!stored["retired_on"].is_null()) return;  // already retired, or retiring on its date
    Planned p;
    p.change.kind = Kind::kHistoricize;
    p.change.person_id = stored["person_id"].get<std::string>();
    p.change.key = key;
    p.change.name = NameOf(stored);
    plan.changes.push_back(std::move(p));
  };
  for (const auto& [key, stored_people] : people.by_key) {
    if (named.count(key)) continue;
    for (const Json& stored : stored_people) absent(stored, key);
  }
  for (const Json& stored : people.keyless) absent(stored, "");
  return plan;
}

// ---- Apply: the writes ----------------------------------------------------------------------

// Runs one write as a savepoint of its own: a failure undoes only that write, so the rows after
// it are still checked, and comes back as its Status.
template <typename Fn>
Status Attempt(Db& db, Fn&& write) {
  try {
    WriteScope scope(db);
    write();
    scope.Commit();
    return Status::OK();
  } catch (...) {
    return CurrentExceptionStatus();
  }
}

// Writes every planned change, adding an error (with the row's line) for each the store refuses.
void Apply(Db& db, Store& store, Plan& plan, Date date, Errors& errors) {
  const Entity& person = PersonEntity();
  for (Planned& p : plan.changes) {
    auto fail = [&](const Status& status) {
      if (status.IsValidation()) {
        for (const FieldError& e : status.field_errors()) {
          errors.push_back({p.change.line, e.field, e.message});
        }
      } else if (!status.ok()) {
        errors.push_back({p.change.line, "", status.message()});
      }
    };
    switch (p.change.kind) {
      case Kind::kCreate:
        fail(Attempt(db, [&] {
          p.change.person_id =
              store.Create(person, p.record, /*full=*/false)["person_id"].get<std::string>();
        }));
        break;
      case Kind::kRestore: {
        Status restored = Attempt(db, [&] { store.SetRetired(person, p.change.person_id, {}); });
        fail(restored);
        if (!restored.ok() || p.record.empty()) break;
        fail(Attempt(db, [&] { store.Update(person, p.change.person_id, p.record); }));
        break;
      }
      case Kind::kUpdate:
        if (p.record.empty()) break;
        fail(Attempt(db, [&] { store.Update(person, p.change.person_id, p.record); }));
        break;
      case Kind::kHistoricize:
        fail(Attempt(db, [&] { store.SetRetired(person, p.change.person_id, date); }));
        break;
    }
  }
}

}  // namespace

PeopleFile ReadPeopleFile(Store& store, std::string_view csv, const PeopleSyncOptions& options) {
  CheckOptions(options);
  PeopleFile file;
  file.project_id =
      store.View(*FindEntity("project"), options.project_id)["project_id"].get<std::string>();
  // Checked before parsing: every cell becomes JSON, which holds UTF-8 only.
  if (const size_t at = FirstInvalidByte(csv); at != std::string_view::npos) {
    const std::string_view before = csv.substr(0, at);
    const int64_t line = 1 + std::count(before.begin(), before.end(), '\n');
    const size_t line_start =
        before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(csv[at]));
    file.errors.push_back({line, "",
                           "is not UTF-8: byte " + std::to_string(at - line_start + 1) +
                               " of the line is " + hex +
                               " (save the file as UTF-8; Latin-1 and Windows-1252 are not read)"});
    return file;
  }
  std::vector<CsvRecord> records;
  if (int64_t bad_line = 0; !ParseCsv(csv, Separator(csv), records, bad_line)) {
    file.errors.push_back({bad_line, "", "a quoted cell starts here and never ends"});
    return file;
  }
  if (records.empty()) {
    file.errors.push_back({1, "", "the file is empty: the first line must name the columns"});
    return file;
  }
  std::vector<const Field*> columns = CheckHeader(records.front(), options.match, file.errors);
  if (!file.errors.empty()) return file;
  file.header_ok = true;
  file.rows = CheckRows(records, columns, options.match, file.errors);
  return file;
}

PeopleSyncResult SyncPeople(Db& db, Store& store, const PeopleFile& file,
                            const PeopleSyncOptions& options, Date date) {
  PeopleSyncResult result;
  result.errors = file.errors;
  // Loaded inside the caller's write, so that no other writer comes between the people the plan
  // is made from and the changes it makes.
  const People people = LoadPeople(store, file.project_id, options.match);
  Plan plan = MakePlan(file, people, options.match, result.errors);
  result.unchanged = plan.unchanged;
  result.cap_exceeded =
      options.max_changes && static_cast<int64_t>(plan.changes.size()) > *options.max_changes;

  // Validate by writing: the store's own rules decide what is valid. The writes are kept only
  // when every one succeeded, the cap holds and this is not a dry run.
  WriteScope changes(db);
  Apply(db, store, plan, date, result.errors);
  result.applied = result.errors.empty() && !result.cap_exceeded && !options.dry_run;
  if (result.applied) changes.Commit();

  std::stable_sort(
      result.errors.begin(), result.errors.end(),
      [](const PeopleSyncError& a, const PeopleSyncError& b) { return a.line < b.line; });
  for (Planned& p : plan.changes) {
    if (!result.applied && p.change.kind == Kind::kCreate) p.change.person_id.clear();
    result.changes.push_back(std::move(p.change));
  }
  return result;
}

}  // namespace certo::internal
