// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine::SyncPeople: the full-roster HR sync. New people are created, changed ones updated,
// absent ones historicized (never deleted), returning ones restored; a dry run, a cap or any bad
// row writes nothing, and every bad row is listed with its line.

#include "certo/people_sync.h"

#include <set>

#include "testutil.h"

namespace certo {
// For readable failures.
void PrintTo(const PeopleSyncError& e, std::ostream* os) {
  *os << "{" << e.line << ", \"" << e.field << "\", \"" << e.message << "\"}";
}
}  // namespace certo

namespace certo::testing {
namespace {

using Kind = PeopleSyncChange::Kind;

class PeopleSync : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenEngine();
    ASSERT_NE(engine_, nullptr);
    pid_ = MustCreate(*engine_, "project", {{"name", "ACME"}})["project_id"];
    mario_ = Person("E001", "Mario", "Rossi", "RSSMRA80A01F205X");
    anna_ = Person("E002", "Anna", "Bianchi", "BNCNNA85B41B157Y");
    luca_ = Person("E003", "Luca", "Verdi", nullptr);
    // Another project's person with the same code is never matched nor touched.
    std::string other = MustCreate(*engine_, "project", {{"name", "Other"}})["project_id"];
    stranger_ = MustCreate(*engine_, "person",
                           {{"project_id", other},
                            {"code", "E002"},
                            {"first_name", "Someone"},
                            {"last_name", "Else"}})["person_id"];
  }

  std::string Person(const char* code, const char* first, const char* last, const char* tax) {
    Json p{{"project_id", pid_},
           {"code", code},
           {"first_name", first},
           {"last_name", last},
           {"birth_date", "1980-01-01"}};
    if (tax) p["tax_code"] = tax;
    return MustCreate(*engine_, "person", p)["person_id"];
  }

  PeopleSyncResult Sync(const std::string& csv, PeopleSyncOptions options = {}) {
    if (options.project_id.empty()) options.project_id = pid_;
    Result<PeopleSyncResult> r = engine_->SyncPeople(csv, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : PeopleSyncResult();
  }

  // Every person of every project, retired ones included, as stored.
  Json People() {
    Query q;
    q.history = true;
    q.per_page = 1000;
    return engine_->Index("person", q)->rows;
  }

  Json Get(const std::string& id) { return *engine_->View("person", id); }

  static std::vector<std::string> Summary(const PeopleSyncResult& r) {
    std::vector<std::string> out;
    for (const PeopleSyncChange& c : r.changes) {
      out.push_back(std::string(PeopleSyncKindName(c.kind)) + " " + std::to_string(c.line) + " " +
                    c.key + " " + c.name);
    }
    return out;
  }

  std::unique_ptr<Engine> engine_;
  std::string pid_, mario_, anna_, luca_, stranger_;
};

const std::string kRoster =
    "code,first_name,last_name,birth_date,locality\n"
    "E001,Mario,Rossi,1980-01-01,Milano\n"    // locality changes
    "E003,Luca,Verdi,1980-01-01,\n"           // unchanged
    "E004,Giulia,Neri,1992-05-17,Bergamo\n";  // new; E002 is absent

TEST_F(PeopleSync, CreatesUpdatesAndHistoricizesTheAbsentWithoutDeleting) {
  PeopleSyncResult r = Sync(kRoster);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.applied);
  EXPECT_FALSE(r.cap_exceeded);
  EXPECT_EQ(Summary(r),
            (std::vector<std::string>{"update 2 E001 Mario Rossi", "create 4 E004 Giulia Neri",
                                      "historicize 0 E002 Anna Bianchi"}));
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(r.Count(Kind::kCreate), 1);
  EXPECT_EQ(r.changes[0].person_id, mario_);
  EXPECT_EQ(r.changes[0].fields, (Json{{"locality", {{"old", nullptr}, {"new", "Milano"}}}}));

  EXPECT_EQ(Get(mario_)["locality"], "Milano");
  Json anna = Get(anna_);  // still there, retired today, its data kept
  EXPECT_EQ(anna["retired_on"], "2026-11-22");
  EXPECT_EQ(anna["owned_active"], false);
  EXPECT_EQ(anna["tax_code"], "BNCNNA85B41B157Y");
  Json giulia = Get(r.changes[1].person_id);
  EXPECT_EQ(giulia["code"], "E004");
  EXPECT_EQ(giulia["project_id"], pid_);
  EXPECT_EQ(giulia["birth_date"], "1992-05-17");
  EXPECT_EQ(giulia["locality"], "Bergamo");
  EXPECT_EQ(Get(stranger_)["retired_on"], nullptr);

  // Syncing the same roster again changes nothing.
  PeopleSyncResult again = Sync(kRoster);
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(again.unchanged, 3);
}

// A sync is one bulk write: the people it historicizes take their demand-derived requirements out
// of today's schedule with them (rule 6: the subscriber's chain), and the file verifies.
TEST_F(PeopleSync, AHistoricizedPersonsDerivedRequirementsLeaveTheSchedule) {
  std::string office =
      MustCreate(*engine_, "office", {{"project_id", pid_}, {"name", "Site"}})["office_id"];
  std::string action = MustCreate(*engine_, "action",
                                  {{"tenant_id", pid_},
                                   {"subtenant_id", office},
                                   {"action_type", "TRAINING"},
                                   {"name", "General course"}})["action_id"];
  for (const std::string& p : {mario_, anna_}) {
    MustCreate(*engine_, "person-office", {{"person_id", p}, {"office_id", office}});
  }
  MustCreate(*engine_, "demand",
             {{"office_id", office},
              {"action_id", action},
              {"resource_type", "OFFICE"},
              {"resource_id", office}});
  auto required = [&] {
    Query q;
    q.filter = {{"action_id", action}, {"origin", "DERIVED"}};
    std::set<std::string> people;
    Result<Page> page = engine_->Index("action-subscription", q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const Json& r : page->rows) people.insert(r["subscriber_id"].get<std::string>());
    }
    return people;
  };
  EXPECT_EQ(required(), (std::set<std::string>{mario_, anna_}));
  Sync(kRoster);  // Anna is absent from the roster
  EXPECT_EQ(required(), (std::set<std::string>{mario_}));
  EXPECT_TRUE(Verified(*engine_));
}

TEST_F(PeopleSync, DryRunPlansEverythingAndWritesNothing) {
  Json before = People();
  PeopleSyncOptions options;
  options.dry_run = true;
  PeopleSyncResult r = Sync(kRoster, options);
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(Summary(r),
            (std::vector<std::string>{"update 2 E001 Mario Rossi", "create 4 E004 Giulia Neri",
                                      "historicize 0 E002 Anna Bianchi"}));
  EXPECT_EQ(r.changes[1].person_id, "");  // not created
  EXPECT_EQ(People(), before);
}

TEST_F(PeopleSync, MoreChangesThanTheCapWriteNothingAndAsManyAreAllowed) {
  Json before = People();
  PeopleSyncOptions options;
  options.max_changes = 2;
  PeopleSyncResult r = Sync(kRoster, options);
  EXPECT_TRUE(r.cap_exceeded);
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(r.changes.size(), 3u);
  EXPECT_EQ(People(), before);

  options.max_changes = 3;
  r = Sync(kRoster, options);
  EXPECT_FALSE(r.cap_exceeded);
  EXPECT_TRUE(r.applied);
}

TEST_F(PeopleSync, EveryBadRowIsListedWithItsLineAndNothingIsWritten) {
  Json before = People();
  PeopleSyncResult r = Sync(
      "code,first_name,last_name,birth_date,is_employee\n"
      "E001,Mario,Rossi,1980-13-01,1\n"  // bad date
      "E002,Anna,Bianchi,1980-01-01,1\n"
      "E002,Anna,Bianchi,1980-01-01,1\n"  // duplicate key
      ",No,Key,1980-01-01,1\n"            // no key
      "E009,,Nobody,1999-01-01,yes\n"     // no first name, not a boolean
      "\n"
      "E010,Too,Many,1999-01-01,1,extra\n"
      "E011,Ok,Fine,1999-01-01,0\n");
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(r.errors, (std::vector<PeopleSyncError>{
                          {2, "birth_date", "must be a real calendar date in the form YYYY-MM-DD"},
                          {4, "code", "'E002' appears twice in the file (lines 3 and 4)"},
                          {5, "code", "is empty: every row needs its match key"},
                          {6, "is_employee", "must be 0, 1, true or false"},
                          {6, "first_name", "is required"},
                          {8, "", "has 6 cells but the header names 5 columns"},
                      }));
  EXPECT_EQ(People(), before);
}

TEST_F(PeopleSync, AFileThatIsNotUtf8NamesTheLineAndTheByteAndWritesNothing) {
  Json before = People();
  // "Nicolò" saved as Windows-1252: the ò is the single byte 0xF2.
  PeopleSyncResult r = Sync(
      "code,first_name,last_name,birth_date\n"
      "E001,Mario,Rossi,1980-01-01\n"
      "E005,Nicol\xF2,Bruni,1980-01-01\n");
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(r.errors,
            (std::vector<PeopleSyncError>{
                {3, "",
                 "is not UTF-8: byte 11 of the line is 0xF2 (save the file as UTF-8; Latin-1 and "
                 "Windows-1252 are not read)"}}));
  EXPECT_EQ(People(), before);
}

TEST_F(PeopleSync, TheHeaderMustNameKnownColumnsAndTheRequiredOnes) {
  PeopleSyncResult r = Sync("code,first_name,shoe_size,first_name,project_id\nE001,Mario,42,M,x\n");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_EQ(r.errors[0].field, "shoe_size");
  EXPECT_EQ(r.errors[0].message.rfind("is not a column of the people file; allowed: code, "
                                      "first_name, last_name, street,",
                                      0),
            0u)
      << r.errors[0].message;
  EXPECT_EQ(r.errors[1], (PeopleSyncError{1, "first_name", "is named by columns 2 and 4"}));
  EXPECT_EQ(r.errors[2].field, "project_id");
  EXPECT_EQ(r.errors[3],
            (PeopleSyncError{1, "last_name", "is required: the file needs this column"}));
  EXPECT_FALSE(r.applied);

  PeopleSyncOptions by_tax;
  by_tax.match = "tax_code";
  r = Sync("code,first_name,last_name\nE001,Mario,Rossi\n", by_tax);
  EXPECT_EQ(r.errors, (std::vector<PeopleSyncError>{
                          {1, "tax_code", "is the match key: the file needs this column"}}));
  r = Sync("");
  EXPECT_EQ(r.errors, (std::vector<PeopleSyncError>{
                          {1, "", "the file is empty: the first line must name the columns"}}));
}

TEST_F(PeopleSync, ARetiredPersonBackInTheRosterIsRestored) {
  ASSERT_OK(engine_->Historicize("person", anna_, Ymd(2026, 6, 30)));
  PeopleSyncResult r =
      Sync("code,first_name,last_name\nE001,Mario,Rossi\nE002,Anna,Bianchi\nE003,Luca,Verdi\n");
  EXPECT_EQ(Summary(r), std::vector<std::string>{"restore 3 E002 Anna Bianchi"});
  EXPECT_EQ(r.changes[0].fields, (Json{{"retired_on", {{"old", "2026-06-30"}, {"new", nullptr}}}}));
  EXPECT_EQ(Get(anna_)["retired_on"], nullptr);
}

TEST_F(PeopleSync, MatchingByTaxCodeCanChangeTheEmployeeCode) {
  PeopleSyncOptions options;
  options.match = "tax_code";
  PeopleSyncResult r = Sync(
      "tax_code,code,first_name,last_name\n"
      "RSSMRA80A01F205X,M-01,Mario,Rossi\n"
      "BNCNNA85B41B157Y,E002,Anna,Bianchi\n",
      options);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  // Luca has no tax code: absent from the file, historicized.
  EXPECT_EQ(Summary(r), (std::vector<std::string>{"update 2 RSSMRA80A01F205X Mario Rossi",
                                                  "historicize 0  Luca Verdi"}));
  EXPECT_EQ(Get(mario_)["code"], "M-01");
  EXPECT_EQ(Get(luca_)["retired_on"], "2026-11-22");
}

TEST_F(PeopleSync, QuotedCellsSemicolonsCrLfAndAByteOrderMarkAreRead) {
  PeopleSyncResult r = Sync(
      "\xEF\xBB\xBF"
      "code;first_name;last_name;note\r\n"
      "E001;Mario;Rossi;\"line one\nline two; with \"\"quotes\"\"\"\r\n"
      "E002;Anna;Bianchi;\r\n"
      "E003;Luca;Verdi;\r\n");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  EXPECT_EQ(Summary(r), std::vector<std::string>{"update 2 E001 Mario Rossi"});
  EXPECT_EQ(Get(mario_)["note"], "line one\nline two; with \"quotes\"");
  // A record's line is where it starts: the quoted line break moves the next ones.
  r = Sync(
      "code,first_name,last_name,note\nE001,Mario,Rossi,\"a\nb\"\nE002,Anna,Bianchi,\n"
      "E003,,Verdi,\n");
  EXPECT_EQ(r.errors, (std::vector<PeopleSyncError>{{5, "first_name", "is required"}}));
  r = Sync("code,first_name,last_name,note\nE001,Mario,Rossi,\"never closed\n");
  EXPECT_EQ(r.errors,
            (std::vector<PeopleSyncError>{{2, "", "a quoted cell starts here and never ends"}}));
}

TEST_F(PeopleSync, TheDateOfHistoricizationCanBeGiven) {
  PeopleSyncOptions options;
  options.date = Ymd(2026, 12, 31);
  Sync("code,first_name,last_name\nE001,Mario,Rossi\nE003,Luca,Verdi\n", options);
  EXPECT_EQ(Get(anna_)["retired_on"], "2026-12-31");
}

TEST_F(PeopleSync, BadOptionsAreErrorsAndWriteNothing) {
  PeopleSyncOptions options;
  options.project_id = pid_;
  options.match = "email";
  EXPECT_EQ(OnlyFieldError(engine_->SyncPeople(kRoster, options).status()),
            "match: must be code or tax_code");
  options.match = "code";
  options.max_changes = -1;
  EXPECT_EQ(OnlyFieldError(engine_->SyncPeople(kRoster, options).status()),
            "max_changes: must not be negative");
  options = {};
  options.project_id = "00000000-0000-4000-8000-000000000009";
  EXPECT_TRUE(engine_->SyncPeople(kRoster, options).status().IsNotFound());
  options.project_id = "acme";
  EXPECT_EQ(OnlyFieldError(engine_->SyncPeople(kRoster, options).status()),
            "project_id: must be a UUID (8-4-4-4-12 hexadecimal digits)");
}

TEST_F(PeopleSync, AmbiguousKeysInTheProjectAreReportedNotGuessed) {
  Person("E005", "Twin", "One", "SAMETAXCODE00000");
  Person("E006", "Twin", "Two", "SAMETAXCODE00000");
  PeopleSyncOptions options;
  options.match = "tax_code";
  PeopleSyncResult r = Sync("tax_code,first_name,last_name\nSAMETAXCODE00000,Twin,One\n", options);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].message.rfind("'SAMETAXCODE00000' matches 2 people (", 0), 0u)
      << r.errors[0].message;
}

// One bulk write: the handlers get the sync's summaries (certo/events.h), as the outbox keeps
// them, in the order each kind of change first occurred.
TEST_F(PeopleSync, AnAppliedSyncDeliversItsEventsInSummaryInTheOrderWritten) {
  const size_t before = engine_->ReadOutbox(0, 10000)->size();
  std::vector<std::string> seen;
  engine_->Subscribe([&](const Event& e) {
    if (e.name.rfind("PERSON::", 0) == 0) seen.push_back(e.name + " " + e.payload["ids"].dump());
  });
  PeopleSyncResult r = Sync(kRoster);
  ASSERT_TRUE(r.applied);
  const std::string giulia = r.changes[1].person_id;
  EXPECT_EQ(seen,
            (std::vector<std::string>{"PERSON::BULK_UPDATE " + Json::array({mario_, anna_}).dump(),
                                      "PERSON::BULK_CREATE " + Json::array({giulia}).dump()}));
  std::vector<Event> outbox = *engine_->ReadOutbox(0, 10000);
  std::vector<std::string> stored;
  for (size_t i = before; i < outbox.size(); ++i) {
    if (outbox[i].name.rfind("PERSON::", 0) == 0) {
      stored.push_back(outbox[i].name + " " + outbox[i].payload["ids"].dump());
    }
  }
  EXPECT_EQ(stored, seen);
}

// A sync that writes nothing (dry run, cap, bad row) delivers no event and leaves no outbox row.
TEST_F(PeopleSync, ASyncThatWritesNothingDeliversNoEvent) {
  const size_t before = engine_->ReadOutbox(0, 10000)->size();
  int delivered = 0;
  engine_->Subscribe([&](const Event&) { ++delivered; });
  PeopleSyncOptions dry;
  dry.dry_run = true;
  EXPECT_FALSE(Sync(kRoster, dry).applied);
  PeopleSyncOptions capped;
  capped.max_changes = 1;
  EXPECT_FALSE(Sync(kRoster, capped).applied);
  EXPECT_FALSE(Sync("code,first_name,last_name\nE001,Mario,\n").applied);
  EXPECT_EQ(delivered, 0);
  EXPECT_EQ(engine_->ReadOutbox(0, 10000)->size(), before);
}

// Inside a caller's transaction the sync is one part of it: rolled back with it.
TEST_F(PeopleSync, InsideATransactionTheSyncRollsBackWithIt) {
  Json before = People();
  Status status = engine_->Transaction([&](Engine& engine) {
    PeopleSyncOptions options;
    options.project_id = pid_;
    Result<PeopleSyncResult> r = engine.SyncPeople(kRoster, options);
    EXPECT_TRUE(r.ok() && r->applied);
    return Status::Conflict("changed my mind");
  });
  EXPECT_EQ(status.ToString(), "conflict: changed my mind");
  EXPECT_EQ(People(), before);
}

}  // namespace
}  // namespace certo::testing
