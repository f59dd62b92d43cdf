// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The Engine's C++ API: each public call takes the engine's mutex, runs inside Guard (so no
// exception crosses the API) and, when it writes, inside Impl::Write (one atomic unit whose
// events reach the handlers after the commit). The work itself belongs to the subsystems below.

#include "certo/engine.h"

#include <filesystem>
#include <limits>
#include <map>
#include <mutex>

#include "base/calendar.h"
#include "db/db.h"
#include "db/open.h"
#include "db/schema.h"
#include "db/sql_functions.h"
#include "engine/impl.h"
#include "people_sync/people_sync.h"
#include "registry/registry.h"
#include "report/export.h"
#include "report/report.h"
#include "report/requirements.h"
#include "report/trend.h"
#include "review/review.h"
#include "schedule/schedule.h"
#include "store/store.h"

namespace certo {

using internal::Date;
using internal::Db;
using internal::Fail;
using internal::StatusError;
using internal::WriteScope;

namespace {

const internal::Entity& EntityOf(std::string_view collection) {
  const internal::Entity* e = internal::FindEntity(collection);
  if (!e) Fail(Status::NotFound("unknown collection '" + std::string(collection) + "'"));
  return *e;
}

}  // namespace

Status Engine::Impl::Run(Engine& engine, const std::function<Status(Engine&)>& body, bool bulk) {
  return Guard([&] {
           return Write(
               [&] {
                 Status status = body(engine);
                 if (!status.ok()) Fail(std::move(status));
                 return true;
               },
               bulk);
         })
      .status();
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& path, const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->ctx.options = options;
  impl->path = path;
  const bool memory = path == ":memory:";
  if (!memory && !options.create_if_missing && !std::filesystem::exists(path)) {
    return Status::IOError("'" + path + "' does not exist");
  }
  if (options.busy_timeout_ms < 0) {
    return Status::Validation("busy_timeout_ms", "must not be negative");
  }
  Result<bool> opened = Guard([&] {
    impl->db = internal::OpenFile(path, options, &impl->ctx);
    impl->store = std::make_unique<internal::Store>(*impl->db, impl->ctx);
    return true;
  });
  if (!opened.ok()) return opened.error();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Result<Json> Engine::Create(std::string_view collection, const Json& record) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    return impl_->Write([&] { return impl_->store->Create(e, record); });
  });
}

Result<std::string> Engine::Insert(std::string_view collection, const Json& record) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    return impl_->Write([&] {
      return impl_->store->Create(e, record, /*full=*/false)[std::string(e.id)].get<std::string>();
    });
  });
}

Result<Json> Engine::View(std::string_view collection, std::string_view id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return impl_->store->View(EntityOf(collection), id); });
}

Result<std::string> Engine::Lookup(std::string_view collection, std::string_view project_id,
                                   std::string_view code) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return impl_->store->IdByCode(EntityOf(collection), project_id, code); });
}

Result<Json> Engine::Update(std::string_view collection, std::string_view id, const Json& changes) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    return impl_->Write([&] { return impl_->store->Update(e, id, changes); });
  });
}

Result<Page> Engine::Index(std::string_view collection, const Query& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    internal::AsOfScope as_of(impl_->ctx, query.as_of);
    if (e.collection == "action-subscription") {
      return internal::Index(*impl_->db, *impl_->store, query);
    }
    return impl_->store->Index(e, query);
  });
}

Result<DeleteResult> Engine::Delete(std::string_view collection, std::string_view id, bool force) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    if (!force) return impl_->store->Delete(e, id, false);
    return impl_->Write([&] { return impl_->store->Delete(e, id, true); });
  });
}

namespace {
const internal::Entity& HistoricizableOf(std::string_view collection) {
  const auto& e = EntityOf(collection);
  if (!e.historicizable) {
    Fail(Status::NotFound("'" + std::string(collection) + "' rows cannot be historicized"));
  }
  return e;
}
}  // namespace

Result<Json> Engine::Historicize(std::string_view collection, std::string_view id,
                                 std::optional<std::chrono::year_month_day> date) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = HistoricizableOf(collection);
    if (date && !date->ok()) {
      Fail(Status::Validation("date", "must be a real calendar date in the form YYYY-MM-DD"));
    }
    Date when = date ? *date : impl_->Today();
    return impl_->Write([&] { return impl_->store->SetRetired(e, id, when); });
  });
}

Result<Json> Engine::Restore(std::string_view collection, std::string_view id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = HistoricizableOf(collection);
    return impl_->Write([&] { return impl_->store->SetRetired(e, id, std::nullopt); });
  });
}

Result<Json> Engine::RevokeCertificate(std::string_view id,
                                       std::optional<std::chrono::year_month_day> date,
                                       std::string_view reason) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    if (date && !date->ok()) {
      Fail(Status::Validation("date", "must be a real calendar date in the form YYYY-MM-DD"));
    }
    const Date when = date ? *date : impl_->Today();
    return impl_->Write([&] { return impl_->store->SetRevoked(id, when, reason); });
  });
}

Result<Json> Engine::UnrevokeCertificate(std::string_view id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard(
      [&] { return impl_->Write([&] { return impl_->store->SetRevoked(id, std::nullopt, {}); }); });
}

Status Engine::Transaction(const std::function<Status(Engine&)>& body) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return impl_->Run(*this, body, /*bulk=*/false);
}

Status Engine::BulkTransaction(const std::function<Status(Engine&)>& body) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return impl_->Run(*this, body, /*bulk=*/true);
}

Result<Page> Engine::Changes(const ChangesQuery& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return internal::Changes(*impl_->db, *impl_->store, query); });
}

Result<std::map<ScheduleStatus, int64_t>> Engine::StatusCounts(const Query& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::AsOfScope as_of(impl_->ctx, query.as_of);
    return internal::StatusCounts(*impl_->db, *impl_->store, query);
  });
}

Result<std::vector<TrendPoint>> Engine::Trend(const TrendQuery& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return internal::Trend(*impl_->db, *impl_->store, impl_->ctx, query); });
}

Result<Json> Engine::IncidentCompliance(std::string_view office_incident_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return internal::IncidentCompliance(*impl_->db, *impl_->store, impl_->ctx, office_incident_id);
  });
}

Result<Json> Engine::PersonRequirements(std::string_view person_id,
                                        std::optional<std::chrono::year_month_day> as_of) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return internal::PersonRequirements(*impl_->db, *impl_->store, impl_->ctx, person_id, as_of);
  });
}

Result<certo::TrainingMatrix> Engine::TrainingMatrix(const TrainingMatrixQuery& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard(
      [&] { return internal::BuildTrainingMatrix(*impl_->db, *impl_->store, impl_->ctx, query); });
}

Result<VerifyReport> Engine::Verify(const VerifyOptions& options) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    VerifyReport report = internal::Verify(*impl_->db, options);
    // The review history's hash chain (review/review.h): its first broken event, if any.
    for (Problem& p : internal::VerifyReviewHistory(*impl_->db)) {
      report.problems.push_back(std::move(p));
    }
    return report;
  });
}

// ---- Reports and data exchange ---------------------------------------------------------------

Result<ComplianceReport> Engine::Report(const ReportQuery& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    ReportQuery q = query;
    if (!q.as_of) q.as_of = impl_->Today();
    internal::AsOfScope as_of(impl_->ctx, q.as_of);
    return internal::BuildReport(*impl_->db, *impl_->store, impl_->ctx, q);
  });
}

Status Engine::Export(std::string_view project_id,
                      const std::function<void(const Json& request)>& sink) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
           internal::ExportRequests(*impl_->db, std::string(project_id), sink);
           return true;
         })
      .status();
}

// The file is read and checked before the write begins: a bad header takes no lock.
Result<PeopleSyncResult> Engine::SyncPeople(std::string_view csv,
                                            const PeopleSyncOptions& options) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::PeopleFile file = internal::ReadPeopleFile(*impl_->store, csv, options);
    if (!file.header_ok) return PeopleSyncResult{.errors = std::move(file.errors)};
    const Date date = options.date ? *options.date : impl_->Today();
    // A bulk write: the schedule and the derived requirements of every person it touched are
    // recomputed once, at the end, not once per row.
    return impl_->Write(
        [&] { return internal::SyncPeople(*impl_->db, *impl_->store, file, options, date); },
        /*bulk=*/true);
  });
}

Result<std::vector<Event>> Engine::ReadOutbox(int64_t after, int limit) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  if (limit < 1 || limit > 10000) return Status::Validation("limit", "must be between 1 and 10000");
  return Guard([&] { return impl_->EventsAfter(after, limit); });
}

Result<OutboxState> Engine::OutboxStatus() {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope read(*impl_->db);
    return internal::ReadOutboxState(*impl_->db);
  });
}

Result<OutboxState> Engine::SetOutboxPolicy(const OutboxPolicy& policy) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return impl_->Write([&] {
      internal::WriteOutboxPolicy(*impl_->db, policy, impl_->Today(), impl_->ctx.Now());
      return internal::ReadOutboxState(*impl_->db);
    });
  });
}

Result<CompactResult> Engine::Compact(bool vacuum) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    if (impl_->db->InTransaction()) {
      Fail(Status::InvalidArgument("compact cannot run inside a transaction"));
    }
    auto bytes = [&] {
      if (impl_->path.empty() || impl_->path == ":memory:") return int64_t{0};
      int64_t total = 0;
      for (const std::string& p : {impl_->path, impl_->path + "-wal"}) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(p, ec);
        if (!ec) total += static_cast<int64_t>(size);
      }
      return total;
    };
    CompactResult result;
    result.bytes_before = bytes();
    // Status steps and months whose sum came back to 0 count nothing (schemas 18 and 21); the
    // triggers leave them.
    impl_->db->Exec("DELETE FROM status_step WHERE n = 0");
    impl_->db->Exec("DELETE FROM status_month WHERE n = 0");
    impl_->db->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    if (vacuum) {
      // VACUUM copies the file into a temporary database first, which the engine's in-memory
      // temporary store would hold whole in memory (363 MB resident for a 335 MB file): on
      // disk for the copy, back in memory after it (no temporary table lives between writes).
      impl_->db->Exec("PRAGMA temp_store = FILE");
      struct InMemoryAgain {
        Db& db;
        ~InMemoryAgain() {
          try {
            db.Exec("PRAGMA temp_store = MEMORY");
          } catch (...) {
            // The pragma only fails inside a transaction, which compact never leaves open.
          }
        }
      } again{*impl_->db};
      impl_->db->Exec("VACUUM");
      impl_->db->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
      result.vacuumed = true;
    }
    result.bytes_after = bytes();
    return result;
  });
}

Status Engine::AckOutbox(int64_t through) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
           return impl_->Write([&] {
             SQLite::Statement& st = impl_->db->Cached("DELETE FROM outbox WHERE seq <= ?");
             st.bind(1, through);
             st.exec();
             return true;
           });
         })
      .status();
}

int Engine::Subscribe(EventHandler handler) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  int token = impl_->next_token++;
  impl_->handlers.emplace(token, std::move(handler));
  return token;
}

void Engine::Unsubscribe(int token) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  impl_->handlers.erase(token);
}

std::chrono::year_month_day Engine::Today() const { return impl_->Today(); }

int Engine::SchemaVersion() const {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return internal::SchemaVersionOf(*impl_->db);
}

std::vector<std::string> Engine::Collections() {
  std::vector<std::string> names;
  for (const auto& e : internal::Entities()) names.emplace_back(e.collection);
  return names;
}

std::string Engine::ProjectField(std::string_view collection) {
  const internal::Entity* e = internal::FindEntity(collection);
  if (!e) return "";
  return std::string(e->project_field.empty() ? e->id : e->project_field);
}

std::vector<std::string> Engine::DateFields(std::string_view collection) {
  std::vector<std::string> names;
  const internal::Entity* e = internal::FindEntity(collection);
  if (!e) return names;
  for (const internal::Field& f : e->fields) {
    if (f.type == internal::FieldType::kDate) names.emplace_back(f.name);
  }
  for (const internal::Computed& c : e->computed) {
    if (c.kind == internal::JsonKind::kDate) names.emplace_back(c.name);
  }
  if (e->historicizable) names.emplace_back("retired_on");
  return names;
}

}  // namespace certo
