// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT

#include "certo/engine.h"

#include <filesystem>
#include <limits>
#include <map>
#include <mutex>

#include <sqlite3.h>

#include "api.h"
#include "calendar.h"
#include "db.h"
#include "registry.h"
#include "report.h"
#include "schedule.h"
#include "schema.h"
#include "sql_functions.h"
#include "store.h"

namespace certo {

using internal::Date;
using internal::Db;
using internal::Fail;
using internal::StatusError;
using internal::WriteScope;

struct Engine::Impl {
  internal::SqlContext ctx;  // options, as-of date, bulk flag: read by the SQL functions
  std::string path;
  std::recursive_mutex mu;
  std::unique_ptr<Db> db;
  std::unique_ptr<internal::Store> store;
  std::map<int, EventHandler> handlers;
  int next_token = 1;

  Date Today() const { return ctx.Today(); }

  int64_t LastSeq() {
    return db->raw().execAndGet("SELECT coalesce(max(seq), 0) FROM outbox").getInt64();
  }

  std::vector<Event> EventsAfter(int64_t after, int limit) {
    SQLite::Statement& st = db->Cached(
        "SELECT seq, event, entity_id, payload, date FROM outbox WHERE seq > ? ORDER BY seq "
        "LIMIT ?");
    st.bind(1, after);
    st.bind(2, limit);
    std::vector<Event> events;
    while (st.executeStep()) {
      events.push_back(Event{
          st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
          Json::parse(st.getColumn(3).getString(), nullptr, false), st.getColumn(4).getString()});
    }
    return events;
  }

  void Deliver(const std::vector<Event>& events) {
    // Copy: a handler may subscribe or unsubscribe.
    std::map<int, EventHandler> current = handlers;
    for (const Event& event : events) {
      for (auto& [token, handler] : current) {
        try {
          handler(event);
        } catch (...) {
          // A handler's failure is its own; the write has committed.
        }
      }
    }
  }

  // Runs fn as one atomic write. At the top level, the events it appended to the outbox are
  // read back before the commit and handed to the handlers after it. bulk: defer the schedule's
  // recalculation to one pass before the commit.
  template <typename Fn>
  auto Write(Fn&& fn, bool bulk = false) {
    const bool top = !db->InTransaction();
    const bool deliver = top && !handlers.empty();
    const int64_t start = deliver ? LastSeq() : 0;
    WriteScope scope(*db);
    struct BulkMode {
      internal::SqlContext& ctx;
      bool was;
      ~BulkMode() { ctx.bulk = was; }
    } mode{ctx, ctx.bulk};
    if (bulk) ctx.bulk = true;
    auto result = fn();
    if (bulk && !mode.was) {
      ctx.bulk = false;
      internal::RecomputeTouched(*db);
    }
    std::vector<Event> events;
    if (deliver) events = EventsAfter(start, std::numeric_limits<int>::max());
    scope.Commit();
    if (deliver) Deliver(events);
    return result;
  }

  // Runs a caller's body as one write; its non-OK Status rolls everything back.
  Status Run(Engine& engine, const std::function<Status(Engine&)>& body, bool bulk);
};

namespace {

Status StatusOf(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const StatusError& e) {
    return e.status;
  } catch (const SQLite::Exception& e) {
    return internal::FromSqlite(e.getExtendedErrorCode(), e.what());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
}

// Runs fn, turning every failure into a Status: nothing thrown inside crosses the API.
template <typename Fn>
auto Guard(Fn&& fn) -> Result<decltype(fn())> {
  try {
    return fn();
  } catch (...) {
    return StatusOf(std::current_exception());
  }
}

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
    int flags = SQLite::OPEN_READWRITE | (options.create_if_missing ? SQLite::OPEN_CREATE : 0);
    std::unique_ptr<SQLite::Database> database;
    try {
      database = std::make_unique<SQLite::Database>(path, flags, options.busy_timeout_ms);
    } catch (const SQLite::Exception& e) {
      Fail(internal::FromSqlite(e.getExtendedErrorCode(),
                                "cannot open '" + path + "': " + e.what()));
    }
    impl->db = std::make_unique<Db>(std::move(database));
    sqlite3* handle = impl->db->raw().getHandle();
    if (!memory && sqlite3_db_readonly(handle, "main") == 1) {
      Fail(Status::IOError("'" + path + "' is read-only"));
    }
    try {
      internal::CheckIdentity(*impl->db, path);
    } catch (const SQLite::Exception& e) {
      const int code = e.getExtendedErrorCode() & 0xff;
      const bool locked = code == SQLITE_BUSY || code == SQLITE_LOCKED;
      Fail(internal::FromSqlite(
          e.getExtendedErrorCode(),
          "'" + path + (locked ? "': " : "' is not a certo file: ") + e.what()));
    }
    // Identity is checked before anything is written: WAL mode rewrites the file header.
    if (!memory) impl->db->raw().execAndGet("PRAGMA journal_mode = WAL");
    impl->db->Exec("PRAGMA synchronous = NORMAL");
    impl->db->Exec("PRAGMA foreign_keys = ON");
    impl->db->Exec("PRAGMA temp_store = MEMORY");
    impl->db->Exec("PRAGMA cache_size = -" + std::to_string(options.cache_size_kib));
    int rc = internal::RegisterFunctions(handle, &impl->ctx);
    if (rc != SQLITE_OK) Fail(internal::FromSqlite(rc, "cannot register certo's SQL functions"));
    internal::Migrate(*impl->db);
    impl->store = std::make_unique<internal::Store>(*impl->db, impl->ctx);
    return true;
  });
  if (!opened.ok()) return opened.error();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Response Engine::Request(std::string_view method, std::string_view target, std::string_view body) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return internal::HandleRequest(*this, method, target, body);
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

Result<std::map<std::string, int64_t>> Engine::StatusCounts(const Query& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::AsOfScope as_of(impl_->ctx, query.as_of);
    return internal::StatusCounts(*impl_->db, *impl_->store, query);
  });
}

Result<VerifyReport> Engine::Verify(const VerifyOptions& options) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return internal::Verify(*impl_->db, options); });
}

// ---- Reports and data exchange (SyncPeople is in people_sync.cc) ------------------------------

Result<ComplianceReport> Engine::Report(const ReportQuery& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    ReportQuery q = query;
    if (!q.as_of) q.as_of = impl_->Today();
    internal::AsOfScope as_of(impl_->ctx, q.as_of);
    return internal::BuildReport(*impl_->db, *impl_->store, q);
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

Result<std::vector<Event>> Engine::ReadOutbox(int64_t after, int limit) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  if (limit < 1 || limit > 10000) return Status::Validation("limit", "must be between 1 and 10000");
  return Guard([&] { return impl_->EventsAfter(after, limit); });
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

}  // namespace certo
