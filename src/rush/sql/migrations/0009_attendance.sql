-- Attendance taken on site by the monitors, one row per child, group and day.
-- A tap that unmarks a child keeps the row with present = false, so the last hand on it is known.
CREATE TABLE attendance (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id     bigint NOT NULL REFERENCES activity_group,
    person_id    bigint NOT NULL REFERENCES person,
    session_date date NOT NULL,
    present      boolean NOT NULL,
    marked_by    bigint NOT NULL REFERENCES account,
    marked_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_id, session_date, person_id)
);
