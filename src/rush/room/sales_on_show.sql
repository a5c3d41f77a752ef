-- name: sales_on_show
-- Sales families see announced: every sale not closed, and closed ones while their season
-- runs (their full groups still take a waitlist).
SELECT s.id, s.name_fr, s.name_en, s.opens_at, s.status
  FROM sale s
  JOIN season se ON se.id = s.season_id
 WHERE s.status <> 'closed' OR se.ends_on >= current_date
 ORDER BY s.opens_at, s.id;
