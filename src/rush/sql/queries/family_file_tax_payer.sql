SELECT person_id, sin_last3 FROM tax_payer WHERE family_id = $1;
