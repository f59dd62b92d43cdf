// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The hub's side of a sync as any transport reaches it (certo/sync.h, "Transport": HubHello,
// HubPush, HubPull, and Engine::SyncWithHub(SyncHub&)): what it refuses and changes nothing for
// (bytes that are not a changeset, an unknown device, another project's rows, another key's
// device), what a hub of several projects sends a device of one, and mixed schema versions.
// Older and newer schemas are faked here (a change cut to fewer columns and marked with an older
// version; a transport that reports another version or adds a column), not built with an old
// certo: the rules only read the versions and the column names each side reports.

#include <set>

#include <gtest/gtest.h>

#include "db/schema.h"
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

std::multiset<std::string> Rows(Engine& engine, const std::string& project = "") {
  std::multiset<std::string> rows;
  EXPECT_TRUE(engine.Export(project, [&](const Json& r) { rows.insert(r.dump()); }).ok());
  return rows;
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

std::vector<std::string> Columns(const std::string& path, const std::string& table) {
  SQLite::Database db(path);
  SQLite::Statement st(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  st.bind(1, table);
  std::vector<std::string> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getString());
  return out;
}

int SchemaOf(const std::string& path) {
  SQLite::Database db(path);
  return db.execAndGet("PRAGMA user_version").getInt();
}

struct Files {
  TempDir dir;
  std::string hub_path = dir.File("hub.certo");
  std::string device_path = dir.File("device.certo");
};

// The hub file, passed through a test's hands on its way.
class Through : public SyncHub {
 public:
  explicit Through(Engine& hub) : hub_(hub) {}
  Result<HubInfo> Hello(const SyncHello& hello) override {
    Result<HubInfo> info = hub_.HubHello(hello, access);
    if (info.ok() && hub_schema) info->schema = hub_schema;
    return info;
  }
  Result<int64_t> Push(const std::string& device_id, const DeviceChange& change) override {
    pushed.push_back(change);
    return hub_.HubPush(device_id, change, access);
  }
  Result<HubPage> Pull(const std::string& device_id, int64_t after, int schema) override {
    Result<HubPage> page = hub_.HubPull(device_id, after, schema, access);
    if (page.ok() && on_page) on_page(*page);
    return page;
  }
  HubAccess access{.file = true};
  int hub_schema = 0;  // non-zero: the schema the hub is said to be at
  std::function<void(HubPage&)> on_page;
  std::vector<DeviceChange> pushed;

 private:
  Engine& hub_;
};

TEST(HubExchange, ADeviceSyncsThroughAnyTransportAsWithTheFile) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  ASSERT_OK(hub->Update("person", crew.carla, {{"note", "on leave"}}));
  Through hub_link(*hub);
  auto synced = device->SyncWithHub(hub_link);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->pushed, 1);
  EXPECT_EQ(synced->pulled, 2);
  EXPECT_TRUE(hub_link.pushed[0].columns.empty());  // same schema: no column names travel
  EXPECT_EQ(Rows(*device), Rows(*hub));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

TEST(HubExchange, APushRefusesWhatIsNotAChangeOfTheDevicesProjectAndChangesNothing) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  const std::string other =
      MustCreate(*hub, "project", {{"name", "Other"}})["project_id"].get<std::string>();
  const std::string stranger = MustCreate(
      *hub, "person",
      {{"project_id", other}, {"first_name", "Zeno"}, {"last_name", "Neri"}})["person_id"];
  auto made = hub->CreateDevice({f.device_path, crew.project});
  ASSERT_OK(made);
  const std::string device_id = made->node_id;
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  DeviceChange good = Pending(f.device_path).at(0);
  const HubAccess access{.file = true};
  const auto before = Rows(*hub);
  const int64_t history = hub->SyncStatus().value().position;

  DeviceChange garbage = good;
  garbage.change_id = "5a0b2a4e-0000-4000-8000-0000000000aa";
  garbage.changeset = "not a changeset at all";
  auto refused = hub->HubPush(device_id, garbage, access);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(refused.status().message().starts_with("changeset: not a SQLite changeset"))
      << refused.status().message();

  // Bytes on which SQLite 3.40's own iterator never returns: refused before it reads them.
  using namespace std::string_literals;
  for (const std::string& bytes : {"T\x02garbage bytes, not a changeset"s, "T\x01\x01person"s,
                                   "T\x01\x01person\0\x12\0\x03\x7f"s, "\x12\0\x05"s}) {
    garbage.changeset = bytes;
    auto malformed = hub->HubPush(device_id, garbage, access);
    ASSERT_FALSE(malformed.ok());
    EXPECT_EQ(malformed.status().code(), Code::kInvalidArgument);
  }
  garbage.changeset = "T\x02garbage bytes, not a changeset";
  EXPECT_EQ(hub->HubPush(device_id, garbage, access).status().message(),
            "changeset: not a SQLite changeset (a sync changeset is malformed (a table header's "
            "primary-key flags))");

  auto unknown = hub->HubPush("5a0b2a4e-0000-4000-8000-0000000000bb", good, access);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_EQ(unknown.status().message(),
            "no device 5a0b2a4e-0000-4000-8000-0000000000bb of this hub: make the device from it "
            "with `certo device init --hub`");

  // The same update, aimed at the other project's person.
  std::vector<Change> changes = internal::Decode(good.changeset);
  ASSERT_EQ(changes.size(), 1u);
  for (auto& v : changes[0].old_values) {
    if (v && v->bytes == crew.bruno) v->bytes = stranger;
  }
  DeviceChange across = good;
  across.change_id = "5a0b2a4e-0000-4000-8000-0000000000cc";
  across.changeset = internal::Encode(changes);
  auto outside = hub->HubPush(device_id, across, access);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().message(), "changeset: row " + stranger + " of person is of project " +
                                            other + ", not the device's " + crew.project);

  DeviceChange stamp = good;
  stamp.at = "tomorrow";
  auto bad_at = hub->HubPush(device_id, stamp, access);
  ASSERT_FALSE(bad_at.ok());
  EXPECT_EQ(bad_at.status().ToString(), "validation: at: must be YYYY-MM-DDTHH:MM:SSZ");

  // Another key's device does not exist for a key.
  HubAccess keyed;
  keyed.key = ApiKey{.key_id = "0123456789abcdef0123456789abcdef", .project_id = other};
  auto wrong_key = hub->HubPush(device_id, good, keyed);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.status().code(), Code::kNotFound);

  EXPECT_EQ(Rows(*hub), before);
  EXPECT_EQ(hub->SyncStatus().value().position, history);
  // The good one, twice: applied once.
  ASSERT_OK(hub->HubPush(device_id, good, access));
  const int64_t once = hub->SyncStatus().value().position;
  auto again = hub->HubPush(device_id, good, access);
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(hub->SyncStatus().value().position, once);
  EXPECT_TRUE(Verified(*hub));
}

TEST(HubExchange, ADeviceOfOneProjectPullsNothingOfTheHubsOthers) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  const std::string other =
      MustCreate(*hub, "project", {{"name", "Other"}})["project_id"].get<std::string>();
  ASSERT_OK(hub->CreateDevice({f.device_path, crew.project}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  // After the device was made: a write in each project, and one transaction across both.
  MustCreate(*hub, "person", {{"project_id", other}, {"first_name", "Zeno"}, {"last_name", "N"}});
  ASSERT_OK(hub->Update("person", crew.carla, {{"note", "on leave"}}));
  const Status both = hub->Transaction([&](Engine& e) {
    auto a = e.Create("person", {{"project_id", other}, {"first_name", "Ugo"}, {"last_name", "B"}});
    if (!a.ok()) return a.status();
    return e.Update("person", crew.ada, {{"note", "first aider"}}).status();
  });
  ASSERT_TRUE(both.ok()) << both.ToString();
  auto synced = device->SyncWithHub(f.hub_path);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->pulled, 2);  // Carla's note, and the ACME half of the transaction
  EXPECT_EQ(synced->position, hub->SyncStatus().value().position);
  EXPECT_EQ(Rows(*device), Rows(*hub, crew.project));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

// A history longer than a page (1,000 changes) is pulled page after page in the one device
// transaction.
TEST(HubExchange, AHistoryLongerThanAPageIsPulledWhole) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  for (int i = 0; i < 1003; ++i) {
    ASSERT_OK(hub->Update("person", crew.carla, {{"note", "note " + std::to_string(i)}}));
  }
  Through paged(*hub);
  std::vector<size_t> pages;
  paged.on_page = [&](HubPage& page) { pages.push_back(page.changes.size()); };
  auto synced = device->SyncWithHub(paged);
  ASSERT_OK(synced);
  EXPECT_EQ(pages, (std::vector<size_t>{1000, 3}));
  EXPECT_EQ(synced->pulled, 1003);
  EXPECT_EQ(device->View("person", crew.carla).value()["note"], "note 1002");
  EXPECT_EQ(Rows(*device), Rows(*hub));
  EXPECT_TRUE(Verified(*device));
}

// Every byte of a real changeset changed, and every prefix of it: each decodes or is refused,
// and none keeps the reader for ever.
TEST(HubExchange, DecodingReturnsOnEveryCorruptionOfARealChangeset) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  MustCreate(*device, "person",
             {{"project_id", crew.project}, {"first_name", "Elio"}, {"last_name", "Gallo"}});
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  int refused = 0, read = 0;
  auto attempt = [&](const std::string& bytes) {
    try {
      internal::Decode(bytes);
      ++read;
    } catch (const internal::StatusError&) {
      ++refused;
    }
  };
  for (const DeviceChange& change : Pending(f.device_path)) {
    const std::string& good = change.changeset;
    for (size_t i = 0; i < good.size(); ++i) {
      attempt(good.substr(0, i));
      for (unsigned char v : {0x00, 0x01, 0x02, 0x09, 0x12, 0x17, 0x54, 0x7f, 0x80, 0xff}) {
        std::string bad = good;
        bad[i] = static_cast<char>(v);
        attempt(bad);
      }
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(read, 0);
}

// A batch is one hub transaction: each change its own row of the history, applied once; a change
// refused refuses the batch, the changes before it included.
TEST(HubExchange, ABatchIsAppliedWholeChangeByChangeOrNotAtAll) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  auto made = hub->CreateDevice({f.device_path, crew.project});
  ASSERT_OK(made);
  const std::string device_id = made->node_id;
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  ASSERT_OK(device->Update("person", crew.carla, {{"note", "day shift"}}));
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "back on days"}}));
  const std::vector<DeviceChange> pending = Pending(f.device_path);
  ASSERT_EQ(pending.size(), 3u);
  const HubAccess access{.file = true};
  const auto before = Rows(*hub);
  const int64_t history = hub->SyncStatus().value().position;

  DeviceChange bad = pending[2];
  bad.change_id = "5a0b2a4e-0000-4000-8000-0000000000dd";
  bad.at = "tomorrow";
  auto refused = hub->HubPush(device_id, {pending[0], pending[1], bad}, access);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().ToString(), "validation: at: must be YYYY-MM-DDTHH:MM:SSZ");
  EXPECT_EQ(Rows(*hub), before);
  EXPECT_EQ(hub->SyncStatus().value().position, history);

  // The first change again inside the batch: applied once.
  auto pushed = hub->HubPush(device_id, {pending[0], pending[1], pending[0], pending[2]}, access);
  ASSERT_OK(pushed);
  EXPECT_EQ(*pushed, 0);
  EXPECT_EQ(hub->SyncStatus().value().position, history + 3);
  EXPECT_EQ(hub->View("person", crew.bruno).value()["note"], "back on days");
  EXPECT_EQ(hub->View("person", crew.carla).value()["note"], "day shift");
  {
    SQLite::Database db(f.hub_path);
    SQLite::Statement st(db,
                         "SELECT change_id, origin FROM sync_change WHERE seq > ? ORDER BY seq");
    st.bind(1, history);
    std::vector<std::string> ids;
    while (st.executeStep()) {
      ids.push_back(st.getColumn(0).getString());
      EXPECT_EQ(st.getColumn(1).getString(), device_id);
    }
    EXPECT_EQ(ids, (std::vector<std::string>{pending[0].change_id, pending[1].change_id,
                                             pending[2].change_id}));
  }
  auto again = hub->HubPush(device_id, pending, access);
  ASSERT_OK(again);
  EXPECT_EQ(hub->SyncStatus().value().position, history + 3);
  ASSERT_OK(device->SyncWithHub(f.hub_path));
  EXPECT_EQ(Rows(*device), Rows(*hub));
  EXPECT_TRUE(Verified(*device));
  EXPECT_TRUE(Verified(*hub));
}

// A transport that fails at its nth call (a lost connection) leaves the device as it was, and
// the next sync resumes without loss or duplicates, whatever was pushed before the failure.
TEST(HubExchange, ALostConnectionAtAnyCallResumesWithoutLossOrDuplicates) {
  for (int fail_at = 1; fail_at <= 5; ++fail_at) {
    SCOPED_TRACE(fail_at);
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
    // Calls: hello, push, push, pull (one page), and nothing after: 5 does not fail.
    class Flaky : public Through {
     public:
      Flaky(Engine& hub, int fail_at) : Through(hub), fail_at_(fail_at) {}
      Result<HubInfo> Hello(const SyncHello& h) override {
        if (++calls_ == fail_at_) return Status::IOError("the connection dropped");
        return Through::Hello(h);
      }
      Result<int64_t> Push(const std::string& d, const DeviceChange& c) override {
        if (++calls_ == fail_at_) return Status::IOError("the connection dropped");
        return Through::Push(d, c);
      }
      Result<HubPage> Pull(const std::string& d, int64_t after, int schema) override {
        if (++calls_ == fail_at_) return Status::IOError("the connection dropped");
        return Through::Pull(d, after, schema);
      }

     private:
      int fail_at_, calls_ = 0;
    } flaky(*hub, fail_at);
    auto first = device->SyncWithHub(flaky);
    if (fail_at <= 4) {
      ASSERT_FALSE(first.ok());
      EXPECT_EQ(first.status().message(), "the connection dropped");
      EXPECT_EQ(Rows(*device), before);
      EXPECT_EQ(device->SyncStatus().value().pending, 2);
      EXPECT_TRUE(Verified(*device));
      EXPECT_TRUE(Verified(*hub));
      Through again(*hub);
      ASSERT_OK(device->SyncWithHub(again));
    } else {
      ASSERT_OK(first);
    }
    EXPECT_EQ(Rows(*device), Rows(*hub));
    EXPECT_TRUE(Verified(*device));
    EXPECT_TRUE(Verified(*hub));
    Query q;
    q.filter = {{"name", "Slip"}};
    EXPECT_EQ(hub->Index("incident", q).value().rows.size(), 1u);
    EXPECT_EQ(device->SyncStatus().value().pending, 0);
  }
}

TEST(MixedVersions, ADeviceNewerThanItsHubIsRefusedNamingBothVersions) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  auto made = hub->CreateDevice({f.device_path, ""});
  ASSERT_OK(made);
  const int schema = SchemaOf(f.hub_path);
  // The hub's side, asked by a device one schema ahead.
  auto ahead =
      hub->HubHello({made->node_id, made->hub_id, crew.project, schema + 1, internal::kSyncSchema},
                    HubAccess{.file = true});
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.status().code(), Code::kIncompatible);
  EXPECT_EQ(ahead.status().message(), "the device is at schema " + std::to_string(schema + 1) +
                                          ", newer than its hub's " + std::to_string(schema) +
                                          ": upgrade the hub first");
  // The device's side, told by a hub one schema behind: nothing moves.
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  Through behind(*hub);
  behind.hub_schema = schema - 1;
  auto synced = device->SyncWithHub(behind);
  ASSERT_FALSE(synced.ok());
  EXPECT_EQ(synced.status().message(), "the device is at schema " + std::to_string(schema) +
                                           ", newer than its hub's " + std::to_string(schema - 1) +
                                           ": upgrade the hub first");
  EXPECT_TRUE(behind.pushed.empty());
  EXPECT_EQ(device->SyncStatus().value().pending, 1);
  // A device older than the oldest schema the hub exchanges with.
  auto old = hub->HubHello({made->node_id, made->hub_id, crew.project, internal::kSyncSchema - 1,
                            internal::kSyncSchema - 1},
                           HubAccess{.file = true});
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().message(),
            "the device is at schema " + std::to_string(internal::kSyncSchema - 1) +
                ", older than the oldest its hub (at schema " + std::to_string(schema) +
                ") exchanges with, " + std::to_string(internal::kSyncSchema) +
                ": upgrade the device");
}

// An older schema's change: the hub's person table with its last column not yet there.
TEST(MixedVersions, AHubAppliesAnOlderDevicesChangeByItsColumnsNames) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  auto made = hub->CreateDevice({f.device_path, ""});
  ASSERT_OK(made);
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  const Json elio = MustCreate(*device, "person",
                               {{"project_id", crew.project},
                                {"first_name", "Elio"},
                                {"last_name", "Gallo"},
                                {"code", "E009"}});
  DeviceChange change = Pending(f.device_path).at(0);
  std::vector<Change> changes = internal::Decode(change.changeset);
  ASSERT_EQ(changes.size(), 1u);
  std::vector<std::string> cols = Columns(f.hub_path, "person");
  const std::string last = cols.back();
  cols.pop_back();
  changes[0].pk.pop_back();
  changes[0].new_values.pop_back();
  changes[0].old_values.pop_back();
  change.changeset = internal::Encode(changes);
  change.schema = internal::kSyncSchema;  // older than the hub's
  ASSERT_LT(change.schema, SchemaOf(f.hub_path));
  const HubAccess access{.file = true};

  DeviceChange unnamed = change;  // an older change must name its columns
  auto refused = hub->HubPush(made->node_id, unnamed, access);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().ToString(),
            "validation: columns: must list the writer's columns of table person (the change is "
            "of another schema than the hub's)");

  DeviceChange unknown = change;  // a column the hub does not have
  unknown.columns["person"] = cols;
  unknown.columns["person"][2] = "nickname";
  auto missing = hub->HubPush(made->node_id, unknown, access);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kIncompatible);
  EXPECT_EQ(missing.status().message(),
            "table person has no column nickname here: the change needs a hub at the writer's "
            "schema");

  DeviceChange swapped = change;  // two columns in another order
  swapped.columns["person"] = cols;
  std::swap(swapped.columns["person"][2], swapped.columns["person"][3]);
  auto moved = hub->HubPush(made->node_id, swapped, access);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().message(), "column " + cols[3] +
                                          " of table person is column 3 for "
                                          "the writer and 4 here");
  EXPECT_FALSE(hub->View("person", elio["person_id"].get<std::string>())
                   .ok());  // none of them changed anything

  change.columns["person"] = cols;
  ASSERT_OK(hub->HubPush(made->node_id, change, access));
  auto row = hub->View("person", elio["person_id"].get<std::string>());
  ASSERT_OK(row);
  EXPECT_EQ((*row)["first_name"], "Elio");
  EXPECT_EQ((*row)["code"], "E009");
  EXPECT_TRUE(Verified(*hub));
  (void)last;
}

// A newer hub's changes, pulled by an older device: a column the device does not have is
// dropped by name (faked: the hub's pages gain a column "future" after the device's last).
TEST(MixedVersions, AnOlderDevicePullsANewerHubsChangesCutToItsColumns) {
  Files f;
  auto hub = OpenAt(f.hub_path, "2026-11-22T08:00:00Z");
  Crew crew(*hub);
  ASSERT_OK(hub->CreateDevice({f.device_path, ""}));
  auto device = OpenAt(f.device_path, "2026-11-22T09:00:00Z");
  ASSERT_OK(device->Update("person", crew.bruno, {{"note", "night shift"}}));
  MustCreate(*hub, "person",
             {{"project_id", crew.project}, {"first_name", "Ivo"}, {"last_name", "Conti"}});
  ASSERT_OK(hub->Update("person", crew.carla, {{"note", "on leave"}}));
  Through newer(*hub);
  int adapted = 0;
  newer.on_page = [&](HubPage& page) {
    page.columns.clear();
    page.columns["person"] = Columns(f.hub_path, "person");
    page.columns["person"].push_back("future");
    for (HubChange& c : page.changes) {
      std::vector<Change> changes = internal::Decode(c.changeset);
      for (Change& change : changes) {
        if (change.table != "person") continue;
        change.pk.push_back(false);
        change.old_values.push_back(change.op == Op::kInsert ? std::nullopt
                                    : change.op == Op::kDelete
                                        ? std::optional<internal::Value>(internal::Value{})
                                        : std::nullopt);
        change.new_values.push_back(
            change.op == Op::kDelete
                ? std::nullopt
                : std::optional<internal::Value>(internal::Value{.type = 3, .bytes = "x"}));
        ++adapted;
      }
      c.changeset = internal::Encode(changes);
    }
  };
  auto synced = device->SyncWithHub(newer);
  ASSERT_OK(synced);
  EXPECT_EQ(adapted, 3);  // Bruno's note as the hub applied it, Ivo, Carla's note
  EXPECT_EQ(Rows(*device), Rows(*hub));
  EXPECT_TRUE(Verified(*device));
}

}  // namespace
}  // namespace certo::testing
