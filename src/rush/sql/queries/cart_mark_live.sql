UPDATE cart SET live_since = coalesce(live_since, now()) WHERE id = $1;
