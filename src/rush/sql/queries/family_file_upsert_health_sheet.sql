INSERT INTO health_sheet (person_id, wears_glasses, wears_contacts, medication, allergies, epipen,
                          health_notes)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (person_id) DO UPDATE
   SET wears_glasses = EXCLUDED.wears_glasses, wears_contacts = EXCLUDED.wears_contacts,
       medication = EXCLUDED.medication, allergies = EXCLUDED.allergies,
       epipen = EXCLUDED.epipen, health_notes = EXCLUDED.health_notes, updated_at = now();
