SELECT w.id, w.group_id, w.person_id, w.status, w.offer_hold_id, w.offer_expires_at,
       g.program_id, g.price_cents, p.sale_id
  FROM waitlist_entry w
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
 WHERE w.id = $1 AND w.family_id = $2
   FOR UPDATE OF w;
