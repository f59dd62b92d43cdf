// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// A synthetic company of any size, for trying certo at scale: `certo generate`, the benchmarks
// and the tests share it. The same options and seed always give the same rows, ids included.
//
// Shape (the realistic ranges of the schedule issue): offices of 50-5,000 people; every person
// subscribed to 5-30 of the requirements of their office; 1-3 certificates per requirement for
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
};

// Counts of what Generate emitted, by collection.
struct GenerateCounts {
  int64_t rows = 0;
  int64_t people = 0, subscriptions = 0, certificates = 0, links = 0;
};

// Calls sink(collection, record) for every row, parents before children, each with its id.
GenerateCounts Generate(const GenerateOptions& options,
                        const std::function<void(std::string_view collection, Json& record)>& sink);

}  // namespace certo::generator
