// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Review campaigns inside the library (certo/review.h): creation and start (the snapshot, set
// based so a campaign over 10,000 people starts in one pass), line-item and task actions with
// the state machines of codes.h, the closed-loop effects of sign-off and expiry, the OIG-shaped
// reads of seeds 002/003, the campaign report and the check of the history's hash chain.
// Functions throw StatusError; writes run inside the caller's WriteScope.

#pragma once

#include "certo/record.h"
#include "certo/review.h"
#include "certo/verify.h"

#include <string>
#include <vector>

#include "db/db.h"
#include "db/sql_functions.h"
#include "store/store.h"

namespace certo::internal {

struct ReviewEnv {
  Db& db;
  Store& store;
  SqlContext& ctx;
};

// The base of the OIG paths.
inline constexpr std::string_view kReviewBase = "/iam/governance/selfservice/api/v1";

Json CreateReviewCampaign(ReviewEnv env, const Json& spec);
Json StartReviewCampaign(ReviewEnv env, int64_t cert_id);

// Reads, in the shapes of seeds 002/003 (reviewer: only that person's tasks; "" = all).
Json ReviewCampaigns(ReviewEnv env, const std::string& reviewer, ReviewPage page);
Json ReviewCampaignDetails(ReviewEnv env, int64_t cert_id);
Json ReviewTasks(ReviewEnv env, int64_t cert_id, const std::string& reviewer, ReviewPage page);
Json ReviewTaskDetails(ReviewEnv env, int64_t cert_id, const std::string& task_id);
Json ReviewLineItems(ReviewEnv env, int64_t cert_id, const std::string& task_id, ReviewPage page);
Json ReviewLineItemDetails(ReviewEnv env, int64_t cert_id, const std::string& task_id,
                           int64_t line_item_id, ReviewPage page);
Json ReviewTaskHistory(ReviewEnv env, int64_t cert_id, const std::string& task_id, ReviewPage page);

// Each action in its own savepoint: a refused one changes nothing and the others go on.
// actor: who acts ("" = the task's reviewer).
std::vector<ReviewActionResult> ReviewLineItemActions(
    ReviewEnv env, int64_t cert_id, const std::string& task_id, const std::string& actor,
    const std::vector<ReviewLineItemAction>& actions);

// args: "recipient" (reassign, proxy), "comment". Returns {"state", "assignees", ...}.
Json ReviewTaskAction(ReviewEnv env, int64_t cert_id, const std::string& task_id,
                      const std::string& actor, const std::string& action, const Json& args);

// Expires every open task of the campaigns whose deadline is before today (the no-response
// policy decides what is undecided). Returns {"expired_tasks": n, "closed_campaigns": [ids]}.
Json CloseDueReviews(ReviewEnv env);

// The campaign report: per detail what the reviewer saw, the decision, who, when, the comment
// and the effect.
Json ReviewReport(ReviewEnv env, int64_t cert_id);

// The history's hash chain walked from the first event: the first event that does not match.
std::vector<Problem> VerifyReviewHistory(Db& db);

}  // namespace certo::internal
