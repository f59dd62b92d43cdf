// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "certo/status.h"

namespace certo {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kNotFound:
      return "not_found";
    case Code::kValidation:
      return "validation";
    case Code::kConflict:
      return "conflict";
    case Code::kBusy:
      return "busy";
    case Code::kCorrupt:
      return "corrupt";
    case Code::kIOError:
      return "io_error";
    case Code::kInternal:
      return "internal";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kIncompatible:
      return "incompatible";
    case Code::kTooLarge:
      return "too_large";
  }
  return "internal";
}

int HttpStatus(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kNotFound:
      return 404;
    case Code::kValidation:
      return 422;
    case Code::kConflict:
      return 409;
    case Code::kBusy:
      return 503;
    case Code::kInvalidArgument:
      return 400;
    case Code::kTooLarge:
      return 413;
    default:
      return 500;
  }
}

Status Status::Validation(std::vector<FieldError> errors) {
  std::string message;
  for (const FieldError& e : errors) {
    if (!message.empty()) message += "; ";
    message += e.field + ": " + e.message;
  }
  Status status(Code::kValidation, std::move(message));
  status.field_errors_ = std::move(errors);
  return status;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace certo
