-- Locks one baseline group for the rest of the transaction: every hold on it waits here.
SELECT capacity, paid, held
  FROM bench.bench_group
 WHERE id = $1
   FOR UPDATE;
