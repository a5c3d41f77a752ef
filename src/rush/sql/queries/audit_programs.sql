-- Programs in scope of an audit ($1: a sale id, or NULL for every sale).
SELECT id FROM program WHERE $1::bigint IS NULL OR sale_id = $1 ORDER BY id;
