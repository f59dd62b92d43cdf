// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Devices of one office (docs/sync.md, "Devices of one office"): what such a device holds (the
// rows of its office and those of no office, by a rule that does not change over a row's life),
// what travels to and from it, what its hub refuses, and what a file with such devices refuses
// of its own writes. The company is report/crew.h's: a Head office (HQ) with every action, role
// and demand, and a Plant (PL) where Dario works. Every test checks Verify() on every file.

#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "registry/registry.h"
#include "report/crew.h"
#include "sync/changeset.h"
#include "testutil.h"

namespace certo::testing {
namespace {

using internal::Change;

Options At(const std::string& now) {
  Options options;
  options.today = kToday;
  std::tm tm{};
  strptime(now.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  options.now = std::chrono::sys_seconds{std::chrono::seconds{timegm(&tm)}};
  return options;
}

std::unique_ptr<Engine> OpenAt(const std::string& path, const std::string& now) {
  auto engine = Engine::Open(path, At(now));
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(*engine) : nullptr;
}

// Every row as a read shows it ("collection row"), those of another office than office left out
// ("": none): a row whose office_id or subtenant_id is another office's, and then, until none is
// left, a row that names a row left out (a certificate-action of another office's action, an
// incident's corrective action that is).
std::multiset<std::string> Held(Engine& engine, const std::string& office = "") {
  std::vector<std::pair<std::string, Json>> all;
  std::set<std::string> out;
  for (const internal::Entity& e : internal::Entities()) {
    Query q;
    q.history = true;
    q.per_page = 1000;
    auto page = engine.Index(e.collection, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) continue;
    for (const Json& row : page->rows) {
      for (const char* field : {"office_id", "subtenant_id"}) {
        if (!office.empty() && row.contains(field) && row[field].is_string() &&
            row[field] != office) {
          out.insert(row[std::string(e.id)].get<std::string>());
        }
      }
      all.emplace_back(std::string(e.collection) + " " + std::string(e.id), row);
    }
  }
  for (bool more = true; more;) {
    more = false;
    for (const auto& [what, row] : all) {
      const std::string id = row[what.substr(what.find(' ') + 1)];
      if (out.count(id)) continue;
      for (const auto& [field, value] : row.items()) {
        if (value.is_string() && out.count(value.get<std::string>())) {
          out.insert(id);
          more = true;
          break;
        }
      }
    }
  }
  std::multiset<std::string> rows;
  for (const auto& [what, row] : all) {
    if (!out.count(row[what.substr(what.find(' ') + 1)].get<std::string>())) {
      rows.insert(what.substr(0, what.find(' ')) + " " + row.dump());
    }
  }
  return rows;
}

std::set<std::string> Ids(Engine& e, const char* collection, const char* key) {
  Query q;
  q.history = true;
  q.per_page = 1000;
  std::set<std::string> ids;
  auto page = e.Index(collection, q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  if (page.ok()) {
    for (const Json& row : page->rows) ids.insert(row.at(key).get<std::string>());
  }
  return ids;
}

// The device's pending changes as they would travel.
std::vector<DeviceChange> Pending(const std::string& path) {
  SQLite::Database db(path);
  SQLite::Statement st(db, "SELECT change_id, at, schema, changeset FROM sync_change ORDER BY seq");
  std::vector<DeviceChange> out;
  while (st.executeStep()) {
    const auto c = st.getColumn(3);
    out.push_back({st.getColumn(0).getString(),
                   st.getColumn(1).getString(),
                   st.getColumn(2).getInt(),
                   std::string(static_cast<const char*>(c.getBlob()), c.getBytes()),
                   {}});
  }
  return out;
}

struct Files {
  TempDir dir;
  std::string hub_path = dir.File("hub.certo");
  std::string device_path = dir.File("device.certo");
};

TEST(OfficeDevice, HoldsTheRowsOfItsOfficeAndThoseOfNoOffice) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  auto made = hub->CreateDevice({f.device_path, "", "", crew.plant});
  ASSERT_OK(made);
  EXPECT_EQ(made->project_id, crew.project);  // the office's
  EXPECT_EQ(made->office_id, crew.plant);
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  EXPECT_EQ(Held(*device), Held(*hub, crew.plant));
  EXPECT_EQ(Ids(*device, "office", "office_id"), std::set<std::string>{crew.plant});
  EXPECT_EQ(Ids(*device, "person", "person_id"),
            (std::set<std::string>{crew.ada, crew.bruno, crew.carla, crew.dario}));
  EXPECT_EQ(Ids(*device, "person-office", "person_office_id").size(), 1u);           // Dario's
  EXPECT_EQ(Ids(*device, "certificate", "certificate_id").size(), 3u);               // people's
  EXPECT_TRUE(Ids(*device, "certificate-action", "certificate_action_id").empty());  // HQ's
  EXPECT_TRUE(Ids(*device, "action", "action_id").empty());
  EXPECT_TRUE(Ids(*device, "action-subscription", "action_subscription_id").empty());
  EXPECT_EQ(device->SyncStatus().value().office_id, crew.plant);
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));

  // The Head office's device: everything but the Plant and Dario's assignment there.
  const std::string hq_path = f.dir.File("hq.certo");
  ASSERT_OK(hub->CreateDevice({hq_path, crew.project, "", crew.hq}));
  auto hq = OpenAt(hq_path, "2026-11-22T09:00:00Z");
  EXPECT_EQ(Held(*hq), Held(*hub, crew.hq));
  EXPECT_EQ(Held(*hq).size() + 2, Held(*hub).size());
  EXPECT_TRUE(Verified(*hq));
}

TEST(OfficeDevice, RefusesAnOfficeOfAnotherProjectOrNoneAndMakesNothing) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  Company other = MakeCompany(*hub, "Other");
  const std::string elsewhere = other.office_a["office_id"];
  EXPECT_EQ(
      OnlyFieldError(hub->CreateDevice({f.device_path, crew.project, "", elsewhere}).status()),
      "office_id: office " + elsewhere + " is of project " +
          other.project["project_id"].get<std::string>() + ", not the device's " + crew.project);
  const std::string none = "5a0b2a4e-0000-4000-8000-0000000000ff";
  EXPECT_EQ(OnlyFieldError(hub->CreateDevice({f.device_path, crew.project, "", none}).status()),
            "office_id: refers to no office with this id (" + none + ")");
  EXPECT_EQ(OnlyFieldError(hub->CreateDevice({f.device_path, crew.project, "", "plant"}).status()),
            "office_id: must be a UUID");
  EXPECT_FALSE(std::filesystem::exists(f.device_path));
  EXPECT_EQ(hub->SyncStatus().value().role, "");  // nothing was made: not a hub
}

TEST(OfficeDevice, SyncsItsOfficeBothWaysAndNeverReceivesAnotherOffice) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, "", "", crew.plant}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");

  // On the device: its office, a person (of no office), an assignment and a role there.
  ASSERT_OK(device->Update("office", crew.plant, {{"locality", "Verona"}}));
  ASSERT_OK(device->Update("person", crew.dario, {{"note", "forklift driver"}}));
  const std::string ada_at_plant =
      MustCreate(*device, "person-office",
                 {{"person_id", crew.ada}, {"office_id", crew.plant}})["person_office_id"];
  const std::string keeper = MustCreate(*device, "role",
                                        {{"project_id", crew.project},
                                         {"office_id", crew.plant},
                                         {"name", "Store keeper"}})["office_role_id"];
  // On the hub: the Head office's rows, which never reach the device, and the Plant's, which do:
  // a row made there after the device (with an update before the sync) arrives whole.
  ASSERT_OK(hub->Update("role", crew.warden, {{"name", "Chief fire warden"}}));
  ASSERT_OK(hub->Update("action", crew.fire, {{"description", "yearly"}}));
  MustCreate(*hub, "person-office", {{"person_id", crew.dario}, {"office_id", crew.hq}});
  const std::string press = MustCreate(*hub, "equipment",
                                       {{"project_id", crew.project},
                                        {"office_id", crew.plant},
                                        {"name", "Press"}})["office_equipment_id"];
  ASSERT_OK(hub->Update("equipment", press, {{"serial", "P-1"}}));
  ASSERT_OK(hub->Update("office", crew.plant, {{"name", "Plant North"}}));
  const std::string newcomer = MustCreate(
      *hub, "person",
      {{"project_id", crew.project}, {"first_name", "Elsa"}, {"last_name", "Gialli"}})["person_id"];

  auto synced = device->SyncWithHub(f.hub_path);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->pushed, 4);
  EXPECT_EQ(Held(*device), Held(*hub, crew.plant));
  EXPECT_EQ(hub->View("office", crew.plant).value()["locality"], "Verona");
  EXPECT_EQ(hub->View("role", keeper).value()["name"], "Store keeper");
  EXPECT_EQ(device->View("equipment", press).value()["serial"], "P-1");
  EXPECT_EQ(device->View("office", crew.plant).value()["name"], "Plant North");
  EXPECT_TRUE(device->View("person", newcomer).ok());
  EXPECT_FALSE(device->View("role", crew.warden).ok());  // the Head office's
  EXPECT_FALSE(device->View("action", crew.fire).ok());
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));

  // A hub edit in the device's office reaches it; one in the other office does not, and the
  // device's position moves past it.
  const std::string held_by = MustCreate(*hub, "entity-employee",
                                         {{"person_office_id", ada_at_plant},
                                          {"type", "EQUIPMENT"},
                                          {"entity_id", press}})["entity_employee_id"];
  ASSERT_OK(hub->Update("role", crew.aider, {{"description", "two per floor"}}));
  synced = device->SyncWithHub(f.hub_path);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->pushed, 0);
  EXPECT_EQ(synced->pulled, 1);
  EXPECT_EQ(synced->position, hub->SyncStatus().value().position);
  EXPECT_TRUE(device->View("entity-employee", held_by).ok());
  EXPECT_EQ(Held(*device), Held(*hub, crew.plant));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

TEST(OfficeDevice, LeavesOutRowsThatNameAnotherOfficesRows) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  // Plant rows that name the Head office's: an incident's corrective action of HQ, a demand of a
  // Plant action from HQ's fire wardens, a Plant action's subscription of HQ's forklift, a
  // certificate of HQ's forklift and its evidence.
  const std::string spill = MustCreate(*hub, "incident",
                                       {{"subtenant_id", crew.plant},
                                        {"name", "Spill"},
                                        {"date_incident", "2026-11-20"}})["office_incident_id"];
  const std::string corrective = MustCreate(
      *hub, "incident-action",
      {{"office_incident_id", spill}, {"entity_id", crew.fire}})["office_incident_action_id"];
  const std::string drill = MustCreate(
      *hub, "action",
      {{"subtenant_id", crew.plant}, {"action_type", "CHECK"}, {"name", "Drill"}})["action_id"];
  const std::string wardens = MustCreate(*hub, "demand",
                                         {{"office_id", crew.plant},
                                          {"action_id", drill},
                                          {"resource_type", "ROLE"},
                                          {"resource_id", crew.warden}})["demand_id"];
  const std::string checked =
      MustCreate(*hub, "action-subscription",
                 {{"action_id", drill},
                  {"subtenant_id", crew.plant},
                  {"subscriber_type", "EQUIPMENT"},
                  {"subscriber_id", crew.forklift}})["action_subscription_id"];
  const std::string serviced = MustCreate(*hub, "certificate",
                                          {{"tenant_id", crew.project},
                                           {"resource_id", crew.forklift},
                                           {"action_type", "CHECK"},
                                           {"name", "Service"},
                                           {"date_release", "2026-10-01"}})["certificate_id"];
  const std::string report = MustCreate(
      *hub, "attachment",
      {{"project_id", crew.project}, {"attachment_path", "service.pdf"}})["attachment_id"];
  const std::string evidence = MustCreate(*hub, "entity-attachment",
                                          {{"project_id", crew.project},
                                           {"entity_id", serviced},
                                           {"attachment_id", report}})["entity_attachment_id"];
  Query derived;
  derived.filter = {{"action_id", drill}, {"subscriber_id", crew.ada}};
  auto of_ada = hub->Index("action-subscription", derived);
  ASSERT_OK(of_ada);
  ASSERT_EQ(of_ada->rows.size(), 1u);
  const std::string ada_drill = of_ada->rows[0]["action_subscription_id"];
  ASSERT_OK(hub->CreateDevice({f.device_path, "", "", crew.plant}));
  // The same rows changed after the device never travel either, nor does the data of a derived
  // row the device does not derive.
  ASSERT_OK(hub->Update("action-subscription", ada_drill, {{"data", {{"note", "twice"}}}}));
  ASSERT_OK(hub->Update("incident-action", corrective, {{"description", "retrain"}}));
  ASSERT_OK(hub->Update("certificate", serviced, {{"note", "on time"}}));
  MustCreate(
      *hub, "entity-attachment",
      {{"project_id", crew.project}, {"entity_id", crew.forklift}, {"attachment_id", report}});
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->SyncWithHub(f.hub_path));
  EXPECT_TRUE(device->View("incident", spill).ok());
  EXPECT_TRUE(device->View("action", drill).ok());
  EXPECT_TRUE(device->View("attachment", report).ok());
  for (const auto& [collection, id] :
       std::vector<std::pair<const char*, std::string>>{{"incident-action", corrective},
                                                        {"demand", wardens},
                                                        {"action-subscription", checked},
                                                        {"certificate", serviced},
                                                        {"entity-attachment", evidence}}) {
    EXPECT_FALSE(device->View(collection, id).ok()) << collection;
  }
  EXPECT_TRUE(Ids(*device, "entity-attachment", "entity_attachment_id").empty());
  // Ada is a fire warden of the Head office, whom the demand names: the hub derives her
  // subscription of the drill, which the device, without the demand, does not.
  EXPECT_TRUE(device->Index("action-subscription", derived).value().rows.empty());
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

TEST(OfficeDevice, APushTouchingAnotherOfficeIsRefusedWholeAndChangesNothing) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  auto made = hub->CreateDevice({f.device_path, "", "", crew.plant});
  ASSERT_OK(made);
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->Update("office", crew.plant, {{"locality", "Verona"}}));
  DeviceChange good = Pending(f.device_path).at(0);
  // The same update, aimed at the Head office.
  std::vector<Change> changes = internal::Decode(good.changeset);
  ASSERT_EQ(changes.size(), 1u);
  for (auto& v : changes[0].old_values) {
    if (v && v->bytes == crew.plant) v->bytes = crew.hq;
  }
  DeviceChange across = good;
  across.change_id = "5a0b2a4e-0000-4000-8000-0000000000cc";
  across.changeset = internal::Encode(changes);
  const auto before = Held(*hub);
  const int64_t history = hub->SyncStatus().value().position;
  auto refused = hub->HubPush(made->node_id, across, HubAccess{.file = true});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "changeset: row " + crew.hq + " of office is bound to office " + crew.hq +
                ", not only the device's office " + crew.plant +
                " (a device of one office writes the rows of its office and those of no office)");
  EXPECT_EQ(Held(*hub), before);
  EXPECT_EQ(hub->SyncStatus().value().position, history);
  // Nor does the hub take the device for one of its whole project.
  auto whole = hub->HubHello(
      {made->node_id, made->hub_id, crew.project, made->min_schema, made->min_schema, ""},
      HubAccess{.file = true});
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.status().ToString(), "conflict: device " + made->node_id +
                                           " was made for office " + crew.plant +
                                           ", not its whole project");
  // The device's own change goes through.
  ASSERT_OK(device->SyncWithHub(f.hub_path));
  EXPECT_EQ(hub->View("office", crew.plant).value()["locality"], "Verona");
  EXPECT_EQ(Held(*device), Held(*hub, crew.plant));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

TEST(OfficeDevice, ItsHubKeepsEachCertificateInTheOfficeOfItsResource) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  const std::string check = MustCreate(*hub, "certificate",
                                       {{"tenant_id", crew.project},
                                        {"resource_id", crew.warden},
                                        {"action_type", "CHECK"},
                                        {"name", "Check"},
                                        {"date_release", "2026-10-01"}})["certificate_id"];
  // Before any device of one office, a certificate moves anywhere in its project.
  ASSERT_OK(hub->Update("certificate", check, {{"resource_id", crew.ada}}));
  ASSERT_OK(hub->Update("certificate", check, {{"resource_id", crew.warden}}));
  ASSERT_OK(hub->CreateDevice({f.device_path, "", "", crew.plant}));
  // Within its office it still moves; to a person (of no office) or another office, no longer.
  ASSERT_OK(hub->Update("certificate", check, {{"resource_id", crew.aider}}));
  for (const std::string& elsewhere : {crew.ada, crew.plant}) {
    auto moved = hub->Update("certificate", check, {{"resource_id", elsewhere}});
    ASSERT_FALSE(moved.ok());
    EXPECT_EQ(moved.status().code(), Code::kConflict);
    EXPECT_NE(moved.status().message().find(
                  "certificate resource_id: this file has devices of one office, which keep a "
                  "certificate with the office of its resource for life"),
              std::string::npos)
        << moved.status().message();
  }
  EXPECT_EQ(hub->View("certificate", check).value()["resource_id"], crew.aider);
  // A person's certificate moves between people.
  const std::string course = MustCreate(*hub, "certificate",
                                        {{"tenant_id", crew.project},
                                         {"resource_id", crew.ada},
                                         {"action_type", "TRAINING"},
                                         {"name", "Course"},
                                         {"date_release", "2026-10-01"}})["certificate_id"];
  ASSERT_OK(hub->Update("certificate", course, {{"resource_id", crew.dario}}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->SyncWithHub(f.hub_path));
  EXPECT_EQ(device->View("certificate", course).value()["resource_id"], crew.dario);
  EXPECT_FALSE(device->View("certificate", check).ok());  // an HQ role's
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

TEST(OfficeDevice, ARowItDeletesThatAnotherOfficesRowsNameStaysOnTheHubAndComesBack) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, "", "", crew.plant}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  // Ada works at the Head office: on the Plant's device nothing names her but her certificates.
  ASSERT_OK(device->Delete("person", crew.ada, /*force=*/true));
  ASSERT_FALSE(device->View("person", crew.ada).ok());
  auto synced = device->SyncWithHub(f.hub_path);
  ASSERT_OK(synced);
  EXPECT_GT(synced->conflicts, 0);
  EXPECT_TRUE(hub->View("person", crew.ada).ok());
  EXPECT_TRUE(device->View("person", crew.ada).ok());
  auto log = hub->SyncConflicts(0, 100);
  ASSERT_OK(log);
  ASSERT_FALSE(log->empty());
  EXPECT_EQ((*log)[0].kind, "DELETED");
  EXPECT_EQ(Held(*device), Held(*hub, crew.plant));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

}  // namespace
}  // namespace certo::testing
