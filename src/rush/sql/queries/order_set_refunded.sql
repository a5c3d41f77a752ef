UPDATE orders SET status = 'refunded', updated_at = now() WHERE id = $1 AND status = 'conflict';
