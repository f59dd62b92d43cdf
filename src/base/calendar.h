// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The calendar inside the library: the public functions of certo/calendar.h under the names the
// internal code uses. Howard Hinnant's date stays in calendar.cc.

#pragma once

#include "certo/calendar.h"

namespace certo::internal {

using certo::AddDays;
using certo::AddPeriod;
using certo::Date;
using certo::FormatDate;
using certo::LocalToday;
using certo::ParseDate;
using certo::ParseUnit;
using certo::Unit;

}  // namespace certo::internal
