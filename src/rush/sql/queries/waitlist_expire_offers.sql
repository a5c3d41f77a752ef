UPDATE waitlist_entry SET status = 'expired'
 WHERE status = 'offered' AND offer_expires_at <= now()
RETURNING id;
