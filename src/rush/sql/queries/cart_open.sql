SELECT id, live_since FROM cart WHERE family_id = $1 AND sale_id = $2 AND status = 'open';
