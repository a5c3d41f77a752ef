SELECT street, apartment, city, province, postal_code FROM family_address WHERE family_id = $1;
