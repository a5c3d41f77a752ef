SELECT id, status, name_fr, name_en, opens_at, two_instalments_min_cents, second_instalment_due_on
  FROM sale WHERE id = $1;
