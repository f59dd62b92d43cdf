// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The person's card and the training matrix (certo/requirements.h): index reads of a person's
// schedule rows as of one day, each day set through an AsOfScope so that every read obeys the
// rule for that day, in one read snapshot.

#pragma once

#include "certo/requirements.h"

#include <optional>
#include <string_view>

#include "db/db.h"
#include "db/sql_functions.h"
#include "store/store.h"

namespace certo::internal {

// Engine::PersonRequirements. Throws StatusError (kNotFound for an unknown person, kValidation
// for an as_of that is not a real date).
Json PersonRequirements(Db& db, Store& store, SqlContext& ctx, std::string_view person_id,
                        std::optional<Date> as_of);

// Engine::TrainingMatrix. Throws StatusError (kNotFound for an unknown office or project,
// kValidation for as_of).
TrainingMatrix BuildTrainingMatrix(Db& db, Store& store, SqlContext& ctx,
                                   const TrainingMatrixQuery& query);

}  // namespace certo::internal
