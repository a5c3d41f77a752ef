SELECT id FROM waitlist_entry
 WHERE group_id = $1 AND person_id = $2 AND status IN ('waiting', 'offered');
