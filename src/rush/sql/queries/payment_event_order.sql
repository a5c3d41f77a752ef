SELECT order_id FROM payment_event WHERE provider = $1 AND provider_event_id = $2;
