// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Response: what Engine::Request returns for one JSON-API call, shaped like an HTTP response so
// that a client of the 4hse v2 API can run against a local file unchanged.

#pragma once

#include "certo/export.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace certo {

struct CERTO_EXPORT Response {
  // HTTP status: 200 read/update, 201 create, 400 malformed request, 404 unknown id or route,
  // 405 wrong method for a route, 409 duplicate id or unique key, 422 validation failure
  // (body: [{"field", "message"}]), 500 and 503 for file-level errors.
  int status = 200;
  // Response headers in a fixed order, e.g. Content-Type and the X-Pagination-* headers of index.
  std::vector<std::pair<std::string, std::string>> headers;
  // The JSON body as text (an object, or an array for index and 422).
  std::string body;

  // The value of a header (case-insensitive name), or "" when absent.
  std::string Header(std::string_view name) const;
};

}  // namespace certo
