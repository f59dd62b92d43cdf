// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The outbox's retention policy (certo/outbox.h, schema 11): by count and by age, applied at the
// end of every write and when set, every dropped event counted, handlers still told; bad
// policies refused with nothing changed; the JSON route; and Engine::Compact.

#include "certo/engine.h"

#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

std::vector<int64_t> Seqs(Engine& e) {
  std::vector<int64_t> seqs;
  auto events = e.ReadOutbox(0, 10000);
  EXPECT_TRUE(events.ok());
  if (events.ok()) {
    for (const Event& ev : *events) seqs.push_back(ev.seq);
  }
  return seqs;
}

void Projects(Engine& e, int n) {
  for (int i = 0; i < n; ++i) MustCreate(e, "project", {{"name", "P" + std::to_string(i)}});
}

TEST(OutboxRetention, WithoutAPolicyEveryEventWaits) {
  auto e = OpenEngine();
  Projects(*e, 5);
  auto state = e->OutboxStatus();
  ASSERT_OK(state);
  EXPECT_EQ(state->policy, OutboxPolicy{});
  EXPECT_EQ(state->pending, 5);
  EXPECT_EQ(state->dropped, 0);
  EXPECT_EQ(state->dropped_through, 0);
}

TEST(OutboxRetention, AMaximumCountKeepsTheNewestAndCountsTheRest) {
  auto e = OpenEngine();
  Projects(*e, 5);
  auto state = e->SetOutboxPolicy(OutboxPolicy{.max_events = 3});
  ASSERT_OK(state);
  EXPECT_EQ(state->pending, 3);
  EXPECT_EQ(state->dropped, 2);
  EXPECT_EQ(state->dropped_through, 2);
  EXPECT_EQ(Seqs(*e), (std::vector<int64_t>{3, 4, 5}));
  Projects(*e, 2);  // each write keeps the bound
  EXPECT_EQ(Seqs(*e), (std::vector<int64_t>{5, 6, 7}));
  state = e->OutboxStatus();
  EXPECT_EQ(state->dropped, 4);
  EXPECT_EQ(state->dropped_through, 4);
  auto report = e->Verify();
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->outbox_dropped, 4);
  EXPECT_EQ(report->outbox_dropped_through, 4);
  // Acknowledged events are not dropped ones.
  ASSERT_TRUE(e->AckOutbox(6).ok());
  state = e->OutboxStatus();
  EXPECT_EQ(state->pending, 1);
  EXPECT_EQ(state->dropped, 4);
}

TEST(OutboxRetention, AMaximumAgeDropsEventsOlderThanItsDays) {
  TempDir dir;
  const std::string path = dir.File("aged.certo");
  {
    auto e = OpenEngine(path, Ymd(2026, 11, 1));
    Projects(*e, 2);
  }
  {
    auto e = OpenEngine(path, Ymd(2026, 11, 15));
    Projects(*e, 1);
  }
  auto e = OpenEngine(path, Ymd(2026, 11, 22));
  // 2026-11-12 is the first day kept by 10 days: the events of 11-01 go, the one of 11-15 stays.
  auto state = e->SetOutboxPolicy(OutboxPolicy{.max_days = 10});
  ASSERT_OK(state);
  EXPECT_EQ(state->pending, 1);
  EXPECT_EQ(state->dropped, 2);
  EXPECT_EQ(Seqs(*e), (std::vector<int64_t>{3}));
  // Every event too old: all go.
  state = e->SetOutboxPolicy(OutboxPolicy{.max_days = 1});
  EXPECT_EQ(state->pending, 0);
  EXPECT_EQ(state->dropped, 3);
  EXPECT_EQ(state->dropped_through, 3);
}

TEST(OutboxRetention, HandlersHearEveryEventOfAWriteTheOutboxDoesNotKeep) {
  auto e = OpenEngine();
  ASSERT_OK(e->SetOutboxPolicy(OutboxPolicy{.max_events = 1}));
  std::vector<std::string> heard;
  e->Subscribe([&](const Event& ev) { heard.push_back(ev.name); });
  Status st = e->Transaction([&](Engine& tx) {
    Projects(tx, 3);
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(heard, (std::vector<std::string>{"PROJECT::CREATE", "PROJECT::CREATE",
                                             "PROJECT::CREATE"}));
  EXPECT_EQ(Seqs(*e), (std::vector<int64_t>{3}));
}

TEST(OutboxRetention, AnOutOfRangePolicyIsRefusedNamingTheFieldAndChangesNothing) {
  auto e = OpenEngine();
  Projects(*e, 2);
  auto bad = e->SetOutboxPolicy(OutboxPolicy{.max_events = 0});
  EXPECT_EQ(OnlyFieldError(bad.status()), "max_events: must be between 1 and 1000000000");
  bad = e->SetOutboxPolicy(OutboxPolicy{.max_days = 40000});
  EXPECT_EQ(OnlyFieldError(bad.status()), "max_days: must be between 1 and 36500");
  auto state = e->OutboxStatus();
  EXPECT_EQ(state->policy, OutboxPolicy{});
  EXPECT_EQ(state->pending, 2);
}

TEST(OutboxRetention, TheJsonRouteReadsAndSetsTheWholePolicy) {
  auto e = OpenEngine();
  Projects(*e, 4);
  Reply r = Call(*e, "GET", "/v2/outbox/policy");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, (Json{{"max_events", nullptr},
                          {"max_days", nullptr},
                          {"pending", 4},
                          {"dropped", 0},
                          {"dropped_through", 0}}));
  r = Call(*e, "POST", "/v2/outbox/policy", {{"max_events", 1}, {"max_days", 90}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body["pending"], 1);
  EXPECT_EQ(r.body["dropped"], 3);
  EXPECT_EQ(r.body["max_days"], 90);
  r = Call(*e, "POST", "/v2/outbox/policy", {{"max_events", "ten"}, {"keep", 1}});
  EXPECT_EQ(r.status, 422);
  ASSERT_TRUE(r.body.is_array()) << r.raw.body;  // the 4hse error body: one entry per field
  EXPECT_EQ(r.body.size(), 2u) << r.raw.body;
  EXPECT_EQ(r.body[0]["field"], "max_events");
  EXPECT_EQ(r.body[1]["field"], "keep");
  r = Call(*e, "POST", "/v2/outbox/policy", Json::object());  // no limits again
  EXPECT_EQ(r.body["max_events"], nullptr);
  EXPECT_EQ(r.body["max_days"], nullptr);
  EXPECT_EQ(Call(*e, "DELETE", "/v2/outbox/policy").status, 405);
}

TEST(OutboxRetention, CompactGivesTheSpaceOfDroppedEventsBack) {
  TempDir dir;
  const std::string path = dir.File("big.certo");
  auto e = OpenEngine(path);
  Status st = e->BulkTransaction([](Engine& tx) {
    for (int i = 0; i < 3000; ++i) {
      auto made = tx.Insert("project", {{"name", "Project " + std::to_string(i)},
                                        {"description", std::string(200, 'x')}});
      if (!made.ok()) return made.status();
    }
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_OK(e->SetOutboxPolicy(OutboxPolicy{.max_events = 1}));
  auto plain = e->Compact(false);
  ASSERT_OK(plain);
  EXPECT_FALSE(plain->vacuumed);
  auto vacuumed = e->Compact(true);
  ASSERT_OK(vacuumed);
  EXPECT_TRUE(vacuumed->vacuumed);
  EXPECT_EQ(vacuumed->bytes_before, plain->bytes_after);
  EXPECT_LT(vacuumed->bytes_after, vacuumed->bytes_before);
  EXPECT_TRUE(Verified(*e));
  auto memory = OpenEngine();
  auto none = memory->Compact(true);
  ASSERT_OK(none);
  EXPECT_EQ(none->bytes_before, 0);
  EXPECT_EQ(none->bytes_after, 0);
  // Not inside a transaction.
  st = e->Transaction([](Engine& tx) { return tx.Compact(false).status(); });
  EXPECT_EQ(st.code(), Code::kInvalidArgument) << st.ToString();
}

}  // namespace
}  // namespace certo::testing
