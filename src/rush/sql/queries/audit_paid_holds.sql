-- Engine holds that Postgres recorded as paid in scope ($1: a sale id, or NULL), cancelled or
-- not: a live hold among them is a finalize between its commit and its Redis confirm.
SELECT DISTINCT ol.program_id, ol.hold_id
  FROM order_line ol
  JOIN registration r ON r.order_line_id = ol.id
  JOIN program p ON p.id = ol.program_id
 WHERE $1::bigint IS NULL OR p.sale_id = $1;
