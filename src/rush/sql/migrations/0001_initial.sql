-- Catalogue, families, orders and paid places.
-- Postgres is the source of truth for what is paid: a registration is a paid place, and the
-- database itself refuses more active registrations than a group's capacity.

CREATE TABLE season (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name_fr            text NOT NULL,
    name_en            text NOT NULL,
    starts_on          date NOT NULL,
    ends_on            date NOT NULL,
    -- Ages of children are computed on this date, as municipal programs announce them.
    age_reference_date date NOT NULL,
    CHECK (starts_on <= ends_on)
);

-- A registration window: the morning the rush happens.
CREATE TABLE sale (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    season_id                 bigint NOT NULL REFERENCES season,
    name_fr                   text NOT NULL,
    name_en                   text NOT NULL,
    opens_at                  timestamptz NOT NULL,
    closes_at                 timestamptz,
    status                    text NOT NULL DEFAULT 'scheduled'
                              CHECK (status IN ('scheduled', 'open', 'paused', 'closed')),
    -- Two instalments are offered for carts of at least this amount, the second due on this date.
    two_instalments_min_cents integer CHECK (two_instalments_min_cents >= 0),
    second_instalment_due_on  date,
    CHECK (closes_at IS NULL OR closes_at > opens_at)
);

CREATE TABLE program (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    season_id          bigint NOT NULL REFERENCES season,
    sale_id            bigint NOT NULL REFERENCES sale,
    kind               text NOT NULL
                       CHECK (kind IN ('day_camp', 'daycare', 'swimming', 'sport', 'free_activity', 'other')),
    name_fr            text NOT NULL,
    name_en            text NOT NULL,
    description_fr     text NOT NULL DEFAULT '',
    description_en     text NOT NULL DEFAULT '',
    -- Childcare expenses eligible for the Relevé 24 tax receipt (day camp, daycare).
    childcare_eligible boolean NOT NULL DEFAULT false
);
CREATE INDEX program_sale ON program (sale_id);

-- A level, time slot or camp week: the unit that has a capacity.
CREATE TABLE activity_group (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id           bigint NOT NULL REFERENCES program,
    name_fr              text NOT NULL,
    name_en              text NOT NULL,
    capacity             integer NOT NULL CHECK (capacity >= 0),
    -- Maintained by the registration trigger below; never written by the application.
    paid_count           integer NOT NULL DEFAULT 0 CHECK (paid_count >= 0),
    price_cents          integer NOT NULL CHECK (price_cents >= 0),
    age_min              smallint CHECK (age_min >= 0),
    age_max              smallint CHECK (age_max >= age_min),
    starts_on            date,
    ends_on              date,
    schedule_fr          text NOT NULL DEFAULT '',
    schedule_en          text NOT NULL DEFAULT '',
    week_number          smallint,
    daycare_for_group_id bigint REFERENCES activity_group,
    CONSTRAINT paid_within_capacity CHECK (paid_count <= capacity)
);
CREATE INDEX activity_group_program ON activity_group (program_id);

CREATE TABLE family (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status     text NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'refused')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE person (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id  bigint NOT NULL REFERENCES family,
    role       text NOT NULL CHECK (role IN ('adult', 'child')),
    first_name text NOT NULL,
    last_name  text NOT NULL,
    birth_date date,
    sex        text CHECK (sex IN ('f', 'm', 'x')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_family ON person (family_id);

CREATE TABLE orders (
    id          uuid PRIMARY KEY,
    family_id   bigint NOT NULL REFERENCES family,
    sale_id     bigint NOT NULL REFERENCES sale,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'awaiting_payment', 'paid', 'conflict', 'refunded', 'cancelled')),
    total_cents integer NOT NULL DEFAULT 0 CHECK (total_cents >= 0),
    instalments smallint NOT NULL DEFAULT 1 CHECK (instalments IN (1, 2)),
    created_at  timestamptz NOT NULL DEFAULT now(),
    paid_at     timestamptz
);
CREATE INDEX orders_family ON orders (family_id);

-- One place for one person in one group; `hold_id` names the engine hold that carries it.
CREATE TABLE order_line (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders,
    person_id   bigint NOT NULL REFERENCES person,
    group_id    bigint NOT NULL REFERENCES activity_group,
    program_id  bigint NOT NULL REFERENCES program,
    hold_id     text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    options     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX order_line_order ON order_line (order_id);
CREATE INDEX order_line_program_hold ON order_line (program_id, hold_id);

-- A paid place.
CREATE TABLE registration (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_line_id bigint NOT NULL UNIQUE REFERENCES order_line,
    person_id     bigint NOT NULL REFERENCES person,
    group_id      bigint NOT NULL REFERENCES activity_group,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    cancelled_at  timestamptz
);
CREATE UNIQUE INDEX registration_one_per_person_and_group
    ON registration (person_id, group_id) WHERE status = 'active';
CREATE INDEX registration_group ON registration (group_id) WHERE status = 'active';

CREATE TABLE payment_event (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider          text NOT NULL,
    provider_event_id text NOT NULL,
    order_id          uuid REFERENCES orders,
    kind              text NOT NULL,
    amount_cents      integer NOT NULL DEFAULT 0,
    payload           jsonb NOT NULL DEFAULT '{}',
    received_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_event_id)
);

-- Every change of an active registration moves its group's paid_count, whose CHECK refuses
-- to pass capacity. The UPDATE locks the group row, so concurrent finalizes serialize here
-- and no code path, however written, can oversell.
CREATE FUNCTION registration_counts_paid_places() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
        UPDATE activity_group SET paid_count = paid_count - 1 WHERE id = OLD.group_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
        UPDATE activity_group SET paid_count = paid_count + 1 WHERE id = NEW.group_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER registration_counts_paid_places
    AFTER INSERT OR UPDATE OF status, group_id OR DELETE ON registration
    FOR EACH ROW EXECUTE FUNCTION registration_counts_paid_places();
