-- Schema 20: a touched subscription keeps the earlier segments its new timeline still has
-- (issue 12: the writes of a link commit). Schema 8 rebuilt a touched subscription's timeline by
-- deleting every earlier segment and inserting the new ones. A segment that comes back unchanged
-- (a new certificate after the others leaves all of them as they were) cost its four b-trees
-- twice and, since schema 18, two sets of status steps that cancel out. Now only the segments
-- that differ are deleted and inserted (tests/db/upgrade_test.cc counts the writes); the
-- result is the same rows, which Verify() recomputes from scratch as before. The copies a
-- segment carries of its row (office, shown_from, hidden_from) are kept equal by
-- action_subscription_cover_follow, so a kept segment needs no rewrite for them.
DROP TRIGGER schedule_touch_apply;
CREATE TRIGGER schedule_touch_apply AFTER INSERT ON schedule_touch WHEN NOT certo_bulk()
BEGIN
  UPDATE schedule_touch
     SET old_status = (SELECT v.status FROM action_subscription_today v
                        WHERE v.action_id = NEW.action_id AND v.subscriber_id = NEW.subscriber_id),
         timeline = (SELECT v.timeline FROM action_subscription_timeline v
                      WHERE v.action_id = NEW.action_id AND v.subscriber_id = NEW.subscriber_id)
   WHERE rowid = NEW.rowid;
  DELETE FROM subscription_cover
   WHERE action_subscription_id =
         (SELECT s.action_subscription_id FROM action_subscription s
           WHERE s.action_id = NEW.action_id AND s.subscriber_id = NEW.subscriber_id)
     AND NOT EXISTS (
           SELECT 1 FROM schedule_touch t, json_each(t.timeline) j
            WHERE t.rowid = NEW.rowid AND j.value ->> 1 IS NOT NULL
              AND j.value ->> 0 = subscription_cover.from_day
              AND j.value ->> 1 = subscription_cover.to_day
              AND j.value ->> 2 IS subscription_cover.cover_release
              AND j.value ->> 3 IS subscription_cover.cover_expire
              AND j.value ->> 4 IS subscription_cover.expiring_from);
  INSERT INTO subscription_cover
    SELECT s.action_subscription_id, j.value ->> 0, j.value ->> 1, s.subtenant_id,
           j.value ->> 2, j.value ->> 3, j.value ->> 4, s.shown_from, s.hidden_from
      FROM schedule_touch t
      JOIN action_subscription s ON s.action_id = t.action_id AND s.subscriber_id = t.subscriber_id,
           json_each(t.timeline) j
     WHERE t.rowid = NEW.rowid AND j.value ->> 1 IS NOT NULL
       AND NOT EXISTS (
             SELECT 1 FROM subscription_cover g
              WHERE g.action_subscription_id = s.action_subscription_id
                AND g.from_day = j.value ->> 0);
  UPDATE action_subscription
     SET (first_from, cover_from, cover_release, cover_expire, expiring_from) =
         (SELECT t.timeline ->> '$[0][0]', t.timeline ->> '$[#-1][0]', t.timeline ->> '$[#-1][2]',
                 t.timeline ->> '$[#-1][3]', t.timeline ->> '$[#-1][4]'
            FROM schedule_touch t WHERE t.rowid = NEW.rowid)
   WHERE action_id = NEW.action_id AND subscriber_id = NEW.subscriber_id;
  INSERT INTO outbox (event, entity_id, payload, date)
    SELECT 'ACTION_SUBSCRIPTION::STATUS', v.action_subscription_id,
           json_object('entity_id', v.action_subscription_id, 'action_id', v.action_id,
                       'subscriber_id', v.subscriber_id, 'subscriber_type', v.subscriber_type,
                       'old', t.old_status, 'new', v.status),
           certo_today()
      FROM schedule_touch t
      JOIN action_subscription_today v
        ON v.action_id = t.action_id AND v.subscriber_id = t.subscriber_id
     WHERE t.rowid = NEW.rowid AND v.status IS NOT t.old_status;
  DELETE FROM schedule_touch WHERE rowid = NEW.rowid;
END;
