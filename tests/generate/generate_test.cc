// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The synthetic company generator: deterministic, realistic shapes, and loadable as is.

#include "generate/generate.h"

#include <map>

#include "testutil.h"

namespace certo::generator {
namespace {

using certo::testing::OpenEngine;

GenerateOptions Small(uint64_t seed = 7) {
  return GenerateOptions{
      .people = 120, .offices = 2, .seed = seed, .today = *ParseDate("2026-11-22")};
}

TEST(Generate, SameSeedSameRowsOtherSeedOtherRows) {
  std::vector<std::string> a, b, c;
  Generate(Small(),
           [&](std::string_view coll, Json& r) { a.push_back(std::string(coll) + r.dump()); });
  Generate(Small(),
           [&](std::string_view coll, Json& r) { b.push_back(std::string(coll) + r.dump()); });
  Generate(Small(8),
           [&](std::string_view coll, Json& r) { c.push_back(std::string(coll) + r.dump()); });
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Generate, ShapesAreWithinTheDocumentedRanges) {
  std::map<std::string, int> per_person;
  std::map<std::string, int> rows;
  auto counts = Generate(Small(), [&](std::string_view coll, Json& r) {
    rows[std::string(coll)]++;
    if (coll == "action-subscription" && r["subscriber_type"] == "PERSON") {
      per_person[r["subscriber_id"].get<std::string>()]++;
    }
  });
  EXPECT_EQ(counts.people, 120);
  EXPECT_EQ(rows["person"], 120);
  EXPECT_EQ(rows["office"], 2);
  ASSERT_EQ(per_person.size(), 120u);
  for (const auto& [person, n] : per_person) {
    EXPECT_GE(n, 5);
    EXPECT_LE(n, 30);
  }
  EXPECT_EQ(rows["action-subscription"], counts.subscriptions);
  EXPECT_EQ(rows["certificate-action"], counts.links);
  EXPECT_GE(counts.certificates, counts.subscriptions * 8 / 10);  // 90% covered, 1-3 each
  EXPECT_LE(counts.certificates, counts.subscriptions * 3);
}

TEST(Generate, LoadsIntoAnEngineWithEveryStatusPresentAndVerifies) {
  auto engine = OpenEngine();
  Status loaded = engine->BulkTransaction([&](Engine& e) {
    Status status;
    Generate(Small(), [&](std::string_view coll, Json& r) {
      if (!status.ok()) return;
      auto id = e.Insert(coll, r);
      if (!id.ok()) status = id.status();
    });
    return status;
  });
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  for (const char* status : {"NEW", "VALID", "EXPIRING", "EXPIRED"}) {
    Query q;
    q.filter = {{"status", status}};
    auto page = engine->Index("action-subscription", q);
    ASSERT_TRUE(page.ok());
    EXPECT_GT(page->total_count, 0) << status;
  }
  auto report = engine->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

}  // namespace
}  // namespace certo::generator
