// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// ScheduleStatus: the four states of a compliance-schedule row on a day (DESIGN.md section 2.1),
// and their names as the JSON API, the report and every filter spell them.
//
// Contract:
//  * Values. kNew (no covering certificate), kValid, kExpiring (inside the action's
//    expire_interval before the last valid day), kExpired (after the last valid day).
//  * Names. StatusName gives "NEW", "VALID", "EXPIRING" or "EXPIRED"; ParseScheduleStatus is its
//    exact inverse (upper case only: "valid" is not a status) and gives nullopt for anything
//    else. Neither throws.
//  * Order. kScheduleStatuses lists the values in the order above, the order of every count
//    (StatusCounts, ReportCounts, the JSON {"NEW", "VALID", "EXPIRING", "EXPIRED"} objects).

#pragma once

#include <optional>
#include <string_view>

namespace certo {

enum class ScheduleStatus { kNew, kValid, kExpiring, kExpired };

inline constexpr ScheduleStatus kScheduleStatuses[] = {ScheduleStatus::kNew, ScheduleStatus::kValid,
                                                       ScheduleStatus::kExpiring,
                                                       ScheduleStatus::kExpired};

// "NEW", "VALID", "EXPIRING" or "EXPIRED": a static string.
const char* StatusName(ScheduleStatus status);

// The status named name (exactly as StatusName spells it), or nullopt.
std::optional<ScheduleStatus> ParseScheduleStatus(std::string_view name);

}  // namespace certo
