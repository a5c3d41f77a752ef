-- name: schema_migration
CREATE TABLE IF NOT EXISTS schema_migration (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- name: schema_migration_applied
SELECT EXISTS (SELECT 1 FROM schema_migration WHERE version = $1);

-- name: schema_migration_record
INSERT INTO schema_migration (version) VALUES ($1);
