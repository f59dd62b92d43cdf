// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "store/outbox.h"

#include "certo/events.h"
#include "certo/status.h"

#include <string>

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

// A summary of the ids waiting under one name (:event, or NEW.event in a trigger), in the order
// written: ENTITY::VERB becomes ENTITY::BULK_VERB. The only place the summaries are spelled.
std::string SummarizeSql(const std::string& event, const std::string& date) {
  const std::string name = "substr(" + event + ", 1, instr(" + event + ", '::') + 1) || '" +
                           std::string(kBulkPrefix) + "' || substr(" + event + ", instr(" + event +
                           ", '::') + 2)";
  return "INSERT INTO outbox (event, entity_id, payload, date) SELECT " + name +
         ", '', json_object('ids', json_group_array(entity_id), 'count', count(*)), " + date +
         " FROM (SELECT entity_id FROM certo_bulk_event WHERE event = " + event +
         " ORDER BY rowid) HAVING count(*) > 0";
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

// Temporary tables and triggers, so the file's schema never holds them and no other connection
// sees them. The diversion's RAISE(IGNORE) skips the one row, and the statement that inserted it
// goes on; a name's ids are summarized as soon as kBulkEventMaxIds of them wait, so what waits
// stays small however big the write (the temporary store is in memory). A summary has an empty
// entity_id, which the diversion lets through.
void BeginBulkEvents(Db& db) {
  db.Exec("CREATE TEMP TABLE certo_bulk_event (event TEXT NOT NULL, entity_id TEXT NOT NULL)");
  db.Exec("CREATE INDEX temp.certo_bulk_event_name ON certo_bulk_event (event)");
  db.Exec(
      "CREATE TEMP TABLE certo_bulk_count (event TEXT PRIMARY KEY, n INTEGER NOT NULL,"
      " date TEXT NOT NULL)");
  db.Exec(
      "CREATE TEMP TRIGGER certo_bulk_divert BEFORE INSERT ON main.outbox"
      " WHEN NEW.entity_id <> '' BEGIN"
      " INSERT INTO certo_bulk_event (event, entity_id) VALUES (NEW.event, NEW.entity_id);"
      " INSERT INTO certo_bulk_count (event, n, date) VALUES (NEW.event, 1, NEW.date)"
      "   ON CONFLICT (event) DO UPDATE SET n = n + 1;"
      " SELECT RAISE(IGNORE);"
      " END");
  db.Exec(
      "CREATE TEMP TRIGGER certo_bulk_full AFTER UPDATE OF n ON certo_bulk_count WHEN NEW.n >= " +
      std::to_string(kBulkEventMaxIds) + " BEGIN " + SummarizeSql("NEW.event", "NEW.date") +
      "; DELETE FROM certo_bulk_event WHERE event = NEW.event;"
      " UPDATE certo_bulk_count SET n = 0 WHERE event = NEW.event;"
      " END");
}

void EndBulkEvents(Db& db) {
  db.Exec("DROP TRIGGER temp.certo_bulk_divert");
  db.Exec("DROP TRIGGER temp.certo_bulk_full");
  {
    // What waits, name by name in the order of their first id.
    SQLite::Statement names(
        db.raw(),
        "SELECT event, date FROM certo_bulk_count c WHERE n > 0 ORDER BY"
        " (SELECT min(b.rowid) FROM certo_bulk_event b WHERE b.event = c.event)");
    SQLite::Statement summarize(db.raw(), SummarizeSql("?1", "?2"));
    while (names.executeStep()) {
      summarize.bind(1, names.getColumn(0).getString());
      summarize.bind(2, names.getColumn(1).getString());
      summarize.exec();
      summarize.reset();
    }
  }  // the statements on the tables end before the tables do
  db.Exec("DROP TABLE temp.certo_bulk_event");
  db.Exec("DROP TABLE temp.certo_bulk_count");
}

}  // namespace certo::internal
