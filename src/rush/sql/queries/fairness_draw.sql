SELECT seed, opened_at, families FROM queue_draw WHERE sale_id = $1;
