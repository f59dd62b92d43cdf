// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "api/attachment_routes.h"

#include <istream>
#include <optional>
#include <streambuf>
#include <vector>

#include "api/api.h"

namespace certo::internal {

namespace {

Response RecordOr(const Result<Json>& r, int ok_status) {
  return r.ok() ? JsonResponse(ok_status, *r) : ErrorResponse(r.error());
}

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The number of bytes base64 text decodes to, or nullopt when it is not base64 (standard or
// URL-safe alphabet, padding optional, white space ignored).
std::optional<int64_t> DecodedSize(std::string_view text) {
  int64_t data = 0, pad = 0;
  for (char c : text) {
    if (IsSpace(c)) continue;
    if (c == '=') {
      ++pad;
    } else if (Sextet(c) < 0 || pad > 0) {
      return std::nullopt;
    } else {
      ++data;
    }
  }
  if (pad > 2 || data % 4 == 1 || (pad > 0 && (data + pad) % 4 != 0)) return std::nullopt;
  return data * 3 / 4;
}

// Decodes validated base64 text as it is read, a chunk at a time.
class Base64Buffer : public std::streambuf {
 public:
  explicit Base64Buffer(std::string_view text) : text_(text), out_(kAttachmentChunkBytes) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    size_t n = 0;
    while (n < out_.size() && at_ < text_.size()) {
      const char c = text_[at_++];
      if (IsSpace(c)) continue;
      if (c == '=') {
        at_ = text_.size();
        break;
      }
      bits_ = (bits_ << 6) | static_cast<uint32_t>(Sextet(c));
      count_ += 6;
      if (count_ >= 8) {
        count_ -= 8;
        out_[n++] = static_cast<char>((bits_ >> count_) & 0xff);
      }
    }
    if (n == 0) return traits_type::eof();
    setg(out_.data(), out_.data(), out_.data() + n);
    return traits_type::to_int_type(out_[0]);
  }

 private:
  std::string_view text_;
  size_t at_ = 0;
  uint32_t bits_ = 0;
  int count_ = 0;
  std::vector<char> out_;
};

// The body's fields without the content and options; errors for options of the wrong type.
struct Upload {
  Json fields = Json::object();
  std::optional<std::string_view> base64;
  bool replace = false;
};

std::optional<Upload> ReadUpload(const Json& body, bool create, std::vector<FieldError>& errors) {
  if (!body.is_object()) return std::nullopt;
  Upload u;
  for (const auto& [key, value] : body.items()) {
    if (key == "content_base64") {
      if (value.is_string()) {
        u.base64 = value.get_ref<const std::string&>();
      } else if (!value.is_null()) {
        errors.push_back({key, "must be the content as a base64 string"});
      }
    } else if (create && key == "replace") {
      if (value.is_boolean()) {
        u.replace = value.get<bool>();
      } else if ((value.is_number_integer() && (value == 0 || value == 1)) ||
                 (value.is_string() && (value == "0" || value == "1"))) {
        u.replace = value == 1 || value == "1";
      } else {
        errors.push_back({key, "must be true, false, 1 or 0"});
      }
    } else if (create && key == "path") {
      u.fields["attachment_path"] = value;
    } else {
      u.fields[key] = value;
    }
  }
  return u;
}

// Runs write with the decoded content of upload (nullptr when it has none), or answers the
// problem with it.
template <typename Write>
Response WithContent(const Upload& upload, std::vector<FieldError> errors, int ok_status,
                     Write&& write) {
  std::optional<int64_t> size;
  if (upload.base64) {
    size = DecodedSize(*upload.base64);
    if (!size) errors.push_back({"content_base64", "must be base64 (RFC 4648)"});
  }
  if (!errors.empty()) return ErrorResponse(Status::Validation(std::move(errors)));
  if (!size) return RecordOr(write(nullptr, 0), ok_status);
  Base64Buffer buffer(*upload.base64);
  std::istream in(&buffer);
  return RecordOr(write(&in, *size), ok_status);
}

}  // namespace

Response AttachmentCreate(Engine& engine, const Json& body) {
  std::vector<FieldError> errors;
  std::optional<Upload> upload = ReadUpload(body, /*create=*/true, errors);
  if (!upload) return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
  return WithContent(*upload, std::move(errors), 201, [&](std::istream* in, int64_t size) {
    return engine.PutAttachment(upload->fields, in, size, upload->replace);
  });
}

Response AttachmentUpdate(Engine& engine, const std::string& id, const Json& body) {
  std::vector<FieldError> errors;
  std::optional<Upload> upload = ReadUpload(body, /*create=*/false, errors);
  if (!upload) return ErrorResponse(Status::InvalidArgument("the body must be a JSON object"));
  return WithContent(*upload, std::move(errors), 200, [&](std::istream* in, int64_t size) {
    return engine.WriteAttachment(id, upload->fields, in, size);
  });
}

Response AttachmentView(Engine& engine, const std::string& id,
                        const std::map<std::string, std::string>& params) {
  auto mode = params.find("mode");
  if (mode == params.end()) return RecordOr(engine.View("attachment", id), 200);
  if (mode->second != "download" && mode->second != "inline") {
    return ErrorResponse(Status::Validation("mode", "must be download or inline"));
  }
  Response r;
  Result<Json> record = engine.ReadAttachment(
      id,
      [&](const char* data, size_t size) {
        r.body.append(data, size);
        return true;
      },
      [&](const Json& row) {
        r.body.reserve(static_cast<size_t>(row.value("size", int64_t{0})));
        return true;
      });
  if (!record.ok()) return ErrorResponse(record.error());
  r.status = 200;
  r.headers = AttachmentHeaders(*record, mode->second == "inline");
  return r;
}

}  // namespace certo::internal
