// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "sync/changeset.h"

#include <cstring>

#include <sqlite3.h>

#include "db/db.h"

namespace certo::internal {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// SQLite's varint (sqlite3PutVarint): 7 bits a byte, high bit set on all but the last, the
// ninth byte (if any) carrying 8 bits.
void PutVarint(std::string& out, uint64_t v) {
  if (v & (uint64_t{0xff000000} << 32)) {
    unsigned char buf[9];
    buf[8] = static_cast<unsigned char>(v);
    v >>= 8;
    for (int i = 7; i >= 0; --i) {
      buf[i] = static_cast<unsigned char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out.append(reinterpret_cast<const char*>(buf), 9);
    return;
  }
  unsigned char buf[10];
  int n = 0;
  do {
    buf[n++] = static_cast<unsigned char>((v & 0x7f) | 0x80);
    v >>= 7;
  } while (v != 0);
  buf[0] &= 0x7f;
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>(buf[i]));
}

void Put64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void PutField(std::string& out, const std::optional<Value>& field) {
  if (!field) {
    out.push_back(0);  // undefined
    return;
  }
  out.push_back(static_cast<char>(field->type));
  switch (field->type) {
    case SQLITE_INTEGER:
      Put64(out, static_cast<uint64_t>(field->integer));
      break;
    case SQLITE_FLOAT: {
      uint64_t bits;
      std::memcpy(&bits, &field->real, sizeof bits);
      Put64(out, bits);
      break;
    }
    case SQLITE_TEXT:
    case SQLITE_BLOB:
      PutVarint(out, field->bytes.size());
      out += field->bytes;
      break;
    default:
      break;  // NULL: the type byte alone
  }
}

}  // namespace

std::optional<Value> ValueOf(sqlite3_value* v) {
  if (!v) return std::nullopt;
  Value value;
  value.type = sqlite3_value_type(v);
  switch (value.type) {
    case SQLITE_INTEGER:
      value.integer = sqlite3_value_int64(v);
      break;
    case SQLITE_FLOAT:
      value.real = sqlite3_value_double(v);
      break;
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const void* data = value.type == SQLITE_TEXT ? static_cast<const void*>(sqlite3_value_text(v))
                                                   : sqlite3_value_blob(v);
      const int n = sqlite3_value_bytes(v);
      if (data && n > 0) value.bytes.assign(static_cast<const char*>(data), n);
      break;
    }
    default:
      break;
  }
  return value;
}

namespace {

[[noreturn]] void Malformed(int rc) {
  Fail(Status::Corrupt(std::string("a sync changeset is malformed (") + sqlite3_errstr(rc) + ")"));
}

}  // namespace

Json ValueJson(const Value& value) {
  switch (value.type) {
    case SQLITE_INTEGER:
      return value.integer;
    case SQLITE_FLOAT:
      return value.real;
    case SQLITE_TEXT:
      return value.bytes;
    case SQLITE_BLOB: {
      std::string hex;
      hex.reserve(value.bytes.size() * 2);
      for (unsigned char c : value.bytes) {
        hex.push_back(kHex[c >> 4]);
        hex.push_back(kHex[c & 15]);
      }
      return Json{{"blob_hex", hex}};
    }
    default:
      return nullptr;
  }
}

std::string Change::Key() const {
  const auto& values = op == Op::kInsert ? new_values : old_values;
  for (size_t i = 0; i < pk.size(); ++i) {
    if (pk[i] && values[i]) {
      const Value& v = *values[i];
      return v.type == SQLITE_INTEGER ? std::to_string(v.integer) : v.bytes;
    }
  }
  return "";
}

Change ChangeAt(sqlite3_changeset_iter* it) {
  const char* table = nullptr;
  int ncol = 0, op = 0, indirect = 0;
  sqlite3changeset_op(it, &table, &ncol, &op, &indirect);
  Change c;
  c.table = table;
  c.op = op == SQLITE_INSERT ? Op::kInsert : op == SQLITE_UPDATE ? Op::kUpdate : Op::kDelete;
  c.indirect = indirect != 0;
  unsigned char* pk = nullptr;
  int npk = 0;
  sqlite3changeset_pk(it, &pk, &npk);
  c.pk.resize(ncol);
  for (int i = 0; i < ncol; ++i) c.pk[i] = i < npk && pk[i];
  c.old_values.resize(ncol);
  c.new_values.resize(ncol);
  for (int i = 0; i < ncol; ++i) {
    sqlite3_value* v = nullptr;
    if (c.op != Op::kInsert && sqlite3changeset_old(it, i, &v) == SQLITE_OK) {
      c.old_values[i] = ValueOf(v);
    }
    v = nullptr;
    if (c.op != Op::kDelete && sqlite3changeset_new(it, i, &v) == SQLITE_OK) {
      c.new_values[i] = ValueOf(v);
    }
  }
  return c;
}

std::vector<Change> Decode(const std::string& changeset) {
  std::vector<Change> changes;
  if (changeset.empty()) return changes;
  sqlite3_changeset_iter* it = nullptr;
  int rc = sqlite3changeset_start(&it, static_cast<int>(changeset.size()),
                                  const_cast<char*>(changeset.data()));
  if (rc != SQLITE_OK) Malformed(rc);
  struct Finalize {
    sqlite3_changeset_iter* it;
    ~Finalize() { sqlite3changeset_finalize(it); }
  } finalize{it};
  while ((rc = sqlite3changeset_next(it)) == SQLITE_ROW) {
    changes.push_back(ChangeAt(it));
  }
  if (rc != SQLITE_DONE) Malformed(rc);
  return changes;
}

std::string Encode(const std::vector<Change>& changes) {
  std::string out;
  const Change* previous = nullptr;
  for (const Change& c : changes) {
    // A header wherever the table changes: a table may come back, after another, as the order
    // of the changes demands (SQLite reads each header as the start of a table's run).
    if (!previous || previous->table != c.table || previous->pk.size() != c.pk.size()) {
      out.push_back('T');
      PutVarint(out, c.pk.size());
      for (bool key : c.pk) out.push_back(key ? 1 : 0);
      out += c.table;
      out.push_back('\0');
    }
    previous = &c;
    out.push_back(static_cast<char>(c.op == Op::kInsert   ? SQLITE_INSERT
                                    : c.op == Op::kUpdate ? SQLITE_UPDATE
                                                          : SQLITE_DELETE));
    out.push_back(c.indirect ? 1 : 0);
    if (c.op != Op::kInsert) {
      for (const auto& field : c.old_values) PutField(out, field);
    }
    if (c.op != Op::kDelete) {
      for (const auto& field : c.new_values) PutField(out, field);
    }
  }
  return out;
}

std::string Invert(const std::string& changeset) {
  if (changeset.empty()) return {};
  int n = 0;
  void* out = nullptr;
  int rc = sqlite3changeset_invert(static_cast<int>(changeset.size()), changeset.data(), &n, &out);
  if (rc != SQLITE_OK) Malformed(rc);
  std::string inverted(static_cast<const char*>(out), n);
  sqlite3_free(out);
  return inverted;
}

}  // namespace certo::internal
