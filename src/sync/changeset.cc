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

// What is wrong with a changeset's structure, read without SQLite; nullopt when it is well
// formed. SQLite 3.40's iterator loops for ever on some malformed input (a table header whose
// name runs to the end, seen with 32 bytes a client sent), and a hub reads changesets from the
// network: nothing reaches SQLite's iterator that this has not walked whole.
std::optional<std::string> Malformation(const std::string& cs) {
  const size_t n = cs.size();
  size_t i = 0;
  auto varint = [&](uint64_t& v) {
    v = 0;
    for (int k = 0; k < 9; ++k) {
      if (i >= n) return false;
      const auto b = static_cast<unsigned char>(cs[i++]);
      if (k == 8) {
        v = (v << 8) | b;
        return true;
      }
      v = (v << 7) | (b & 0x7f);
      if (!(b & 0x80)) return true;
    }
    return true;
  };
  uint64_t columns = 0;
  while (i < n) {
    const auto op = static_cast<unsigned char>(cs[i++]);
    if (op == 'T') {
      if (!varint(columns) || columns == 0 || columns > 32767 || n - i < columns) {
        return "a table header's column count";
      }
      bool keyed = false;
      for (uint64_t k = 0; k < columns; ++k) {
        const auto flag = static_cast<unsigned char>(cs[i++]);
        if (flag > 1) return "a table header's primary-key flags";
        keyed = keyed || flag == 1;
      }
      if (!keyed) return "a table without a primary key";
      const size_t end = cs.find('\0', i);
      if (end == std::string::npos || end == i) return "a table header's name";
      i = end + 1;
      continue;
    }
    if (columns == 0) return "a change before its table's header";
    if (op != SQLITE_INSERT && op != SQLITE_UPDATE && op != SQLITE_DELETE) {
      return "an operation that is none of insert, update and delete";
    }
    if (i >= n || static_cast<unsigned char>(cs[i++]) > 1) return "a change's indirect flag";
    const int records = op == SQLITE_UPDATE ? 2 : 1;
    for (uint64_t k = 0; k < columns * records; ++k) {
      if (i >= n) return "a change that ends before its fields";
      const auto type = static_cast<unsigned char>(cs[i++]);
      if (type == 0 || type == SQLITE_NULL) continue;
      if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
        if (n - i < 8) return "a number that ends early";
        i += 8;
        continue;
      }
      uint64_t length = 0;
      if ((type != SQLITE_TEXT && type != SQLITE_BLOB) || !varint(length)) {
        return "a field's type";
      }
      if (length > n - i) return "a text or blob longer than the changeset";
      i += length;
    }
  }
  return std::nullopt;
}

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
  if (auto why = Malformation(changeset)) {
    Fail(Status::Corrupt("a sync changeset is malformed (" + *why + ")"));
  }
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
  if (auto why = Malformation(changeset)) {
    Fail(Status::Corrupt("a sync changeset is malformed (" + *why + ")"));
  }
  int n = 0;
  void* out = nullptr;
  int rc = sqlite3changeset_invert(static_cast<int>(changeset.size()), changeset.data(), &n, &out);
  if (rc != SQLITE_OK) Malformed(rc);
  std::string inverted(static_cast<const char*>(out), n);
  sqlite3_free(out);
  return inverted;
}

}  // namespace certo::internal
