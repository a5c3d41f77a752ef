SELECT status, two_instalments_min_cents, second_instalment_due_on, payment_window_seconds
  FROM sale WHERE id = $1;
