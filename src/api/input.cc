// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "api/input.h"

#include <algorithm>
#include <limits>

#include "base/strings.h"

namespace certo::internal {

namespace {

Status InvalidText(const std::string& what, std::string_view text) {
  const size_t at = FirstInvalidByte(text);
  return Status::InvalidArgument(what + " '" + Printable(text) + "' is not valid UTF-8 (byte " +
                                 std::to_string(at + 1) + " after percent-decoding)");
}

// The first field error of value nested inside field, or nothing.
std::optional<FieldError> CheckField(const std::string& field, const Json& value, int limit) {
  if (JsonDepth(value, limit) > limit) {
    return FieldError{
        field, "nests deeper than " + std::to_string(limit) + " levels of arrays and objects"};
  }
  // Bounded by limit: the depth was checked first.
  std::vector<const Json*> pending{&value};
  while (!pending.empty()) {
    const Json* v = pending.back();
    pending.pop_back();
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return FieldError{field, "holds an integer out of range (at most 9223372036854775807)"};
    }
    if (v->is_structured()) {
      for (const Json& child : *v) pending.push_back(&child);
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsValidUtf8(std::string_view text) { return FirstInvalidByte(text) == std::string_view::npos; }

std::string Printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8SequenceAt(text, i);
    if (n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i++]);
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

int JsonTextDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return limit + 1;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

int JsonDepth(const Json& value, int limit) {
  if (!value.is_structured() || value.empty()) return value.is_structured() ? 1 : 0;
  if (limit <= 0) return 1;  // deeper than the caller allows; stop descending
  int deepest = 0;
  for (const Json& child : value) {
    deepest = std::max(deepest, JsonDepth(child, limit - 1));
    if (deepest > limit - 1) break;
  }
  return deepest + 1;
}

Status CheckTarget(std::string_view raw_path, const std::vector<std::string>& segments,
                   const std::map<std::string, std::string>& params) {
  if (!IsValidUtf8(raw_path)) return InvalidText("the path", raw_path);
  for (const std::string& segment : segments) {
    if (!IsValidUtf8(segment)) return InvalidText("the path segment", segment);
  }
  for (const auto& [key, value] : params) {
    if (!IsValidUtf8(key)) return InvalidText("the query parameter", key);
    if (!IsValidUtf8(value))
      return InvalidText("the value of query parameter '" + key + "'", value);
  }
  return Status::OK();
}

Status CheckBodyText(std::string_view body) {
  if (JsonTextDepth(body, kMaxBodyDepth) > kMaxBodyDepth) {
    return Status::InvalidArgument("the body nests deeper than " + std::to_string(kMaxBodyDepth) +
                                   " levels of arrays and objects");
  }
  return Status::OK();
}

Status CheckBodyValue(const Json& body) {
  if (!body.is_object()) {
    if (auto error = CheckField("body", body, kMaxFieldDepth)) return Status::Validation({*error});
    return Status::OK();
  }
  std::vector<FieldError> errors;
  for (const auto& [key, value] : body.items()) {
    if (key == "filter" && value.is_object()) {
      for (const auto& [name, alternatives] : value.items()) {
        if (auto error = CheckField("filter." + name, alternatives, kMaxFilterDepth)) {
          errors.push_back(std::move(*error));
        }
      }
    } else if (auto error = CheckField(key, value, kMaxFieldDepth)) {
      errors.push_back(std::move(*error));
    }
  }
  if (!errors.empty()) return Status::Validation(std::move(errors));
  return Status::OK();
}

}  // namespace certo::internal
