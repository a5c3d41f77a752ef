INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents, age_min,
                            age_max, starts_on, ends_on, schedule_fr, schedule_en, week_number,
                            daycare_for_group_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING id;
