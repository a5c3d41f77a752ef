UPDATE sale SET admissions_copied_through = $2 WHERE id = $1;
