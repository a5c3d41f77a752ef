-- name: group_program
SELECT g.program_id, p.sale_id
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = $1;

-- name: waitlist_insert
INSERT INTO waitlist_entry (group_id, family_id, person_id)
VALUES ($1, $2, $3)
ON CONFLICT (group_id, person_id) WHERE status IN ('waiting', 'offered') DO NOTHING
RETURNING id;

-- name: waitlist_live_entry
SELECT id FROM waitlist_entry
 WHERE group_id = $1 AND person_id = $2 AND status IN ('waiting', 'offered');

-- name: waitlist_family_entries
SELECT w.id, w.group_id, w.person_id, w.status, w.priority, w.offer_expires_at, w.created_at,
       g.name_fr AS group_fr, g.name_en AS group_en, g.price_cents
  FROM waitlist_entry w JOIN activity_group g ON g.id = w.group_id
 WHERE w.family_id = $1
 ORDER BY w.created_at;

-- name: waitlist_expire_offers
UPDATE waitlist_entry SET status = 'expired'
 WHERE status = 'offered' AND offer_expires_at <= now()
RETURNING id;

-- name: waitlist_groups_waiting
-- Groups with families waiting, and the offer window of their sale.
SELECT DISTINCT w.group_id, g.program_id, s.waitlist_offer_seconds
  FROM waitlist_entry w
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
  JOIN sale s ON s.id = p.sale_id
 WHERE w.status = 'waiting';

-- name: waitlist_next
-- The next families in line for a group: refunded conflicts first, then by arrival.
SELECT id, family_id, person_id FROM waitlist_entry
 WHERE group_id = $1 AND status = 'waiting'
 ORDER BY priority, created_at, id
 LIMIT $2
   FOR UPDATE SKIP LOCKED;

-- name: waitlist_mark_offered
UPDATE waitlist_entry
   SET status = 'offered', offer_hold_id = $2, offer_expires_at = $3
 WHERE id = $1 AND status = 'waiting';

-- name: waitlist_lock_offer
SELECT w.id, w.group_id, w.person_id, w.status, w.offer_hold_id, w.offer_expires_at,
       g.program_id, g.price_cents, p.sale_id
  FROM waitlist_entry w
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
 WHERE w.id = $1 AND w.family_id = $2
   FOR UPDATE OF w;

-- name: waitlist_mark_accepted
UPDATE waitlist_entry SET status = 'accepted' WHERE id = $1;
