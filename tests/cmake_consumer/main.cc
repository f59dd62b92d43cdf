// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// A consumer of the installed package: only the public headers and certo::certo.
// Prints a fixed report (checked by check.cmake) and returns 0 only when everything worked.

#include <chrono>
#include <iostream>
#include <string>

#include <certo/engine.h>
#include <certo/version.h>

namespace {

int Fail(const std::string& what) {
  std::cerr << "consumer: " << what << "\n";
  return 1;
}

}  // namespace

int main() {
  certo::Options options;
  options.today = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::November,
                                              std::chrono::day{22}};
  auto engine = certo::Engine::Open(":memory:", options);
  if (!engine.ok()) return Fail("Open: " + engine.error().ToString());

  // Through the C++ API.
  certo::Result<certo::Json> created = (*engine)->Create(
      "project", {{"project_id", "00000000-0000-4000-8000-000000000001"}, {"name", "Via C++"}});
  if (!created.ok()) return Fail("Create: " + created.error().ToString());

  // Through the JSON API.
  certo::Response response = (*engine)->Request(
      "POST", "/v2/project/create",
      R"({"project_id": "00000000-0000-4000-8000-000000000002", "name": "Via JSON"})");
  if (response.status != 201) {
    return Fail("Request: HTTP " + std::to_string(response.status) + " " + response.body);
  }
  certo::Json body = certo::Json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return Fail("Request: the body is not JSON: " + response.body);

  // An error comes back as a Status, not an exception.
  certo::Result<certo::Json> missing =
      (*engine)->View("project", "00000000-0000-4000-8000-0000000000ff");
  if (missing.ok() || missing.error().code() != certo::Code::kNotFound) {
    return Fail("View of a missing id did not fail with not_found");
  }

  certo::Result<certo::Page> page = (*engine)->Index("project", certo::Query{.sort = "name"});
  if (!page.ok()) return Fail("Index: " + page.error().ToString());

  std::cout << "certo " << CERTO_VERSION_STRING << "\n";
  std::cout << "create: " << (*created)["project_id"].get<std::string>() << " "
            << (*created)["name"].get<std::string>() << "\n";
  std::cout << "request: " << response.status << " " << response.Header("Content-Type") << " "
            << body["project_id"].get<std::string>() << " " << body["name"].get<std::string>()
            << "\n";
  std::cout << "view missing: " << certo::CodeName(missing.error().code()) << " "
            << certo::HttpStatus(missing.error().code()) << "\n";
  std::cout << "index: " << page->total_count;
  for (const certo::Json& row : page->rows) std::cout << " " << row["name"].get<std::string>();
  std::cout << "\n";
  return page->total_count == 2 ? 0 : 1;
}
