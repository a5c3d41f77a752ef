-- Sales whose admissions can be audited for fairness ($1: a sale id, or NULL for every sale):
-- those that opened, or that drew a pre-queue or admitted anyone, whatever their status now.
SELECT s.id
  FROM sale s
 WHERE ($1::bigint IS NULL OR s.id = $1)
   AND (s.status <> 'scheduled'
        OR EXISTS (SELECT 1 FROM queue_draw d WHERE d.sale_id = s.id)
        OR EXISTS (SELECT 1 FROM admission a WHERE a.sale_id = s.id))
 ORDER BY s.id;
