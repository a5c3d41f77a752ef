SELECT status FROM orders WHERE id = $1;
