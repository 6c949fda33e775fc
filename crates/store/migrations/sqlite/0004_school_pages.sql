-- A school's page lists its students and teachers of one school year; the
-- primary keys lead with the school year, so these find a school's rows
-- without reading the whole year.
-- Ordered as a school's page lists its students (grade, class, student), so
-- a page is read straight off the index.
CREATE INDEX enrolment_school ON enrolment (school_id, school_year, grade, class_id, student_id);
CREATE INDEX teaching_post_school ON teaching_post (school_id, school_year);
