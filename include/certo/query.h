// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Query and Page: the parameters and result of listing a collection (the JSON API's index).

#pragma once

#include "certo/record.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace certo {

struct Query {
  // Field -> value. Only the collection's allow-listed filters are accepted; anything else is a
  // Code::kValidation naming the key. Ids, enums, numbers and dates match exactly (a JSON array
  // means "any of"); text fields such as name and code match a case-insensitive substring.
  Json filter = Json::object();
  // Rows per page, 1..1000. Default: 100.
  int per_page = 100;
  // 1-based page number. A page past the end is empty, not an error. Default: 1.
  int page = 1;
  // An allow-listed field, "-field" for descending, or "" for the id order. Rows with equal keys
  // are ordered by id, so paging is stable.
  std::string sort;
  // Include retired rows and rows under a retired parent. Default: false.
  bool history = false;
  // The date the read is evaluated at: subscription status, action counters and which rows are
  // retired. Default: the engine's today.
  std::optional<std::chrono::year_month_day> as_of;
};

// The status changes between two dates (Engine::Changes).
struct ChangesQuery {
  // The window: changes that take effect on a day in (from, to]. REQUIRES: from <= to.
  std::chrono::year_month_day from;
  std::chrono::year_month_day to;
  // As Query::filter, over action-subscription's filters.
  Json filter = Json::object();
  int per_page = 100;  // 1..1000
  int page = 1;
  bool history = false;
};

struct Page {
  Json rows = Json::array();  // this page's records
  int64_t total_count = 0;    // rows matching the filter, over all pages
  int page = 1;               // the page requested
  int per_page = 100;         // the page size used
  int page_count = 0;         // ceil(total_count / per_page); 0 when nothing matches
};

}  // namespace certo
