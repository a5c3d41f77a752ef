SELECT id, instalment, amount_cents, due_on, status, provider_ref
  FROM payment WHERE order_id = $1 ORDER BY instalment;
