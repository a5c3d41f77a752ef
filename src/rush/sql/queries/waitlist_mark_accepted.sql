UPDATE waitlist_entry SET status = 'accepted' WHERE id = $1;
