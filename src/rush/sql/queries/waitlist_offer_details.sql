SELECT w.id, w.offer_expires_at, pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en, g.name_fr AS group_fr, g.name_en AS group_en,
       w.family_id
  FROM waitlist_entry w
  JOIN person pe ON pe.id = w.person_id
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
 WHERE w.id = $1;
