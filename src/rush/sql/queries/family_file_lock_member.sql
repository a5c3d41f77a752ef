-- The person's role if it belongs to the family, its row locked until the edit commits so two
-- edits of one person serialize. NO KEY UPDATE leaves foreign-key checks (a finalize writing
-- this person's registration) unblocked.
SELECT role FROM person WHERE family_id = $1 AND id = $2 FOR NO KEY UPDATE;
