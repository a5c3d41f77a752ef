-- What readiness asks of a family as a whole: an address and the Relevé 24 payer.
-- $1 family ids, $2 their adult's person id, $3 one encrypted SIN, $4 its last three digits.
WITH addresses AS (
    INSERT INTO family_address (family_id, street, city, province, postal_code)
    SELECT f, '1000 rue Sherbrooke Est', 'Montréal', 'QC', 'H2L 1L3'
      FROM unnest($1::bigint[]) AS f
)
INSERT INTO tax_payer (family_id, person_id, sin_encrypted, sin_last3)
SELECT f, p, $3, $4
  FROM unnest($1::bigint[], $2::bigint[]) AS t (f, p);
