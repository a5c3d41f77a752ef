UPDATE waitlist_entry
   SET status = 'offered', offer_hold_id = $2, offer_expires_at = $3
 WHERE id = $1 AND status = 'waiting';
