SELECT id, name_fr, name_en, opens_at FROM sale WHERE status <> 'closed' ORDER BY opens_at;
