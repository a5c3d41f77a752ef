-- The family file ("Mon dossier familial"): how to reach the parents, where the family lives,
-- each child's health and safety sheet and contacts, and who receives the Relevé 24.
-- The application validates and normalizes every value; the CHECKs below repeat the normal
-- forms so that no other path can store a phone or postal code the rest of Rush cannot read.
-- Secrets (SIN, health insurance number) are stored only as Fernet tokens (rush.crypto).

ALTER TABLE person
    ADD COLUMN email                             text,
    ADD COLUMN phone_home                        text,
    ADD COLUMN phone_mobile                      text,
    ADD COLUMN phone_work                        text,
    ADD COLUMN health_insurance_number_encrypted bytea,
    ADD CONSTRAINT person_phones_normalized CHECK (
        phone_home   ~ '^[2-9][0-9]{2} [2-9][0-9]{2}-[0-9]{4}$' AND
        phone_mobile ~ '^[2-9][0-9]{2} [2-9][0-9]{2}-[0-9]{4}$' AND
        phone_work   ~ '^[2-9][0-9]{2} [2-9][0-9]{2}-[0-9]{4}$'
    ),
    -- Only adults are reached directly; only children carry a health insurance number here.
    ADD CONSTRAINT person_contact_details_for_adults CHECK (
        role = 'adult' OR (email IS NULL AND phone_home IS NULL
                           AND phone_mobile IS NULL AND phone_work IS NULL)
    ),
    ADD CONSTRAINT person_health_insurance_for_children CHECK (
        role = 'child' OR health_insurance_number_encrypted IS NULL
    ),
    -- Lets tax_payer prove by foreign key that its payer belongs to its family.
    ADD CONSTRAINT person_id_family UNIQUE (id, family_id);

-- One address per family, as the municipal file keeps it.
CREATE TABLE family_address (
    family_id   bigint PRIMARY KEY REFERENCES family,
    street      text NOT NULL CHECK (street <> ''),
    apartment   text,
    city        text NOT NULL CHECK (city <> ''),
    province    text NOT NULL DEFAULT 'QC'
                CHECK (province IN ('AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE',
                                    'QC', 'SK', 'YT')),
    postal_code text NOT NULL CHECK (postal_code ~ '^[A-Z][0-9][A-Z] [0-9][A-Z][0-9]$'),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The SANTÉ ET SÉCURITÉ section of one child: its row existing means the parent answered it.
CREATE TABLE health_sheet (
    person_id      bigint PRIMARY KEY REFERENCES person,
    wears_glasses  boolean NOT NULL,
    wears_contacts boolean NOT NULL,
    medication     text NOT NULL DEFAULT '',
    allergies      text NOT NULL DEFAULT '',
    epipen         boolean NOT NULL,
    health_notes   text NOT NULL DEFAULT '',
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- People to call in an emergency or allowed to pick the child up, in the parent's order.
CREATE TABLE person_contact (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    bigint NOT NULL REFERENCES person,
    position     smallint NOT NULL CHECK (position > 0),
    kind         text NOT NULL CHECK (kind IN ('emergency', 'pickup')),
    name         text NOT NULL CHECK (name <> ''),
    relationship text NOT NULL CHECK (relationship <> ''),
    phone        text NOT NULL CHECK (phone ~ '^[2-9][0-9]{2} [2-9][0-9]{2}-[0-9]{4}$'),
    UNIQUE (person_id, position)
);

-- Who the Relevé 24 (childcare expenses) is made out to. The SIN is only ever stored
-- encrypted; its last three digits are kept clear so the file can show "*** *** 123".
CREATE TABLE tax_payer (
    family_id     bigint PRIMARY KEY REFERENCES family,
    person_id     bigint NOT NULL,
    sin_encrypted bytea NOT NULL,
    sin_last3     text NOT NULL CHECK (sin_last3 ~ '^[0-9]{3}$'),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (person_id, family_id) REFERENCES person (id, family_id)
);
