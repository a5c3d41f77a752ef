SELECT ticket, family_id, admitted_at FROM admission WHERE sale_id = $1 ORDER BY ticket;
