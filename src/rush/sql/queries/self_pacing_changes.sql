-- The last rate changes self-pacing made in a sale, newest first.
SELECT s.at, s.details::text AS details
  FROM staff_action s
 WHERE s.sale_id = $1 AND s.action = 'self_pace'
 ORDER BY s.at DESC
 LIMIT $2;
