// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The JSON API's review-campaign routes (certo/review.h, docs/review.md): the OIG self-service
// paths of seeds 002/003 under /iam/governance/selfservice/api/v1/certifications, with their
// bodies and response shapes, and /v2/review-campaign/{create, start/{certid}, view/{certid},
// report/{certid}, close-due} for what OIG does in its admin console. The acting person is the
// query parameter actor (OIG's logged-in user); without it a list shows every task and an action
// is the task's reviewer's.

#pragma once

#include "certo/engine.h"
#include "certo/response.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace certo::internal {

// True when the path is one of these routes' (segments percent-decoded).
bool IsReviewPath(const std::vector<std::string>& segments);

Response ReviewRoute(Engine& engine, std::string_view method,
                     const std::vector<std::string>& segments,
                     const std::map<std::string, std::string>& params, std::string_view body);

}  // namespace certo::internal
