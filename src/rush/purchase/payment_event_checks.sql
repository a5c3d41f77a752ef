-- name: payment_asked_lock
-- The payment an event names ($1), locked (NO KEY UPDATE: never in the way of the rows that
-- reference it) so that events of one payment are checked one at a time. Its provider
-- payments: the current one, every one Rush opened for it (`provider_payment_opened`), and
-- those earlier accepted events named (each was the current one when its first event was
-- accepted). Refunded: the
-- accepted refunds of the provider payment $2, each refund counted once whatever its events,
-- the refund $3 itself left out so that another event of the same refund still matches.
SELECT p.order_id,
       p.amount_cents,
       array_remove(
         array(SELECT DISTINCT e.payload ->> 'payment_ref'
                 FROM payment_event e
                WHERE e.order_id = p.order_id AND e.payload ->> 'payment_id' = p.id::text)
         || array(SELECT o.provider_ref FROM provider_payment_opened o WHERE o.payment_id = p.id)
         || p.provider_ref,
         NULL) AS provider_refs,
       (SELECT coalesce(sum(r.amount_cents), 0)
          FROM (SELECT DISTINCT ON (coalesce(e.payload ->> 'refund_ref', e.provider_event_id))
                       e.amount_cents
                  FROM payment_event e
                 WHERE e.order_id = p.order_id
                   AND e.kind = 'refund.succeeded'
                   AND e.payload ->> 'payment_id' = p.id::text
                   AND e.payload ->> 'payment_ref' = $2
                   AND ($3::text IS NULL
                        OR (e.payload ->> 'refund_ref') IS DISTINCT FROM $3)) AS r
       )::bigint AS refunded_cents
  FROM payment p
 WHERE p.id = $1
   FOR NO KEY UPDATE OF p;

-- name: rejected_payment_event_insert
-- A redelivery of a rejected event (same provider event id) is not counted twice.
INSERT INTO rejected_payment_event (provider, provider_event_id, kind, payment_id, order_id,
                                    reason, payload)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
ON CONFLICT (provider, provider_event_id) DO NOTHING;

-- name: provider_payment_opened
-- Rush opened (or charged) provider payment $2 for its payment $1: its webhooks are about it.
INSERT INTO provider_payment_opened (provider_ref, payment_id) VALUES ($2, $1)
ON CONFLICT (provider_ref) DO NOTHING;
