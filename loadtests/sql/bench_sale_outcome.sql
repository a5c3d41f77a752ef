-- What sale $1 ended with: orders by status and the places registered.
SELECT (SELECT count(*) FROM orders WHERE sale_id = $1 AND status = 'paid') AS paid_orders,
       (SELECT count(*) FROM orders WHERE sale_id = $1 AND status IN ('conflict', 'refunded'))
           AS refunded_orders,
       (SELECT count(*)
          FROM registration r JOIN order_line l ON l.id = r.order_line_id
          JOIN orders o ON o.id = l.order_id
         WHERE o.sale_id = $1 AND r.status = 'active') AS registrations,
       (SELECT coalesce(sum(g.capacity), 0)
          FROM activity_group g JOIN program p ON p.id = g.program_id
         WHERE p.sale_id = $1) AS capacity;
