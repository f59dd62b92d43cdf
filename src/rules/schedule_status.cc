// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "certo/schedule_status.h"

namespace certo {

const char* StatusName(ScheduleStatus status) {
  switch (status) {
    case ScheduleStatus::kNew:
      return "NEW";
    case ScheduleStatus::kValid:
      return "VALID";
    case ScheduleStatus::kExpiring:
      return "EXPIRING";
    case ScheduleStatus::kExpired:
      return "EXPIRED";
  }
  return "NEW";  // not reached: every value is named above
}

std::optional<ScheduleStatus> ParseScheduleStatus(std::string_view name) {
  for (ScheduleStatus s : kScheduleStatuses) {
    if (name == StatusName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace certo
