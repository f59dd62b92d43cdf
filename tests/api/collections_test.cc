// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The collections of issue 9's "Missing collections" through the JSON API, as a 4hse v2 client
// sends them: demand, work-group-entity, material, material-item, attachment and
// entity-attachment. For each: create, view, update, index with every filter and sort key of its
// descriptor, delete (preview, then forced) and historicize; bad input is a 422 naming the field,
// with the file unchanged. PPE as a subscriber type (and its older name MATERIAL_ITEM) and the
// available count of PPE items are here too; attachment content streaming is in
// tests/engine/attachment_test.cc.

#include <string>
#include <vector>

#include "registry/registry.h"
#include "testutil.h"

namespace certo::testing {
namespace {

using internal::Entity;
using internal::FindEntity;

// Office A of a company with one of each resource, a CHECK action and a PPE type with an item.
struct Fixture {
  std::unique_ptr<Engine> engine = OpenEngine();
  Company c = MakeCompany(*engine);
  std::string project = c.project["project_id"], office = c.office_a["office_id"];
  Json role, equipment, environment, substance, group, action, material, item;

  Fixture() {
    Engine& e = *engine;
    auto resource = [&](const char* collection, const char* name) {
      return MustCreate(e, collection,
                        {{"project_id", project},
                         {"office_id", office},
                         {"name", name},
                         {"code", std::string(name).substr(0, 3)}});
    };
    role = resource("role", "Fire warden");
    equipment = resource("equipment", "Forklift");
    environment = resource("work-environment", "Warehouse");
    substance = resource("substance", "Solvent");
    group = MustCreate(e, "work-group",
                       {{"project_id", project},
                        {"office_id", office},
                        {"name", "Welders"},
                        {"code", "WLD"},
                        {"work_group_type", "JOB"}});
    action = MustCreate(e, "action",
                        {{"tenant_id", project},
                         {"subtenant_id", office},
                         {"action_type", "CHECK"},
                         {"code", "CHK-1"},
                         {"name", "Inspection"},
                         {"validity", 1},
                         {"validity_unit", "YEAR"}});
    material = MustCreate(e, "material",
                          {{"tenant_id", project},
                           {"subtenant_id", office},
                           {"code", "HLM"},
                           {"name", "Helmet"},
                           {"category", "Head"},
                           {"description", "EN 397 safety helmet"}});
    item = MustCreate(e, "material-item",
                      {{"material_id", material["material_id"]},
                       {"code", "HLM-01"},
                       {"name", "Helmets, batch 1"},
                       {"serial", "SN-1"},
                       {"vendor", "Acme"},
                       {"model", "H1"},
                       {"initial_quantity", 10}});
  }
};

std::string Path(std::string_view collection, std::string_view verb, std::string_view id = "") {
  return "/v2/" + std::string(collection) + "/" + std::string(verb) +
         (id.empty() ? "" : "/" + std::string(id));
}

// Every filter of the collection's descriptor, given the value the row itself has, finds the
// row; every sort key, both ways, is accepted and lists it.
void EveryFilterAndSortFinds(Engine& engine, std::string_view collection, const Json& row) {
  const Entity& e = *FindEntity(collection);
  const std::string id = row[std::string(e.id)];
  auto finds = [&](const Json& body, const std::string& what) {
    Reply r = Call(engine, "POST", Path(collection, "index"), body);
    ASSERT_EQ(r.status, 200) << what << ": " << r.raw.body;
    bool found = false;
    for (const Json& each : r.body) found = found || each[std::string(e.id)] == id;
    EXPECT_TRUE(found) << what << " does not list " << id << ": " << r.raw.body;
  };
  std::vector<std::string> filters{std::string(e.id)}, sorts;
  for (const internal::Field& f : e.fields) {
    if (f.match != internal::Match::kNone) filters.emplace_back(f.name);
    if (f.sortable) sorts.emplace_back(f.name);
  }
  for (const internal::Computed& c : e.computed) {
    if (c.match != internal::Match::kNone) filters.emplace_back(c.name);
    if (c.sortable) sorts.emplace_back(c.name);
  }
  for (const std::string& f : filters) {
    ASSERT_TRUE(row.contains(f)) << collection << " rows have no " << f;
    finds({{"filter", {{f, row[f]}}}}, std::string(collection) + " filter " + f);
  }
  for (const std::string& s : sorts) {
    finds({{"sort", s}}, std::string(collection) + " sort " + s);
    finds({{"sort", "-" + s}}, std::string(collection) + " sort -" + s);
  }
}

// The file's rows of a collection (history included).
int64_t Count(Engine& engine, std::string_view collection) {
  Query q;
  q.history = true;
  auto page = engine.Index(collection, q);
  return page.ok() ? page->total_count : -1;
}

// A forced delete removes exactly what its preview listed.
void DeletePreviewThenForce(Engine& engine, std::string_view collection, const std::string& id,
                            const Json& expected_rows) {
  Reply preview = Call(engine, "DELETE", Path(collection, "delete", id));
  ASSERT_EQ(preview.status, 200) << preview.raw.body;
  EXPECT_EQ(preview.body["deleted"], false);
  EXPECT_EQ(preview.body["rows"], expected_rows);
  EXPECT_EQ(Call(engine, "GET", Path(collection, "view", id)).status, 200);
  Reply forced = Call(engine, "DELETE", Path(collection, "delete", id) + "?force=true");
  ASSERT_EQ(forced.status, 200) << forced.raw.body;
  EXPECT_EQ(forced.body["deleted"], true);
  EXPECT_EQ(forced.body["rows"], expected_rows);
  EXPECT_EQ(Call(engine, "GET", Path(collection, "view", id)).status, 404);
}

// A request answered with 422 naming exactly the field and message, changing nothing.
void Refused(Engine& engine, std::string_view method, const std::string& target, const Json& body,
             const std::string& field, const std::string& message, std::string_view collection) {
  const int64_t before = Count(engine, collection);
  Reply r = Call(engine, method, target, body);
  EXPECT_EQ(r.status, 422) << target << " " << body.dump() << ": " << r.raw.body;
  EXPECT_EQ(r.body, Json::array({{{"field", field}, {"message", message}}}))
      << target << " " << body.dump();
  EXPECT_EQ(Count(engine, collection), before);
}

// ---- demand ---------------------------------------------------------------------------------

TEST(Demand, CreateViewUpdateIndexDeleteAndHistoricize) {
  Fixture f;
  Engine& e = *f.engine;
  Reply created = Call(e, "POST", "/v2/demand/create",
                       {{"action_id", f.action["action_id"]},
                        {"resource_type", "WORK_GROUP"},
                        {"resource_id", f.group["work_group_id"]},
                        {"data", {{"note", "welders need inspections"}}}});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const Json d = created.body;
  const std::string id = d["demand_id"];
  // project and office come from the action; the read-only fields name both ends
  EXPECT_EQ(d["project_id"], f.project);
  EXPECT_EQ(d["office_id"], f.office);
  EXPECT_EQ(d["action_code"], "CHK-1");
  EXPECT_EQ(d["action_name"], "Inspection");
  EXPECT_EQ(d["action_type"], "CHECK");
  EXPECT_EQ(d["resource_code"], "WLD");
  EXPECT_EQ(d["resource_name"], "Welders");
  EXPECT_EQ(d["office_name"], "Head office");
  EXPECT_EQ(d["project_name"], "ACME");
  EXPECT_EQ(d["project_type"], "safety");
  EXPECT_EQ(d["owned_active"], true);
  EXPECT_EQ(d["parent_active"], true);
  EXPECT_EQ(Call(e, "GET", "/v2/demand/view?id=" + id).body, d);

  Reply updated = Call(e, "PUT", Path("demand", "update", id), {{"data", {{"note", "yearly"}}}});
  ASSERT_EQ(updated.status, 200) << updated.raw.body;
  EXPECT_EQ(updated.body["data"], Json({{"note", "yearly"}}));
  EveryFilterAndSortFinds(e, "demand", updated.body);

  // one demand per (action, resource)
  Reply twice = Call(e, "POST", "/v2/demand/create",
                     {{"action_id", f.action["action_id"]},
                      {"resource_type", "WORK_GROUP"},
                      {"resource_id", f.group["work_group_id"]}});
  EXPECT_EQ(twice.status, 409) << twice.raw.body;

  // retiring the work group hides its demand (parent_active), retiring the demand hides it too
  ASSERT_EQ(Call(e, "POST",
                 Path("work-group", "historicize", f.group["work_group_id"].get<std::string>()),
                 {{"date", "2026-11-01"}})
                .status,
            200);
  EXPECT_EQ(Call(e, "GET", Path("demand", "view", id)).body["parent_active"], false);
  EXPECT_EQ(Call(e, "POST", "/v2/demand/index", Json::object()).body, Json::array());
  ASSERT_EQ(
      Call(e, "POST", Path("work-group", "restore", f.group["work_group_id"].get<std::string>()))
          .status,
      200);
  Reply retired = Call(e, "POST", Path("demand", "historicize", id), {{"date", "2026-11-20"}});
  ASSERT_EQ(retired.status, 200) << retired.raw.body;
  EXPECT_EQ(retired.body["retired_on"], "2026-11-20");
  EXPECT_EQ(retired.body["owned_active"], false);
  EXPECT_EQ(Call(e, "POST", "/v2/demand/index", Json::object()).body, Json::array());
  EXPECT_EQ(Call(e, "POST", "/v2/demand/index", {{"history", true}}).body.size(), 1u);
  ASSERT_EQ(Call(e, "POST", Path("demand", "restore", id)).status, 200);

  DeletePreviewThenForce(e, "demand", id, Json::array({{{"collection", "demand"}, {"id", id}}}));
  EXPECT_TRUE(Verified(e));
}

TEST(Demand, EveryResourceTypeIsAccepted) {
  Fixture f;
  Engine& e = *f.engine;
  const std::vector<std::pair<std::string, Json>> resources = {
      {"ROLE", f.role["office_role_id"]},
      {"WORK_GROUP", f.group["work_group_id"]},
      {"EQUIPMENT", f.equipment["office_equipment_id"]},
      {"WORK_ENVIRONMENT", f.environment["office_work_environment_id"]},
      {"SUBSTANCE", f.substance["office_substance_id"]},
      {"OFFICE", f.c.office_a["office_id"]}};
  const std::vector<std::string> names = {"Fire warden", "Welders", "Forklift",
                                          "Warehouse",   "Solvent", "Head office"};
  for (size_t i = 0; i < resources.size(); ++i) {
    Reply r = Call(e, "POST", "/v2/demand/create",
                   {{"action_id", f.action["action_id"]},
                    {"resource_type", resources[i].first},
                    {"resource_id", resources[i].second}});
    ASSERT_EQ(r.status, 201) << resources[i].first << ": " << r.raw.body;
    EXPECT_EQ(r.body["resource_name"], names[i]);
  }
  // deleting a resource lists and removes its demand
  Reply preview =
      Call(e, "DELETE", Path("role", "delete", f.role["office_role_id"].get<std::string>()));
  EXPECT_EQ(preview.body["rows"].size(), 2u) << preview.raw.body;
  EXPECT_EQ(preview.body["rows"][1]["collection"], "demand");
  EXPECT_TRUE(Verified(e));
}

TEST(Demand, BadInputIsA422NamingTheField) {
  Fixture f;
  Engine& e = *f.engine;
  const Json ok = {{"action_id", f.action["action_id"]},
                   {"resource_type", "ROLE"},
                   {"resource_id", f.role["office_role_id"]}};
  auto with = [&](const char* key, const Json& value) {
    Json body = ok;
    body[key] = value;
    return body;
  };
  Refused(e, "POST", "/v2/demand/create", with("resource_type", "PERSON"), "resource_type",
          "must be one of: ROLE, EQUIPMENT, WORK_ENVIRONMENT, SUBSTANCE, WORK_GROUP, OFFICE",
          "demand");
  Refused(e, "POST", "/v2/demand/create", with("resource_id", f.equipment["office_equipment_id"]),
          "resource_id", "refers to no role with this id", "demand");
  Refused(e, "POST", "/v2/demand/create", with("action_id", "not-a-uuid"), "action_id",
          "must be a UUID (8-4-4-4-12 hexadecimal digits)", "demand");
  Json no_resource = ok;
  no_resource.erase("resource_id");
  Refused(e, "POST", "/v2/demand/create", no_resource, "resource_id", "is required", "demand");
  Refused(e, "POST", "/v2/demand/create", with("action_code", "X"), "action_code", "is read-only",
          "demand");
  const std::string id = MustCreate(e, "demand", ok)["demand_id"];
  Refused(e, "PUT", Path("demand", "update", id),
          {{"resource_id", f.equipment["office_equipment_id"]}}, "resource_id",
          "cannot be changed after creation", "demand");
  Refused(e, "POST", "/v2/demand/index", {{"filter", {{"resource_type", "NOPE"}}}},
          "filter.resource_type",
          "must be one of: ROLE, EQUIPMENT, WORK_ENVIRONMENT, SUBSTANCE, WORK_GROUP, OFFICE",
          "demand");
}

// ---- work-group-entity ----------------------------------------------------------------------

TEST(WorkGroupEntity, CreateViewUpdateIndexDeleteAndHistoricize) {
  Fixture f;
  Engine& e = *f.engine;
  Reply created = Call(e, "POST", "/v2/work-group-entity/create",
                       {{"work_group_id", f.group["work_group_id"]},
                        {"entity_type", "EQUIPMENT"},
                        {"entity_id", f.equipment["office_equipment_id"]},
                        {"description", "drives the forklift"},
                        {"time_spent_measure", "2h/day"}});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const Json w = created.body;
  const std::string id = w["work_group_entity_id"];
  EXPECT_EQ(w["project_id"], f.project);
  EXPECT_EQ(w["office_id"], f.office);
  EXPECT_EQ(w["entity_name"], "Forklift");
  EXPECT_EQ(w["entity_code"], "For");
  EXPECT_EQ(w["work_group_code"], "WLD");
  EXPECT_EQ(w["work_group_name"], "Welders");
  EXPECT_EQ(w["work_group_type"], "JOB");
  EXPECT_EQ(w["office_name"], "Head office");
  EXPECT_EQ(w["project_type"], "safety");
  EXPECT_EQ(Call(e, "GET", Path("work-group-entity", "view", id)).body, w);

  Reply updated =
      Call(e, "PUT", Path("work-group-entity", "update", id), {{"description", "rarely"}});
  ASSERT_EQ(updated.status, 200) << updated.raw.body;
  EXPECT_EQ(updated.body["description"], "rarely");
  EveryFilterAndSortFinds(e, "work-group-entity", updated.body);
  for (const auto& [type, key] : {std::pair{"WORK_ENVIRONMENT", "office_work_environment_id"},
                                  std::pair{"SUBSTANCE", "office_substance_id"}}) {
    const Json& target = std::string(type) == "SUBSTANCE" ? f.substance : f.environment;
    EXPECT_EQ(Call(e, "POST", "/v2/work-group-entity/create",
                   {{"work_group_id", f.group["work_group_id"]},
                    {"entity_type", type},
                    {"entity_id", target[key]}})
                  .status,
              201);
  }
  EXPECT_EQ(Call(e, "POST", "/v2/work-group-entity/create",
                 {{"work_group_id", f.group["work_group_id"]},
                  {"entity_type", "EQUIPMENT"},
                  {"entity_id", f.equipment["office_equipment_id"]}})
                .status,
            409);

  ASSERT_EQ(
      Call(e, "POST",
           Path("equipment", "historicize", f.equipment["office_equipment_id"].get<std::string>()))
          .status,
      200);
  EXPECT_EQ(Call(e, "GET", Path("work-group-entity", "view", id)).body["parent_active"], false);
  EXPECT_EQ(
      Call(e, "POST", "/v2/work-group-entity/index", {{"filter", {{"entity_type", "EQUIPMENT"}}}})
          .body,
      Json::array());
  Reply retired = Call(e, "POST", Path("work-group-entity", "historicize", id));
  EXPECT_EQ(retired.body["retired_on"], "2026-11-22");

  // deleting the work group lists its entities
  Reply preview =
      Call(e, "DELETE", Path("work-group", "delete", f.group["work_group_id"].get<std::string>()));
  EXPECT_EQ(preview.body["rows"].size(), 4u) << preview.raw.body;
  DeletePreviewThenForce(e, "work-group-entity", id,
                         Json::array({{{"collection", "work-group-entity"}, {"id", id}}}));
  EXPECT_TRUE(Verified(e));
}

TEST(WorkGroupEntity, BadInputIsA422NamingTheField) {
  Fixture f;
  Engine& e = *f.engine;
  const Json ok = {{"work_group_id", f.group["work_group_id"]},
                   {"entity_type", "SUBSTANCE"},
                   {"entity_id", f.substance["office_substance_id"]}};
  auto with = [&](const char* key, const Json& value) {
    Json body = ok;
    body[key] = value;
    return body;
  };
  Refused(e, "POST", "/v2/work-group-entity/create", with("entity_type", "ROLE"), "entity_type",
          "must be one of: EQUIPMENT, WORK_ENVIRONMENT, SUBSTANCE", "work-group-entity");
  Refused(e, "POST", "/v2/work-group-entity/create",
          with("entity_id", f.equipment["office_equipment_id"]), "entity_id",
          "refers to no substance with this id", "work-group-entity");
  Refused(e, "POST", "/v2/work-group-entity/create",
          with("time_spent_measure", std::string(51, 'x')), "time_spent_measure",
          "must be at most 50 characters", "work-group-entity");
  // an entity of another office
  Json other = MustCreate(
      e, "substance",
      {{"project_id", f.project}, {"office_id", f.c.office_b["office_id"]}, {"name", "Acid"}});
  Refused(e, "POST", "/v2/work-group-entity/create",
          with("entity_id", other["office_substance_id"]), "entity_id",
          "refers to a substance of another office", "work-group-entity");
}

// ---- material and material-item -------------------------------------------------------------

TEST(Material, CreateViewUpdateIndexDeleteAndHistoricize) {
  Fixture f;
  Engine& e = *f.engine;
  Reply created = Call(e, "POST", "/v2/material/create",
                       {{"tenant_id", f.project},
                        {"subtenant_id", f.office},
                        {"code", "GLV"},
                        {"name", "Gloves"},
                        {"category", "Hands"},
                        {"data", {{"standard", "EN 388"}}}});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const Json m = created.body;
  const std::string id = m["material_id"];
  EXPECT_EQ(m["material_type"], "PPE");
  EXPECT_EQ(m["material_item_count"], 0);
  EXPECT_EQ(m["office_name"], "Head office");
  EXPECT_EQ(m["project_name"], "ACME");
  EXPECT_EQ(m["project_type"], "safety");
  EXPECT_EQ(Call(e, "GET", Path("material", "view", id)).body, m);
  Reply updated = Call(e, "PUT", Path("material", "update", id), {{"description", "cut level 5"}});
  ASSERT_EQ(updated.status, 200) << updated.raw.body;
  EveryFilterAndSortFinds(e, "material", updated.body);

  Json item = MustCreate(e, "material-item",
                         {{"material_id", id}, {"name", "Gloves, box"}, {"initial_quantity", 3}});
  EXPECT_EQ(Call(e, "GET", Path("material", "view", id)).body["material_item_count"], 3);
  // retiring the type hides its items
  ASSERT_EQ(Call(e, "POST", Path("material", "historicize", id), {{"date", "2026-11-22"}}).status,
            200);
  EXPECT_EQ(
      Call(e, "GET", Path("material-item", "view", item["material_item_id"].get<std::string>()))
          .body["parent_active"],
      false);
  EXPECT_EQ(Call(e, "POST", "/v2/material-item/index", {{"filter", {{"material_id", id}}}}).body,
            Json::array());
  DeletePreviewThenForce(
      e, "material", id,
      Json::array({{{"collection", "material"}, {"id", id}},
                   {{"collection", "material-item"}, {"id", item["material_item_id"]}}}));
  EXPECT_TRUE(Verified(e));
}

TEST(MaterialItem, CreateViewUpdateIndexDeleteAndHistoricize) {
  Fixture f;
  Engine& e = *f.engine;
  const Json i = f.item;
  const std::string id = i["material_item_id"];
  // tenant and office come from the material
  EXPECT_EQ(i["tenant_id"], f.project);
  EXPECT_EQ(i["subtenant_id"], f.office);
  EXPECT_EQ(i["material_code"], "HLM");
  EXPECT_EQ(i["material_name"], "Helmet");
  EXPECT_EQ(i["material_item_count"], 10);
  EXPECT_EQ(i["project_type"], "safety");
  EXPECT_EQ(Call(e, "GET", Path("material-item", "view", id)).body, i);
  Reply updated = Call(e, "PUT", Path("material-item", "update", id),
                       {{"initial_quantity", 12}, {"model", "H2"}});
  ASSERT_EQ(updated.status, 200) << updated.raw.body;
  EXPECT_EQ(updated.body["material_item_count"], 12);
  EveryFilterAndSortFinds(e, "material-item", updated.body);
  // a default quantity of one
  Reply single = Call(e, "POST", "/v2/material-item/create",
                      {{"material_id", f.material["material_id"]}, {"name", "Spare helmet"}});
  ASSERT_EQ(single.status, 201) << single.raw.body;
  EXPECT_EQ(single.body["initial_quantity"], 1);
  EXPECT_EQ(Call(e, "GET", Path("material", "view", f.material["material_id"].get<std::string>()))
                .body["material_item_count"],
            13);

  Reply retired =
      Call(e, "POST", Path("material-item", "historicize", id), {{"date", "2026-11-22"}});
  ASSERT_EQ(retired.status, 200);
  EXPECT_EQ(retired.body["owned_active"], false);
  // a retired item is no longer available stock
  EXPECT_EQ(Call(e, "GET", Path("material", "view", f.material["material_id"].get<std::string>()))
                .body["material_item_count"],
            1);
  ASSERT_EQ(Call(e, "POST", Path("material-item", "restore", id)).status, 200);
  DeletePreviewThenForce(e, "material-item", id,
                         Json::array({{{"collection", "material-item"}, {"id", id}}}));
  EXPECT_TRUE(Verified(e));
}

TEST(MaterialItem, BadInputIsA422NamingTheField) {
  Fixture f;
  Engine& e = *f.engine;
  const Json ok = {{"material_id", f.material["material_id"]}, {"name", "Batch"}};
  auto with = [&](const char* key, const Json& value) {
    Json body = ok;
    body[key] = value;
    return body;
  };
  Refused(e, "POST", "/v2/material-item/create", with("initial_quantity", -1), "initial_quantity",
          "must be between 0 and 1000000000", "material-item");
  Refused(e, "POST", "/v2/material-item/create", with("initial_quantity", "ten"),
          "initial_quantity", "must be an integer", "material-item");
  Refused(e, "POST", "/v2/material-item/create", with("code", std::string(46, 'c')), "code",
          "must be at most 45 characters", "material-item");
  Refused(e, "POST", "/v2/material-item/create", with("material_item_count", 3),
          "material_item_count", "is read-only", "material-item");
  Json elsewhere = with("material_id", f.equipment["office_equipment_id"]);
  elsewhere["tenant_id"] = f.project;
  elsewhere["subtenant_id"] = f.office;
  Refused(e, "POST", "/v2/material-item/create", elsewhere, "material_id",
          "refers to no material with this id", "material-item");
  Refused(e, "POST", "/v2/material/create",
          {{"tenant_id", f.project},
           {"subtenant_id", f.office},
           {"name", "X"},
           {"material_type", "TOOL"}},
          "material_type", "must be one of: PPE", "material");
  Refused(e, "POST", "/v2/material/create", {{"tenant_id", f.project}, {"subtenant_id", f.office}},
          "name", "is required", "material");
}

// Items handed out: PER certificates whose resource is the item, released by the read's date.
TEST(MaterialItem, PerCertificatesOfTheItemAreHandedOutStock) {
  Fixture f;
  Engine& e = *f.engine;
  const std::string id = f.item["material_item_id"];
  for (const char* released : {"2026-10-01", "2026-11-01", "2026-12-01"}) {
    MustCreate(e, "certificate",
               {{"tenant_id", f.project},
                {"resource_id", id},
                {"action_type", "PER"},
                {"name", std::string("Delivery ") + released},
                {"date_release", released}});
  }
  // a CHECK certificate of the item is an inspection, not a delivery
  MustCreate(e, "certificate",
             {{"tenant_id", f.project},
              {"resource_id", id},
              {"action_type", "CHECK"},
              {"name", "Inspected"},
              {"date_release", "2026-10-01"}});
  EXPECT_EQ(MustCreate(e, "material-item",
                       {{"material_id", f.material["material_id"]},
                        {"name", "Other batch"},
                        {"initial_quantity", 0}})["material_item_count"],
            0);
  EXPECT_EQ(Call(e, "GET", Path("material-item", "view", id)).body["material_item_count"], 8);
  Reply later = Call(e, "POST", "/v2/material-item/index",
                     {{"filter", {{"material_item_id", id}}}, {"as_of", "2026-12-15"}});
  EXPECT_EQ(later.body[0]["material_item_count"], 7);
  EXPECT_EQ(Call(e, "GET", Path("material", "view", f.material["material_id"].get<std::string>()))
                .body["material_item_count"],
            8);
  Reply cert = Call(e, "POST", "/v2/certificate/index", {{"filter", {{"resource_id", id}}}});
  EXPECT_EQ(cert.body[0]["resource_type"], "PPE");
  EXPECT_EQ(cert.body[0]["resource_name"], "Helmets, batch 1");
}

// PPE subscribes to PER, CHECK and MAINTENANCE actions; MATERIAL_ITEM is its older name.
TEST(MaterialItem, PpeSubscribesAndMaterialItemIsItsOlderName) {
  Fixture f;
  Engine& e = *f.engine;
  const std::string item = f.item["material_item_id"];
  Json per = MustCreate(e, "action",
                        {{"tenant_id", f.project},
                         {"subtenant_id", f.office},
                         {"action_type", "PER"},
                         {"name", "Helmet delivery"},
                         {"validity", 2},
                         {"validity_unit", "YEAR"}});
  Reply sub = Call(e, "POST", "/v2/action-subscription/create",
                   {{"action_id", per["action_id"]},
                    {"subscriber_type", "MATERIAL_ITEM"},
                    {"subscriber_id", item}});
  ASSERT_EQ(sub.status, 201) << sub.raw.body;
  EXPECT_EQ(sub.body["subscriber_type"], "PPE");
  EXPECT_EQ(sub.body["subscriber_name"], "Helmets, batch 1");
  EXPECT_EQ(sub.body["subscriber_code"], "HLM-01");
  EXPECT_EQ(sub.body["status"], "NEW");
  for (const char* type : {"PPE", "MATERIAL_ITEM"}) {
    Reply listed =
        Call(e, "POST", "/v2/action-subscription/index", {{"filter", {{"subscriber_type", type}}}});
    EXPECT_EQ(listed.body.size(), 1u) << type << ": " << listed.raw.body;
    Reply certs = Call(e, "POST", "/v2/certificate/index", {{"filter", {{"resource_type", type}}}});
    EXPECT_EQ(certs.status, 200) << certs.raw.body;
  }
  // the stored value is the new name
  auto events = e.ReadOutbox(0, 10000);
  ASSERT_OK(events);
  EXPECT_EQ(events->back().payload["subscriber_type"], "PPE");
  // a delivery covers it; retiring the PPE type hides its items' subscriptions
  MustCreate(e, "certificate-action",
             {{"certificate_id", MustCreate(e, "certificate",
                                            {{"tenant_id", f.project},
                                             {"resource_id", item},
                                             {"action_type", "PER"},
                                             {"name", "Delivered"},
                                             {"date_release", "2026-06-01"}})["certificate_id"]},
              {"action_id", per["action_id"]}});
  EXPECT_EQ(Call(e, "GET",
                 Path("action-subscription", "view",
                      sub.body["action_subscription_id"].get<std::string>()))
                .body["status"],
            "VALID");
  ASSERT_OK(
      e.Historicize("material", f.material["material_id"].get<std::string>(), Ymd(2026, 11, 1)));
  EXPECT_EQ(Call(e, "POST", "/v2/action-subscription/index", Json::object()).body, Json::array());
  EXPECT_TRUE(Verified(e));
  ASSERT_OK(e.Restore("material", f.material["material_id"].get<std::string>()));
  EXPECT_EQ(Call(e, "POST", "/v2/action-subscription/index", Json::object()).body.size(), 1u);
  EXPECT_TRUE(Verified(e));
  // TRAINING does not admit PPE
  Json training = MustCreate(e, "action",
                             {{"tenant_id", f.project},
                              {"subtenant_id", f.office},
                              {"action_type", "TRAINING"},
                              {"name", "Course"}});
  Refused(e, "POST", "/v2/action-subscription/create",
          {{"action_id", training["action_id"]},
           {"subscriber_type", "MATERIAL_ITEM"},
           {"subscriber_id", item}},
          "subscriber_type", "PPE cannot subscribe to a TRAINING action (allowed: PERSON)",
          "action-subscription");
}

// ---- attachment and entity-attachment -------------------------------------------------------

TEST(Attachment, CreateViewUpdateIndexDeleteThroughTheJsonApi) {
  Fixture f;
  Engine& e = *f.engine;
  Reply dir = Call(e, "POST", "/v2/attachment/create",
                   {{"project_id", f.project}, {"path", "certificates"}});
  ASSERT_EQ(dir.status, 201) << dir.raw.body;
  EXPECT_EQ(dir.body["is_directory"], true);
  EXPECT_EQ(dir.body["size"], 0);
  EXPECT_EQ(dir.body["sha256"], nullptr);
  EXPECT_EQ(dir.body["parent_path"], "");
  // "hello\n" in base64, with a line break as MIME writes them
  Reply file = Call(e, "POST", "/v2/attachment/create",
                    {{"project_id", f.project},
                     {"attachment_path", "certificates/2026/forklift.pdf"},
                     {"description", "scan"},
                     {"content_base64", "aGVs\nbG8K"}});
  ASSERT_EQ(file.status, 201) << file.raw.body;
  const std::string id = file.body["attachment_id"];
  EXPECT_EQ(file.body["is_directory"], false);
  EXPECT_EQ(file.body["size"], 6);
  EXPECT_EQ(file.body["sha256"],
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  EXPECT_EQ(file.body["mime_type"], "application/pdf");
  EXPECT_EQ(file.body["parent_path"], "certificates/2026");
  EXPECT_EQ(file.body["root_path"], "certificates");
  EXPECT_EQ(file.body["project_name"], "ACME");
  EXPECT_FALSE(file.body.contains("content"));
  EXPECT_EQ(Call(e, "GET", Path("attachment", "view", id)).body, file.body);

  Reply download = Call(e, "GET", Path("attachment", "view", id) + "?mode=download");
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.raw.body, "hello\n");
  EXPECT_EQ(download.raw.Header("Content-Type"), "application/pdf");
  EXPECT_EQ(download.raw.Header("Content-Disposition"),
            "attachment; filename=\"forklift.pdf\"; filename*=UTF-8''forklift.pdf");
  EXPECT_EQ(download.raw.Header("ETag"),
            "\"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\"");
  Reply shown = Call(e, "GET", "/v2/attachment/view?id=" + id + "&mode=inline");
  EXPECT_EQ(shown.raw.body, "hello\n");
  EXPECT_EQ(shown.raw.Header("Content-Disposition").rfind("inline; ", 0), 0u);

  // update: fields and content together
  Reply updated = Call(e, "PUT", Path("attachment", "update", id),
                       {{"description", "rescanned"}, {"content_base64", "aGk="}});
  ASSERT_EQ(updated.status, 200) << updated.raw.body;
  EXPECT_EQ(updated.body["size"], 2);
  EXPECT_EQ(updated.body["description"], "rescanned");
  EXPECT_EQ(Call(e, "GET", Path("attachment", "view", id) + "?mode=download").raw.body, "hi");
  // replace: the same path gets new content instead of a 409
  EXPECT_EQ(Call(e, "POST", "/v2/attachment/create",
                 {{"project_id", f.project},
                  {"path", "certificates/2026/forklift.pdf"},
                  {"content_base64", "eA=="}})
                .status,
            409);
  Reply replaced = Call(e, "POST", "/v2/attachment/create",
                        {{"project_id", f.project},
                         {"path", "certificates/2026/forklift.pdf"},
                         {"replace", 1},
                         {"content_base64", "eA=="}});
  ASSERT_EQ(replaced.status, 201) << replaced.raw.body;
  EXPECT_EQ(replaced.body["attachment_id"], id);
  EXPECT_EQ(replaced.body["size"], 1);
  EveryFilterAndSortFinds(e, "attachment", replaced.body);
  // parent_path lists a directory's children; root_path everything under a path
  auto listed = [&](const Json& filter) {
    Reply r =
        Call(e, "POST", "/v2/attachment/index", {{"filter", filter}, {"sort", "attachment_path"}});
    std::vector<std::string> paths;
    for (const Json& row : r.body) paths.push_back(row["attachment_path"]);
    return paths;
  };
  MustCreate(e, "attachment", {{"project_id", f.project}, {"attachment_path", "certificates-old"}});
  EXPECT_EQ(listed({{"parent_path", ""}}),
            (std::vector<std::string>{"certificates", "certificates-old"}));
  EXPECT_EQ(listed({{"root_path", "certificates"}}),
            (std::vector<std::string>{"certificates", "certificates/2026/forklift.pdf"}));
  EXPECT_EQ(listed({{"root_path", "certificates/2026/"}}),
            (std::vector<std::string>{"certificates/2026/forklift.pdf"}));

  // a directory has no content to download
  Reply no_content = Call(
      e, "GET",
      Path("attachment", "view", dir.body["attachment_id"].get<std::string>()) + "?mode=download");
  EXPECT_EQ(no_content.status, 422);
  EXPECT_EQ(no_content.body[0]["field"], "attachment_id");

  // deleting the attachment lists its links
  Reply link = Call(e, "POST", "/v2/entity-attachment/create",
                    {{"entity_id", f.equipment["office_equipment_id"]}, {"attachment_id", id}});
  ASSERT_EQ(link.status, 201) << link.raw.body;
  DeletePreviewThenForce(e, "attachment", id,
                         Json::array({{{"collection", "attachment"}, {"id", id}},
                                      {{"collection", "entity-attachment"},
                                       {"id", link.body["entity_attachment_id"]}}}));
  EXPECT_TRUE(Verified(e));
}

TEST(Attachment, BadInputIsA422NamingTheField) {
  Fixture f;
  Engine& e = *f.engine;
  auto body = [&](const Json& extra) {
    Json b = {{"project_id", f.project}, {"attachment_path", "a/b.txt"}};
    b.update(extra);
    return b;
  };
  Refused(e, "POST", "/v2/attachment/create", body({{"content_base64", "not base64!"}}),
          "content_base64", "must be base64 (RFC 4648)", "attachment");
  Refused(e, "POST", "/v2/attachment/create", body({{"content_base64", 12}}), "content_base64",
          "must be the content as a base64 string", "attachment");
  Refused(e, "POST", "/v2/attachment/create", body({{"replace", "maybe"}}), "replace",
          "must be true, false, 1 or 0", "attachment");
  for (const char* path : {"/abs", "dir/", "a//b", "a/../b", "./a"}) {
    Refused(e, "POST", "/v2/attachment/create", body({{"attachment_path", path}}),
            "attachment_path",
            std::string(path) == "/abs" || std::string(path) == "dir/"
                ? "must not begin or end with '/'"
                : "must not contain empty, '.' or '..' segments",
            "attachment");
  }
  Refused(e, "POST", "/v2/attachment/create", body({{"attachment_path", "a\\b"}}),
          "attachment_path", "must separate directories with '/', not '\\'", "attachment");
  Refused(e, "POST", "/v2/attachment/create", body({{"attachment_path", "a\tb"}}),
          "attachment_path", "must be one line without control characters (found U+0009 at byte 1)",
          "attachment");
  Refused(e, "POST", "/v2/attachment/create", body({{"size", 3}}), "size", "is read-only",
          "attachment");
  Refused(e, "POST", "/v2/attachment/create", {{"project_id", f.project}}, "attachment_path",
          "is required", "attachment");
  const std::string id = MustCreate(e, "attachment", body(Json::object()))["attachment_id"];
  Refused(e, "PUT", Path("attachment", "update", id), {{"attachment_path", "c.txt"}},
          "attachment_path", "cannot be changed after creation", "attachment");
  Reply mode = Call(e, "GET", Path("attachment", "view", id) + "?mode=zip");
  EXPECT_EQ(mode.status, 422);
  EXPECT_EQ(mode.body,
            Json::array({{{"field", "mode"}, {"message", "must be download or inline"}}}));
}

TEST(Attachment, ContentOverTheLimitIsA413AndWritesNothing) {
  Fixture f;
  Engine& e = *f.engine;
  // 64 MiB + 3 bytes of base64 zeros: refused from its length, before anything is decoded
  const std::string body = R"({"project_id": ")" + f.project +
                           R"(", "path": "big.bin", "content_base64": ")" +
                           std::string((kMaxAttachmentBytes / 3 + 1) * 4, 'A') + "\"}";
  Response raw = e.Request("POST", "/v2/attachment/create", body);
  Reply r{raw.status, Json::parse(raw.body, nullptr, false), raw};
  EXPECT_EQ(r.status, 413) << r.raw.body.substr(0, 300);
  EXPECT_EQ(r.body["name"], "Payload Too Large");
  EXPECT_EQ(r.body["code"], 10);
  EXPECT_EQ(r.body["message"],
            "the content is 67108866 bytes; an attachment holds at most 67108864 bytes (64 MiB)");
  EXPECT_EQ(Count(e, "attachment"), 0);
}

TEST(EntityAttachment, CreateViewIndexDeleteAndLinksToAnyRowOfTheProject) {
  Fixture f;
  Engine& e = *f.engine;
  const std::string file =
      MustCreate(e, "attachment",
                 {{"project_id", f.project}, {"attachment_path", "photos/1.jpg"}})["attachment_id"];
  Reply created = Call(e, "POST", "/v2/entity-attachment/create",
                       {{"entity_id", f.action["action_id"]}, {"attachment_id", file}});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const std::string id = created.body["entity_attachment_id"];
  EXPECT_EQ(created.body["project_id"], f.project);
  EXPECT_EQ(created.body["attachment_path"], "photos/1.jpg");
  EXPECT_EQ(created.body["entity_type"], "action");
  EXPECT_EQ(Call(e, "GET", Path("entity-attachment", "view", id)).body, created.body);
  EveryFilterAndSortFinds(e, "entity-attachment", created.body);
  EXPECT_EQ(Call(e, "POST", "/v2/entity-attachment/create",
                 {{"entity_id", f.action["action_id"]}, {"attachment_id", file}})
                .status,
            409);
  for (const Json& row : {f.c.person, f.c.project, f.item, f.group}) {
    const std::string key = row.begin().key();
    Reply linked = Call(e, "POST", "/v2/entity-attachment/create",
                        {{"entity_id", row[key]}, {"attachment_id", file}});
    EXPECT_EQ(linked.status, 201) << key << ": " << linked.raw.body;
  }
  // deleting the linked row removes its links with it
  Reply preview =
      Call(e, "DELETE", Path("action", "delete", f.action["action_id"].get<std::string>()));
  EXPECT_EQ(preview.body["rows"],
            Json::array({{{"collection", "action"}, {"id", f.action["action_id"]}},
                         {{"collection", "entity-attachment"}, {"id", id}}}));
  // update: nothing of a link can change (its own values, sent back, pass)
  const std::string other =
      MustCreate(e, "attachment",
                 {{"project_id", f.project}, {"attachment_path", "photos/2.jpg"}})["attachment_id"];
  EXPECT_EQ(
      Call(e, "PUT", Path("entity-attachment", "update", id), {{"attachment_id", file}}).status,
      200);
  Refused(e, "PUT", Path("entity-attachment", "update", id), {{"attachment_id", other}},
          "attachment_id", "cannot be changed after creation", "entity-attachment");
  DeletePreviewThenForce(e, "entity-attachment", id,
                         Json::array({{{"collection", "entity-attachment"}, {"id", id}}}));
  EXPECT_TRUE(Verified(e));
}

TEST(EntityAttachment, BadInputIsA422NamingTheField) {
  Fixture f;
  Engine& e = *f.engine;
  const std::string file = MustCreate(
      e, "attachment", {{"project_id", f.project}, {"attachment_path", "a.txt"}})["attachment_id"];
  Refused(
      e, "POST", "/v2/entity-attachment/create",
      {{"entity_id", "00000000-0000-4000-8000-000000000001"}, {"attachment_id", file}}, "entity_id",
      "refers to no " +
          [] {
            std::string names;
            for (const internal::RefTarget& t :
                 FindEntity("entity-attachment")->FindField("entity_id")->ref.targets) {
              names += (names.empty() ? "" : " or ") + std::string(t.collection);
            }
            return names;
          }() +
          " with this id",
      "entity-attachment");
  // a row of another project
  Company other = MakeCompany(e, "Other");
  Refused(e, "POST", "/v2/entity-attachment/create",
          {{"project_id", f.project},
           {"entity_id", other.person["person_id"]},
           {"attachment_id", file}},
          "entity_id", "refers to a person of another project", "entity-attachment");
}

}  // namespace
}  // namespace certo::testing
