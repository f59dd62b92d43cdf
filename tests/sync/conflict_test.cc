// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The hub's conflict rules (certo/sync.h, "Conflicts"): each one met by a device's change, with
// the rows both files end with, the hub's conflict log, and Verify() on both. The device writes
// at 09:00, the hub at 10:00 unless a test says otherwise, so the hub's change is the later.

#include <set>

#include <gtest/gtest.h>

#include "report/crew.h"
#include "testutil.h"

namespace certo::testing {
namespace {

Options At(const std::string& now) {
  Options options;
  options.today = kToday;
  std::tm tm{};
  strptime(now.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  options.now = std::chrono::sys_seconds{std::chrono::seconds{timegm(&tm)}};
  return options;
}

std::multiset<std::string> Rows(Engine& engine) {
  std::multiset<std::string> rows;
  EXPECT_TRUE(engine.Export("", [&](const Json& r) { rows.insert(r.dump()); }).ok());
  return rows;
}

class Conflict : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      auto hub = Engine::Open(hub_path_, At("2026-11-22T08:00:00Z"));
      ASSERT_OK(hub);
      crew_ = std::make_unique<Crew>(**hub);
      incident_ = MustCreate(**hub, "incident",
                             {{"subtenant_id", crew_->hq},
                              {"name", "Slip on stairs"},
                              {"date_incident", "2026-11-21"}})
                      .at("office_incident_id");
      ASSERT_OK((*hub)->CreateDevice({device_path_, ""}));
    }
    Reopen("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z");
    hub_id_ = hub_->SyncStatus().value().node_id;
    device_id_ = device_->SyncStatus().value().node_id;
  }

  void Reopen(const std::string& device_now, const std::string& hub_now) {
    device_.reset();
    hub_.reset();
    auto d = Engine::Open(device_path_, At(device_now));
    auto h = Engine::Open(hub_path_, At(hub_now));
    ASSERT_OK(d);
    ASSERT_OK(h);
    device_ = std::move(*d);
    hub_ = std::move(*h);
  }

  // Syncs and checks that both files hold the same rows and verify clean; returns the log.
  std::vector<SyncConflict> SyncBoth(int64_t expected_conflicts) {
    auto synced = device_->SyncWithHub(hub_path_);
    EXPECT_TRUE(synced.ok()) << synced.status().ToString();
    if (synced.ok()) {
      EXPECT_EQ(synced->conflicts, expected_conflicts);
    }
    EXPECT_EQ(Rows(*device_), Rows(*hub_));
    EXPECT_TRUE(Verified(*device_));
    EXPECT_TRUE(Verified(*hub_));
    auto log = hub_->SyncConflicts();
    EXPECT_TRUE(log.ok());
    return log.ok() ? *log : std::vector<SyncConflict>();
  }

  Json On(Engine& e, const char* collection, const std::string& id) {
    auto row = e.View(collection, id);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() ? *row : Json();
  }

  TempDir dir_;
  std::string hub_path_ = dir_.File("hub.certo");
  std::string device_path_ = dir_.File("device.certo");
  std::unique_ptr<Crew> crew_;
  std::string incident_;
  std::unique_ptr<Engine> hub_, device_;
  std::string hub_id_, device_id_;
};

TEST_F(Conflict, DifferentFieldsOfOneRowMerge) {
  ASSERT_OK(device_->Update("person", crew_->bruno, {{"note", "night shift"}}));
  ASSERT_OK(hub_->Update("person", crew_->bruno, {{"birth_place", "Torino"}}));
  EXPECT_TRUE(SyncBoth(0).empty());
  const Json bruno = On(*hub_, "person", crew_->bruno);
  EXPECT_EQ(bruno["note"], "night shift");
  EXPECT_EQ(bruno["birth_place"], "Torino");
  EXPECT_EQ(bruno["updated_at"], "2026-11-22T10:00:00Z");  // the later of the two writes
}

TEST_F(Conflict, OneFieldChangedOnBothSidesTakesTheLaterAndLogsTheOther) {
  ASSERT_OK(device_->Update("person", crew_->bruno, {{"note", "from the tablet"}}));
  ASSERT_OK(hub_->Update("person", crew_->bruno, {{"note", "from the office"}}));
  auto log = SyncBoth(1);
  EXPECT_EQ(On(*device_, "person", crew_->bruno)["note"], "from the office");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(SyncConflictJson(log[0]).dump(),
            Json({{"conflict_id", 1},
                  // The hub is opened with the device's options: its clock, here.
                  {"detected_at", "2026-11-22T09:00:00Z"},
                  {"change_id", log[0].change_id},
                  {"kind", "FIELD"},
                  {"collection", "person"},
                  {"row_id", crew_->bruno},
                  {"field", "note"},
                  {"kept", "from the office"},
                  {"lost", "from the tablet"},
                  {"lost_origin", device_id_},
                  {"lost_at", "2026-11-22T09:00:00Z"},
                  {"resolution", "both sides changed the field: the later change wins"},
                  {"restored_at", nullptr}})
                .dump());
  // The same log over the JSON API.
  Reply reply = Call(*hub_, "GET", "/v2/sync/conflicts?after=0&limit=10");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, Json::array({SyncConflictJson(log[0])}));
  EXPECT_EQ(Call(*hub_, "GET", "/v2/sync/conflicts?after=1").body, Json::array());
  EXPECT_EQ(Call(*hub_, "GET", "/v2/sync/conflicts?limit=x").body,
            (Json::array({{{"field", "limit"}, {"message", "must be a decimal integer"}}})));
  Reply status = Call(*device_, "GET", "/v2/sync/status");
  EXPECT_EQ(status.body["role"], "device");
  EXPECT_EQ(status.body["hub_id"], hub_id_);
  EXPECT_EQ(status.body["pending"], 0);
}

TEST_F(Conflict, ALostFieldValueIsRestoredFromTheLogAndReachesTheDevice) {
  ASSERT_OK(device_->Update("person", crew_->bruno, {{"note", "from the tablet"}}));
  ASSERT_OK(hub_->Update("person", crew_->bruno, {{"note", "from the office"}}));
  auto log = SyncBoth(1);
  ASSERT_EQ(log.size(), 1u);
  auto restored = hub_->RestoreSyncConflict(log[0].conflict_id);
  ASSERT_OK(restored);
  EXPECT_EQ((*restored)["note"], "from the tablet");
  auto again = hub_->RestoreSyncConflict(log[0].conflict_id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), "conflict 1 was restored at 2026-11-22T10:00:00Z");
  EXPECT_EQ(hub_->SyncConflicts().value()[0].restored_at, "2026-11-22T10:00:00Z");
  EXPECT_EQ(hub_->RestoreSyncConflict(7).status().code(), Code::kNotFound);
  SyncBoth(0);  // the restore is a write like any other: the device gets it
  EXPECT_EQ(On(*device_, "person", crew_->bruno)["note"], "from the tablet");
}

TEST_F(Conflict, TheDevicesLaterChangeWinsAndTheHubsValueIsLogged) {
  Reopen("2026-11-22T11:00:00Z", "2026-11-22T10:00:00Z");
  ASSERT_OK(hub_->Update("person", crew_->bruno, {{"note", "from the office"}}));
  ASSERT_OK(device_->Update("person", crew_->bruno, {{"note", "from the tablet"}}));
  auto log = SyncBoth(1);
  EXPECT_EQ(On(*hub_, "person", crew_->bruno)["note"], "from the tablet");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kept, "from the tablet");
  EXPECT_EQ(log[0].lost, "from the office");
  EXPECT_EQ(log[0].lost_origin, hub_id_);
  EXPECT_EQ(log[0].lost_at, "2026-11-22T10:00:00Z");
}

TEST_F(Conflict, ATieOfWriteTimesGoesToTheGreaterOrigin) {
  Reopen("2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z");
  ASSERT_OK(hub_->Update("person", crew_->bruno, {{"note", "from the office"}}));
  ASSERT_OK(device_->Update("person", crew_->bruno, {{"note", "from the tablet"}}));
  auto log = SyncBoth(1);
  const std::string winner = device_id_ > hub_id_ ? "from the tablet" : "from the office";
  EXPECT_EQ(On(*hub_, "person", crew_->bruno)["note"], winner);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kept, winner);
}

TEST_F(Conflict, AnUpdateOfARowDeletedOnTheHubKeepsTheRow) {
  ASSERT_OK(device_->Update("incident", incident_, {{"name", "Slip on the east stairs"}}));
  ASSERT_OK(hub_->Delete("incident", incident_, /*force=*/true));
  auto log = SyncBoth(1);
  EXPECT_EQ(On(*hub_, "incident", incident_)["name"], "Slip on the east stairs");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "DELETED");
  EXPECT_EQ(log[0].collection, "incident");
  EXPECT_EQ(log[0].row_id, incident_);
  EXPECT_EQ(log[0].lost, (Json{{"deleted", true}}));
}

TEST_F(Conflict, ADeleteOfARowChangedOnTheHubKeepsTheRow) {
  ASSERT_OK(device_->Delete("incident", incident_, /*force=*/true));
  ASSERT_OK(hub_->Update("incident", incident_, {{"name", "Slip on the east stairs"}}));
  auto log = SyncBoth(1);
  EXPECT_EQ(hub_->RestoreSyncConflict(1).status().message(),
            "conflict 1 is DELETED: only a FIELD conflict's value is restored from the log");
  EXPECT_EQ(On(*device_, "incident", incident_)["name"], "Slip on the east stairs");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "DELETED");
  EXPECT_EQ(log[0].lost["name"], "Slip on stairs");  // the row the device deleted, restorable
}

TEST_F(Conflict, AUniqueCodeTakenOnBothSidesKeepsBothPeople) {
  const std::string mine = MustCreate(*device_, "person",
                                      {{"project_id", crew_->project},
                                       {"first_name", "Elio"},
                                       {"last_name", "Gallo"},
                                       {"code", "E100"}})
                               .at("person_id");
  const std::string theirs = MustCreate(*hub_, "person",
                                        {{"project_id", crew_->project},
                                         {"first_name", "Fabio"},
                                         {"last_name", "Conti"},
                                         {"code", "E100"}})
                                 .at("person_id");
  auto log = SyncBoth(1);
  EXPECT_EQ(On(*hub_, "person", theirs)["code"], "E100");
  const Json elio = On(*hub_, "person", mine);
  EXPECT_EQ(elio["first_name"], "Elio");
  EXPECT_TRUE(elio["code"].is_null());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "UNIQUE");
  EXPECT_EQ(log[0].row_id, mine);
  EXPECT_EQ(log[0].kept, (Json{{"held_by", theirs}}));
  EXPECT_EQ(log[0].lost, (Json{{"code", "E100"}}));
}

TEST_F(Conflict, TheSameLinkMadeOnBothSidesIsReportedNotDuplicated) {
  const std::string mine = MustCreate(*device_, "person-office",
                                      {{"person_id", crew_->bruno}, {"office_id", crew_->plant}})
                               .at("person_office_id");
  const std::string theirs =
      MustCreate(*hub_, "person-office", {{"person_id", crew_->bruno}, {"office_id", crew_->plant}})
          .at("person_office_id");
  auto log = SyncBoth(1);
  EXPECT_TRUE(hub_->View("person-office", theirs).ok());
  EXPECT_EQ(device_->View("person-office", mine).status().code(), Code::kNotFound);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "UNIQUE");
  EXPECT_EQ(log[0].row_id, mine);
  EXPECT_EQ(log[0].kept, (Json{{"held_by", theirs}}));
  EXPECT_EQ(log[0].lost["person_id"], crew_->bruno);  // all its data, reported
  EXPECT_EQ(log[0].lost["office_id"], crew_->plant);
}

// The link and its child are two writes, so two pushed changes: the second finds the link kept in
// place of the first's in the conflict log.
TEST_F(Conflict, ChildrenOfADuplicateLinkMoveToTheLinkKept) {
  const Json role = MustCreate(*device_, "role", {{"office_id", crew_->plant}, {"name", "Crane"}});
  const std::string mine = MustCreate(*device_, "person-office",
                                      {{"person_id", crew_->bruno}, {"office_id", crew_->plant}})
                               .at("person_office_id");
  const std::string now =
      MustCreate(
          *device_, "entity-employee",
          {{"person_office_id", mine}, {"type", "ROLE"}, {"entity_id", role["office_role_id"]}})
          .at("entity_employee_id");
  const std::string theirs =
      MustCreate(*hub_, "person-office", {{"person_id", crew_->bruno}, {"office_id", crew_->plant}})
          .at("person_office_id");
  ASSERT_EQ(SyncBoth(1).size(), 1u);
  EXPECT_EQ(On(*hub_, "entity-employee", now)["person_office_id"], theirs);
  EXPECT_EQ(On(*device_, "entity-employee", now)["person_office_id"], theirs);
}

TEST_F(Conflict, AChildOfARowDeletedOnTheHubRestoresTheParent) {
  const std::string corrective = MustCreate(*device_, "incident-action",
                                            {{"office_incident_id", incident_},
                                             {"entity_id", crew_->fire},
                                             {"description", "Refresher course"}})
                                     .at("office_incident_action_id");
  ASSERT_OK(hub_->Delete("incident", incident_, /*force=*/true));
  auto log = SyncBoth(1);
  EXPECT_EQ(On(*hub_, "incident", incident_)["name"], "Slip on stairs");
  EXPECT_EQ(On(*hub_, "incident-action", corrective)["description"], "Refresher course");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, "PARENT");
  EXPECT_EQ(log[0].collection, "incident");
  EXPECT_EQ(log[0].row_id, incident_);
  EXPECT_EQ(log[0].kept["name"], "Slip on stairs");
}

TEST_F(Conflict, PushingTheSameChangesAgainChangesNothing) {
  // The device as it was before its sync, as if the sync had been lost on the way back.
  ASSERT_OK(device_->Update("person", crew_->bruno, {{"note", "night shift"}}));
  MustCreate(*device_, "incident",
             {{"subtenant_id", crew_->hq}, {"name", "Trip"}, {"date_incident", "2026-11-20"}});
  device_.reset();
  std::filesystem::copy_file(device_path_, dir_.File("before.certo"));
  Reopen("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z");
  SyncBoth(0);
  const auto hub_rows = Rows(*hub_);
  const int64_t history = hub_->SyncStatus().value().position;
  device_.reset();
  std::filesystem::remove(device_path_ + "-wal");
  std::filesystem::remove(device_path_ + "-shm");
  std::filesystem::copy_file(dir_.File("before.certo"), device_path_,
                             std::filesystem::copy_options::overwrite_existing);
  Reopen("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z");
  auto again = device_->SyncWithHub(hub_path_);
  ASSERT_OK(again);
  EXPECT_EQ(again->pushed, 2);  // sent again, applied never twice
  EXPECT_EQ(Rows(*hub_), hub_rows);
  EXPECT_EQ(hub_->SyncStatus().value().position, history);
  EXPECT_EQ(Rows(*device_), hub_rows);
  EXPECT_TRUE(Verified(*device_));
  EXPECT_TRUE(Verified(*hub_));
}

}  // namespace
}  // namespace certo::testing
