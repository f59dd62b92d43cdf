// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Status and Result<T>: how every public certo operation reports success or failure.
//
// A Status is a small value: OK, or an error with a stable Code, a message that names the field
// and the rule that failed, and (for validation failures) the list of field errors. Exceptions
// never cross certo's public API; SQLite and SQLiteCpp errors are translated into a Status inside
// the library, keeping SQLite's extended result code.
//
// Result<T> carries either a value or a non-OK Status. Its member names follow std::expected so
// it can be swapped for it once the toolchain has C++23. Its contracts hold without exceptions:
//  * status() returns a reference that lives as long as the Result (a static OK status when a
//    value is held), so `for (const FieldError& e : r.status().field_errors())` is safe;
//  * Result(Status) refuses an OK status: there is no value to hold, so the Result holds
//    Status::Internal("Result constructed from an OK status") instead, and ok() is false;
//  * value(), operator* and operator-> on an error print "certo: Result::value() on an error:
//    <status>" to stderr and call std::abort(): a bug in the caller, never a thrown exception.
//
// Thread-safety: Status and Result are plain values; distinct objects may be used from different
// threads, a single object needs external synchronization like any standard value type.

#pragma once

#include "certo/export.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace certo {

namespace internal {
struct StatusAccess;  // the library's own builders (src/base/status_internal.h)
}  // namespace internal

// One field that failed a rule, as in the JSON API's 422 body: [{"field": ..., "message": ...}].
struct FieldError {
  std::string field;    // e.g. "first_name", "filter.name", "date_expire"
  std::string message;  // e.g. "is required", "must be at most 70 characters"

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// Error codes. The numeric values are stable and documented in docs/errors.md:
// do not change or reuse existing values.
enum class Code : int {
  kOk = 0,
  kNotFound = 1,         // unknown id, collection or route (HTTP 404)
  kValidation = 2,       // a field breaks a rule; field_errors() lists each (HTTP 422)
  kConflict = 3,         // duplicate id or unique key (HTTP 409)
  kBusy = 4,             // the file is locked by another connection past the busy timeout (503)
  kCorrupt = 5,          // the file is damaged or is not a SQLite database (500)
  kIOError = 6,          // the file cannot be opened, read or written (500)
  kInternal = 7,         // a bug in certo; please report it (500)
  kInvalidArgument = 8,  // a malformed request: bad JSON, bad query string (HTTP 400)
  kIncompatible = 9,     // a SQLite file that is not certo's, or made by a newer certo (500)
  kTooLarge = 10,        // content over a size limit, e.g. an attachment (HTTP 413)
};

// Returns the stable lower-case name of a code ("not_found", "validation", ...).
CERTO_EXPORT const char* CodeName(Code code);

// Returns the HTTP status the JSON API uses for a code (200 for kOk).
CERTO_EXPORT int HttpStatus(Code code);

// Exported by this declaration: GCC takes no GNU attribute after a standard one like nodiscard.
class CERTO_EXPORT Status;
class [[nodiscard]] Status {
 public:
  // An OK status. Cheap: no allocation.
  Status() = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status Conflict(std::string message) {
    return Status(Code::kConflict, std::move(message));
  }
  static Status Busy(std::string message) { return Status(Code::kBusy, std::move(message)); }
  static Status Corrupt(std::string message) { return Status(Code::kCorrupt, std::move(message)); }
  static Status IOError(std::string message) { return Status(Code::kIOError, std::move(message)); }
  static Status Internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
  }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status Incompatible(std::string message) {
    return Status(Code::kIncompatible, std::move(message));
  }
  static Status TooLarge(std::string message) {
    return Status(Code::kTooLarge, std::move(message));
  }
  // A validation failure. REQUIRES: errors is not empty. The message joins the field errors.
  static Status Validation(std::vector<FieldError> errors);
  // A validation failure of one field.
  static Status Validation(std::string field, std::string message) {
    return Validation(std::vector<FieldError>{{std::move(field), std::move(message)}});
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsValidation() const { return code_ == Code::kValidation; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsCorrupt() const { return code_ == Code::kCorrupt; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsInternal() const { return code_ == Code::kInternal; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIncompatible() const { return code_ == Code::kIncompatible; }
  bool IsTooLarge() const { return code_ == Code::kTooLarge; }

  // Human-readable message, without the code name. Empty for OK.
  const std::string& message() const { return message_; }
  // Each failing field for kValidation; empty otherwise.
  const std::vector<FieldError>& field_errors() const { return field_errors_; }
  // SQLite's extended result code when the error came from SQLite, else 0.
  int sqlite_code() const { return sqlite_code_; }

  // "OK" or "<code name>: <message>", e.g. "validation: first_name: is required".
  std::string ToString() const;

 private:
  friend struct internal::StatusAccess;
  template <typename T>
  friend class Result;

  // The OK status every Result holding a value refers to.
  static const Status& OkRef() {
    static const Status ok;
    return ok;
  }

  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::vector<FieldError> field_errors_;
  int sqlite_code_ = 0;
};

// A value of type T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like std::expected
  // An error. An OK status is refused: the Result holds
  // Status::Internal("Result constructed from an OK status") instead.
  Result(Status status)  // NOLINT: implicit by design, like std::expected
      : v_(status.ok() ? Status::Internal("Result constructed from an OK status")
                       : std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // The error, or OK when a value is held. Lives as long as this Result.
  const Status& status() const { return ok() ? Status::OkRef() : std::get<Status>(v_); }
  // The same as status(), named like std::expected's.
  const Status& error() const { return status(); }

  // The value. On an error: prints the status to stderr and aborts (see the file comment).
  T& value() & {
    CheckValue();
    return std::get<T>(v_);
  }
  const T& value() const& {
    CheckValue();
    return std::get<T>(v_);
  }
  T&& value() && {
    CheckValue();
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void CheckValue() const {
    if (ok()) return;
    std::fprintf(stderr, "certo: Result::value() on an error: %s\n",
                 std::get<Status>(v_).ToString().c_str());
    std::abort();
  }

  std::variant<T, Status> v_;
};

}  // namespace certo
