// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// A synthetic company of any size, for trying certo at scale: `certo generate`, the benchmarks
// and the tests share it. The same options and seed always give the same rows, ids included.
//
// Shape (the realistic ranges of the schedule issue): offices of 50-5,000 people; every person
// subscribed to 5-30 of the requirements of their office (or holding a job profile that demands
// them); 1-3 certificates per requirement for
// most requirements (renewals), with covering expiries spread over today +- 5 years; equipment
// with maintenance plans and checks.

#pragma once

#include "certo/calendar.h"
#include "certo/record.h"

#include <cstdint>
#include <functional>
#include <string_view>

namespace certo::generator {

struct GenerateOptions {
  int people = 150;
  int offices = 3;
  uint64_t seed = 1;
  Date today;
  // How people's requirements are stated (DESIGN.md section 2.2).
  enum class Requirements {
    kWritten,  // each person subscribed to 5-30 of the office's requirements, rows written out
    // Each office has kProfiles job profiles (roles) demanding 5-30 of its requirements, each
    // person holds one, and the engine derives the person's subscriptions. Another draw
    // sequence: other rows than kWritten for the same seed.
    kDemands,
    // The same company as kDemands, every row and id the same, but the subscriptions the
    // demands would derive written out instead of the demands (what a bulk load of derived rows
    // is compared with).
    kProfilesWritten,
  };
  Requirements requirements = Requirements::kWritten;
};

// Job profiles per office, unless requirements are kWritten.
inline constexpr int kProfiles = 16;

// Counts of what Generate emitted, by collection. `subscriptions` counts the ones the schedule
// will hold, derived included; `written` the action-subscription rows emitted.
struct GenerateCounts {
  int64_t rows = 0;
  int64_t people = 0, subscriptions = 0, certificates = 0, links = 0;
  int64_t written = 0, demands = 0;
};

// Calls sink(collection, record) for every row, parents before children, each with its id.
GenerateCounts Generate(const GenerateOptions& options,
                        const std::function<void(std::string_view collection, Json& record)>& sink);

}  // namespace certo::generator
