-- name: instalment_charges_due
-- Second instalments the schedule charges now ($1: days between attempts): due by the
-- database's date, on a paid order whose card is saved, unpaid, with no attempt under way and
-- none declined less than $1 days ago.
SELECT p.id
  FROM payment p
  JOIN orders o ON o.id = p.order_id
 WHERE p.instalment = 2 AND p.due_on <= current_date AND p.status IN ('scheduled', 'failed')
   AND o.status = 'paid' AND o.saved_card_payment_method_ref IS NOT NULL
   AND NOT EXISTS (
       SELECT 1 FROM instalment_charge c
        WHERE c.payment_id = p.id
          AND (c.outcome = 'pending' OR c.settled_at > now() - make_interval(days => $1)))
 ORDER BY p.due_on, p.id;

-- name: instalment_charge_retryable
-- The second instalment staff may charge again now: unpaid on a paid order with a saved card.
SELECT p.id, p.amount_cents, o.sale_id
  FROM payment p
  JOIN orders o ON o.id = p.order_id
 WHERE p.order_id = $1 AND p.instalment = 2 AND p.status IN ('scheduled', 'failed')
   AND o.status = 'paid' AND o.saved_card_payment_method_ref IS NOT NULL;

-- name: instalment_charge_open
-- A new attempt at an instalment ($1), numbered after the last, asked by staff ($2) or the
-- schedule (NULL). Nothing when an attempt is under way (one pending per instalment) or a
-- concurrent run took the same number: that run charges, this one does not.
INSERT INTO instalment_charge (payment_id, attempt, idempotency_key, requested_by)
SELECT $1, a.n, $1::text || ':charge:' || a.n, $2
  FROM (SELECT coalesce(max(attempt), 0) + 1 AS n FROM instalment_charge WHERE payment_id = $1) a
ON CONFLICT DO NOTHING
RETURNING id;

-- name: instalment_charges_unsent
-- Attempts written but not yet taken in by the provider (just opened, or a crash between
-- the two), with what the provider needs; $1 one attempt, or NULL for all.
SELECT c.id, c.idempotency_key, p.id AS payment_id, p.order_id, p.amount_cents,
       o.saved_card_customer_ref AS customer_ref,
       o.saved_card_payment_method_ref AS payment_method_ref
  FROM instalment_charge c
  JOIN payment p ON p.id = c.payment_id
  JOIN orders o ON o.id = p.order_id
 WHERE c.outcome = 'pending' AND c.provider_ref IS NULL AND ($1::bigint IS NULL OR c.id = $1)
 ORDER BY c.id;

-- name: instalment_charge_sent
-- The provider took the attempt in: its reference names it in the outcome's webhook, and the
-- instalment waits for that outcome.
WITH sent AS (
    UPDATE instalment_charge SET provider_ref = $2 WHERE id = $1 AND provider_ref IS NULL
    RETURNING payment_id
)
UPDATE payment p SET status = 'pending', provider_ref = $2
  FROM sent
 WHERE p.id = sent.payment_id AND p.status IN ('scheduled', 'failed');

-- name: instalment_charges_settle
-- Attempts whose outcome a verified webhook recorded (matched by the provider's reference):
-- succeeded, or declined, which makes the instalment `failed` and starts its grace period at
-- the first decline. (A success is applied to the instalment by finalize, as any payment's.)
-- Returns the attempts declined now.
WITH settled AS (
    UPDATE instalment_charge c
       SET outcome = CASE WHEN e.kind = 'payment.succeeded' THEN 'succeeded' ELSE 'declined' END,
           settled_at = now()
      FROM payment_event e
     WHERE c.outcome = 'pending' AND c.provider_ref IS NOT NULL
       AND e.kind IN ('payment.succeeded', 'payment.failed')
       AND e.payload ->> 'payment_ref' = c.provider_ref
    RETURNING c.id, c.payment_id, c.outcome
), failed AS (
    UPDATE payment p
       SET status = 'failed', declined_at = coalesce(p.declined_at, now())
      FROM settled s
     WHERE p.id = s.payment_id AND s.outcome = 'declined' AND p.status IN ('scheduled', 'pending')
    RETURNING p.id
)
SELECT id FROM settled WHERE outcome = 'declined' ORDER BY id;

-- name: instalments_past_grace
-- Paid orders whose second instalment is still unpaid $1 days after its first decline, with no
-- attempt under way: the decline policy cancels their places.
SELECT o.id
  FROM orders o
  JOIN payment p ON p.order_id = o.id
 WHERE o.status = 'paid' AND p.instalment = 2 AND p.status <> 'succeeded'
   AND p.declined_at <= now() - make_interval(days => $1)
   AND NOT EXISTS (SELECT 1 FROM instalment_charge c
                    WHERE c.payment_id = p.id AND c.outcome = 'pending')
 ORDER BY o.id;

-- name: instalment_declined_of_order
-- An order's second instalment declined and still unpaid, and how many attempts were declined.
SELECT p.id, p.amount_cents,
       (SELECT count(*) FROM instalment_charge c
         WHERE c.payment_id = p.id AND c.outcome = 'declined')::int AS declines
  FROM payment p
  JOIN orders o ON o.id = p.order_id
 WHERE p.order_id = $1 AND p.instalment = 2 AND p.status = 'failed' AND o.status = 'paid';
