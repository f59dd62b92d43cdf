// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The inside of an Engine: its connection, store, handlers and the one mutex that serializes
// calls, and Write(), the single way a public operation becomes one atomic unit whose events are
// delivered after the commit. Only engine/ and the layer above it (api/) include this.

#pragma once

#include "certo/engine.h"

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/db.h"
#include "db/sql_functions.h"
#include "schedule/schedule.h"
#include "store/outbox.h"
#include "store/store.h"
#include "sync/record.h"

namespace certo {

using internal::Date;

// Runs fn, turning every failure into a Status: nothing thrown inside crosses the API.
template <typename Fn>
auto Guard(Fn&& fn) -> Result<decltype(fn())> {
  try {
    return fn();
  } catch (...) {
    return internal::CurrentExceptionStatus();
  }
}

struct Engine::Impl {
  internal::SqlContext ctx;  // options, as-of date, bulk flag: read by the SQL functions
  std::string path;
  std::recursive_mutex mu;
  std::unique_ptr<internal::Db> db;
  std::unique_ptr<internal::Store> store;
  std::map<int, EventHandler> handlers;
  int next_token = 1;
  // Who the next top-level write's recorded change is from (sync/record.h): set by the sync
  // around the writes that apply another node's changes, empty for the engine's own writes.
  internal::RecordAs record_as;

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
  // recalculation to one pass before the commit, and announce the write in summary
  // (certo/events.h).
  template <typename Fn>
  auto Write(Fn&& fn, bool bulk = false) {
    const bool top = !db->InTransaction();
    const bool deliver = top && !handlers.empty();
    const int64_t start = deliver ? LastSeq() : 0;
    internal::WriteScope scope(*db);
    // What the write changes in the records, kept for sync when the file takes part in it.
    internal::RecordScope record(*db, top, record_as);
    struct BulkMode {
      internal::SqlContext& ctx;
      bool was, was_deferring;
      ~BulkMode() {
        ctx.bulk = was;
        ctx.defer_months = was_deferring;
      }
    } mode{ctx, ctx.bulk, ctx.defer_months};
    if (bulk) ctx.bulk = true;
    const bool outermost_bulk = bulk && !mode.was;
    if (outermost_bulk) ctx.defer_months = true;
    // Every event of the bulk write, its recomputations' included, is summarized at its end.
    if (outermost_bulk) internal::BeginBulkEvents(*db);
    auto result = fn();
    if (outermost_bulk) {
      // Derivation first, still in bulk mode: the rows it makes or retires join the touched
      // subscriptions that one pass then recomputes.
      internal::DeriveTouched(*db);
      ctx.bulk = false;
      internal::RecomputeTouched(*db);
      internal::SumDeferredMonths(*db);
      ctx.defer_months = false;
      internal::EndBulkEvents(*db);
    }
    if (top) RecordChanges(record);
    std::vector<Event> events;
    if (deliver) events = EventsAfter(start, std::numeric_limits<int>::max());
    // The retention policy after the handlers' events are read: it bounds what waits in the file,
    // not what this write announces.
    if (top) internal::ApplyOutboxPolicy(*db, Today());
    scope.Commit();
    if (deliver) Deliver(events);
    return result;
  }

  // Stores the write's recorded change (engine/sync.cc); a change applied from another node
  // also announces its rows on the outbox.
  void RecordChanges(internal::RecordScope& record);

  // Runs a caller's body as one write; its non-OK Status rolls everything back.
  Status Run(Engine& engine, const std::function<Status(Engine&)>& body, bool bulk);
};

}  // namespace certo
