// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Attachment content through the C++ API (certo/attachment.h): a 50 MB file streamed in and
// out of a file on disk, checked by SHA-256 computed independently from the bytes; the size
// limit refused before a byte is read; a stream that ends early or a reader that stops; replace;
// directories.

#include "certo/attachment.h"

#include <algorithm>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <sodium.h>

#include "testutil.h"

namespace certo::testing {
namespace {

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

// size pseudo-random bytes, made as they are read (never held whole), hashed as they go out;
// counts how many were read.
class Generated : public std::streambuf {
 public:
  explicit Generated(int64_t size) : left_(size), buffer_(4096) { crypto_hash_sha256_init(&hash_); }
  int64_t produced() const { return produced_; }
  std::string Sha256() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&hash_, digest);
    return Hex(digest, sizeof digest);
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (left_ == 0) return traits_type::eof();
    const size_t n = static_cast<size_t>(std::min<int64_t>(left_, int64_t(buffer_.size())));
    for (size_t i = 0; i < n; ++i) {
      state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
      buffer_[i] = static_cast<char>(state_ >> 56);
    }
    crypto_hash_sha256_update(&hash_, reinterpret_cast<unsigned char*>(buffer_.data()), n);
    left_ -= static_cast<int64_t>(n);
    produced_ += static_cast<int64_t>(n);
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(buffer_[0]);
  }

 private:
  int64_t left_, produced_ = 0;
  uint64_t state_ = 42;
  std::vector<char> buffer_;
  crypto_hash_sha256_state hash_;
};

struct Project {
  std::unique_ptr<Engine> engine;
  std::string id;
};
Project NewProject(const std::string& path = ":memory:") {
  Project p{OpenEngine(path), ""};
  p.id = MustCreate(*p.engine, "project", {{"name", "ACME"}})["project_id"];
  return p;
}

TEST(Attachment, AFiftyMegabyteFileStreamsInAndOutIntact) {
  ASSERT_GE(sodium_init(), 0);
  TempDir dir;
  const std::string file = dir.File("evidence.certo");
  constexpr int64_t kSize = 50'000'000;
  std::string id, expected;
  {
    Project p = NewProject(file);
    Generated content(kSize);
    std::istream in(&content);
    auto row = p.engine->PutAttachment(
        {{"project_id", p.id}, {"attachment_path", "scans/site.tiff"}}, &in, kSize);
    ASSERT_OK(row);
    expected = content.Sha256();
    EXPECT_EQ(content.produced(), kSize);
    EXPECT_EQ((*row)["size"], kSize);
    EXPECT_EQ((*row)["sha256"], expected);
    EXPECT_EQ((*row)["mime_type"], "image/tiff");
    EXPECT_EQ((*row)["is_directory"], false);
    id = (*row)["attachment_id"];
  }
  // read back from the reopened file, hashing the chunks as they arrive
  auto engine = OpenEngine(file);
  crypto_hash_sha256_state hash;
  crypto_hash_sha256_init(&hash);
  int64_t read = 0;
  size_t largest = 0;
  Json seen_first;
  auto row = engine->ReadAttachment(
      id,
      [&](const char* data, size_t n) {
        crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char*>(data), n);
        read += static_cast<int64_t>(n);
        largest = std::max(largest, n);
        return true;
      },
      [&](const Json& record) {
        seen_first = record;
        return read == 0;
      });
  ASSERT_OK(row);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&hash, digest);
  EXPECT_EQ(read, kSize);
  EXPECT_EQ(Hex(digest, sizeof digest), expected);
  EXPECT_EQ(largest, kAttachmentChunkBytes);
  EXPECT_EQ(seen_first, *row);
  EXPECT_TRUE(Verified(*engine));
}

TEST(Attachment, ContentOverTheLimitIsRefusedBeforeAByteIsRead) {
  Project p = NewProject();
  Generated content(10);
  std::istream in(&content);
  auto row = p.engine->PutAttachment({{"project_id", p.id}, {"attachment_path", "big.bin"}}, &in,
                                     kMaxAttachmentBytes + 1);
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), Code::kTooLarge);
  EXPECT_EQ(HttpStatus(Code::kTooLarge), 413);
  EXPECT_EQ(row.status().ToString(),
            "too_large: the content is 67108865 bytes; an attachment holds at most 67108864 "
            "bytes (64 MiB)");
  EXPECT_EQ(content.produced(), 0);
  EXPECT_EQ(p.engine->Index("attachment")->total_count, 0);
  // exactly the limit is accepted (announced; the stream's shortness is what fails here)
  auto at_limit = p.engine->PutAttachment({{"project_id", p.id}, {"attachment_path", "big.bin"}},
                                          &in, kMaxAttachmentBytes);
  EXPECT_EQ(OnlyFieldError(at_limit.status()), "content: ended after 10 of 67108864 bytes");
}

TEST(Attachment, AStreamThatEndsEarlyWritesNothing) {
  Project p = NewProject();
  Generated content(1000);
  std::istream in(&content);
  auto row =
      p.engine->PutAttachment({{"project_id", p.id}, {"attachment_path", "a.bin"}}, &in, 2000);
  EXPECT_EQ(OnlyFieldError(row.status()), "content: ended after 1000 of 2000 bytes");
  EXPECT_EQ(p.engine->Index("attachment")->total_count, 0);
  auto negative =
      p.engine->PutAttachment({{"project_id", p.id}, {"attachment_path", "a.bin"}}, &in, -1);
  EXPECT_EQ(OnlyFieldError(negative.status()), "content: size must not be negative");
}

TEST(Attachment, AReaderThatStopsFailsWithIOError) {
  Project p = NewProject();
  Generated content(200'000);
  std::istream in(&content);
  auto row =
      p.engine->PutAttachment({{"project_id", p.id}, {"attachment_path", "a.bin"}}, &in, 200'000);
  ASSERT_OK(row);
  int calls = 0;
  auto read = p.engine->ReadAttachment((*row)["attachment_id"].get<std::string>(),
                                       [&](const char*, size_t) { return ++calls < 2; });
  EXPECT_EQ(read.status().ToString(), "io_error: the reader stopped after 65536 bytes");
  EXPECT_EQ(calls, 2);
  auto refused = p.engine->ReadAttachment((*row)["attachment_id"].get<std::string>(),
                                          [&](const char*, size_t) { return true; },
                                          [](const Json&) { return false; });
  EXPECT_EQ(refused.status().ToString(), "io_error: the reader stopped before the content");
}

TEST(Attachment, ReplaceOverwritesTheRowAtThePathAndDirectoriesHaveNoContent) {
  Project p = NewProject();
  Engine& e = *p.engine;
  auto dir = e.PutAttachment({{"project_id", p.id}, {"attachment_path", "reports"}}, nullptr, 0);
  ASSERT_OK(dir);
  EXPECT_EQ((*dir)["is_directory"], true);
  EXPECT_EQ((*dir)["mime_type"], nullptr);
  auto none = e.ReadAttachment((*dir)["attachment_id"].get<std::string>(),
                               [](const char*, size_t) { return true; });
  EXPECT_EQ(OnlyFieldError(none.status()),
            "attachment_id: is the directory reports: a directory has no content");

  std::string text = "first version";
  std::istringstream first(text);
  auto made = e.PutAttachment(
      {{"project_id", p.id}, {"attachment_path", "reports/q3.txt"}, {"description", "v1"}}, &first,
      static_cast<int64_t>(text.size()));
  ASSERT_OK(made);
  EXPECT_EQ((*made)["mime_type"], "text/plain; charset=UTF-8");
  std::istringstream again("x");
  auto conflict =
      e.PutAttachment({{"project_id", p.id}, {"attachment_path", "reports/q3.txt"}}, &again, 1);
  EXPECT_EQ(conflict.status().code(), Code::kConflict);
  std::istringstream second("v2");
  auto replaced = e.PutAttachment(
      {{"project_id", p.id}, {"attachment_path", "reports/q3.txt"}, {"description", "v2"}}, &second,
      2, /*replace=*/true);
  ASSERT_OK(replaced);
  EXPECT_EQ((*replaced)["attachment_id"], (*made)["attachment_id"]);
  EXPECT_EQ((*replaced)["description"], "v2");
  EXPECT_EQ((*replaced)["size"], 2);
  std::string back;
  ASSERT_OK(
      e.ReadAttachment((*made)["attachment_id"].get<std::string>(), [&](const char* d, size_t n) {
        back.append(d, n);
        return true;
      }));
  EXPECT_EQ(back, "v2");
  // a write without content changes the fields only
  auto emptied =
      e.WriteAttachment((*made)["attachment_id"].get<std::string>(), Json::object(), nullptr, 0);
  ASSERT_OK(emptied);
  EXPECT_EQ((*emptied)["size"], 2);
  EXPECT_EQ(e.Index("attachment")->total_count, 2);
  EXPECT_TRUE(Verified(e));
}

}  // namespace
}  // namespace certo::testing
