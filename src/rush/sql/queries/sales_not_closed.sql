SELECT id FROM sale WHERE status <> 'closed' ORDER BY id;
