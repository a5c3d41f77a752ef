UPDATE payment SET reminded_at = now(), provider_ref = coalesce(provider_ref, $2) WHERE id = $1;
