-- Before the hold ceiling phase: sale $1 admits anyone at once ($2 a minute, $2 shoppers), so
-- the phase's families are admitted as they join.
UPDATE sale SET admission_rate_per_min = $2, max_shoppers = $2 WHERE id = $1;
