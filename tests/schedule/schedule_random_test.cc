// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Thousands of random writes of every kind that can change a status, in random order with random
// dates; after each commit Verify() must find nothing. The seed is fixed (CERTO_SEED overrides it)
// and printed on failure, so a failure can be replayed.

#include <cstdlib>
#include <map>
#include <random>

#include "testutil.h"

namespace certo::testing {
namespace {

class RandomSchedule {
 public:
  explicit RandomSchedule(uint64_t seed) : rng_(seed) {}

  void Setup(Engine& engine) {
    project_ = MustCreate(engine, "project", {{"name", "Random"}})["project_id"];
    for (int i = 0; i < 2; ++i) {
      offices_.push_back(MustCreate(
          engine, "office",
          {{"project_id", project_}, {"name", "Office " + std::to_string(i)}})["office_id"]);
    }
    for (int i = 0; i < 8; ++i) {
      people_.push_back(MustCreate(engine, "person",
                                   {{"project_id", project_},
                                    {"first_name", "P" + std::to_string(i)},
                                    {"last_name", "Random"}})["person_id"]);
    }
    for (int i = 0; i < 3; ++i) {
      equipment_.push_back(
          MustCreate(engine, "equipment",
                     {{"office_id", Pick(offices_)},
                      {"name", "Machine " + std::to_string(i)}})["office_equipment_id"]);
    }
    for (const char* type : {"TRAINING", "TRAINING", "HEALTH", "MAINTENANCE", "CHECK"}) {
      NewAction(engine, type);
    }
  }

  // One random write; its outcome (success or a clean failure) does not matter.
  void Step(Engine& engine) {
    switch (Uniform(0, 13)) {
      case 0:
      case 1:
        NewCertificate(engine);
        break;
      case 2:
      case 3: {
        // Mostly a certificate and an action of the same type, so that most links succeed.
        std::string cert = Pick(certificates_);
        std::string action = Pick(actions_);
        if (Uniform(0, 4) != 0 && !certificates_.empty()) {
          auto c = engine.View("certificate", cert);
          std::vector<Json> same;
          for (const Json& a : actions_) {
            auto row = engine.View("action", a.get<std::string>());
            if (c.ok() && row.ok() && (*row)["action_type"] == (*c)["action_type"]) {
              same.push_back(a);
            }
          }
          if (!same.empty()) action = Pick(same);
        }
        Count("link create", engine.Create("certificate-action", {{"certificate_id", cert},
                                                                  {"action_id", action},
                                                                  {"date_expire", MaybeDate()}}));
        break;
      }
      case 4:
        Count("link update",
              engine.Update("certificate-action", PickExisting(engine, "certificate-action"),
                            {{"date_expire", MaybeDate()}}));
        break;
      case 5:
        Count("link delete", engine.Delete("certificate-action",
                                           PickExisting(engine, "certificate-action"), true));
        break;
      case 6: {
        Json changes{{"date_expire", MaybeDate()}};
        if (Uniform(0, 1)) changes["date_release"] = Date(2018, 2026);
        if (Uniform(0, 2) == 0) {
          changes["validity"] = Uniform(1, 36);
          changes["validity_unit"] = Pick(std::vector<std::string>{"DAY", "MONTH", "YEAR"});
        } else if (Uniform(0, 2) == 0) {
          changes["validity"] = nullptr;
          changes["validity_unit"] = nullptr;
        }
        if (Uniform(0, 3) == 0) changes["resource_id"] = Resource();
        Count("certificate update", engine.Update("certificate", Pick(certificates_), changes));
        break;
      }
      case 7:
        if (Uniform(0, 2) == 0) {
          Count("certificate delete", engine.Delete("certificate", Pick(certificates_), true));
        }
        break;
      case 8: {
        Json changes{{"expire_interval", Uniform(0, 90)}};
        if (Uniform(0, 1)) {
          changes["validity"] = Uniform(1, 5);
          changes["validity_unit"] = Pick(std::vector<std::string>{"MONTH", "YEAR"});
        } else {
          changes["validity"] = nullptr;
          changes["validity_unit"] = nullptr;
        }
        Count("action update", engine.Update("action", Pick(actions_), changes));
        break;
      }
      case 9:
      case 10:
        Subscribe(engine);
        break;
      case 11:
        if (Uniform(0, 2) == 0) return;
        Count("subscription delete",
              engine.Delete("action-subscription", PickExisting(engine, "action-subscription"),
                            true));
        break;
      case 12:
        if (Uniform(0, 1)) {
          Count("historicize",
                engine.Historicize("person", Pick(people_), Ymd(2026, 1, Uniform(1, 28))));
        } else {
          Count("restore", engine.Restore("person", Pick(people_)));
        }
        break;
      case 13:
        if (Uniform(0, 19) == 0)
          Count("action delete", engine.Delete("action", Pick(actions_), true));
        if (Uniform(0, 9) == 0) {
          NewAction(engine,
                    Pick(std::vector<std::string>{"TRAINING", "HEALTH", "MAINTENANCE", "CHECK"}));
        }
        break;
    }
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  // How many writes of each kind succeeded.
  const std::map<std::string, int>& successes() const { return successes_; }

 private:
  template <typename T>
  const Result<T>& Count(const std::string& kind, const Result<T>& result) {
    successes_[kind] += result.ok() ? 1 : 0;
    return result;
  }

  template <typename T>
  T Pick(const std::vector<T>& from) {
    return from[static_cast<size_t>(Uniform(0, static_cast<int>(from.size()) - 1))];
  }
  std::string Pick(const std::vector<Json>& from) {
    if (from.empty()) return "00000000-0000-4000-8000-000000000000";
    return from[static_cast<size_t>(Uniform(0, static_cast<int>(from.size()) - 1))];
  }

  std::string PickExisting(Engine& engine, const char* collection) {
    Query q;
    q.history = true;
    q.per_page = 1000;
    auto page = engine.Index(collection, q);
    if (!page.ok() || page->rows.empty()) return "00000000-0000-4000-8000-000000000000";
    const Json& row = page->rows[static_cast<size_t>(Uniform(0, int(page->rows.size()) - 1))];
    return row.begin().value().get<std::string>();
  }

  std::string Date(int from_year, int to_year) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", Uniform(from_year, to_year), Uniform(1, 12),
                  Uniform(1, 28));
    return buf;
  }
  Json MaybeDate() { return Uniform(0, 2) == 0 ? Json() : Json(Date(2025, 2029)); }
  std::string Resource() { return Uniform(0, 3) == 0 ? Pick(equipment_) : Pick(people_); }

  void NewAction(Engine& engine, const std::string& type) {
    Json action{{"subtenant_id", Pick(offices_)},
                {"action_type", type},
                {"name", type},
                {"expire_interval", Uniform(0, 60)}};
    if (Uniform(0, 1)) {
      action["validity"] = Uniform(1, 3);
      action["validity_unit"] = "YEAR";
    }
    auto created = engine.Create("action", action);
    if (created.ok()) actions_.push_back((*created)["action_id"]);
  }

  void NewCertificate(Engine& engine) {
    Json cert{{"tenant_id", project_},
              {"resource_id", Resource()},
              {"action_type",
               Pick(std::vector<std::string>{"TRAINING", "HEALTH", "MAINTENANCE", "CHECK"})},
              {"name", "Certificate"},
              {"date_release", Date(2019, 2025)}};
    if (Uniform(0, 1)) cert["date_expire"] = Date(2026, 2030);
    auto created = Count("certificate create", engine.Create("certificate", cert));
    if (created.ok()) certificates_.push_back((*created)["certificate_id"]);
  }

  void Subscribe(Engine& engine) {
    // Mostly the subscriber type the action admits; sometimes one it refuses.
    std::string action = Pick(actions_);
    auto row = engine.View("action", action);
    std::string type = row.ok() ? (*row)["action_type"].get<std::string>() : "";
    bool person = type == "MAINTENANCE" ? Uniform(0, 9) == 0 : Uniform(0, 9) != 0;
    if (type == "CHECK") person = Uniform(0, 1) == 0;
    Count("subscription create",
          engine.Create("action-subscription",
                        {{"action_id", action},
                         {"subscriber_type", person ? "PERSON" : "EQUIPMENT"},
                         {"subscriber_id", person ? Pick(people_) : Pick(equipment_)}}));
  }

  std::mt19937_64 rng_;
  std::map<std::string, int> successes_;
  Json project_;
  std::vector<Json> offices_, people_, equipment_, actions_, certificates_;
};

uint64_t Seed() {
  const char* env = std::getenv("CERTO_SEED");
  return env ? std::strtoull(env, nullptr, 10) : 20261122;
}

std::string Problems(const VerifyReport& report) {
  std::string out;
  for (const Problem& p : report.problems) out += "\n  " + p.message;
  return out;
}

TEST(ScheduleRandom, EveryCommitLeavesNothingForVerifyToFind) {
  const uint64_t seed = Seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with CERTO_SEED=" + std::to_string(seed) +
               ")");
  auto engine = OpenEngine();
  RandomSchedule random(seed);
  random.Setup(*engine);
  for (int step = 0; step < 3000; ++step) {
    random.Step(*engine);
    auto report = engine->Verify();
    ASSERT_OK(report);
    ASSERT_TRUE(report->ok()) << "after step " << step << ":" << Problems(*report);
  }
  // The workload really exercised every kind of write, and the file is not trivially empty.
  for (const char* kind :
       {"link create", "link update", "link delete", "certificate create", "certificate update",
        "certificate delete", "action update", "subscription create", "subscription delete",
        "historicize", "restore"}) {
    EXPECT_GE(random.successes().count(kind) ? random.successes().at(kind) : 0, 20) << kind;
  }
  auto report = engine->Verify();
  EXPECT_GT(report->subscriptions_checked, 10);
  EXPECT_GT(report->links_checked, 10);
}

TEST(ScheduleRandom, BulkTransactionsAgreeWithVerifyToo) {
  const uint64_t seed = Seed() + 1;
  SCOPED_TRACE("seed " + std::to_string(seed));
  auto engine = OpenEngine();
  RandomSchedule random(seed);
  random.Setup(*engine);
  for (int batch = 0; batch < 60; ++batch) {
    const bool fail = random.Uniform(0, 5) == 0;  // some batches roll back whole
    Status status = engine->BulkTransaction([&](Engine& e) {
      for (int i = 0; i < 25; ++i) random.Step(e);
      return fail ? Status::Conflict("rolled back on purpose") : Status::OK();
    });
    EXPECT_EQ(status.ok(), !fail) << status.ToString();
    auto report = engine->Verify();
    ASSERT_OK(report);
    ASSERT_TRUE(report->ok()) << "after batch " << batch << ":" << Problems(*report);
  }
}

}  // namespace
}  // namespace certo::testing
