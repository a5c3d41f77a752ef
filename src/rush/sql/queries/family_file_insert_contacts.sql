-- All of a child's contacts in one statement, numbered in the order the parent gave them.
INSERT INTO person_contact (person_id, position, kind, name, relationship, phone)
SELECT $1, c.position, c.kind, c.name, c.relationship, c.phone
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
       AS c (kind, name, relationship, phone, position);
