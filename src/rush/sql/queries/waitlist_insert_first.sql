-- A family refunded after a payment conflict goes first on the group's waitlist.
INSERT INTO waitlist_entry (group_id, family_id, person_id, priority)
VALUES ($1, $2, $3, 0)
ON CONFLICT (group_id, person_id) WHERE status IN ('waiting', 'offered')
DO UPDATE SET priority = 0;
