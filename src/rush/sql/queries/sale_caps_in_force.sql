-- Per-child caps of a sale still in force now (some last only for a while after opening).
SELECT c.id, c.program_id, c.max_places
  FROM sale_child_cap c
  JOIN sale s ON s.id = c.sale_id
 WHERE c.sale_id = $1
   AND (c.for_seconds IS NULL OR s.status = 'scheduled'
        OR now() < coalesce((SELECT opened_at FROM queue_draw d WHERE d.sale_id = s.id), s.opens_at)
                    + make_interval(secs => c.for_seconds));
