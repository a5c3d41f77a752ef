SELECT status FROM sale WHERE id = $1;
