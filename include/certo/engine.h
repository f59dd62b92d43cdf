// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine: one certo file, opened.
//
// An Engine owns one SQLite connection to one file (or ":memory:") that holds the compliance
// records of one or many companies. It offers the same operations twice: as C++ calls
// (Create/View/Update/Index/Delete/Historicize/Restore) and as the JSON API (Request), which
// follows the 4hse v2 API so an offline client can use a local file. Both go through one entity
// registry, so they accept and reject exactly the same things.
//
// Contract:
//  * Ownership. Open() returns the only owner of the Engine; destroying it closes the file.
//    Records passed in are copied; records returned belong to the caller.
//  * Errors. No method throws (except std::bad_alloc). Failures come back as a Status or a
//    Result<T> with a stable Code (status.h) and a message naming the field and the rule;
//    Request() turns them into HTTP status codes and bodies. A Result's status() is a reference
//    valid as long as the Result; reading the value of a failed Result (value(), *, ->) is a bug
//    in the caller and aborts the process with the status on stderr (status.h), never a throw.
//  * Atomicity. Every public operation commits whole or not at all: a failed Create, Update or
//    forced Delete leaves the file exactly as it was. Transaction() groups several operations
//    into one atomic unit.
//  * Thread-safety. An Engine may be shared between threads: calls are serialized by an internal
//    mutex, so they are safe but do not run in parallel. For parallel reads, open one Engine per
//    thread on the same file (WAL mode lets readers and one writer proceed together).
//  * Time. The engine's today is Options::today when pinned, else the local date at each call.
//
// Collections (kebab-case, as in the JSON paths): project, office, person, person-office, role,
// equipment, work-environment, substance, entity-employee, work-group, work-group-person, action,
// certificate, action-subscription, certificate-action, incident, incident-action,
// incident-person, material, material-item, work-group-entity, demand, attachment,
// entity-attachment. Fields, limits and rules of each are listed in README.md ("Entities").
//
// The compliance schedule: each action-subscription row ("subscriber S must fulfil action A")
// has a status, NEW, VALID, EXPIRING or EXPIRED, decided by the rule of DESIGN.md section 2 from
// the certificate-action links that cover it. Every write keeps the dates that status depends on
// current (incrementally, inside the same transaction), so the status as of any date is a
// range query; Verify() recomputes everything from scratch and reports any disagreement.

#pragma once

#include "certo/attachment.h"
#include "certo/compact.h"
#include "certo/events.h"
#include "certo/keys.h"
#include "certo/options.h"
#include "certo/outbox.h"
#include "certo/people_sync.h"
#include "certo/query.h"
#include "certo/record.h"
#include "certo/report.h"
#include "certo/requirements.h"
#include "certo/response.h"
#include "certo/review.h"
#include "certo/schedule_status.h"
#include "certo/status.h"
#include "certo/sync.h"
#include "certo/trend.h"
#include "certo/verify.h"

#include <chrono>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certo {

class CERTO_EXPORT Engine {
 public:
  // Opens (and, when Options::create_if_missing, creates) the certo file at path, applying any
  // schema upgrades. ":memory:" opens a private in-memory file.
  // A file that cannot be written (read-only file or directory) opens read-only: reads work and
  // every write fails with kIOError. Fails, leaving the file byte-identical and no -wal/-shm
  // behind, with:
  //   kIOError      the file is missing (create_if_missing = false), is a directory, cannot be
  //                 opened, or the disk is full;
  //   kCorrupt      the file is not a SQLite database, or has zero bytes and
  //                 create_if_missing = false (a file emptied by a failed copy is not a company);
  //   kIncompatible the file is SQLite but not certo's, was written by a newer certo, or its
  //                 recorded schema version disagrees with its tables;
  //   kBusy         another connection holds a lock past Options::busy_timeout_ms.
  static Result<std::unique_ptr<Engine>> Open(const std::string& path,
                                              const Options& options = Options());

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // ---- The JSON API -------------------------------------------------------------------------
  //
  // method: GET, POST, PUT, DELETE. target: a path with an optional query string:
  //   POST   /v2/<collection>/index              body {"filter","per-page","page","sort","history"}
  //   POST   /v2/<collection>/create             body: the record
  //   GET    /v2/<collection>/view/{id}          (or view?id={id})
  //   PUT    /v2/<collection>/update/{id}        body: the fields to change
  //   DELETE /v2/<collection>/delete/{id}?force=false|true
  //   POST   /v2/<collection>/historicize/{id}   body {"date": "YYYY-MM-DD"} (optional)
  //   POST   /v2/<collection>/restore/{id}
  //   POST   /v2/certificate/revoke/{id}         body {"date", "reason"} (both optional)
  //   POST   /v2/certificate/unrevoke/{id}
  //   POST   /v2/action-subscription/changes      body {"from","to","filter","per-page","page"}
  //   POST   /v2/action-subscription/counts       body {"filter","as_of","history"}
  //   GET    /v2/outbox/index?after=SEQ&limit=N   the pending events, oldest first
  //   POST   /v2/outbox/ack                      body {"through": SEQ}
  //   GET    /v2/outbox/policy                   the retention policy and counts (outbox.h)
  //   POST   /v2/outbox/policy                   body {"max_events": N|null, "max_days": D|null}
  //   GET    /v2/sync/conflicts?after=ID&limit=N  a hub's conflict log (SyncConflictJson)
  //   GET    /v2/sync/status                     {"role", "node_id", "hub_id", "project_id",
  //                                              "position", "pending", "min_schema"}
  //   GET    /v2/verify?depth=full|quick|schedule   the VerifyReport as JSON
  //   POST   /v2/report                          body {"as_of","days","months","filter","limit"}:
  //                                              the ComplianceReport as JSON (ReportJson)
  //   POST   /v2/report/trend                    body {"from","to","step","filter"}: Trend as
  //                                              [{"date","counts":{"NEW","VALID",...}}]
  //   POST   /v2/incident/compliance/{id}        IncidentCompliance as JSON
  //   POST   /v2/person/requirements/{id}        body {"as_of"} (optional): PersonRequirements
  // Index bodies also take "as_of": "YYYY-MM-DD".
  // Never fails: every error becomes a response (see Response::status).
  Response Request(std::string_view method, std::string_view target, std::string_view body = {});

  // ---- The C++ API --------------------------------------------------------------------------

  // Creates a record and returns it as stored (with its id and read-only fields). The id field
  // (e.g. "person_id") may be supplied as a UUID, else one is generated. The project and office
  // fields may be omitted when a parent field implies them.
  // Errors: kNotFound (unknown collection), kValidation, kConflict.
  Result<Json> Create(std::string_view collection, const Json& record);

  // Creates a record exactly like Create (same validation, events and errors) but returns only
  // its id, without reading the record back: the fast path for loading many rows, e.g. inside
  // BulkTransaction.
  Result<std::string> Insert(std::string_view collection, const Json& record);

  // Returns one record, including retired ones. Errors: kNotFound.
  Result<Json> View(std::string_view collection, std::string_view id);

  // The id of the row of a collection with this code in a project, retired rows included: how
  // 4hse clients name a person (or a role, an action...) they know by its code.
  // Errors: kNotFound (no such row, or unknown collection), kConflict (the code names several
  // rows: use the id), kValidation (the collection has no code; project_id not a UUID).
  Result<std::string> Lookup(std::string_view collection, std::string_view project_id,
                             std::string_view code);

  // Changes the given fields of a record and returns the record as stored. A partial update,
  // or the whole record as a read returned it: a field whose value equals the stored one (or,
  // for a field read in force such as a link's inherited date_expire, the value a read returns)
  // is no change, so ids and immutable fields may be sent back unchanged; read-only fields
  // (office_name, owned_active, created_at, ...) are ignored. Changing an id or an immutable
  // field (e.g. an action's action_type) and unknown fields are refused.
  // Errors: kNotFound, kValidation, kConflict.
  Result<Json> Update(std::string_view collection, std::string_view id, const Json& changes);

  // Lists records. Errors: kNotFound (unknown collection), kValidation (filter, sort, paging).
  Result<Page> Index(std::string_view collection, const Query& query = Query());

  // force = false: changes nothing and returns the row and every dependant row that a forced
  // delete would remove. force = true: removes exactly those rows in one transaction.
  // Errors: kNotFound.
  Result<DeleteResult> Delete(std::string_view collection, std::string_view id, bool force);

  // Retires a row as of date (default: today): from that date on it, and every row under it, is
  // hidden from Index unless Query::history. Its data is kept. Returns the record.
  // Errors: kNotFound (also for collections that cannot be historicized), kValidation.
  Result<Json> Historicize(std::string_view collection, std::string_view id,
                           std::optional<std::chrono::year_month_day> date = std::nullopt);

  // Makes a retired row active again. Returns the record. Errors: kNotFound.
  Result<Json> Restore(std::string_view collection, std::string_view id);

  // Revokes a certificate from date (default: today) with an optional reason (at most 1000
  // characters): it keeps its data and covers nothing from that day on, so the subscriptions it
  // covered follow (DESIGN.md section 2, rule 1). Sets its read-only revoked_on and
  // revoke_reason and emits CERTIFICATE::REVOKE {"entity_id", "revoked_on", "revoke_reason"};
  // revoking again with another date or reason moves the revocation (a new REVOKE), with the
  // same ones changes nothing. Returns the record. Errors: kNotFound, kValidation (date, reason).
  Result<Json> RevokeCertificate(std::string_view id,
                                 std::optional<std::chrono::year_month_day> date = std::nullopt,
                                 std::string_view reason = {});

  // Withdraws a certificate's revocation: it covers again as if never revoked. Emits
  // CERTIFICATE::UNREVOKE with the revocation withdrawn; a certificate not revoked is returned
  // unchanged, with no event. Returns the record. Errors: kNotFound.
  Result<Json> UnrevokeCertificate(std::string_view id);

  // Runs body inside one transaction: commits when it returns OK, rolls everything back
  // otherwise (and returns its Status). Operations called inside are nested savepoints, so an
  // operation that fails inside body undoes only itself; body decides whether to go on.
  Status Transaction(const std::function<Status(Engine&)>& body);

  // Like Transaction, for loading many rows: the schedule is not recomputed row by row but once,
  // for every touched subscription, just before the commit. The result is the same as with
  // Transaction (Verify() agrees); reads inside body may see subscriptions not yet recomputed.
  // Its events are announced in summary at its end: ENTITY::BULK_VERB with the ids of the rows
  // (certo/events.h), in the outbox and to the handlers alike.
  Status BulkTransaction(const std::function<Status(Engine&)>& body);

  // ---- The compliance schedule --------------------------------------------------------------

  // The status changes that take effect on a day in (query.from, query.to]: for each, one row
  // {"action_subscription_id", "date", "from", "to", "action_id", "action_name", "subscriber_id",
  //  "subscriber_type", "subscriber_name", "subtenant_id", "office_name"} (date: the first day
  // of the new status), ordered by date then id. Statuses change on the days stored dates name:
  // the first EXPIRING day and the day after the last valid one, a certificate's release day
  // (NEW/EXPIRED -> VALID), a revocation taking effect, and the days the row enters or leaves the
  // schedule (its or its chain's active_from and retired_on; "from" or "to" is then null, unless
  // query.history). Writes are not changes in this sense: a change is a fact about the day.
  // Errors: kValidation (window, filter, paging).
  Result<Page> Changes(const ChangesQuery& query);

  // How many action-subscription rows matching query.filter are in each status as of
  // query.as_of (history as in Index; paging and sort are ignored): one entry for every
  // ScheduleStatus, 0 included. Each count is a sum of index range reads. Errors: kValidation
  // (filter; "status" is what the counts are grouped by, so it cannot be filtered on).
  Result<std::map<ScheduleStatus, int64_t>> StatusCounts(const Query& query);

  // The status counts on each day from query.from by query.step up to query.to, under
  // query.filter (certo/trend.h): each point is StatusCounts as of its day, all read in one
  // snapshot. Errors: kValidation ("from", "to", "step", at most kMaxTrendPoints points named
  // on "to", "filter.<key>"; "filter.status" as in StatusCounts).
  Result<std::vector<TrendPoint>> Trend(const TrendQuery& query);

  // Was everyone involved in an incident compliant on its date? {"office_incident_id",
  // "date_incident", "today", "people": [{"person_id", "person_name", "requirements":
  // [{"action_subscription_id", "action_id", "action_name", "status_on_incident_date",
  // "status_today"}], "compliant_on_incident_date"}], "out_of_compliance_on_incident_date"}.
  // The people are the incident's incident-person rows (by last name, first name); their
  // requirements the action-subscription rows with subscriber_type PERSON and their subscriber_id
  // that are in the schedule on the incident's date or today, each status as Index gives it as
  // of that day, null on a day the row is out of the schedule (retired, not yet in force). A
  // person is out of compliance when a requirement was NEW or EXPIRED on the incident's date.
  // Reads one snapshot. Errors: kNotFound (no such incident).
  Result<Json> IncidentCompliance(std::string_view office_incident_id);

  // The person's card (certo/requirements.h): everything a person must do on as_of (default:
  // today), each requirement with its action, origin, why and status and cover on that day:
  //   {"person": {"person_id", "code", "name", "project_id"}, "as_of",
  //    "counts": {"NEW", "VALID", "EXPIRING", "EXPIRED"}, "compliant",
  //    "requirements": [{"action_subscription_id",
  //                      "action": {"action_id", "code", "name", "action_type"},
  //                      "office_id", "office_name", "origin", "status",
  //                      "certificate_date_release", "certificate_date_expire",
  //                      "why": [required_by entries whose days hold as_of]}]}
  // Requirements by action type (TRAINING first), action name, id; compliant: none NEW or
  // EXPIRED. Reads one snapshot. Errors: kNotFound (no such person), kValidation ("as_of").
  Result<Json> PersonRequirements(std::string_view person_id,
                                  std::optional<std::chrono::year_month_day> as_of = std::nullopt);

  // The training matrix (certo/requirements.h): the people of query.office_ids on query.as_of
  // against every action one of them needs that day, each cell the status that day or empty.
  // Reads one snapshot. Errors: kNotFound (an office or the project), kValidation ("as_of").
  Result<certo::TrainingMatrix> TrainingMatrix(const TrainingMatrixQuery& query);

  // Recomputes every subscription (cover dates and visibility) from scratch with the rule of
  // DESIGN.md section 2 and compares it with the stored state; checks the references no foreign
  // key can (resource_id, subscriber_id, entity_id); and, by options.depth, runs SQLite's
  // PRAGMA integrity_check (or quick_check) and foreign_key_check.
  Result<VerifyReport> Verify(const VerifyOptions& options = VerifyOptions());

  // ---- Reports and data exchange ------------------------------------------------------------

  // The compliance report as of query.as_of (default: today): status totals, compliance per
  // office and action type, the expired and expiring lists, expiries per month and open incidents
  // without a corrective action with how many involved people were out of compliance on its date,
  // and compliance over the last 12 months (certo/report.h). Reads one snapshot of the file.
  // Errors: kValidation (as_of, days, months, limit, filter).
  Result<ComplianceReport> Report(const ReportQuery& query = ReportQuery());

  // Calls sink with one JSON-API request {"method", "path", "body"} per stored row of project_id
  // ("" = every project), parents before children: a create request with the row's id and stored
  // fields, then a historicize request for each retired row. Replayed in order into an empty file
  // (Request, or `certo import`) they rebuild the same rows. Reads one snapshot of the file.
  // Errors: kNotFound (no such project).
  Status Export(std::string_view project_id, const std::function<void(const Json& request)>& sink);

  // Brings a project's people in line with a full HR roster given as CSV text (create, update,
  // restore, historicize; certo/people_sync.h). Writes nothing unless the whole file is valid,
  // within options.max_changes and not a dry run. Errors: kNotFound (project), kValidation
  // (options); bad rows are listed in the result, not returned as an error.
  Result<PeopleSyncResult> SyncPeople(std::string_view csv, const PeopleSyncOptions& options);

  // ---- Events -------------------------------------------------------------------------------

  // The outbox events with seq > after, oldest first, at most limit (1..10000).
  Result<std::vector<Event>> ReadOutbox(int64_t after = 0, int limit = 100);
  // Removes the events with seq <= through from the outbox (they have been handled).
  Status AckOutbox(int64_t through);
  // The outbox's retention policy, how many events wait and how many the policy dropped
  // (certo/outbox.h).
  Result<OutboxState> OutboxStatus();
  // Stores the retention policy in the file and applies it at once; returns the state after.
  // Errors: kValidation naming max_events or max_days.
  Result<OutboxState> SetOutboxPolicy(const OutboxPolicy& policy);
  // Checkpoints and truncates the write-ahead log, and with vacuum rewrites the file without its
  // free pages (certo/compact.h). Errors: kBusy while another connection is using the file.
  Result<CompactResult> Compact(bool vacuum = false);
  // Registers a handler for the events of writes made through this Engine; returns its token.
  int Subscribe(EventHandler handler);
  // Removes a handler; unknown tokens are ignored.
  void Unsubscribe(int token);

  // ---- API keys (certo/keys.h; used by `certo serve`) ---------------------------------------

  // Creates a key for project_id and returns it with its token, which is never shown again.
  // Errors: kNotFound (project), kValidation (name over 200 characters).
  Result<NewApiKey> CreateKey(std::string_view project_id, std::string_view name = {},
                              bool read_only = false);
  // Every key of project_id ("" = of every project), revoked ones included, oldest first.
  Result<std::vector<ApiKey>> ListKeys(std::string_view project_id = {});
  // Revokes a key from now on; revoking it again changes nothing. Errors: kNotFound.
  Result<ApiKey> RevokeKey(std::string_view key_id);
  // The key a token names, if it is valid and not revoked; kNotFound otherwise (for any reason,
  // so a caller cannot probe which part was wrong).
  Result<ApiKey> Authenticate(std::string_view token);
  // True once the file holds a key, revoked ones included: from then on every request over HTTP
  // needs a valid key (revoking them all does not open the file to everyone).
  Result<bool> HasKeys();

  // ---- Attachments (certo/attachment.h) ------------------------------------------------------

  // Creates the attachment that fields describe (project_id, attachment_path, and optionally
  // attachment_id, description, mime_type) with size bytes of content read from *content, or a
  // directory when content is nullptr (size ignored). With replace, an attachment already at
  // that path of the project takes the content and the other fields given instead of a
  // kConflict. Returns the record (size, sha256, is_directory, ...).
  // Errors: kTooLarge (size over kMaxAttachmentBytes), kValidation (fields; a negative size;
  // "content" when the stream ends early or fails), kConflict, kNotFound (project).
  Result<Json> PutAttachment(const Json& fields, std::istream* content, int64_t size,
                             bool replace = false);

  // Changes the fields of attachment id (as Update) and, when content is not nullptr, makes its
  // content the size bytes read from it, in one transaction. Returns the record.
  // Errors: as PutAttachment, and kNotFound (no such attachment).
  Result<Json> WriteAttachment(std::string_view id, const Json& changes, std::istream* content,
                               int64_t size);

  // Streams the content of attachment id to sink, from one snapshot of the file: first calls
  // before (when given) with the record as of that snapshot (return false to read nothing and
  // fail with kIOError), then sink with consecutive chunks. Returns the record.
  // Errors: kNotFound, kValidation (a directory has no content), kIOError (a callback stopped).
  Result<Json> ReadAttachment(std::string_view id, const AttachmentSink& sink,
                              const std::function<bool(const Json& record)>& before = {});

  // ---- Review campaigns (certo/review.h, docs/review.md) -------------------------------------
  //
  // The reads answer in the JSON shapes of seeds 002/003 (what the OIG routes of Request send).
  // actor / reviewer: a person_id ("" = the task's reviewer / every task).

  // Creates a campaign (state CREATED) from spec {"project_id", "name", "type": USER|ROLE,
  // "scope": {"office_ids", "role_ids", "action_types"}, "reviewer_id", "office_reviewers":
  // {office_id: person_id}, "fallback_reviewer_id", "deadline", "no_response": keep|revoke,
  // "comment_required": [decisions]}. Errors: kNotFound (project), kValidation.
  Result<Json> CreateReviewCampaign(const Json& spec);
  // Takes the snapshot and creates the tasks. Errors: kNotFound, kConflict (not CREATED),
  // kValidation (nothing in scope, no reviewer for an item).
  Result<Json> StartReviewCampaign(int64_t cert_id);
  Result<Json> ReviewCampaigns(std::string_view reviewer = {}, ReviewPage page = ReviewPage());
  Result<Json> ReviewCampaign(int64_t cert_id);
  Result<Json> ReviewTasks(int64_t cert_id, std::string_view reviewer = {},
                           ReviewPage page = ReviewPage());
  Result<Json> ReviewTask(int64_t cert_id, std::string_view task_id);
  Result<Json> ReviewLineItems(int64_t cert_id, std::string_view task_id,
                               ReviewPage page = ReviewPage());
  Result<Json> ReviewLineItem(int64_t cert_id, std::string_view task_id, int64_t line_item_id,
                              ReviewPage page = ReviewPage());
  Result<Json> ReviewTaskHistory(int64_t cert_id, std::string_view task_id,
                                 ReviewPage page = ReviewPage());
  // Applies each action in order, each atomic on its own; one result per action.
  // Errors (of the whole call): kNotFound (campaign, task), kConflict (actor).
  Result<std::vector<ReviewActionResult>> ReviewLineItemActions(
      int64_t cert_id, std::string_view task_id, const std::vector<ReviewLineItemAction>& actions,
      std::string_view actor = {});
  // A task action: suspend, resume, reassign, proxy, expire, signoff (complete), reset; args
  // {"recipient", "comment"}. Sign-off and expiry carry out the decisions in the same
  // transaction. Returns {"state", "assignees", "effects", ...}.
  // Errors: kNotFound, kValidation, kConflict (the state).
  Result<Json> ReviewTaskAction(int64_t cert_id, std::string_view task_id, std::string_view action,
                                const Json& args = Json::object(), std::string_view actor = {});
  // Expires the open tasks of every campaign whose deadline is before today.
  Result<Json> CloseDueReviews();
  // The campaign report {"campaign", "rows": [per detail]}. Errors: kNotFound.
  Result<Json> ReviewReport(int64_t cert_id);

  // ---- Devices and sync (certo/sync.h, docs/sync.md) -----------------------------------------

  // Makes this file a hub (from now on its writes are recorded) and creates spec.out_path, a
  // device holding spec.project_id (or the one project of this file, or spec.office_id's), or
  // only spec.office_id of it and the rows of no office, at this file's newest change. Returns
  // the device's state. Errors: kValidation ("out_path": empty or exists; "project_id": none
  // given and not one project, or not a UUID; "office_id": not a UUID, no such office, or one of
  // another project), kNotFound (project), kInvalidArgument (this file is a device, or inside a
  // transaction), kIOError.
  Result<SyncState> CreateDevice(const DeviceSpec& spec);

  // Syncs this device with the hub file at hub_path (certo/sync.h, "Sync"). Errors:
  // kInvalidArgument (this file is not a device, or inside a transaction), kConflict (hub_path
  // is not this device's hub; a change the hub cannot apply), kIncompatible (the device is at a
  // newer schema than the hub), kIOError, kBusy; on any error the device is unchanged, and what
  // the hub had applied is applied once, whatever the next sync sends again.
  Result<SyncResult> SyncWithHub(const std::string& hub_path);
  // The same with any transport (certo/sync.h, SyncHub): the file hub above is one; certo
  // serve's client (serve/sync_client.h) another. The same errors, the hub's passed on.
  Result<SyncResult> SyncWithHub(SyncHub& hub);

  // The hub's side of a sync, one call per exchange (certo/sync.h, "Transport"); access says who
  // asks. HubHello checks the device (known, of its project, reached with its key) and the
  // versions; HubPush applies device changes in order in one transaction, each at most once (a
  // change already applied counts 0 conflicts and changes nothing), and returns the conflicts
  // logged; a change refused refuses them all, and nothing of them is kept. Each change is its
  // own row of the hub's history, as when pushed alone. HubPull reads the history after a position,
  // the device's project's rows only, at most about 4 MiB of changesets a page. Errors:
  // kInvalidArgument (this file is not a hub; a changeset that is not one, or touches another
  // project or a table that is not a record), kNotFound (an unknown device; for a key, also
  // another key's device or another project's: they do not exist for it, as serve answers for
  // rows), kConflict (the device's hub or project is not this one), kIncompatible (the
  // versions, naming both; a column the hub does not have), kBusy.
  Result<HubInfo> HubHello(const SyncHello& hello, const HubAccess& access);
  Result<int64_t> HubPush(const std::string& device_id, const DeviceChange& change,
                          const HubAccess& access);
  Result<int64_t> HubPush(const std::string& device_id, const std::vector<DeviceChange>& changes,
                          const HubAccess& access);
  Result<HubPage> HubPull(const std::string& device_id, int64_t after, int device_schema,
                          const HubAccess& access);

  // This file's place in the sync (role "" when it has none).
  Result<SyncState> SyncStatus();

  // The hub's conflict log: the decisions with conflict_id > after, oldest first, at most limit
  // (1..10000). Empty on a file that is not a hub. Errors: kValidation ("limit").
  Result<std::vector<SyncConflict>> SyncConflicts(int64_t after = 0, int limit = 100);

  // Puts back the value a FIELD conflict of the hub's log lost, as an Update of its row (a write
  // like any other: recorded, synced, with its events), and marks the conflict restored.
  // Returns the row. Errors: kNotFound (no such conflict, or its row is gone), kConflict (already
  // restored), kInvalidArgument (not a FIELD conflict: the others are restored by hand), and
  // Update's own (a field Update does not set, such as retired_on, is kValidation).
  Result<Json> RestoreSyncConflict(int64_t conflict_id);

  // ---- Facts --------------------------------------------------------------------------------

  // The engine's today (Options::today, or the local date now).
  std::chrono::year_month_day Today() const;
  // The schema version of the open file (the highest schema/NNNN_*.sql applied).
  int SchemaVersion() const;
  // The collections this build knows, in dependency order (parents before children).
  static std::vector<std::string> Collections();
  // The field of a collection's records that names their project: "project_id" or "tenant_id"
  // as in the 4hse documents ("project_id", its id, for project itself); "" for an unknown
  // collection. `certo serve` scopes a key's requests with it.
  static std::string ProjectField(std::string_view collection);
  // The fields of a collection's records that hold a date ("YYYY-MM-DD" or null), in record
  // order: its date fields, the read-only fields that show one (e.g. an action-subscription's
  // certificate_date_expire) and retired_on; empty for an unknown collection. The Python
  // bindings read these fields as datetime.date.
  static std::vector<std::string> DateFields(std::string_view collection);

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certo
