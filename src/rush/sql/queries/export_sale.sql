-- Whether sale $1 exists, for its payments export.
SELECT id FROM sale WHERE id = $1;
