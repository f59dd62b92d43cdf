// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The outbox's retention policy (README, "Events and the outbox"). Events wait in the outbox
// until an application acknowledges them (Engine::AckOutbox); a policy stored in the file bounds
// how many wait and for how long. What the policy drops is counted, never silent: a consumer that
// finds seq numbers missing reads OutboxState::dropped_through to know the policy took them.
//
// Contract:
// - The policy is applied at the end of every write, in its transaction, oldest events first; and
//   at once when it is set. Events a write hands to in-process handlers (Engine::Subscribe) are
//   delivered whether or not the policy keeps them in the outbox.
// - max_events: at most this many events stay (1..1,000,000,000).
// - max_days: events whose date (Event::date, the engine's today when written) is more than this
//   many days before today go (1..36,500). Events are dropped from the oldest on, up to the first
//   one within the limit: an event dated later than a newer one (today moved backwards) waits
//   for the older ones around it.

#pragma once

#include <cstdint>
#include <optional>

namespace certo {

struct OutboxPolicy {
  std::optional<int64_t> max_events;  // unset: no limit on the count
  std::optional<int64_t> max_days;    // unset: no limit on the age

  friend bool operator==(const OutboxPolicy&, const OutboxPolicy&) = default;
};

struct OutboxState {
  OutboxPolicy policy;
  int64_t pending = 0;          // events in the outbox now
  int64_t dropped = 0;          // events the policy has dropped since the file was made
  int64_t dropped_through = 0;  // the highest seq the policy dropped (0: none)
};

}  // namespace certo
