-- Schema 19: the change days of one office through office indexes (issue 12; src/schedule/
-- schedule.cc, Changes). A status changes on a day some stored date names; the changes of an
-- office find those days by one range per kind of date. Schema 8 indexed the days a row's own
-- segment starts (cover_from) and it enters or leaves the schedule (shown_from, hidden_from)
-- across the whole file only, so under an office filter SQLite walked the office's every row
-- (about 20 ms of the 48 ms that one office's 30 days took at 100k subscriptions). These lead
-- with the office, so that each kind of day is one range of it. The whole-file indexes stay:
-- the changes of the whole file still read them, and without statistics SQLite would scan an
-- office-leading index from end to end for those. shown_from and hidden_from are null for every
-- row that was never retired nor starts later, which keeps their indexes small.
CREATE INDEX action_subscription_office_cover_from
  ON action_subscription(subtenant_id, cover_from) WHERE cover_from IS NOT NULL;

CREATE INDEX action_subscription_office_shown_from
  ON action_subscription(subtenant_id, shown_from) WHERE shown_from IS NOT NULL;

CREATE INDEX action_subscription_office_hidden_from
  ON action_subscription(subtenant_id, hidden_from) WHERE hidden_from IS NOT NULL;
