SELECT order_id FROM payment WHERE id = $1;
