-- Share-lock every group of one program, in id order (the order every writer locks in), so no
-- paid place or capacity can change while Redis is rebuilt from the snapshot read next.
SELECT id
  FROM activity_group
 WHERE program_id = $1
 ORDER BY id
   FOR SHARE;
