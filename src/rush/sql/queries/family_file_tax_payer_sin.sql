SELECT sin_encrypted FROM tax_payer WHERE family_id = $1;
