DELETE FROM person_contact WHERE person_id = $1;
