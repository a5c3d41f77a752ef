-- Groups with families waiting, and the offer window of their sale.
SELECT DISTINCT w.group_id, g.program_id, s.waitlist_offer_seconds
  FROM waitlist_entry w
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
  JOIN sale s ON s.id = p.sale_id
 WHERE w.status = 'waiting';
