// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The JSON API's reads of the schedule on other days than one: POST /v2/report/trend (body
// {"from", "to", "step": "month"|"week"|"day", "filter"}; step defaults to month) answers
// [{"date", "counts": {"NEW", "VALID", "EXPIRING", "EXPIRED"}}], oldest first; POST
// /v2/incident/compliance/{id} answers Engine::IncidentCompliance's JSON; POST
// /v2/person/requirements/{id} (body {"as_of"}, optional) Engine::PersonRequirements'. Errors as
// every route: 422 [{"field", "message"}], 404 for an unknown incident or person.

#pragma once

#include "certo/engine.h"
#include "certo/response.h"

#include <string>

namespace certo::internal {

// POST /v2/report/trend, body already parsed.
Response TrendRoute(Engine& engine, const Json& body);
// POST /v2/incident/compliance/{id}.
Response IncidentComplianceRoute(Engine& engine, const std::string& id);
// POST /v2/person/requirements/{id}, body already parsed.
Response PersonRequirementsRoute(Engine& engine, const std::string& id, const Json& body);

}  // namespace certo::internal
