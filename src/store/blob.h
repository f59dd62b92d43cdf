// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// An attachment's content in its row's blob, streamed with SQLite's incremental blob I/O
// (certo/attachment.h): a write makes a zeroblob of the announced size and fills it chunk by
// chunk from the caller's stream, hashing as it goes; a read hands the blob out chunk by chunk.
// Only these two functions touch attachment.content, size, sha256 and is_directory. Both run
// inside the caller's transaction and throw StatusError (db.h) on failure.

#pragma once

#include "certo/attachment.h"

#include <cstdint>
#include <istream>
#include <string>

#include "db/db.h"

namespace certo::internal {

// Makes attachment id's content the size bytes read from in (is_directory 0, size, sha256), or,
// with in == nullptr, clears it (a directory). Throws kValidation on "content" when in ends
// before size bytes or fails, kNotFound when there is no such row.
// REQUIRES: 0 <= size <= kMaxAttachmentBytes.
void WriteContent(Db& db, const std::string& id, std::istream* in, int64_t size);

// Calls sink with the content of attachment id, in order, in chunks of at most
// kAttachmentChunkBytes (a directory or an empty file: no call). Throws kIOError when sink
// returns false, kNotFound when there is no such row.
void ReadContent(Db& db, const std::string& id, const AttachmentSink& sink);

}  // namespace certo::internal
