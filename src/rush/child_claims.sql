-- name: claim_children
-- Claim the family's children (or only those of $3) for the sale; returns the children whose
-- identity another family already holds. Re-claiming one's own child is a no-op.
WITH wanted AS (
    SELECT DISTINCT ON (identity) person_id, identity
      FROM child_identity
     WHERE family_id = $2 AND ($3::bigint[] IS NULL OR person_id = ANY ($3::bigint[]))
), claimed AS (
    INSERT INTO sale_child_claim (sale_id, identity, family_id, person_id)
    SELECT $1, identity, $2, person_id FROM wanted
    ON CONFLICT (sale_id, identity) DO UPDATE SET person_id = EXCLUDED.person_id
     WHERE sale_child_claim.family_id = EXCLUDED.family_id
    RETURNING identity
)
SELECT DISTINCT w.person_id
  FROM wanted w
 WHERE w.identity NOT IN (SELECT identity FROM claimed);

-- name: flag_duplicate_children
-- Flag each of the family's children ($3) that another family holds in the sale, once.
INSERT INTO duplicate_child_flag (sale_id, family_id, person_id, holder_family_id)
SELECT DISTINCT ON (mine.person_id) $1, $2, mine.person_id, held.family_id
  FROM child_identity mine
  JOIN sale_child_claim held ON held.sale_id = $1 AND held.identity = mine.identity
 WHERE mine.family_id = $2 AND mine.person_id = ANY ($3::bigint[]) AND held.family_id <> $2
ON CONFLICT (sale_id, family_id, person_id) DO NOTHING;

-- name: duplicate_child_flags
-- The flags staff have to look at, newest first, with whom to call.
SELECT f.flagged_at, f.sale_id, s.name_fr AS sale_name_fr, s.name_en AS sale_name_en,
       c.first_name, c.last_name, c.birth_date,
       f.family_id, (SELECT a.email FROM account a WHERE a.family_id = f.family_id
                      ORDER BY a.id LIMIT 1) AS family_email,
       f.holder_family_id, (SELECT a.email FROM account a WHERE a.family_id = f.holder_family_id
                             ORDER BY a.id LIMIT 1) AS holder_email
  FROM duplicate_child_flag f
  JOIN person c ON c.id = f.person_id
  JOIN sale s ON s.id = f.sale_id
 ORDER BY f.flagged_at DESC, f.id DESC
 LIMIT 200;
