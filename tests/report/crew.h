// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// A small company whose requirements flow from demands (DESIGN.md section 2.2), for the person's
// card and the training matrix, with exact dates (today is 2026-11-22):
//
//   Head office (code HQ): Ada Rossi (E001), Bruno Bianchi (E002), and Carla Verdi (E003) from
//   2026-12-01; Plant (code PL): Dario Neri (E004).
//   Fire fighting (FF, TRAINING, 1 year, 30 days' warning) is demanded of the fire wardens and
//   of the first aiders: Ada is a warden, and was a first aider until 2026-10-01. Her course of
//   2025-12-01 lasts to 2026-12-01: EXPIRING today.
//   First aid (FA, TRAINING): Ada's by hand (MANUAL), no course: NEW.
//   Forklift licence (FL, TRAINING, 5 years) is demanded of the forklift's users: Bruno. NEW.
//   Medical check (MED, HEALTH, 2 years) is demanded of everyone in the Head office: Ada's of
//   2023-06-01 ran out on 2025-06-01 (EXPIRED), Bruno's of 2026-01-10 is VALID, Carla's is NEW
//   from her first day.

#pragma once

#include <string>

#include "testutil.h"

namespace certo::testing {

struct Crew {
  std::string project, hq, plant;
  std::string ada, bruno, carla, dario;
  std::string ada_po, bruno_po, carla_po;
  std::string fire, first_aid, forklift_licence, medical;
  std::string warden, aider, forklift;
  std::string warden_demand, aider_demand, medical_demand, forklift_demand;
  std::string ada_as_warden, ada_as_aider;
  std::string ada_first_aid;  // the manual subscription

  explicit Crew(Engine& e) {
    auto id = [](const Json& row, const char* key) { return row.at(key).get<std::string>(); };
    project = id(MustCreate(e, "project", {{"name", "ACME"}}), "project_id");
    hq = id(
        MustCreate(e, "office", {{"project_id", project}, {"name", "Head office"}, {"code", "HQ"}}),
        "office_id");
    plant =
        id(MustCreate(e, "office", {{"project_id", project}, {"name", "Plant"}, {"code", "PL"}}),
           "office_id");
    auto person = [&](const char* code, const char* first, const char* last) {
      return id(MustCreate(e, "person",
                           {{"project_id", project},
                            {"code", code},
                            {"first_name", first},
                            {"last_name", last}}),
                "person_id");
    };
    auto works = [&](const std::string& who, const std::string& office, const Json& extra) {
      Json r = {{"person_id", who}, {"office_id", office}};
      for (const auto& [k, v] : extra.items()) r[k] = v;
      return id(MustCreate(e, "person-office", r), "person_office_id");
    };
    ada = person("E001", "Ada", "Rossi");
    bruno = person("E002", "Bruno", "Bianchi");
    carla = person("E003", "Carla", "Verdi");
    dario = person("E004", "Dario", "Neri");
    ada_po = works(ada, hq, Json::object());
    bruno_po = works(bruno, hq, Json::object());
    carla_po = works(carla, hq, {{"active_from", "2026-12-01"}});
    works(dario, plant, Json::object());

    auto action = [&](const char* type, const char* code, const char* name, int years,
                      int warning) {
      Json r = {{"subtenant_id", hq}, {"action_type", type}, {"code", code}, {"name", name}};
      if (years > 0) {
        r["validity"] = years;
        r["validity_unit"] = "YEAR";
      }
      if (warning > 0) r["expire_interval"] = warning;
      return id(MustCreate(e, "action", r), "action_id");
    };
    fire = action("TRAINING", "FF", "Fire fighting", 1, 30);
    first_aid = action("TRAINING", "FA", "First aid", 0, 0);
    forklift_licence = action("TRAINING", "FL", "Forklift licence", 5, 60);
    medical = action("HEALTH", "MED", "Medical check", 2, 0);

    auto resource = [&](const char* collection, const char* key, const char* name) {
      return id(
          MustCreate(e, collection, {{"project_id", project}, {"office_id", hq}, {"name", name}}),
          key);
    };
    warden = resource("role", "office_role_id", "Fire warden");
    aider = resource("role", "office_role_id", "First aider");
    forklift = resource("equipment", "office_equipment_id", "Forklift");
    auto demand = [&](const std::string& act, const char* type, const std::string& what) {
      return id(MustCreate(e, "demand",
                           {{"project_id", project},
                            {"office_id", hq},
                            {"action_id", act},
                            {"resource_type", type},
                            {"resource_id", what}}),
                "demand_id");
    };
    warden_demand = demand(fire, "ROLE", warden);
    aider_demand = demand(fire, "ROLE", aider);
    forklift_demand = demand(forklift_licence, "EQUIPMENT", forklift);
    medical_demand = demand(medical, "OFFICE", hq);
    auto holds = [&](const std::string& po, const char* type, const std::string& what) {
      return id(MustCreate(e, "entity-employee",
                           {{"project_id", project},
                            {"office_id", hq},
                            {"person_office_id", po},
                            {"type", type},
                            {"entity_id", what}}),
                "entity_employee_id");
    };
    ada_as_warden = holds(ada_po, "ROLE", warden);
    ada_as_aider = holds(ada_po, "ROLE", aider);
    EXPECT_TRUE(e.Historicize("entity-employee", ada_as_aider, Ymd(2026, 10, 1)).ok());
    holds(bruno_po, "EQUIPMENT", forklift);
    ada_first_aid = id(MustCreate(e, "action-subscription",
                                  {{"action_id", first_aid},
                                   {"subtenant_id", hq},
                                   {"subscriber_type", "PERSON"},
                                   {"subscriber_id", ada}}),
                       "action_subscription_id");

    auto course = [&](const std::string& who, const std::string& act, const char* type,
                      const char* released) {
      const std::string cert = id(MustCreate(e, "certificate",
                                             {{"tenant_id", project},
                                              {"resource_id", who},
                                              {"action_type", type},
                                              {"name", "Certificate"},
                                              {"date_release", released}}),
                                  "certificate_id");
      MustCreate(e, "certificate-action",
                 {{"certificate_id", cert}, {"action_id", act}, {"tenant_id", project}});
    };
    course(ada, fire, "TRAINING", "2025-12-01");
    course(ada, medical, "HEALTH", "2023-06-01");
    course(bruno, medical, "HEALTH", "2026-01-10");
  }
};

}  // namespace certo::testing
