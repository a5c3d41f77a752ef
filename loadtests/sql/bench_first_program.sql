-- The first program of sale $1: the hold ceiling phase opens its own group there.
SELECT id FROM program WHERE sale_id = $1 ORDER BY id LIMIT 1;
