// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// What people must do on a day: the person's card (Engine::PersonRequirements, POST
// /v2/person/requirements/{id}) — one person, every requirement and why — and the training
// matrix (Engine::TrainingMatrix, `certo report --matrix`) — the people of some offices against
// the actions any of them needs, one status per cell.
//
// Contract:
//  * Rows. A person's requirements on day D are the action-subscription rows with
//    subscriber_type PERSON and that person as subscriber that are in the schedule on D (rule 6
//    of DESIGN.md section 2): made by hand (origin MANUAL) or derived from demands (DERIVED,
//    section 2.2). Each status and cover is Engine::Index's as of D; nothing is computed twice.
//  * Why. A requirement's reasons are its required_by entries (certo/engine.h, the
//    action-subscription row) whose days hold D: active_from null or <= D, retired_on null or
//    > D. A manual row has none unless a demand requires the same action as well.
//  * Matrix people. The people with a person-office row in force on D (it, its person and its
//    office) in one of the offices asked for, or in any office of the project when none is.
//  * Errors. kNotFound naming the person (card) or office (matrix); kValidation naming "as_of".

#pragma once

#include "certo/record.h"
#include "certo/schedule_status.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace certo {

struct TrainingMatrixQuery {
  // The day of the statuses. Default: the engine's today.
  std::optional<std::chrono::year_month_day> as_of;
  // The offices whose people are the rows (office ids); empty: every office.
  std::vector<std::string> office_ids;
  // Only this project ("" = every project).
  std::string project_id;
};

// A row of the matrix: a person.
struct MatrixPerson {
  std::string person_id;
  std::optional<std::string> code;
  std::string name;  // "First Last"

  friend bool operator==(const MatrixPerson&, const MatrixPerson&) = default;
};

// A column of the matrix: an action some person of the rows needs that day.
struct MatrixAction {
  std::string action_id;
  std::optional<std::string> code;
  std::string name;
  std::string action_type;  // TRAINING, HEALTH, PER, ...

  friend bool operator==(const MatrixAction&, const MatrixAction&) = default;
};

struct TrainingMatrix {
  std::chrono::year_month_day as_of;
  // By last name, first name, id.
  std::vector<MatrixPerson> people;
  // By action type (TRAINING, HEALTH, PER, CHECK, MAINTENANCE), name, id.
  std::vector<MatrixAction> actions;
  // status[p][a]: person p's status on action a as of as_of; nullopt where p does not need a.
  std::vector<std::vector<std::optional<ScheduleStatus>>> status;
};

}  // namespace certo
