-- Schema 9: an office index of the earlier cover segments by their expiry, so that a status
-- count of one office on a past day reads its segments once (src/schedule/schedule.cc,
-- StatusCounts; measured in bench/README.md). The segments in force on D were read by
-- (office, to_day > D), once per status: four reads of the same range. By office and cover expiry
-- each status is its own range (NEW: cover_expire IS NULL, EXPIRED: < D, VALID and EXPIRING:
-- >= D, split by expiring_from), and together they read the segments once. It holds the
-- segment's days and existence-period columns, so the counts need nothing else.

CREATE INDEX subscription_cover_office_expire
  ON subscription_cover(subtenant_id, cover_expire, expiring_from, to_day, from_day, shown_from,
                        hidden_from);
