-- $2 groups of capacity $3 in program $1; returns their ids.
INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents)
SELECT $1, 'Groupe ' || n, 'Group ' || n, $3, 0
  FROM generate_series(1, $2) AS n
RETURNING id;
