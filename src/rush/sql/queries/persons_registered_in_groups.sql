SELECT person_id, group_id
  FROM registration
 WHERE status = 'active' AND person_id = ANY($1::bigint[]) AND group_id = ANY($2::bigint[]);
