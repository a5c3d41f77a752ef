-- How many orders the audit covers ($1: a sale id, or NULL for every sale).
SELECT count(*)::int FROM orders WHERE $1::bigint IS NULL OR sale_id = $1;
