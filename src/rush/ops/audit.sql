-- name: audit_programs
-- Programs in scope of an audit ($1: a sale id, or NULL for every sale).
SELECT id FROM program WHERE $1::bigint IS NULL OR sale_id = $1 ORDER BY id;

-- name: audit_groups
-- Every group in scope ($1: a sale id, or NULL for every sale) with its capacity and its
-- paid places counted from the active registrations themselves, not from the trigger's
-- counter, so the oversell audit does not trust the mechanism it audits.
SELECT g.id AS group_id,
       g.program_id,
       g.capacity,
       (SELECT count(*) FROM registration r
         WHERE r.group_id = g.id AND r.status = 'active')::int AS paid
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE $1::bigint IS NULL OR p.sale_id = $1
 ORDER BY g.program_id, g.id;

-- name: audit_paid_holds
-- Engine holds that Postgres recorded as paid in scope ($1: a sale id, or NULL), cancelled or
-- not: a live hold among them is a finalize between its commit and its Redis confirm.
SELECT DISTINCT ol.program_id, ol.hold_id
  FROM order_line ol
  JOIN registration r ON r.order_line_id = ol.id
  JOIN program p ON p.id = ol.program_id
 WHERE $1::bigint IS NULL OR p.sale_id = $1;

-- name: audit_payments
-- Every payment of the orders in scope ($1: a sale id, or NULL for every sale): what Rush
-- recorded of it, and what the provider says. A charge is one distinct provider payment ref
-- that succeeded for this instalment: two refs are two charges, while a redelivered event
-- (same ref) stays one. `registered` says every line of the order became a registration (staff
-- may have cancelled some since: that money bought places, it is not lost).
--
-- The provider speaks through its verified events and, for the simulated provider, through its
-- own ledger too: a charge whose webhook never arrived still took the family's money.
WITH charge AS (
    SELECT DISTINCT ON (payment_id, ref) payment_id, ref, amount_cents
      FROM (SELECT (payload ->> 'payment_id')::uuid AS payment_id,
                   payload ->> 'payment_ref' AS ref,
                   amount_cents
              FROM payment_event
             WHERE kind = 'payment.succeeded'
            UNION ALL
            SELECT payment_id, id, amount_cents
              FROM sim_provider_payment
             WHERE status IN ('succeeded', 'refunded')) AS told
     ORDER BY payment_id, ref
), charges AS (
    SELECT payment_id, count(*)::int AS charges, sum(amount_cents)::bigint AS charged_cents
      FROM charge
     GROUP BY payment_id
), refund AS (
    -- One refund is one provider refund ref, whether its event or the simulator's ledger told
    -- of it. Events older than `refund_ref` came from the simulator's one refund per payment,
    -- whose ref was the payment's with the refund prefix (migration 0012 kept those refs).
    SELECT DISTINCT ON (payment_id, ref) payment_id, ref, amount_cents
      FROM (SELECT (payload ->> 'payment_id')::uuid AS payment_id,
                   coalesce(payload ->> 'refund_ref',
                            'simre_' || substr(payload ->> 'payment_ref', 8)) AS ref,
                   amount_cents
              FROM payment_event
             WHERE kind = 'refund.succeeded'
            UNION ALL
            SELECT s.payment_id, r.id, r.amount_cents
              FROM sim_provider_refund r
              JOIN sim_provider_payment s ON s.id = r.payment_ref) AS told
     ORDER BY payment_id, ref, amount_cents DESC
), refunds AS (
    SELECT payment_id, sum(amount_cents)::bigint AS refunded_cents
      FROM refund
     GROUP BY payment_id
)
SELECT p.id AS payment_id,
       p.order_id,
       p.instalment,
       p.amount_cents,
       p.status,
       o.status AS order_status,
       o.total_cents,
       coalesce(c.charges, 0) AS charges,
       coalesce(c.charged_cents, 0) AS provider_charged_cents,
       coalesce(r.refunded_cents, 0) AS provider_refunded_cents,
       EXISTS (SELECT 1 FROM order_line ol WHERE ol.order_id = o.id)
         AND NOT EXISTS (SELECT 1 FROM order_line ol
                          WHERE ol.order_id = o.id
                            AND NOT EXISTS (SELECT 1 FROM registration reg
                                             WHERE reg.order_line_id = ol.id)) AS registered
  FROM payment p
  JOIN orders o ON o.id = p.order_id
  LEFT JOIN charges c ON c.payment_id = p.id
  LEFT JOIN refunds r ON r.payment_id = p.id
 WHERE $1::bigint IS NULL OR o.sale_id = $1
 ORDER BY o.created_at, p.order_id, p.instalment;

-- name: audit_order_count
-- How many orders the audit covers ($1: a sale id, or NULL for every sale).
SELECT count(*)::int FROM orders WHERE $1::bigint IS NULL OR sale_id = $1;

-- name: audit_opened_sales
-- Sales whose admissions can be audited for fairness ($1: a sale id, or NULL for every sale):
-- those that opened, or that drew a pre-queue or admitted anyone, whatever their status now.
SELECT s.id
  FROM sale s
 WHERE ($1::bigint IS NULL OR s.id = $1)
   AND (s.status <> 'scheduled'
        OR EXISTS (SELECT 1 FROM queue_draw d WHERE d.sale_id = s.id)
        OR EXISTS (SELECT 1 FROM admission a WHERE a.sale_id = s.id))
 ORDER BY s.id;
