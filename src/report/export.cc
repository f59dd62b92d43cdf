// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The export: every stored row as a JSON-API create request, in dependency order. It reads the
// stored columns (not the read-only fields, nor a field's value in force: a certificate-action
// link's inherited date_expire stays inherited), so that replaying the requests rebuilds the
// same rows. Derived schedule rows (DESIGN.md section 2.2) are not exported as creates: the
// demands and assignments that are rebuild them, with the same ids (certo_pair_id); only their
// data, the one thing an application sets on them, follows as an update at the end.

#include "report/export.h"

#include <string>
#include <tuple>
#include <vector>

#include "base/uuid.h"
#include "registry/registry.h"
#include "registry/vocabulary.h"
#include "store/store.h"

namespace certo::internal {

namespace {}  // namespace

void ExportRequests(Db& db, const std::string& project,
                    const std::function<void(const Json& request)>& sink) {
  ReadScope read(db);
  std::string project_id = project;
  for (char& c : project_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!project_id.empty() && !IsUuid(project_id)) {
    Fail(Status::NotFound("no project with project_id " + project + " (not a UUID)"));
  }
  if (!project_id.empty()) {
    SQLite::Statement& st = db.Cached("SELECT 1 FROM project WHERE project_id = ?");
    st.bind(1, project_id);
    bool found = st.executeStep();
    st.reset();
    if (!found) Fail(Status::NotFound("no project with project_id " + project_id));
  }
  // (collection, id, retired_on) of the retired rows, historicized after every create.
  std::vector<std::tuple<std::string, std::string, std::string>> retired;
  std::vector<std::pair<std::string, Json>> derived_data;  // (id, data) of derived rows
  for (const Entity& e : Entities()) {
    const bool schedule = e.table == std::string_view("action_subscription");
    std::string sql = "SELECT " + std::string(e.id);
    for (const Field& f : e.fields) sql += ", " + std::string(f.name);
    if (e.historicizable) sql += ", retired_on";
    if (schedule) sql += ", origin";
    sql += " FROM " + std::string(e.table);
    if (!project_id.empty()) {
      sql += " WHERE " + std::string(e.project_field.empty() ? e.id : e.project_field) + " = ?";
    }
    sql += " ORDER BY " + std::string(e.id);
    SQLite::Statement st(db.raw(), sql);
    if (!project_id.empty()) st.bind(1, project_id);
    const std::string path = "/v2/" + std::string(e.collection) + "/create";
    while (st.executeStep()) {
      Json body = Json::object();
      const std::string id = st.getColumn(0).getString();
      body[std::string(e.id)] = id;
      int i = 1;
      for (const Field& f : e.fields) {
        Json value = Store::ColumnValue(st.getColumn(i++), f.type);
        if (!value.is_null()) body[std::string(f.name)] = std::move(value);
      }
      if (schedule && st.getColumn(i + 1).getString() == kOriginDerived) {
        if (body.contains("data")) derived_data.emplace_back(id, body["data"]);
        continue;
      }
      if (e.historicizable && !st.getColumn(i).isNull()) {
        retired.emplace_back(std::string(e.collection), id, st.getColumn(i).getString());
      }
      sink(Json{{"method", "POST"}, {"path", path}, {"body", std::move(body)}});
    }
  }
  for (const auto& [collection, id, date] : retired) {
    sink(Json{{"method", "POST"},
              {"path", "/v2/" + collection + "/historicize/" + id},
              {"body", Json{{"date", date}}}});
  }
  for (auto& [id, data] : derived_data) {
    sink(Json{{"method", "PUT"},
              {"path", "/v2/action-subscription/update/" + id},
              {"body", Json{{"data", std::move(data)}}}});
  }
}

}  // namespace certo::internal
