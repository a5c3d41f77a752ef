UPDATE family SET status = $2 WHERE id = $1 RETURNING id;
