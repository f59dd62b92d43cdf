// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine::Trend, POST /v2/report/trend and the report's "compliance over the last 12 months";
// Engine::IncidentCompliance, POST /v2/incident/compliance/{id} and the report's incident
// section. One office, exact dates: Ada's yearly training released 2025-03-15 (last valid day
// 2026-03-15, EXPIRING from 2026-02-13, EXPIRED from 2026-03-16); Bruno's released 2026-06-10
// (NEW before it); Carla's released 2026-01-01 (VALID all along). Today is 2026-11-22.

#include "certo/trend.h"

#include <map>
#include <string>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

using Counts = std::map<ScheduleStatus, int64_t>;

Counts Of(int64_t n, int64_t valid, int64_t expiring, int64_t expired) {
  return Counts{{ScheduleStatus::kNew, n},
                {ScheduleStatus::kValid, valid},
                {ScheduleStatus::kExpiring, expiring},
                {ScheduleStatus::kExpired, expired}};
}

class TrendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenEngine();
    ASSERT_NE(engine_, nullptr);
    c_ = MakeCompany(*engine_);
    pid_ = c_.project["project_id"];
    a_ = c_.office_a["office_id"];
    ada_ = c_.person["person_id"];
    ada_po_ = c_.person_office["person_office_id"];
    bruno_ = Person("Bruno", "Verdi", &bruno_po_);
    training_ = MustCreate(*engine_, "action",
                           {{"subtenant_id", a_},
                            {"action_type", "TRAINING"},
                            {"name", "General training"},
                            {"validity", 1},
                            {"validity_unit", "YEAR"},
                            {"expire_interval", 30}})["action_id"];
    s_ada_ = Subscribe(ada_, "2025-03-15");
    s_bruno_ = Subscribe(bruno_, "2026-06-10");
  }

  std::string Person(const char* first, const char* last, std::string* person_office) {
    std::string id =
        MustCreate(*engine_, "person",
                   {{"project_id", pid_}, {"first_name", first}, {"last_name", last}})["person_id"];
    *person_office = MustCreate(*engine_, "person-office",
                                {{"person_id", id}, {"office_id", a_}})["person_office_id"];
    return id;
  }

  std::string Subscribe(const std::string& person, const char* released,
                        const std::string& action = "") {
    const std::string act = action.empty() ? training_ : action;
    std::string id = MustCreate(*engine_, "action-subscription",
                                {{"action_id", act},
                                 {"subtenant_id", a_},
                                 {"subscriber_type", "PERSON"},
                                 {"subscriber_id", person}})["action_subscription_id"];
    if (released) {
      std::string cert = MustCreate(*engine_, "certificate",
                                    {{"tenant_id", pid_},
                                     {"resource_id", person},
                                     {"action_type", "TRAINING"},
                                     {"name", "Certificate"},
                                     {"date_release", released}})["certificate_id"];
      MustCreate(*engine_, "certificate-action",
                 {{"certificate_id", cert}, {"action_id", act}, {"tenant_id", pid_}});
    }
    return id;
  }

  std::vector<TrendPoint> Trend(TrendQuery q) {
    Result<std::vector<TrendPoint>> r = engine_->Trend(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<TrendPoint>();
  }

  static TrendQuery Q(std::chrono::year_month_day from, std::chrono::year_month_day to,
                      TrendStep step = TrendStep::kMonth, Json filter = Json::object()) {
    return TrendQuery{from, to, step, std::move(filter)};
  }

  std::string Incident(const char* date, const std::vector<std::string>& person_offices) {
    std::string id = MustCreate(*engine_, "incident",
                                {{"tenant_id", pid_},
                                 {"subtenant_id", a_},
                                 {"name", "Fall from a ladder"},
                                 {"date_incident", date},
                                 {"category", "ACCIDENTS"}})["office_incident_id"];
    for (const std::string& po : person_offices) {
      MustCreate(*engine_, "incident-person",
                 {{"office_incident_id", id}, {"person_office_id", po}, {"days", 0}});
    }
    return id;
  }

  std::unique_ptr<Engine> engine_;
  Company c_;
  std::string pid_, a_, ada_, ada_po_, bruno_, bruno_po_, training_, s_ada_, s_bruno_;
};

// ---- Trend ----------------------------------------------------------------------------------

TEST_F(TrendTest, MonthlyCountsFollowAnExpiryAndARelease) {
  std::vector<TrendPoint> points = Trend(Q(Ymd(2026, 1, 15), Ymd(2026, 7, 15)));
  const std::vector<TrendPoint> expected = {
      {Ymd(2026, 1, 15), Of(1, 1, 0, 0)},  // Ada VALID, Bruno NEW
      {Ymd(2026, 2, 15), Of(1, 0, 1, 0)},  // Ada EXPIRING from 02-13
      {Ymd(2026, 3, 15), Of(1, 0, 1, 0)},  // her last valid day
      {Ymd(2026, 4, 15), Of(1, 0, 0, 1)},  // EXPIRED
      {Ymd(2026, 5, 15), Of(1, 0, 0, 1)},
      {Ymd(2026, 6, 15), Of(0, 1, 0, 1)},  // Bruno's released 06-10
      {Ymd(2026, 7, 15), Of(0, 1, 0, 1)},
  };
  EXPECT_EQ(points, expected);
  // Every point is StatusCounts as of its day.
  for (const TrendPoint& p : points) {
    Query q;
    q.as_of = p.date;
    EXPECT_EQ(*engine_->StatusCounts(q), p.counts) << FormatDate(p.date);
  }
}

TEST_F(TrendTest, DaysAndWeeksIncludeToAndTheDayTheStatusChanges) {
  EXPECT_EQ(Trend(Q(Ymd(2026, 6, 8), Ymd(2026, 6, 11), TrendStep::kDay)),
            (std::vector<TrendPoint>{{Ymd(2026, 6, 8), Of(1, 0, 0, 1)},
                                     {Ymd(2026, 6, 9), Of(1, 0, 0, 1)},
                                     {Ymd(2026, 6, 10), Of(0, 1, 0, 1)},
                                     {Ymd(2026, 6, 11), Of(0, 1, 0, 1)}}));
  EXPECT_EQ(
      Trend(Q(Ymd(2026, 2, 6), Ymd(2026, 2, 27), TrendStep::kWeek, Json{{"subscriber_id", ada_}})),
      (std::vector<TrendPoint>{{Ymd(2026, 2, 6), Of(0, 1, 0, 0)},
                               {Ymd(2026, 2, 13), Of(0, 0, 1, 0)},
                               {Ymd(2026, 2, 20), Of(0, 0, 1, 0)},
                               {Ymd(2026, 2, 27), Of(0, 0, 1, 0)}}));
  // A week that would pass to is not a point; from alone is one.
  EXPECT_EQ(Trend(Q(Ymd(2026, 2, 6), Ymd(2026, 2, 12), TrendStep::kWeek)).size(), 1u);
}

TEST_F(TrendTest, MonthStepsKeepTheDayOfFromClampedToTheMonthsEnd) {
  std::vector<std::chrono::year_month_day> days;
  for (const TrendPoint& p : Trend(Q(Ymd(2026, 1, 31), Ymd(2026, 5, 30)))) days.push_back(p.date);
  EXPECT_EQ(days, (std::vector<std::chrono::year_month_day>{Ymd(2026, 1, 31), Ymd(2026, 2, 28),
                                                            Ymd(2026, 3, 31), Ymd(2026, 4, 30)}));
}

TEST_F(TrendTest, BadQueriesNameTheFieldAndChangeNothing) {
  auto error = [&](TrendQuery q) {
    Result<std::vector<TrendPoint>> r = engine_->Trend(q);
    return r.ok() ? std::string("ok") : OnlyFieldError(r.status());
  };
  EXPECT_EQ(error(Q(Ymd(2026, 3, 1), Ymd(2026, 2, 1))), "to: must not be before from");
  EXPECT_EQ(error(Q(std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::February,
                                                std::chrono::day{30}},
                    Ymd(2026, 3, 1))),
            "from: must be a real calendar date");
  EXPECT_EQ(error(Q(Ymd(2026, 1, 1), Ymd(2026, 3, 1), static_cast<TrendStep>(7))),
            "step: must be month, week or day");
  EXPECT_EQ(
      error(Q(Ymd(2026, 1, 1), Ymd(2026, 3, 1), TrendStep::kMonth, Json{{"status", "EXPIRED"}})),
      "filter.status: is what the counts are grouped by; leave it out of the filter");
  EXPECT_EQ(error(Q(Ymd(2026, 1, 1), Ymd(2026, 3, 1), TrendStep::kMonth, Json{{"colour", 1}}))
                .substr(0, 13),
            "filter.colour");
  // 400 points is the most: 400 days pass, 401 do not.
  EXPECT_EQ(Trend(Q(Ymd(2026, 1, 1), Ymd(2027, 2, 4), TrendStep::kDay)).size(), 400u);
  EXPECT_EQ(error(Q(Ymd(2026, 1, 1), Ymd(2027, 2, 5), TrendStep::kDay)),
            "to: is too far after from: at most 400 points (one per day) from from to to");
}

TEST_F(TrendTest, TheJsonRouteAnswersEachPointsCounts) {
  Reply r = Call(*engine_, "POST", "/v2/report/trend",
                 {{"from", "2026-03-15"},
                  {"to", "2026-04-15"},
                  {"step", "month"},
                  {"filter", {{"subscriber_id", ada_}}}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body, Json::parse(R"js([
    {"date": "2026-03-15", "counts": {"NEW": 0, "VALID": 0, "EXPIRING": 1, "EXPIRED": 0}},
    {"date": "2026-04-15", "counts": {"NEW": 0, "VALID": 0, "EXPIRING": 0, "EXPIRED": 1}}])js"));
  // step defaults to month.
  r = Call(*engine_, "POST", "/v2/report/trend", {{"from", "2026-01-15"}, {"to", "2026-07-15"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 7u);

  r = Call(*engine_, "POST", "/v2/report/trend",
           {{"from", "2026-01-15"}, {"to", "2026-07-15"}, {"step", "year"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body,
            Json::parse(R"js([{"field": "step", "message": "must be month, week or day"}])js"));
  r = Call(*engine_, "POST", "/v2/report/trend", {{"from", "2026-01-15"}, {"colour", 1}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, Json::parse(R"js([
    {"field": "colour", "message": "is not a trend parameter (from, to, step, filter)"},
    {"field": "to", "message": "is required"}])js"));
  r = Call(*engine_, "POST", "/v2/report/trend",
           {{"from", "2026-01-01"}, {"to", "2027-02-05"}, {"step", "day"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body[0]["field"], "to");
  EXPECT_EQ(Call(*engine_, "GET", "/v2/report/trend").status, 405);
}

TEST_F(TrendTest, TheReportShowsTwelveMonthsEndingAtAsOf) {
  ReportQuery q;
  q.as_of = Ymd(2026, 7, 31);
  Result<ComplianceReport> r = engine_->Report(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->compliance_trend.size(), 12u);
  // Counted back from as_of: 2025-08-31, 2025-09-30, ..., 2026-02-28, ..., 2026-07-31.
  EXPECT_EQ(r->compliance_trend[0].date, Ymd(2025, 8, 31));
  EXPECT_EQ(r->compliance_trend[1].date, Ymd(2025, 9, 30));
  EXPECT_EQ(r->compliance_trend[6].date, Ymd(2026, 2, 28));
  EXPECT_EQ(r->compliance_trend[11].date, Ymd(2026, 7, 31));
  // Ada's certificate was released 2025-03-15, Bruno's 2026-06-10.
  EXPECT_EQ(r->compliance_trend[0].counts, Of(1, 1, 0, 0));
  EXPECT_EQ(r->compliance_trend[6].counts, Of(1, 0, 1, 0));
  EXPECT_EQ(r->compliance_trend[7].counts, Of(1, 0, 0, 1));   // 2026-03-31
  EXPECT_EQ(r->compliance_trend[10].counts, Of(0, 1, 0, 1));  // 2026-06-30
  // The last point is the report's own totals.
  for (ScheduleStatus s : kScheduleStatuses) {
    EXPECT_EQ(r->compliance_trend[11].counts.at(s), r->totals.at(s));
  }
  // Under the report's filter, and in its JSON.
  q.filter = {{"subscriber_id", bruno_}};
  r = engine_->Report(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->compliance_trend[0].counts, Of(1, 0, 0, 0));
  const Json json = ReportJson(*r);
  ASSERT_EQ(json["trend"].size(), 12u);
  EXPECT_EQ(json["trend"][11], Json::parse(R"js({"date": "2026-07-31", "counts": {"NEW": 0,
    "VALID": 1, "EXPIRING": 0, "EXPIRED": 0}, "total": 1, "compliance": 100.0})js"));
  EXPECT_EQ(json["trend"][0]["compliance"], 0.0);
}

// ---- Compliance on an incident's date -------------------------------------------------------

TEST_F(TrendTest, IncidentComplianceGivesEachPersonsStatusOnTheDateAndToday) {
  std::string carla_po;
  const std::string carla = Person("Carla", "Bianchi", &carla_po);
  const std::string s_carla = Subscribe(carla, "2026-01-01");
  // A second requirement of Carla's that enters the schedule after the incident.
  const std::string fire = MustCreate(*engine_, "action",
                                      {{"subtenant_id", a_},
                                       {"action_type", "TRAINING"},
                                       {"name", "Fire safety"},
                                       {"validity", 1},
                                       {"validity_unit", "YEAR"}})["action_id"];
  const std::string s_fire = Subscribe(carla, nullptr, fire);
  ASSERT_TRUE(engine_->Update("action-subscription", s_fire, {{"active_from", "2026-07-01"}}).ok());
  // The incident: the day before Bruno's training was released.
  const std::string incident = Incident("2026-06-09", {ada_po_, bruno_po_, carla_po});

  Result<Json> r = engine_->IncidentCompliance(incident);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Json expected = {{"office_incident_id", incident},
                         {"date_incident", "2026-06-09"},
                         {"today", "2026-11-22"},
                         {"people",
                          {{{"person_id", carla},
                            {"person_name", "Carla Bianchi"},
                            {"requirements",
                             {{{"action_subscription_id", s_fire},
                               {"action_id", fire},
                               {"action_name", "Fire safety"},
                               {"status_on_incident_date", nullptr},  // not yet in the schedule
                               {"status_today", "NEW"}},
                              {{"action_subscription_id", s_carla},
                               {"action_id", training_},
                               {"action_name", "General training"},
                               {"status_on_incident_date", "VALID"},
                               {"status_today", "VALID"}}}},
                            {"compliant_on_incident_date", true}},
                           {{"person_id", ada_},
                            {"person_name", "Ada Rossi"},
                            {"requirements",
                             {{{"action_subscription_id", s_ada_},
                               {"action_id", training_},
                               {"action_name", "General training"},
                               {"status_on_incident_date", "EXPIRED"},
                               {"status_today", "EXPIRED"}}}},
                            {"compliant_on_incident_date", false}},
                           {{"person_id", bruno_},
                            {"person_name", "Bruno Verdi"},
                            {"requirements",
                             {{{"action_subscription_id", s_bruno_},
                               {"action_id", training_},
                               {"action_name", "General training"},
                               {"status_on_incident_date", "NEW"},  // released the day after
                               {"status_today", "VALID"}}}},
                            {"compliant_on_incident_date", false}}}},
                         {"out_of_compliance_on_incident_date", 2}};
  EXPECT_EQ(*r, expected) << r->dump(2);

  // Over the JSON API, the same.
  Reply reply = Call(*engine_, "POST", "/v2/incident/compliance/" + incident);
  ASSERT_EQ(reply.status, 200) << reply.raw.body;
  EXPECT_EQ(reply.body, expected);

  // The report's incident list: three people, two out of compliance on the incident's date.
  Result<ComplianceReport> report = engine_->Report();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->open_incidents.size(), 1u);
  EXPECT_EQ(report->open_incidents[0].people_involved, 3);
  EXPECT_EQ(report->open_incidents[0].people_out_of_compliance, 2);
  const Json json = ReportJson(*report);
  EXPECT_EQ(json["open_incidents"][0]["people_involved"], 3);
  EXPECT_EQ(json["open_incidents"][0]["people_out_of_compliance"], 2);
  // The report's own date stays its own: the incident's date was read and given back.
  EXPECT_EQ(report->totals.total(), 4);
}

TEST_F(TrendTest, AnIncidentOnTheReleaseDayFindsBrunoValid) {
  const std::string incident = Incident("2026-06-10", {bruno_po_});
  Result<Json> r = engine_->IncidentCompliance(incident);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["people"][0]["requirements"][0]["status_on_incident_date"], "VALID");
  EXPECT_EQ((*r)["people"][0]["compliant_on_incident_date"], true);
  EXPECT_EQ((*r)["out_of_compliance_on_incident_date"], 0);
}

TEST_F(TrendTest, AnIncidentWithoutPeopleAndAnUnknownOne) {
  const std::string incident = Incident("2026-06-09", {});
  Result<Json> r = engine_->IncidentCompliance(incident);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["people"], Json::array());
  EXPECT_EQ((*r)["out_of_compliance_on_incident_date"], 0);

  const std::string unknown = "0b5e9e4c-0000-4000-8000-000000000000";
  r = engine_->IncidentCompliance(unknown);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(Call(*engine_, "POST", "/v2/incident/compliance/" + unknown).status, 404);
  EXPECT_EQ(Call(*engine_, "POST", "/v2/incident/compliance").status, 404);
}

}  // namespace
}  // namespace certo::testing
