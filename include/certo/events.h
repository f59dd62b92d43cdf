// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Event: what a committed write announces, to in-process handlers and to the durable outbox.
//
// Every create, update and delete of any entity emits ENTITY::CREATE|UPDATE|DELETE (ENTITY is the
// collection in upper snake case: PERSON, CERTIFICATE_ACTION, ACTION_SUBSCRIPTION, ...):
//   CREATE  payload: the stored record
//   UPDATE  payload: {"entity_id": id, "updated_fields": {field: {"old": x, "new": y}}}
//           (historicize and restore update "retired_on")
//   DELETE  payload: the record as it was
// Engine::RevokeCertificate and UnrevokeCertificate emit instead of an UPDATE
//   CERTIFICATE::REVOKE    payload: {"entity_id", "revoked_on", "revoke_reason"}
//   CERTIFICATE::UNREVOKE  payload: the same fields, of the revocation withdrawn
// and a write that changes a subscription's status as of the engine's today also emits
//   ACTION_SUBSCRIPTION::STATUS  payload: {"entity_id", "action_id", "subscriber_id",
//                                          "subscriber_type", "old", "new"}
//
// A subscription created over links that already cover it is stored as NEW and then covered, so
// its CREATE is followed by a STATUS event (NEW -> VALID, ...).
//
// Bulk writes (Engine::BulkTransaction, Engine::SyncPeople, certo import, certo generate) announce
// what they did in summary, not row by row: the events their rows would have had, the engine's
// and its triggers' (derived rows, STATUS) alike, become ENTITY::BULK_VERB events
// (PERSON::BULK_CREATE, ACTION_SUBSCRIPTION::BULK_STATUS, ...) with
//   entity_id  empty
//   payload    {"ids": [id, ...], "count": n}   (n ids, 1..kBulkEventMaxIds)
// in the order the rows' events were written (a row updated twice is listed twice). A name's
// summary is written as soon as kBulkEventMaxIds of its ids wait, and at the end of the write
// the rest, name by name in the order of their first id; all of them carry the write's date. They
// say which rows changed, not how: read the rows for their state (a row created and deleted in
// the write is in both lists, and found by no read). The schedule is recomputed once at the end,
// so BULK_STATUS lists the subscriptions whose status as of today differs from the one they had
// before the write, and derived rows carry no cause.

// Events are appended to the outbox table in the same transaction as the write, so a rolled-back
// write emits nothing, and a committed one is never lost. Handlers registered with
// Engine::Subscribe receive them after the commit, in order.

#pragma once

#include "certo/record.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace certo {

struct Event {
  int64_t seq = 0;        // position in the outbox; increases, never reused
  std::string name;       // e.g. "CERTIFICATE_ACTION::UPDATE"
  std::string entity_id;  // the row the event is about; empty for a bulk summary
  Json payload;
  std::string date;  // the engine's today when the write committed (YYYY-MM-DD)
};

// A bulk summary's name is ENTITY::BULK_VERB: kBulkPrefix before the verb of the rows' events.
inline constexpr std::string_view kBulkPrefix = "BULK_";
// The most ids one bulk summary lists.
inline constexpr int kBulkEventMaxIds = 1000;

// Called after each committed write with each of its events, in order. Runs on the thread that
// wrote, with the engine's lock held (it may call the engine). Exceptions are caught and ignored.
using EventHandler = std::function<void(const Event&)>;

}  // namespace certo
