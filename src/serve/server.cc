// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// How a request travels: cpp-httplib reads it on one of `threads` workers; the worker borrows an
// Engine from the pool (one per worker at most, opened on first use, so readers run in parallel
// in WAL and writers queue on SQLite's lock within the busy timeout); the key, if the file has
// keys, is checked and its project scope applied; the request goes to Engine::Request unchanged
// except for the scope; the Engine's status, headers and body go back as they are.
//
// Scope, decided here and nowhere else: a key's reads are filtered to its project (index-like
// bodies get filter.project_id); a request that names a row of another project by id is answered
// with the same 404 the engine gives for an id that does not exist; a read-only key gets 403 on
// anything that is not a read; routes that span every project (outbox, verify, the sync's
// conflicts and status) need the file to have no keys (then serve listens on loopback only).
// A device's own sync routes (/v2/sync/hello, push, pull, device) are decided with the key by
// the hub's side of the sync: a device syncs with the key it was made with.
//
// Attachments (certo/attachment.h) travel as streams: POST /v2/attachment/create with a
// multipart/form-data body (fields path, replace, description, mime_type, project_id,
// attachment_id, and the content as the part "file") is read part by part; the file part is
// spooled to a temporary file as it arrives (never held in memory), then streamed into the blob
// by Engine::PutAttachment. view?mode=download|inline streams the blob out through cpp-httplib's
// content provider with Engine::ReadAttachment, from one snapshot. Only that route takes bodies
// past max_body_bytes, up to kMaxAttachmentBytes plus kMultipartOverhead.

#include "serve/server.h"

#include "certo/engine.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/sync_wire.h"

namespace certo::serve {
namespace {

using Clock = std::chrono::steady_clock;

// A whole request must arrive within a deadline. cpp-httplib's read timeout is per recv(), so a
// client that sends one byte a second would hold a worker for ever; cpp-httplib 0.11 offers no
// hook on an accepted socket. The deadline is kept per worker thread (each serves one
// connection at a time) and enforced in recv() below.
thread_local Clock::time_point request_deadline = Clock::time_point::max();

}  // namespace

bool RequestDeadlinePassed() { return Clock::now() > request_deadline; }

namespace {

// Engines for the workers: borrowed for one request, returned after it.
class EnginePool {
 public:
  EnginePool(std::string path, Options options)
      : path_(std::move(path)), options_(std::move(options)) {}

  Result<std::unique_ptr<Engine>> Borrow() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto engine = std::move(free_.back());
        free_.pop_back();
        return engine;
      }
    }
    return Engine::Open(path_, options_);
  }
  void Return(std::unique_ptr<Engine> engine) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(engine));
  }
  void CloseAll() {
    std::lock_guard<std::mutex> lock(mu_);
    free_.clear();
  }

 private:
  std::string path_;
  Options options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Engine>> free_;
};

std::string ReasonPhrase(int status) {
  switch (status) {
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 413:
      return "Payload Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

// The engine's error shape (docs/errors.md), for the answers the server gives itself.
Response Failure(int status, const std::string& message, Code code = Code::kOk) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
  r.body = Json{
      {"name", ReasonPhrase(status)},
      {"message", message},
      {"code", static_cast<int>(code)},
      {"status",
       status}}.dump();
  return r;
}

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// The query string without the access-token pair, so the secret reaches neither the engine nor
// the log.
std::string WithoutToken(const std::string& query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    if (!pair.empty() && pair.rfind("access-token=", 0) != 0 && pair != "access-token") {
      out += (out.empty() ? "" : "&") + pair;
    }
    start = end + 1;
  }
  return out;
}

// Routes whose answer depends on rows only through a body filter.
bool IsFilteredRead(const std::vector<std::string>& seg) {
  if (seg.size() == 2 && seg[1] == "report") return true;
  if (seg.size() == 3 && seg[1] == "report" && seg[2] == "trend") return true;
  return seg.size() == 3 && (seg[2] == "index" || seg[2] == "changes" || seg[2] == "counts");
}

// POST /v2/incident/compliance/{id} and /v2/person/requirements/{id}: reads of one row's
// requirements, scoped as a view of that row.
bool IsRowRead(const std::vector<std::string>& seg) {
  return seg.size() >= 3 && ((seg[1] == "incident" && seg[2] == "compliance") ||
                             (seg[1] == "person" && seg[2] == "requirements"));
}

bool IsRead(const std::string& method, const std::vector<std::string>& seg) {
  return method == "GET" || method == "HEAD" ||
         (method == "POST" && (IsFilteredRead(seg) || IsRowRead(seg)));
}

// Actions that name one row by id, in the path (/view/{id}) or the query (?id=).
bool NamesRow(const std::vector<std::string>& seg) {
  if (seg.size() < 3) return false;
  const std::string& a = seg[2];
  return a == "view" || a == "update" || a == "delete" || a == "historicize" || a == "restore" ||
         a == "revoke" || a == "unrevoke" || IsRowRead(seg);
}

std::string QueryParam(const std::string& query, const std::string& name) {
  httplib::Params params;
  httplib::detail::parse_query_text(query, params);
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

struct Scoped {
  std::optional<Response> answer;  // set when the scope decides the answer itself
  std::string body;                // the body to pass on
};

// Applies a key's project scope to one request (see the file comment).
Scoped ApplyScope(Engine& engine, const ApiKey& key, const std::string& method,
                  const std::vector<std::string>& seg, const std::string& query,
                  const std::string& body) {
  Scoped s{std::nullopt, body};
  if (!seg.empty() && seg[0] == "iam") {
    s.answer = Failure(403, "review campaigns span projects: not available to a project's key");
    return s;
  }
  if (seg.empty() || seg[0] != "v2" || seg.size() < 2) return s;  // the engine answers 404
  if (seg[1] == "review-campaign") {
    // Review campaigns (docs/review.md) are not scoped by a key's project yet.
    s.answer = Failure(403, "review campaigns span projects: not available to a project's key");
    return s;
  }
  if (seg[1] == "outbox" || seg[1] == "verify" || seg[1] == "sync") {
    s.answer = Failure(403, "/v2/" + seg[1] +
                                " spans every project: it is not available to a "
                                "project's key");
    return s;
  }
  if (key.read_only && !IsRead(method, seg)) {
    s.answer = Failure(403, "this API key is read-only");
    return s;
  }
  if (IsFilteredRead(seg)) {
    if (method != "POST") {
      // Only a JSON body's filter can be scoped here; a read filtered by the query string
      // would bypass it.
      s.answer = Failure(403, "a project's key reads collections with POST and a JSON body");
      return s;
    }
    Json parsed = body.empty() ? Json::object() : Json::parse(body, nullptr, false);
    if (!parsed.is_object()) return s;  // the engine names what is wrong with it
    Json& filter = parsed["filter"];
    if (filter.is_null()) filter = Json::object();
    if (!filter.is_object()) return s;
    // index, changes and counts filter their own collection; the report and its trend,
    // subscriptions.
    const std::string field = Engine::ProjectField(
        seg.size() == 3 && seg[1] != "report" ? seg[1] : std::string("action-subscription"));
    if (field.empty()) return s;  // an unknown collection: the engine's 404
    auto it = filter.find(field);
    if (it != filter.end() && !(it->is_string() && *it == key.project_id)) {
      // Another project's rows do not exist for this key: a filter no row can match.
      filter[field] = "00000000-0000-0000-0000-000000000000";
    } else {
      filter[field] = key.project_id;
    }
    s.body = parsed.dump();
    return s;
  }
  if (seg.size() == 3 && seg[2] == "create") {
    if (seg[1] == "project") {
      s.answer = Failure(403, "a project's key cannot create projects");
      return s;
    }
    Json parsed = body.empty() ? Json::object() : Json::parse(body, nullptr, false);
    if (!parsed.is_object()) return s;
    const std::string field = Engine::ProjectField(seg[1]);
    if (field.empty()) return s;
    auto it = parsed.find(field);
    if (it == parsed.end() || it->is_null()) {
      parsed[field] = key.project_id;
    } else if (!(it->is_string() && *it == key.project_id)) {
      s.answer = Failure(404, "no project with project_id " +
                                  (it->is_string() ? it->get<std::string>() : it->dump()));
      return s;
    }
    s.body = parsed.dump();
    return s;
  }
  if (NamesRow(seg)) {
    std::string id = seg.size() >= 4 ? seg[3] : QueryParam(query, "id");
    if (id.empty() && !QueryParam(query, "code").empty()) {
      // ?code= names the row within ?project_id= (else tenant_id; none: every project), which
      // the engine resolves after this check: a project's key must name its own project.
      std::string project = QueryParam(query, "project_id");
      if (project.empty()) project = QueryParam(query, "tenant_id");
      std::transform(project.begin(), project.end(), project.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (project != key.project_id) {
        s.answer = Failure(404,
                           "no " + seg[1] + " with code " + QueryParam(query, "code") +
                               ": a project's key names a row by code with its own project "
                               "(?code=&project_id=" +
                               key.project_id + ")",
                           Code::kNotFound);
      }
      return s;
    }
    if (id.empty()) return s;
    Result<Json> row = engine.View(seg[1], id);
    if (!row.ok()) return s;  // unknown collection or id: the engine's own answer
    auto project = row->find(Engine::ProjectField(seg[1]));
    if (project == row->end() || *project != key.project_id) {
      const std::string id_field = row->empty() ? "id" : row->begin().key();
      s.answer = Failure(404, "no " + seg[1] + " with " + id_field + " " + id, Code::kNotFound);
    }
  }
  return s;
}

std::string Token(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  return req.get_param_value("access-token");
}

void Send(const Response& r, httplib::Response& res) {
  res.status = r.status;
  std::string type = "application/json; charset=UTF-8";
  for (const auto& [name, value] : r.headers) {
    if (name == "Content-Type") {
      type = value;
    } else {
      res.set_header(name, value);
    }
  }
  if (r.status == 503) res.set_header("Retry-After", "1");
  res.set_content(r.body, type);
}

// The engine's answer for a failed call (docs/errors.md): 422 with the field errors, else the
// error object.
Response ErrorOf(const Status& status) {
  const int http = HttpStatus(status.code());
  if (!status.IsValidation()) return Failure(http, status.message(), status.code());
  Json errors = Json::array();
  for (const FieldError& e : status.field_errors()) {
    errors.push_back(Json{{"field", e.field}, {"message", e.message}});
  }
  Response r;
  r.status = http;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = errors.dump();
  return r;
}

// Room for a multipart body's boundaries, part headers and form fields around the file.
constexpr size_t kMultipartOverhead = size_t{1} << 20;
constexpr std::string_view kUploadPath = "/v2/attachment/create";

bool IsUpload(const httplib::Request& req) {
  return req.method == "POST" && req.path == kUploadPath;
}

// A temporary file that holds an upload's file part; removed when it goes out of scope.
class Spool {
 public:
  Spool() {
    std::string name = (std::filesystem::temp_directory_path() / "certo-upload-XXXXXX").string();
    const int fd = mkstemp(name.data());
    if (fd < 0) return;
    close(fd);
    path_ = name;
    out_.open(path_, std::ios::binary | std::ios::trunc);
  }
  ~Spool() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  bool ok() const { return !path_.empty() && out_.good(); }
  bool Write(const char* data, size_t n) {
    out_.write(data, static_cast<std::streamsize>(n));
    size_ += static_cast<int64_t>(n);
    return out_.good();
  }
  int64_t size() const { return size_; }
  // Closes the writing side; the stream reads the bytes written.
  std::ifstream Read() {
    out_.close();
    return std::ifstream(path_, std::ios::binary);
  }

 private:
  std::string path_;
  std::ofstream out_;
  int64_t size_ = 0;
};

// The largest value of a form field of an upload other than the file.
constexpr size_t kMaxFormField = size_t{64} << 10;

// POST /v2/attachment/create as multipart/form-data (see the file comment). key: the caller's,
// when the file has keys (already authenticated, not read-only).
void Upload(const httplib::ContentReader& reader, Engine& engine, const std::optional<ApiKey>& key,
            const std::vector<std::string>& seg, const std::string& query, httplib::Response& res) {
  std::map<std::string, std::string> form;
  std::string part, file_type;
  bool has_file = false, two_files = false, too_large = false, field_too_large = false;
  Spool spool;
  const bool read = reader(
      [&](const httplib::MultipartFormData& header) {
        part = header.name;
        if (part != "file") return true;
        if (has_file) return !(two_files = true);
        has_file = true;
        file_type = header.content_type;
        return spool.ok();
      },
      [&](const char* data, size_t n) {
        if (part == "file") {
          if (spool.size() + static_cast<int64_t>(n) > kMaxAttachmentBytes) {
            return !(too_large = true);
          }
          return spool.Write(data, n);
        }
        std::string& value = form[part];
        if (value.size() + n > kMaxFormField) return !(field_too_large = true);
        value.append(data, n);
        return true;
      });
  if (too_large) {
    Send(Failure(413,
                 "the file is larger than an attachment can be: at most " +
                     std::to_string(kMaxAttachmentBytes) + " bytes (64 MiB)",
                 Code::kTooLarge),
         res);
    res.set_header("Connection", "close");
    return;
  }
  if (field_too_large) {
    Send(ErrorOf(Status::Validation(part,
                                    "must be at most " + std::to_string(kMaxFormField) + " bytes")),
         res);
    return;
  }
  if (two_files) {
    Send(ErrorOf(Status::Validation("file", "must be given once")), res);
    return;
  }
  if (has_file && !spool.ok()) {
    Send(Failure(500, "the upload could not be spooled to a temporary file", Code::kIOError), res);
    return;
  }
  if (!read) {
    Send(Failure(400, "the multipart/form-data body could not be read", Code::kInvalidArgument),
         res);
    return;
  }
  Json fields = Json::object();
  bool replace = false;
  std::vector<FieldError> errors;
  for (const auto& [name, value] : form) {
    if (name == "path" || name == "attachment_path") {
      fields["attachment_path"] = value;
    } else if (name == "replace") {
      if (value == "1" || value == "true") {
        replace = true;
      } else if (value != "0" && value != "false" && !value.empty()) {
        errors.push_back({name, "must be 1, 0, true or false"});
      }
    } else if (name == "project_id" || name == "attachment_id" || name == "description" ||
               name == "mime_type") {
      fields[name] = value;
    } else if (name != "access-token") {
      errors.push_back({name,
                        "is not a field of an attachment upload (path, file, replace, "
                        "project_id, attachment_id, description, mime_type)"});
    }
  }
  if (!errors.empty()) {
    Send(ErrorOf(Status::Validation(std::move(errors))), res);
    return;
  }
  // A generic part type says nothing: the engine then guesses from the path.
  if (has_file && !fields.contains("mime_type") && !file_type.empty() &&
      file_type != "application/octet-stream") {
    fields["mime_type"] = file_type;
  }
  if (key) {
    Scoped scoped = ApplyScope(engine, *key, "POST", seg, query, fields.dump());
    if (scoped.answer) {
      Send(*scoped.answer, res);
      return;
    }
    fields = Json::parse(scoped.body);
  }
  Result<Json> row = Status::Internal("not run");
  if (has_file) {
    std::ifstream in = spool.Read();
    row = engine.PutAttachment(fields, &in, spool.size(), replace);
  } else {
    row = engine.PutAttachment(fields, nullptr, 0, replace);
  }
  if (!row.ok()) {
    Send(ErrorOf(row.error()), res);
    return;
  }
  Response created;
  created.status = 201;
  created.headers.emplace_back("Content-Type", "application/json");
  created.body = row->dump();
  Send(created, res);
}

// GET /v2/attachment/view/{id}?mode=download|inline, streamed (see the file comment); false when
// the engine's own answer is due instead (another route, an unknown id, a directory).
bool Download(std::unique_ptr<Engine>& engine, EnginePool& pool,
              const std::vector<std::string>& seg, const std::string& query,
              const httplib::Request& req, httplib::Response& res) {
  if (req.method != "GET" || seg.size() < 3 || seg.size() > 4 || seg[0] != "v2" ||
      seg[1] != "attachment" || seg[2] != "view") {
    return false;
  }
  const std::string mode = QueryParam(query, "mode");
  if (mode != "download" && mode != "inline") return false;
  const std::string id = seg.size() == 4 ? seg[3] : QueryParam(query, "id");
  Result<Json> row = engine->View("attachment", id);
  if (!row.ok() || (*row)["is_directory"] == true) return false;
  std::string type = "application/octet-stream";
  for (const auto& [name, value] : AttachmentHeaders(*row, mode == "inline")) {
    if (name == "Content-Type") {
      type = value;
    } else {
      res.set_header(name, value);
    }
  }
  res.status = 200;
  const int64_t size = (*row)["size"].get<int64_t>();
  if (size == 0) {
    res.set_content("", type);
    return true;
  }
  // The provider runs after this handler returns: it keeps the Engine until the last byte.
  struct Lease {
    EnginePool& pool;
    std::unique_ptr<Engine> engine;
    ~Lease() {
      if (engine) pool.Return(std::move(engine));
    }
  };
  std::shared_ptr<Lease> lease(new Lease{pool, std::move(engine)});
  res.set_content_provider(
      static_cast<size_t>(size), type,
      [lease, id, sha = (*row)["sha256"]](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset != 0) return false;  // everything is written by the first call
        // Replaced since the headers went out: close the connection rather than mix files.
        Result<Json> read = lease->engine->ReadAttachment(
            id, [&](const char* data, size_t n) { return sink.write(data, n); },
            [&](const Json& now) { return now["sha256"] == sha; });
        return read.ok();
      });
  return true;
}

// POST /v2/sync/hello|push|pull|device: a device's sync with this file as its hub
// (serve/sync_wire.h has the bodies; docs/sync.md, "Sync through certo serve"). These routes are
// served here rather than by Engine::Request because the key itself decides them: a project's
// key may sync the devices made with it (or, for a device made from the file, any device of its
// project), which is a question for the hub's side of the sync (Engine::HubHello, HubPush,
// HubPull), not a filter on a body.
bool IsSyncExchange(const std::string& method, const std::vector<std::string>& seg) {
  return method == "POST" && seg.size() == 3 && seg[0] == "v2" && seg[1] == "sync" &&
         (seg[2] == "hello" || seg[2] == "push" || seg[2] == "pull" || seg[2] == "device");
}

// A sync's refusal: versions that cannot exchange are the request's fault (409), not the
// server's.
Response SyncError(const Status& status) {
  if (status.IsIncompatible()) return Failure(409, status.message(), status.code());
  if (status.IsCorrupt()) return Failure(400, status.message(), status.code());
  return ErrorOf(status);
}

Response JsonOk(const Json& body) {
  Response r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

// POST /v2/sync/device: a new device of the hub, made in a temporary folder and streamed back.
void MakeDevice(Engine& engine, const std::optional<ApiKey>& key, const Json& body,
                httplib::Response& res) {
  std::string project, office;
  for (auto [field, into] : {std::pair<const char*, std::string*>{"project_id", &project},
                             std::pair<const char*, std::string*>{"office_id", &office}}) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_string()) {
      Send(ErrorOf(Status::Validation(field, "must be a string")), res);
      return;
    }
    *into = it->get<std::string>();
    std::transform(into->begin(), into->end(), into->begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  }
  for (const auto& [name, value] : body.items()) {
    if (name != "project_id" && name != "office_id") {
      Send(ErrorOf(Status::Validation(name, "is not a field of a device (project_id, office_id)")),
           res);
      return;
    }
  }
  if (key) {
    if (project.empty()) project = key->project_id;
    if (project != key->project_id) {
      Send(Failure(404, "no project with project_id " + project, Code::kNotFound), res);
      return;
    }
    // Another project's office is answered as one that does not exist, as serve answers for
    // another project's row.
    if (!office.empty()) {
      Result<Json> row = engine.View("office", office);
      if (row.ok() && (*row)["project_id"] != project) {
        Send(Failure(404, "no office with office_id " + office, Code::kNotFound), res);
        return;
      }
    }
  }
  std::string folder = (std::filesystem::temp_directory_path() / "certo-device-XXXXXX").string();
  if (!mkdtemp(folder.data())) {
    Send(Failure(500, "a temporary folder for the device could not be made", Code::kIOError), res);
    return;
  }
  // The folder goes when the last byte has been sent (or the connection dropped).
  struct Made {
    std::string folder;
    std::ifstream in;
    ~Made() {
      in.close();
      std::error_code ec;
      std::filesystem::remove_all(folder, ec);
    }
  };
  auto made = std::make_shared<Made>();
  made->folder = folder;
  const std::string path = folder + "/device.certo";
  Result<SyncState> device = engine.CreateDevice({path, project, key ? key->key_id : "", office});
  if (!device.ok()) {
    Send(SyncError(device.status()), res);
    return;
  }
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  made->in.open(path, std::ios::binary);
  if (ec || !made->in) {
    Send(Failure(500, "the device file could not be read back", Code::kIOError), res);
    return;
  }
  res.status = 200;
  res.set_header("X-Certo-Device-Id", device->node_id);
  res.set_content_provider(
      static_cast<size_t>(size), "application/vnd.sqlite3",
      [made](size_t offset, size_t length, httplib::DataSink& sink) {
        char buffer[1 << 16];
        made->in.seekg(static_cast<std::streamoff>(offset));
        made->in.read(buffer, static_cast<std::streamsize>(std::min(length, sizeof buffer)));
        const std::streamsize n = made->in.gcount();
        return n > 0 && sink.write(buffer, static_cast<size_t>(n));
      });
}

void SyncExchange(Engine& engine, const std::optional<ApiKey>& key, const std::string& what,
                  const std::string& body, httplib::Response& res) {
  if (key && key->read_only) {
    Send(Failure(403, "this API key is read-only: a device syncs with a read-write key"), res);
    return;
  }
  const Json parsed = body.empty() ? Json::object() : Json::parse(body, nullptr, false);
  if (!parsed.is_object()) {
    Send(ErrorOf(Status::InvalidArgument("the body must be a JSON object")), res);
    return;
  }
  const HubAccess access{.file = false, .key = key};
  if (what == "device") {
    MakeDevice(engine, key, parsed, res);
    return;
  }
  if (what == "hello") {
    Result<SyncHello> hello = HelloFrom(parsed);
    if (!hello.ok()) return Send(ErrorOf(hello.status()), res);
    Result<HubInfo> info = engine.HubHello(*hello, access);
    return Send(info.ok() ? JsonOk(HubInfoJson(*info)) : SyncError(info.status()), res);
  }
  if (what == "push") {
    Result<PushBody> push = PushFrom(parsed);
    if (!push.ok()) return Send(ErrorOf(push.status()), res);
    Result<int64_t> conflicts = engine.HubPush(push->device_id, push->changes, access);
    return Send(
        conflicts.ok() ? JsonOk(Json{{"conflicts", *conflicts}}) : SyncError(conflicts.status()),
        res);
  }
  Result<PullBody> pull = PullFrom(parsed);
  if (!pull.ok()) return Send(ErrorOf(pull.status()), res);
  Result<HubPage> page = engine.HubPull(pull->device_id, pull->after, pull->schema, access);
  Send(page.ok() ? JsonOk(HubPageJson(*page)) : SyncError(page.status()), res);
}

std::string UtcNow() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return out.str();
}

thread_local Clock::time_point request_start;

}  // namespace

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

int Serve(const ServeOptions& o, std::atomic<bool>& stop, std::ostream& out, std::ostream& log) {
  if (o.threads < 1 || o.threads > 256) {
    log << "certo serve: --threads: must be between 1 and 256\n";
    return 2;
  }
  EnginePool pool(o.db, o.engine);
  bool has_keys = false;
  {
    auto engine = pool.Borrow();
    if (!engine.ok()) {
      log << "certo serve: " << engine.error().message() << '\n';
      return 3;
    }
    auto keys = (*engine)->HasKeys();
    has_keys = keys.ok() && *keys;
    pool.Return(std::move(*engine));
  }
  if (!has_keys && !IsLoopback(o.host)) {
    log << "certo serve: the file has no API key, so it is served on loopback only; create one "
           "with `certo key create --project P` to listen on "
        << o.host << '\n';
    return 2;
  }

  // Each connection starts with a deadline for its first request; see request_deadline.
  const auto request_limit = std::chrono::seconds(o.request_timeout_s);
  const auto keep_alive_limit = std::chrono::seconds(o.keep_alive_timeout_s);
  struct DeadlinePool : httplib::ThreadPool {
    DeadlinePool(size_t n, std::chrono::seconds limit) : httplib::ThreadPool(n), limit_(limit) {}
    void enqueue(std::function<void()> fn) override {
      httplib::ThreadPool::enqueue([fn = std::move(fn), limit = limit_] {
        request_deadline = Clock::now() + limit;
        fn();
        request_deadline = Clock::time_point::max();
      });
    }
    std::chrono::seconds limit_;
  };
  httplib::Server server;
  server.new_task_queue = [n = o.threads, request_limit] {
    return new DeadlinePool(n, request_limit);
  };
  server.set_tcp_nodelay(true);  // small JSON answers: no 40 ms Nagle + delayed-ACK stall
  // The largest body cpp-httplib reads at all: an attachment upload's. Every other route keeps
  // max_body_bytes, checked before routing (Content-Length) and after reading (chunked bodies).
  server.set_payload_max_length(
      std::max(o.max_body_bytes, static_cast<size_t>(kMaxAttachmentBytes) + kMultipartOverhead));
  server.set_read_timeout(o.read_timeout_s, 0);
  server.set_write_timeout(o.write_timeout_s, 0);
  server.set_keep_alive_timeout(o.keep_alive_timeout_s);
  server.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    request_start = Clock::now();
    request_deadline = Clock::time_point::max();  // read whole: the handler may take its time
    const std::string length = req.get_header_value("Content-Length");
    const size_t limit = IsUpload(req) && req.is_multipart_form_data()
                             ? static_cast<size_t>(kMaxAttachmentBytes) + kMultipartOverhead
                             : o.max_body_bytes;
    if (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > limit) {
      Send(Failure(413, IsUpload(req) && req.is_multipart_form_data()
                            ? "the upload is larger than an attachment can be (64 MiB)"
                            : "the body is larger than the limit"),
           res);
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  std::mutex log_mu;
  server.set_logger([&](const httplib::Request& req, const httplib::Response& res) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request_start);
    std::string query;
    if (size_t q = req.target.find('?'); q != std::string::npos) {
      query = WithoutToken(req.target.substr(q + 1));
    }
    std::lock_guard<std::mutex> lock(log_mu);
    log << UtcNow() << ' ' << req.method << ' ' << req.path << (query.empty() ? "" : "?") << query
        << ' ' << res.status << ' ' << micros.count() << "us\n";
    log.flush();
    // The next request on this keep-alive connection may first wait, then must arrive whole.
    request_deadline = Clock::now() + keep_alive_limit + request_limit;
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    Response r = Failure(res.status, res.status == 413 ? "the body is larger than the limit"
                                                       : "the request could not be served");
    res.set_content(r.body, "application/json; charset=UTF-8");
  });

  // The body of a request reaches handle() whole, except for an attachment upload (upload()).
  auto handle = [&](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader* reader) {
    if (!o.cors_origin.empty()) {
      res.set_header("Access-Control-Allow-Origin", o.cors_origin);
      res.set_header("Vary", "Origin");
    }
    if (req.method == "OPTIONS" && !o.cors_origin.empty()) {
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.set_header("Access-Control-Max-Age", "600");
      return;
    }
    if (req.path == "/healthz") {
      res.status = 200;
      res.set_content(R"({"status":"ok"})", "application/json; charset=UTF-8");
      return;
    }
    auto borrowed = pool.Borrow();
    if (!borrowed.ok()) {
      Send(Failure(borrowed.error().code() == Code::kBusy ? 503 : 500, borrowed.error().message()),
           res);
      return;
    }
    std::unique_ptr<Engine> engine = std::move(*borrowed);
    struct Back {
      EnginePool& pool;
      std::unique_ptr<Engine>& engine;
      ~Back() {
        if (engine) pool.Return(std::move(engine));  // a download's provider may own it now
      }
    } back{pool, engine};

    std::string query;
    if (size_t q = req.target.find('?'); q != std::string::npos) {
      query = WithoutToken(req.target.substr(q + 1));
    }
    const std::vector<std::string> seg = Segments(req.path);
    std::string body = req.body;
    std::optional<ApiKey> key_used;
    auto keys = engine->HasKeys();
    if (!keys.ok()) {
      Send(Failure(keys.error().code() == Code::kBusy ? 503 : 500, keys.error().message()), res);
      return;
    }
    if (*keys) {
      const std::string token = Token(req);
      auto key = token.empty() ? Result<ApiKey>(Status::NotFound("no token"))
                               : engine->Authenticate(token);
      if (!key.ok()) {
        Send(Failure(401, token.empty() ? "an API key is required: Authorization: Bearer TOKEN"
                                        : "the API key is not valid"),
             res);
        res.set_header("WWW-Authenticate", "Bearer realm=\"certo\"");
        return;
      }
      key_used = *key;
      if (IsSyncExchange(req.method, seg)) {
        // Decided by the key and the device, below.
      } else if (!reader) {  // an upload's fields are scoped once they are read, below
        Scoped scoped = ApplyScope(*engine, *key, req.method, seg, query, body);
        if (scoped.answer) {
          Send(*scoped.answer, res);
          return;
        }
        body = std::move(scoped.body);
      } else if (key->read_only) {
        Send(Failure(403, "this API key is read-only"), res);
        return;
      }
    }
    if (IsSyncExchange(req.method, seg)) {
      SyncExchange(*engine, key_used, seg[2], body, res);
      return;
    }
    if (reader) {
      Upload(*reader, *engine, key_used, seg, query, res);
      return;
    }
    if (Download(engine, pool, seg, query, req, res)) return;
    const std::string target = req.path + (query.empty() ? "" : "?" + query);
    Send(engine->Request(req.method, target, body), res);
  };
  auto whole = [&](const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > o.max_body_bytes) {  // a chunked body the pre-routing check missed
      Send(Failure(413, "the body is larger than the limit"), res);
      return;
    }
    handle(req, res, nullptr);
  };
  auto upload = [&](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) {
    if (req.is_multipart_form_data()) {
      handle(req, res, &reader);
      // A refusal (401, 403, a busy file...) may leave the upload unread on the connection, where
      // it would be parsed as the next request: such a connection is closed, never reused.
      if (res.status >= 400 && !res.has_header("Connection")) res.set_header("Connection", "close");
      return;
    }
    // A JSON create (content_base64): read whole, within the ordinary limit.
    httplib::Request whole_req = req;
    bool too_large = false;
    reader([&](const char* data, size_t n) {
      if (whole_req.body.size() + n > o.max_body_bytes) return !(too_large = true);
      whole_req.body.append(data, n);
      return true;
    });
    if (too_large) {
      Send(Failure(413, "the body is larger than the limit"), res);
      return;
    }
    handle(whole_req, res, nullptr);
  };
  const std::string all = R"(.*)";
  server.Get(all, whole);
  server.Post(std::string(kUploadPath), upload);
  server.Post(all, whole);
  server.Put(all, whole);
  server.Delete(all, whole);
  server.Patch(all, whole);
  server.Options(all, whole);

  int port = o.port;
  const std::string bind_host = o.host == "localhost" ? "127.0.0.1" : o.host;
  if (port == 0) {
    port = server.bind_to_any_port(bind_host);
    if (port < 0) {
      log << "certo serve: cannot listen on " << o.host << '\n';
      return 1;
    }
  } else if (!server.bind_to_port(bind_host, port)) {
    log << "certo serve: cannot listen on " << o.host << ':' << port << '\n';
    return 1;
  }
  out << "listening on http://" << o.host << ':' << port << '\n';
  if (!has_keys) out << "no API key in the file: serving on loopback only, without keys\n";
  out.flush();
  if (o.on_listening) o.on_listening(port);

  std::thread watcher([&] {
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.stop();
  });
  server.listen_after_bind();  // returns once stopped; the pool's destructor joins the workers
  stop = true;
  watcher.join();
  pool.CloseAll();
  return 0;
}

}  // namespace certo::serve

// libcpp-httplib.so reads every request through recv(); this definition, in the executable that
// links certo_serve, takes precedence over libc's for it (ELF symbol interposition) and refuses
// to read once the worker's request deadline has passed, which drops the connection. Every other
// call goes straight to libc's recv.
extern "C" ssize_t recv(int fd, void* buffer, size_t size, int flags) {
  using Recv = ssize_t (*)(int, void*, size_t, int);
  static const Recv libc_recv = reinterpret_cast<Recv>(dlsym(RTLD_NEXT, "recv"));
  if (certo::serve::RequestDeadlinePassed()) {
    errno = ETIMEDOUT;
    return -1;
  }
  return libc_recv(fd, buffer, size, flags);
}
