// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// libFuzzer target for Engine::Request, which promises never to throw and never to crash. An
// input is "METHOD\nTARGET\nBODY" (make_corpus.py writes seeds in that form). Every request
// runs against the example company (examples/company.jsonl, loaded once) inside a transaction
// that is rolled back, so each input sees the same file and a crash reproduces from its input
// alone. Beyond ASan and UBSan, a response that is not JSON or has a status outside the API's
// set is a finding too.

#include "certo/engine.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace {

certo::Engine& TheEngine() {
  static certo::Engine* engine = [] {
    certo::Options options;
    options.today = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::November,
                                                std::chrono::day{22}};
    auto opened = certo::Engine::Open(":memory:", options);
    if (!opened.ok()) std::abort();
    std::ifstream company(CERTO_SOURCE_DIR "/examples/company.jsonl");
    for (std::string line; std::getline(company, line);) {
      certo::Json r = certo::Json::parse(line, nullptr, false);
      if (!r.is_object()) continue;
      (*opened)->Request(r["method"].get<std::string>(), r["path"].get<std::string>(),
                         r.contains("body") ? r["body"].dump() : "");
    }
    return opened->release();
  }();
  return *engine;
}

bool KnownStatus(int status) {
  for (int s : {200, 201, 400, 404, 405, 409, 422, 500, 503}) {
    if (status == s) return true;
  }
  return false;
}

}  // namespace

// The example company is loaded here, before the first input, so that its seconds of setup (more
// on a loaded machine) do not count against the first input's -timeout.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  TheEngine();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t first = input.find('\n');
  const size_t second = first == std::string_view::npos ? first : input.find('\n', first + 1);
  std::string_view method = input.substr(0, first);
  std::string_view target =
      first == std::string_view::npos ? "" : input.substr(first + 1, second - first - 1);
  std::string_view body = second == std::string_view::npos ? "" : input.substr(second + 1);
  certo::Engine& engine = TheEngine();
  certo::Response response;
  engine.Transaction([&](certo::Engine& e) {
    response = e.Request(method, target, body);
    return certo::Status::Internal("rolled back: every input starts from the same file");
  });
  if (!KnownStatus(response.status)) {
    std::cerr << "unexpected status " << response.status << ": " << response.body << '\n';
    std::abort();
  }
  if (certo::Json::parse(response.body, nullptr, false).is_discarded()) {
    std::cerr << "the response body is not JSON: " << response.body << '\n';
    std::abort();
  }
  return 0;
}
