-- name: rush_program
-- A season, a sale and one program for the benchmark's groups; returns the program id.
WITH season AS (
    INSERT INTO season (name_fr, name_en, starts_on, ends_on, age_reference_date)
    VALUES ('Banc d''essai', 'Benchmark', '2027-06-21', '2027-08-13', '2027-09-30')
    RETURNING id
), sale AS (
    INSERT INTO sale (season_id, name_fr, name_en, opens_at, status)
    SELECT id, 'Banc d''essai', 'Benchmark', now(), 'open' FROM season
    RETURNING id, season_id
)
INSERT INTO program (season_id, sale_id, kind, name_fr, name_en)
SELECT season_id, id, 'sport', $1, $1 FROM sale
RETURNING id;

-- name: rush_groups
-- $2 groups of capacity $3 in program $1; returns their ids.
INSERT INTO activity_group (program_id, name_fr, name_en, capacity, price_cents)
SELECT $1, 'Groupe ' || n, 'Group ' || n, $3, 0
  FROM generate_series(1, $2) AS n
RETURNING id;

-- name: pg_baseline_schema
-- The classic Postgres hold, the baseline the hold engine is measured against.
-- Dropped and recreated at the start of every run, so reruns start clean.
-- A hold row per held place, and counters on the group row that every hold locks FOR UPDATE.

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

CREATE TABLE bench.bench_group (
    id       integer PRIMARY KEY,
    capacity integer NOT NULL CHECK (capacity >= 0),
    paid     integer NOT NULL DEFAULT 0,
    held     integer NOT NULL DEFAULT 0
);

CREATE TABLE bench.bench_hold (
    id         text PRIMARY KEY,
    group_id   integer NOT NULL REFERENCES bench.bench_group,
    places     integer NOT NULL CHECK (places > 0),
    expires_at timestamptz NOT NULL
);

-- name: pg_add_group
-- A baseline group: $1 id, $2 capacity.
INSERT INTO bench.bench_group (id, capacity) VALUES ($1, $2);

-- name: pg_lock_group
-- Locks one baseline group for the rest of the transaction: every hold on it waits here.
SELECT capacity, paid, held
  FROM bench.bench_group
 WHERE id = $1
   FOR UPDATE;

-- name: pg_insert_hold
-- One hold row: $1 hold id, $2 group, $3 places, $4 time to live in ms.
INSERT INTO bench.bench_hold (id, group_id, places, expires_at)
VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond');

-- name: pg_add_held
-- Moves a group's held count by $2 places (negative to give places back).
UPDATE bench.bench_group SET held = held + $2 WHERE id = $1;

-- name: pg_delete_hold
-- Forgets one hold and says which places it had, so the caller can give them back.
DELETE FROM bench.bench_hold WHERE id = $1 RETURNING group_id, places;

-- name: pg_add_paid
-- Counts $2 more paid places in a group.
UPDATE bench.bench_group SET paid = paid + $2 WHERE id = $1;

-- name: pg_group_paid
-- Paid places of one baseline group, read back for the sell-out audit.
SELECT paid FROM bench.bench_group WHERE id = $1;
