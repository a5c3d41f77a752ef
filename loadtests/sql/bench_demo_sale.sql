-- The demo season's sale, the one the rush benchmark replays an opening morning against.
SELECT id FROM sale ORDER BY id LIMIT 1;
