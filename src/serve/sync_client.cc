// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// An HTTP hub (serve/sync_client.h), on cpp-httplib's client: one keep-alive connection for the
// whole sync. Each call is one request whose refusal comes back as the hub's own Status, so the
// device reports what the hub said ("the device is at schema 17, newer than its hub's 16").

#include "serve/sync_client.h"

#include <filesystem>
#include <fstream>

#include <httplib.h>

#include "serve/sync_wire.h"

namespace certo::serve {

namespace {

// The hub's error body (docs/errors.md) as a Status: the engine's code where it sent one, else
// one for the HTTP status (401, 403 and 413 come from the server itself).
Status StatusOf(const httplib::Result& r, const std::string& url) {
  const Json body = Json::parse(r->body, nullptr, false);
  if (r->status == 422 && body.is_array()) {
    std::vector<FieldError> errors;
    for (const Json& e : body) {
      if (e.is_object() && e.contains("field") && e["field"].is_string() && e.contains("message") &&
          e["message"].is_string()) {
        errors.push_back({e["field"], e["message"]});
      }
    }
    if (!errors.empty()) return Status::Validation(std::move(errors));
  }
  std::string message = "the hub at " + url + " answered " + std::to_string(r->status);
  int code = 0;
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    message = body["message"].get<std::string>();
    if (body.contains("code") && body["code"].is_number_integer()) code = body["code"];
  }
  switch (static_cast<Code>(code)) {
    case Code::kNotFound:
      return Status::NotFound(message);
    case Code::kConflict:
      return Status::Conflict(message);
    case Code::kBusy:
      return Status::Busy(message);
    case Code::kIncompatible:
      return Status::Incompatible(message);
    case Code::kTooLarge:
      return Status::TooLarge(message);
    case Code::kInvalidArgument:
      return Status::InvalidArgument(message);
    default:
      break;
  }
  if (r->status == 401 || r->status == 403) {
    return Status::InvalidArgument("the hub at " + url + " refused the key (" +
                                   std::to_string(r->status) + "): " + message);
  }
  if (r->status == 404) return Status::NotFound(message);
  if (r->status == 413) return Status::TooLarge(message);
  if (r->status == 503) return Status::Busy(message);
  if (r->status >= 400 && r->status < 500) return Status::InvalidArgument(message);
  return Status::IOError("the hub at " + url + " failed (" + std::to_string(r->status) +
                         "): " + message);
}

class HttpHub : public SyncHub {
 public:
  HttpHub(const std::string& url, const std::string& token) : url_(url), client_(url) {
    client_.set_keep_alive(true);
    client_.set_connection_timeout(10, 0);
    client_.set_read_timeout(60, 0);
    client_.set_write_timeout(60, 0);
    if (!token.empty()) client_.set_bearer_token_auth(token);
  }

  Result<HubInfo> Hello(const SyncHello& hello) override {
    Result<Json> body = Post("/v2/sync/hello", HelloJson(hello));
    if (!body.ok()) return body.status();
    return Answer(HubInfoFrom(*body));
  }
  Result<int64_t> Push(const std::string& device_id, const DeviceChange& change) override {
    Result<Json> body = Post("/v2/sync/push", PushJson(device_id, change));
    if (!body.ok()) return body.status();
    auto it = body->find("conflicts");
    if (it == body->end() || !it->is_number_integer()) return NotTheSync();
    return it->get<int64_t>();
  }
  // A batch is one request; one the server finds too large (413: its --max-body is below the
  // batch's bytes) is sent again in halves, down to one change, which is refused as before.
  Result<int64_t> PushAll(const std::string& device_id,
                          const std::vector<DeviceChange>& changes) override {
    if (changes.size() == 1) return Push(device_id, changes.front());
    Result<Json> body = Post("/v2/sync/push", PushJson(device_id, changes));
    if (!body.ok() && body.status().code() == Code::kTooLarge && changes.size() > 1) {
      const auto half = changes.begin() + static_cast<std::ptrdiff_t>(changes.size() / 2);
      Result<int64_t> first = PushAll(device_id, std::vector<DeviceChange>(changes.begin(), half));
      if (!first.ok()) return first;
      Result<int64_t> second = PushAll(device_id, std::vector<DeviceChange>(half, changes.end()));
      if (!second.ok()) return second;
      return *first + *second;
    }
    if (!body.ok()) return body.status();
    auto it = body->find("conflicts");
    if (it == body->end() || !it->is_number_integer()) return NotTheSync();
    return it->get<int64_t>();
  }
  Result<HubPage> Pull(const std::string& device_id, int64_t after, int schema) override {
    Result<Json> body = Post("/v2/sync/pull", PullJson(device_id, after, schema));
    if (!body.ok()) return body.status();
    return Answer(HubPageFrom(*body));
  }

 private:
  Result<Json> Post(const std::string& path, const Json& body) {
    httplib::Result r = client_.Post(path.c_str(), body.dump(), "application/json");
    if (!r) {
      return Status::IOError("cannot reach the hub at " + url_ + " (" +
                             httplib::to_string(r.error()) + ")");
    }
    if (r->status != 200) return StatusOf(r, url_);
    Json answer = Json::parse(r->body, nullptr, false);
    if (!answer.is_object()) return NotTheSync();
    return answer;
  }
  template <typename T>
  Result<T> Answer(Result<T> read) {
    if (!read.ok()) return NotTheSync();
    return read;
  }
  Status NotTheSync() {
    return Status::IOError("the hub at " + url_ + " answered something that is not certo's sync");
  }

  std::string url_;
  httplib::Client client_;
};

}  // namespace

bool IsHubUrl(const std::string& hub) {
  return hub.rfind("http://", 0) == 0 || hub.rfind("https://", 0) == 0;
}

Result<std::unique_ptr<SyncHub>> ConnectHub(const std::string& url, const std::string& token) {
  if (url.rfind("http://", 0) != 0) {
    return Status::InvalidArgument("the hub's URL must be http://HOST:PORT (" + url +
                                   "); this build speaks plain HTTP only");
  }
  std::string base = url;
  while (base.size() > 7 && base.back() == '/') base.pop_back();
  return std::unique_ptr<SyncHub>(new HttpHub(base, token));
}

Result<SyncState> FetchDevice(const std::string& url, const std::string& token,
                              const std::string& project_id, const std::string& office_id,
                              const std::string& out_path, const Options& options) {
  if (url.rfind("http://", 0) != 0) {
    return Status::InvalidArgument("the hub's URL must be http://HOST:PORT (" + url +
                                   "); this build speaks plain HTTP only");
  }
  if (out_path.empty()) return Status::Validation("out_path", "must name the device file");
  if (std::filesystem::exists(out_path)) {
    return Status::Validation("out_path",
                              "'" + out_path + "' already exists: a device is made as a new file");
  }
  std::string base = url;
  while (base.size() > 7 && base.back() == '/') base.pop_back();
  httplib::Client client(base);
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(300, 0);
  if (!token.empty()) client.set_bearer_token_auth(token);
  const std::string part = out_path + ".part";
  std::ofstream out(part, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError("cannot write " + part);
  Json body = Json::object();
  if (!project_id.empty()) body["project_id"] = project_id;
  if (!office_id.empty()) body["office_id"] = office_id;
  httplib::Request req;
  req.method = "POST";
  req.path = "/v2/sync/device";
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  std::string error_body;
  int status = 0;
  req.response_handler = [&](const httplib::Response& r) {
    status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (status != 200) {
      error_body.append(data, n);
      return true;
    }
    out.write(data, static_cast<std::streamsize>(n));
    return static_cast<bool>(out);
  };
  httplib::Result r = client.send(req);
  out.close();
  auto discard = [&] {
    std::error_code ec;
    std::filesystem::remove(part, ec);
  };
  if (!r) {
    discard();
    return Status::IOError("cannot reach the hub at " + base + " (" +
                           httplib::to_string(r.error()) + ")");
  }
  if (r->status != 200) {
    discard();
    r->body = error_body;
    return StatusOf(r, base);
  }
  if (!out) {
    discard();
    return Status::IOError("cannot write " + part);
  }
  std::error_code ec;
  std::filesystem::rename(part, out_path, ec);
  if (ec) {
    discard();
    return Status::IOError("cannot rename " + part + " to " + out_path + ": " + ec.message());
  }
  Options opened = options;
  opened.create_if_missing = false;
  auto device = Engine::Open(out_path, opened);
  if (!device.ok()) return device.status();
  return (*device)->SyncStatus();
}

}  // namespace certo::serve
