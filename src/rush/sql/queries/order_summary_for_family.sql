SELECT o.id, o.family_id, o.sale_id, o.status, o.total_cents, o.instalments, o.conflict_reason
  FROM orders o WHERE o.id = $1 AND o.family_id = $2;
