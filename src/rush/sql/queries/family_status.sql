SELECT status FROM family WHERE id = $1;
