-- Why staff refused a family's file, in their words: the family reads it in its email and staff
-- see it again in the decisions list. Cleared when the family is approved.
ALTER TABLE family ADD COLUMN refusal_reason text
    CHECK (refusal_reason IS NULL OR (status = 'refused' AND length(btrim(refusal_reason)) > 0));
