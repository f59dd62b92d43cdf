// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The JSON API router: turns a method, a path and a body into calls of the Engine's C++ API and
// their results into HTTP-shaped responses (DESIGN.md section 4).

#pragma once

#include "certo/engine.h"
#include "certo/response.h"

#include <string_view>

namespace certo::internal {

Response HandleRequest(Engine& engine, std::string_view method, std::string_view target,
                       std::string_view body);

// A response with a JSON body and its Content-Type.
Response JsonResponse(int status, const Json& body);

// The response for a failed operation: 422 with [{"field","message"}], or an error object.
Response ErrorResponse(const Status& status);

}  // namespace certo::internal
