UPDATE cart SET status = 'checked_out', order_id = $2 WHERE id = $1;
