// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "store/outbox.h"

#include "certo/events.h"
#include "certo/status.h"

#include <string>
#include <utility>
#include <vector>

namespace certo::internal {

namespace {

constexpr int64_t kMaxEvents = 1000000000;
constexpr int64_t kMaxDays = 36500;

std::optional<int64_t> IntOrNone(SQLite::Statement& st, int i) {
  if (st.getColumn(i).isNull()) return std::nullopt;
  return st.getColumn(i).getInt64();
}

// The newest event's seq, or nullopt for an empty outbox.
std::optional<int64_t> Newest(Db& db) {
  SQLite::Statement& st = db.Cached("SELECT max(seq) FROM outbox");
  st.executeStep();
  std::optional<int64_t> seq = IntOrNone(st, 0);
  st.reset();
  return seq;
}

void Drop(Db& db, int64_t through, int64_t& dropped) {
  SQLite::Statement& st = db.Cached("DELETE FROM outbox WHERE seq <= ?");
  st.bind(1, through);
  const int n = st.exec();
  if (n <= 0) return;
  dropped += n;
  SQLite::Statement& count = db.Cached(
      "UPDATE outbox_policy SET dropped = dropped + ?, dropped_through = max(dropped_through, ?)"
      " WHERE id = 1");
  count.bind(1, static_cast<int64_t>(n));
  count.bind(2, through);
  count.exec();
}

// ENTITY::VERB -> ENTITY::BULK_VERB.
std::string BulkName(const std::string& name) {
  const size_t colons = name.find("::");
  if (colons == std::string::npos) return std::string(kBulkPrefix) + name;
  return name.substr(0, colons + 2) + std::string(kBulkPrefix) + name.substr(colons + 2);
}

}  // namespace

OutboxState ReadOutboxState(Db& db) {
  OutboxState state;
  {
    SQLite::Statement& st = db.Cached(
        "SELECT max_events, max_days, dropped, dropped_through FROM outbox_policy WHERE id = 1");
    if (st.executeStep()) {
      state.policy.max_events = IntOrNone(st, 0);
      state.policy.max_days = IntOrNone(st, 1);
      state.dropped = st.getColumn(2).getInt64();
      state.dropped_through = st.getColumn(3).getInt64();
    }
    st.reset();
  }
  SQLite::Statement& range = db.Cached("SELECT coalesce(max(seq) - min(seq) + 1, 0) FROM outbox");
  range.executeStep();
  state.pending = range.getColumn(0).getInt64();
  range.reset();
  return state;
}

void WriteOutboxPolicy(Db& db, const OutboxPolicy& policy, Date today, const std::string& now) {
  std::vector<FieldError> errors;
  if (policy.max_events && (*policy.max_events < 1 || *policy.max_events > kMaxEvents)) {
    errors.push_back({"max_events", "must be between 1 and " + std::to_string(kMaxEvents)});
  }
  if (policy.max_days && (*policy.max_days < 1 || *policy.max_days > kMaxDays)) {
    errors.push_back({"max_days", "must be between 1 and " + std::to_string(kMaxDays)});
  }
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  SQLite::Statement& st = db.Cached(
      "UPDATE outbox_policy SET max_events = ?, max_days = ?, updated_at = ? WHERE id = 1");
  if (policy.max_events) {
    st.bind(1, *policy.max_events);
  } else {
    st.bind(1);
  }
  if (policy.max_days) {
    st.bind(2, *policy.max_days);
  } else {
    st.bind(2);
  }
  st.bind(3, now);
  st.exec();
  ApplyOutboxPolicy(db, today);
}

int64_t ApplyOutboxPolicy(Db& db, Date today) {
  SQLite::Statement& st = db.Cached("SELECT max_events, max_days FROM outbox_policy WHERE id = 1");
  std::optional<int64_t> max_events, max_days;
  if (st.executeStep()) {
    max_events = IntOrNone(st, 0);
    max_days = IntOrNone(st, 1);
  }
  st.reset();
  int64_t dropped = 0;
  if (!max_events && !max_days) return dropped;
  if (max_events) {
    if (std::optional<int64_t> newest = Newest(db)) Drop(db, *newest - *max_events, dropped);
  }
  if (max_days) {
    // The first event within the limit: events are in seq order, scanned from the oldest.
    const std::string cutoff = FormatDate(AddDays(today, -*max_days));
    SQLite::Statement& oldest = db.Cached("SELECT seq, date FROM outbox ORDER BY seq LIMIT 1");
    const bool stale = oldest.executeStep() && oldest.getColumn(1).getString() < cutoff;
    oldest.reset();
    if (stale) {
      SQLite::Statement& keep =
          db.Cached("SELECT seq FROM outbox WHERE date >= ? ORDER BY seq LIMIT 1");
      keep.bind(1, cutoff);
      // Up to the first event kept; none kept: every event (the outbox is not empty here).
      std::optional<int64_t> through;
      if (keep.executeStep()) through = keep.getColumn(0).getInt64() - 1;
      keep.reset();
      Drop(db, through ? *through : Newest(db).value_or(0), dropped);
    }
  }
  return dropped;
}

// A temporary trigger, so the file's schema never holds it and no other connection sees it;
// RAISE(IGNORE) skips the one row, and the statement that inserted it goes on. The statements
// that name the temporary table are prepared here, not cached: it lives for one write.
void BeginBulkEvents(Db& db) {
  db.Exec(
      "CREATE TEMP TABLE certo_bulk_event (event TEXT NOT NULL, entity_id TEXT NOT NULL,"
      " UNIQUE (event, entity_id))");
  db.Exec(
      "CREATE TEMP TRIGGER certo_bulk_event BEFORE INSERT ON main.outbox BEGIN"
      " INSERT INTO certo_bulk_event (event, entity_id) VALUES (NEW.event, NEW.entity_id)"
      " ON CONFLICT DO NOTHING;"
      " SELECT RAISE(IGNORE);"
      " END");
}

void EndBulkEvents(Db& db, Date today) {
  db.Exec("DROP TRIGGER temp.certo_bulk_event");
  std::vector<std::pair<std::string, int64_t>> names;  // with their totals, in order of first use
  {
    SQLite::Statement st(db.raw(),
                         "SELECT event, count(*) FROM certo_bulk_event GROUP BY event"
                         " ORDER BY min(rowid)");
    while (st.executeStep()) names.emplace_back(st.getColumn(0).getString(), st.getColumn(1));
  }
  const std::string date = FormatDate(today);
  SQLite::Statement& insert =
      db.Cached("INSERT INTO outbox (event, entity_id, payload, date) VALUES (?, '', ?, ?)");
  {
    SQLite::Statement ids(db.raw(),
                          "SELECT entity_id FROM certo_bulk_event WHERE event = ? ORDER BY rowid");
    for (const auto& [name, total] : names) {
      const std::string bulk_name = BulkName(name);
      Json chunk = Json::array();
      auto flush = [&] {
        const std::string payload =
            Json{{"ids", chunk}, {"count", chunk.size()}, {"total", total}}.dump();
        insert.bind(1, bulk_name);
        insert.bind(2, payload);
        insert.bind(3, date);
        insert.exec();
        insert.reset();
        chunk = Json::array();
      };
      ids.bind(1, name);
      while (ids.executeStep()) {
        chunk.push_back(ids.getColumn(0).getString());
        if (static_cast<int>(chunk.size()) == kBulkEventMaxIds) flush();
      }
      ids.reset();
      if (!chunk.empty()) flush();
    }
  }  // the statement on the table ends before the table does
  db.Exec("DROP TABLE temp.certo_bulk_event");
}

}  // namespace certo::internal
