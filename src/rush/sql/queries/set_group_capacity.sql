UPDATE activity_group SET capacity = $2 WHERE id = $1;
