-- name: family_contact
-- Where a family's emails go: its (first) account's address, in that account's language, and
-- the first name its emails greet (the family's first adult: "Bonjour Julie,").
SELECT a.email::text AS email, a.locale,
       (SELECT pe.first_name FROM person pe WHERE pe.family_id = a.family_id AND pe.role = 'adult'
         ORDER BY pe.id LIMIT 1) AS first_name
  FROM account a
 WHERE a.family_id = $1
 ORDER BY a.id
 LIMIT 1;

-- name: family_decision_now
-- The decision a family's file stands under now, and the reason when it is a refusal.
SELECT status, refusal_reason FROM family WHERE id = $1;

-- name: order_confirmation_lines
-- What the confirmation email lists for each paid place, in both languages.
SELECT pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en,
       g.schedule_fr, g.schedule_en, ol.price_cents
  FROM order_line ol
  JOIN person pe ON pe.id = ol.person_id
  JOIN activity_group g ON g.id = ol.group_id
  JOIN program p ON p.id = g.program_id
 WHERE ol.order_id = $1
 ORDER BY ol.id;

-- name: cancellation_notice_lines
-- The places one staff cancellation took ($1), as the family's email names them.
SELECT pe.family_id, pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en, g.starts_on, g.ends_on
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  JOIN activity_group g ON g.id = r.group_id
  JOIN program p ON p.id = g.program_id
 WHERE r.id = ANY($1::bigint[]) AND r.status = 'cancelled'
 ORDER BY r.id;

-- name: cancellation_notice_refund
-- The money going back for those places: every refund written for any of them, since one
-- cancellation writes its refunds naming all the places it took in that order.
SELECT coalesce(sum(amount_cents), 0)::int
  FROM refund
 WHERE registration_ids && $1::bigint[];

-- name: waitlist_offer_details
SELECT w.id, w.offer_expires_at, pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en, g.name_fr AS group_fr, g.name_en AS group_en,
       w.family_id
  FROM waitlist_entry w
  JOIN person pe ON pe.id = w.person_id
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
 WHERE w.id = $1;

-- name: instalments_due_for_reminder
-- Second instalments coming due within the reminder window and not reminded yet.
-- An order with a saved card is charged on the due date: its reminder says so.
SELECT p.id, p.order_id, p.amount_cents, p.due_on, o.family_id,
       o.saved_card_payment_method_ref IS NOT NULL AS card_saved
  FROM payment p JOIN orders o ON o.id = p.order_id
 WHERE p.instalment = 2 AND p.status = 'scheduled' AND p.reminded_at IS NULL
   AND o.status = 'paid' AND p.due_on <= $1;

-- name: payment_set_reminded
UPDATE payment SET reminded_at = now(), provider_ref = coalesce(provider_ref, $2) WHERE id = $1;

-- name: instalment_charge_declined_notice
-- What the family's email about a declined attempt says: the order, the amount, when the card
-- was first declined (the grace period runs from it) and when this attempt was.
SELECT c.id, c.settled_at, p.order_id, p.amount_cents, p.declined_at, o.family_id
  FROM instalment_charge c
  JOIN payment p ON p.id = c.payment_id
  JOIN orders o ON o.id = p.order_id
 WHERE c.id = $1 AND c.outcome = 'declined' AND o.status = 'paid' AND p.status = 'failed';
