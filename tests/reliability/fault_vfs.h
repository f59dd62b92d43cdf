// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// A SQLite VFS for tests that wraps the default one and fails on command, the way SQLite's own
// I/O-error tests do: the Nth read, write, sync or lock (and every later one, until Clear()),
// or a full disk from the Nth write on. Registered under the name "certo-fault"; an Engine uses
// it through Options::vfs. Counting runs (no fault armed) tell how many calls of each kind an
// operation makes, so a test can fail each one in turn.

#pragma once

#include <atomic>
#include <cstring>

#include <sqlite3.h>

namespace certo::testing {

enum class Fault { kNone, kRead, kWrite, kSync, kLock, kFull };

class FaultVfs {
 public:
  static constexpr const char* kName = "certo-fault";

  // Registers the VFS once (not as the default) and returns it.
  static FaultVfs& Get() {
    static FaultVfs* vfs = [] {
      auto* v = new FaultVfs;  // lives as long as SQLite may call it: the whole process
      v->Register();
      return v;
    }();
    return *vfs;
  }

  // Fails the nth call (1-based) of the kind and every later one until Clear().
  void Arm(Fault fault, int nth) {
    Reset();
    fault_ = fault;
    nth_ = nth;
  }
  void Clear() { fault_ = Fault::kNone; }
  // Zeroes the counts (and disarms).
  void Reset() {
    Clear();
    reads_ = writes_ = syncs_ = locks_ = 0;
    fired_ = false;
  }
  // Calls seen of a kind since Reset(); kFull counts writes.
  int Count(Fault fault) const {
    switch (fault) {
      case Fault::kRead:
        return reads_;
      case Fault::kWrite:
      case Fault::kFull:
        return writes_;
      case Fault::kSync:
        return syncs_;
      case Fault::kLock:
        return locks_;
      default:
        return 0;
    }
  }
  bool fired() const { return fired_; }

 private:
  struct File {
    sqlite3_file base;   // must be first: SQLite sees a File* as a sqlite3_file*
    sqlite3_file* real;  // the default VFS's file, allocated after this struct
  };

  FaultVfs() = default;

  // Counts a call of kind and says whether it must fail.
  bool Hit(Fault kind, std::atomic<int>& counter) {
    const int n = ++counter;
    const bool matches = fault_ == kind || (kind == Fault::kWrite && fault_ == Fault::kFull);
    if (!matches || n < nth_) return false;
    fired_ = true;
    return true;
  }

  static FaultVfs& Self() { return Get(); }
  static sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  static int Close(sqlite3_file* f) {
    int rc = Real(f)->pMethods ? Real(f)->pMethods->xClose(Real(f)) : SQLITE_OK;
    return rc;
  }
  static int Read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
    if (Self().Hit(Fault::kRead, Self().reads_)) return SQLITE_IOERR_READ;
    return Real(f)->pMethods->xRead(Real(f), buf, amount, offset);
  }
  static int Write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
    if (Self().Hit(Fault::kWrite, Self().writes_)) {
      return Self().fault_ == Fault::kFull ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    }
    return Real(f)->pMethods->xWrite(Real(f), buf, amount, offset);
  }
  static int Truncate(sqlite3_file* f, sqlite3_int64 size) {
    return Real(f)->pMethods->xTruncate(Real(f), size);
  }
  static int Sync(sqlite3_file* f, int flags) {
    if (Self().Hit(Fault::kSync, Self().syncs_)) return SQLITE_IOERR_FSYNC;
    return Real(f)->pMethods->xSync(Real(f), flags);
  }
  static int FileSize(sqlite3_file* f, sqlite3_int64* size) {
    return Real(f)->pMethods->xFileSize(Real(f), size);
  }
  static int Lock(sqlite3_file* f, int level) {
    if (Self().Hit(Fault::kLock, Self().locks_)) return SQLITE_IOERR_LOCK;
    return Real(f)->pMethods->xLock(Real(f), level);
  }
  static int Unlock(sqlite3_file* f, int level) {
    return Real(f)->pMethods->xUnlock(Real(f), level);
  }
  static int CheckReservedLock(sqlite3_file* f, int* out) {
    return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
  }
  static int FileControl(sqlite3_file* f, int op, void* arg) {
    return Real(f)->pMethods->xFileControl(Real(f), op, arg);
  }
  static int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
  static int DeviceCharacteristics(sqlite3_file* f) {
    return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
  }
  static int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
  }
  static int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
    // Only taking a lock can fail: SQLite assumes releasing one always works.
    if ((flags & SQLITE_SHM_LOCK) && Self().Hit(Fault::kLock, Self().locks_)) {
      return SQLITE_IOERR_SHMLOCK;
    }
    return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
  }
  static void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
  static int ShmUnmap(sqlite3_file* f, int delete_flag) {
    return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
  }
  static int Fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
    *out = nullptr;  // no memory mapping: every read goes through Read and can fail
    return SQLITE_OK;
  }
  static int Unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

  static int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out) {
    static const sqlite3_io_methods kMethods = {3,
                                                Close,
                                                Read,
                                                Write,
                                                Truncate,
                                                Sync,
                                                FileSize,
                                                Lock,
                                                Unlock,
                                                CheckReservedLock,
                                                FileControl,
                                                SectorSize,
                                                DeviceCharacteristics,
                                                ShmMap,
                                                ShmLock,
                                                ShmBarrier,
                                                ShmUnmap,
                                                Fetch,
                                                Unfetch};
    auto* root = static_cast<sqlite3_vfs*>(vfs->pAppData);
    File* file = reinterpret_cast<File*>(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    std::memset(file->real, 0, static_cast<size_t>(root->szOsFile));
    int rc = root->xOpen(root, name, file->real, flags, out);
    // SQLite calls xClose even when xOpen fails, if pMethods is set: Close checks the real one.
    f->pMethods = &kMethods;
    return rc;
  }
  static int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    auto* root = static_cast<sqlite3_vfs*>(vfs->pAppData);
    return root->xDelete(root, name, sync_dir);
  }
  static int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    auto* root = static_cast<sqlite3_vfs*>(vfs->pAppData);
    return root->xAccess(root, name, flags, out);
  }
  static int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
    auto* root = static_cast<sqlite3_vfs*>(vfs->pAppData);
    return root->xFullPathname(root, name, n, out);
  }

  void Register() {
    sqlite3_vfs* root = sqlite3_vfs_find(nullptr);
    vfs_ = *root;  // dlopen, randomness, sleep, time: the default VFS's own
    vfs_.iVersion = root->iVersion;
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + root->szOsFile;
    vfs_.zName = kName;
    vfs_.pNext = nullptr;
    vfs_.pAppData = root;
    vfs_.xOpen = Open;
    vfs_.xDelete = Delete;
    vfs_.xAccess = Access;
    vfs_.xFullPathname = FullPathname;
    sqlite3_vfs_register(&vfs_, /*makeDflt=*/0);
  }

  sqlite3_vfs vfs_{};
  std::atomic<Fault> fault_{Fault::kNone};
  int nth_ = 0;
  std::atomic<int> reads_{0}, writes_{0}, syncs_{0}, locks_{0};
  std::atomic<bool> fired_{false};
};

}  // namespace certo::testing
