DELETE FROM cart_item WHERE cart_id = $1 AND id = ANY($2::bigint[]) RETURNING program_id;
