// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "api/report_routes.h"

#include <optional>
#include <vector>

#include "api/api.h"
#include "base/calendar.h"

namespace certo::internal {

namespace {

// The body as a TrendQuery; every bad field is named at once.
Result<TrendQuery> ParseTrendBody(const Json& body) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  TrendQuery q;
  std::vector<FieldError> errors;
  bool has_from = false, has_to = false;
  for (const auto& [key, value] : body.items()) {
    if (key == "from" || key == "to") {
      std::optional<Date> date =
          value.is_string() ? ParseDayOf(value.get<std::string>()) : std::nullopt;
      if (!date) {
        errors.push_back({key, "must be a real calendar date in the form YYYY-MM-DD"});
      } else {
        (key == "from" ? q.from : q.to) = *date;
        (key == "from" ? has_from : has_to) = true;
      }
    } else if (key == "step") {
      std::optional<TrendStep> step =
          value.is_string() ? ParseTrendStep(value.get<std::string>()) : std::nullopt;
      if (step) {
        q.step = *step;
      } else if (!value.is_null()) {
        errors.push_back({key, "must be month, week or day"});
      }
    } else if (key == "filter") {
      if (value.is_object()) {
        q.filter = value;
      } else if (!value.is_null()) {
        errors.push_back({key, "must be an object of field: value"});
      }
    } else {
      errors.push_back({key, "is not a trend parameter (from, to, step, filter)"});
    }
  }
  auto mentioned = [&](const char* field) {
    for (const FieldError& e : errors) {
      if (e.field == field) return true;
    }
    return false;
  };
  if (!has_from && !mentioned("from")) errors.push_back({"from", "is required"});
  if (!has_to && !mentioned("to")) errors.push_back({"to", "is required"});
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return q;
}

}  // namespace

Response TrendRoute(Engine& engine, const Json& body) {
  Result<TrendQuery> query = ParseTrendBody(body);
  if (!query.ok()) return ErrorResponse(query.error());
  Result<std::vector<TrendPoint>> points = engine.Trend(*query);
  if (!points.ok()) return ErrorResponse(points.error());
  Json out = Json::array();
  for (const TrendPoint& p : *points) {
    Json counts = Json::object();
    for (ScheduleStatus s : kScheduleStatuses) {
      auto it = p.counts.find(s);
      counts[StatusName(s)] = it == p.counts.end() ? 0 : it->second;
    }
    out.push_back(Json{{"date", FormatDate(p.date)}, {"counts", std::move(counts)}});
  }
  return JsonResponse(200, out);
}

Response IncidentComplianceRoute(Engine& engine, const std::string& id) {
  Result<Json> result = engine.IncidentCompliance(id);
  if (!result.ok()) return ErrorResponse(result.error());
  return JsonResponse(200, *result);
}

Response PersonRequirementsRoute(Engine& engine, const std::string& id, const Json& body) {
  if (!body.is_object()) {
    return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
  }
  std::optional<Date> as_of;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : body.items()) {
    if (key == "as_of") {
      as_of = value.is_string() ? ParseDayOf(value.get<std::string>()) : std::nullopt;
      if (!value.is_null() && !as_of) {
        errors.push_back({"as_of", "must be a real calendar date in the form YYYY-MM-DD"});
      }
    } else {
      errors.push_back({key, "is not a person requirements parameter (as_of)"});
    }
  }
  if (!errors.empty()) return ErrorResponse(Status::Validation(std::move(errors)));
  Result<Json> result = engine.PersonRequirements(id, as_of);
  if (!result.ok()) return ErrorResponse(result.error());
  return JsonResponse(200, *result);
}

}  // namespace certo::internal
