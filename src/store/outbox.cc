// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "store/outbox.h"

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

}  // namespace certo::internal
