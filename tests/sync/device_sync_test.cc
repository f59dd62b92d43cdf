// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Devices and their hub through the C++ API (certo/sync.h): recording, making a device, a sync
// both ways, repeating and interrupting one, and the events of applied changes. Every test
// checks Verify() on every file it syncs.

#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "report/crew.h"
#include "sync/changeset.h"
#include "sync/record.h"
#include "testutil.h"

namespace certo::testing {
namespace {

using internal::Change;
using internal::Op;

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

// The export of a file, one request per line, sorted: what two files agree on.
std::multiset<std::string> Rows(Engine& engine) {
  std::multiset<std::string> rows;
  EXPECT_TRUE(engine.Export("", [&](const Json& r) { rows.insert(r.dump()); }).ok());
  return rows;
}

// The pending changesets of a device, decoded.
std::vector<Change> PendingChanges(const std::string& path) {
  SQLite::Database db(path);
  SQLite::Statement st(db, "SELECT changeset FROM sync_change ORDER BY seq");
  std::vector<Change> out;
  while (st.executeStep()) {
    const auto c = st.getColumn(0);
    for (Change& change :
         internal::Decode(std::string(static_cast<const char*>(c.getBlob()), c.getBytes()))) {
      out.push_back(std::move(change));
    }
  }
  return out;
}

struct Files {
  TempDir dir;
  std::string hub_path = dir.File("hub.certo");
  std::string device_path = dir.File("device.certo");
};

TEST(Device, IsACopyOfItsHubsProjectAtItsNewestChange) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  auto made = hub->CreateDevice({f.device_path, ""});
  ASSERT_OK(made);
  EXPECT_EQ(made->role, "device");
  EXPECT_EQ(made->project_id, crew.project);
  EXPECT_EQ(made->position, 0);
  EXPECT_EQ(made->pending, 0);
  auto hub_state = hub->SyncStatus();
  ASSERT_OK(hub_state);
  EXPECT_EQ(hub_state->role, "hub");
  EXPECT_EQ(made->hub_id, hub_state->node_id);
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  EXPECT_EQ(Rows(*device), Rows(*hub));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
  auto outbox = device->ReadOutbox();
  ASSERT_OK(outbox);
  EXPECT_TRUE(outbox->empty());  // the hub's events are the hub's consumers'
}

TEST(Device, RefusesAnExistingFileAManyProjectHubWithoutAProjectAndADeviceAsHub) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  MustCreate(*hub, "project", {{"name", "A"}});
  MustCreate(*hub, "project", {{"name", "B"}});
  EXPECT_EQ(OnlyFieldError(hub->CreateDevice({f.device_path, ""}).status()),
            "project_id: the hub holds 2 projects: name the device's");
  EXPECT_FALSE(std::filesystem::exists(f.device_path));
  EXPECT_EQ(OnlyFieldError(hub->CreateDevice({f.hub_path, ""}).status()),
            "out_path: '" + f.hub_path + "' already exists: a device is made as a new file");
  EXPECT_EQ(OnlyFieldError(hub->CreateDevice({f.dir.File("no/such/folder/d.certo"), ""}).status()),
            "out_path: the folder '" + f.dir.File("no/such/folder") + "' does not exist");
  auto state = hub->SyncStatus();
  ASSERT_OK(state);
  EXPECT_EQ(state->role, "");  // nothing was made, so the file is not a hub
}

TEST(Device, OfOneProjectLeavesTheOthersBehind) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  Company other = MakeCompany(*hub, "Other");
  ASSERT_OK(hub->CreateDevice({f.device_path, crew.project}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  std::multiset<std::string> expected;
  ASSERT_TRUE(hub->Export(crew.project, [&](const Json& r) { expected.insert(r.dump()); }).ok());
  EXPECT_EQ(Rows(*device), expected);
  EXPECT_TRUE(Verified(*device));
}

TEST(Recording, KeepsEachWritesRecordsAcrossReopenAndNeverWhatTriggersDerive) {
  Files f;
  std::string ada, fire;
  {
    auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
    Crew crew(*hub);
    ada = crew.ada_po;
    fire = crew.fire;
    ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  }
  {
    auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
    Json role = MustCreate(*device, "role",
                           {{"office_id", device->Index("office").value().rows[0]["office_id"]},
                            {"name", "Ladder inspector"}});
    Json person = MustCreate(*device, "person",
                             {{"project_id", role["project_id"]},
                              {"first_name", "Elio"},
                              {"last_name", "Gallo"},
                              {"code", "E009"}});
    ASSERT_OK(device->SyncStatus());
  }
  auto device = OpenAt(f.device_path, "2026-11-22T10:00:00Z");
  auto state = device->SyncStatus();
  ASSERT_OK(state);
  EXPECT_EQ(state->pending, 2);  // two writes, two changes, after a reopen
  std::vector<std::string> seen;
  for (const Change& c : PendingChanges(f.device_path)) {
    seen.push_back(c.table + (c.op == Op::kInsert ? "+" : "~"));
    EXPECT_FALSE(c.indirect);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"role+", "person+"}));
}

TEST(Recording, DropsDerivedRowsAndTheCoverColumnsOfHandMadeOnes) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  // A demand: every warden now needs first aid, a row derived for Ada by the triggers.
  MustCreate(*device, "demand",
             {{"project_id", crew.project},
              {"office_id", crew.hq},
              {"action_id", crew.first_aid},
              {"resource_type", "ROLE"},
              {"resource_id", crew.warden}});
  // A certificate covering Ada's hand-made first-aid row: its cover dates change by trigger.
  Json cert = MustCreate(*device, "certificate",
                         {{"tenant_id", crew.project},
                          {"resource_id", crew.ada},
                          {"action_type", "TRAINING"},
                          {"name", "First aid"},
                          {"date_release", "2026-11-01"}});
  MustCreate(*device, "certificate-action",
             {{"certificate_id", cert["certificate_id"]},
              {"action_id", crew.first_aid},
              {"tenant_id", crew.project}});
  std::vector<std::string> tables;
  for (const Change& c : PendingChanges(f.device_path)) tables.push_back(c.table);
  EXPECT_EQ(tables, (std::vector<std::string>{"demand", "certificate", "certificate_action"}));
  EXPECT_TRUE(Verified(*device));
}

TEST(Sync, PushesAndPullsUntilHubAndDeviceHoldTheSameRows) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  // Offline on the device: a new person working at HQ as a warden, a PPE delivery, an incident.
  Json elio = MustCreate(*device, "person",
                         {{"project_id", crew.project},
                          {"first_name", "Elio"},
                          {"last_name", "Gallo"},
                          {"code", "E009"}});
  Json po = MustCreate(*device, "person-office",
                       {{"person_id", elio["person_id"]}, {"office_id", crew.hq}});
  MustCreate(*device, "entity-employee",
             {{"project_id", crew.project},
              {"office_id", crew.hq},
              {"person_office_id", po["person_office_id"]},
              {"type", "ROLE"},
              {"entity_id", crew.warden}});
  MustCreate(
      *device, "incident",
      {{"subtenant_id", crew.hq}, {"name", "Slip on stairs"}, {"date_incident", "2026-11-21"}});
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  // Meanwhile at the office: Carla's code changes and Dario leaves.
  ASSERT_OK(hub->Update("person", crew.carla, {{"code", "E103"}}));
  ASSERT_OK(hub->Historicize("person", crew.dario, Ymd(2026, 11, 30)));

  auto synced = device->SyncWithHub(f.hub_path);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->pushed, 5);
  EXPECT_EQ(synced->pulled, 7);  // the hub's two, and the device's five as the hub applied them
  EXPECT_EQ(synced->conflicts, 0);
  EXPECT_EQ(Rows(*device), Rows(*hub));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
  // Elio is a warden on both sides: his fire-fighting row derived by each side's triggers.
  auto elio_rows = [&](Engine& e) {
    Query q;
    q.filter = {{"subscriber_id", elio["person_id"]}};
    auto page = e.Index("action-subscription", q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->rows : Json::array();
  };
  ASSERT_EQ(elio_rows(*hub).size(), 2u);  // fire fighting (warden) and the medical check (HQ)
  EXPECT_EQ(elio_rows(*hub), elio_rows(*device));
  auto state = device->SyncStatus();
  ASSERT_OK(state);
  EXPECT_EQ(state->pending, 0);
  EXPECT_EQ(state->position, 7);
  // Nothing new: a second sync moves nothing.
  auto again = device->SyncWithHub(f.hub_path);
  ASSERT_OK(again);
  EXPECT_EQ(again->pushed, 0);
  EXPECT_EQ(again->pulled, 0);
}

TEST(Sync, CarriesAnAttachmentsContentWrittenOnTheDevice) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  // A certificate's photo, taken on site: its content is written with incremental blob I/O.
  std::string photo(70000, '\0');
  for (size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<char>(i * 7 % 251);
  std::istringstream in(photo);
  auto put = device->PutAttachment(
      {{"project_id", crew.project}, {"attachment_path", "certificates/ada-first-aid.jpg"}}, &in,
      static_cast<int64_t>(photo.size()));
  ASSERT_OK(put);
  ASSERT_OK(device->SyncWithHub(f.hub_path));
  std::string read;
  auto row = hub->ReadAttachment((*put)["attachment_id"].get<std::string>(),
                                 [&](const char* data, size_t size) {
                                   read.append(data, size);
                                   return true;
                                 });
  ASSERT_OK(row);
  EXPECT_EQ(read, photo);
  EXPECT_EQ((*row)["sha256"], (*put)["sha256"]);
  EXPECT_EQ(Rows(*device), Rows(*hub));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

TEST(Sync, RefusesAFileThatIsNotTheDevicesHub) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  const std::string stranger = f.dir.File("stranger.certo");
  OpenAt(stranger, "2026-11-22T08:00:00Z").reset();
  auto synced = device->SyncWithHub(stranger);
  ASSERT_FALSE(synced.ok());
  EXPECT_EQ(synced.status().code(), Code::kConflict);
  auto not_device = hub->SyncWithHub(f.device_path);
  ASSERT_FALSE(not_device.ok());
  EXPECT_EQ(not_device.status().message(),
            "this file is not a device: make one from its hub with `certo device init`");
}

TEST(Sync, StoppedAtAnyStepResumesWithoutLossOrDuplicates) {
  for (const std::string stop : {"push", "pull", "commit"}) {
    SCOPED_TRACE(stop);
    Files f;
    auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
    Crew crew(*hub);
    ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
    auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
    MustCreate(*device, "incident",
               {{"subtenant_id", crew.hq}, {"name", "Slip"}, {"date_incident", "2026-11-21"}});
    ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
    ASSERT_OK(hub->Update("person", crew.carla, {{"note", "on leave"}}));
    const auto before = Rows(*device);
    internal::TEST_SyncStep = [&](std::string_view step) {
      if (step == stop) internal::Fail(Status::IOError("the connection dropped"));
    };
    auto stopped = device->SyncWithHub(f.hub_path);
    internal::TEST_SyncStep = nullptr;
    ASSERT_FALSE(stopped.ok());
    EXPECT_EQ(stopped.status().message(), "the connection dropped");
    EXPECT_EQ(Rows(*device), before);  // the device is as it was
    EXPECT_EQ(device->SyncStatus().value().pending, 2);
    EXPECT_TRUE(Verified(*device));
    EXPECT_TRUE(Verified(*hub));
    auto resumed = device->SyncWithHub(f.hub_path);
    ASSERT_OK(resumed);
    EXPECT_EQ(Rows(*device), Rows(*hub));
    EXPECT_TRUE(Verified(*device));
    EXPECT_TRUE(Verified(*hub));
    Query q;
    q.filter = {{"name", "Slip"}};
    EXPECT_EQ(hub->Index("incident", q).value().rows.size(), 1u);  // once, not twice
  }
}

TEST(Sync, AppliedChangesAnnounceTheirRowsWithTheirOrigin) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  ASSERT_TRUE(hub->AckOutbox(std::numeric_limits<int64_t>::max()).ok());
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  const std::string device_id = device->SyncStatus().value().node_id;
  const std::string hub_id = hub->SyncStatus().value().node_id;
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  ASSERT_OK(hub->Update("person", crew.carla, {{"note", "on leave"}}));
  const int64_t hub_seen = hub->ReadOutbox(0, 10000).value().back().seq;
  const int64_t device_seen = device->ReadOutbox(0, 10000).value().back().seq;
  ASSERT_OK(device->SyncWithHub(f.hub_path));
  auto on_hub = hub->ReadOutbox(hub_seen);
  ASSERT_OK(on_hub);
  ASSERT_EQ(on_hub->size(), 1u);
  EXPECT_EQ((*on_hub)[0].name, "PERSON::UPDATE");
  EXPECT_EQ((*on_hub)[0].entity_id, crew.bruno);
  EXPECT_EQ((*on_hub)[0].payload,
            (Json{{"entity_id", crew.bruno},
                  {"updated_fields", {{"note", {{"old", nullptr}, {"new", "night shift"}}}}},
                  {"origin", device_id}}));
  auto on_device = device->ReadOutbox(device_seen);
  ASSERT_OK(on_device);
  ASSERT_EQ(on_device->size(), 1u);  // the hub's change only: its own is not announced twice
  EXPECT_EQ((*on_device)[0].payload,
            (Json{{"entity_id", crew.carla},
                  {"updated_fields", {{"note", {{"old", nullptr}, {"new", "on leave"}}}}},
                  {"origin", hub_id}}));
}

}  // namespace
}  // namespace certo::testing
