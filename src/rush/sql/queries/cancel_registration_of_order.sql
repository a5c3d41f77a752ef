-- One registration of an order, whatever its status; another order's registration is not found.
SELECT r.id, r.status
  FROM registration r
  JOIN order_line ol ON ol.id = r.order_line_id
 WHERE ol.order_id = $1 AND r.id = $2;
