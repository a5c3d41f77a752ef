-- One family, one chance: a child is claimed by one family per sale, when the family joins
-- the sale's queue or puts the child in its cart. The child is known by name and birth date
-- (compared as a person reads them: trimmed, case and accents ignored) and by health
-- insurance number, through a keyed hash (HMAC under the signing key, written with the
-- number) since the number itself is stored only encrypted. A second family claiming the
-- same child is refused and flagged for staff.

-- A name as a person compares it: trimmed, inner spaces collapsed, case and accents ignored.
CREATE FUNCTION folded_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT lower(regexp_replace(regexp_replace(normalize(btrim(name), NFKD),
                                               '[\u0300-\u036f]', '', 'g'),
                                '\s+', ' ', 'g'))
$$;

ALTER TABLE person ADD COLUMN health_insurance_number_hash bytea;

-- Every identity of every child: one by name and birth date, one by health insurance number.
CREATE VIEW child_identity AS
SELECT p.id AS person_id, p.family_id, k.identity
  FROM person p
 CROSS JOIN LATERAL (VALUES
       ('name:' || folded_name(p.first_name) || '|' || folded_name(p.last_name) || '|'
                || p.birth_date::text),
       ('health:' || encode(p.health_insurance_number_hash, 'hex'))) AS k (identity)
 WHERE p.role = 'child' AND k.identity IS NOT NULL;

CREATE TABLE sale_child_claim (
    sale_id    bigint NOT NULL REFERENCES sale,
    identity   text NOT NULL,
    family_id  bigint NOT NULL REFERENCES family,
    person_id  bigint NOT NULL REFERENCES person,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sale_id, identity)
);

-- A second family that claimed a child another family holds in the sale: for staff to call.
CREATE TABLE duplicate_child_flag (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sale_id          bigint NOT NULL REFERENCES sale,
    family_id        bigint NOT NULL REFERENCES family,
    person_id        bigint NOT NULL REFERENCES person,
    holder_family_id bigint NOT NULL REFERENCES family,
    flagged_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (sale_id, family_id, person_id)
);
