INSERT INTO waitlist_entry (group_id, family_id, person_id)
VALUES ($1, $2, $3)
ON CONFLICT (group_id, person_id) WHERE status IN ('waiting', 'offered') DO NOTHING
RETURNING id;
