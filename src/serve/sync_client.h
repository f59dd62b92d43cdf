// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The device's side of a sync with a hub served by `certo serve` (docs/sync.md, "Sync through
// certo serve"): a SyncHub (certo/sync.h) whose calls are the server's POST /v2/sync/hello,
// push and pull, so that Engine::SyncWithHub runs exactly as with a hub file and only the
// transport differs; and the download of a new device (POST /v2/sync/device).
//
// The hub is named by its URL, http://HOST:PORT (the address `certo serve` prints), and reached
// with a token (an API key of the device's project, Authorization: Bearer), or none on a file
// without keys. An answer of the hub's is passed on as the Status it reports (its code and
// message); a hub that cannot be reached, or answers something that is not the sync's, is
// kIOError naming the URL.

#pragma once

#include "certo/engine.h"

#include <memory>
#include <string>

namespace certo::serve {

// True for a hub named by URL (http:// or https://) rather than a file path.
bool IsHubUrl(const std::string& hub);

// The hub at url. Errors: kInvalidArgument (not an http:// URL).
Result<std::unique_ptr<SyncHub>> ConnectHub(const std::string& url, const std::string& token);

// Makes out_path a new device of the hub at url holding project_id (or the token's project, or
// the hub's only one), or only office_id of it when not empty: the hub makes it and sends the
// file, written to out_path.part and renamed when whole. Returns the device's state. Errors:
// kValidation ("out_path": exists), the hub's.
Result<SyncState> FetchDevice(const std::string& url, const std::string& token,
                              const std::string& project_id, const std::string& office_id,
                              const std::string& out_path, const Options& options);

}  // namespace certo::serve
