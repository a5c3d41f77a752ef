-- name: policies_current
-- The latest version of each policy kind.
SELECT DISTINCT ON (kind) id, kind, body_fr, body_en, created_at
  FROM policy_version
 ORDER BY kind, id DESC;

-- name: policy_insert
INSERT INTO policy_version (kind, body_fr, body_en, created_by)
VALUES ($1, $2, $3, $4)
RETURNING id;
