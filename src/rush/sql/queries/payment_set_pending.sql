UPDATE payment SET status = 'pending', provider_ref = $2 WHERE id = $1 AND status = 'scheduled';
