UPDATE payment SET status = 'succeeded', succeeded_at = coalesce(succeeded_at, now())
 WHERE id = $1 AND status IN ('scheduled', 'pending', 'failed');
