// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The Engine's attachment calls (certo/attachment.h): the row goes through the generic store like
// any record; its content through store/blob.h, in the same transaction. The size limit is
// checked before anything is read, so an oversized upload costs nothing.

#include "certo/attachment.h"

#include "certo/engine.h"

#include <cctype>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/impl.h"
#include "registry/registry.h"
#include "store/blob.h"

namespace certo {

using internal::Fail;

namespace {

const internal::Entity& AttachmentEntity() { return *internal::FindEntity("attachment"); }

void CheckSize(const std::istream* content, int64_t size) {
  if (!content) return;
  if (size < 0) Fail(Status::Validation("content", "size must not be negative"));
  if (size > kMaxAttachmentBytes) {
    Fail(Status::TooLarge("the content is " + std::to_string(size) +
                          " bytes; an attachment holds at most " +
                          std::to_string(kMaxAttachmentBytes) + " bytes (64 MiB)"));
  }
}

// The fields of a replace that the existing row keeps (its identity and its path).
bool KeptOnReplace(const std::string& key) {
  return key == "attachment_id" || key == "project_id" || key == "attachment_path";
}

}  // namespace

std::string GuessContentType(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {"pdf", "application/pdf"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"svg", "image/svg+xml"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"heic", "image/heic"},
      {"txt", "text/plain; charset=UTF-8"},
      {"csv", "text/csv; charset=UTF-8"},
      {"json", "application/json"},
      {"xml", "application/xml"},
      {"html", "text/html; charset=UTF-8"},
      {"zip", "application/zip"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
      {"mp4", "video/mp4"},
      {"mov", "video/quicktime"},
  };
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [name, type] : kTypes) {
    if (ext == name) return type;
  }
  return "application/octet-stream";
}

std::vector<std::pair<std::string, std::string>> AttachmentHeaders(const Json& record,
                                                                   bool inline_view) {
  const std::string path = record.value("attachment_path", "");
  const auto mime = record.find("mime_type");
  const std::string type = mime != record.end() && mime->is_string() && !mime->empty()
                               ? mime->get<std::string>()
                               : GuessContentType(path);
  const std::string name =
      path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  // A plain ASCII fallback (quotes, backslashes and non-ASCII bytes as '_'), and the exact name
  // percent-encoded as UTF-8 for clients that read filename*.
  std::string ascii, encoded;
  static const char* digits = "0123456789ABCDEF";
  for (unsigned char c : name) {
    ascii += (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ? '_' : static_cast<char>(c);
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += digits[c >> 4];
      encoded += digits[c & 15];
    }
  }
  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("Content-Type", type);
  headers.emplace_back("Content-Disposition", std::string(inline_view ? "inline" : "attachment") +
                                                  "; filename=\"" + ascii +
                                                  "\"; filename*=UTF-8''" + encoded);
  const auto sha = record.find("sha256");
  if (sha != record.end() && sha->is_string()) {
    headers.emplace_back("ETag", "\"" + sha->get<std::string>() + "\"");
  }
  return headers;
}

Result<Json> Engine::PutAttachment(const Json& fields, std::istream* content, int64_t size,
                                   bool replace) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    CheckSize(content, size);
    if (!fields.is_object()) Fail(Status::InvalidArgument("the body must be a JSON object"));
    const internal::Entity& e = AttachmentEntity();
    return impl_->Write([&] {
      std::string id;
      const auto project = fields.find("project_id");
      const auto path = fields.find("attachment_path");
      if (replace && project != fields.end() && project->is_string() && path != fields.end() &&
          path->is_string()) {
        Query q;
        q.filter = {{"project_id", *project}, {"attachment_path", *path}};
        q.per_page = 1;
        Page existing = impl_->store->Index(e, q);
        if (!existing.rows.empty()) {
          id = existing.rows.front()["attachment_id"].get<std::string>();
          Json changes = Json::object();
          for (const auto& [key, value] : fields.items()) {
            if (!KeptOnReplace(key)) changes[key] = value;
          }
          if (!changes.empty()) impl_->store->Update(e, id, changes);
        }
      }
      if (id.empty()) {
        Json record = fields;
        const auto mime = record.find("mime_type");
        if (content && path != fields.end() && path->is_string() &&
            (mime == record.end() || mime->is_null())) {
          record["mime_type"] = GuessContentType(path->get<std::string>());
        }
        id = impl_->store->Create(e, record, /*full=*/false)["attachment_id"];
      }
      internal::WriteContent(*impl_->db, id, content, size);
      return impl_->store->View(e, id);
    });
  });
}

Result<Json> Engine::WriteAttachment(std::string_view id, const Json& changes,
                                     std::istream* content, int64_t size) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    CheckSize(content, size);
    const internal::Entity& e = AttachmentEntity();
    return impl_->Write([&] {
      Json row = impl_->store->Update(e, id, changes.is_null() ? Json::object() : changes);
      if (content) {
        internal::WriteContent(*impl_->db, row["attachment_id"].get<std::string>(), content, size);
        row = impl_->store->View(e, id);
      }
      return row;
    });
  });
}

Result<Json> Engine::ReadAttachment(std::string_view id, const AttachmentSink& sink,
                                    const std::function<bool(const Json& record)>& before) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    internal::ReadScope snapshot(*impl_->db);
    Json row = impl_->store->View(AttachmentEntity(), id);
    if (row["is_directory"] == true) {
      Fail(Status::Validation("attachment_id", "is the directory " +
                                                   row["attachment_path"].get<std::string>() +
                                                   ": a directory has no content"));
    }
    if (before && !before(row)) Fail(Status::IOError("the reader stopped before the content"));
    internal::ReadContent(*impl_->db, row["attachment_id"].get<std::string>(), sink);
    return row;
  });
}

}  // namespace certo
