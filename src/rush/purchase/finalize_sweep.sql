-- name: orders_to_refinalize
-- Orders no finalize settled although the provider's payment is recorded: still awaiting
-- payment after a verified payment.succeeded event, or paid without the confirmation sent.
-- Their finalize or email job was lost (a Redis that came back without its last writes).
-- $1: seconds an event is given to be finalized first; $2: at most this many orders.
-- Events of the last day only, so the query stays small however long Rush runs.
SELECT o.id
  FROM orders o
 WHERE EXISTS (
         SELECT 1
           FROM payment p
           JOIN payment_event e
             ON e.kind = 'payment.succeeded' AND (e.payload ->> 'payment_id')::uuid = p.id
          WHERE p.order_id = o.id
            AND e.received_at < now() - make_interval(secs => $1)
            AND e.received_at > now() - interval '1 day')
   AND (o.status = 'awaiting_payment'
        OR (o.status = 'paid'
            AND NOT EXISTS (SELECT 1 FROM sent_email s
                             WHERE s.purpose = 'confirmation:' || o.id::text)))
 LIMIT $2;
