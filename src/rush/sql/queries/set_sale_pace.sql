UPDATE sale
   SET admission_rate_per_min = coalesce($2, admission_rate_per_min),
       max_shoppers = coalesce($3, max_shoppers)
 WHERE id = $1;
