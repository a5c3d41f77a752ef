DELETE FROM sale_child_cap WHERE id = $1 RETURNING id;
