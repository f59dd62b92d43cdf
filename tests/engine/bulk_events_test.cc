// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Bulk summaries (certo/events.h): a bulk write announces one ENTITY::BULK_VERB event per name
// its rows' events would have had, the C++ writes' and the triggers' (derived rows, STATUS) alike,
// with the ids in the order written, at most kBulkEventMaxIds to an event; the outbox and the
// handlers get the same summaries; plain writes keep their events row by row; a rolled-back bulk
// write leaves nothing behind, not even its diversion of the outbox.

#include <cstdio>
#include <string>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

std::string Id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

std::vector<Event> Outbox(Engine& engine, int64_t after = 0) {
  auto events = engine.ReadOutbox(after, 10000);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? *events : std::vector<Event>{};
}

int64_t LastSeq(Engine& engine) {
  std::vector<Event> all = Outbox(engine);
  return all.empty() ? 0 : all.back().seq;
}

// "NAME entity_id payload", one string an event.
std::vector<std::string> Lines(const std::vector<Event>& events) {
  std::vector<std::string> lines;
  for (const Event& e : events) lines.push_back(e.name + " " + e.entity_id + e.payload.dump());
  return lines;
}

std::string Summary(const std::string& name, const std::vector<std::string>& ids) {
  return name + " " + Json{{"ids", ids}, {"count", ids.size()}}.dump();
}

Status Post(Engine& e, const std::string& path, const Json& body) {
  Response r = e.Request("POST", path, body.dump());
  if (r.status < 300) return Status::OK();
  return Status::InvalidArgument(path + ": " + std::to_string(r.status) + " " + r.body);
}

#define ASSERT_DONE(expr)                                    \
  do {                                                       \
    const Status certo_done_ = (expr);                       \
    ASSERT_TRUE(certo_done_.ok()) << certo_done_.ToString(); \
  } while (0)

#define TRY(expr)                        \
  do {                                   \
    Status certo_s_ = (expr);            \
    if (!certo_s_.ok()) return certo_s_; \
  } while (0)

// The fixture `certo import` would read as JSON API lines: a project and office, a training that
// the role of fire warden demands, two people holding it, and a certificate linked to the
// training for the first, then a second update of her name.
Status LoadFixture(Engine& e) {
  TRY(Post(e, "/v2/project/create", {{"project_id", Id(1)}, {"name", "ACME"}}));
  TRY(Post(e, "/v2/office/create",
           {{"office_id", Id(2)}, {"project_id", Id(1)}, {"name", "Plant"}}));
  TRY(Post(e, "/v2/action/create",
           {{"action_id", Id(3)},
            {"tenant_id", Id(1)},
            {"subtenant_id", Id(2)},
            {"action_type", "TRAINING"},
            {"name", "Fire fighting"},
            {"validity", 1},
            {"validity_unit", "YEAR"}}));
  TRY(Post(e, "/v2/role/create",
           {{"office_role_id", Id(4)},
            {"project_id", Id(1)},
            {"office_id", Id(2)},
            {"name", "Fire warden"}}));
  TRY(Post(e, "/v2/demand/create",
           {{"demand_id", Id(5)},
            {"project_id", Id(1)},
            {"office_id", Id(2)},
            {"action_id", Id(3)},
            {"resource_type", "ROLE"},
            {"resource_id", Id(4)}}));
  for (int i : {10, 20}) {
    TRY(Post(e, "/v2/person/create",
             {{"person_id", Id(i)},
              {"project_id", Id(1)},
              {"first_name", "P" + std::to_string(i)},
              {"last_name", "Rossi"}}));
    TRY(Post(e, "/v2/person-office/create",
             {{"person_office_id", Id(i + 1)}, {"person_id", Id(i)}, {"office_id", Id(2)}}));
    TRY(Post(e, "/v2/entity-employee/create",
             {{"entity_employee_id", Id(i + 2)},
              {"project_id", Id(1)},
              {"office_id", Id(2)},
              {"person_office_id", Id(i + 1)},
              {"type", "ROLE"},
              {"entity_id", Id(4)}}));
  }
  TRY(Post(e, "/v2/certificate/create",
           {{"certificate_id", Id(30)},
            {"tenant_id", Id(1)},
            {"resource_id", Id(10)},
            {"action_type", "TRAINING"},
            {"name", "Fire fighting course"},
            {"date_release", "2026-06-01"}}));
  TRY(Post(e, "/v2/certificate-action/create",
           {{"certificate_action_id", Id(31)}, {"certificate_id", Id(30)}, {"action_id", Id(3)}}));
  for (const char* name : {"Ada", "Adele"}) {
    Response r =
        e.Request("PUT", "/v2/person/update?id=" + Id(10), Json{{"first_name", name}}.dump());
    if (r.status != 200) return Status::InvalidArgument("update: " + r.body);
  }
  return Status::OK();
}

// A derived row's id is its (action, person) pair's: read it from the schedule.
std::string SubscriptionOf(Engine& e, const std::string& person) {
  Query q;
  q.filter = {{"subscriber_id", person}};
  auto page = e.Index("action-subscription", q);
  EXPECT_TRUE(page.ok() && page->rows.size() == 1u);
  return page.ok() && page->rows.size() == 1u ? page->rows[0]["action_subscription_id"] : "";
}

TEST(BulkEvents, ABulkImportAnnouncesOneSummaryPerNameWithItsIds) {
  auto e = OpenEngine();
  std::vector<std::string> heard;
  e->Subscribe(
      [&](const Event& ev) { heard.push_back(ev.name + " " + ev.entity_id + ev.payload.dump()); });
  ASSERT_DONE(e->BulkTransaction(LoadFixture));
  const std::string ada_sub = SubscriptionOf(*e, Id(10)), bob_sub = SubscriptionOf(*e, Id(20));
  std::vector<Event> events = Outbox(*e);
  EXPECT_EQ(
      Lines(events),
      (std::vector<std::string>{
          Summary("PROJECT::BULK_CREATE", {Id(1)}), Summary("OFFICE::BULK_CREATE", {Id(2)}),
          Summary("ACTION::BULK_CREATE", {Id(3)}), Summary("ROLE::BULK_CREATE", {Id(4)}),
          Summary("DEMAND::BULK_CREATE", {Id(5)}), Summary("PERSON::BULK_CREATE", {Id(10), Id(20)}),
          Summary("PERSON_OFFICE::BULK_CREATE", {Id(11), Id(21)}),
          Summary("ENTITY_EMPLOYEE::BULK_CREATE", {Id(12), Id(22)}),
          Summary("CERTIFICATE::BULK_CREATE", {Id(30)}),
          Summary("CERTIFICATE_ACTION::BULK_CREATE", {Id(31)}),
          Summary("PERSON::BULK_UPDATE", {Id(10), Id(10)}),  // updated twice
          Summary("ACTION_SUBSCRIPTION::BULK_CREATE", {ada_sub, bob_sub}),
          Summary("ACTION_SUBSCRIPTION::BULK_STATUS", {ada_sub}),  // Ada's training is valid
      }));
  for (const Event& ev : events) EXPECT_EQ(ev.date, "2026-11-22") << ev.name;
  EXPECT_EQ(heard, Lines(events));
  EXPECT_TRUE(Verified(*e));
}

// A full summary is written at once; the rest wait for the end, the name whose first id waited
// longest first.
TEST(BulkEvents, AFullSummaryIsWrittenAtOnceAndTheRestAtTheEnd) {
  auto e = OpenEngine();
  const int n = kBulkEventMaxIds + 1;
  ASSERT_DONE(e->BulkTransaction([&](Engine& b) {
    for (int i = 0; i < n; ++i) {
      TRY(b.Insert("project", {{"project_id", Id(100 + i)}, {"name", "P"}}).status());
      if (i == 0) {
        TRY(b.Insert("office", {{"office_id", Id(2)}, {"project_id", Id(100)}, {"name", "O"}})
                .status());
      }
    }
    return Status::OK();
  }));
  std::vector<std::string> first;
  for (int i = 0; i < kBulkEventMaxIds; ++i) first.push_back(Id(100 + i));
  EXPECT_EQ(Lines(Outbox(*e)),
            (std::vector<std::string>{Summary("PROJECT::BULK_CREATE", first),
                                      Summary("OFFICE::BULK_CREATE", {Id(2)}),
                                      Summary("PROJECT::BULK_CREATE", {Id(100 + n - 1)})}));
}

TEST(BulkEvents, PlainWritesAndTransactionsKeepTheirEventsRowByRow) {
  auto e = OpenEngine();
  ASSERT_DONE(e->Transaction([](Engine& t) {
    TRY(t.Create("project", {{"project_id", Id(1)}, {"name", "ACME"}}).status());
    return t.Update("project", Id(1), {{"name", "ACME Ltd"}}).status();
  }));
  std::vector<Event> events = Outbox(*e);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "PROJECT::CREATE");
  EXPECT_EQ(events[0].entity_id, Id(1));
  EXPECT_EQ(events[0].payload["name"], "ACME");
  EXPECT_EQ(events[1].name, "PROJECT::UPDATE");
  EXPECT_EQ(events[1].payload["updated_fields"]["name"]["new"], "ACME Ltd");
}

// A bulk part of a transaction is summarized at its own end; the writes around it are not.
TEST(BulkEvents, ABulkTransactionInsideATransactionSummarizesOnlyItsOwnWrites) {
  auto e = OpenEngine();
  ASSERT_DONE(e->Transaction([](Engine& t) {
    TRY(t.Create("project", {{"project_id", Id(1)}, {"name", "A"}}).status());
    Status bulk = t.BulkTransaction([](Engine& b) {
      TRY(b.Create("project", {{"project_id", Id(2)}, {"name", "B"}}).status());
      return b.Create("project", {{"project_id", Id(3)}, {"name", "C"}}).status();
    });
    if (!bulk.ok()) return bulk;
    return t.Create("project", {{"project_id", Id(4)}, {"name", "D"}}).status();
  }));
  std::vector<Event> events = Outbox(*e);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].name + " " + events[0].entity_id, "PROJECT::CREATE " + Id(1));
  EXPECT_EQ(Lines({events[1]})[0], Summary("PROJECT::BULK_CREATE", {Id(2), Id(3)}));
  EXPECT_EQ(events[2].name + " " + events[2].entity_id, "PROJECT::CREATE " + Id(4));
}

// The diversion of the outbox is part of the bulk write: a rollback ends it with the rest.
TEST(BulkEvents, ARolledBackBulkWriteLeavesNoEventAndTheNextWriteIsAnnouncedInFull) {
  auto e = OpenEngine();
  Status failed = e->BulkTransaction([](Engine& b) {
    TRY(b.Create("project", {{"project_id", Id(1)}, {"name", "A"}}).status());
    return b.Create("project", {{"name", ""}}).status();  // a name is required
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(Outbox(*e).empty());
  MustCreate(*e, "project", {{"project_id", Id(2)}, {"name", "B"}});
  std::vector<Event> events = Outbox(*e);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name + " " + events[0].entity_id, "PROJECT::CREATE " + Id(2));
  // And a bulk write after it is summarized again.
  ASSERT_DONE(e->BulkTransaction([](Engine& b) {
    return b.Create("project", {{"project_id", Id(3)}, {"name", "C"}}).status();
  }));
  events = Outbox(*e, events[0].seq);
  EXPECT_EQ(Lines(events), (std::vector<std::string>{Summary("PROJECT::BULK_CREATE", {Id(3)})}));
}

// The retention policy counts summaries as the events they are.
TEST(BulkEvents, TheRetentionPolicyBoundsAndCountsSummaries) {
  auto e = OpenEngine();
  ASSERT_OK(e->SetOutboxPolicy(OutboxPolicy{.max_events = 1}));
  const int n = kBulkEventMaxIds + 1;
  ASSERT_DONE(e->BulkTransaction([&](Engine& b) {
    for (int i = 0; i < n; ++i) {
      TRY(b.Insert("project", {{"project_id", Id(100 + i)}, {"name", "P"}}).status());
    }
    return Status::OK();
  }));
  auto state = e->OutboxStatus();
  ASSERT_OK(state);
  EXPECT_EQ(state->pending, 1);
  EXPECT_EQ(state->dropped, 1);
  EXPECT_EQ(state->dropped_through, LastSeq(*e) - 1);
  EXPECT_EQ(Outbox(*e)[0].payload["ids"], Json::array({Id(100 + n - 1)}));
  EXPECT_EQ(Outbox(*e)[0].name, "PROJECT::BULK_CREATE");
}

}  // namespace
}  // namespace certo::testing
