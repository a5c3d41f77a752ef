UPDATE orders SET status = 'conflict', conflict_reason = $2, updated_at = now()
 WHERE id = $1 AND status = 'awaiting_payment';
