// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The requests that once killed the process or were misread (issue 10), as regressions: invalid
// UTF-8 in a path or query, JSON nested 50,000 deep, numbers out of range, malformed query
// numbers. Each gets its 400 or 422, and the engine answers the next request as before.

#include <string>

#include "api/input.h"
#include "testutil.h"

namespace certo::testing {
namespace {

std::string Nested(int depth, const std::string& inner = "1") {
  return std::string(static_cast<size_t>(depth), '[') + inner +
         std::string(static_cast<size_t>(depth), ']');
}

// The first field error of a 422, as "field: message".
std::string FirstFieldError(const Response& r) {
  Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_array() || body.empty()) return "not a 422 body: " + r.body;
  return body[0]["field"].get<std::string>() + ": " + body[0]["message"].get<std::string>();
}

std::string MessageOf(const Response& r) {
  Json body = Json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("message") ? body["message"].get<std::string>()
                                                      : "no message: " + r.body;
}

TEST(HostileInput, InvalidUtf8InAPathSegmentIsA400NamingIt) {
  auto engine = OpenEngine();
  Response r = engine->Request("GET", "/v2/person/view/%FF");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(MessageOf(r),
            "the path segment '\\xFF' is not valid UTF-8 (byte 1 after percent-decoding)");
  r = engine->Request("GET", "/v2/%C3%28/view/x");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(MessageOf(r),
            "the path segment '\\xC3(' is not valid UTF-8 (byte 1 after percent-decoding)");
  EXPECT_EQ(engine->Request("POST", "/v2/project/index", "{}").status, 200);
}

TEST(HostileInput, InvalidUtf8InTheRawPathOrTheQueryIsA400) {
  auto engine = OpenEngine();
  EXPECT_EQ(engine->Request("GET", std::string("/v2/person/view/\xC0\xAF")).status, 400);
  Response r = engine->Request("GET", "/v2/person/view?id=%ED%A0%80");  // a UTF-16 surrogate
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(MessageOf(r),
            "the value of query parameter 'id' '\\xED\\xA0\\x80' is not valid UTF-8 (byte 1 after "
            "percent-decoding)");
  EXPECT_EQ(engine->Request("DELETE", "/v2/person/delete/x?%F5=1").status, 400);
}

TEST(HostileInput, ValidMultibyteTextInAPathIsAnOrdinaryNotFound) {
  auto engine = OpenEngine();
  Response r = engine->Request("GET", "/v2/person/view/%C3%A8");  // "è"
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST(HostileInput, ABodyNested50000DeepIsRefusedBeforeParsing) {
  auto engine = OpenEngine();
  Response r = engine->Request("POST", "/v2/project/index",
                               R"({"filter": {"name": )" + Nested(50000) + "}}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(MessageOf(r), "the body nests deeper than 512 levels of arrays and objects");
  r = engine->Request("POST", "/v2/project/create",
                      R"({"name": "A", "data": )" + Nested(50000) + "}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(engine->Index("project")->total_count, 0);
}

TEST(HostileInput, BracketsInsideStringsDoNotCountAsNesting) {
  auto engine = OpenEngine();
  Response r = engine->Request("POST", "/v2/project/index",
                               R"({"filter": {"name": ")" + std::string(2000, '[') + R"(\""}})");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(HostileInput, DataNestedPast64LevelsIsA422NamingTheField) {
  auto engine = OpenEngine();
  Response r =
      engine->Request("POST", "/v2/project/create", R"({"name": "A", "data": )" + Nested(65) + "}");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(FirstFieldError(r), "data: nests deeper than 64 levels of arrays and objects");
  EXPECT_EQ(engine->Index("project")->total_count, 0);
  r = engine->Request("POST", "/v2/project/create", R"({"name": "A", "data": )" + Nested(64) + "}");
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST(HostileInput, FilterValuesNestedPastTwoLevelsAreA422) {
  auto engine = OpenEngine();
  Response r = engine->Request("POST", "/v2/project/index", R"({"filter": {"name": [[["a"]]]}})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(FirstFieldError(r), "filter.name: nests deeper than 2 levels of arrays and objects");
  r = engine->Request("POST", "/v2/action-subscription/counts",
                      R"({"filter": {"status": )" + Nested(300) + "}}");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(FirstFieldError(r), "filter.status: nests deeper than 2 levels of arrays and objects");
}

TEST(HostileInput, IntegersBeyondInt64AreA422NotAWrap) {
  auto engine = OpenEngine();
  Response r = engine->Request("POST", "/v2/project/index", R"({"page": 9223372036854775808})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(FirstFieldError(r),
            "page: holds an integer out of range (at most 9223372036854775807)");
  r = engine->Request("POST", "/v2/outbox/ack", R"({"through": 18446744073709551615})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(FirstFieldError(r),
            "through: holds an integer out of range (at most 9223372036854775807)");
  // A float beyond double is not JSON that nlohmann accepts: 400, not infinity.
  r = engine->Request("POST", "/v2/project/create", R"({"name": "A", "data": {"x": 1e999}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(MessageOf(r), "the body is not valid JSON");
  EXPECT_EQ(engine->Index("project")->total_count, 0);
}

TEST(HostileInput, MalformedQueryNumbersAreA422NamingTheParameter) {
  auto engine = OpenEngine();
  for (const char* target :
       {"/v2/outbox/index?limit=1x", "/v2/outbox/index?limit=%201",
        "/v2/outbox/index?limit=", "/v2/outbox/index?limit=99999999999999999999"}) {
    Response r = engine->Request("GET", target);
    EXPECT_EQ(r.status, 422) << target;
    EXPECT_EQ(FirstFieldError(r), "limit: must be a decimal integer") << target;
  }
  Response r = engine->Request("GET", "/v2/outbox/index?after=1e3");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(FirstFieldError(r), "after: must be a decimal integer");
  EXPECT_EQ(engine->Request("GET", "/v2/outbox/index?after=-5&limit=10").status, 200);
}

TEST(InputChecks, Utf8ValidationFollowsRfc3629) {
  using internal::IsValidUtf8;
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA8\xE2\x82\xAC\xF0\x9F\x98\x80"));  // è € 😀
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_EQ(internal::Printable("a\xFF\xC3\xA8"), "a\\xFF\xC3\xA8");
}

TEST(InputChecks, Int64ParsingIsStrict) {
  using internal::ParseInt64;
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "1x", "1e3", "0x10", "9223372036854775808",
                          "-9223372036854775809", "99999999999999999999"}) {
    EXPECT_EQ(ParseInt64(bad), std::nullopt) << bad;
  }
}

TEST(InputChecks, DepthCountsLevelsAndStopsPastTheLimit) {
  EXPECT_EQ(internal::JsonDepth(Json(1), 64), 0);
  EXPECT_EQ(internal::JsonDepth(Json::array(), 64), 1);
  EXPECT_EQ(internal::JsonDepth(Json::parse("[1, [2, {\"a\": [3]}]]"), 64), 4);
  EXPECT_EQ(internal::JsonDepth(Json::parse(Nested(100)), 10), 11);
  EXPECT_EQ(internal::JsonTextDepth(R"({"a": "[[[", "b": [[]]})", 512), 3);
  EXPECT_EQ(internal::JsonTextDepth(Nested(100000), 512), 513);
}

}  // namespace
}  // namespace certo::testing
