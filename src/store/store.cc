// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "store/store.h"

#include <algorithm>
#include <map>
#include <set>

#include <sqlite3.h>

#include "base/country.h"
#include "base/strings.h"
#include "base/uuid.h"
#include "registry/vocabulary.h"

namespace certo::internal {

namespace {

std::string S(std::string_view v) { return std::string(v); }

size_t EntityIndex(const Entity& e) { return static_cast<size_t>(&e - Entities().data()); }

// The activity columns every historicizable entity adds to its JSON.
constexpr std::string_view kRetiredOn = "retired_on";
constexpr std::string_view kActiveFrom = "active_from";
constexpr std::string_view kOwnedActive = "owned_active";
constexpr std::string_view kParentActive = "parent_active";

bool IsActivityField(const Entity& e, std::string_view name) {
  return e.historicizable && (name == kRetiredOn || name == kOwnedActive || name == kParentActive);
}

// "a person", "an office".
std::string A(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + S(noun);
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

bool IsNull(const Json& record, std::string_view field) {
  auto it = record.find(S(field));
  return it == record.end() || it->is_null();
}

std::string Str(const Json& record, std::string_view field) {
  auto it = record.find(S(field));
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

// ---- Conditions, binds and paging -----------------------------------------------------------

void CheckPaging(int page, int per_page, std::vector<FieldError>& errors) {
  if (per_page < 1 || per_page > kMaxPerPage) {
    errors.push_back({"per-page", "must be between 1 and " + std::to_string(kMaxPerPage)});
  }
  if (page < 1) errors.push_back({"page", "must be at least 1"});
}

std::string WhereSql(const std::vector<std::string>& conditions) {
  return conditions.empty() ? "" : " WHERE " + Join(conditions, " AND ");
}

int BindValues(SQLite::Statement& st, const std::vector<Json>& values, int first) {
  int i = first;
  for (const Json& v : values) Store::Bind(st, i++, v);
  return i;
}

int PageCount(int64_t total, int per_page) {
  return static_cast<int>((total + per_page - 1) / per_page);
}

void BindPage(SQLite::Statement& st, int index, int page, int per_page) {
  st.bind(index, static_cast<int64_t>(per_page));
  st.bind(index + 1, static_cast<int64_t>(page - 1) * per_page);
}

void Store::Bind(SQLite::Statement& st, int index, const Json& v) {
  if (v.is_null()) {
    st.bind(index);
  } else if (v.is_string()) {
    st.bind(index, v.get<std::string>());
  } else if (v.is_boolean()) {
    st.bind(index, v.get<bool>() ? 1 : 0);
  } else if (v.is_number_integer()) {
    st.bind(index, v.get<int64_t>());
  } else if (v.is_number_float()) {
    st.bind(index, v.get<double>());
  } else {
    st.bind(index, v.dump());
  }
}

namespace {

// The stored form of a field value: JSON fields become JSON text.
Json Stored(const Field& f, const Json& v) {
  if (f.type == FieldType::kJson && !v.is_null()) return v.dump();
  return v;
}

}  // namespace

namespace {

// The JSON a column holds, else its text; parsed in place (no copy), and the empty containers
// most rows hold (no requirements, no data) made without the parser.
Json ParseOrText(const SQLite::Column& c) {
  const std::string_view text(c.getText(), static_cast<size_t>(c.getBytes()));
  if (text == "[]") return Json::array();
  if (text == "{}") return Json::object();
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? Json(std::string(text)) : parsed;
}

}  // namespace

Json Store::ColumnValue(const SQLite::Column& c, FieldType type) {
  if (c.isNull()) return nullptr;
  switch (type) {
    case FieldType::kInt:
    case FieldType::kBool:
      return c.getInt64();
    case FieldType::kJson:
      return ParseOrText(c);
    default:
      return c.getString();
  }
}

namespace {

Json ComputedJson(const SQLite::Column& c, JsonKind kind) {
  if (c.isNull()) return nullptr;
  switch (kind) {
    case JsonKind::kInt:
      return c.getInt64();
    case JsonKind::kBool:
      return c.getInt() != 0;
    case JsonKind::kString:
    case JsonKind::kDate:
      return c.getString();
    case JsonKind::kJson:
      return ParseOrText(c);
  }
  return nullptr;
}

// ---- Reverse references, for the delete preview ----------------------------------------------

struct Edge {
  const Entity* child;
  const Field* field;
  std::string_view type_value;  // "" = no type condition
};

const std::map<std::string_view, std::vector<Edge>>& ReverseEdges() {
  static const auto edges = [] {
    std::map<std::string_view, std::vector<Edge>> m;
    for (const Entity& e : Entities()) {
      for (const Field& f : e.fields) {
        for (const RefTarget& t : f.ref.targets) {
          m[t.collection].push_back(
              Edge{&e, &f, f.ref.type_field.empty() ? std::string_view() : t.type_value});
        }
      }
    }
    return m;
  }();
  return edges;
}

// (project id, office id) of a row, or nullopt when it does not exist.
struct Scope {
  std::string project;
  std::string office;
};

}  // namespace

// ---- SELECT ---------------------------------------------------------------------------------

std::string Store::FieldSql(const Entity&, const Field& f) const {
  return f.read_sql.empty() ? "t." + S(f.name) : "(" + f.read_sql + ")";
}

const std::string& Store::ComputedSql(const Entity& e, const Computed& c) {
  if (computed_.empty()) computed_.resize(Entities().size());
  std::vector<std::string>& sqls = computed_[EntityIndex(e)];
  if (sqls.empty()) {
    for (const Computed& each : e.computed) {
      sqls.push_back(each.make_sql ? each.make_sql() : each.sql);
    }
  }
  return sqls[static_cast<size_t>(&c - e.computed.data())];
}

const std::string& Store::Joins(const Entity& e) {
  Columns(e);
  return joins_[EntityIndex(e)];
}

const std::string& Store::Columns(const Entity& e) {
  if (columns_.empty()) {
    columns_.resize(Entities().size());
    joins_.resize(Entities().size());
  }
  std::string& sql = columns_[EntityIndex(e)];
  if (!sql.empty()) return sql;
  std::vector<std::string> cols{"t." + S(e.id)};
  for (const Field& f : e.fields) cols.push_back(FieldSql(e, f));
  // Fields read from other rows come over one join per row named (Computed::joins), each made
  // once for all the fields it gives: a page of 100 subscriptions reads its actions once per row,
  // not once per row and field.
  std::vector<RowJoin> joins;
  std::string& from = joins_[EntityIndex(e)];
  for (const Computed& c : e.computed) {
    if (c.joins.empty() || c.make_sql) {
      cols.push_back(ComputedSql(e, c));
      continue;
    }
    std::string value = c.joined_sql;
    for (size_t i = c.joins.size(); i-- > 0;) {
      const RowJoin& join = c.joins[i];
      auto at = std::find(joins.begin(), joins.end(), join);
      const std::string alias = "j_" + std::to_string(at - joins.begin());
      if (at == joins.end()) {
        joins.push_back(join);
        // The condition inside the key, not beside it: a null key skips the join's seek, where
        // "AND <when>" would be tested only after it.
        const std::string key = "t." + join.field;
        from += " LEFT JOIN " + join.table + " " + alias + " ON " + alias + "." + join.key +
                " = " + (join.when.empty() ? key : "(CASE WHEN " + join.when + " THEN " + key +
                                                       " END)");
      }
      // From the last, so that $1 is not taken for the start of $10.
      const std::string mark = "$" + std::to_string(i);
      for (size_t pos = value.find(mark); pos != std::string::npos; pos = value.find(mark, pos)) {
        value.replace(pos, mark.size(), alias);
        pos += alias.size();
      }
    }
    cols.push_back(value);
  }
  if (e.historicizable) {
    cols.push_back("t.retired_on");
    cols.push_back(OwnedActiveSql(e, "t"));
    cols.push_back(ParentActiveSql(e, "t"));
  }
  sql = Join(cols, ", ");
  return sql;
}

std::string Store::Expression(const Entity& e, std::string_view name) {
  if (name == e.id) return "t." + S(name);
  if (const Field* f = e.FindField(name)) return FieldSql(e, *f);
  if (const Computed* c = e.FindComputed(name)) return "(" + ComputedSql(e, *c) + ")";
  Fail(Status::Internal("no field " + S(name) + " in " + S(e.collection)));
}

Json Store::RowJson(const Entity& e, SQLite::Statement& st, int first) {
  // Appended in JSON order to an object sized once: the descriptor's names are unique, so the
  // search operator[] makes for each new key (a page of 100 rows has 2,600) finds nothing.
  Json row = Json::object();
  Json::object_t& out = row.get_ref<Json::object_t&>();
  out.reserve(1 + e.fields.size() + e.computed.size() + (e.historicizable ? 3 : 0));
  int i = first;
  out.emplace_back(S(e.id), st.getColumn(i++).getString());
  // The existence period reads as one: active_from beside retired_on, after the stamps.
  int active_from = -1;
  for (const Field& f : e.fields) {
    if (e.historicizable && f.name == "active_from") {
      active_from = i++;
      continue;
    }
    out.emplace_back(S(f.name), ColumnValue(st.getColumn(i++), f.type));
  }
  for (const Computed& c : e.computed) {
    out.emplace_back(S(c.name), ComputedJson(st.getColumn(i++), c.kind));
  }
  if (e.historicizable) {
    out.emplace_back("active_from", ColumnValue(st.getColumn(active_from), FieldType::kDate));
    out.emplace_back(S(kRetiredOn), ColumnValue(st.getColumn(i++), FieldType::kDate));
    out.emplace_back(S(kOwnedActive), st.getColumn(i++).getInt() != 0);
    out.emplace_back(S(kParentActive), st.getColumn(i++).getInt() != 0);
  }
  return row;
}

const Store::EntitySql& Store::SqlOf(const Entity& e) {
  if (sql_.empty()) sql_.resize(Entities().size());
  EntitySql& sql = sql_[EntityIndex(e)];
  if (!sql.view.empty()) return sql;
  std::vector<std::string> cols{S(e.id)};
  for (const Field& f : e.fields) cols.push_back(S(f.name));
  const std::string where_id = " WHERE " + S(e.id) + " = ?";
  sql.view = "SELECT " + Columns(e) + " FROM " + S(e.table) + " t" + Joins(e) + " WHERE t." +
             S(e.id) + " = ?";
  sql.load = "SELECT " + Join(cols, ", ") + " FROM " + S(e.table) + where_id;
  for (const Entity::Copy& copy : e.copies) {
    const Field& ref = *e.FindField(copy.ref_field);
    const Entity& parent = *FindEntity(ref.ref.targets.front().collection);
    cols.push_back(S(copy.column));
    sql.copies.push_back("SELECT " + S(copy.parent_field) + " FROM " + S(parent.table) + " WHERE " +
                         S(parent.id) + " = ?");
  }
  cols.push_back(S(kCreatedAt));
  cols.push_back(S(kUpdatedAt));
  std::string marks = "?";
  for (size_t i = 1; i < cols.size(); ++i) marks += ", ?";
  sql.scope = "SELECT " + (e.project_field.empty() ? S(e.id) : S(e.project_field)) + ", " +
              (e.office_field.empty() ? "NULL" : S(e.office_field)) + " FROM " + S(e.table) +
              where_id;
  sql.insert = "INSERT INTO " + S(e.table) + " (" + Join(cols, ", ") + ") VALUES (" + marks + ")";
  sql.remove = "DELETE FROM " + S(e.table) + where_id;
  return sql;
}

void Store::ForgetIfStale() {
  if (db_.rollbacks() == seen_rollbacks_) return;
  scopes_.clear();
  facts_.clear();
  seen_rollbacks_ = db_.rollbacks();
}

std::optional<Store::Scope> Store::ScopeOf(const Entity& p, const std::string& id) {
  ForgetIfStale();
  const std::string key = S(p.table) + "/" + id;
  if (auto it = scopes_.find(key); it != scopes_.end()) return it->second;
  SQLite::Statement& st = db_.Cached(SqlOf(p).scope);
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;  // not cached: the row may be created later
  Scope scope{st.getColumn(0).getString(), st.getColumn(1).getString()};
  st.reset();
  scopes_.emplace(key, scope);
  return scope;
}

Json Store::Fact(const Entity& p, const std::string& id, std::string_view field) {
  ForgetIfStale();
  const std::string key = S(p.table) + "/" + id + "/" + S(field);
  if (auto it = facts_.find(key); it != facts_.end()) return it->second;
  const Field* f = p.FindField(field);
  if (!f) return Json();
  SQLite::Statement& st =
      db_.Cached("SELECT " + S(field) + " FROM " + S(p.table) + " WHERE " + S(p.id) + " = ?");
  st.bind(1, id);
  if (!st.executeStep()) return Json();
  Json value = ColumnValue(st.getColumn(0), f->type);
  st.reset();
  // A row's project and never-changing fields can be cached; the rest may change under us.
  if (f->immutable || f->name == p.project_field) facts_.emplace(key, value);
  return value;
}

Json Store::View(const Entity& e, std::string_view id) {
  SQLite::Statement& st = db_.Cached(SqlOf(e).view);
  st.bind(1, Lower(S(id)));
  if (!st.executeStep()) {
    Fail(Status::NotFound("no " + S(e.collection) + " with " + S(e.id) + " " + S(id)));
  }
  Json row = RowJson(e, st);
  st.reset();
  return row;
}

std::optional<Json> Store::Load(const Entity& e, std::string_view id) {
  SQLite::Statement& st = db_.Cached(SqlOf(e).load);
  st.bind(1, Lower(S(id)));
  if (!st.executeStep()) return std::nullopt;
  Json row = Json::object();
  row[S(e.id)] = st.getColumn(0).getString();
  int i = 1;
  for (const Field& f : e.fields) row[S(f.name)] = ColumnValue(st.getColumn(i++), f.type);
  st.reset();
  return row;
}

// ---- Validation -----------------------------------------------------------------------------

std::optional<Json> Store::CheckValue(const Field& f, const Json& v, std::vector<FieldError>& out) {
  auto error = [&](std::string message) -> std::optional<Json> {
    out.push_back({S(f.name), std::move(message)});
    return std::nullopt;
  };
  switch (f.type) {
    case FieldType::kUuid:
      if (!v.is_string() || !IsUuid(v.get<std::string>())) {
        return error("must be a UUID (8-4-4-4-12 hexadecimal digits)");
      }
      return Lower(v.get<std::string>());
    case FieldType::kString:
    case FieldType::kText:
      if (!v.is_string()) return error("must be a string");
      if (f.type == FieldType::kString) {
        const std::string& text = v.get_ref<const std::string&>();
        auto control =
            std::find_if(text.begin(), text.end(), [](unsigned char c) { return c < 0x20; });
        if (control != text.end()) {
          return error("must be one line without control characters (found U+00" +
                       std::string(1, "0123456789ABCDEF"[(*control >> 4) & 0xf]) +
                       std::string(1, "0123456789ABCDEF"[*control & 0xf]) + " at byte " +
                       std::to_string(control - text.begin()) + ")");
        }
      }
      if (f.max_length > 0 && CodePoints(v.get<std::string>()) > size_t(f.max_length)) {
        return error("must be at most " + std::to_string(f.max_length) + " characters");
      }
      return v;
    case FieldType::kInt:
      if (!v.is_number_integer()) return error("must be an integer");
      if (f.min < f.max && (v.get<int64_t>() < f.min || v.get<int64_t>() > f.max)) {
        return error("must be between " + std::to_string(f.min) + " and " + std::to_string(f.max));
      }
      return v;
    case FieldType::kBool:
      if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
      if (v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) return v;
      return error("must be 0, 1, true or false");
    case FieldType::kDate: {
      std::optional<Date> day = v.is_string() ? ParseDayOf(v.get<std::string>()) : std::nullopt;
      if (!day) return error("must be a real calendar date in the form YYYY-MM-DD");
      return FormatDate(*day);  // "YYYY-MM-DD HH:MM:SS" keeps its date
    }
    case FieldType::kEnum: {
      if (v.is_string()) {
        for (std::string_view allowed : f.enum_values) {
          if (v.get<std::string>() == allowed) return v;
        }
        for (const auto& [older, name] : f.enum_aliases) {
          if (v.get<std::string>() == older) return Json(name);
        }
      }
      std::vector<std::string> names(f.enum_values.begin(), f.enum_values.end());
      return error("must be one of: " + Join(names, ", "));
    }
    case FieldType::kCountry: {
      const std::string s = v.is_string() ? v.get<std::string>() : "";
      if (!IsIsoCountry(s)) {
        return error(
            "must be an ISO 3166-1 alpha-2 country code: two upper-case letters such as "
            "IT, DE or GB");
      }
      return v;
    }
    case FieldType::kJson:
      return v;
  }
  return v;
}

namespace {

// The targets a reference field may point at for this record.
std::vector<RefTarget> TargetsFor(const Field& f, const Json& record) {
  if (f.ref.type_field.empty()) return f.ref.targets;
  std::string type = Str(record, f.ref.type_field);
  for (const RefTarget& t : f.ref.targets) {
    if (t.type_value == type) return {t};
  }
  return {};
}

std::string Names(const std::vector<RefTarget>& targets) {
  std::vector<std::string> names;
  for (const RefTarget& t : targets) names.push_back(S(t.collection));
  return Join(names, " or ");
}

}  // namespace

// Fills the project and office fields from a parent when the client left them out.
void Store::DeriveScope(const Entity& e, Json& record) {
  bool need_project = !e.project_field.empty() && IsNull(record, e.project_field);
  bool need_office = !e.office_field.empty() && IsNull(record, e.office_field);
  if (!need_project && !need_office) return;
  for (const Field& f : e.fields) {
    if (!f.IsRef() || f.name == e.project_field || IsNull(record, f.name)) continue;
    if (!record[S(f.name)].is_string()) continue;
    for (const RefTarget& t : TargetsFor(f, record)) {
      const Entity& p = *FindEntity(t.collection);
      auto scope = ScopeOf(p, record[S(f.name)].get<std::string>());
      if (!scope) continue;
      if (need_project) {
        record[S(e.project_field)] = scope->project;
        need_project = false;
      }
      if (need_office && f.name == e.office_field) {
        record[S(e.office_field)] = record[S(f.name)];
        need_office = false;
      } else if (need_office && !p.office_field.empty()) {
        record[S(e.office_field)] = scope->office;
        need_office = false;
      }
      break;
    }
  }
}

void Store::CheckRefs(const Entity& e, const Json& record, const std::vector<const Field*>& fields,
                      std::vector<FieldError>& out) {
  const std::string project = e.project_field.empty() ? "" : Str(record, e.project_field);
  const std::string office = e.office_field.empty() ? "" : Str(record, e.office_field);
  for (const Field* f : fields) {
    if (!f->IsRef() || IsNull(record, f->name)) continue;
    std::vector<RefTarget> targets = TargetsFor(*f, record);
    if (targets.empty()) continue;  // the type field itself is invalid and already reported
    const std::string id = Str(record, f->name);
    bool found = false;
    for (const RefTarget& t : targets) {
      const Entity& p = *FindEntity(t.collection);
      auto scope = ScopeOf(p, id);
      if (!scope) continue;
      found = true;
      if (f->name == e.project_field) break;
      if (scope->project != project) {
        out.push_back({S(f->name), "refers to " + A(t.collection) + " of another project"});
      } else if (f->ref.same_office && scope->office != office) {
        out.push_back({S(f->name), "refers to " + A(t.collection) + " of another office"});
      }
      break;
    }
    if (!found) out.push_back({S(f->name), "refers to no " + Names(targets) + " with this id"});
  }
}

void Store::CheckUnique(const Entity& e, const Json& record, std::string_view id) {
  for (const auto& key : e.unique) {
    std::vector<std::string> conds, names;
    bool complete = true;
    for (std::string_view col : key) {
      complete = complete && !IsNull(record, col);
      conds.push_back(S(col) + " = ?");
      names.push_back(S(col));
    }
    if (!complete) continue;
    SQLite::Statement& st = db_.Cached("SELECT " + S(e.id) + " FROM " + S(e.table) + " WHERE " +
                                       Join(conds, " AND ") + " AND " + S(e.id) + " <> ?");
    int i = 1;
    for (std::string_view col : key) Bind(st, i++, record[S(col)]);
    st.bind(i, S(id));
    if (st.executeStep()) {
      std::string other = st.getColumn(0).getString();
      st.reset();
      Fail(Status::Conflict(A(e.collection) + " with the same " + Join(names, " and ") +
                            " already exists (" + S(e.id) + " " + other + ")"));
    }
  }
}

namespace {

void CheckRequired(const Entity& e, const Json& record, const std::set<std::string>& bad,
                   std::vector<FieldError>& errors) {
  for (const Field& f : e.fields) {
    if (!f.required || bad.count(S(f.name))) continue;
    if (IsNull(record, f.name)) {
      errors.push_back({S(f.name), "is required"});
    } else if (record[S(f.name)].is_string() &&
               record[S(f.name)].get<std::string>().find_first_not_of(" \t\r\n") ==
                   std::string::npos) {
      errors.push_back({S(f.name), "must not be empty"});
    }
  }
}

std::set<std::string> FieldsIn(const std::vector<FieldError>& errors) {
  std::set<std::string> names;
  for (const FieldError& e : errors) names.insert(e.field);
  return names;
}

// Runs the cross-field rules; a rule's complaint about a field that already failed its own check
// (e.g. "validity is required with validity_unit" after "validity must be between 1 and 1000")
// would only repeat it, so it is dropped.
void CheckRules(const Entity& e, const Json& record, std::vector<FieldError>& errors) {
  std::set<std::string> bad = FieldsIn(errors);
  std::vector<FieldError> found;
  for (const Rule& rule : e.rules) rule(record, found);
  for (FieldError& f : found) {
    if (!bad.count(f.field)) errors.push_back(std::move(f));
  }
}

std::string ReadOnlyOrUnknown(const Entity& e, const std::string& key) {
  if (e.FindComputed(key) || IsActivityField(e, key)) return "is read-only";
  return "is not a field of " + S(e.collection);
}

}  // namespace

// ---- Events ---------------------------------------------------------------------------------

void Store::Emit(const Entity& e, std::string_view verb, const std::string& id,
                 const Json& payload) {
  static const std::string kInsert =
      "INSERT INTO outbox (event, entity_id, payload, date) VALUES (?, ?, ?, ?)";
  SQLite::Statement& st = db_.Cached(kInsert);
  const Date today = ctx_.Today();
  if (today != emitted_on_) {  // formatted once a day, not once an event
    emitted_on_ = today;
    emitted_on_text_ = FormatDate(today);
  }
  const std::string name = S(e.event_prefix) + "::" + S(verb);
  const std::string text = payload.dump();
  st.bindNoCopy(1, name);
  st.bindNoCopy(2, id);
  st.bindNoCopy(3, text);
  st.bindNoCopy(4, emitted_on_text_);
  st.exec();
}

// ---- Create / Update ------------------------------------------------------------------------

void Store::CheckDbRules(const Entity& e, const Json& record, std::vector<FieldError>& out) {
  if (e.db_rules.empty()) return;
  Finder find = [this](std::string_view collection, const std::string& id,
                       std::string_view field) -> Json {
    return Fact(*FindEntity(collection), id, field);
  };
  for (const DbRule& rule : e.db_rules) rule(record, find, out);
}

Json Store::Create(const Entity& e, const Json& input, bool full) {
  if (!input.is_object()) Fail(Status::InvalidArgument("the body must be a JSON object"));
  std::vector<FieldError> errors;
  Json record = Json::object();
  std::string id;
  for (const auto& [key, value] : input.items()) {
    if (key == e.id) {
      if (value.is_null()) continue;
      if (!value.is_string() || !IsUuid(value.get<std::string>())) {
        errors.push_back({key, "must be a UUID (8-4-4-4-12 hexadecimal digits)"});
      } else {
        id = Lower(value.get<std::string>());
      }
      continue;
    }
    if (std::find(e.create_options.begin(), e.create_options.end(), key) !=
        e.create_options.end()) {
      if (!value.is_boolean() && !value.is_null()) errors.push_back({key, "must be true or false"});
      continue;
    }
    const Field* f = e.FindField(key);
    if (!f) {
      errors.push_back({key, ReadOnlyOrUnknown(e, key)});
    } else if (value.is_null()) {
      record[key] = nullptr;
    } else if (auto v = CheckValue(*f, value, errors)) {
      record[key] = *v;
    }
  }
  for (const Field& f : e.fields) {
    if (!f.default_value.empty() && IsNull(record, f.name)) {
      bool numeric = f.type == FieldType::kInt || f.type == FieldType::kBool;
      record[S(f.name)] = numeric ? Json(std::stoll(S(f.default_value))) : Json(f.default_value);
    }
  }
  DeriveScope(e, record);
  CheckRequired(e, record, FieldsIn(errors), errors);
  CheckRules(e, record, errors);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));

  std::vector<const Field*> refs;
  for (const Field& f : e.fields) refs.push_back(&f);
  CheckRefs(e, record, refs, errors);
  if (errors.empty()) CheckDbRules(e, record, errors);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));

  if (id.empty()) id = NewUuid();

  Json stored = Json::object();
  stored[S(e.id)] = id;
  for (const Field& f : e.fields) {
    auto it = record.find(S(f.name));
    stored[S(f.name)] = it == record.end() ? Json() : *it;
  }
  const std::string now = ctx_.Now();
  // The write's own event goes first; the statement's triggers may add STATUS events after it.
  // (A failing statement rolls the event back with it.)
  // The event carries the record's fields, as the seeds' webhooks do; the event has its date.
  Emit(e, "CREATE", id, InForce(e, stored));
  stored[S(kCreatedAt)] = now;
  stored[S(kUpdatedAt)] = now;
  SQLite::Statement& st = db_.Cached(SqlOf(e).insert);
  st.bind(1, id);
  int i = 2;
  for (const Field& f : e.fields) Bind(st, i++, Stored(f, stored[S(f.name)]));
  for (size_t c = 0; c < e.copies.size(); ++c) {
    SQLite::Statement& copy = db_.Cached(SqlOf(e).copies[c]);
    copy.bind(1, stored[S(e.copies[c].ref_field)].get<std::string>());
    if (copy.executeStep()) {
      st.bind(i, copy.getColumn(0).getString());
      copy.reset();
    }
    ++i;
  }
  st.bind(i++, now);
  st.bind(i++, now);
  try {
    st.exec();
  } catch (const SQLite::Exception& error) {
    // Duplicates are found by the primary key and unique indexes; say which one.
    if ((error.getErrorCode() & 0xff) != SQLITE_CONSTRAINT) throw;
    st.tryReset();
    if (Load(e, id)) {
      Fail(Status::Conflict(A(e.collection) + " with " + S(e.id) + " " + id + " already exists"));
    }
    CheckUnique(e, record, id);
    throw;
  }
  return full ? View(e, id) : stored;
}

namespace {

// {"entity_id", "updated_fields": {field: {"old", "new"}}} for the fields that differ.
Json UpdatedFields(const std::string& id, const Json& before, const Json& after) {
  Json fields = Json::object();
  for (const auto& [key, value] : after.items()) {
    auto old = before.find(key);
    Json old_value = old == before.end() ? Json() : *old;
    if (old_value != value) fields[key] = Json{{"old", old_value}, {"new", value}};
  }
  return Json{{"entity_id", id}, {"updated_fields", fields}};
}

}  // namespace

Json Store::Update(const Entity& e, std::string_view id, const Json& changes) {
  if (!changes.is_object()) Fail(Status::InvalidArgument("the body must be a JSON object"));
  std::optional<Json> current = Load(e, id);
  if (!current) Fail(Status::NotFound("no " + S(e.collection) + " with " + S(e.id) + " " + S(id)));
  std::vector<FieldError> errors;
  Json merged = *current;
  std::vector<const Field*> changed;
  // Clients view a row, change a field and send the whole record back: what a read returned
  // and still holds is not a change. Read-only fields are ignored, unknown ones refused.
  std::optional<Json> read;  // the row as a read returns it, for fields read through read_sql
  auto same_as_stored = [&](const Field& f, const Json& value) {
    std::vector<FieldError> ignored;
    std::optional<Json> normalized = value.is_null() ? Json() : CheckValue(f, value, ignored);
    if (!normalized) return false;
    if (Stored(f, *normalized) == Stored(f, (*current)[S(f.name)])) return true;
    if (f.read_sql.empty()) return false;
    if (!read) read = View(e, id);
    return (*read)[S(f.name)] == *normalized;
  };
  for (const auto& [key, value] : changes.items()) {
    const Field* f = e.FindField(key);
    if (key == e.id) {
      if (!value.is_string() || Lower(value.get<std::string>()) != (*current)[key]) {
        errors.push_back({key, "cannot be changed"});
      }
    } else if (!f) {
      if (!e.FindComputed(key) && !IsActivityField(e, key)) {
        errors.push_back({key, ReadOnlyOrUnknown(e, key)});
      }
    } else if (same_as_stored(*f, value)) {
      continue;
    } else if (f->immutable) {
      errors.push_back({key, "cannot be changed after creation"});
    } else if (value.is_null() && !f->default_value.empty()) {
      errors.push_back({key, "must not be null (its default is " + S(f->default_value) + ")"});
    } else if (value.is_null()) {
      merged[key] = nullptr;
      changed.push_back(f);
    } else if (auto v = CheckValue(*f, value, errors)) {
      merged[key] = *v;
      changed.push_back(f);
    }
  }
  CheckRequired(e, merged, FieldsIn(errors), errors);
  if (e.historicizable) {
    // retired_on is not a field (Historicize sets it), but a rule compares active_from with it.
    Json with_period = merged;
    SQLite::Statement& st =
        db_.Cached("SELECT retired_on FROM " + S(e.table) + " WHERE " + S(e.id) + " = ?");
    st.bind(1, (*current)[S(e.id)].get<std::string>());
    if (st.executeStep() && !st.getColumn(0).isNull()) {
      with_period[S(kRetiredOn)] = st.getColumn(0).getString();
    }
    st.reset();
    CheckRules(e, with_period, errors);
  } else {
    CheckRules(e, merged, errors);
  }
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  CheckRefs(e, merged, changed, errors);
  if (errors.empty() && !changed.empty()) CheckDbRules(e, merged, errors);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  const std::string key = (*current)[S(e.id)].get<std::string>();
  if (UpdatedFields(key, *current, merged)["updated_fields"].empty()) return View(e, id);
  if (e.historicizable &&
      current->value(S(kActiveFrom), Json()) != merged.value(S(kActiveFrom), Json())) {
    RefuseDerived(e, key, "its active_from cannot be changed by hand");
  }
  // Old and new as a read shows them: a link's date_expire in force, inherited or its own.
  Json event = UpdatedFields(key, InForce(e, *current), InForce(e, merged));
  for (const Field* f : changed) {
    Json& fields = event["updated_fields"];
    if (!fields.contains(S(f->name)) && (*current)[S(f->name)] != merged[S(f->name)]) {
      fields[S(f->name)] =
          Json{{"old", InForce(e, *current)[S(f->name)]}, {"new", InForce(e, merged)[S(f->name)]}};
    }
  }
  CheckUnique(e, merged, key);

  std::vector<std::string> sets;
  for (const Field* f : changed) sets.push_back(S(f->name) + " = ?");
  sets.push_back(S(kUpdatedAt) + " = ?");
  SQLite::Statement& st = db_.Cached("UPDATE " + S(e.table) + " SET " + Join(sets, ", ") +
                                     " WHERE " + S(e.id) + " = ?");
  int i = 1;
  for (const Field* f : changed) Bind(st, i++, Stored(*f, merged[S(f->name)]));
  st.bind(i++, ctx_.Now());
  st.bind(i, key);
  Emit(e, "UPDATE", key, event);
  st.exec();
  return View(e, id);
}

Json Store::SetRetired(const Entity& e, std::string_view id, std::optional<Date> date) {
  Json before = View(e, id);
  const std::string key = before[S(e.id)].get<std::string>();
  Json retired_on = date ? Json(FormatDate(*date)) : Json();
  if (before[S(kRetiredOn)] == retired_on) return before;
  RefuseDerived(e, key,
                date ? "it cannot be historicized by hand" : "it cannot be restored by hand");
  if (const Json& from = before["active_from"];
      date && from.is_string() && FormatDate(*date) < from.get<std::string>()) {
    Fail(Status::Validation(
        "date", "must not be before the row's active_from (" + from.get<std::string>() + ")"));
  }
  SQLite::Statement& st = db_.Cached("UPDATE " + S(e.table) + " SET retired_on = ?, " +
                                     S(kUpdatedAt) + " = ? WHERE " + S(e.id) + " = ?");
  Bind(st, 1, retired_on);
  st.bind(2, ctx_.Now());
  st.bind(3, key);
  // The event goes first, as Create's and Update's do: the triggers' events (derived rows) follow.
  Emit(e, "UPDATE", key,
       UpdatedFields(key, Json{{kRetiredOn, before[S(kRetiredOn)]}},
                     Json{{kRetiredOn, retired_on}}));
  st.exec();
  return View(e, id);
}

// A revocation is its own verb, not an update: revoked_on is read-only to Update so that a
// client sending back a record it read cannot revoke or unrevoke by accident.
Json Store::SetRevoked(std::string_view id, std::optional<Date> date, std::string_view reason) {
  const Entity& e = *FindEntity("certificate");
  if (FirstInvalidByte(reason) != std::string_view::npos) {
    Fail(Status::Validation("reason", "must be valid UTF-8"));
  }
  if (CodePoints(std::string(reason)) > kMaxRevokeReason) {
    Fail(Status::Validation("reason",
                            "must be at most " + std::to_string(kMaxRevokeReason) + " characters"));
  }
  Json before = View(e, id);
  const std::string key = before[S(e.id)].get<std::string>();
  const Json revoked_on = date ? Json(FormatDate(*date)) : Json();
  const Json why = date && !reason.empty() ? Json(std::string(reason)) : Json();
  if (before["revoked_on"] == revoked_on && before["revoke_reason"] == why) return before;
  if (!date && before["revoked_on"].is_null()) return before;
  // The revocation is announced before the STATUS events its triggers emit, as a CREATE is.
  Json payload{{"entity_id", key}, {"revoked_on", revoked_on}, {"revoke_reason", why}};
  if (!date) {
    payload["revoked_on"] = before["revoked_on"];
    payload["revoke_reason"] = before["revoke_reason"];
  }
  Emit(e, date ? "REVOKE" : "UNREVOKE", key, payload);
  SQLite::Statement& st = db_.Cached("UPDATE certificate SET revoked_on = ?, revoke_reason = ?, " +
                                     S(kUpdatedAt) + " = ? WHERE certificate_id = ?");
  Bind(st, 1, revoked_on);
  Bind(st, 2, why);
  st.bind(3, ctx_.Now());
  st.bind(4, key);
  st.exec();
  return View(e, id);
}

Json Store::InForce(const Entity& e, const Json& record) {
  Json out = record;
  for (const Field& f : e.fields) {
    if (f.read_sql.empty()) continue;
    // The field's read expression over a one-row table holding the record's stored values.
    std::vector<std::string> cols{"? AS " + S(e.id)};
    for (const Field& g : e.fields) cols.push_back("? AS " + S(g.name));
    SQLite::Statement& st =
        db_.Cached("SELECT " + FieldSql(e, f) + " FROM (SELECT " + Join(cols, ", ") + ") t");
    int i = 1;
    Bind(st, i++, record.value(S(e.id), Json()));
    for (const Field& g : e.fields) Bind(st, i++, Stored(g, record.value(S(g.name), Json())));
    if (st.executeStep()) out[S(f.name)] = ColumnValue(st.getColumn(0), f.type);
    st.reset();
  }
  return out;
}

std::string Store::IdByCode(const Entity& e, std::string_view project_id, std::string_view code) {
  const Field* code_field = e.FindField("code");
  if (!code_field || e.project_field.empty()) {
    Fail(Status::Validation("code", S(e.collection) + " rows have no code to look them up by"));
  }
  std::vector<FieldError> errors;
  if (!IsUuid(S(project_id))) errors.push_back({"project_id", "is required with code: a UUID"});
  if (code.empty()) errors.push_back({"code", "must not be empty"});
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  SQLite::Statement& st =
      db_.Cached("SELECT " + S(e.id) + " FROM " + S(e.table) + " WHERE " + S(e.project_field) +
                 " = ? AND code = ? ORDER BY " + S(e.id) + " LIMIT 2");
  st.bind(1, Lower(S(project_id)));
  st.bind(2, S(code));
  std::vector<std::string> ids;
  while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
  if (ids.empty()) {
    Fail(Status::NotFound("no " + S(e.collection) + " with code '" + S(code) + "' in project " +
                          S(project_id)));
  }
  if (ids.size() > 1) {
    Fail(Status::Conflict("the code '" + S(code) + "' names more than one " + S(e.collection) +
                          " in project " + S(project_id) + " (" + ids[0] + ", " + ids[1] +
                          ", ...): use the id"));
  }
  return ids[0];
}

// ---- Index ----------------------------------------------------------------------------------

namespace {

std::string AllowedList(const Entity& e, bool sort) {
  std::vector<std::string> allowed{S(e.id)};
  for (const Field& g : e.fields) {
    if (sort ? g.sortable : g.match != Match::kNone) allowed.push_back(S(g.name));
  }
  for (const Computed& g : e.computed) {
    if (sort ? g.sortable : g.match != Match::kNone) allowed.push_back(S(g.name));
  }
  if (e.historicizable && !sort) {
    allowed.push_back(S(kOwnedActive));
    allowed.push_back(S(kParentActive));
  }
  return Join(allowed, ", ");
}

}  // namespace

void Store::Where(const Entity& e, const Json& filter, bool history,
                  std::vector<std::string>& where, std::vector<Json>& binds,
                  std::vector<FieldError>& errors) {
  const std::string as_of = FormatDate(ctx_.AsOf());
  // A filter on owned_active or parent_active says which rows' activity the client wants, so
  // it replaces the default visibility (active rows only).
  const bool activity_filter =
      e.historicizable && filter.is_object() &&
      (filter.contains(S(kOwnedActive)) || filter.contains(S(kParentActive)));
  if (activity_filter) {
    // the conditions come with the filter's keys below
  } else if (e.historicizable && !history && !e.hidden_from.empty()) {
    // A bound date rather than certo_as_of(), so the planner can read it from an index.
    where.push_back(InForceOnSql(e, "t", "?"));
    binds.push_back(as_of);
    binds.push_back(as_of);
  } else if (e.historicizable && !history) {
    where.push_back(ActiveSql(e, "t"));
  }
  if (!filter.is_object()) {
    errors.push_back({"filter", "must be an object of field: value"});
    return;
  }
  for (const auto& [key, value] : filter.items()) {
    if (e.historicizable && (key == kOwnedActive || key == kParentActive)) {
      std::optional<bool> wanted;
      if (value.is_boolean()) wanted = value.get<bool>();
      if (value == 1 || value == "true" || value == "1") wanted = true;
      if (value == 0 || value == "false" || value == "0") wanted = false;
      if (!wanted) {
        errors.push_back({"filter." + key, "must be true or false"});
        continue;
      }
      const std::string sql =
          key == kOwnedActive ? OwnedActiveSql(e, "t") : ParentActiveSql(e, "t");
      where.push_back("(" + sql + ") = " + (*wanted ? "1" : "0"));
      continue;
    }
    const Field* f = e.FindField(key);
    const Computed* c = e.FindComputed(key);
    Match match = key == e.id ? Match::kExact : f ? f->match : c ? c->match : Match::kNone;
    const std::string field = "filter." + key;
    if (match == Match::kNone) {
      errors.push_back(
          {field, "is not a filter of " + S(e.collection) + "; allowed: " + AllowedList(e, false)});
      continue;
    }
    const std::string column = key == e.id ? "t." + key
                               : f         ? FieldSql(e, *f)
                                           : "(" + ComputedSql(e, *c) + ")";
    Field id_field;  // the own id filters like any UUID field
    id_field.name = e.id;
    id_field.type = FieldType::kUuid;
    if (key == e.id) f = &id_field;
    if (c && !c->mirror_collection.empty()) {  // values checked like the field it shows
      f = FindEntity(c->mirror_collection)->FindField(c->mirror_field);
    }
    std::vector<Json> values =
        value.is_array() ? std::vector<Json>(value.begin(), value.end()) : std::vector<Json>{value};
    if (values.empty()) {
      errors.push_back({field, "must not be an empty list"});
      continue;
    }
    Field typed;  // a computed date checks its values like a date field
    if (c && c->mirror_collection.empty() && c->kind == JsonKind::kDate) {
      typed.name = c->name;
      typed.type = FieldType::kDate;
      f = &typed;
    }
    // One value of this filter, checked and normalized by the field's rules; nullopt after
    // adding the error. Query strings carry every value as text, so numbers and booleans of
    // numeric fields are accepted in their decimal spelling too.
    auto scalar = [&](const Json& raw) -> std::optional<Json> {
      Json v = raw;
      if (f && v.is_string() && (f->type == FieldType::kInt || f->type == FieldType::kBool)) {
        const std::string text = v.get<std::string>();
        if (text == "true" || text == "false") {
          v = text == "true";
        } else if (std::optional<int64_t> n = ParseInt64(text)) {
          v = *n;
        }
      }
      if (f && f->type != FieldType::kString && f->type != FieldType::kText) {
        std::vector<FieldError> value_errors;
        Field lenient = *f;
        lenient.min = lenient.max = 0;
        auto normalized = CheckValue(lenient, v, value_errors);
        for (FieldError& fe : value_errors) errors.push_back({field, fe.message});
        return normalized;
      }
      if (v.is_string() || v.is_number_integer() || v.is_boolean()) return v;
      errors.push_back({field, "must be a string, a number or a list of them"});
      return std::nullopt;
    };
    std::vector<std::string> alternatives;
    for (const Json& v : values) {
      if (v.is_null()) {
        alternatives.push_back(column + " IS NULL");
      } else if (v.is_object()) {
        // A range: {"<=": x, ">=": y, ...}; every bound must hold.
        if (match != Match::kExact || (c && c->filter)) {
          errors.push_back({field, "takes no range (<, <=, >, >=): it is matched " +
                                       S(match == Match::kText ? "as text" : "by name")});
          continue;
        }
        if (v.empty()) {
          errors.push_back({field, "a range needs at least one of <, <=, >, >="});
          continue;
        }
        std::vector<std::string> bounds;
        for (const auto& [op, bound] : v.items()) {
          if (op != "<" && op != "<=" && op != ">" && op != ">=") {
            errors.push_back({field, "'" + op + "' is not a range operator (<, <=, >, >=)"});
          } else if (bound.is_null() || bound.is_object() || bound.is_array()) {
            errors.push_back({field, "the bound of " + op + " must be a single value"});
          } else if (auto normalized = scalar(bound)) {
            bounds.push_back(column + " " + op + " ?");
            binds.push_back(*normalized);
          }
        }
        if (!bounds.empty()) alternatives.push_back("(" + Join(bounds, " AND ") + ")");
      } else if (c && c->filter) {
        std::string error;
        if (auto sql = c->filter(v, as_of, error)) {
          alternatives.push_back(sql->condition);
          binds.insert(binds.end(), sql->binds.begin(), sql->binds.end());
        } else {
          errors.push_back({field, error});
        }
      } else if (match == Match::kText) {
        if (!v.is_string()) {
          errors.push_back({field, "must be a string"});
          continue;
        }
        alternatives.push_back("instr(lower(" + column + "), lower(?)) > 0");
        binds.push_back(v);
      } else if (auto normalized = scalar(v)) {
        alternatives.push_back(column + " = ?");
        binds.push_back(*normalized);
      }
    }
    if (!alternatives.empty()) where.push_back("(" + Join(alternatives, " OR ") + ")");
  }
}

Page Store::Index(const Entity& e, const Query& q, std::optional<int64_t> total) {
  std::vector<FieldError> errors;
  CheckPaging(q.page, q.per_page, errors);
  std::vector<std::string> where;
  std::vector<Json> binds;
  Where(e, q.filter, q.history, where, binds, errors);

  std::string order = "t." + S(e.id);
  if (!q.sort.empty()) {
    bool desc = q.sort[0] == '-';
    std::string key = desc ? q.sort.substr(1) : q.sort;
    const Field* f = e.FindField(key);
    const Computed* c = e.FindComputed(key);
    std::string expr = key == e.id        ? ""
                       : f && f->sortable ? FieldSql(e, *f)
                       : c && c->sortable
                           ? (c->sort_sql.empty() ? "(" + ComputedSql(e, *c) + ")" : c->sort_sql)
                           : "-";
    if (expr == "-") {
      errors.push_back({"sort", "cannot sort " + S(e.collection) + " by '" + key + "'; allowed: " +
                                    AllowedList(e, true) + " (prefix - for descending)"});
    } else {
      order = (expr.empty() ? order : expr) + (desc ? " DESC" : "") +
              (expr.empty() ? "" : ", " + order);
    }
  }
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));

  const std::string from = " FROM " + S(e.table) + " t" + WhereSql(where);
  Page page;
  page.page = q.page;
  page.per_page = q.per_page;
  if (total) {
    page.total_count = *total;
  } else {
    SQLite::Statement& st = db_.Cached("SELECT count(*)" + from);
    BindValues(st, binds);
    st.executeStep();
    page.total_count = st.getColumn(0).getInt64();
    st.reset();
  }
  page.page_count = PageCount(page.total_count, q.per_page);
  SQLite::Statement& st =
      db_.Cached("SELECT " + Columns(e) + " FROM " + S(e.table) + " t" + Joins(e) +
                 WhereSql(where) + " ORDER BY " + order + " LIMIT ? OFFSET ?");
  BindPage(st, BindValues(st, binds), q.page, q.per_page);
  while (st.executeStep()) page.rows.push_back(RowJson(e, st));
  return page;
}

std::vector<Json> Store::Rows(const Entity& e, const Json& ids) {
  // One bound array, each id looked up once (an OR of one equality per id costs the planner a
  // multi-index OR); the rows put in its order here rather than by a sort of whole rows.
  // Built once: the select list of a whole row is kilobytes, copied at each concatenation.
  if (rows_sql_.empty()) rows_sql_.resize(Entities().size());
  std::string& sql = rows_sql_[EntityIndex(e)];
  if (sql.empty()) {
    sql = "SELECT j.key, " + Columns(e) + " FROM json_each(?) j CROSS JOIN " + S(e.table) +
          " t ON t." + S(e.id) + " = j.value" + Joins(e);
  }
  SQLite::Statement& st = db_.Cached(sql);
  st.bind(1, ids.dump());
  std::vector<std::optional<Json>> at(ids.size());
  while (st.executeStep()) {
    const int64_t key = st.getColumn(0).getInt64();
    if (key >= 0 && static_cast<size_t>(key) < at.size()) at[key] = RowJson(e, st, 1);
  }
  st.reset();
  std::vector<Json> rows;
  rows.reserve(ids.size());
  for (std::optional<Json>& row : at) {
    if (row) rows.push_back(std::move(*row));
  }
  return rows;
}

std::vector<Json> Store::IndexAll(const Entity& e, Query query) {
  std::vector<Json> rows;
  query.per_page = kMaxPerPage;
  for (query.page = 1;; ++query.page) {
    Page page = Index(e, query);
    for (Json& row : page.rows) rows.push_back(std::move(row));
    if (query.page >= page.page_count) return rows;
  }
}

// ---- Delete ---------------------------------------------------------------------------------

std::vector<RowRef> Store::Dependants(const Entity& e, std::string_view id) {
  std::vector<RowRef> rows{{S(e.collection), Lower(S(id))}};
  std::set<std::pair<std::string, std::string>> seen{{rows[0].collection, rows[0].id}};
  for (size_t next = 0; next < rows.size(); ++next) {
    const RowRef parent = rows[next];
    auto it = ReverseEdges().find(parent.collection);
    if (it == ReverseEdges().end()) continue;
    for (const Edge& edge : it->second) {
      std::string sql = "SELECT " + S(edge.child->id) + " FROM " + S(edge.child->table) +
                        " WHERE " + S(edge.field->name) + " = ?";
      if (!edge.type_value.empty()) sql += " AND " + S(edge.field->ref.type_field) + " = ?";
      sql += " ORDER BY " + S(edge.child->id);
      SQLite::Statement& st = db_.Cached(sql);
      st.bind(1, parent.id);
      if (!edge.type_value.empty()) st.bind(2, S(edge.type_value));
      std::vector<std::string> ids;
      while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
      for (std::string& child : ids) {
        if (seen.insert({S(edge.child->collection), child}).second) {
          rows.push_back({S(edge.child->collection), std::move(child)});
        }
      }
    }
  }
  return rows;
}

void Store::RefuseDerived(const Entity& e, const std::string& id, std::string_view what) {
  if (e.table != "action_subscription") return;
  SQLite::Statement& st = db_.Cached(
      "SELECT r.demand_id, r.resource_type, r.resource_id, r.via, r.assignment_id"
      "  FROM action_subscription s"
      "  LEFT JOIN subscription_requirement r"
      "    ON r.action_id = s.action_id AND r.person_id = s.subscriber_id"
      " WHERE s.action_subscription_id = ? AND s.origin = '" +
      S(kOriginDerived) + "' ORDER BY r.until_day IS NOT NULL, r.demand_id LIMIT 1");
  st.bind(1, id);
  if (!st.executeStep()) {
    st.reset();
    return;
  }
  std::string message = "action-subscription " + id + " is derived: " + S(what);
  if (!st.getColumn(0).isNull()) {
    message += "; it is required by demand " + st.getColumn(0).getString() + " (" +
               st.getColumn(1).getString() + " " + st.getColumn(2).getString() + ", through " +
               st.getColumn(3).getString() + " " + st.getColumn(4).getString() +
               "): change the demand or the assignment instead";
  }
  st.reset();
  Fail(Status::Conflict(std::move(message)));
}

DeleteResult Store::Delete(const Entity& e, std::string_view id, bool force) {
  if (!Load(e, id))
    Fail(Status::NotFound("no " + S(e.collection) + " with " + S(e.id) + " " + S(id)));
  RefuseDerived(e, Lower(S(id)), "it cannot be deleted by hand");
  DeleteResult result;
  result.rows = Dependants(e, id);
  result.forced = force;
  if (!force) return result;
  // Rows go children first; foreign keys are checked once, at the end of the transaction.
  if (result.rows.size() > 1) db_.Exec("PRAGMA defer_foreign_keys = ON");
  scopes_.clear();  // cached facts about deleted rows must not outlive them
  facts_.clear();
  for (auto it = result.rows.rbegin(); it != result.rows.rend(); ++it) {
    const Entity& row_entity = *FindEntity(it->collection);
    std::optional<Json> before = Load(row_entity, it->id);
    if (!before) continue;
    SQLite::Statement& st = db_.Cached(SqlOf(row_entity).remove);
    st.bind(1, it->id);
    Emit(row_entity, "DELETE", it->id, *before);
    st.exec();
  }
  return result;
}

}  // namespace certo::internal
