-- The active registrations of group $1: the child, the family's first adult and account email,
-- the line's options, whether the child also has the group's daycare, and the order.
SELECT pe.first_name, pe.last_name, pe.birth_date,
       ad.first_name AS adult_first_name, ad.last_name AS adult_last_name,
       coalesce(ad.phone_mobile, ad.phone_home, ad.phone_work) AS adult_phone,
       coalesce(ad.email, ac.email::text) AS adult_email,
       ol.options::text AS options,
       EXISTS (
           SELECT 1
             FROM registration dr
             JOIN activity_group dg ON dg.id = dr.group_id
            WHERE dr.person_id = r.person_id AND dr.status = 'active'
              AND dg.daycare_for_group_id = r.group_id
       ) AS daycare,
       o.id AS order_id, o.paid_at
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  JOIN order_line ol ON ol.id = r.order_line_id
  JOIN orders o ON o.id = ol.order_id
  LEFT JOIN LATERAL (
      SELECT a.first_name, a.last_name, a.email, a.phone_mobile, a.phone_home, a.phone_work
        FROM person a
       WHERE a.family_id = pe.family_id AND a.role = 'adult'
       ORDER BY a.id
       LIMIT 1
  ) ad ON true
  LEFT JOIN LATERAL (
      SELECT email FROM account WHERE family_id = pe.family_id ORDER BY id LIMIT 1
  ) ac ON true
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY lower(pe.last_name), lower(pe.first_name), pe.id;
