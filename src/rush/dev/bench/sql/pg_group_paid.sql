-- Paid places of one baseline group, read back for the sell-out audit.
SELECT paid FROM bench.bench_group WHERE id = $1;
