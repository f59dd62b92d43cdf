// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// _certo: the private extension module under the certo Python package (certo/_engine.py wraps
// it; nothing else should import it). It is a thin shim over include/certo/engine.h:
//
//   _certo.Engine   one certo::Engine, shared so that close() cannot pull it from under a call
//                   running on another thread
//     request                                  the JSON API -> (status, [(name, value)], body)
//     create/view/update/historicize/restore   -> dict
//     index/changes                            -> (rows, total, page, per_page, pages)
//     delete                                   -> (deleted, [(collection, id)])
//     verify(depth)                  -> (subscriptions, links, [problem], dropped, dropped_through)
//     trend(from, to, step, filter)            -> [(date, {status: count})]
//     incident_compliance(id)                  -> dict
//     person_requirements(id, as_of|None)      -> dict
//     export(project_id, path|None)            -> lines written | [request]
//     sync_people(csv, ...)                    -> (changes, unchanged, errors, capped, applied)
//     read_outbox/ack_outbox, subscribe/unsubscribe   events as (seq, name, id, payload, date)
//     outbox_status/set_outbox_policy(max_events, max_days)
//                                              -> (max_events, max_days, pending, dropped, through)
//     compact(vacuum)                          -> (bytes_before, bytes_after, vacuumed)
//     transaction(body, bulk), bulk_import
//     begin(bulk)/end(commit)                  a transaction spanning calls (TxnWorker)
//   collections(), codes(), date_fields(), __version__
//
// Records cross as Python objects converted straight to and from certo::Json (no JSON text in
// between). Dates cross as "YYYY-MM-DD" strings; certo/_dates.py turns the fields date_fields()
// names into datetime.date, and ToJson takes datetime.date.
//
// Errors: a non-OK certo::Status is raised as the exception class certo._errors picks for its
// code (certo.NotFoundError, certo.ValidationError, ...). Nothing here raises RuntimeError.
//
// The GIL and the engine's lock: every call converts its arguments with the GIL held, then
// releases the GIL before entering the engine (which takes its own recursive mutex), and takes
// the GIL back to convert the result. Python code that the engine calls back (event handlers,
// transaction bodies) takes the GIL while the engine's mutex is held. So the lock order is always
// mutex -> GIL and never the reverse: threads cannot deadlock, and long calls (verify, a large
// index, a bulk import) let other Python threads run.

#include "certo/engine.h"
#include "certo/version.h"

#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <Python.h>
#include <datetime.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace {

using certo::Json;
using Date = std::chrono::year_month_day;

// ---- Errors -----------------------------------------------------------------------------------

// Raises the certo exception for a non-OK status. REQUIRES: the GIL is held.
[[noreturn]] void Raise(const certo::Status& status) {
  py::list errors;
  for (const certo::FieldError& e : status.field_errors()) {
    errors.append(py::make_tuple(e.field, e.message));
  }
  py::object error =
      py::module_::import("certo._errors")
          .attr("_from_status")(certo::CodeName(status.code()), static_cast<int>(status.code()),
                                status.message(), errors, status.sqlite_code());
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  throw py::error_already_set();
}

[[noreturn]] void RaiseClosed() {
  py::object error =
      py::module_::import("certo._errors").attr("ClosedError")("the engine is closed");
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  throw py::error_already_set();
}

template <typename T>
T Check(certo::Result<T>&& result) {
  if (!result.ok()) Raise(result.error());
  return std::move(result).value();
}

void Check(const certo::Status& status) {
  if (!status.ok()) Raise(status);
}

// ---- Dates ------------------------------------------------------------------------------------

std::optional<Date> ParseDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  Date date{std::chrono::year{std::stoi(text.substr(0, 4))},
            std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
            std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
  if (!date.ok()) return std::nullopt;
  return date;
}

// The date in field, or a ValidationError naming field. REQUIRES: the GIL is held.
Date DateArg(const std::string& field, const std::string& text) {
  std::optional<Date> date = ParseDate(text);
  if (!date)
    Raise(certo::Status::Validation(field, "must be a real calendar date in the form YYYY-MM-DD"));
  return *date;
}

std::optional<Date> OptionalDateArg(const std::string& field,
                                    const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return DateArg(field, *text);
}

std::string FormatDate(const Date& date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

// ---- Python <-> certo::Json ---------------------------------------------------------------------

// Deeper than any record; stops a self-referencing list from overflowing the C stack.
constexpr int kMaxDepth = 256;

Json ToJson(py::handle h, int depth = 0) {
  if (depth > kMaxDepth) {
    throw py::value_error("the value is nested more than 256 levels deep (a circular reference?)");
  }
  PyObject* o = h.ptr();
  if (o == Py_None) return nullptr;
  if (PyBool_Check(o)) return o == Py_True;
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow == 0) {
      if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
      return static_cast<int64_t>(v);
    }
    if (overflow > 0) {
      unsigned long long u = PyLong_AsUnsignedLongLong(o);
      if (!PyErr_Occurred()) return static_cast<uint64_t>(u);
      PyErr_Clear();
    }
    throw py::value_error("the integer " + py::repr(h).cast<std::string>() +
                          " does not fit in 64 bits");
  }
  if (PyFloat_Check(o)) {
    double d = PyFloat_AS_DOUBLE(o);
    if (!std::isfinite(d)) throw py::value_error("JSON has no NaN or infinity");
    return d;
  }
  if (PyUnicode_Check(o)) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(o, &size);
    if (!data) throw py::error_already_set();
    return std::string(data, static_cast<size_t>(size));
  }
  if (PyDate_Check(o)) {
    if (PyDateTime_Check(o)) {
      throw py::type_error(
          "certo dates are days: pass a datetime.date (value.date()), not a "
          "datetime.datetime");
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", PyDateTime_GET_YEAR(o),
                  PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
    return std::string(buf);
  }
  if (PyDict_Check(o)) {
    Json object = Json::object();
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &key, &value)) {
      if (!PyUnicode_Check(key)) {
        throw py::type_error("JSON object keys must be str, not " +
                             std::string(Py_TYPE(key)->tp_name));
      }
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(key, &size);
      if (!data) throw py::error_already_set();
      object[std::string(data, static_cast<size_t>(size))] = ToJson(value, depth + 1);
    }
    return object;
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    Json array = Json::array();
    for (py::handle item : py::reinterpret_borrow<py::sequence>(h)) {
      array.push_back(ToJson(item, depth + 1));
    }
    return array;
  }
  throw py::type_error("Object of type " + std::string(Py_TYPE(o)->tp_name) +
                       " is not JSON serializable");
}

py::object FromJson(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return py::none();
    case Json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case Json::value_t::number_integer:
      return py::int_(j.get<int64_t>());
    case Json::value_t::number_unsigned:
      return py::int_(j.get<uint64_t>());
    case Json::value_t::number_float:
      return py::float_(j.get<double>());
    case Json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case Json::value_t::array: {
      py::list list(j.size());
      size_t i = 0;
      for (const Json& item : j) list[i++] = FromJson(item);
      return list;
    }
    case Json::value_t::object: {
      py::dict dict;
      for (const auto& [key, value] : j.items()) dict[py::str(key)] = FromJson(value);
      return dict;
    }
    case Json::value_t::binary:
      break;
  }
  return py::none();
}

// A request body: None -> empty, str/bytes -> as is, anything else -> serialized JSON.
std::string BodyText(py::handle body) {
  if (body.is_none()) return {};
  if (PyUnicode_Check(body.ptr())) return body.cast<std::string>();
  if (PyBytes_Check(body.ptr())) return std::string(py::reinterpret_borrow<py::bytes>(body));
  return ToJson(body).dump();
}

py::object ParseBody(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return py::none();
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return py::str(text);
  return FromJson(parsed);
}

py::tuple ResponseTuple(const certo::Response& r) {
  py::list headers;
  for (const auto& [name, value] : r.headers) headers.append(py::make_tuple(name, value));
  return py::make_tuple(r.status, headers, ParseBody(r.body));
}

py::tuple PageTuple(const certo::Page& page) {
  return py::make_tuple(FromJson(page.rows), page.total_count, page.page, page.per_page,
                        page.page_count);
}

py::tuple EventTuple(const certo::Event& e) {
  return py::make_tuple(e.seq, e.name, e.entity_id, FromJson(e.payload), e.date);
}

// ---- Callbacks ----------------------------------------------------------------------------------

// A Python callable held by C++ code that copies it without the GIL (the engine copies its
// handler list before delivering events). Copies share this one reference; the last one drops it
// with the GIL held.
struct PyCallable {
  py::object fn;
  explicit PyCallable(py::object f) : fn(std::move(f)) {}
  PyCallable(const PyCallable&) = delete;
  PyCallable& operator=(const PyCallable&) = delete;
  ~PyCallable() {
    if (!Py_IsInitialized()) {
      fn.release();  // the interpreter is gone: nothing left to decrement
      return;
    }
    py::gil_scoped_acquire gil;
    fn = py::object();
  }
};

// How deep this thread is in Python code that an engine called back (a transaction body, an
// event handler). The engine's lock is held there, so a `with engine.transaction()` opened
// there would wait for itself: Begin refuses it.
thread_local int tls_in_callback = 0;

struct InCallback {
  InCallback() { ++tls_in_callback; }
  ~InCallback() { --tls_in_callback; }
  InCallback(const InCallback&) = delete;
  InCallback& operator=(const InCallback&) = delete;
};

// ---- Transactions that span calls ---------------------------------------------------------------

// `with engine.transaction():` in Python: a transaction that is opened by one call and committed
// or rolled back by a later one. certo::Engine::Transaction takes a body to run instead, holding
// the engine's (recursive, per-thread) lock throughout, so a worker thread runs that
// Transaction and, inside its body, whatever the Python thread that opened it asks: every
// engine call that thread makes until it ends the transaction is forwarded here and waited for.
// A nested `with` opens a nested Transaction (a savepoint) inside the worker's body. Other
// threads' calls wait for the engine's lock as they would for any transaction.
//
// All methods REQUIRE the GIL to be released: the worker takes it to run Python callbacks.
class TxnWorker {
 public:
  using Task = std::function<void(certo::Engine&)>;

  TxnWorker(std::shared_ptr<certo::Engine> engine, bool bulk)
      : engine_(std::move(engine)), bulk_(bulk) {}

  ~TxnWorker() {
    if (thread_.joinable()) thread_.join();
  }

  // Opens the transaction; an error when it cannot be opened (busy, closed file, ...).
  certo::Status Begin() {
    std::lock_guard<std::mutex> send(send_mu_);
    thread_ = std::thread([this] {
      certo::Status status =
          bulk_ ? engine_->BulkTransaction(Serve()) : engine_->Transaction(Serve());
      Post(Reply{false, std::move(status), nullptr});
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
      cv_.notify_all();
    });
    Reply reply = Await();
    if (reply.begun) ++depth_;
    return reply.status;
  }

  // Runs task inside the innermost open level; rethrows what task threw. Not OK when the
  // transaction has already ended (task did not run).
  certo::Status Run(const Task& task) {
    Reply reply = Send(Message{Kind::kCall, &task, false});
    if (reply.thrown) std::rethrow_exception(reply.thrown);
    return reply.status;
  }

  certo::Status BeginNested(bool bulk) {
    Reply reply = Send(Message{Kind::kBegin, nullptr, bulk});
    if (reply.begun) ++depth_;
    return reply.status;
  }

  // Commits or rolls back the innermost level; returns the commit's status. Ending the outermost
  // level ends the worker thread.
  certo::Status End(bool commit) {
    Reply reply = Send(Message{Kind::kEnd, nullptr, commit});
    --depth_;
    if (depth_ == 0 && thread_.joinable()) thread_.join();
    if (!commit) return certo::Status::OK();  // the rollback's own status says "rolled back"
    return reply.status;
  }

  int depth() const { return depth_; }

 private:
  enum class Kind { kCall, kBegin, kEnd };
  struct Message {
    Kind kind;
    const Task* task;
    bool flag;  // kBegin: bulk; kEnd: commit
  };
  struct Reply {
    bool begun = false;  // a level opened (the answer to a begin)
    certo::Status status;
    std::exception_ptr thrown;
  };

  // The body of one level's Transaction: answers the begin, then serves until its end.
  std::function<certo::Status(certo::Engine&)> Serve() {
    return [this](certo::Engine& e) -> certo::Status {
      Post(Reply{true, certo::Status::OK(), nullptr});
      for (;;) {
        Message m = Take();
        switch (m.kind) {
          case Kind::kCall: {
            Reply reply;
            try {
              (*m.task)(e);
            } catch (...) {
              reply.thrown = std::current_exception();
            }
            Post(std::move(reply));
            break;
          }
          case Kind::kBegin: {
            certo::Status status = m.flag ? e.BulkTransaction(Serve()) : e.Transaction(Serve());
            Post(Reply{false, std::move(status), nullptr});  // answers the nested end (or begin)
            break;
          }
          case Kind::kEnd:
            return m.flag ? certo::Status::OK()
                          : certo::Status::InvalidArgument("the transaction was rolled back");
        }
      }
    };
  }

  Reply Send(Message m) {
    std::lock_guard<std::mutex> send(send_mu_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (finished_) return Reply{false, certo::Status::Internal("the transaction has ended"), {}};
      inbox_ = m;
      cv_.notify_all();
    }
    return Await();
  }

  Reply Await() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return outbox_.has_value(); });
    Reply reply = std::move(*outbox_);
    outbox_.reset();
    return reply;
  }

  void Post(Reply reply) {
    std::lock_guard<std::mutex> lock(mu_);
    outbox_ = std::move(reply);
    cv_.notify_all();
  }

  Message Take() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return inbox_.has_value(); });
    Message m = *inbox_;
    inbox_.reset();
    return m;
  }

  std::shared_ptr<certo::Engine> engine_;
  bool bulk_;
  int depth_ = 0;       // touched only by the owning Python thread
  std::mutex send_mu_;  // one request at a time
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Message> inbox_;
  std::optional<Reply> outbox_;
  bool finished_ = false;
  std::thread thread_;
};

// ---- The engine ---------------------------------------------------------------------------------

class PyEngine {
 public:
  PyEngine(const std::string& path, const std::optional<std::string>& today, int busy_timeout_ms,
           bool create_if_missing, int cache_size_kib) {
    certo::Options options;
    options.today = OptionalDateArg("today", today);
    options.busy_timeout_ms = busy_timeout_ms;
    options.create_if_missing = create_if_missing;
    options.cache_size_kib = cache_size_kib;
    certo::Result<std::unique_ptr<certo::Engine>> opened = certo::Status::Internal("not opened");
    {
      py::gil_scoped_release release;  // opening may wait busy_timeout for a lock
      opened = certo::Engine::Open(path, options);
    }
    engine_ = std::shared_ptr<certo::Engine>(Check(std::move(opened)));
  }

  // Transactions left open (a `with` block never exited) are rolled back. A destructor has no
  // caller to tell of a failed rollback, and SQLite rolls back what it cannot undo itself when
  // the connection closes.
  ~PyEngine() {
    std::map<std::thread::id, std::shared_ptr<TxnWorker>> workers = std::move(workers_);
    py::gil_scoped_release release;
    for (auto& [thread, worker] : workers) {
      while (worker->depth() > 0) (void)worker->End(/*commit=*/false);
    }
  }

  // Drops this object's reference; a call still running on another thread keeps the engine
  // open until it returns, and so does a transaction opened by begin() until it ends. Closing
  // twice is harmless.
  void Close() {
    std::shared_ptr<certo::Engine> engine = std::move(engine_);
    engine_.reset();
    py::gil_scoped_release release;  // closing may checkpoint the WAL
    engine.reset();
  }

  bool closed() const { return engine_ == nullptr; }

  py::tuple Request(const std::string& method, const std::string& path, py::handle body) {
    std::string text = BodyText(body);
    certo::Response response;
    Exec([&](certo::Engine& e) { response = e.Request(method, path, text); });
    return ResponseTuple(response);
  }

  py::object Create(const std::string& collection, py::handle record) {
    Json json = ToJson(record);
    return Call([&](certo::Engine& e) { return e.Create(collection, json); });
  }

  py::object View(const std::string& collection, const std::string& id) {
    return Call([&](certo::Engine& e) { return e.View(collection, id); });
  }

  py::object Update(const std::string& collection, const std::string& id, py::handle changes) {
    Json json = ToJson(changes);
    return Call([&](certo::Engine& e) { return e.Update(collection, id, json); });
  }

  py::tuple Index(const std::string& collection, py::handle filter, int per_page, int page,
                  const std::string& sort, bool history, const std::optional<std::string>& as_of) {
    certo::Query query;
    query.filter = filter.is_none() ? Json::object() : ToJson(filter);
    query.per_page = per_page;
    query.page = page;
    query.sort = sort;
    query.history = history;
    query.as_of = OptionalDateArg("as_of", as_of);
    certo::Result<certo::Page> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.Index(collection, query); });
    return PageTuple(Check(std::move(result)));
  }

  py::tuple Delete(const std::string& collection, const std::string& id, bool force) {
    certo::Result<certo::DeleteResult> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.Delete(collection, id, force); });
    certo::DeleteResult deleted = Check(std::move(result));
    py::list rows;
    for (const certo::RowRef& row : deleted.rows)
      rows.append(py::make_tuple(row.collection, row.id));
    return py::make_tuple(deleted.forced, rows);
  }

  py::object Historicize(const std::string& collection, const std::string& id,
                         const std::optional<std::string>& date) {
    std::optional<Date> when = OptionalDateArg("date", date);
    return Call([&](certo::Engine& e) { return e.Historicize(collection, id, when); });
  }

  py::object Restore(const std::string& collection, const std::string& id) {
    return Call([&](certo::Engine& e) { return e.Restore(collection, id); });
  }

  py::object Revoke(const std::string& id, const std::optional<std::string>& date,
                    const std::string& reason) {
    std::optional<Date> when = OptionalDateArg("date", date);
    return Call([&](certo::Engine& e) { return e.RevokeCertificate(id, when, reason); });
  }

  py::object Unrevoke(const std::string& id) {
    return Call([&](certo::Engine& e) { return e.UnrevokeCertificate(id); });
  }

  py::tuple Changes(const std::string& from, const std::string& to, py::handle filter, int per_page,
                    int page, bool history) {
    certo::ChangesQuery query;
    query.from = DateArg("from", from);
    query.to = DateArg("to", to);
    query.filter = filter.is_none() ? Json::object() : ToJson(filter);
    query.per_page = per_page;
    query.page = page;
    query.history = history;
    certo::Result<certo::Page> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.Changes(query); });
    return PageTuple(Check(std::move(result)));
  }

  // Engine::Trend -> [(date, {"NEW": n, "VALID": n, "EXPIRING": n, "EXPIRED": n})].
  py::list Trend(const std::string& from, const std::string& to, const std::string& step,
                 py::handle filter) {
    certo::TrendQuery query;
    query.from = DateArg("from", from);
    query.to = DateArg("to", to);
    std::optional<certo::TrendStep> parsed = certo::ParseTrendStep(step);
    if (!parsed) Raise(certo::Status::Validation("step", "must be month, week or day"));
    query.step = *parsed;
    query.filter = filter.is_none() ? Json::object() : ToJson(filter);
    certo::Result<std::vector<certo::TrendPoint>> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.Trend(query); });
    py::list points;
    for (const certo::TrendPoint& p : Check(std::move(result))) {
      py::dict counts;
      for (certo::ScheduleStatus s : certo::kScheduleStatuses) {
        auto it = p.counts.find(s);
        counts[py::str(certo::StatusName(s))] = it == p.counts.end() ? 0 : it->second;
      }
      points.append(py::make_tuple(FormatDate(p.date), counts));
    }
    return points;
  }

  py::object IncidentCompliance(const std::string& id) {
    return Call([&](certo::Engine& e) { return e.IncidentCompliance(id); });
  }

  py::object PersonRequirements(const std::string& id, const std::optional<std::string>& as_of) {
    std::optional<Date> day = OptionalDateArg("as_of", as_of);
    return Call([&](certo::Engine& e) { return e.PersonRequirements(id, day); });
  }

  // depth: "full", "quick" or "schedule" (certo::VerifyOptions::Depth).
  py::tuple Verify(const std::string& depth) {
    certo::VerifyOptions options;
    if (depth == "full") {
      options.depth = certo::VerifyOptions::Depth::kFull;
    } else if (depth == "quick") {
      options.depth = certo::VerifyOptions::Depth::kQuick;
    } else if (depth == "schedule") {
      options.depth = certo::VerifyOptions::Depth::kSchedule;
    } else {
      Raise(certo::Status::Validation("depth", "must be full, quick or schedule"));
    }
    certo::Result<certo::VerifyReport> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.Verify(options); });
    certo::VerifyReport report = Check(std::move(result));
    py::list problems;
    for (const certo::Problem& p : report.problems) {
      problems.append(
          py::make_tuple(p.check, p.collection, p.id, p.field, p.stored, p.expected, p.message));
    }
    return py::make_tuple(report.subscriptions_checked, report.links_checked, problems,
                          report.outbox_dropped, report.outbox_dropped_through);
  }

  // The export requests of project_id ("" = every project): written to path as JSON lines (the
  // bytes of `certo export`) without the GIL, returning their count, or returned as a list of
  // dicts when path is None.
  py::object Export(const std::string& project_id, const std::optional<std::string>& path) {
    std::vector<Json> requests;
    std::ofstream out;
    if (path) {
      out.open(*path, std::ios::binary | std::ios::trunc);
      if (!out) Raise(certo::Status::IOError("cannot write '" + *path + "'"));
    }
    int64_t count = 0;
    certo::Status status;
    Exec([&](certo::Engine& e) {
      status = e.Export(project_id, [&](const Json& request) {
        ++count;
        if (path) {
          out << request.dump() << '\n';
        } else {
          requests.push_back(request);
        }
      });
    });
    Check(status);
    if (path) {
      out.close();
      if (!out) Raise(certo::Status::IOError("cannot write '" + *path + "'"));
      return py::int_(count);
    }
    py::list list;
    for (const Json& request : requests) list.append(FromJson(request));
    return list;
  }

  // Engine::SyncPeople -> (changes [(kind, line, person_id, key, name, fields)], unchanged,
  // errors [(line, field, message)], cap_exceeded, applied).
  py::tuple SyncPeople(const std::string& csv, const std::string& project_id,
                       const std::string& match, bool dry_run, std::optional<int64_t> max_changes,
                       const std::optional<std::string>& date) {
    certo::PeopleSyncOptions options;
    options.project_id = project_id;
    options.match = match;
    options.dry_run = dry_run;
    options.max_changes = max_changes;
    options.date = OptionalDateArg("date", date);
    certo::Result<certo::PeopleSyncResult> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.SyncPeople(csv, options); });
    certo::PeopleSyncResult sync = Check(std::move(result));
    py::list changes, errors;
    for (const certo::PeopleSyncChange& c : sync.changes) {
      changes.append(py::make_tuple(certo::PeopleSyncKindName(c.kind), c.line, c.person_id, c.key,
                                    c.name, FromJson(c.fields)));
    }
    for (const certo::PeopleSyncError& error : sync.errors) {
      errors.append(py::make_tuple(error.line, error.field, error.message));
    }
    return py::make_tuple(changes, sync.unchanged, errors, sync.cap_exceeded, sync.applied);
  }

  py::list ReadOutbox(int64_t after, int limit) {
    certo::Result<std::vector<certo::Event>> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.ReadOutbox(after, limit); });
    py::list events;
    for (const certo::Event& e : Check(std::move(result))) events.append(EventTuple(e));
    return events;
  }

  void AckOutbox(int64_t through) {
    certo::Status status;
    Exec([&](certo::Engine& e) { status = e.AckOutbox(through); });
    Check(status);
  }

  // (max_events|None, max_days|None, pending, dropped, dropped_through): certo/outbox.h.
  static py::tuple OutboxStateTuple(const certo::OutboxState& s) {
    auto limit = [](const std::optional<int64_t>& v) -> py::object {
      return v ? py::object(py::int_(*v)) : py::object(py::none());
    };
    return py::make_tuple(limit(s.policy.max_events), limit(s.policy.max_days), s.pending,
                          s.dropped, s.dropped_through);
  }

  py::tuple OutboxStatus() {
    certo::Result<certo::OutboxState> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.OutboxStatus(); });
    return OutboxStateTuple(Check(std::move(result)));
  }

  // The whole policy: None is no limit.
  py::tuple SetOutboxPolicy(std::optional<int64_t> max_events, std::optional<int64_t> max_days) {
    certo::Result<certo::OutboxState> result = certo::Status::Internal("not run");
    const certo::OutboxPolicy policy{.max_events = max_events, .max_days = max_days};
    Exec([&](certo::Engine& e) { result = e.SetOutboxPolicy(policy); });
    return OutboxStateTuple(Check(std::move(result)));
  }

  // (bytes_before, bytes_after, vacuumed): certo/compact.h.
  py::tuple Compact(bool vacuum) {
    certo::Result<certo::CompactResult> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = e.Compact(vacuum); });
    certo::CompactResult r = Check(std::move(result));
    return py::make_tuple(r.bytes_before, r.bytes_after, r.vacuumed);
  }

  // handler(event_tuple) runs after each committed write, on the writing thread. If it raises,
  // the exception goes to sys.unraisablehook (as for a failing __del__): the write has
  // committed and the engine carries on.
  int Subscribe(py::function handler) {
    auto callable = std::make_shared<PyCallable>(std::move(handler));
    certo::EventHandler deliver = [callable](const certo::Event& event) {
      py::gil_scoped_acquire gil;
      InCallback in_callback;
      try {
        callable->fn(EventTuple(event));
      } catch (py::error_already_set& error) {
        error.discard_as_unraisable(callable->fn);
      } catch (const std::exception& error) {
        PyErr_SetString(PyExc_Exception, error.what());
        PyErr_WriteUnraisable(callable->fn.ptr());
      }
    };
    int token = 0;
    Exec([&](certo::Engine& e) { token = e.Subscribe(std::move(deliver)); });
    return token;
  }

  void Unsubscribe(int token) {
    // The last reference to the handler is dropped with the GIL (PyCallable).
    Exec([&](certo::Engine& e) { e.Unsubscribe(token); });
  }

  // Runs body() inside one transaction (bulk: a BulkTransaction). body's exception rolls
  // everything back and is re-raised unchanged; otherwise its return value is returned.
  py::object Transaction(py::function body, bool bulk) {
    py::object result = py::none();
    std::optional<py::error_already_set> raised;
    std::exception_ptr other;
    certo::Status status;
    Exec([&](certo::Engine& e) {
      auto run = [&](certo::Engine&) -> certo::Status {
        py::gil_scoped_acquire gil;
        InCallback in_callback;
        try {
          result = body();
          return certo::Status::OK();
        } catch (py::error_already_set& error) {
          raised.emplace(std::move(error));
        } catch (...) {
          other = std::current_exception();
        }
        return certo::Status::Internal("the transaction body raised");
      };
      status = bulk ? e.BulkTransaction(run) : e.Transaction(run);
    });
    if (raised) throw std::move(*raised);
    if (other) std::rethrow_exception(other);
    Check(status);
    return result;
  }

  // Opens a transaction that this thread's calls run in until End (`with engine.transaction()`);
  // a second Begin on the same thread opens a nested one (a savepoint).
  void Begin(bool bulk) {
    auto engine = Get();
    if (tls_in_callback > 0) {
      Raise(certo::Status::InvalidArgument(
          "`with engine.transaction()` cannot open inside a transaction body or an event "
          "callback, where the engine's lock is already held: call engine.transaction(body) "
          "there, or open the with block outside"));
    }
    std::thread::id me = std::this_thread::get_id();
    auto it = workers_.find(me);
    certo::Status status;
    if (it != workers_.end()) {
      std::shared_ptr<TxnWorker> worker = it->second;
      py::gil_scoped_release release;
      status = worker->BeginNested(bulk);
    } else {
      auto worker = std::make_shared<TxnWorker>(engine, bulk);
      {
        py::gil_scoped_release release;
        status = worker->Begin();
      }
      if (status.ok()) workers_[me] = worker;
    }
    Check(status);
  }

  // Commits (commit) or rolls back the innermost transaction this thread opened with Begin.
  // Works after close(): a transaction already running ends as it would have.
  void End(bool commit) {
    std::thread::id me = std::this_thread::get_id();
    auto it = workers_.find(me);
    if (it == workers_.end()) {
      Raise(certo::Status::InvalidArgument("no transaction is open on this thread"));
    }
    std::shared_ptr<TxnWorker> worker = it->second;
    if (worker->depth() == 1) workers_.erase(it);
    certo::Status status;
    {
      py::gil_scoped_release release;
      status = worker->End(commit);
    }
    Check(status);
  }

  // Runs requests [(method, path, body)] through the JSON API inside one BulkTransaction.
  // atomic: stops at the first failure and rolls back everything. Otherwise each failed request
  // undoes only itself. Returns ([response], index of the failure or -1).
  py::tuple BulkImport(py::iterable requests, bool atomic) {
    struct Call {
      std::string method, path, body;
    };
    std::vector<Call> calls;
    for (py::handle item : requests) {
      auto request = item.cast<py::tuple>();
      if (request.size() != 3) throw py::value_error("each request is (method, path, body)");
      calls.push_back(Call{request[0].cast<std::string>(), request[1].cast<std::string>(),
                           BodyText(request[2])});
    }
    std::vector<certo::Response> responses;
    responses.reserve(calls.size());
    long failed = -1;
    certo::Status status;
    Exec([&](certo::Engine& engine) {
      status = engine.BulkTransaction([&](certo::Engine& e) -> certo::Status {
        for (const Call& call : calls) {
          responses.push_back(e.Request(call.method, call.path, call.body));
          if (responses.back().status >= 400 && failed < 0) {
            failed = static_cast<long>(responses.size()) - 1;
            if (atomic) return certo::Status::InvalidArgument("a request failed");
          }
        }
        return certo::Status::OK();
      });
    });
    if (!status.ok() && !(atomic && failed >= 0)) Raise(status);
    py::list out;
    for (const certo::Response& r : responses) out.append(ResponseTuple(r));
    return py::make_tuple(out, failed);
  }

  std::string Today() {
    Date today;
    Exec([&](certo::Engine& e) { today = e.Today(); });
    return FormatDate(today);
  }

  int SchemaVersion() {
    int version = 0;
    Exec([&](certo::Engine& e) { version = e.SchemaVersion(); });
    return version;
  }

 private:
  // The engine for one call. REQUIRES: the GIL is held (it guards engine_).
  std::shared_ptr<certo::Engine> Get() const {
    if (!engine_) RaiseClosed();
    return engine_;
  }

  // Runs fn(engine) without the GIL: in this thread's open transaction (Begin) when there is
  // one, else right here. REQUIRES: the GIL is held.
  template <typename Fn>
  void Exec(Fn&& fn) {
    auto engine = Get();
    std::shared_ptr<TxnWorker> worker;
    if (!workers_.empty()) {
      auto it = workers_.find(std::this_thread::get_id());
      if (it != workers_.end()) worker = it->second;
    }
    certo::Status status;
    {
      py::gil_scoped_release release;
      if (worker) {
        status = worker->Run([&](certo::Engine& e) { fn(e); });
      } else {
        fn(*engine);
      }
    }
    Check(status);
  }

 public:
  // ---- Review campaigns (certo/review.h): JSON in and out, as the OIG routes answer ----

  py::object Review(const std::string& what, py::handle args) {
    Json a = ToJson(args);
    certo::ReviewPage page;
    page.offset = a.value("offset", int64_t{1});
    page.limit = a.value("limit", int64_t{10});
    const int64_t cert = a.value("cert_id", int64_t{0});
    const std::string task = a.value("task_id", std::string());
    const std::string who = a.value("actor", std::string());
    return Call([&](certo::Engine& e) -> certo::Result<Json> {
      if (what == "create") return e.CreateReviewCampaign(a["spec"]);
      if (what == "start") return e.StartReviewCampaign(cert);
      if (what == "campaigns") return e.ReviewCampaigns(who, page);
      if (what == "campaign") return e.ReviewCampaign(cert);
      if (what == "tasks") return e.ReviewTasks(cert, who, page);
      if (what == "task") return e.ReviewTask(cert, task);
      if (what == "line_items") return e.ReviewLineItems(cert, task, page);
      if (what == "line_item") {
        return e.ReviewLineItem(cert, task, a.value("line_item_id", int64_t{0}), page);
      }
      if (what == "history") return e.ReviewTaskHistory(cert, task, page);
      if (what == "task_action") {
        return e.ReviewTaskAction(cert, task, a.value("action", std::string()),
                                  a.value("args", Json::object()), who);
      }
      if (what == "close_due") return e.CloseDueReviews();
      if (what == "report") return e.ReviewReport(cert);
      if (what == "line_item_actions") {
        std::vector<certo::ReviewLineItemAction> actions;
        for (const Json& j : a["actions"]) {
          certo::ReviewLineItemAction x;
          x.request_id = j.value("request_id", std::string());
          x.line_item_id = j.value("line_item_id", int64_t{0});
          x.action = j.value("action", std::string());
          x.comment = j.value("comment", std::string());
          if (j.contains("end_date") && j["end_date"].is_string()) {
            x.end_date = certo::ParseDate(j["end_date"].get<std::string>());
            if (!x.end_date) {
              return certo::Status::Validation("end_date", "must be a date YYYY-MM-DD");
            }
          }
          if (j.contains("line_item_detail_ids")) {
            x.line_item_detail_ids = j["line_item_detail_ids"].get<std::vector<int64_t>>();
          }
          actions.push_back(std::move(x));
        }
        auto r = e.ReviewLineItemActions(cert, task, actions, who);
        if (!r.ok()) return r.error();
        Json out = Json::array();
        for (const certo::ReviewActionResult& one : *r) {
          Json error;
          if (!one.status.ok()) {
            Json fields = Json::array();
            for (const certo::FieldError& f : one.status.field_errors()) {
              fields.push_back(Json::array({f.field, f.message}));
            }
            error = Json{{"code", certo::CodeName(one.status.code())},
                         {"code_value", static_cast<int>(one.status.code())},
                         {"message", one.status.message()},
                         {"fields", fields}};
          }
          out.push_back(Json{{"request_id", one.request_id},
                             {"line_item_id", one.line_item_id},
                             {"action", one.action},
                             {"replayed", one.replayed},
                             {"error", error}});
        }
        return out;
      }
      return certo::Status::InvalidArgument("unknown review call " + what);
    });
  }

 private:
  // Runs fn (an engine call returning Result<Json>) without the GIL; returns the record.
  template <typename Fn>
  py::object Call(Fn&& fn) {
    certo::Result<Json> result = certo::Status::Internal("not run");
    Exec([&](certo::Engine& e) { result = fn(e); });
    return FromJson(Check(std::move(result)));
  }

  std::shared_ptr<certo::Engine> engine_;
  // The transactions opened by Begin, by the Python thread that opened them (guarded by the GIL).
  std::map<std::thread::id, std::shared_ptr<TxnWorker>> workers_;
};

// Every Code the library knows, as (value, name, http status): the codes are numbered densely
// from 0, and CodeName() answers "internal" past the last.
py::list Codes() {
  py::list codes;
  for (int value = 0; value < 64; ++value) {
    auto code = static_cast<certo::Code>(value);
    const std::string name = certo::CodeName(code);
    if (name == "internal" && code != certo::Code::kInternal) break;
    codes.append(py::make_tuple(value, name, certo::HttpStatus(code)));
  }
  return codes;
}

// certo::Engine::DateFields of every collection.
py::dict DateFields() {
  py::dict fields;
  for (const std::string& collection : certo::Engine::Collections()) {
    fields[py::str(collection)] = py::cast(certo::Engine::DateFields(collection));
  }
  return fields;
}

}  // namespace

PYBIND11_MODULE(_certo, m) {
  PyDateTime_IMPORT;
  if (!PyDateTimeAPI) throw py::error_already_set();

  m.doc() = "Private extension module of the certo package; use `import certo` instead.";
  m.attr("__version__") = CERTO_VERSION_STRING;
  m.def("collections", &certo::Engine::Collections,
        "The collections this build knows, parents before children.");
  m.def("codes", &Codes, "Every error code as (value, name, http_status).");
  m.def("date_fields", &DateFields, "Collection -> the fields of its records that hold a date.");

  py::class_<PyEngine>(m, "Engine")
      .def(py::init<const std::string&, const std::optional<std::string>&, int, bool, int>(),
           py::arg("path"), py::arg("today"), py::arg("busy_timeout_ms"),
           py::arg("create_if_missing"), py::arg("cache_size_kib"))
      .def("close", &PyEngine::Close)
      .def_property_readonly("closed", &PyEngine::closed)
      .def("request", &PyEngine::Request, py::arg("method"), py::arg("path"), py::arg("body"))
      .def("create", &PyEngine::Create, py::arg("collection"), py::arg("record"))
      .def("view", &PyEngine::View, py::arg("collection"), py::arg("id"))
      .def("update", &PyEngine::Update, py::arg("collection"), py::arg("id"), py::arg("changes"))
      .def("index", &PyEngine::Index, py::arg("collection"), py::arg("filter"), py::arg("per_page"),
           py::arg("page"), py::arg("sort"), py::arg("history"), py::arg("as_of"))
      .def("delete", &PyEngine::Delete, py::arg("collection"), py::arg("id"), py::arg("force"))
      .def("historicize", &PyEngine::Historicize, py::arg("collection"), py::arg("id"),
           py::arg("date"))
      .def("restore", &PyEngine::Restore, py::arg("collection"), py::arg("id"))
      .def("revoke", &PyEngine::Revoke, py::arg("id"), py::arg("date"), py::arg("reason"))
      .def("unrevoke", &PyEngine::Unrevoke, py::arg("id"))
      .def("changes", &PyEngine::Changes, py::arg("from_date"), py::arg("to_date"),
           py::arg("filter"), py::arg("per_page"), py::arg("page"), py::arg("history"))
      .def("verify", &PyEngine::Verify, py::arg("depth"))
      .def("trend", &PyEngine::Trend, py::arg("from_date"), py::arg("to_date"), py::arg("step"),
           py::arg("filter"))
      .def("incident_compliance", &PyEngine::IncidentCompliance, py::arg("id"))
      .def("person_requirements", &PyEngine::PersonRequirements, py::arg("id"), py::arg("as_of"))
      .def("export", &PyEngine::Export, py::arg("project_id"), py::arg("path"))
      .def("sync_people", &PyEngine::SyncPeople, py::arg("csv"), py::arg("project_id"),
           py::arg("match"), py::arg("dry_run"), py::arg("max_changes"), py::arg("date"))
      .def("begin", &PyEngine::Begin, py::arg("bulk"))
      .def("end", &PyEngine::End, py::arg("commit"))
      .def("read_outbox", &PyEngine::ReadOutbox, py::arg("after"), py::arg("limit"))
      .def("ack_outbox", &PyEngine::AckOutbox, py::arg("through"))
      .def("outbox_status", &PyEngine::OutboxStatus)
      .def("set_outbox_policy", &PyEngine::SetOutboxPolicy, py::arg("max_events"),
           py::arg("max_days"))
      .def("compact", &PyEngine::Compact, py::arg("vacuum"))
      .def("subscribe", &PyEngine::Subscribe, py::arg("handler"))
      .def("unsubscribe", &PyEngine::Unsubscribe, py::arg("token"))
      .def("transaction", &PyEngine::Transaction, py::arg("body"), py::arg("bulk"))
      .def("bulk_import", &PyEngine::BulkImport, py::arg("requests"), py::arg("atomic"))
      .def("today", &PyEngine::Today)
      .def("schema_version", &PyEngine::SchemaVersion)
      .def("review", &PyEngine::Review, py::arg("what"), py::arg("args"));
}
