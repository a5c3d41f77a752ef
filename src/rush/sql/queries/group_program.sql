SELECT program_id FROM activity_group WHERE id = $1;
