-- A season, a sale and one program for the benchmark's groups; returns the program id.
WITH season AS (
    INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)
    VALUES ('Banc d''essai', 'Benchmark', '2027-06-21', '2027-08-13', '2027-09-30')
    RETURNING id
), sale AS (
    INSERT INTO sale (season_id, name_fr, name_en, opens_at, status)
    SELECT id, 'Banc d''essai', 'Benchmark', now(), 'open' FROM season
    RETURNING id, season_id
)
INSERT INTO program (season_id, sale_id, kind, name_fr, name_en)
SELECT season_id, id, 'sport', $1, $1 FROM sale
RETURNING id;
