-- Copyright 2026 The certo Authors
-- SPDX-License-Identifier: MIT
--
-- certo schema 7: review campaigns (issue 15; seeds 002/003, the Oracle Identity Governance
-- certification API; reference/certification-reviews.md section 4). A campaign (OIG
-- "certification", numbered: the API's certid) has one task per reviewer; a task has line items
-- (one per person in a USER campaign, one per safety role in a ROLE campaign); a line item has
-- details, one per assignment under review (an entity-employee row, a work-group-person row, or
-- a certificate). Each row keeps what the reviewer saw when the campaign started (snapshot) and
-- the decision support flags computed then, so later edits of the records do not rewrite what
-- was attested.
--
-- review_event is the history: append-only (triggers refuse UPDATE and DELETE), each row's hash
-- is SHA-256 over the previous row's hash and the row's own fields (src/review/history.cc says
-- how), so an edit of any row, or a removed row, breaks the chain where Verify() finds it.
-- review_request remembers each applied line-item requestId so a retried request is applied once.
-- None of these are records of the 4hse model: no /v2 collection, no outbox events, no export.

CREATE TABLE review_campaign (
  cert_id          INTEGER PRIMARY KEY,
  project_id       TEXT NOT NULL REFERENCES project (project_id),
  name             TEXT NOT NULL,
  type             TEXT NOT NULL CHECK (type IN ('USER', 'ROLE')),
  scope            TEXT NOT NULL,   -- JSON {"office_ids","role_ids","action_types"}
  reviewer         TEXT NOT NULL,   -- JSON {"person_id"} or {"offices":{office: person}}, "fallback_id"
  deadline         TEXT NOT NULL,   -- YYYY-MM-DD, the last day of the review
  no_response      TEXT NOT NULL CHECK (no_response IN ('keep', 'revoke')),
  comment_required TEXT NOT NULL,   -- JSON array of the decisions that need a comment
  state            TEXT NOT NULL,   -- CREATED, IN_REVIEW, CLOSED (src/review/codes.cc)
  created_at       TEXT NOT NULL,
  started_at       TEXT,
  closed_at        TEXT
);
CREATE INDEX review_campaign_project ON review_campaign (project_id);

CREATE TABLE review_task (
  task_id        TEXT PRIMARY KEY NOT NULL,
  cert_id        INTEGER NOT NULL REFERENCES review_campaign (cert_id),
  reviewer_id    TEXT NOT NULL,     -- a person_id
  proxy_id       TEXT,              -- a person acting for the reviewer, when one was named
  state          TEXT NOT NULL,     -- ASSIGNED, IN_PROGRESS, DECISIONS_COMPLETE, SUSPENDED, ...
  suspended_from TEXT,              -- the state a SUSPENDED task resumes to
  reassigned_to  TEXT REFERENCES review_task (task_id),
  created_at     TEXT NOT NULL,
  signed_off_at  TEXT
);
CREATE INDEX review_task_cert ON review_task (cert_id);
CREATE INDEX review_task_reviewer ON review_task (reviewer_id);

CREATE TABLE review_line_item (
  line_item_id INTEGER PRIMARY KEY,
  cert_id      INTEGER NOT NULL REFERENCES review_campaign (cert_id),
  task_id      TEXT NOT NULL REFERENCES review_task (task_id),
  entity_type  TEXT NOT NULL CHECK (entity_type IN ('PERSON', 'ROLE')),
  entity_id    TEXT NOT NULL,       -- the person_id or office_role_id under review
  office_id    TEXT,
  state        TEXT NOT NULL,       -- NEW, CLAIMED, DECIDED, COMPLETE, FINAL
  comment      TEXT,
  snapshot     TEXT NOT NULL,       -- JSON: what the reviewer saw at start
  flags        TEXT NOT NULL,       -- JSON array of decision support flags
  certified_by TEXT,
  certify_date TEXT
);
CREATE INDEX review_line_item_task ON review_line_item (task_id, line_item_id);
CREATE INDEX review_line_item_entity ON review_line_item (entity_id);

CREATE TABLE review_line_item_detail (
  line_item_detail_id INTEGER PRIMARY KEY,
  line_item_id        INTEGER NOT NULL REFERENCES review_line_item (line_item_id),
  kind                TEXT NOT NULL CHECK (kind IN ('ENTITY_EMPLOYEE', 'WORK_GROUP_PERSON',
                                                    'CERTIFICATE')),
  source_id           TEXT NOT NULL,  -- the entity_employee, work_group_person or certificate id
  person_id           TEXT NOT NULL,  -- whom the assignment or certificate is about
  snapshot            TEXT NOT NULL,  -- JSON: the row as the reviewer saw it
  flags               TEXT NOT NULL,  -- JSON array
  last_decision       TEXT,           -- the final decision of the last campaign on this row
  decision            TEXT,           -- CERTIFY, CERTIFY_CONDITIONALLY, REVOKE, ABSTAIN; NULL open
  end_date            TEXT,           -- CERTIFY_CONDITIONALLY: the last day the row stays
  decided_by          TEXT,
  decided_at          TEXT,
  outcome             TEXT,           -- after sign-off: what the decision did (src/review/codes.cc)
  effect_on           TEXT            -- the day the effect took hold
);
CREATE INDEX review_line_item_detail_item ON review_line_item_detail (line_item_id);
CREATE INDEX review_line_item_detail_source ON review_line_item_detail (source_id);

CREATE TABLE review_request (
  task_id      TEXT NOT NULL REFERENCES review_task (task_id),
  request_id   TEXT NOT NULL,
  line_item_id INTEGER NOT NULL,
  action       TEXT NOT NULL,
  PRIMARY KEY (task_id, request_id)
) WITHOUT ROWID;

CREATE TABLE review_event (
  event_id            INTEGER PRIMARY KEY,
  cert_id             INTEGER NOT NULL,
  task_id             TEXT,
  line_item_id        INTEGER,
  line_item_detail_id INTEGER,
  action              INTEGER NOT NULL,  -- the event code (docs/review.md)
  cert_state          INTEGER NOT NULL,  -- the campaign's certState when it happened
  actor_id            TEXT NOT NULL,     -- a person_id, or 'system'
  recipient_id        TEXT,
  recipient_task_id   TEXT,
  from_state          TEXT,
  to_state            TEXT,
  comment             TEXT,
  data                TEXT,              -- JSON: decision, end date, the row before an effect
  event_timestamp     TEXT NOT NULL,
  prev_hash           TEXT NOT NULL,
  hash                TEXT NOT NULL
);
CREATE INDEX review_event_task ON review_event (task_id, event_id);
CREATE INDEX review_event_cert ON review_event (cert_id, event_id);
CREATE INDEX review_event_item ON review_event (line_item_id, event_id);

CREATE TRIGGER review_event_no_update BEFORE UPDATE ON review_event
BEGIN
  SELECT RAISE(ABORT, 'review history is append-only: an event cannot be changed');
END;

CREATE TRIGGER review_event_no_delete BEFORE DELETE ON review_event
BEGIN
  SELECT RAISE(ABORT, 'review history is append-only: an event cannot be removed');
END;
