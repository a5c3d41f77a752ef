UPDATE payment SET status = 'refunded', refunded_at = now() WHERE order_id = $1 AND status = 'succeeded';
