-- The family's open cart for a sale, locked so two tabs edit it one after the other.
SELECT id FROM cart WHERE family_id = $1 AND sale_id = $2 AND status = 'open' FOR UPDATE;
