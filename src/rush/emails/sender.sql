-- name: sent_email_claim
-- Claim an email's purpose before sending it. No row back: it was already sent, or another
-- transaction holds the claim (this insert then waits for it to commit or roll back).
-- $1 purpose, $2 recipient, $3 subject.
INSERT INTO sent_email (purpose, recipient, subject)
VALUES ($1, $2, $3)
ON CONFLICT (purpose) DO NOTHING
RETURNING id;
