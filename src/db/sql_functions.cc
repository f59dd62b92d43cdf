// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "db/sql_functions.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/uuid.h"
#include "registry/vocabulary.h"
#include "rules/rules.h"

namespace certo::internal {

std::string SqlContext::Now() const {
  using namespace std::chrono;
  sys_seconds now = options.now     ? *options.now
                    : options.today ? sys_seconds(sys_days(*options.today))
                                    : floor<seconds>(system_clock::now());
  const sys_days day = floor<days>(now);
  const hh_mm_ss<seconds> time(now - day);
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d:%02d", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return FormatDate(year_month_day(day)) + "T" + text + "Z";
}

namespace {

SqlContext& Ctx(sqlite3_context* c) { return *static_cast<SqlContext*>(sqlite3_user_data(c)); }

void ResultText(sqlite3_context* c, const std::string& s) {
  sqlite3_result_text(c, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

std::optional<Date> DateArg(sqlite3_value* v) {
  if (sqlite3_value_type(v) != SQLITE_TEXT) return std::nullopt;
  const char* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return ParseDate(std::string_view(text, sqlite3_value_bytes(v)));
}

std::optional<long long> IntArg(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return sqlite3_value_int64(v);
}

std::optional<Unit> UnitArg(sqlite3_value* v) {
  if (sqlite3_value_type(v) != SQLITE_TEXT) return std::nullopt;
  return ParseUnit(reinterpret_cast<const char*>(sqlite3_value_text(v)));
}

// A stored cover date: NULL = no cover; kNever = never expires.
struct Cover {
  bool covered = false;
  std::optional<Date> date;
};
Cover CoverArg(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return {};
  return {true, DateArg(v)};  // kNever is not a date: never expires
}

void Today(sqlite3_context* c, int, sqlite3_value**) { ResultText(c, FormatDate(Ctx(c).Today())); }

void AsOf(sqlite3_context* c, int, sqlite3_value**) { ResultText(c, FormatDate(Ctx(c).AsOf())); }

void Bulk(sqlite3_context* c, int, sqlite3_value**) { sqlite3_result_int(c, Ctx(c).bulk ? 1 : 0); }

void DeferMonths(sqlite3_context* c, int, sqlite3_value**) {
  sqlite3_result_int(c, Ctx(c).defer_months ? 1 : 0);
}

void Expiry(sqlite3_context* c, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[2]) == SQLITE_NULL) {  // no link: no expiry at all
    sqlite3_result_null(c);
    return;
  }
  std::optional<Date> release = DateArg(argv[2]);
  if (!release) {
    sqlite3_result_error(c, "certo_expiry: date_release is not a date", -1);
    return;
  }
  LinkDates link{DateArg(argv[0]), DateArg(argv[1]), *release,        IntArg(argv[3]),
                 UnitArg(argv[4]), IntArg(argv[5]),  UnitArg(argv[6])};
  std::optional<Date> expiry = EffectiveExpiry(link);
  ResultText(c, expiry ? FormatDate(*expiry) : std::string(kNever));
}

void ExpiringFromFn(sqlite3_context* c, int, sqlite3_value** argv) {
  Cover cover = CoverArg(argv[0]);
  if (!cover.covered) {
    sqlite3_result_null(c);
    return;
  }
  std::optional<Date> expire = cover.date;
  std::optional<Date> from = ExpiringFrom(expire, IntArg(argv[1]));
  ResultText(c, from ? FormatDate(*from) : std::string(kNever));
}

void StatusFn(sqlite3_context* c, int, sqlite3_value** argv) {
  Cover cover = CoverArg(argv[0]);
  std::optional<Date> from = DateArg(argv[1]);
  std::optional<Date> day = DateArg(argv[2]);
  if (!day) {
    sqlite3_result_error(c, "certo_status: day is not a date", -1);
    return;
  }
  sqlite3_result_text(c, StatusName(StatusOn(cover.covered, cover.date, from, *day)), -1,
                      SQLITE_STATIC);
}

// certo_row_steps and certo_segment_steps (schema 18): the status steps of rows of
// action_subscription or of subscription_cover, in groups of seven arguments, each its row's
// stored columns and a sign (1: the row comes, -1: it goes), merged, as a JSON array of
// [day, status, n] ('' for the day before every day), or NULL when they cancel out. Merging an
// update's old and new row in one call leaves only the steps that changed.
void StepsFn(sqlite3_context* c, int argc, sqlite3_value** argv, bool row) {
  if (argc % 7 != 0) {
    sqlite3_result_error(c, "certo steps: arguments come in groups of seven", -1);
    return;
  }
  std::vector<StatusStep> steps;
  for (int at = 0; at < argc; at += 7) {
    sqlite3_value** a = argv + at;
    const std::optional<Date> shown = DateArg(a[2]), hidden = DateArg(a[3]);
    const Cover cover = CoverArg(a[4]);
    const std::optional<Date> expiring = DateArg(a[5]);  // kNever: never EXPIRING
    const int sign = sqlite3_value_int(a[6]) < 0 ? -1 : 1;
    if (row) {
      // NEW before the first cover (always, when none); the row's own segment from cover_from.
      const std::optional<Date> first = DateArg(a[0]), own = DateArg(a[1]);
      AppendStatusSteps(std::nullopt, first ? first : own, shown, hidden, false, std::nullopt,
                        std::nullopt, sign, steps);
      if (own) {
        AppendStatusSteps(own, std::nullopt, shown, hidden, cover.covered, cover.date, expiring,
                          sign, steps);
      }
    } else {
      AppendStatusSteps(DateArg(a[0]), DateArg(a[1]), shown, hidden, cover.covered, cover.date,
                        expiring, sign, steps);
    }
  }
  steps = MergeStatusSteps(std::move(steps));
  if (steps.empty()) {
    sqlite3_result_null(c);
    return;
  }
  std::string json = "[";
  for (const StatusStep& s : steps) {
    if (json.size() > 1) json += ',';
    json += "[\"" + (s.day ? FormatDate(*s.day) : std::string()) + "\",\"" + StatusName(s.status) +
            "\"," + std::to_string(s.n) + "]";
  }
  json += ']';
  ResultText(c, json);
}
void RowStepsFn(sqlite3_context* c, int argc, sqlite3_value** argv) {
  StepsFn(c, argc, argv, true);
}
void SegmentStepsFn(sqlite3_context* c, int argc, sqlite3_value** argv) {
  StepsFn(c, argc, argv, false);
}

// The earliest (sign -1) or latest (sign 1) of its text arguments, NULLs ignored; NULL when all
// are NULL.
void Extreme(sqlite3_context* c, int argc, sqlite3_value** argv, int sign) {
  int best = -1;
  for (int i = 0; i < argc; ++i) {
    if (sqlite3_value_type(argv[i]) != SQLITE_TEXT) continue;
    if (best < 0 ||
        sign * std::strcmp(reinterpret_cast<const char*>(sqlite3_value_text(argv[i])),
                           reinterpret_cast<const char*>(sqlite3_value_text(argv[best]))) >
            0) {
      best = i;
    }
  }
  if (best < 0) {
    sqlite3_result_null(c);
  } else {
    sqlite3_result_value(c, argv[best]);
  }
}
void Earliest(sqlite3_context* c, int argc, sqlite3_value** argv) { Extreme(c, argc, argv, -1); }
void Latest(sqlite3_context* c, int argc, sqlite3_value** argv) { Extreme(c, argc, argv, 1); }

// certo_timeline(link_id, release, revoked_on, expire, expire_interval): the links of one
// subscription in, its CoverTimeline out as JSON text (sql_functions.h), NULL for no segment.
struct TimelineState {
  std::vector<TimelineLink> links;
  std::optional<long long> interval;
  bool bad = false;
};

void TimelineStep(sqlite3_context* c, int, sqlite3_value** argv) {
  auto* slot = static_cast<TimelineState**>(sqlite3_aggregate_context(c, sizeof(TimelineState*)));
  if (!slot) {
    sqlite3_result_error_nomem(c);
    return;
  }
  if (!*slot) *slot = new TimelineState();
  TimelineState& state = **slot;
  std::optional<Date> release = DateArg(argv[1]);
  if (!release) {
    state.bad = true;
    return;
  }
  TimelineLink link;
  if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
    link.id = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  }
  link.release = *release;
  link.revoked_on = DateArg(argv[2]);
  link.expire = DateArg(argv[3]);  // kNever is not a date: never expires
  state.links.push_back(std::move(link));
  state.interval = IntArg(argv[4]);
}

void AppendJsonDate(std::string& out, const std::optional<Date>& d, bool never_if_empty) {
  if (d) {
    out += '"' + FormatDate(*d) + '"';
  } else if (never_if_empty) {
    out += '"' + std::string(kNever) + '"';
  } else {
    out += "null";
  }
}

void TimelineFinal(sqlite3_context* c) {
  auto* slot = static_cast<TimelineState**>(sqlite3_aggregate_context(c, 0));
  if (!slot || !*slot) {
    sqlite3_result_null(c);
    return;
  }
  std::unique_ptr<TimelineState> state(*slot);
  *slot = nullptr;
  if (state->bad) {
    sqlite3_result_error(c, "certo_timeline: date_release is not a date", -1);
    return;
  }
  std::vector<CoverSegment> segments = CoverTimeline(std::move(state->links), state->interval);
  if (segments.empty()) {
    sqlite3_result_null(c);
    return;
  }
  std::string out = "[";
  for (const CoverSegment& g : segments) {
    if (out.size() > 1) out += ',';
    out += '[';
    AppendJsonDate(out, g.from, false);
    out += ',';
    AppendJsonDate(out, g.to, false);
    out += ',';
    if (g.covered) {
      AppendJsonDate(out, g.release, false);
      out += ',';
      AppendJsonDate(out, g.expire, true);
      out += ',';
      AppendJsonDate(out, g.expiring_from, true);
    } else {
      out += "null,null,null";
    }
    out += ']';
  }
  out += ']';
  ResultText(c, out);
}

void AddDaysFn(sqlite3_context* c, int, sqlite3_value** argv) {
  std::optional<Date> date = DateArg(argv[0]);
  if (!date) {
    sqlite3_result_null(c);
    return;
  }
  ResultText(c, FormatDate(AddDays(*date, sqlite3_value_int64(argv[1]))));
}

void NowFn(sqlite3_context* c, int, sqlite3_value**) { ResultText(c, Ctx(c).Now()); }

std::string_view TextArg(sqlite3_value* v) {
  if (sqlite3_value_type(v) != SQLITE_TEXT) return {};
  return std::string_view(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                          static_cast<size_t>(sqlite3_value_bytes(v)));
}

// The vocabulary's answer, so the derivation's SQL names no action type itself.
void AdmitsFn(sqlite3_context* c, int, sqlite3_value** argv) {
  sqlite3_result_int(c, Admits(TextArg(argv[0]), TextArg(argv[1])) ? 1 : 0);
}

void PairIdFn(sqlite3_context* c, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
    sqlite3_result_null(c);
    return;
  }
  ResultText(c, DerivedSubscriptionId(TextArg(argv[0]), TextArg(argv[1])));
}

}  // namespace

int RegisterFunctions(sqlite3* db, SqlContext* ctx) {
  struct Fn {
    const char* name;
    int args;
    bool deterministic;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  const Fn fns[] = {
      {"certo_today", 0, false, Today},
      {"certo_as_of", 0, false, AsOf},
      {"certo_bulk", 0, false, Bulk},
      {"certo_defer_months", 0, false, DeferMonths},
      {"certo_expiry", 7, true, Expiry},
      {"certo_expiring_from", 2, true, ExpiringFromFn},
      {"certo_status", 3, true, StatusFn},
      {"certo_row_steps", -1, true, RowStepsFn},
      {"certo_segment_steps", -1, true, SegmentStepsFn},
      {"certo_add_days", 2, true, AddDaysFn},
      {"certo_earliest", -1, true, Earliest},
      {"certo_latest", -1, true, Latest},
      {"certo_now", 0, false, NowFn},
      {"certo_admits", 2, true, AdmitsFn},
      {"certo_pair_id", 2, true, PairIdFn},
  };
  for (const Fn& f : fns) {
    int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | (f.deterministic ? SQLITE_DETERMINISTIC : 0);
    int rc =
        sqlite3_create_function_v2(db, f.name, f.args, flags, ctx, f.fn, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return rc;
  }
  return sqlite3_create_function_v2(db, "certo_timeline", 5,
                                    SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC, ctx,
                                    nullptr, TimelineStep, TimelineFinal, nullptr);
}

}  // namespace certo::internal
