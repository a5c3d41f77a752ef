-- The next families in line for a group: refunded conflicts first, then by arrival.
SELECT id, family_id, person_id FROM waitlist_entry
 WHERE group_id = $1 AND status = 'waiting'
 ORDER BY priority, created_at, id
 LIMIT $2
   FOR UPDATE SKIP LOCKED;
