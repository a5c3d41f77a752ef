-- name: order_insert
-- The family accepts the payment terms in force now: the order keeps which version; and, for
-- two instalments, the consent sentence it read ($7) under its wording's version ($6).
INSERT INTO orders (id, family_id, sale_id, status, total_cents, instalments, terms_accepted_at,
                    terms_version_id, instalment_consent_at, instalment_consent_version,
                    instalment_consent_text)
VALUES ($1, $2, $3, 'awaiting_payment', $4, $5, now(),
        (SELECT max(id) FROM policy_version WHERE kind = 'terms'),
        CASE WHEN $7::text IS NOT NULL THEN now() END, $6, $7);

-- name: order_line_insert
INSERT INTO order_line (order_id, person_id, group_id, program_id, hold_id, price_cents, options)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: payment_insert
INSERT INTO payment (id, order_id, instalment, amount_cents, due_on) VALUES ($1, $2, $3, $4, $5);

-- name: payment_event_seen
-- Whether an event (same provider event id) was already accepted.
SELECT EXISTS (SELECT 1 FROM payment_event WHERE provider = $1 AND provider_event_id = $2);

-- name: payment_event_insert
-- Record an accepted provider event once; a redelivery (same provider event id) inserts nothing.
INSERT INTO payment_event (provider, provider_event_id, order_id, kind, amount_cents, payload)
VALUES ($1, $2, $3, $4, $5, $6::jsonb)
ON CONFLICT (provider, provider_event_id) DO NOTHING
RETURNING order_id;

-- name: order_summary
SELECT o.id, o.family_id, o.sale_id, o.status, o.total_cents, o.instalments, o.conflict_reason,
       o.instalment_consent_at
  FROM orders o WHERE o.id = $1;

-- name: order_payments
SELECT id, instalment, amount_cents, due_on, status, provider_ref
  FROM payment WHERE order_id = $1 ORDER BY instalment;

-- name: payment_set_pending
UPDATE payment SET status = 'pending', provider_ref = $2 WHERE id = $1 AND status = 'scheduled';

-- name: order_summary_for_family
SELECT o.id, o.family_id, o.sale_id, o.status, o.total_cents, o.instalments, o.conflict_reason
  FROM orders o WHERE o.id = $1 AND o.family_id = $2;

-- name: order_lines
SELECT id, person_id, group_id, program_id, hold_id, price_cents FROM order_line
 WHERE order_id = $1 ORDER BY id;

-- name: order_succeeded_payments
-- Payments of an order that a verified provider event says succeeded, and the provider payment
-- that did (a declined second instalment may be paid on the family's page, not the card).
SELECT DISTINCT p.id, p.instalment, e.payload ->> 'payment_ref' AS provider_ref
  FROM payment p
  JOIN payment_event e ON e.kind = 'payment.succeeded' AND (e.payload ->> 'payment_id')::uuid = p.id
 WHERE p.order_id = $1;

-- name: order_keep_saved_card
-- The card the first payment's success webhook says the provider saved, kept once with the
-- order whose family consented to a later charge (never a card number, only its references).
UPDATE orders o
   SET saved_card_customer_ref = e.payload -> 'saved_card' ->> 'customer_ref',
       saved_card_payment_method_ref = e.payload -> 'saved_card' ->> 'payment_method_ref'
  FROM payment p
  JOIN payment_event e ON e.kind = 'payment.succeeded' AND (e.payload ->> 'payment_id')::uuid = p.id
 WHERE o.id = $1 AND p.order_id = o.id AND p.instalment = 1
   AND o.instalment_consent_at IS NOT NULL AND o.saved_card_customer_ref IS NULL
   AND jsonb_typeof(e.payload -> 'saved_card') = 'object';

-- name: payment_set_succeeded
-- The provider payment that succeeded ($2) is the one refunds go back to.
UPDATE payment SET status = 'succeeded', succeeded_at = coalesce(succeeded_at, now()),
       provider_ref = $2
 WHERE id = $1 AND status IN ('scheduled', 'pending', 'failed');

-- name: order_lock
SELECT id, family_id, sale_id, status FROM orders WHERE id = $1 FOR UPDATE;

-- name: lock_groups_for_update
-- Lock the groups an order takes places in, in id order as every writer does. NO KEY UPDATE,
-- not UPDATE: it still serializes writers of a group's places, but never waits for (nor
-- blocks) the key-share locks a checkout's order lines take on their groups (foreign keys),
-- which in cart order against this id order deadlocked checkouts with finalizes in a rush.
SELECT id FROM activity_group WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE;

-- name: registration_insert
INSERT INTO registration (order_line_id, person_id, group_id) VALUES ($1, $2, $3);

-- name: order_set_paid
UPDATE orders SET status = 'paid', paid_at = now(), updated_at = now() WHERE id = $1;

-- name: order_set_conflict
UPDATE orders SET status = 'conflict', conflict_reason = $2, updated_at = now()
 WHERE id = $1 AND status = 'awaiting_payment';

-- name: waitlist_insert_first
-- A family refunded after a payment conflict goes first on the group's waitlist.
INSERT INTO waitlist_entry (group_id, family_id, person_id, priority)
VALUES ($1, $2, $3, 0)
ON CONFLICT (group_id, person_id) WHERE status IN ('waiting', 'offered')
DO UPDATE SET priority = 0;

-- name: order_set_refunded
UPDATE orders SET status = 'refunded', updated_at = now() WHERE id = $1 AND status = 'conflict';

-- name: payments_set_refunded
UPDATE payment SET status = 'refunded', refunded_at = now() WHERE order_id = $1 AND status = 'succeeded';

-- name: order_lines_for_page
SELECT pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en, ol.price_cents
  FROM order_line ol
  JOIN person pe ON pe.id = ol.person_id
  JOIN activity_group g ON g.id = ol.group_id
  JOIN program p ON p.id = g.program_id
 WHERE ol.order_id = $1
 ORDER BY pe.first_name, pe.last_name, pe.id, g.starts_on NULLS LAST, g.id;

-- name: payment_first_attempts
-- The attempts at the order's first instalment the provider declined so far, and whether the
-- current one (the provider payment the instalment points at now) is one of them.
SELECT count(e.id)::int AS declines,
       coalesce(bool_or(e.payload ->> 'payment_ref' = p.provider_ref AND p.status = 'pending'),
                false) AS current_declined
  FROM payment p
  LEFT JOIN payment_event e
    ON e.order_id = p.order_id AND e.kind = 'payment.failed'
   AND e.payload ->> 'payment_id' = p.id::text
 WHERE p.order_id = $1 AND p.instalment = 1;

-- name: payment_reopen_first
-- A declined first instalment is scheduled again, so the next attempt opens a new payment.
UPDATE payment SET status = 'scheduled', provider_ref = NULL
 WHERE order_id = $1 AND instalment = 1 AND status = 'pending';

-- name: order_holds
-- The holds an order's places are kept under, one per program.
SELECT DISTINCT program_id, hold_id FROM order_line WHERE order_id = $1;

-- name: family_paid_in_sale
-- Whether the family has a paid order in the sale (the waiting room tells it so).
SELECT EXISTS (
    SELECT 1 FROM orders WHERE family_id = $1 AND sale_id = $2 AND status = 'paid'
);
