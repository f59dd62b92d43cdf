// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// What a request must be before the router acts on it: text that is valid UTF-8 (nlohmann
// refuses to serialize anything else, so an invalid byte that reached a message would throw),
// JSON that nests no deeper than the limits below (copying and serializing a JSON value
// recurses once per level, so depth is bounded before any copy), and integers written as
// integers that fit in 64 bits. The limits are documented in docs/errors.md.

#pragma once

#include "certo/record.h"
#include "certo/status.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"

namespace certo::internal {

// Nesting limits. A scalar is level 0; each array or object around it adds one level.
constexpr int kMaxBodyDepth = 512;  // the whole body, counted on the raw text before parsing
constexpr int kMaxFieldDepth = 64;  // the value of one field of a body (a record's data)
constexpr int kMaxFilterDepth = 2;  // the value of one field of a body's filter

// True when text is well-formed UTF-8 (RFC 3629: shortest form, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view text);

// text with every byte that is not part of valid UTF-8 written as \xNN, so that it can be
// quoted in a message.
std::string Printable(std::string_view text);

// The deepest bracket nesting of JSON text, counting [ and { outside strings. Stops counting
// (and returns limit + 1) once past limit, so the scan is linear and allocates nothing.
int JsonTextDepth(std::string_view text, int limit);

// The nesting depth of value, or limit + 1 when deeper (recursion bounded by limit).
int JsonDepth(const Json& value, int limit);

// The request target after percent-decoding: every segment, query key and query value must be
// valid UTF-8. kInvalidArgument (400) naming the part and where its first bad byte is.
Status CheckTarget(std::string_view raw_path, const std::vector<std::string>& segments,
                   const std::map<std::string, std::string>& params);

// A body's raw text, before parsing: refused (kInvalidArgument, 400) past kMaxBodyDepth.
Status CheckBodyText(std::string_view body);

// A parsed body: each top-level field nests at most kMaxFieldDepth (each value of an object
// "filter" at most kMaxFilterDepth), and holds no integer beyond int64_t (nlohmann reads one up
// to 2^64 - 1 as unsigned; the engine would wrap it). kValidation (422) naming each field.
Status CheckBodyValue(const Json& body);

}  // namespace certo::internal
