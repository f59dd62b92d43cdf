// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The JSON API's attachment routes (certo/attachment.h): create and update take the record's
// fields plus content_base64 (the content, base64 as in RFC 4648, line breaks allowed) and, on
// create, replace (true|false|1|0) and path (another name of attachment_path, the multipart
// form's); view?mode=download|inline answers with the bytes. The base64 text is decoded as it
// is streamed into the blob: the decoded content is never held whole.

#pragma once

#include "certo/engine.h"
#include "certo/response.h"

#include <map>
#include <string>
#include <string_view>

namespace certo::internal {

// POST /v2/attachment/create, body already parsed.
Response AttachmentCreate(Engine& engine, const Json& body);
// PUT /v2/attachment/update/{id}, body already parsed.
Response AttachmentUpdate(Engine& engine, const std::string& id, const Json& body);
// GET /v2/attachment/view/{id}[?mode=download|inline]: without mode the record, as any view.
Response AttachmentView(Engine& engine, const std::string& id,
                        const std::map<std::string, std::string>& params);

}  // namespace certo::internal
