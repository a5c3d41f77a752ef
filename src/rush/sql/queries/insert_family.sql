INSERT INTO family (status) VALUES ($1) RETURNING id;
