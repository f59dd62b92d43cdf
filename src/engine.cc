// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT

#include "certo/engine.h"

#include <sqlite3.h>

#include <filesystem>
#include <mutex>

#include "api.h"
#include "calendar.h"
#include "db.h"
#include "registry.h"
#include "schema.h"
#include "store.h"

namespace certo {

using internal::Date;
using internal::Db;
using internal::Fail;
using internal::StatusError;
using internal::WriteScope;

struct Engine::Impl {
  Options options;
  std::string path;
  std::recursive_mutex mu;
  std::unique_ptr<Db> db;
  std::unique_ptr<internal::Store> store;

  Date Today() const { return options.today ? *options.today : internal::LocalToday(); }
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

// Runs fn in a write scope that commits only when fn returns.
template <typename Fn>
auto Write(internal::Db& db, Fn&& fn) {
  WriteScope scope(db);
  auto result = fn();
  scope.Commit();
  return result;
}

const internal::Entity& EntityOf(std::string_view collection) {
  const internal::Entity* e = internal::FindEntity(collection);
  if (!e) Fail(Status::NotFound("unknown collection '" + std::string(collection) + "'"));
  return *e;
}

// certo_today(): the engine's today, for SQL that depends on the date (owned_active, ...).
void TodayFunction(sqlite3_context* ctx, int, sqlite3_value**) {
  const auto* options = static_cast<const Options*>(sqlite3_user_data(ctx));
  std::string today = internal::FormatDate(options->today ? *options->today
                                                          : internal::LocalToday());
  sqlite3_result_text(ctx, today.c_str(), static_cast<int>(today.size()), SQLITE_TRANSIENT);
}

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const std::string& path, const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
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
      Fail(internal::FromSqlite(e.getExtendedErrorCode(),
                                "'" + path + "' is not a certo file: " + e.what()));
    }
    // Identity is checked before anything is written: WAL mode rewrites the file header.
    if (!memory) impl->db->raw().execAndGet("PRAGMA journal_mode = WAL");
    impl->db->Exec("PRAGMA synchronous = NORMAL");
    impl->db->Exec("PRAGMA foreign_keys = ON");
    impl->db->Exec("PRAGMA temp_store = MEMORY");
    impl->db->Exec("PRAGMA cache_size = -" + std::to_string(options.cache_size_kib));
    int rc = sqlite3_create_function_v2(handle, "certo_today", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                        &impl->options, TodayFunction, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) Fail(internal::FromSqlite(rc, "cannot register certo_today()"));
    internal::Migrate(*impl->db);
    impl->store = std::make_unique<internal::Store>(*impl->db);
    return true;
  });
  if (!opened.ok()) return opened.error();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Response Engine::Request(std::string_view method, std::string_view target,
                         std::string_view body) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return internal::HandleRequest(*this, method, target, body);
}

Result<Json> Engine::Create(std::string_view collection, const Json& record) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    return Write(*impl_->db, [&] { return impl_->store->Create(e, record); });
  });
}

Result<Json> Engine::View(std::string_view collection, std::string_view id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return impl_->store->View(EntityOf(collection), id); });
}

Result<Json> Engine::Update(std::string_view collection, std::string_view id,
                            const Json& changes) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    return Write(*impl_->db, [&] { return impl_->store->Update(e, id, changes); });
  });
}

Result<Page> Engine::Index(std::string_view collection, const Query& query) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return impl_->store->Index(EntityOf(collection), query); });
}

Result<DeleteResult> Engine::Delete(std::string_view collection, std::string_view id,
                                    bool force) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = EntityOf(collection);
    if (!force) return impl_->store->Delete(e, id, false);
    return Write(*impl_->db, [&] { return impl_->store->Delete(e, id, true); });
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
    if (date && !date->ok()) Fail(Status::Validation("date", "must be a real calendar date"));
    Date when = date ? *date : impl_->Today();
    return Write(*impl_->db, [&] { return impl_->store->SetRetired(e, id, when); });
  });
}

Result<Json> Engine::Restore(std::string_view collection, std::string_view id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    const auto& e = HistoricizableOf(collection);
    return Write(*impl_->db, [&] { return impl_->store->SetRetired(e, id, std::nullopt); });
  });
}

Status Engine::Transaction(const std::function<Status(Engine&)>& body) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  Result<bool> result = Guard([&] {
    WriteScope scope(*impl_->db);
    Status status = body(*this);
    if (!status.ok()) Fail(std::move(status));
    scope.Commit();
    return true;
  });
  return result.status();
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
