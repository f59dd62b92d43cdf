// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine::Report and POST /v2/report: counts, lists, months and incidents on a small company
// whose every row has a known status on 2026-11-22; historicization, filters, as_of, limits and
// bad parameters.

#include "certo/report.h"

#include <string>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

// Two offices; each subscription below has a known status on 2026-11-22.
class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenEngine();
    ASSERT_NE(engine_, nullptr);
    c_ = MakeCompany(*engine_);  // "Head office" (A) with Ada Rossi, "Plant" (B)
    pid_ = c_.project["project_id"];
    a_ = c_.office_a["office_id"];
    b_ = c_.office_b["office_id"];
    ada_ = c_.person["person_id"];
    bruno_ = MustCreate(*engine_, "person",
                        {{"project_id", pid_},
                         {"first_name", "Bruno"},
                         {"last_name", "Verdi"},
                         {"code", "E002"}})["person_id"];
    MustCreate(*engine_, "person-office", {{"person_id", bruno_}, {"office_id", b_}});
    forklift_ = MustCreate(
        *engine_, "equipment",
        {{"office_id", b_}, {"name", "Forklift"}, {"code", "FL-1"}})["office_equipment_id"];
    // A: yearly training (warning 30 days) and a 3-year course (warning 60 days).
    general_ = Action(a_, "TRAINING", "General training", "GEN", 1, 30);
    fire_ = Action(a_, "TRAINING", "Fire safety", "FIRE", 3, 60);
    // B: yearly training, a medical check, forklift maintenance (no warning interval).
    forklift_course_ = Action(b_, "TRAINING", "Forklift licence", "FORK", 1, 30);
    medical_ = Action(b_, "HEALTH", "Medical check", nullptr, 1, 30);
    maintenance_ = Action(b_, "MAINTENANCE", "Forklift maintenance", nullptr, 1, 0);

    // VALID: last valid day 2027-01-10, 49 days away (outside the 30-day list).
    s_valid_ = Subscribe(general_, a_, "PERSON", ada_, "2026-01-10");
    // EXPIRING: 2026-12-01, 9 days left.
    s_expiring_ = Subscribe(fire_, a_, "PERSON", ada_, "2023-12-01");
    // EXPIRED: 2026-01-01, 325 days ago.
    s_expired_ = Subscribe(forklift_course_, b_, "PERSON", bruno_, "2025-01-01");
    // NEW: no certificate.
    s_new_ = Subscribe(medical_, b_, "PERSON", bruno_, nullptr);
    // VALID with no warning interval, yet it runs out within 30 days (2026-12-15, 23 days).
    s_soon_ = Subscribe(maintenance_, b_, "EQUIPMENT", forklift_, "2025-12-15");
  }

  std::string Action(const std::string& office, const char* type, const char* name,
                     const char* code, int years, int warning) {
    Json action{{"subtenant_id", office}, {"action_type", type},     {"name", name},
                {"validity", years},      {"validity_unit", "YEAR"}, {"expire_interval", warning}};
    if (code) action["code"] = code;
    return MustCreate(*engine_, "action", action)["action_id"];
  }

  std::string Subscribe(const std::string& action, const std::string& office, const char* type,
                        const std::string& subscriber, const char* released) {
    std::string id = MustCreate(*engine_, "action-subscription",
                                {{"action_id", action},
                                 {"subtenant_id", office},
                                 {"subscriber_type", type},
                                 {"subscriber_id", subscriber}})["action_subscription_id"];
    if (released) {
      Json action_row = *engine_->View("action", action);
      std::string cert = MustCreate(*engine_, "certificate",
                                    {{"tenant_id", pid_},
                                     {"resource_id", subscriber},
                                     {"action_type", action_row["action_type"]},
                                     {"name", "Certificate"},
                                     {"date_release", released}})["certificate_id"];
      MustCreate(*engine_, "certificate-action",
                 {{"certificate_id", cert}, {"action_id", action}, {"tenant_id", pid_}});
    }
    return id;
  }

  ComplianceReport Report(ReportQuery query = ReportQuery()) {
    Result<ComplianceReport> r = engine_->Report(query);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ComplianceReport();
  }

  static std::vector<std::string> Ids(const std::vector<ReportEntry>& entries) {
    std::vector<std::string> ids;
    for (const ReportEntry& e : entries) ids.push_back(e.action_subscription_id);
    return ids;
  }

  std::unique_ptr<Engine> engine_;
  Company c_;
  std::string pid_, a_, b_, ada_, bruno_, forklift_;
  std::string general_, fire_, forklift_course_, medical_, maintenance_;
  std::string s_valid_, s_expiring_, s_expired_, s_new_, s_soon_;
};

ReportCounts Counts(int64_t n, int64_t valid, int64_t expiring, int64_t expired) {
  return ReportCounts{.new_count = n, .valid = valid, .expiring = expiring, .expired = expired};
}

TEST_F(ReportTest, TotalsAndGroupsCountEveryStatusOnTheDate) {
  ComplianceReport r = Report();
  EXPECT_EQ(r.as_of, kToday);
  EXPECT_EQ(r.days, 30);
  EXPECT_EQ(r.totals, Counts(1, 2, 1, 1));
  EXPECT_EQ(r.totals.total(), 5);
  EXPECT_DOUBLE_EQ(*r.totals.compliance(), 60.0);

  ASSERT_EQ(r.offices.size(), 2u);  // by name: "Head office", "Plant"
  EXPECT_EQ(r.offices[0].key, a_);
  EXPECT_EQ(r.offices[0].name, "Head office");
  EXPECT_EQ(r.offices[0].counts, Counts(0, 1, 1, 0));
  EXPECT_EQ(r.offices[1].key, b_);
  EXPECT_EQ(r.offices[1].name, "Plant");
  EXPECT_EQ(r.offices[1].counts, Counts(1, 1, 0, 1));

  ASSERT_EQ(r.action_types.size(), 3u);  // fixed order; types without rows are left out
  EXPECT_EQ(r.action_types[0].key, "TRAINING");
  EXPECT_EQ(r.action_types[0].counts, Counts(0, 1, 1, 1));
  EXPECT_EQ(r.action_types[1].key, "HEALTH");
  EXPECT_EQ(r.action_types[1].counts, Counts(1, 0, 0, 0));
  EXPECT_EQ(r.action_types[2].key, "MAINTENANCE");
  EXPECT_EQ(r.action_types[2].counts, Counts(0, 1, 0, 0));
}

TEST_F(ReportTest, ListsSayWhoWhatAndUntilWhenMostUrgentFirst) {
  ComplianceReport r = Report();
  ASSERT_EQ(r.expired.size(), 1u);
  EXPECT_EQ(r.expired_total, 1);
  const ReportEntry& e = r.expired[0];
  EXPECT_EQ(e.action_subscription_id, s_expired_);
  EXPECT_EQ(e.status, ScheduleStatus::kExpired);
  EXPECT_EQ(e.date_expire, "2026-01-01");
  EXPECT_EQ(e.days, 325);
  EXPECT_EQ(e.certificate_date_release, "2025-01-01");
  EXPECT_EQ(e.subscriber_type, "PERSON");
  EXPECT_EQ(e.subscriber_id, bruno_);
  EXPECT_EQ(e.subscriber_code, "E002");
  EXPECT_EQ(e.subscriber_name, "Bruno Verdi");
  EXPECT_EQ(e.action_id, forklift_course_);
  EXPECT_EQ(e.action_code, "FORK");
  EXPECT_EQ(e.action_name, "Forklift licence");
  EXPECT_EQ(e.action_type, "TRAINING");
  EXPECT_EQ(e.office_id, b_);
  EXPECT_EQ(e.office_name, "Plant");

  // The EXPIRING list is the rows whose status is EXPIRING: it agrees with the total.
  EXPECT_EQ(Ids(r.expiring), std::vector<std::string>{s_expiring_});
  EXPECT_EQ(r.expiring_total, r.totals.expiring);
  EXPECT_EQ(r.expiring_total, 1);
  EXPECT_EQ(r.retired, 0);

  // Runs out within 30 days, soonest first, whatever the action's warning interval.
  EXPECT_EQ(Ids(r.due_soon), (std::vector<std::string>{s_expiring_, s_soon_}));
  EXPECT_EQ(r.due_soon_total, 2);
  EXPECT_EQ(r.due_soon[0].status, ScheduleStatus::kExpiring);
  EXPECT_EQ(r.due_soon[0].date_expire, "2026-12-01");
  EXPECT_EQ(r.due_soon[0].days, 9);
  EXPECT_EQ(r.due_soon[1].status, ScheduleStatus::kValid);
  EXPECT_EQ(r.due_soon[1].date_expire, "2026-12-15");
  EXPECT_EQ(r.due_soon[1].days, 23);
  EXPECT_EQ(r.due_soon[1].subscriber_name, "Forklift");
  EXPECT_EQ(r.due_soon[1].subscriber_code, "FL-1");
  EXPECT_EQ(r.due_soon[1].action_code, std::nullopt);
  EXPECT_EQ(r.due_soon[1].action_name, "Forklift maintenance");
}

TEST_F(ReportTest, DaysWidensTheDueSoonListAndZeroKeepsOnlyToday) {
  ReportQuery q;
  q.days = 60;
  EXPECT_EQ(Ids(Report(q).due_soon), (std::vector<std::string>{s_expiring_, s_soon_, s_valid_}));
  EXPECT_EQ(Ids(Report(q).expiring), std::vector<std::string>{s_expiring_});  // days aside
  q.days = 0;
  EXPECT_TRUE(Report(q).due_soon.empty());
  q.as_of = Ymd(2026, 12, 1);  // the fire course's last valid day
  ASSERT_EQ(Report(q).due_soon.size(), 1u);
  EXPECT_EQ(Report(q).due_soon[0].days, 0);
}

TEST_F(ReportTest, AsOfEvaluatesEveryStatusOnThatDate) {
  ReportQuery q;
  q.as_of = Ymd(2026, 12, 2);  // the fire course expired yesterday
  ComplianceReport r = Report(q);
  EXPECT_EQ(r.as_of, Ymd(2026, 12, 2));
  EXPECT_EQ(r.totals, Counts(1, 2, 0, 2));
  EXPECT_EQ(Ids(r.expired), (std::vector<std::string>{s_expired_, s_expiring_}));
  EXPECT_EQ(r.expired[1].days, 1);
}

TEST_F(ReportTest, RetiredRowsAndRowsUnderRetiredParentsAreLeftOut) {
  ASSERT_OK(engine_->Historicize("person", bruno_, Ymd(2026, 10, 1)));
  ComplianceReport r = Report();
  EXPECT_EQ(r.totals, Counts(0, 2, 1, 0));
  EXPECT_EQ(r.retired, 2);  // Bruno's two rows: the totals say where they went
  EXPECT_TRUE(r.expired.empty());
  // As of a day before the retirement, Bruno's rows are back.
  ReportQuery before;
  before.as_of = Ymd(2026, 9, 30);
  EXPECT_EQ(Report(before).totals.total(), 5);

  ASSERT_OK(engine_->Historicize("office", a_, Ymd(2026, 11, 1)));
  r = Report();
  EXPECT_EQ(r.totals, Counts(0, 1, 0, 0));  // only the forklift's maintenance is left
  ASSERT_EQ(r.offices.size(), 1u);
  EXPECT_EQ(r.offices[0].key, b_);

  ASSERT_OK(engine_->Historicize("action-subscription", s_soon_, Ymd(2026, 11, 22)));
  r = Report();
  EXPECT_EQ(r.totals.total(), 0);
  EXPECT_EQ(r.totals.compliance(), std::nullopt);
  EXPECT_TRUE(r.offices.empty());
  EXPECT_TRUE(r.action_types.empty());
}

TEST_F(ReportTest, FiltersNarrowEveryPartOfTheReport) {
  ReportQuery q;
  q.filter = {{"subtenant_id", b_}};
  ComplianceReport r = Report(q);
  EXPECT_EQ(r.totals, Counts(1, 1, 0, 1));
  ASSERT_EQ(r.offices.size(), 1u);
  EXPECT_EQ(Ids(r.due_soon), std::vector<std::string>{s_soon_});
  EXPECT_TRUE(r.expiring.empty());

  q.filter = {{"action_type", Json::array({"TRAINING", "HEALTH"})}};
  EXPECT_EQ(Report(q).totals, Counts(1, 1, 1, 1));

  q.filter = {{"subscriber_id", ada_}};
  r = Report(q);
  EXPECT_EQ(r.totals, Counts(0, 1, 1, 0));
  EXPECT_TRUE(r.expired.empty());

  q.filter = {{"subscriber_type", "EQUIPMENT"}};
  EXPECT_EQ(Report(q).totals, Counts(0, 1, 0, 0));
}

TEST_F(ReportTest, ExpiriesByMonthCountCoversFromAsOfOnForTheRequestedMonths) {
  ReportQuery q;
  q.months = 3;
  ComplianceReport r = Report(q);
  EXPECT_EQ(r.expiries_by_month,
            (std::vector<MonthCount>{{"2026-11", 0}, {"2026-12", 2}, {"2027-01", 1}}));
  r = Report();
  ASSERT_EQ(r.expiries_by_month.size(), 12u);
  EXPECT_EQ(r.expiries_by_month.front().month, "2026-11");
  EXPECT_EQ(r.expiries_by_month.back().month, "2027-10");
  // As of the 1st of December both December expiries still count; the past ones never do.
  q.as_of = Ymd(2026, 12, 2);
  q.months = 1;
  EXPECT_EQ(Report(q).expiries_by_month, (std::vector<MonthCount>{{"2026-12", 1}}));
}

TEST_F(ReportTest, OpenIncidentsWithoutACorrectiveActionAreListedOldestFirst) {
  auto incident = [&](const std::string& office, const char* name, const char* date,
                      const char* status) {
    Json body{{"subtenant_id", office},
              {"name", name},
              {"date_incident", date},
              {"status", status},
              {"category", "NON_COMPLIANCE"}};
    if (std::string(status) == "closed") body["date_closed"] = "2026-11-20";
    return MustCreate(*engine_, "incident", body)["office_incident_id"].get<std::string>();
  };
  std::string open = incident(b_, "Guardrail missing", "2026-11-10", "open");
  std::string fresh = incident(a_, "Blocked exit", "2026-11-18", "new");
  std::string handled = incident(b_, "Near miss", "2026-10-01", "open");
  MustCreate(*engine_, "incident-action",
             {{"office_incident_id", handled}, {"entity_id", forklift_course_}});
  incident(b_, "Cut hand", "2026-06-03", "closed");
  incident(a_, "Tomorrow's", "2026-11-23", "open");  // after the report's date

  ComplianceReport r = Report();
  ASSERT_EQ(r.open_incidents.size(), 2u);
  EXPECT_EQ(r.open_incidents_total, 2);
  EXPECT_EQ(r.open_incidents[0].office_incident_id, open);
  EXPECT_EQ(r.open_incidents[0].name, "Guardrail missing");
  EXPECT_EQ(r.open_incidents[0].date_incident, "2026-11-10");
  EXPECT_EQ(r.open_incidents[0].days_open, 12);
  EXPECT_EQ(r.open_incidents[0].status, "open");
  EXPECT_EQ(r.open_incidents[0].category, "NON_COMPLIANCE");
  EXPECT_EQ(r.open_incidents[0].office_name, "Plant");
  EXPECT_EQ(r.open_incidents[1].office_incident_id, fresh);
  EXPECT_EQ(r.open_incidents[1].days_open, 4);

  ReportQuery q;
  q.filter = {{"subtenant_id", a_}};
  ASSERT_EQ(Report(q).open_incidents.size(), 1u);
  EXPECT_EQ(Report(q).open_incidents[0].office_incident_id, fresh);
  // An incident of a retired office is left out.
  ASSERT_OK(engine_->Historicize("office", a_, Ymd(2026, 11, 1)));
  EXPECT_EQ(Report().open_incidents_total, 1);
}

TEST_F(ReportTest, LimitShortensTheListsButNotTheirTotals) {
  ReportQuery q;
  q.limit = 1;
  ComplianceReport r = Report(q);
  EXPECT_EQ(Ids(r.due_soon), std::vector<std::string>{s_expiring_});
  EXPECT_EQ(r.due_soon_total, 2);
  EXPECT_EQ(r.totals.total(), 5);
}

TEST_F(ReportTest, BadParametersAreValidationErrorsNamingEach) {
  ReportQuery q;
  q.days = -1;
  q.months = 0;
  q.limit = -2;
  q.filter = {{"colour", "red"}};
  const Status status = engine_->Report(q).status();
  ASSERT_TRUE(status.IsValidation()) << status.ToString();
  std::vector<std::string> fields;
  for (const FieldError& e : status.field_errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"days", "months", "limit", "filter.colour"}));
  EXPECT_EQ(status.field_errors()[0].message, "must be between 0 and 3650");
  q = ReportQuery();
  q.as_of = std::chrono::year{2026} / 2 / 30;
  EXPECT_EQ(OnlyFieldError(engine_->Report(q).status()), "as_of: must be a real calendar date");
}

TEST_F(ReportTest, JsonRouteReturnsTheReportAsReportJson) {
  ReportQuery q;
  q.as_of = Ymd(2026, 12, 2);
  q.days = 10;
  q.filter = {{"subtenant_id", a_}};
  Response r = engine_->Request(
      "POST", "/v2/report",
      Json{{"as_of", "2026-12-02"}, {"days", 10}, {"filter", {{"subtenant_id", a_}}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body), ReportJson(*engine_->Report(q)));

  Json body = Json::parse(engine_->Request("POST", "/v2/report").body);
  EXPECT_EQ(body["totals"], (Json{{"NEW", 1},
                                  {"VALID", 2},
                                  {"EXPIRING", 1},
                                  {"EXPIRED", 1},
                                  {"total", 5},
                                  {"compliance", 60.0}}));
  EXPECT_EQ(body["expired"][0]["days"], 325);
  EXPECT_EQ(body["due_soon"][1]["action_code"], nullptr);
  EXPECT_EQ(body["expiring_total"], 1);
  EXPECT_EQ(body["retired"], 0);

  r = engine_->Request("POST", "/v2/report", R"({"days": "soon", "colour": 1})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Json::parse(r.body),
            Json::parse(R"j([{"field": "days", "message": "must be an integer"},
                             {"field": "colour", "message":
                              "is not a report parameter (as_of, days, months, filter, limit)"}])j"));
  EXPECT_EQ(engine_->Request("GET", "/v2/report").status, 405);
}

TEST(ReportJson, ComplianceIsRoundedToOneDecimalAndNullWithoutRows) {
  ComplianceReport r;
  r.as_of = kToday;
  r.totals = ReportCounts{.new_count = 1, .valid = 1, .expiring = 0, .expired = 1};
  Json json = ReportJson(r);
  EXPECT_EQ(json["totals"]["compliance"], 33.3);
  EXPECT_EQ(json["as_of"], "2026-11-22");
  EXPECT_EQ(ReportJson(ComplianceReport{.as_of = kToday})["totals"]["compliance"], nullptr);
}

TEST(ReportCounts, AtReadsAndWritesTheCountOfEachStatus) {
  ReportCounts c{.new_count = 1, .valid = 2, .expiring = 3, .expired = 4};
  EXPECT_EQ(c.at(ScheduleStatus::kNew), 1);
  EXPECT_EQ(c.at(ScheduleStatus::kValid), 2);
  EXPECT_EQ(c.at(ScheduleStatus::kExpiring), 3);
  EXPECT_EQ(c.at(ScheduleStatus::kExpired), 4);
  for (ScheduleStatus s : kScheduleStatuses) c.at(s) += 10;
  EXPECT_EQ(c, (ReportCounts{.new_count = 11, .valid = 12, .expiring = 13, .expired = 14}));
}

TEST(ReportVocabulary, ListsTheRegistrysActionAndSubscriberTypes) {
  EXPECT_EQ(ReportActionTypes(),
            (std::vector<std::string>{"TRAINING", "HEALTH", "PER", "CHECK", "MAINTENANCE"}));
  EXPECT_EQ(ReportSubscriberTypes(),
            (std::vector<std::string>{"PERSON", "ROLE", "EQUIPMENT", "WORK_ENVIRONMENT",
                                      "SUBSTANCE", "WORK_GROUP", "OFFICE", "PPE"}));
}

}  // namespace
}  // namespace certo::testing
