// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Attachments: files kept inside the certo file itself (scanned certificates, inspection photos),
// so a device carries its evidence offline. An attachment is a row of the collection
// "attachment" (README.md, "Entities"), named by a path within its project
// ("certificates/2026/forklift.pdf"); a row without content is a directory. Rows of
// "entity-attachment" link an attachment to any row of the same project.
//
// Contract (Engine::PutAttachment, Engine::ReadAttachment, and the JSON API's
// attachment/create, attachment/update and attachment/view?mode=download|inline):
//  * Size. Content is at most kMaxAttachmentBytes (64 MiB). Larger content is refused with
//    Code::kTooLarge (HTTP 413) before anything is read or written.
//  * Streaming. Writes read the content in chunks of kAttachmentChunkBytes from the caller's
//    stream into the row's blob (SQLite incremental blob I/O into a zeroblob of the announced
//    size); reads hand the blob to the caller's sink chunk by chunk. Memory use does not grow
//    with the size of the file: a 50 MB file is never held in memory by certo.
//  * Integrity. The row keeps size (bytes) and sha256 (64 lower-case hex digits) of its content,
//    computed while the bytes are written; a read returns exactly those bytes.
//  * Atomicity. A put is one transaction: the row, its content, size and hash commit together or
//    not at all (a stream that ends early or fails is kValidation on "content", nothing written).
//    A read sees one snapshot: a concurrent replace is either wholly before or wholly after it.
//  * Paths. Segments separated by '/', none empty, "." or ".."; no leading or trailing '/', no
//    backslash, no control character; at most 1024 characters; unique within a project. A path
//    never changes: replace=true on a put at an existing path overwrites that row's content (and
//    the fields given) instead of answering kConflict.

#pragma once

#include "certo/export.h"
#include "certo/record.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace certo {

// The largest attachment content, in bytes (64 MiB).
inline constexpr int64_t kMaxAttachmentBytes = int64_t{64} << 20;

// The size of the chunks in which content is streamed (64 KiB).
inline constexpr size_t kAttachmentChunkBytes = size_t{64} << 10;

// Receives consecutive chunks of an attachment's content; returns false to stop the read (the
// read then fails with kIOError "the reader stopped").
using AttachmentSink = std::function<bool(const char* data, size_t size)>;

// The content type of a file named path, from its extension (case-insensitive): pdf, png, jpg,
// jpeg, gif, webp, svg, tif, tiff, heic, txt, csv, json, xml, html, zip, doc(x), xls(x), ppt(x),
// odt, ods, mp4, mov; "application/octet-stream" for any other. A put without a mime_type
// stores this guess.
CERTO_EXPORT std::string GuessContentType(const std::string& path);

// The HTTP headers of a download of an attachment record, in this order: Content-Type (its
// mime_type, else the guess), Content-Disposition ("attachment" or, when inline_view, "inline",
// with the file name of the path's last segment, also as RFC 5987 filename*), ETag (the
// quoted sha256). The JSON API's view?mode=download|inline and `certo serve` both send these.
CERTO_EXPORT std::vector<std::pair<std::string, std::string>> AttachmentHeaders(const Json& record,
                                                                                bool inline_view);

}  // namespace certo
