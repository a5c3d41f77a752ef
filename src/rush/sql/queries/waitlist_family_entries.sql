SELECT w.id, w.group_id, w.person_id, w.status, w.priority, w.offer_expires_at, w.created_at,
       g.name_fr AS group_fr, g.name_en AS group_en, g.price_cents
  FROM waitlist_entry w JOIN activity_group g ON g.id = w.group_id
 WHERE w.family_id = $1
 ORDER BY w.created_at;
