// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Review campaigns: a periodic attestation in which reviewers certify, revoke or abstain on each
// person's assignments (roles, equipment, substances, work environments, work groups) and
// certificates, shaped like the Oracle Identity Governance certification API of seeds 002/003
// (docs/review.md; reference/certification-reviews.md section 4).
//
// Contract:
//  * Model. A campaign (OIG "certification", numbered: its cert_id is the API's certid) of type
//    USER has one line item per person in scope whose details are that person's assignments and
//    certificates; of type ROLE, one line item per safety role whose details are its holders.
//    Each reviewer gets one task holding the line items assigned to them by the reviewer rule.
//  * Snapshot. StartReviewCampaign freezes what each reviewer sees (the rows and the decision
//    support flags as of the engine's today); later edits of the records change neither.
//  * State machines. Campaign CREATED -> IN_REVIEW -> CLOSED; task ASSIGNED -> IN_PROGRESS ->
//    DECISIONS_COMPLETE -> SIGNED_OFF with SUSPENDED, REASSIGNED and EXPIRED beside; line item
//    NEW | CLAIMED | PARTIAL | DECIDED | COMPLETE -> FINAL. Which action each state admits is one
//    table (src/review/codes.cc, printed in docs/review.md); any other is kConflict (HTTP 409)
//    whose message names the state. A reviewer may not decide about themselves (kConflict).
//  * History. Every step appends exactly one event (actor, recipient, from and to state,
//    comment, time) whose SHA-256 hash chains to the previous event's; the file refuses UPDATE
//    and DELETE of events; Verify() walks the chain and names the first event that does not match.
//  * Closed loop. Signing a task off (or expiring it at the deadline, where undecided details
//    take the campaign's no-response policy) carries out its final decisions in the same
//    transaction: a revoked assignment is retired from today, a conditionally certified one from
//    its end date; a certificate detail is revoked (Engine::RevokeCertificate) on the same day
//    instead of retired. Each effect is one event holding the row as it was before. All effects
//    or none.
//  * Idempotency. A line-item action with a request_id already applied on the task is not
//    applied again: it answers as before (replayed = true).
//  * Errors. As every Engine call: no throw; kNotFound, kValidation, kConflict.

#pragma once

#include "certo/calendar.h"
#include "certo/record.h"
#include "certo/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certo {

// Paging of the review reads: offset is 1-based as in OIG's links (0 is read as 1).
struct ReviewPage {
  int64_t offset = 1;
  int64_t limit = 10;  // 1..10000
};

// One line-item action (the entries of PUT .../tasks/{taskid}/lineitems).
struct ReviewLineItemAction {
  std::string request_id;  // optional; a retry with the same id is applied once
  int64_t line_item_id = 0;
  // Certify, CertifyConditionally, Revoke, Abstain, Claim, ResetStatus, EditComment, Complete.
  std::string action;
  std::string comment;
  std::optional<Date> end_date;               // CertifyConditionally: required, after today
  std::vector<int64_t> line_item_detail_ids;  // the details decided; empty = every detail
};

struct ReviewActionResult {
  std::string request_id;
  int64_t line_item_id = 0;
  std::string action;
  Status status;          // OK, or why this entry was refused (it changed nothing)
  bool replayed = false;  // the request_id had been applied before
};

}  // namespace certo
