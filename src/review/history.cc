// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The hash chain of the review history (history.h): appending an event and walking the chain.

#include "review/history.h"

#include <chrono>
#include <ctime>

#include <sodium.h>

#include "base/calendar.h"
#include "store/store.h"

namespace certo::internal::review {

namespace {

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// The columns the hash covers, in this order (review_event of schema 7).
// Statements splice it with append(), not +: GCC 12 at -O2 reports a false -Warray-bounds on
// std::string&& + const char* where the library's precompiled header comes first.
constexpr const char* kColumns =
    "event_id, cert_id, task_id, line_item_id, line_item_detail_id, action, cert_state, "
    "actor_id, "
    "recipient_id, recipient_task_id, from_state, to_state, comment, data, event_timestamp";

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string HashOf(const std::string& prev, const Json& columns) {
  return Sha256Hex(prev + "\n" + columns.dump());
}

Json Text(const std::string& s) { return s.empty() ? Json() : Json(s); }

Json ColumnJson(const SQLite::Column& c) {
  if (c.isNull()) return Json();
  if (c.isInteger()) return c.getInt64();
  return c.getString();
}

}  // namespace

std::string Now(const SqlContext& ctx) {
  if (ctx.options.today) return FormatDate(*ctx.options.today) + "T00:00:00Z";
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

int64_t AppendEvent(Db& db, SqlContext& ctx, const EventRow& e) {
  SQLite::Statement& last =
      db.Cached("SELECT event_id, hash FROM review_event ORDER BY event_id DESC LIMIT 1");
  int64_t id = 1;
  std::string prev = kGenesis;
  if (last.executeStep()) {
    id = last.getColumn(0).getInt64() + 1;
    prev = last.getColumn(1).getString();
  }
  last.reset();
  Json columns = Json::array(
      {id, e.cert_id, Text(e.task_id), e.line_item_id ? Json(*e.line_item_id) : Json(),
       e.line_item_detail_id ? Json(*e.line_item_detail_id) : Json(), e.action, e.cert_state,
       e.actor, Text(e.recipient), Text(e.recipient_task), Text(e.from_state), Text(e.to_state),
       Text(e.comment), e.data.is_null() ? Json() : Json(e.data.dump()), Now(ctx)});
  SQLite::Statement& st =
      db.Cached(std::string("INSERT INTO review_event (")
                    .append(kColumns)
                    .append(", prev_hash, hash) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  int index = 1;
  for (const Json& value : columns) Store::Bind(st, index++, value);
  st.bind(index++, prev);
  st.bind(index, HashOf(prev, columns));
  st.exec();
  return id;
}

std::vector<Problem> VerifyChain(Db& db) {
  SQLite::Statement st(db.raw(), std::string("SELECT ").append(kColumns).append(
                                     ", prev_hash, hash FROM review_event ORDER BY event_id"));
  std::string prev = kGenesis;
  int64_t expected_id = 1;
  while (st.executeStep()) {
    Json columns = Json::array();
    for (int i = 0; i < 15; ++i) columns.push_back(ColumnJson(st.getColumn(i)));
    const int64_t id = st.getColumn(0).getInt64();
    const std::string stored_prev = st.getColumn(15).getString();
    const std::string stored = st.getColumn(16).getString();
    auto problem = [&](std::string field, std::string have, std::string want, std::string why) {
      return std::vector<Problem>{Problem{"review_history", "review_event", std::to_string(id),
                                          std::move(field), std::move(have), std::move(want),
                                          "review history event " + std::to_string(id) + " " + why +
                                              ": the chain is broken from here on"}};
    };
    if (id != expected_id) {
      return problem("event_id", std::to_string(id), std::to_string(expected_id),
                     "follows a missing event " + std::to_string(expected_id));
    }
    if (stored_prev != prev) {
      return problem("prev_hash", stored_prev, prev, "does not chain to the event before it");
    }
    const std::string want = HashOf(prev, columns);
    if (stored != want) {
      return problem("hash", stored, want, "does not match its contents");
    }
    prev = stored;
    ++expected_id;
  }
  return {};
}

}  // namespace certo::internal::review
