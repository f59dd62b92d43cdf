// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Devices and sync at the engine's level (certo/sync.h): making a device from a hub, a sync,
// and the hub's conflict log. The pieces live in sync/ (recording, changesets, applying); this
// file decides the order and the transactions, which need both files' engines:
//  * a pushed change is one hub write, recorded in the hub's history as the hub applied it, with
//    the device as its origin; not a bulk one: the triggers keep the schedule row by row, as for
//    a write through the API, where a bulk write's one recomputation at the end costs more than
//    a small change (3 ms a change against 0.5, measured with sync_bench);
//  * the pull is one device write (not a bulk one, so that each applied row's event is its own,
//    with its origin, rather than in a bulk write's summaries) that undoes
//    the device's pending changes and replays the hub's history after the device's position, so
//    that a failure anywhere leaves the device as it was and the hub with each pushed change
//    applied at most once.

#include <filesystem>
#include <mutex>

#include "base/calendar.h"
#include "base/uuid.h"
#include "db/schema.h"
#include "engine/impl.h"
#include "registry/registry.h"
#include "sync/apply.h"
#include "sync/changeset.h"
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
    {
      internal::ReadScope read(db);
      auto node = internal::ReadSyncNode(db);
      if (node && node->role == "device") {
        Fail(Status::InvalidArgument("this file is a device: make devices from its hub"));
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
    }
    // From here on every write of this file is recorded: the device's position is a change
    // of this history.
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
      return true;
    });
    db.Exec("VACUUM INTO " + SqlQuote(spec.out_path));
    return project;
  });
  if (!made.ok()) return made.status();
  auto remove = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(spec.out_path + suffix, ec);
    }
  };
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
                                    "sync_conflict", "api_key", "outbox"}) {
            db.Exec(std::string("DELETE FROM ") + table);
          }
          KeepProject(db, *made);
          SQLite::Statement st(db.raw(),
                               "UPDATE sync_state SET role = 'device', node_id = ?, hub_id = ?, "
                               "project_id = ?, position = ?, created_at = ? WHERE id = 1");
          st.bind(1, internal::NewUuid());
          st.bind(2, hub->node_id);
          st.bind(3, *made);
          st.bind(4, position);
          st.bind(5, d.impl_->ctx.Now());
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

Result<SyncResult> Engine::SyncWithHub(const std::string& hub_path) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  Options options = impl_->ctx.options;
  options.create_if_missing = false;
  std::unique_ptr<Engine> hub;
  Result<internal::SyncNode> device = Guard([&] {
    internal::Db& db = *impl_->db;
    if (db.InTransaction()) Fail(Status::InvalidArgument("a sync cannot run inside a transaction"));
    internal::ReadScope read(db);
    auto node = internal::ReadSyncNode(db);
    if (!node || node->role != "device") {
      Fail(Status::InvalidArgument(
          "this file is not a device: make one from its hub with `certo device init`"));
    }
    return *node;
  });
  if (!device.ok()) return device.status();
  {
    auto opened = Engine::Open(hub_path, options);
    if (!opened.ok()) return opened.status();
    hub = std::move(*opened);
  }
  Engine::Impl& h = *hub->impl_;
  std::lock_guard<std::recursive_mutex> hub_lock(h.mu);
  return Guard([&] {
    const internal::SyncNode& me = *device;
    std::optional<internal::SyncNode> hub_node;
    {
      internal::ReadScope read(*h.db);
      hub_node = internal::ReadSyncNode(*h.db);
    }
    if (!hub_node || hub_node->role != "hub" || hub_node->node_id != me.hub_id) {
      Fail(Status::Conflict("'" + hub_path + "' is not this device's hub (" + me.hub_id + ")"));
    }
    const int hub_schema = internal::SchemaVersionOf(*h.db);
    const int my_schema = internal::SchemaVersionOf(*impl_->db);
    if (my_schema > hub_schema) {
      Fail(Status::Incompatible("the device is at schema " + std::to_string(my_schema) +
                                ", newer than its hub's " + std::to_string(hub_schema) +
                                ": upgrade the hub first"));
    }
    SyncResult result;
    RecordAsScope quiet(impl_->record_as, internal::RecordAs{.suppress = true});
    internal::Db& db = *impl_->db;
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
          // Push: each change one hub transaction, applied at most once.
          for (const Pending& p : pending) {
            RecordAsScope as(
                h.record_as,
                internal::RecordAs{.origin = me.node_id, .at = p.at, .change_id = p.change_id});
            h.Write(
                [&] {
                  SQLite::Statement seen(h.db->raw(),
                                         "SELECT 1 FROM sync_applied WHERE change_id = ?");
                  seen.bind(1, p.change_id);
                  if (seen.executeStep()) return true;
                  if (p.schema > hub_schema || p.schema < hub_node->min_schema) {
                    Fail(Status::Incompatible(
                        "a change written at schema " + std::to_string(p.schema) +
                        " cannot be applied by a hub at schema " + std::to_string(hub_schema) +
                        " (it takes " + std::to_string(hub_node->min_schema) + " and later)"));
                  }
                  result.conflicts +=
                      internal::ApplyMerge(*h.db, p.changeset, {p.change_id, me.node_id, p.at},
                                           hub_node->node_id, h.ctx.Now());
                  SQLite::Statement st(h.db->raw(),
                                       "INSERT INTO sync_applied (change_id, origin, applied_at) "
                                       "VALUES (?, ?, ?)");
                  st.bind(1, p.change_id);
                  st.bind(2, me.node_id);
                  st.bind(3, h.ctx.Now());
                  st.exec();
                  return true;
                },
                /*bulk=*/false);
            ++result.pushed;
            Step("push");
          }
          Step("pull");
          // Pull: back to the state last shared with the hub, then the hub's history since.
          for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
            internal::ApplyExact(db, internal::Encode(internal::Ordered(
                                         internal::Decode(internal::Invert(it->changeset)))));
          }
          int64_t position = me.position;
          const std::string today = FormatDate(impl_->Today());
          {
            internal::ReadScope read(*h.db);
            SQLite::Statement st(h.db->raw(),
                                 "SELECT seq, origin, changeset FROM sync_change WHERE seq > ? "
                                 "ORDER BY seq");
            st.bind(1, me.position);
            while (st.executeStep()) {
              const std::string changeset = BlobOf(st.getColumn(2));
              const std::string origin = st.getColumn(1).getString();
              internal::ApplyExact(db, changeset);
              if (origin != me.node_id) {
                internal::EmitRemoteEvents(db, internal::Decode(changeset), origin, today);
              }
              position = st.getColumn(0).getInt64();
              ++result.pulled;
            }
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
