// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Range filters: {"field": {"<": v, "<=": v, ">": v, ">=": v}} on exactly matched fields, every
// bound must hold, each bound checked like the field's values; "what expires in the next 60
// days" is one query, through the C++ API and the JSON API alike.

#include "testutil.h"

namespace certo::testing {
namespace {

std::string S(const Json& row, const char* field) { return row.at(field).get<std::string>(); }

class RangeFilter : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenEngine();
    Json project = MustCreate(*engine_, "project", {{"name", "Rossi"}});
    Json office = MustCreate(*engine_, "office",
                             {{"project_id", S(project, "project_id")}, {"name", "Plant"}});
    Json action = MustCreate(*engine_, "action",
                             {{"subtenant_id", S(office, "office_id")},
                              {"action_type", "TRAINING"},
                              {"name", "Course"},
                              {"validity", 1},
                              {"validity_unit", "YEAR"}});
    // Three people, trained on three days: covered until a year after each.
    for (const char* day : {"2025-12-10", "2026-01-15", "2026-06-01"}) {
      Json person = MustCreate(
          *engine_, "person",
          {{"project_id", S(project, "project_id")}, {"first_name", "A"}, {"last_name", day}});
      MustCreate(*engine_, "action-subscription",
                 {{"action_id", S(action, "action_id")},
                  {"subscriber_type", "PERSON"},
                  {"subscriber_id", S(person, "person_id")}});
      Json cert = MustCreate(*engine_, "certificate",
                             {{"resource_id", S(person, "person_id")},
                              {"action_type", "TRAINING"},
                              {"name", "Course"},
                              {"date_release", day}});
      MustCreate(
          *engine_, "certificate-action",
          {{"certificate_id", S(cert, "certificate_id")}, {"action_id", S(action, "action_id")}});
    }
  }

  std::vector<std::string> Expiring(const Json& range) {
    Query q;
    q.filter = {{"certificate_date_expire", range}};
    q.sort = "certificate_date_expire";
    Result<Page> page = engine_->Index("action-subscription", q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> out;
    if (page.ok()) {
      for (const Json& row : page->rows) out.push_back(S(row, "certificate_date_expire"));
    }
    return out;
  }

  std::unique_ptr<Engine> engine_;
};

TEST_F(RangeFilter, WhatExpiresInTheNextSixtyDaysIsOneQuery) {
  EXPECT_EQ(Expiring({{">=", "2026-11-22"}, {"<=", "2027-01-21"}}),
            (std::vector<std::string>{"2026-12-10", "2027-01-15"}));
}

TEST_F(RangeFilter, StrictAndInclusiveBoundsDiffer) {
  EXPECT_EQ(Expiring({{"<", "2026-12-10"}}), std::vector<std::string>{});
  EXPECT_EQ(Expiring({{"<=", "2026-12-10"}}), std::vector<std::string>{"2026-12-10"});
  EXPECT_EQ(Expiring({{">", "2027-01-15"}}), std::vector<std::string>{"2027-06-01"});
}

TEST_F(RangeFilter, AListOfRangesMeansAnyOfThem) {
  Query q;
  q.filter = {
      {"certificate_date_expire", Json::array({{{"<", "2026-12-31"}}, {{">=", "2027-06-01"}}})}};
  Result<Page> page = engine_->Index("action-subscription", q);
  ASSERT_OK(page);
  EXPECT_EQ(page->total_count, 2);
}

TEST_F(RangeFilter, IntegerFieldsTakeRangesToo) {
  Query q;
  q.filter = {{"validity", {{">=", 1}, {"<", 2}}}};
  Result<Page> page = engine_->Index("action", q);
  ASSERT_OK(page);
  EXPECT_EQ(page->total_count, 1);
}

TEST_F(RangeFilter, BadRangesAre422NamingTheFilterAndTheRule) {
  auto error = [&](std::string_view collection, const Json& filter) {
    Query q;
    q.filter = filter;
    return OnlyFieldError(engine_->Index(collection, q).status());
  };
  EXPECT_EQ(error("action-subscription", {{"certificate_date_expire", {{"~", "2027"}}}}),
            "filter.certificate_date_expire: '~' is not a range operator (<, <=, >, >=)");
  EXPECT_EQ(error("action-subscription", {{"certificate_date_expire", {{"<", "2027-02-30"}}}}),
            "filter.certificate_date_expire: must be a real calendar date in the form YYYY-MM-DD");
  EXPECT_EQ(error("action-subscription", {{"certificate_date_expire", Json::object()}}),
            "filter.certificate_date_expire: a range needs at least one of <, <=, >, >=");
  EXPECT_EQ(error("action-subscription", {{"action_name", {{"<", "M"}}}}),
            "filter.action_name: takes no range (<, <=, >, >=): it is matched as text");
  EXPECT_EQ(error("action-subscription", {{"status", {{"<", "VALID"}}}}),
            "filter.status: takes no range (<, <=, >, >=): it is matched by name");
  EXPECT_EQ(error("action", {{"validity", {{"<", Json::array({1})}}}}),
            "filter.validity: the bound of < must be a single value");
}

TEST_F(RangeFilter, TheJsonApiTakesTheSameForm) {
  Response r = engine_->Request(
      "POST", "/v2/action-subscription/index",
      R"({"filter": {"certificate_date_expire": {">=": "2026-11-22", "<=": "2027-01-21"}}})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("X-Pagination-Total-Count"), "2");
}

}  // namespace
}  // namespace certo::testing
