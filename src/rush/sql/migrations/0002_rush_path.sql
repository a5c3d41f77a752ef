-- The rush path: accounts, waiting-room pacing and fairness log, payments, waitlist, emails.

CREATE EXTENSION IF NOT EXISTS citext;

ALTER TABLE sale
    ADD COLUMN admission_rate_per_min  integer NOT NULL DEFAULT 120 CHECK (admission_rate_per_min >= 0),
    ADD COLUMN max_shoppers            integer NOT NULL DEFAULT 200 CHECK (max_shoppers > 0),
    ADD COLUMN idle_timeout_seconds    integer NOT NULL DEFAULT 600 CHECK (idle_timeout_seconds > 0),
    -- Starting payment extends the cart's holds once by this window.
    ADD COLUMN payment_window_seconds  integer NOT NULL DEFAULT 900 CHECK (payment_window_seconds > 0),
    ADD COLUMN waitlist_offer_seconds  integer NOT NULL DEFAULT 86400 CHECK (waitlist_offer_seconds > 0),
    -- Redis stream id of the last admission copied into the admission table.
    ADD COLUMN admissions_copied_through text;

-- Per-child caps, e.g. at most 6 camp weeks per child during the first hour of the sale.
CREATE TABLE sale_child_cap (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sale_id          bigint NOT NULL REFERENCES sale,
    program_id       bigint REFERENCES program,
    max_places       integer NOT NULL CHECK (max_places > 0),
    -- NULL: the cap holds for the whole sale; otherwise only this long after opening.
    for_seconds      integer CHECK (for_seconds > 0)
);

CREATE TABLE account (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id          bigint REFERENCES family,
    email              citext NOT NULL UNIQUE,
    password_hash      text NOT NULL,
    role               text NOT NULL DEFAULT 'family' CHECK (role IN ('family', 'supervisor', 'admin')),
    locale             text NOT NULL DEFAULT 'fr-CA' CHECK (locale IN ('fr-CA', 'en')),
    email_confirmed_at timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'family' OR family_id IS NOT NULL)
);

-- The pre-queue draw: with the seed and the arrivals anyone can recompute the order.
CREATE TABLE queue_draw (
    sale_id   bigint PRIMARY KEY REFERENCES sale,
    seed      text NOT NULL,
    opened_at timestamptz NOT NULL,
    families  bigint[] NOT NULL
);

-- Every admission, copied from Redis by a worker, for the fairness audit.
CREATE TABLE admission (
    sale_id     bigint NOT NULL REFERENCES sale,
    ticket      integer NOT NULL,
    family_id   bigint NOT NULL REFERENCES family,
    admitted_at timestamptz NOT NULL,
    PRIMARY KEY (sale_id, ticket)
);

ALTER TABLE orders
    ADD COLUMN terms_accepted_at timestamptz,
    ADD COLUMN conflict_reason   text,
    ADD COLUMN updated_at        timestamptz NOT NULL DEFAULT now();

-- One row per instalment; the provider is asked with the instalment's idempotency key.
CREATE TABLE payment (
    id              uuid PRIMARY KEY,
    order_id        uuid NOT NULL REFERENCES orders,
    instalment      smallint NOT NULL CHECK (instalment IN (1, 2)),
    amount_cents    integer NOT NULL CHECK (amount_cents >= 0),
    due_on          date NOT NULL,
    status          text NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled', 'pending', 'succeeded', 'failed', 'refunded')),
    provider_ref    text,
    succeeded_at    timestamptz,
    refunded_at     timestamptz,
    reminded_at     timestamptz,
    UNIQUE (order_id, instalment)
);

CREATE TABLE waitlist_entry (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id         bigint NOT NULL REFERENCES activity_group,
    family_id        bigint NOT NULL REFERENCES family,
    person_id        bigint NOT NULL REFERENCES person,
    -- Lower goes first: families refunded after a payment conflict jump ahead.
    priority         smallint NOT NULL DEFAULT 1,
    status           text NOT NULL DEFAULT 'waiting'
                     CHECK (status IN ('waiting', 'offered', 'accepted', 'expired', 'cancelled')),
    offer_hold_id    text,
    offer_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX waitlist_one_live_entry_per_person_and_group
    ON waitlist_entry (group_id, person_id) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_next ON waitlist_entry (group_id, priority, created_at) WHERE status = 'waiting';

-- Emails sent, unique per purpose, so a retried job never sends twice.
CREATE TABLE sent_email (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose    text NOT NULL UNIQUE,
    recipient  text NOT NULL,
    subject    text NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT now()
);

-- A family's cart for one sale. Its places are held in the engine under one hold per program,
-- named `cart:<cart id>`; before admission it is a draft, prepared but holding nothing.
CREATE TABLE cart (
    id         uuid PRIMARY KEY,
    family_id  bigint NOT NULL REFERENCES family,
    sale_id    bigint NOT NULL REFERENCES sale,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'checked_out', 'abandoned')),
    order_id   uuid REFERENCES orders,
    -- Set when its places were first held (at admission); before that it is a draft.
    live_since timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX cart_one_open_per_family_and_sale ON cart (family_id, sale_id) WHERE status = 'open';

CREATE TABLE cart_item (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cart_id     uuid NOT NULL REFERENCES cart ON DELETE CASCADE,
    program_id  bigint NOT NULL REFERENCES program,
    person_id   bigint NOT NULL REFERENCES person,
    group_id    bigint NOT NULL REFERENCES activity_group,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    options     jsonb NOT NULL DEFAULT '{}',
    UNIQUE (cart_id, person_id, group_id)
);
