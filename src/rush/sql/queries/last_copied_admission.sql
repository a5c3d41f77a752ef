SELECT admissions_copied_through FROM sale WHERE id = $1;
