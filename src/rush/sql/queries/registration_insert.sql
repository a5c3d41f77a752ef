INSERT INTO registration (order_line_id, person_id, group_id) VALUES ($1, $2, $3);
