// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Devices and sync at the engine's level (certo/sync.h): making a device from a hub, a sync,
// and the hub's conflict log. The pieces live in sync/ (recording, changesets, applying); this
// file decides the order and the transactions, which need both files' engines:
//  * a push is one hub write per batch of the device's changes (up to 1,000), each change
//    recorded in the hub's history as its own row, as the hub applied it, with the device as
//    its origin, and checked against what the changes before it left; not a bulk one: the triggers
//    keep the schedule row by row, as for a write through the API, where a bulk write's one
//    recomputation at the end costs more than a small change (3 ms a change against 0.5, measured
//    with sync_bench);
//  * the pull is one device write (not a bulk one, so that each applied row's event is its own,
//    with its origin, rather than in a bulk write's summaries) that undoes
//    the device's pending changes and replays the hub's history after the device's position, so
//    that a failure anywhere leaves the device as it was and the hub with each pushed change
//    applied at most once.

#include <cctype>
#include <filesystem>
#include <mutex>
#include <set>

#include "base/calendar.h"
#include "base/uuid.h"
#include "db/schema.h"
#include "engine/impl.h"
#include "registry/registry.h"
#include "sync/apply.h"
#include "sync/changeset.h"
#include "sync/exchange.h"
#include "sync/record.h"

namespace certo {

using internal::Fail;

namespace {

// Sets an engine's RecordAs for a scope.
struct RecordAsScope {
  internal::RecordAs& slot;
  internal::RecordAs saved;
  RecordAsScope(internal::RecordAs& s, internal::RecordAs as) : slot(s), saved(s) {
    slot = std::move(as);
  }
  ~RecordAsScope() { slot = saved; }
};

void Step(std::string_view step) {
  if (internal::TEST_SyncStep) internal::TEST_SyncStep(step);
}

std::string SqlQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

SyncState StateOf(internal::Db& db) {
  internal::ReadScope read(db);
  SyncState state;
  auto node = internal::ReadSyncNode(db);
  if (!node) return state;
  state.role = node->role;
  state.node_id = node->node_id;
  state.hub_id = node->hub_id;
  state.project_id = node->project_id;
  state.office_id = node->office_id;
  state.min_schema = node->min_schema;
  if (node->role == "device") {
    state.position = node->position;
    state.pending = db.raw().execAndGet("SELECT count(*) FROM sync_change").getInt64();
  } else {
    state.position =
        db.raw().execAndGet("SELECT coalesce(max(seq), 0) FROM sync_change").getInt64();
  }
  return state;
}

struct Pending {
  int64_t seq;
  std::string change_id, at, changeset;
  int schema;
};

std::string BlobOf(const SQLite::Column& column) {
  return std::string(static_cast<const char*>(column.getBlob()), column.getBytes());
}

// Keeps only project_id's rows in a fresh copy of a hub: the record tables children first (their
// triggers queue what derivation must drop), then what hangs off them.
void KeepProject(internal::Db& db, const std::string& project_id) {
  const auto reviews = db.raw().execAndGet(
      "SELECT count(*) FROM review_campaign WHERE project_id <> " + SqlQuote(project_id));
  if (reviews.getInt64() > 0) {
    Fail(Status::InvalidArgument(
        "the hub holds review campaigns of other projects, which a device of one project cannot "
        "leave behind yet (their history cannot be deleted): make the device from a file of "
        "this project alone"));
  }
  const auto& entities = internal::Entities();
  for (auto it = entities.rbegin(); it != entities.rend(); ++it) {
    const std::string field(it->project_field.empty() ? it->id : it->project_field);
    db.Exec("DELETE FROM " + std::string(it->table) + " WHERE " + field + " <> " +
            SqlQuote(project_id));
  }
  db.Exec(
      "DELETE FROM subscription_requirement WHERE person_id NOT IN (SELECT person_id FROM "
      "person)");
}

// Keeps only the rows of one office and those bound to no office (sync/exchange.h) in a copy of
// a hub already cut to the office's project: every row is judged first, as the hub judges each
// change of its history for the device, then the others are deleted children first.
void KeepOffice(internal::Db& db, const std::string& office_id) {
  internal::OfficeReader offices(db);
  const auto& entities = internal::Entities();
  std::vector<std::pair<const internal::Entity*, std::vector<std::string>>> drop;
  for (const internal::Entity& e : entities) {
    std::vector<std::string> ids;
    SQLite::Statement st(db.raw(), "SELECT " + std::string(e.id) + " FROM " + std::string(e.table));
    while (st.executeStep()) {
      const std::string id = st.getColumn(0).getString();
      auto of = offices.OfRow(std::string(e.table), id);
      if (!of || !internal::OfOffice(*of, office_id)) ids.push_back(id);
    }
    drop.emplace_back(&e, std::move(ids));
  }
  for (auto it = drop.rbegin(); it != drop.rend(); ++it) {
    SQLite::Statement del(db.raw(), "DELETE FROM " + std::string(it->first->table) + " WHERE " +
                                        std::string(it->first->id) + " = ?");
    for (const std::string& id : it->second) {
      del.bind(1, id);
      del.exec();
      del.reset();
    }
  }
}

}  // namespace

Json SyncConflictJson(const SyncConflict& c) {
  return Json{{"conflict_id", c.conflict_id},
              {"detected_at", c.detected_at},
              {"change_id", c.change_id},
              {"kind", c.kind},
              {"collection", c.collection},
              {"row_id", c.row_id},
              {"field", c.field.empty() ? Json(nullptr) : Json(c.field)},
              {"kept", c.kept},
              {"lost", c.lost},
              {"lost_origin", c.lost_origin},
              {"lost_at", c.lost_at},
              {"resolution", c.resolution},
              {"restored_at", c.restored_at.empty() ? Json(nullptr) : Json(c.restored_at)}};
}

void Engine::Impl::RecordChanges(internal::RecordScope& record) {
  std::vector<internal::Change> changes = record.Finish(ctx.Now());
  if (!changes.empty() && !record_as.origin.empty()) {
    internal::EmitRemoteEvents(*db, changes, record_as.origin, FormatDate(Today()));
  }
}

Result<SyncState> Engine::CreateDevice(const DeviceSpec& spec) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  const std::string device_id = internal::NewUuid();
  bool registered = false;
  std::string office = spec.office_id;
  Result<std::string> made = Guard([&] {
    internal::Db& db = *impl_->db;
    if (db.InTransaction())
      Fail(Status::InvalidArgument("a device cannot be made inside a transaction"));
    if (impl_->path.empty() || impl_->path == ":memory:") {
      Fail(Status::InvalidArgument("an in-memory file cannot be a hub"));
    }
    if (spec.out_path.empty()) Fail(Status::Validation("out_path", "must name the device file"));
    if (std::filesystem::exists(spec.out_path)) {
      Fail(Status::Validation(
          "out_path", "'" + spec.out_path + "' already exists: a device is made as a new file"));
    }
    const std::filesystem::path folder = std::filesystem::path(spec.out_path).parent_path();
    if (!folder.empty() && !std::filesystem::is_directory(folder)) {
      Fail(Status::Validation("out_path", "the folder '" + folder.string() + "' does not exist"));
    }
    std::string project = spec.project_id;
    for (char& c : project) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char& c : office) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    {
      internal::ReadScope read(db);
      auto node = internal::ReadSyncNode(db);
      if (node && node->role == "device") {
        Fail(Status::InvalidArgument("this file is a device: make devices from its hub"));
      }
      if (project.empty() && !office.empty() && internal::IsUuid(office)) {
        // An office names its project.
        SQLite::Statement st(db.raw(), "SELECT project_id FROM office WHERE office_id = ?");
        st.bind(1, office);
        if (st.executeStep()) project = st.getColumn(0).getString();
      }
      if (project.empty()) {
        SQLite::Statement st(db.raw(), "SELECT count(*), min(project_id) FROM project");
        st.executeStep();
        if (st.getColumn(0).getInt64() != 1) {
          Fail(Status::Validation("project_id", "the hub holds " + st.getColumn(0).getString() +
                                                    " projects: name the device's"));
        }
        project = st.getColumn(1).getString();
      } else {
        if (!internal::IsUuid(project)) Fail(Status::Validation("project_id", "must be a UUID"));
        SQLite::Statement st(db.raw(), "SELECT 1 FROM project WHERE project_id = ?");
        st.bind(1, project);
        if (!st.executeStep()) Fail(Status::NotFound("no project with project_id " + project));
      }
      if (!office.empty()) {
        if (!internal::IsUuid(office)) Fail(Status::Validation("office_id", "must be a UUID"));
        SQLite::Statement st(db.raw(), "SELECT project_id FROM office WHERE office_id = ?");
        st.bind(1, office);
        if (!st.executeStep()) {
          Fail(
              Status::Validation("office_id", "refers to no office with this id (" + office + ")"));
        }
        if (st.getColumn(0).getString() != project) {
          Fail(Status::Validation("office_id", "office " + office + " is of project " +
                                                   st.getColumn(0).getString() +
                                                   ", not the device's " + project));
        }
      }
    }
    // From here on every write of this file is recorded: the device's position is a change
    // of this history. The hub knows the device from now on (HubHello answers only those).
    impl_->Write([&] {
      if (!internal::ReadSyncNode(db)) {
        SQLite::Statement st(db.raw(),
                             "INSERT INTO sync_state (id, role, node_id, min_schema, created_at) "
                             "VALUES (1, 'hub', ?, ?, ?)");
        st.bind(1, internal::NewUuid());
        st.bind(2, internal::kSyncSchema);
        st.bind(3, impl_->ctx.Now());
        st.exec();
      }
      SQLite::Statement st(db.raw(),
                           "INSERT INTO sync_device (device_id, project_id, key_id, created_at, "
                           "office_id) VALUES (?, ?, nullif(?, ''), ?, nullif(?, ''))");
      st.bind(1, device_id);
      st.bind(2, project);
      st.bind(3, spec.key_id);
      st.bind(4, impl_->ctx.Now());
      st.bind(5, office);
      st.exec();
      return true;
    });
    registered = true;
    db.Exec("VACUUM INTO " + SqlQuote(spec.out_path));
    return project;
  });
  // A device that was not made is not the hub's either.
  auto unregister = [&] {
    if (registered) {
      (void)Guard([&] {
        return impl_->Write([&] {
          SQLite::Statement st(impl_->db->raw(), "DELETE FROM sync_device WHERE device_id = ?");
          st.bind(1, device_id);
          st.exec();
          return true;
        });
      });
    }
  };
  auto remove = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(spec.out_path + suffix, ec);
    }
    unregister();
  };
  if (!made.ok()) {
    unregister();
    return made.status();
  }
  Options options = impl_->ctx.options;
  options.create_if_missing = false;
  auto device = Engine::Open(spec.out_path, options);
  if (!device.ok()) {
    remove();
    return device.status();
  }
  Engine& d = **device;
  Result<bool> done = Guard([&] {
    std::lock_guard<std::recursive_mutex> dlock(d.impl_->mu);
    RecordAsScope as(d.impl_->record_as, internal::RecordAs{.suppress = true});
    internal::Db& db = *d.impl_->db;
    return d.impl_->Write(
        [&] {
          auto hub = internal::ReadSyncNode(db);
          if (!hub || hub->role != "hub") Fail(Status::Internal("the copy of the hub is not one"));
          const int64_t position =
              db.raw().execAndGet("SELECT coalesce(max(seq), 0) FROM sync_change").getInt64();
          for (const char* table : {"sync_change", "sync_applied", "sync_stamp", "sync_tombstone",
                                    "sync_conflict", "sync_device", "api_key", "outbox"}) {
            db.Exec(std::string("DELETE FROM ") + table);
          }
          KeepProject(db, *made);
          if (!office.empty()) KeepOffice(db, office);
          SQLite::Statement st(db.raw(),
                               "UPDATE sync_state SET role = 'device', node_id = ?, hub_id = ?, "
                               "project_id = ?, position = ?, created_at = ?, "
                               "office_id = nullif(?, '') WHERE id = 1");
          st.bind(1, device_id);
          st.bind(2, hub->node_id);
          st.bind(3, *made);
          st.bind(4, position);
          st.bind(5, d.impl_->ctx.Now());
          st.bind(6, office);
          st.exec();
          return true;
        },
        /*bulk=*/true);
  });
  if (!done.ok()) {
    device->reset();
    remove();
    return done.status();
  }
  return d.SyncStatus();
}

namespace {

// The hub file, reached in process: its Engine's side of the sync, as a file's reader.
class FileHub : public SyncHub {
 public:
  explicit FileHub(Engine& hub) : hub_(hub) {}
  Result<HubInfo> Hello(const SyncHello& hello) override { return hub_.HubHello(hello, access_); }
  Result<int64_t> Push(const std::string& device_id, const DeviceChange& change) override {
    return hub_.HubPush(device_id, change, access_);
  }
  Result<int64_t> PushAll(const std::string& device_id,
                          const std::vector<DeviceChange>& changes) override {
    return hub_.HubPush(device_id, changes, access_);
  }
  Result<HubPage> Pull(const std::string& device_id, int64_t after, int schema) override {
    return hub_.HubPull(device_id, after, schema, access_);
  }

 private:
  Engine& hub_;
  HubAccess access_{.file = true};
};

// This file's state as a device about to sync, or a failure saying why it cannot.
internal::SyncNode DeviceNode(internal::Db& db) {
  if (db.InTransaction()) Fail(Status::InvalidArgument("a sync cannot run inside a transaction"));
  internal::ReadScope read(db);
  auto node = internal::ReadSyncNode(db);
  if (!node || node->role != "device") {
    Fail(Status::InvalidArgument(
        "this file is not a device: make one from its hub with `certo device init`"));
  }
  return *node;
}

// The hub's state, or a failure naming what the file is instead.
internal::SyncNode HubNode(internal::Db& db) {
  auto node = internal::ReadSyncNode(db);
  if (!node || node->role != "hub") {
    Fail(Status::InvalidArgument(std::string("this file is not a hub") +
                                 (node ? " (it is a device)" : "") +
                                 ": make a device from it with `certo device init`"));
  }
  return *node;
}

// The rows a device holds: its project's, and when office is set, only those of no office but
// that one (sync/exchange.h).
struct Scope {
  std::string project, office;
};

// The scope of a device the hub made, when access may reach it (HubAccess).
Scope DeviceScope(internal::Db& db, const std::string& device_id, const HubAccess& access) {
  SQLite::Statement& st = db.Cached(
      "SELECT project_id, coalesce(key_id, ''), coalesce(office_id, '') FROM sync_device "
      "WHERE device_id = ?");
  st.bind(1, device_id);
  std::optional<std::pair<std::string, std::string>> row;
  std::string office;
  if (st.executeStep()) {
    row.emplace(st.getColumn(0).getString(), st.getColumn(1).getString());
    office = st.getColumn(2).getString();
  }
  st.reset();
  const std::string unknown = "no device " + device_id + " of this hub";
  if (access.key) {
    // Another key's device and one that does not exist get one answer: a key cannot learn
    // which devices other keys have.
    const bool mine = row && (row->second.empty() ? row->first == access.key->project_id
                                                  : row->second == access.key->key_id);
    if (!mine) Fail(Status::NotFound(unknown + " for this API key (a device syncs with its own)"));
  }
  if (!row) {
    Fail(Status::NotFound(unknown + ": make the device from it with `certo device init --hub`"));
  }
  return Scope{row->first, office};
}

// Whether the hub made a device of one office: then no pushed change may move a row to other
// offices (a certificate to a resource of another office), as no write here may (schema 17).
bool HasOfficeDevices(internal::Db& db) {
  SQLite::Statement& st =
      db.Cached("SELECT EXISTS (SELECT 1 FROM sync_device WHERE office_id IS NOT NULL)");
  const bool any = st.executeStep() && st.getColumn(0).getInt() != 0;
  st.reset();
  return any;
}

bool IsStamp(const std::string& at) {
  // YYYY-MM-DDTHH:MM:SSZ, as a write's updated_at: a conflict is decided by it.
  if (at.size() != 20 || at[4] != '-' || at[7] != '-' || at[10] != 'T' || at[13] != ':' ||
      at[16] != ':' || at[19] != 'Z') {
    return false;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (!std::isdigit(static_cast<unsigned char>(at[i]))) return false;
  }
  return true;
}

// A device of one office: drops the hub's edits of derived rows this device does not hold, and
// says whether it dropped any. A derived subscription of the office that only a demand naming
// another office's rows requires (the office's drill demanded of another office's wardens) is
// the hub's alone, since the demand does not travel (sync/exchange.h), and a derived row's edits
// are of its data only, which the device has no row to keep.
bool DropUnderived(internal::Db& db, std::vector<internal::Change>& changes) {
  SQLite::Statement& held =
      db.Cached("SELECT 1 FROM action_subscription WHERE action_subscription_id = ?");
  const size_t n = changes.size();
  std::erase_if(changes, [&](const internal::Change& c) {
    if (c.op != internal::Op::kUpdate || c.table != "action_subscription") return false;
    held.bind(1, c.Key());
    const bool has = held.executeStep();
    held.reset();
    return !has;
  });
  return changes.size() != n;
}

// At most this much changeset a pull page (the last change may pass it).
constexpr size_t kPullPageBytes = size_t{4} << 20;
constexpr int kPullPageChanges = 1000;
// At most this many changes, and this much changeset (the first change may pass it), a push.
constexpr size_t kPushBatchChanges = 1000;
constexpr size_t kPushBatchBytes = size_t{4} << 20;

}  // namespace

Result<HubInfo> Engine::HubHello(const SyncHello& hello, const HubAccess& access) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::Db& db = *impl_->db;
    std::optional<internal::SyncNode> node;
    bool known = false;
    {
      internal::ReadScope read(db);
      node = HubNode(db);
      SQLite::Statement st(db.raw(), "SELECT 1 FROM sync_device WHERE device_id = ?");
      st.bind(1, hello.device_id);
      known = st.executeStep();
    }
    if (hello.hub_id != node->node_id) {
      Fail(Status::Conflict("this hub is " + node->node_id + ", not the device's hub (" +
                            hello.hub_id + ")"));
    }
    if (!known && access.file && internal::IsUuid(hello.device_id) &&
        internal::IsUuid(hello.project_id)) {
      // A device made before the hub knew its devices; its reader holds the hub file itself.
      impl_->Write([&] {
        SQLite::Statement st(db.raw(),
                             "INSERT OR IGNORE INTO sync_device (device_id, project_id, "
                             "created_at, office_id) VALUES (?, ?, ?, nullif(?, ''))");
        st.bind(1, hello.device_id);
        st.bind(2, hello.project_id);
        st.bind(3, impl_->ctx.Now());
        st.bind(4, hello.office_id);
        st.exec();
        return true;
      });
    }
    internal::ReadScope read(db);
    const Scope scope = DeviceScope(db, hello.device_id, access);
    if (scope.project != hello.project_id) {
      Fail(Status::Conflict("device " + hello.device_id + " was made for project " + scope.project +
                            ", not " + hello.project_id));
    }
    if (scope.office != hello.office_id) {
      // The hub would send rows the device cannot hold, or keep from it rows it holds.
      auto what = [](const std::string& office) {
        return office.empty() ? std::string("its whole project") : "office " + office;
      };
      Fail(Status::Conflict("device " + hello.device_id + " was made for " + what(scope.office) +
                            ", not " + what(hello.office_id)));
    }
    const int schema = internal::SchemaVersionOf(db);
    if (hello.schema > schema) {
      Fail(Status::Incompatible("the device is at schema " + std::to_string(hello.schema) +
                                ", newer than its hub's " + std::to_string(schema) +
                                ": upgrade the hub first"));
    }
    if (hello.schema < node->min_schema) {
      Fail(Status::Incompatible("the device is at schema " + std::to_string(hello.schema) +
                                ", older than the oldest its hub (at schema " +
                                std::to_string(schema) + ") exchanges with, " +
                                std::to_string(node->min_schema) + ": upgrade the device"));
    }
    if (schema < hello.min_schema) {
      Fail(Status::Incompatible("the hub is at schema " + std::to_string(schema) +
                                ", older than the oldest the device (at schema " +
                                std::to_string(hello.schema) + ") exchanges with, " +
                                std::to_string(hello.min_schema) + ": upgrade the hub first"));
    }
    return HubInfo{node->node_id, schema, node->min_schema};
  });
}

Result<int64_t> Engine::HubPush(const std::string& device_id, const DeviceChange& change,
                                const HubAccess& access) {
  return HubPush(device_id, std::vector<DeviceChange>{change}, access);
}

Result<int64_t> Engine::HubPush(const std::string& device_id,
                                const std::vector<DeviceChange>& changes, const HubAccess& access) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  Engine::Impl& h = *impl_;
  return Guard([&]() -> int64_t {
    internal::Db& db = *h.db;
    if (db.InTransaction()) Fail(Status::InvalidArgument("a push cannot run inside a transaction"));
    if (changes.empty()) return 0;
    int64_t conflicts = 0;
    // One transaction for the batch, the outer write recording nothing: each change is
    // recorded by a scope of its own below, as its own row of the history with the device as
    // origin, exactly as if it had been pushed alone. Each change is checked against the state
    // the changes before it left, as it would be after their commits.
    RecordAsScope quiet(h.record_as, internal::RecordAs{.suppress = true});
    h.Write(
        [&] {
          const internal::SyncNode node = HubNode(db);
          const Scope scope = DeviceScope(db, device_id, access);
          const std::string& project = scope.project;
          const bool office_rule = !scope.office.empty() || HasOfficeDevices(db);
          const int schema = internal::SchemaVersionOf(db);
          for (const DeviceChange& change : changes) {
            if (!internal::IsUuid(change.change_id)) {
              Fail(Status::Validation("change_id", "must be a UUID"));
            }
            SQLite::Statement& seen = db.Cached("SELECT 1 FROM sync_applied WHERE change_id = ?");
            seen.bind(1, change.change_id);
            const bool applied = seen.executeStep();
            seen.reset();
            if (applied) continue;  // pushed before: applied once
            if (!IsStamp(change.at)) Fail(Status::Validation("at", "must be YYYY-MM-DDTHH:MM:SSZ"));
            if (change.schema > schema || change.schema < node.min_schema) {
              Fail(Status::Incompatible(
                  "a change written at schema " + std::to_string(change.schema) +
                  " cannot be applied by a hub at schema " + std::to_string(schema) +
                  " (it takes " + std::to_string(node.min_schema) + " and later)"));
            }
            std::vector<internal::Change> decoded;
            try {
              decoded = internal::Decode(change.changeset);
            } catch (const internal::StatusError& e) {
              Fail(Status::InvalidArgument("changeset: not a SQLite changeset (" +
                                           e.status.message() + ")"));
            }
            if (decoded.empty()) Fail(Status::InvalidArgument("changeset: holds no change"));
            internal::CheckColumns(db, decoded,
                                   change.schema == schema ? nullptr : &change.columns);
            for (const internal::Change& c : decoded) {
              const std::string of = internal::ProjectOf(db, c);
              if (!of.empty() && of != project) {
                Fail(Status::InvalidArgument("changeset: row " + c.Key() + " of " + c.table +
                                             " is of project " + of + ", not the device's " +
                                             project));
              }
            }
            if (office_rule) {
              // A device of one office writes its office's rows and those of none; and a row keeps
              // its offices for life, whoever writes it (sync/exchange.h).
              internal::OfficeReader offices(db);
              offices.Expect(decoded);
              for (const internal::Change& c : decoded) {
                const std::set<std::string> after = offices.Of(c, true);
                const std::string row = "changeset: row " + c.Key() + " of " + c.table;
                if (c.op == internal::Op::kUpdate) {
                  const std::set<std::string> before = offices.Of(c, false);
                  if (before != after) {
                    Fail(Status::InvalidArgument(row + " would move from " +
                                                 internal::OfficesText(before) + " to " +
                                                 internal::OfficesText(after) +
                                                 ", which a hub with devices of one office refuses "
                                                 "(delete the row and create it anew)"));
                  }
                }
                if (!internal::OfOffice(after, scope.office)) {
                  Fail(Status::InvalidArgument(
                      row + " is bound to " + internal::OfficesText(after) +
                      ", not only the device's office " + scope.office +
                      " (a device of one office writes the rows of its office "
                      "and those of no office)"));
                }
              }
            }
            internal::RecordScope record(
                db, /*top=*/true,
                internal::RecordAs{
                    .origin = device_id, .at = change.at, .change_id = change.change_id});
            conflicts +=
                internal::ApplyMerge(db, change.changeset, {change.change_id, device_id, change.at},
                                     node.node_id, h.ctx.Now());
            {
              RecordAsScope as(h.record_as, internal::RecordAs{.origin = device_id});
              h.RecordChanges(record);
            }
            SQLite::Statement& st = db.Cached(
                "INSERT INTO sync_applied (change_id, origin, applied_at) VALUES (?, ?, ?)");
            st.bind(1, change.change_id);
            st.bind(2, device_id);
            st.bind(3, h.ctx.Now());
            st.exec();
          }
          return true;
        },
        /*bulk=*/false);
    return conflicts;
  });
}

Result<HubPage> Engine::HubPull(const std::string& device_id, int64_t after, int device_schema,
                                const HubAccess& access) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::Db& db = *impl_->db;
    internal::ReadScope read(db);
    HubNode(db);
    const Scope scope = DeviceScope(db, device_id, access);
    const std::string& project = scope.project;
    std::optional<internal::OfficeReader> offices;
    if (!scope.office.empty()) offices.emplace(db);
    HubPage page;
    page.position = after;
    SQLite::Statement st(db.raw(),
                         "SELECT seq, origin, schema, changeset FROM sync_change WHERE seq > ? "
                         "ORDER BY seq LIMIT ?");
    st.bind(1, after);
    st.bind(2, kPullPageChanges + 1);
    size_t bytes = 0;
    int rows = 0;
    while (st.executeStep()) {
      if (++rows > kPullPageChanges || bytes >= kPullPageBytes) {
        page.more = true;
        break;
      }
      HubChange c{st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getInt(),
                  BlobOf(st.getColumn(3))};
      page.position = c.seq;
      // Only the device's project travels: the hub's other projects are not the device's, nor
      // its key's.
      std::vector<internal::Change> all = internal::Decode(c.changeset), mine;
      for (internal::Change& change : all) {
        if (internal::ProjectOf(db, change) != project) continue;
        // A device of one office: only the rows of its office and those of none.
        if (offices && !internal::OfOffice(offices->Of(change), scope.office)) continue;
        mine.push_back(std::move(change));
      }
      if (mine.empty()) continue;
      if (mine.size() != all.size()) c.changeset = internal::Encode(mine);
      bytes += c.changeset.size();
      page.changes.push_back(std::move(c));
    }
    if (device_schema != internal::SchemaVersionOf(db)) page.columns = internal::RecordColumns(db);
    return page;
  });
}

Result<SyncResult> Engine::SyncWithHub(const std::string& hub_path) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  Options options = impl_->ctx.options;
  options.create_if_missing = false;
  Result<internal::SyncNode> device = Guard([&] { return DeviceNode(*impl_->db); });
  if (!device.ok()) return device.status();
  auto opened = Engine::Open(hub_path, options);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<Engine> hub = std::move(*opened);
  auto state = hub->SyncStatus();
  if (!state.ok()) return state.status();
  if (state->role != "hub" || state->node_id != device->hub_id) {
    return Status::Conflict("'" + hub_path + "' is not this device's hub (" + device->hub_id + ")");
  }
  FileHub file(*hub);
  return SyncWithHub(file);
}

Result<SyncResult> Engine::SyncWithHub(SyncHub& hub) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  internal::Db& db = *impl_->db;
  Result<internal::SyncNode> device = Guard([&] { return DeviceNode(db); });
  if (!device.ok()) return device.status();
  return Guard([&] {
    const internal::SyncNode& me = *device;
    const int my_schema = internal::SchemaVersionOf(db);
    Result<HubInfo> info =
        hub.Hello({me.node_id, me.hub_id, me.project_id, my_schema, me.min_schema, me.office_id});
    if (!info.ok()) Fail(info.status());
    if (info->hub_id != me.hub_id) {
      Fail(Status::Conflict("the hub reached is " + info->hub_id + ", not this device's hub (" +
                            me.hub_id + ")"));
    }
    if (my_schema > info->schema) {
      Fail(Status::Incompatible("the device is at schema " + std::to_string(my_schema) +
                                ", newer than its hub's " + std::to_string(info->schema) +
                                ": upgrade the hub first"));
    }
    SyncResult result;
    RecordAsScope quiet(impl_->record_as, internal::RecordAs{.suppress = true});
    impl_->Write(
        [&] {
          std::vector<Pending> pending;
          {
            SQLite::Statement st(
                db.raw(),
                "SELECT seq, change_id, at, schema, changeset FROM sync_change ORDER BY seq");
            while (st.executeStep()) {
              pending.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(),
                                 st.getColumn(2).getString(), BlobOf(st.getColumn(4)),
                                 st.getColumn(3).getInt()});
            }
          }
          // Push: in batches, each one hub transaction rather than one a change (what a
          // transaction costs beside a small change's apply: sync_bench), each change applied
          // at most once. A batch is bounded so that it crosses HTTP in one body well under
          // serve's default limit.
          for (size_t first = 0; first < pending.size();) {
            std::vector<DeviceChange> batch;
            size_t bytes = 0;
            for (; first < pending.size() && batch.size() < kPushBatchChanges &&
                   (batch.empty() || bytes + pending[first].changeset.size() <= kPushBatchBytes);
                 ++first) {
              const Pending& p = pending[first];
              DeviceChange change{p.change_id, p.at, p.schema, p.changeset, {}};
              if (p.schema != info->schema) {
                change.columns = internal::ColumnsOf(db, internal::Decode(p.changeset));
              }
              bytes += p.changeset.size();
              batch.push_back(std::move(change));
            }
            Result<int64_t> pushed = hub.PushAll(me.node_id, batch);
            if (!pushed.ok()) Fail(pushed.status());
            result.conflicts += *pushed;
            result.pushed += static_cast<int64_t>(batch.size());
            Step("push");
          }
          Step("pull");
          // Pull: back to the state last shared with the hub, then the hub's history since.
          internal::ExactReplay replay(db);
          for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
            replay.Apply(internal::Ordered(internal::Decode(internal::Invert(it->changeset))));
          }
          int64_t position = me.position;
          const std::string today = FormatDate(impl_->Today());
          for (;;) {
            Result<HubPage> page = hub.Pull(me.node_id, position, my_schema);
            if (!page.ok()) Fail(page.status());
            for (const HubChange& c : page->changes) {
              // Decoded first, whatever comes next: the bytes may have crossed a network, and
              // Decode checks them whole before SQLite reads them (sync/changeset.h).
              std::vector<internal::Change> changes = internal::Decode(c.changeset);
              if (!page->columns.empty()) changes = internal::Adapt(db, changes, page->columns);
              if (!me.office_id.empty()) DropUnderived(db, changes);
              if (!changes.empty()) {
                replay.Apply(changes);
                if (c.origin != me.node_id) {
                  internal::EmitRemoteEvents(db, changes, c.origin, today);
                }
              }
              ++result.pulled;
            }
            if (page->more && page->position <= position) {
              Fail(Status::Internal("the hub's page of history after " + std::to_string(position) +
                                    " moved nowhere"));
            }
            position = page->position;
            if (!page->more) break;
          }
          db.Exec("DELETE FROM sync_change");
          SQLite::Statement st(db.raw(), "UPDATE sync_state SET position = ? WHERE id = 1");
          st.bind(1, position);
          st.exec();
          result.position = position;
          Step("commit");
          return true;
        },
        // Not bulk: a bulk write announces its events in summary (docs/events.md), and applied
        // remote changes announce each row with its origin, as local writes do.
        /*bulk=*/false);
    return result;
  });
}

Result<SyncState> Engine::SyncStatus() {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return StateOf(*impl_->db); });
}

Result<std::vector<SyncConflict>> Engine::SyncConflicts(int64_t after, int limit) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  if (limit < 1 || limit > 10000) return Status::Validation("limit", "must be between 1 and 10000");
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    SQLite::Statement st(impl_->db->raw(),
                         "SELECT conflict_id, detected_at, change_id, kind, collection, row_id, "
                         "coalesce(field, ''), kept, lost, lost_origin, lost_at, resolution, "
                         "coalesce(restored_at, '') "
                         "FROM sync_conflict WHERE conflict_id > ? ORDER BY conflict_id LIMIT ?");
    st.bind(1, after);
    st.bind(2, limit);
    std::vector<SyncConflict> out;
    while (st.executeStep()) {
      out.push_back(SyncConflict{
          st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
          st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString(),
          st.getColumn(6).getString(), Json::parse(st.getColumn(7).getString(), nullptr, false),
          Json::parse(st.getColumn(8).getString(), nullptr, false), st.getColumn(9).getString(),
          st.getColumn(10).getString(), st.getColumn(11).getString(),
          st.getColumn(12).getString()});
    }
    return out;
  });
}

Result<Json> Engine::RestoreSyncConflict(int64_t conflict_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  auto log = SyncConflicts(conflict_id - 1, 1);
  if (!log.ok()) return log.status();
  if (log->empty() || (*log)[0].conflict_id != conflict_id) {
    return Status::NotFound("no sync conflict " + std::to_string(conflict_id));
  }
  const SyncConflict& c = (*log)[0];
  if (c.kind != "FIELD") {
    return Status::InvalidArgument("conflict " + std::to_string(conflict_id) + " is " + c.kind +
                                   ": only a FIELD conflict's value is restored from the log");
  }
  if (!c.restored_at.empty()) {
    return Status::Conflict("conflict " + std::to_string(conflict_id) + " was restored at " +
                            c.restored_at);
  }
  Json row;
  Status done = Transaction([&](Engine& e) {
    Result<Json> updated = e.Update(c.collection, c.row_id, Json{{c.field, c.lost}});
    if (!updated.ok()) return updated.status();
    row = *updated;
    return Guard([&] {
             SQLite::Statement st(impl_->db->raw(),
                                  "UPDATE sync_conflict SET restored_at = ? WHERE conflict_id = ?");
             st.bind(1, impl_->ctx.Now());
             st.bind(2, conflict_id);
             st.exec();
             return true;
           })
        .status();
  });
  if (!done.ok()) return done;
  return row;
}

}  // namespace certo
