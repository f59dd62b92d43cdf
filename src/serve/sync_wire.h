// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The bodies of certo serve's sync routes (docs/sync.md, "Sync through certo serve"), written
// and read by both ends: the server (serve/server.cc) and the device's client
// (serve/sync_client.h). JSON, with each changeset's bytes in base64 (RFC 4648), so that a
// request is readable and a curl can send one:
//
//   POST /v2/sync/hello  {"device_id", "hub_id", "project_id", "office_id"?, "schema",
//   "min_schema"}
//                        -> {"hub_id", "schema", "min_schema"}
//   POST /v2/sync/push   {"device_id", "change_id", "at", "schema", "changeset",
//                         "columns": {table: [column, ...]} (only at another schema than the
//                         hub's)}, or a batch: {"device_id", "changes": [{"change_id", "at",
//                         "schema", "changeset", "columns"}, ...]}, applied in one transaction
//                        -> {"conflicts": n}
//   POST /v2/sync/pull   {"device_id", "after", "schema"}
//                        -> {"changes": [{"seq", "origin", "schema", "changeset"}], "position",
//                            "more", "columns" (only when the device's schema is not the hub's)}
//   POST /v2/sync/device {"project_id"} -> the device file's bytes
//
// Reading checks every field's type and names the first wrong one (kValidation, HTTP 422).

#pragma once

#include "certo/engine.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certo::serve {

std::string Base64(std::string_view bytes);
// nullopt when text is not base64.
std::optional<std::string> FromBase64(std::string_view text);

Json HelloJson(const SyncHello& hello);
Result<SyncHello> HelloFrom(const Json& body);
Json HubInfoJson(const HubInfo& info);
Result<HubInfo> HubInfoFrom(const Json& body);

Json PushJson(const std::string& device_id, const DeviceChange& change);
Json PushJson(const std::string& device_id, const std::vector<DeviceChange>& changes);
struct PushBody {
  std::string device_id;
  std::vector<DeviceChange> changes;  // one, or a batch's
};
Result<PushBody> PushFrom(const Json& body);

Json PullJson(const std::string& device_id, int64_t after, int schema);
struct PullBody {
  std::string device_id;
  int64_t after = 0;
  int schema = 0;
};
Result<PullBody> PullFrom(const Json& body);
Json HubPageJson(const HubPage& page);
Result<HubPage> HubPageFrom(const Json& body);

}  // namespace certo::serve
