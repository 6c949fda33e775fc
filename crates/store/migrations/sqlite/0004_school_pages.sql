-- A school's page lists its students and teachers of one school year; the
-- primary keys lead with the school year, so these find a school's rows
-- without reading the whole year.
CREATE INDEX enrolment_school ON enrolment (school_id, school_year);
CREATE INDEX teaching_post_school ON teaching_post (school_id, school_year);
