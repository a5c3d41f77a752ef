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
