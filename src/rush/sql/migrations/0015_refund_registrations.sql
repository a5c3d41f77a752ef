-- Which registrations each refund paid back, so "Mon dossier" and the family's email can say
-- what the money was for. A refund and the registrations it pays back are written by one
-- transaction, so before this column their `created_at` and `cancelled_at` were the same
-- `now()`: that finds them for the refunds already made.
ALTER TABLE refund ADD COLUMN registration_ids bigint[] NOT NULL DEFAULT '{}';

UPDATE refund rf
   SET registration_ids = cancelled.ids
  FROM (SELECT ol.order_id, r.cancelled_at, array_agg(r.id ORDER BY r.id) AS ids
          FROM registration r
          JOIN order_line ol ON ol.id = r.order_line_id
         WHERE r.status = 'cancelled'
         GROUP BY ol.order_id, r.cancelled_at) AS cancelled
 WHERE cancelled.order_id = rf.order_id
   AND cancelled.cancelled_at = rf.created_at;
CREATE INDEX refund_registrations ON refund USING gin (registration_ids);
