UPDATE orders SET status = 'paid', paid_at = now(), updated_at = now() WHERE id = $1;
