INSERT INTO refund (order_id, payment_id, amount_cents, account_id)
VALUES ($1, $2, $3, $4)
RETURNING id;
