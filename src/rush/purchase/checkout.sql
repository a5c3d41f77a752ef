-- name: checkout_sale_terms
-- The sale's terms, and the family's status: a family refused while shopping buys nothing.
SELECT status, two_instalments_min_cents, second_instalment_due_on, payment_window_seconds,
       (SELECT f.status FROM family f WHERE f.id = $2) AS family_status
  FROM sale WHERE id = $1;

-- name: order_latest_awaiting
-- A family's order still waiting for its first payment in a sale: checkout answers it again.
SELECT id FROM orders
 WHERE family_id = $1 AND sale_id = $2 AND status = 'awaiting_payment'
 ORDER BY created_at DESC LIMIT 1;

-- name: cart_check_out
UPDATE cart SET status = 'checked_out', order_id = $2 WHERE id = $1;
