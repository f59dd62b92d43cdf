// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The contracts of Status and Result (certo/status.h): status() is a reference that lives with
// its Result, an OK status cannot make an error Result, value() on an error aborts with the
// status, every Code has its Is*() and only the library sets a SQLite result code.

#include "certo/status.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/status_internal.h"

namespace certo {
namespace {

Result<int> Failing() {
  return Status::Validation(
      std::vector<FieldError>{{"first_name", "is required"}, {"code", "must be a string"}});
}

TEST(Result, StatusIsAReferenceThatLivesAsLongAsTheResult) {
  Result<int> failed = Failing();
  EXPECT_EQ(&failed.status(), &failed.status());
  EXPECT_EQ(&failed.error(), &failed.status());

  std::vector<std::string> fields;
  for (const FieldError& e : failed.status().field_errors())
    fields.push_back(e.field + " " + e.message);
  EXPECT_EQ(fields, (std::vector<std::string>{"first_name is required", "code must be a string"}));
}

TEST(Result, StatusOfAValueIsOneSharedOkStatus) {
  Result<int> number = 7;
  Result<std::string> text = std::string("x");
  EXPECT_TRUE(number.status().ok());
  EXPECT_EQ(number.status().ToString(), "OK");
  EXPECT_TRUE(number.status().field_errors().empty());
  EXPECT_EQ(&number.status(), &text.status());
  EXPECT_EQ(&number.error(), &number.status());
}

TEST(Result, RefusesAnOkStatusAndHoldsAnInternalErrorInstead) {
  Result<int> r = Status::OK();
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.status().code(), Code::kInternal);
  EXPECT_EQ(r.status().message(), "Result constructed from an OK status");
  EXPECT_EQ(r.status().ToString(), "internal: Result constructed from an OK status");
}

TEST(Result, KeepsTheErrorItWasGiven) {
  Result<int> r = Status::NotFound("no person with person_id x");
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(r.status().message(), "no person with person_id x");
}

TEST(Result, ValueOfAValueIsTheValue) {
  Result<std::string> r = std::string("Luca");
  EXPECT_EQ(r.value(), "Luca");
  EXPECT_EQ(*r, "Luca");
  EXPECT_EQ(r->size(), 4u);
  EXPECT_EQ(std::move(r).value(), "Luca");
}

using ResultDeathTest = ::testing::Test;

TEST_F(ResultDeathTest, ValueOnAnErrorAbortsWithTheStatusOnStderr) {
  const char* expected =
      "certo: Result::value\\(\\) on an error: not_found: no person with person_id x";
  EXPECT_DEATH(
      {
        Result<int> r = Status::NotFound("no person with person_id x");
        (void)r.value();
      },
      expected);
  EXPECT_DEATH(
      {
        const Result<int> r = Status::NotFound("no person with person_id x");
        (void)*r;
      },
      expected);
  EXPECT_DEATH(
      {
        Result<std::string> r = Status::NotFound("no person with person_id x");
        (void)r->size();
      },
      expected);
  EXPECT_DEATH(
      {
        Result<std::unique_ptr<int>> r = Status::NotFound("no person with person_id x");
        std::unique_ptr<int> taken = std::move(r).value();
      },
      expected);
}

TEST_F(ResultDeathTest, ValueOfAResultMadeFromAnOkStatusAbortsToo) {
  EXPECT_DEATH(
      {
        Result<int> r = Status::OK();
        (void)r.value();
      },
      "certo: Result::value\\(\\) on an error: internal: Result constructed from an OK status");
}

// Each Is*() is true for its own code and for no other.
TEST(Status, EveryCodeHasItsOwnPredicate) {
  const std::vector<Status> statuses = {Status::OK(),
                                        Status::NotFound("m"),
                                        Status::Validation("f", "m"),
                                        Status::Conflict("m"),
                                        Status::Busy("m"),
                                        Status::Corrupt("m"),
                                        Status::IOError("m"),
                                        Status::Internal("m"),
                                        Status::InvalidArgument("m"),
                                        Status::Incompatible("m"),
                                        Status::TooLarge("m")};
  for (size_t i = 0; i < statuses.size(); ++i) {
    const Status& s = statuses[i];
    EXPECT_EQ(static_cast<size_t>(s.code()), i) << s.ToString();
    const std::vector<bool> predicates = {
        s.ok(),        s.IsNotFound(), s.IsValidation(), s.IsConflict(),        s.IsBusy(),
        s.IsCorrupt(), s.IsIOError(),  s.IsInternal(),   s.IsInvalidArgument(), s.IsIncompatible(),
        s.IsTooLarge()};
    std::vector<bool> expected(statuses.size(), false);
    expected[i] = true;
    EXPECT_EQ(predicates, expected) << s.ToString();
  }
}

TEST(Status, OnlyTheLibrarySetsASqliteCode) {
  EXPECT_EQ(Status::Busy("locked").sqlite_code(), 0);
  Status busy = internal::WithSqliteCode(Status::Busy("locked"), 517);  // SQLITE_BUSY_SNAPSHOT
  EXPECT_EQ(busy.sqlite_code(), 517);
  EXPECT_EQ(busy.code(), Code::kBusy);
  EXPECT_EQ(busy.message(), "locked");
}

}  // namespace
}  // namespace certo
