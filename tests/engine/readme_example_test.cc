// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The README's C++ example, run as written: ReadmeExample() holds the snippet verbatim, and a
// test reads README.md and this file to check that the README still shows exactly that code, so
// the two cannot drift. Under ASan (CI) it also proves the example reads no destroyed temporary.

#include "certo/engine.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

constexpr const char* kBegin = "// ---- README.md, verbatim: begin ----";
constexpr const char* kEnd = "// ---- README.md, verbatim: end ----";

// Runs in the current directory (it creates company.certo there); returns 0 when it got through.
// The example's loop leaves its body to the reader, so its variable is unused.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-variable"
int ReadmeExample() {
  // clang-format off
// ---- README.md, verbatim: begin ----
#include <certo/engine.h>

certo::Options options;
options.today = std::chrono::year{2026} / 11 / 22;   // pin "today"; default: the local date
auto engine = certo::Engine::Open("company.certo", options);
if (!engine.ok()) { std::cerr << engine.status().ToString() << "\n"; return 1; }

auto project = (*engine)->Create("project", {{"name", "Rossi Costruzioni"}});
auto office  = (*engine)->Create("office", {{"project_id", (*project)["project_id"]},
                                            {"name", "Plant - Brescia"}});
auto person  = (*engine)->Create("person", {{"project_id", (*project)["project_id"]},
                                            {"first_name", "Luca"}, {"last_name", "Russo"}});
if (!person.ok()) {
  // e.g. "validation: first_name: must be at most 70 characters"
  for (const certo::FieldError& e : person.status().field_errors()) { /* e.field, e.message */ }
}

certo::Query query;
query.filter = {{"name", "plant"}};   // case-insensitive substring on text fields
query.sort = "-name";
auto page = (*engine)->Index("office", query);   // page->rows, page->total_count, ...
// ---- README.md, verbatim: end ----
  // clang-format on
  if (!office.ok() || !person.ok() || !page.ok()) return 2;
  return page->total_count == 1 ? 0 : 3;
}
#pragma GCC diagnostic pop

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines of this file between the markers, as the README must show them.
std::string Snippet() {
  std::istringstream source(ReadFile(CERTO_SOURCE_DIR "/tests/engine/readme_example_test.cc"));
  std::string line, snippet;
  bool inside = false;
  while (std::getline(source, line)) {
    if (line == kEnd) break;
    if (inside) snippet += line + "\n";
    if (line == kBegin) inside = true;
  }
  return snippet;
}

TEST(EngineReadmeExample, TheReadmeShowsExactlyTheCodeThisTestRuns) {
  const std::string snippet = Snippet();
  ASSERT_NE(snippet.find("person.status().field_errors()"), std::string::npos) << snippet;
  ASSERT_NE(snippet.find("(*engine)->Index(\"office\", query);"), std::string::npos) << snippet;
  const std::string readme = ReadFile(CERTO_SOURCE_DIR "/README.md");
  ASSERT_FALSE(readme.empty());
  EXPECT_NE(readme.find("```cpp\n" + snippet + "```\n"), std::string::npos)
      << "README.md no longer shows this code block verbatim:\n"
      << snippet;
}

TEST(EngineReadmeExample, RunsAndLeavesTheRecordsItCreated) {
  TempDir dir;
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const int result = ReadmeExample();
  std::filesystem::current_path(previous);
  ASSERT_EQ(result, 0);

  std::unique_ptr<Engine> engine = OpenEngine(dir.File("company.certo"));
  ASSERT_NE(engine, nullptr);
  Result<Page> offices = engine->Index("office");
  ASSERT_OK(offices);
  ASSERT_EQ(offices->rows.size(), 1u);
  EXPECT_EQ(offices->rows[0]["name"], "Plant - Brescia");
  Result<Page> people = engine->Index("person");
  ASSERT_OK(people);
  ASSERT_EQ(people->rows.size(), 1u);
  EXPECT_EQ(people->rows[0]["first_name"], "Luca");
  EXPECT_EQ(people->rows[0]["last_name"], "Russo");
  EXPECT_EQ(people->rows[0]["project_id"], offices->rows[0]["project_id"]);
}

// The example's error branch, taken: the loop over a Result's field errors reads a status that
// lives as long as the Result (ASan would report a destroyed temporary).
TEST(EngineReadmeExample, TheFieldErrorLoopReadsALiveStatus) {
  std::unique_ptr<Engine> engine = OpenEngine();
  ASSERT_NE(engine, nullptr);
  auto project = engine->Create("project", {{"name", "Rossi Costruzioni"}});
  ASSERT_OK(project);
  auto person = engine->Create("person", {{"project_id", (*project)["project_id"]},
                                          {"first_name", std::string(71, 'L')},
                                          {"last_name", "Russo"}});
  ASSERT_FALSE(person.ok());
  std::vector<std::string> seen;
  for (const certo::FieldError& e : person.status().field_errors()) {
    seen.push_back(e.field + ": " + e.message);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"first_name: must be at most 70 characters"}));
  EXPECT_EQ(person.status().ToString(), "validation: first_name: must be at most 70 characters");
}

}  // namespace
}  // namespace certo::testing
