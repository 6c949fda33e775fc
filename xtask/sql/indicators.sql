-- The indicator catalogue in SQL, for DuckDB, over edugov's own CSV exports
-- (Chinese headers). `cargo xtask bench indicators` times this against
-- `edugov indicators` and compares every numerator and denominator.
-- One row per (indicator, stage, level, place, school year).

CREATE OR REPLACE MACRO stage_code(label) AS CASE label
    WHEN '学前' THEN 'preschool' WHEN '小学' THEN 'primary' WHEN '初中' THEN 'junior'
    WHEN '普通高中' THEN 'senior' WHEN '中职' THEN 'vocational' ELSE 'special' END;

CREATE OR REPLACE TABLE place AS
    SELECT "学校标识码" AS school, '3701' AS city, CAST("所在区县代码" AS VARCHAR) AS county,
           CAST("乡镇街道代码" AS VARCHAR) AS township,
           "办学性质" AS ownership, "是否普惠" AS inclusive, "优质园等级" AS quality
    FROM schools;

CREATE OR REPLACE TABLE c AS
    SELECT x."学年" AS y, p.*, stage_code(x."学段") AS stage, x."班额" AS size
    FROM classes x JOIN place p ON p.school = x."学校标识码";
CREATE OR REPLACE TABLE s AS
    SELECT x."学年" AS y, p.*, stage_code(x."学段") AS stage, x."是否随迁子女" = '是' AS migrant,
           x."是否寄宿" = '是' AS boarder, x."是否近视" AS myopic
    FROM students x JOIN place p ON p.school = x."学校标识码";
CREATE OR REPLACE TABLE t AS
    SELECT x."学年" AS y, p.*, stage_code(x."任教学段") AS stage
    FROM teachers x JOIN place p ON p.school = x."学校标识码";

CREATE OR REPLACE TABLE result (
    indicator VARCHAR, stage VARCHAR, level VARCHAR, place VARCHAR, school_year INTEGER,
    numerator DOUBLE, denominator DOUBLE
);

-- {LEVEL} and {PLACE} are filled in by the harness for each level.
INSERT INTO result
SELECT 'large_class_count', stage, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE size >= 56), NULL
FROM c WHERE stage IN ('primary', 'junior', 'senior') GROUP BY ALL;
INSERT INTO result
SELECT 'large_class_share', stage, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE size >= 56), count(*)
FROM c WHERE stage IN ('primary', 'junior', 'senior') GROUP BY ALL;
INSERT INTO result
SELECT 'oversize_class_count', stage, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE size >= 66), NULL
FROM c WHERE stage IN ('primary', 'junior', 'senior') GROUP BY ALL;
INSERT INTO result
SELECT 'oversize_class_share', stage, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE size >= 66), count(*)
FROM c WHERE stage IN ('primary', 'junior', 'senior') GROUP BY ALL;
INSERT INTO result
SELECT 'average_class_size', stage, '{LEVEL}', {PLACE}, y, sum(size), count(*)
FROM c WHERE stage IN ('primary', 'junior', 'senior') GROUP BY ALL;
INSERT INTO result
SELECT 'inclusive_coverage', NULL, '{LEVEL}', {PLACE}, y,
       count(*) FILTER (WHERE ownership = '公办' OR inclusive = '是'), count(*)
FROM s WHERE stage = 'preschool' GROUP BY ALL;
INSERT INTO result
SELECT 'public_preschool_share', NULL, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE ownership = '公办'), count(*)
FROM s WHERE stage = 'preschool' GROUP BY ALL;
INSERT INTO result
SELECT 'quality_kindergarten_share', NULL, '{LEVEL}', {PLACE}, y,
       count(*) FILTER (WHERE quality IN ('市级优质园', '省级优质园')), count(*)
FROM s WHERE stage = 'preschool' GROUP BY ALL;
INSERT INTO result
SELECT 'myopia_rate', stage, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE myopic = '是'),
       count(*) FILTER (WHERE myopic IN ('是', '否'))
FROM s WHERE stage IN ('primary', 'junior', 'senior') GROUP BY ALL;
INSERT INTO result
SELECT 'migrant_child_share', NULL, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE migrant), count(*)
FROM s GROUP BY ALL;
INSERT INTO result
SELECT 'boarder_share', NULL, '{LEVEL}', {PLACE}, y, count(*) FILTER (WHERE boarder), count(*)
FROM s GROUP BY ALL;
INSERT INTO result
SELECT 'student_teacher_ratio', stage, '{LEVEL}', place_code, y, sum(students), sum(teachers)
FROM (
    SELECT y, {PLACE} AS place_code, stage, count(*) AS students, 0 AS teachers FROM s GROUP BY ALL
    UNION ALL
    SELECT y, {PLACE} AS place_code, stage, 0 AS students, count(*) AS teachers FROM t GROUP BY ALL
) GROUP BY y, place_code, stage;
