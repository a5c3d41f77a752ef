-- Every staff action, with who and when, for the record of an opening morning.
CREATE TABLE staff_action (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES account,
    action     text NOT NULL,
    sale_id    bigint REFERENCES sale,
    details    jsonb NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_action_sale ON staff_action (sale_id, at);
