// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The sync routes' bodies (serve/sync_wire.h). A field of the wrong type is refused by name
// rather than read as a default: a device that sent the wrong thing must hear so.

#include "serve/sync_wire.h"

#include <array>

namespace certo::serve {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Reads fields of one JSON object, keeping the first error.
class Reader {
 public:
  explicit Reader(const Json& body) : body_(body) {
    if (!body.is_object()) error_ = Status::InvalidArgument("the body must be a JSON object");
  }
  std::string Text(const char* name, bool required = true) {
    const Json* v = Find(name, required);
    if (!v) return "";
    if (!v->is_string()) return Bad(name, "must be a string"), "";
    return v->get<std::string>();
  }
  int64_t Integer(const char* name) {
    const Json* v = Find(name, true);
    if (!v) return 0;
    if (!v->is_number_integer()) return Bad(name, "must be an integer"), 0;
    return v->get<int64_t>();
  }
  bool Flag(const char* name) {
    const Json* v = Find(name, true);
    if (!v) return false;
    if (!v->is_boolean()) return Bad(name, "must be true or false"), false;
    return v->get<bool>();
  }
  std::string Bytes(const char* name) {
    const std::string text = Text(name);
    if (!error_.ok()) return "";
    std::optional<std::string> bytes = FromBase64(text);
    if (!bytes) return Bad(name, "must be base64 (RFC 4648)"), "";
    return *bytes;
  }
  TableColumnsMap Columns(const char* name) {
    TableColumnsMap out;
    const Json* v = Find(name, false);
    if (!v || v->is_null()) return out;
    if (!v->is_object()) return Bad(name, "must be an object of column lists by table"), out;
    for (const auto& [table, cols] : v->items()) {
      if (!cols.is_array()) return Bad(name, "must list table " + table + "'s columns"), out;
      for (const Json& c : cols) {
        if (!c.is_string()) return Bad(name, "must list column names as strings"), out;
        out[table].push_back(c.get<std::string>());
      }
    }
    return out;
  }
  const Json* Array(const char* name) {
    const Json* v = Find(name, true);
    if (v && !v->is_array()) return Bad(name, "must be an array"), nullptr;
    return v;
  }
  const Status& error() const { return error_; }

 private:
  const Json* Find(const char* name, bool required) {
    if (!error_.ok()) return nullptr;
    auto it = body_.find(name);
    if (it == body_.end()) {
      if (required) Bad(name, "is required");
      return nullptr;
    }
    return &*it;
  }
  void Bad(const std::string& name, const std::string& why) {
    if (error_.ok()) error_ = Status::Validation(name, why);
  }
  const Json& body_;
  Status error_;
};

}  // namespace

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint32_t(uint8_t(bytes[i])) << 16) |
                       (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  if (i < bytes.size()) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (size_t i = 0; i < kAlphabet.size(); ++i) value[uint8_t(kAlphabet[i])] = int(i);
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[j] = value[uint8_t(c)];
      if (v[j] < 0) return std::nullopt;
    }
    const uint32_t n =
        (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out.push_back(char((n >> 16) & 255));
    if (pad < 2) out.push_back(char((n >> 8) & 255));
    if (pad < 1) out.push_back(char(n & 255));
  }
  return out;
}

Json HelloJson(const SyncHello& h) {
  Json body{{"device_id", h.device_id},
            {"hub_id", h.hub_id},
            {"project_id", h.project_id},
            {"schema", h.schema},
            {"min_schema", h.min_schema}};
  if (!h.office_id.empty()) body["office_id"] = h.office_id;  // a device of one office
  return body;
}

Result<SyncHello> HelloFrom(const Json& body) {
  Reader r(body);
  SyncHello h;
  h.device_id = r.Text("device_id");
  h.hub_id = r.Text("hub_id");
  h.project_id = r.Text("project_id");
  h.office_id = r.Text("office_id", /*required=*/false);
  h.schema = static_cast<int>(r.Integer("schema"));
  h.min_schema = static_cast<int>(r.Integer("min_schema"));
  if (!r.error().ok()) return r.error();
  return h;
}

Json HubInfoJson(const HubInfo& i) {
  return Json{{"hub_id", i.hub_id}, {"schema", i.schema}, {"min_schema", i.min_schema}};
}

Result<HubInfo> HubInfoFrom(const Json& body) {
  Reader r(body);
  HubInfo i;
  i.hub_id = r.Text("hub_id");
  i.schema = static_cast<int>(r.Integer("schema"));
  i.min_schema = static_cast<int>(r.Integer("min_schema"));
  if (!r.error().ok()) return r.error();
  return i;
}

namespace {

Json ChangeJson(const DeviceChange& c) {
  Json body{{"change_id", c.change_id},
            {"at", c.at},
            {"schema", c.schema},
            {"changeset", Base64(c.changeset)}};
  if (!c.columns.empty()) body["columns"] = c.columns;
  return body;
}

DeviceChange ChangeFrom(Reader& r) {
  DeviceChange c;
  c.change_id = r.Text("change_id");
  c.at = r.Text("at");
  c.schema = static_cast<int>(r.Integer("schema"));
  c.changeset = r.Bytes("changeset");
  c.columns = r.Columns("columns");
  return c;
}

}  // namespace

Json PushJson(const std::string& device_id, const DeviceChange& c) {
  Json body = ChangeJson(c);
  body["device_id"] = device_id;
  return body;
}

Json PushJson(const std::string& device_id, const std::vector<DeviceChange>& changes) {
  Json list = Json::array();
  for (const DeviceChange& c : changes) list.push_back(ChangeJson(c));
  return Json{{"device_id", device_id}, {"changes", std::move(list)}};
}

Result<PushBody> PushFrom(const Json& body) {
  Reader r(body);
  PushBody p;
  p.device_id = r.Text("device_id");
  if (!body.is_object() || !body.contains("changes")) {
    p.changes.push_back(ChangeFrom(r));
    if (!r.error().ok()) return r.error();
    return p;
  }
  const Json* changes = r.Array("changes");
  if (!r.error().ok()) return r.error();
  for (const Json& c : *changes) {
    Reader cr(c);
    p.changes.push_back(ChangeFrom(cr));
    if (!cr.error().ok()) return cr.error();
  }
  return p;
}

Json PullJson(const std::string& device_id, int64_t after, int schema) {
  return Json{{"device_id", device_id}, {"after", after}, {"schema", schema}};
}

Result<PullBody> PullFrom(const Json& body) {
  Reader r(body);
  PullBody p;
  p.device_id = r.Text("device_id");
  p.after = r.Integer("after");
  p.schema = static_cast<int>(r.Integer("schema"));
  if (!r.error().ok()) return r.error();
  return p;
}

Json HubPageJson(const HubPage& page) {
  Json changes = Json::array();
  for (const HubChange& c : page.changes) {
    changes.push_back(Json{{"seq", c.seq},
                           {"origin", c.origin},
                           {"schema", c.schema},
                           {"changeset", Base64(c.changeset)}});
  }
  Json body{{"changes", std::move(changes)}, {"position", page.position}, {"more", page.more}};
  if (!page.columns.empty()) body["columns"] = page.columns;
  return body;
}

Result<HubPage> HubPageFrom(const Json& body) {
  Reader r(body);
  HubPage page;
  const Json* changes = r.Array("changes");
  page.position = r.Integer("position");
  page.more = r.Flag("more");
  page.columns = r.Columns("columns");
  if (!r.error().ok()) return r.error();
  for (const Json& c : *changes) {
    Reader cr(c);
    HubChange change;
    change.seq = cr.Integer("seq");
    change.origin = cr.Text("origin");
    change.schema = static_cast<int>(cr.Integer("schema"));
    change.changeset = cr.Bytes("changeset");
    if (!cr.error().ok()) return cr.error();
    page.changes.push_back(std::move(change));
  }
  return page;
}

}  // namespace certo::serve
