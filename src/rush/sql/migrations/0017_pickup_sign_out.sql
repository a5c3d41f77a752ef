-- Who took the child home, chosen by the monitor among the people the family authorised, and
-- when (the server's clock). The name and relationship are copied, not referenced: the family
-- may edit its contacts later, the record of who left with the child must not change.
ALTER TABLE attendance
    ADD COLUMN signed_out_at           timestamptz,
    ADD COLUMN signed_out_to           text,
    ADD COLUMN signed_out_relationship text,
    ADD COLUMN signed_out_by           bigint REFERENCES account,
    ADD CONSTRAINT attendance_sign_out_whole CHECK (
        (signed_out_at IS NULL) = (signed_out_to IS NULL)
        AND (signed_out_at IS NULL) = (signed_out_by IS NULL)
        AND (signed_out_at IS NULL) = (signed_out_relationship IS NULL)
    ),
    ADD CONSTRAINT attendance_signed_out_was_present CHECK (signed_out_at IS NULL OR present);
