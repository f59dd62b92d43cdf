// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The person's card (Engine::PersonRequirements, POST /v2/person/requirements/{id}) and the
// training matrix (Engine::TrainingMatrix) on the crew of report/crew.h: exact cards on three
// days, the reasons of a day only, the errors, and the matrix of an office, of every office and
// of a day a newcomer starts.

#include "certo/requirements.h"

#include <optional>
#include <string>
#include <vector>

#include "report/crew.h"
#include "testutil.h"

namespace certo::testing {
namespace {

class RequirementsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenEngine();
    ASSERT_NE(engine_, nullptr);
    crew_.emplace(*engine_);
  }

  Json Why(const std::string& demand, const char* type, const std::string& resource,
           const char* name, const char* via, const std::string& assignment,
           const Json& retired_on = nullptr) {
    return Json{{"demand_id", demand},
                {"resource_type", type},
                {"resource_id", resource},
                {"resource_name", name},
                {"via", via},
                {"assignment_id", assignment},
                {"active_from", nullptr},
                {"retired_on", retired_on}};
  }

  Json Requirement(const std::string& subscription, const std::string& action, const char* code,
                   const char* name, const char* type, const char* origin, const char* status,
                   const Json& released, const Json& expires, const Json& why) {
    return Json{
        {"action_subscription_id", subscription},
        {"action", {{"action_id", action}, {"code", code}, {"name", name}, {"action_type", type}}},
        {"office_id", crew_->hq},
        {"office_name", "Head office"},
        {"origin", origin},
        {"status", status},
        {"certificate_date_release", released},
        {"certificate_date_expire", expires},
        {"why", why}};
  }

  // The id of the schedule row of (action, person).
  std::string RowId(const std::string& action, const std::string& person) {
    Query q;
    q.filter = {{"action_id", action}, {"subscriber_id", person}};
    q.history = true;
    auto page = engine_->Index("action-subscription", q);
    EXPECT_TRUE(page.ok() && page->rows.size() == 1);
    return page.ok() && page->rows.size() == 1
               ? page->rows[0]["action_subscription_id"].get<std::string>()
               : "";
  }

  Json AdaCard(const char* as_of, const Json& counts, bool compliant, const Json& requirements) {
    return Json{{"person",
                 {{"person_id", crew_->ada},
                  {"code", "E001"},
                  {"name", "Ada Rossi"},
                  {"project_id", crew_->project}}},
                {"as_of", as_of},
                {"counts", counts},
                {"compliant", compliant},
                {"requirements", requirements}};
  }

  static Json Counts(int n, int valid, int expiring, int expired) {
    return Json{{"NEW", n}, {"VALID", valid}, {"EXPIRING", expiring}, {"EXPIRED", expired}};
  }

  std::unique_ptr<Engine> engine_;
  std::optional<Crew> crew_;
};

TEST_F(RequirementsTest, AdasCardTodayListsEveryRequirementWithWhyAndStatus) {
  const Crew& c = *crew_;
  Result<Json> card = engine_->PersonRequirements(c.ada);
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  const Json expected =
      AdaCard("2026-11-22", Counts(1, 0, 1, 1), false,
              {Requirement(RowId(c.fire, c.ada), c.fire, "FF", "Fire fighting", "TRAINING",
                           "DERIVED", "EXPIRING", "2025-12-01", "2026-12-01",
                           // the first-aider assignment ended on 2026-10-01: not a reason today
                           Json::array({Why(c.warden_demand, "ROLE", c.warden, "Fire warden",
                                            "entity-employee", c.ada_as_warden)})),
               Requirement(c.ada_first_aid, c.first_aid, "FA", "First aid", "TRAINING", "MANUAL",
                           "NEW", nullptr, nullptr, Json::array()),
               Requirement(RowId(c.medical, c.ada), c.medical, "MED", "Medical check", "HEALTH",
                           "DERIVED", "EXPIRED", "2023-06-01", "2025-06-01",
                           Json::array({Why(c.medical_demand, "OFFICE", c.hq, "Head office",
                                            "person-office", c.ada_po)}))});
  EXPECT_EQ(*card, expected) << card->dump(2);

  // The JSON API gives the same body, with and without a body.
  Reply reply = Call(*engine_, "POST", "/v2/person/requirements/" + c.ada);
  ASSERT_EQ(reply.status, 200) << reply.raw.body;
  EXPECT_EQ(reply.body, expected);
  reply = Call(*engine_, "POST", "/v2/person/requirements/" + c.ada, Json{{"as_of", "2026-11-22"}});
  EXPECT_EQ(reply.body, expected);
  // By code, as 4hse clients name people.
  reply = Call(*engine_, "POST", "/v2/person/requirements?code=E001&project_id=" + c.project);
  ASSERT_EQ(reply.status, 200) << reply.raw.body;
  EXPECT_EQ(reply.body, expected);
}

TEST_F(RequirementsTest, AnEarlierDayHasItsOwnStatusesAndReasons) {
  const Crew& c = *crew_;
  // 2026-09-30: Ada was still a first aider, her course was VALID (warning from 2026-11-01).
  Result<Json> card = engine_->PersonRequirements(c.ada, Ymd(2026, 9, 30));
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  const Json expected =
      AdaCard("2026-09-30", Counts(1, 1, 0, 1), false,
              {Requirement(RowId(c.fire, c.ada), c.fire, "FF", "Fire fighting", "TRAINING",
                           "DERIVED", "VALID", "2025-12-01", "2026-12-01",
                           Json::array({Why(c.warden_demand, "ROLE", c.warden, "Fire warden",
                                            "entity-employee", c.ada_as_warden),
                                        Why(c.aider_demand, "ROLE", c.aider, "First aider",
                                            "entity-employee", c.ada_as_aider, "2026-10-01")})),
               Requirement(c.ada_first_aid, c.first_aid, "FA", "First aid", "TRAINING", "MANUAL",
                           "NEW", nullptr, nullptr, Json::array()),
               Requirement(RowId(c.medical, c.ada), c.medical, "MED", "Medical check", "HEALTH",
                           "DERIVED", "EXPIRED", "2023-06-01", "2025-06-01",
                           Json::array({Why(c.medical_demand, "OFFICE", c.hq, "Head office",
                                            "person-office", c.ada_po)}))});
  // The order of two reasons is required_by's (demand id, then assignment id).
  Json& why = card->at("requirements")[0]["why"];
  ASSERT_EQ(why.size(), 2u);
  if (why[0]["demand_id"] != c.warden_demand) std::swap(why[0], why[1]);
  EXPECT_EQ(*card, expected) << card->dump(2);

  // 2025-12-01, the course's day: VALID; 2025-11-30: NEW, the course did not exist yet.
  card = engine_->PersonRequirements(c.ada, Ymd(2025, 11, 30));
  ASSERT_TRUE(card.ok());
  EXPECT_EQ((*card)["requirements"][0]["status"], "NEW");
  EXPECT_EQ((*card)["requirements"][0]["certificate_date_release"], nullptr);
  card = engine_->PersonRequirements(c.ada, Ymd(2025, 12, 1));
  ASSERT_TRUE(card.ok());
  EXPECT_EQ((*card)["requirements"][0]["status"], "VALID");
}

TEST_F(RequirementsTest, CarlasCardIsEmptyBeforeHerFirstDay) {
  const Crew& c = *crew_;
  Result<Json> before = engine_->PersonRequirements(c.carla, Ymd(2026, 11, 30));
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ((*before)["requirements"], Json::array());
  EXPECT_EQ((*before)["counts"], Counts(0, 0, 0, 0));
  EXPECT_EQ((*before)["compliant"], true);
  Result<Json> first = engine_->PersonRequirements(c.carla, Ymd(2026, 12, 1));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ((*first)["requirements"].size(), 1u);
  EXPECT_EQ((*first)["requirements"][0]["action"]["code"], "MED");
  EXPECT_EQ((*first)["requirements"][0]["status"], "NEW");
  EXPECT_EQ((*first)["requirements"][0]["why"][0]["assignment_id"], c.carla_po);
  EXPECT_EQ((*first)["requirements"][0]["why"][0]["active_from"], "2026-12-01");
}

TEST_F(RequirementsTest, UnknownPersonIs404AndABadDayIs422NamingIt) {
  const std::string unknown = "0b5e9e4c-0000-4000-8000-000000000000";
  Result<Json> card = engine_->PersonRequirements(unknown);
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(card.status().code(), Code::kNotFound);
  EXPECT_EQ(card.status().message(), "no person with person_id " + unknown);
  Reply reply = Call(*engine_, "POST", "/v2/person/requirements/" + unknown);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body["message"], "no person with person_id " + unknown);
  EXPECT_EQ(Call(*engine_, "POST", "/v2/person/requirements").status, 404);
  EXPECT_EQ(Call(*engine_, "GET", "/v2/person/requirements/" + crew_->ada).status, 405);

  card = engine_->PersonRequirements(crew_->ada, Ymd(2026, 2, 30));
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(OnlyFieldError(card.status()), "as_of: must be a real calendar date");
  reply = Call(*engine_, "POST", "/v2/person/requirements/" + crew_->ada,
               Json{{"as_of", "2026-02-30"}});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(
      reply.body,
      Json::array({Json{{"field", "as_of"},
                        {"message", "must be a real calendar date in the form YYYY-MM-DD"}}}));
  reply = Call(*engine_, "POST", "/v2/person/requirements/" + crew_->ada, Json{{"day", 1}});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.body,
            Json::array({Json{{"field", "day"},
                              {"message", "is not a person requirements parameter (as_of)"}}}));
  reply = Call(*engine_, "POST", "/v2/person/requirements/" + crew_->ada, Json::array({1}));
  EXPECT_EQ(reply.status, 400);
}

std::vector<std::optional<ScheduleStatus>> Cells(std::vector<const char*> names) {
  std::vector<std::optional<ScheduleStatus>> out;
  for (const char* n : names) {
    out.push_back(n ? ParseScheduleStatus(n) : std::nullopt);
  }
  return out;
}

TEST_F(RequirementsTest, TheMatrixOfAnOfficeIsItsPeopleAgainstWhatAnyOfThemNeeds) {
  const Crew& c = *crew_;
  TrainingMatrixQuery q;
  q.office_ids = {c.hq};
  Result<TrainingMatrix> m = engine_->TrainingMatrix(q);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->as_of, kToday);
  EXPECT_EQ(m->people, (std::vector<MatrixPerson>{{c.bruno, "E002", "Bruno Bianchi"},
                                                  {c.ada, "E001", "Ada Rossi"}}));
  EXPECT_EQ(m->actions,
            (std::vector<MatrixAction>{{c.fire, "FF", "Fire fighting", "TRAINING"},
                                       {c.first_aid, "FA", "First aid", "TRAINING"},
                                       {c.forklift_licence, "FL", "Forklift licence", "TRAINING"},
                                       {c.medical, "MED", "Medical check", "HEALTH"}}));
  using V = std::vector<std::vector<std::optional<ScheduleStatus>>>;
  EXPECT_EQ(m->status, (V{Cells({nullptr, nullptr, "NEW", "VALID"}),
                          Cells({"EXPIRING", "NEW", nullptr, "EXPIRED"})}));

  // Carla's second day: she is a row, needing the medical check only; Ada's course ran out the
  // day before.
  q.as_of = Ymd(2026, 12, 2);
  m = engine_->TrainingMatrix(q);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->people.size(), 3u);
  EXPECT_EQ(m->people[2], (MatrixPerson{c.carla, "E003", "Carla Verdi"}));
  EXPECT_EQ(m->status[1], Cells({"EXPIRED", "NEW", nullptr, "EXPIRED"}));
  EXPECT_EQ(m->status[2], Cells({nullptr, nullptr, nullptr, "NEW"}));
}

TEST_F(RequirementsTest, TheMatrixOfEveryOfficeAndItsErrors) {
  const Crew& c = *crew_;
  Result<TrainingMatrix> m = engine_->TrainingMatrix(TrainingMatrixQuery{});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // Dario works at the plant and needs nothing: a row of empty cells.
  ASSERT_EQ(m->people.size(), 3u);
  EXPECT_EQ(m->people[1], (MatrixPerson{c.dario, "E004", "Dario Neri"}));
  EXPECT_EQ(m->status[1], Cells({nullptr, nullptr, nullptr, nullptr}));

  // Only one project: the crew's, or another company's with nobody in it.
  TrainingMatrixQuery acme;
  acme.project_id = c.project;
  m = engine_->TrainingMatrix(acme);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->people.size(), 3u);
  acme.project_id = MustCreate(*engine_, "project", {{"name", "Other"}})["project_id"];
  m = engine_->TrainingMatrix(acme);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->people.empty());
  EXPECT_TRUE(m->actions.empty());
  acme.project_id = "0b5e9e4c-0000-4000-8000-000000000000";
  m = engine_->TrainingMatrix(acme);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kNotFound);

  TrainingMatrixQuery plant;
  plant.office_ids = {c.plant};
  m = engine_->TrainingMatrix(plant);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->people.size(), 1u);
  EXPECT_TRUE(m->actions.empty());

  TrainingMatrixQuery bad;
  bad.office_ids = {"0b5e9e4c-0000-4000-8000-000000000000"};
  m = engine_->TrainingMatrix(bad);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kNotFound);
  EXPECT_EQ(m.status().message(), "no office with office_id 0b5e9e4c-0000-4000-8000-000000000000");
  bad = TrainingMatrixQuery{};
  bad.as_of = Ymd(2026, 2, 30);
  m = engine_->TrainingMatrix(bad);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(OnlyFieldError(m.status()), "as_of: must be a real calendar date");
}

}  // namespace
}  // namespace certo::testing
