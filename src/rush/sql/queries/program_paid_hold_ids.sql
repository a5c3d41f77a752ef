-- Ids of every engine hold that Postgres recorded as paid for one program, cancelled or not:
-- a hold confirmed once must never be confirmed again.
SELECT DISTINCT ol.hold_id
  FROM order_line ol
  JOIN registration r ON r.order_line_id = ol.id
 WHERE ol.program_id = $1;
