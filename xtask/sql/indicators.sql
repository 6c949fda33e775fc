-- The whole indicator catalogue (crates/indicators/src/catalogue.rs) in SQL,
-- for DuckDB, over edugov's own CSV exports (Chinese headers).
-- `cargo xtask bench indicators` runs the LOAD part (timed apart), then the
-- COMPUTE part (timed: the figure set against edugov's 计算 + 查询), then
-- compares table `result` with `edugov indicators --format json`, value by value.
--
-- Written from the engine's definitions, independently of its code: per
-- school, year and stage it counts what tally.rs counts; every area and
-- school group is the sum of its schools (places.rs); the 差异系数 is the
-- enrolment-weighted sd ÷ weighted mean across a county's units of a stage —
-- schools, and the 小学部/初中部 of schools serving several stages, whose four
-- facility figures are divided by weighted pupils (primary 1, junior 1.1,
-- senior 1.32: the 优质均衡 申报表's rule, rules.md) — and is not given (NULL)
-- for a stage of fewer than two units; rows are
-- given under compute.rs's conditions (a ratio when numerator or
-- denominator is non-zero, a count when its base is non-zero); lines and
-- standards are rules.rs's defaults.
--
-- `result`: one row per (indicator, stage, grade, level, place, school year)
-- with numerator, denominator (NULL for counts), value (NULL when the
-- denominator is 0) and change (from the school year before). stage NULL =
-- all the indicator's stages together (or it has none); grade set = a
-- by-grade row. place = area code, school code or the school group's name.
-- {DIR} is filled in by the harness.

-- ======================================================================
-- LOAD: the CSV files into typed tables, labels parsed (as edugov parses
-- them on import).
-- ======================================================================

CREATE OR REPLACE MACRO txt(x) AS NULLIF(trim(x), '');
CREATE OR REPLACE MACRO yes(x) AS CASE trim(x) WHEN '是' THEN true WHEN '否' THEN false END;
CREATE OR REPLACE MACRO stage_code(label) AS CASE trim(label)
    WHEN '学前' THEN 'preschool' WHEN '小学' THEN 'primary' WHEN '初中' THEN 'junior'
    WHEN '普通高中' THEN 'senior' WHEN '中职' THEN 'vocational' WHEN '特殊教育' THEN 'special' END;
CREATE OR REPLACE MACRO grade_number(label) AS CAST(list_position(
    ['小班', '中班', '大班', '一年级', '二年级', '三年级', '四年级', '五年级', '六年级',
     '七年级', '八年级', '九年级', '高一', '高二', '高三'], trim(label)) - 3 AS INTEGER);

CREATE OR REPLACE TABLE schools AS
SELECT txt("学校标识码") AS school, txt("所在区县代码") AS county, txt("乡镇街道代码") AS township,
       txt("办学性质") AS ownership, yes("是否普惠") AS inclusive, txt("优质园等级") AS quality,
       txt("教育集团") AS school_group, "学段" AS stages,
       CAST(txt("学前学位") AS INTEGER) AS seats_preschool, CAST(txt("小学学位") AS INTEGER) AS seats_primary,
       CAST(txt("初中学位") AS INTEGER) AS seats_junior, CAST(txt("高中学位") AS INTEGER) AS seats_senior,
       CAST(txt("中职学位") AS INTEGER) AS seats_vocational, CAST(txt("特教学位") AS INTEGER) AS seats_special
FROM read_csv('{DIR}/schools.csv', header = true, all_varchar = true);

-- The stages a school serves ("小学、初中") and its seats in each.
CREATE OR REPLACE TABLE school_stages AS
SELECT school, stage, coalesce(CASE stage
        WHEN 'preschool' THEN seats_preschool WHEN 'primary' THEN seats_primary
        WHEN 'junior' THEN seats_junior WHEN 'senior' THEN seats_senior
        WHEN 'vocational' THEN seats_vocational WHEN 'special' THEN seats_special END, 0) AS seats
FROM (SELECT *, stage_code(unnest(string_split(stages, '、'))) AS stage FROM schools);

CREATE OR REPLACE TABLE facilities AS
SELECT CAST("学年" AS INTEGER) AS y, txt("学校标识码") AS school,
       CAST("教学及辅助用房面积" AS DOUBLE) AS teaching_floor_area,
       CAST("体育运动场馆面积" AS DOUBLE) AS sports_ground_area,
       CAST("教学仪器设备值" AS DOUBLE) AS equipment_value,
       CAST("网络多媒体教室间数" AS DOUBLE) AS multimedia_classrooms
FROM read_csv('{DIR}/facilities-*.csv', header = true, all_varchar = true);

CREATE OR REPLACE TABLE classes AS
SELECT CAST("学年" AS INTEGER) AS y, txt("学校标识码") AS school, stage_code("学段") AS stage,
       grade_number("年级") AS grade, CAST("班额" AS INTEGER) AS size
FROM read_csv('{DIR}/classes-*.csv', header = true, all_varchar = true);

CREATE OR REPLACE TABLE students AS
SELECT CAST("学年" AS INTEGER) AS y, txt("学校标识码") AS school, stage_code("学段") AS stage,
       grade_number("年级") AS grade, yes("是否随迁子女") AS migrant, yes("是否寄宿") AS boarder,
       yes("是否近视") AS myopic -- NULL: not screened this year
FROM read_csv('{DIR}/students-*.csv', header = true, all_varchar = true);

CREATE OR REPLACE TABLE teachers AS
SELECT CAST("学年" AS INTEGER) AS y, txt("学校标识码") AS school, stage_code("任教学段") AS stage,
       txt("任教学科") AS subject, txt("职称") AS title, txt("骨干教师级别") AS key_level,
       txt("学历") AS qualification, CAST("出生年份" AS INTEGER) AS birth_year,
       CAST("入校学年" AS INTEGER) AS joined
FROM read_csv('{DIR}/teachers-*.csv', header = true, all_varchar = true);

CREATE OR REPLACE TABLE population AS
SELECT CAST("学年" AS INTEGER) AS y, txt("乡镇街道代码") AS township, CAST("年龄" AS INTEGER) AS age,
       CAST("人数" AS BIGINT) AS children
FROM read_csv('{DIR}/population-*.csv', header = true, all_varchar = true);

-- ======================================================================
-- COMPUTE: from here on everything is timed (the harness splits at the
-- next line).
-- @compute
-- ======================================================================

-- The school years held: those with classes, teachers or facilities (as the store).
CREATE OR REPLACE TEMP TABLE years AS
SELECT DISTINCT y FROM (SELECT y FROM classes UNION ALL SELECT y FROM teachers UNION ALL SELECT y FROM facilities);

-- Every place a school's figures count towards: the city (the first four
-- digits of its county), its county, its township, itself, its school group.
CREATE OR REPLACE TEMP TABLE member AS
SELECT school, 'city' AS level, substr(county, 1, 4) AS place FROM schools
UNION ALL SELECT school, 'county', county FROM schools
UNION ALL SELECT school, 'township', township FROM schools WHERE township IS NOT NULL
UNION ALL SELECT school, 'school', school FROM schools
UNION ALL SELECT school, 'school_group', school_group FROM schools WHERE school_group IS NOT NULL;

-- The places of each year: every school's places (schools are not by year),
-- and townships that only have population figures.
CREATE OR REPLACE TEMP TABLE places AS
SELECT DISTINCT y, level, place FROM years, member
UNION
SELECT DISTINCT p.y, 'township', p.township FROM population p JOIN years USING (y);

-- Students per school, year, stage and grade: the one pass over students.
CREATE OR REPLACE TEMP TABLE student_grades AS
SELECT y, school, stage, grade, count(*) AS students,
       count(*) FILTER (migrant) AS migrant, count(*) FILTER (boarder) AS boarders,
       count(myopic) AS screened,              -- myopic is NULL when not screened
       count(*) FILTER (myopic) AS myopic
FROM students GROUP BY ALL;

-- Per school, year and stage: everything tally.rs counts.
CREATE OR REPLACE TEMP TABLE school_tally AS
WITH served AS (
    SELECT y, school, stage, 1 AS schools, seats FROM years, school_stages
), class_counts AS (
    SELECT y, school, stage, count(*) AS classes, sum(size) AS class_size_sum,
           count(*) FILTER (size >= 56) AS large_classes,      -- rules.md 班额: 大班额 56+
           count(*) FILTER (size >= 66) AS oversize_classes    -- 超大班额 66+
    FROM classes GROUP BY ALL
), student_counts AS (
    SELECT y, school, stage, sum(g.students) AS students,
           sum(g.students) FILTER (grade = CASE stage WHEN 'preschool' THEN -2 WHEN 'primary' THEN 1
               WHEN 'junior' THEN 6 WHEN 'senior' THEN 10 WHEN 'vocational' THEN 10 ELSE 1 END) AS first_grade,
           sum(g.students) FILTER (grade = CASE stage WHEN 'preschool' THEN 0 WHEN 'primary' THEN 6
               WHEN 'junior' THEN 9 ELSE 12 END) AS last_grade,
           sum(g.students) FILTER (s.ownership = '公办') AS students_in_public,
           sum(g.students) FILTER (s.ownership = '公办' OR s.inclusive) AS students_inclusive,
           sum(g.students) FILTER (s.quality IN ('市级优质园', '省级优质园')) AS students_quality,
           sum(g.migrant) AS migrant,
           sum(g.migrant) FILTER (s.ownership = '公办') AS migrant_in_public,
           sum(g.boarders) AS boarders, sum(g.screened) AS screened, sum(g.myopic) AS myopic
    FROM student_grades g JOIN schools s USING (school) GROUP BY ALL
), teacher_counts AS (
    SELECT y, school, stage, count(*) AS teachers,
           count(*) FILTER (key_level IN ('县级', '市级', '省级')) AS key_teachers,
           count(*) FILTER (title IN ('高级教师', '正高级教师')) AS senior_titles,
           count(*) FILTER (y - birth_year <= 35) AS young_teachers,
           count(*) FILTER (y - birth_year >= 50) AS older_teachers,
           count(*) FILTER (y - joined >= 6) AS rotation_eligible,
           -- above the required qualification: primary 专科+, junior 本科+, senior 硕士+
           count(*) FILTER (CASE WHEN stage IN ('junior') THEN qualification IN ('本科', '硕士研究生', '博士研究生')
                                 WHEN stage IN ('senior', 'vocational') THEN qualification IN ('硕士研究生', '博士研究生')
                                 ELSE qualification IN ('专科', '本科', '硕士研究生', '博士研究生') END) AS above_qualified,
           count(*) FILTER (subject IN ('体育', '音乐', '美术')) AS pe_arts
    FROM teachers GROUP BY ALL
), counted AS (
    SELECT y, school, stage,
           coalesce(schools, 0) AS schools, coalesce(seats, 0) AS seats,
           coalesce(classes, 0) AS classes, coalesce(class_size_sum, 0) AS class_size_sum,
           coalesce(large_classes, 0) AS large_classes, coalesce(oversize_classes, 0) AS oversize_classes,
           coalesce(students, 0) AS students, coalesce(first_grade, 0) AS first_grade,
           coalesce(last_grade, 0) AS last_grade, coalesce(students_in_public, 0) AS students_in_public,
           coalesce(students_inclusive, 0) AS students_inclusive, coalesce(students_quality, 0) AS students_quality,
           coalesce(migrant, 0) AS migrant, coalesce(migrant_in_public, 0) AS migrant_in_public,
           coalesce(boarders, 0) AS boarders, coalesce(screened, 0) AS screened, coalesce(myopic, 0) AS myopic,
           coalesce(teachers, 0) AS teachers, coalesce(key_teachers, 0) AS key_teachers,
           coalesce(senior_titles, 0) AS senior_titles, coalesce(young_teachers, 0) AS young_teachers,
           coalesce(older_teachers, 0) AS older_teachers, coalesce(rotation_eligible, 0) AS rotation_eligible,
           coalesce(above_qualified, 0) AS above_qualified, coalesce(pe_arts, 0) AS pe_arts
    FROM served
    FULL JOIN class_counts USING (y, school, stage)
    FULL JOIN student_counts USING (y, school, stage)
    FULL JOIN teacher_counts USING (y, school, stage)
    WHERE y IN (SELECT y FROM years) AND school IN (SELECT school FROM schools)
), weighted AS (
    -- 优质均衡 申报表: 一贯制学校 and 完全中学 divide their facilities between
    -- their parts by pupils weighted 小学 1 : 初中 1.1 : 高中 1.32 (完全中学
    -- 初中:高中 = 1:1.2); pupils of other stages have no weight.
    SELECT y, school, stage, students * CASE stage WHEN 'primary' THEN 1.0::DOUBLE
        WHEN 'junior' THEN 1.1::DOUBLE WHEN 'senior' THEN 1.32::DOUBLE ELSE 0.0::DOUBLE END AS w
    FROM counted
), school_weight AS (
    SELECT y, school, sum(w) AS w FROM weighted GROUP BY ALL
), part AS (
    -- A served primary or junior stage of a school that reported facilities
    -- and has weighted pupils is a unit (a school, or its 小学部 / 初中部):
    -- its share of the school's facilities, its own pupils the base. The
    -- 高中部 of a 完全中学 or 十二年一贯制 takes its share away and is not a unit.
    SELECT p.y, p.school, p.stage, p.w / sw.w AS share, f.*
    FROM weighted p
    JOIN school_weight sw USING (y, school)
    JOIN school_stages ss ON ss.school = p.school AND ss.stage = p.stage
    JOIN facilities f ON f.y = p.y AND f.school = p.school
    WHERE p.stage IN ('primary', 'junior') AND sw.w > 0
)
SELECT c.*,
       coalesce(pt.teaching_floor_area * pt.share, 0) AS teaching_floor_area,
       coalesce(pt.sports_ground_area * pt.share, 0) AS sports_ground_area,
       coalesce(pt.equipment_value * pt.share, 0) AS equipment_value,
       coalesce(pt.multimedia_classrooms * pt.share, 0) AS multimedia_classrooms,
       CASE WHEN pt.school IS NOT NULL THEN c.students ELSE 0 END AS facility_students
FROM counted c
LEFT JOIN part pt ON pt.y = c.y AND pt.school = c.school AND pt.stage = c.stage;

-- The seven 优质均衡 resource values of each school (primary, junior):
-- numerator, base and scale, value = numerator ÷ base × scale.
CREATE OR REPLACE TEMP TABLE school_resources AS
WITH t AS (
    SELECT y, school, stage, schools AS serves, students, facility_students,
           above_qualified::DOUBLE AS above_qualified, key_teachers::DOUBLE AS key_teachers,
           pe_arts::DOUBLE AS pe_arts, teaching_floor_area, sports_ground_area, equipment_value,
           multimedia_classrooms, students::DOUBLE AS per_students, facility_students::DOUBLE AS per_facility
    FROM school_tally WHERE stage IN ('primary', 'junior')
)
SELECT y, school, stage, serves, students, facility_students, 1 AS resource,
       above_qualified AS n, per_students AS d, 100.0::DOUBLE AS scale FROM t
UNION ALL SELECT y, school, stage, serves, students, facility_students, 2, key_teachers, per_students, 100.0 FROM t
UNION ALL SELECT y, school, stage, serves, students, facility_students, 3, pe_arts, per_students, 100.0 FROM t
UNION ALL SELECT y, school, stage, serves, students, facility_students, 4, teaching_floor_area, per_facility, 1.0 FROM t
UNION ALL SELECT y, school, stage, serves, students, facility_students, 5, sports_ground_area, per_facility, 1.0 FROM t
UNION ALL SELECT y, school, stage, serves, students, facility_students, 6, equipment_value, per_facility, 1.0 FROM t
UNION ALL SELECT y, school, stage, serves, students, facility_students, 7, multimedia_classrooms, per_facility, 100.0 FROM t;

-- The 优质均衡 school standards (rules.md, 2017 办法), primary and junior, by resource.
CREATE OR REPLACE TEMP TABLE standards AS
SELECT * FROM (VALUES
    ('primary', 1, 4.2::DOUBLE), ('primary', 2, 1.0::DOUBLE), ('primary', 3, 0.9::DOUBLE),
    ('primary', 4, 4.5::DOUBLE), ('primary', 5, 7.5::DOUBLE), ('primary', 6, 2000.0::DOUBLE),
    ('primary', 7, 2.3::DOUBLE),
    ('junior', 1, 5.3::DOUBLE), ('junior', 2, 1.0::DOUBLE), ('junior', 3, 0.9::DOUBLE),
    ('junior', 4, 5.8::DOUBLE), ('junior', 5, 10.2::DOUBLE), ('junior', 6, 2500.0::DOUBLE),
    ('junior', 7, 2.4::DOUBLE)
) AS t(stage, resource, standard);

-- A school passes when it has students of the stage and a facility report,
-- meets at least six of the seven standards and the rest at ≥ 85 % of theirs.
CREATE OR REPLACE TEMP TABLE balanced AS
SELECT y, school, stage, 1 AS balanced_schools,
       -- A value within a rounding error (1e-9, relative) of the standard is on it.
       CASE WHEN count(*) FILTER (n / d * scale >= standard - 1e-9 * greatest(abs(standard), 1)) >= 6
             AND bool_and(n / d * scale >= standard * 0.85::DOUBLE - 1e-9 * greatest(abs(standard * 0.85::DOUBLE), 1))
            THEN 1 ELSE 0 END AS balanced_passing
FROM school_resources JOIN standards USING (stage, resource)
WHERE students > 0 AND facility_students > 0
GROUP BY ALL;

-- Every place's counts: the sum of its schools'.
CREATE OR REPLACE TEMP TABLE place_tally AS
SELECT y, level, place, stage,
       sum(schools)::BIGINT AS schools, sum(seats)::BIGINT AS seats, sum(classes)::BIGINT AS classes,
       sum(class_size_sum)::BIGINT AS class_size_sum, sum(large_classes)::BIGINT AS large_classes,
       sum(oversize_classes)::BIGINT AS oversize_classes, sum(students)::BIGINT AS students,
       sum(first_grade)::BIGINT AS first_grade, sum(last_grade)::BIGINT AS last_grade,
       sum(students_in_public)::BIGINT AS students_in_public, sum(students_inclusive)::BIGINT AS students_inclusive,
       sum(students_quality)::BIGINT AS students_quality, sum(migrant)::BIGINT AS migrant,
       sum(migrant_in_public)::BIGINT AS migrant_in_public, sum(boarders)::BIGINT AS boarders,
       sum(screened)::BIGINT AS screened, sum(myopic)::BIGINT AS myopic, sum(teachers)::BIGINT AS teachers,
       sum(key_teachers)::BIGINT AS key_teachers, sum(senior_titles)::BIGINT AS senior_titles,
       sum(young_teachers)::BIGINT AS young_teachers, sum(older_teachers)::BIGINT AS older_teachers,
       sum(rotation_eligible)::BIGINT AS rotation_eligible, sum(above_qualified)::BIGINT AS above_qualified,
       sum(pe_arts)::BIGINT AS pe_arts, sum(teaching_floor_area) AS teaching_floor_area,
       sum(sports_ground_area) AS sports_ground_area, sum(equipment_value) AS equipment_value,
       sum(multimedia_classrooms) AS multimedia_classrooms, sum(facility_students)::BIGINT AS facility_students,
       sum(coalesce(balanced_schools, 0))::BIGINT AS balanced_schools,
       sum(coalesce(balanced_passing, 0))::BIGINT AS balanced_passing
FROM school_tally
LEFT JOIN balanced USING (y, school, stage)
JOIN member USING (school)
GROUP BY ALL;

-- The stage sets indicators are given "over all stages" for.
CREATE OR REPLACE TEMP TABLE stage_sets AS
SELECT * FROM (VALUES
    ('school_stages', 'preschool'), ('school_stages', 'primary'), ('school_stages', 'junior'),
    ('school_stages', 'senior'),
    ('class_stages', 'primary'), ('class_stages', 'junior'), ('class_stages', 'senior'),
    ('compulsory', 'primary'), ('compulsory', 'junior')
) AS t(stage_set, stage);

-- v: one row per place, year and variant — a single stage (variant = the
-- stage) or a stage set summed (variant = the set, stage NULL).
CREATE OR REPLACE TEMP TABLE v AS
SELECT *, stage AS variant FROM place_tally
UNION ALL BY NAME
SELECT y, level, place, stage_set AS variant,
       sum(schools)::BIGINT AS schools, sum(seats)::BIGINT AS seats, sum(classes)::BIGINT AS classes,
       sum(class_size_sum)::BIGINT AS class_size_sum, sum(large_classes)::BIGINT AS large_classes,
       sum(oversize_classes)::BIGINT AS oversize_classes, sum(students)::BIGINT AS students,
       sum(first_grade)::BIGINT AS first_grade, sum(last_grade)::BIGINT AS last_grade,
       sum(students_in_public)::BIGINT AS students_in_public, sum(students_inclusive)::BIGINT AS students_inclusive,
       sum(students_quality)::BIGINT AS students_quality, sum(migrant)::BIGINT AS migrant,
       sum(migrant_in_public)::BIGINT AS migrant_in_public, sum(boarders)::BIGINT AS boarders,
       sum(screened)::BIGINT AS screened, sum(myopic)::BIGINT AS myopic, sum(teachers)::BIGINT AS teachers,
       sum(key_teachers)::BIGINT AS key_teachers, sum(senior_titles)::BIGINT AS senior_titles,
       sum(young_teachers)::BIGINT AS young_teachers, sum(older_teachers)::BIGINT AS older_teachers,
       sum(rotation_eligible)::BIGINT AS rotation_eligible, sum(above_qualified)::BIGINT AS above_qualified,
       sum(pe_arts)::BIGINT AS pe_arts, sum(teaching_floor_area) AS teaching_floor_area,
       sum(sports_ground_area) AS sports_ground_area, sum(equipment_value) AS equipment_value,
       sum(multimedia_classrooms) AS multimedia_classrooms, sum(facility_students)::BIGINT AS facility_students,
       sum(balanced_schools)::BIGINT AS balanced_schools, sum(balanced_passing)::BIGINT AS balanced_passing
FROM place_tally JOIN stage_sets USING (stage)
GROUP BY ALL;

-- Schools of each place, each once however many stages it serves.
CREATE OR REPLACE TEMP TABLE place_schools AS
SELECT y, level, place, count(*) AS schools FROM years, member GROUP BY ALL;

-- By grade: students, screened and myopic, per place (grades −2 … 12), of
-- the general stages only (as the catalogue's stage rows).
CREATE OR REPLACE TEMP TABLE grade_tally AS
SELECT y, level, place, grade, sum(students) AS students, sum(screened) AS screened, sum(myopic) AS myopic
FROM student_grades JOIN member USING (school)
WHERE y IN (SELECT y FROM years) AND grade BETWEEN -2 AND 12
  AND stage IN ('preschool', 'primary', 'junior', 'senior')
GROUP BY ALL;

-- Resident children aged 3–5 per township, summed into its county (when
-- the county has schools) and the city.
CREATE OR REPLACE TEMP TABLE population_3_to_5 AS
WITH township AS (
    SELECT y, township, sum(children) AS children FROM population
    WHERE age BETWEEN 3 AND 5 AND y IN (SELECT y FROM years) GROUP BY ALL
)
SELECT y, 'township' AS level, township AS place, children FROM township
UNION ALL
SELECT y, 'county', substr(township, 1, 6), sum(children) FROM township
WHERE substr(township, 1, 6) IN (SELECT county FROM schools) GROUP BY ALL
UNION ALL
SELECT y, 'city', (SELECT min(substr(county, 1, 4)) FROM schools), sum(children) FROM township GROUP BY ALL;

-- 差异系数 inputs per county, stage and resource: over the county's units
-- (schools serving the stage, a split school's part) with a non-zero base d,
-- x = n ÷ d × scale weighted by d; units: how many.
CREATE OR REPLACE TEMP TABLE spreads AS
WITH x AS (
    SELECT y, m.place AS county, stage, resource, d, n / d * scale AS x
    FROM school_resources JOIN member m USING (school)
    WHERE m.level = 'county' AND serves = 1 AND d > 0
), sums AS (
    SELECT y, county, stage, resource, sum(d) AS w, sum(d * x) AS wx, sum(d * x * x) AS wxx,
           count(*) AS units
    FROM x GROUP BY ALL
)
SELECT y, county, stage, resource, units, wx / w AS mean,
       sqrt(greatest(wxx / w - (wx / w) * (wx / w), 0.0)) AS sd
FROM sums WHERE w > 0;

-- ======================================================================
-- The catalogue, one SELECT per indicator (code in the comment). Columns:
-- indicator, stage, grade, level, place, y, numerator, denominator, scale,
-- and emit (whether compute.rs gives the row).
-- ======================================================================
CREATE OR REPLACE TABLE result AS
WITH rows AS (
-- school_count (学校数): schools serving the stage; over all stages, each school once
SELECT 'school_count' AS indicator, stage, NULL::INTEGER AS grade, level, place, y,
       schools::DOUBLE AS numerator, NULL::DOUBLE AS denominator, 1.0::DOUBLE AS scale, schools > 0 AS emit
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior')
UNION ALL
SELECT 'school_count', NULL, NULL, level, place, y, schools, NULL, 1.0, schools > 0 FROM place_schools
UNION ALL
-- class_count (班级数): classes registered
SELECT 'class_count', stage, NULL, level, place, y, classes, NULL, 1.0, classes > 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
-- student_count (在校生数): students, by stage, over all stages, and by grade (−2 … 12)
SELECT 'student_count', stage, NULL, level, place, y, students, NULL, 1.0, students > 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
SELECT 'student_count', NULL, grade, level, place, y, students, NULL, 1.0, students > 0 FROM grade_tally
UNION ALL
-- teacher_count (专任教师数): teachers by the stage they teach
SELECT 'teacher_count', stage, NULL, level, place, y, teachers, NULL, 1.0, teachers > 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
-- large_class_count (大班额班级数): primary and junior classes of 56+, where
-- there are classes; the total is primary + junior (senior high is its own
-- indicator below, not in this total)
SELECT 'large_class_count', stage, NULL, level, place, y, large_classes, NULL, 1.0, classes > 0
FROM v WHERE variant IN ('primary', 'junior', 'compulsory')
UNION ALL
-- large_class_share (大班额比例): primary and junior classes of 56+ ÷ their classes × 100
SELECT 'large_class_share', stage, NULL, level, place, y, large_classes, classes, 100.0,
       large_classes <> 0 OR classes <> 0
FROM v WHERE variant IN ('primary', 'junior', 'compulsory')
UNION ALL
-- oversize_class_count (超大班额班级数): primary and junior classes of 66+, where there are classes
SELECT 'oversize_class_count', stage, NULL, level, place, y, oversize_classes, NULL, 1.0, classes > 0
FROM v WHERE variant IN ('primary', 'junior', 'compulsory')
UNION ALL
-- oversize_class_share (超大班额比例): primary and junior classes of 66+ ÷ their classes × 100
SELECT 'oversize_class_share', stage, NULL, level, place, y, oversize_classes, classes, 100.0,
       oversize_classes <> 0 OR classes <> 0
FROM v WHERE variant IN ('primary', 'junior', 'compulsory')
UNION ALL
-- senior_large_class_count (普通高中大班额班级数): senior classes of 56+ (stage row only)
SELECT 'senior_large_class_count', stage, NULL, level, place, y, large_classes, NULL, 1.0, classes > 0
FROM v WHERE variant = 'senior'
UNION ALL
-- senior_large_class_share (普通高中大班额比例): senior classes of 56+ ÷ senior classes × 100
SELECT 'senior_large_class_share', stage, NULL, level, place, y, large_classes, classes, 100.0,
       large_classes <> 0 OR classes <> 0
FROM v WHERE variant = 'senior'
UNION ALL
-- senior_oversize_class_count (普通高中超大班额班级数): senior classes of 66+
SELECT 'senior_oversize_class_count', stage, NULL, level, place, y, oversize_classes, NULL, 1.0, classes > 0
FROM v WHERE variant = 'senior'
UNION ALL
-- senior_oversize_class_share (普通高中超大班额比例): senior classes of 66+ ÷ senior classes × 100
SELECT 'senior_oversize_class_share', stage, NULL, level, place, y, oversize_classes, classes, 100.0,
       oversize_classes <> 0 OR classes <> 0
FROM v WHERE variant = 'senior'
UNION ALL
-- average_class_size (平均班额): sum of class sizes ÷ classes (by stage only)
SELECT 'average_class_size', stage, NULL, level, place, y, class_size_sum, classes, 1.0,
       class_size_sum <> 0 OR classes <> 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior')
UNION ALL
-- preschool_gross_enrolment_ratio (学前三年毛入园率): kindergarten children ÷ residents aged 3–5 × 100; areas only
SELECT 'preschool_gross_enrolment_ratio', NULL, NULL, level, place, y,
       coalesce(k.students, 0), coalesce(p.children, 0), 100.0,
       coalesce(k.students, 0) <> 0 OR coalesce(p.children, 0) <> 0
FROM (SELECT * FROM v WHERE variant = 'preschool' AND level IN ('city', 'county', 'township')) k
FULL JOIN population_3_to_5 p USING (y, level, place)
UNION ALL
-- inclusive_coverage (普惠性幼儿园覆盖率): children in public or inclusive kindergartens ÷ children × 100
SELECT 'inclusive_coverage', NULL, NULL, level, place, y, students_inclusive, students, 100.0,
       students_inclusive <> 0 OR students <> 0
FROM v WHERE variant = 'preschool'
UNION ALL
-- public_preschool_share (公办园在园幼儿占比): children in public kindergartens ÷ children × 100
SELECT 'public_preschool_share', NULL, NULL, level, place, y, students_in_public, students, 100.0,
       students_in_public <> 0 OR students <> 0
FROM v WHERE variant = 'preschool'
UNION ALL
-- quality_kindergarten_share (优质园在园幼儿占比): children in city/province-rated kindergartens ÷ children × 100
SELECT 'quality_kindergarten_share', NULL, NULL, level, place, y, students_quality, students, 100.0,
       students_quality <> 0 OR students <> 0
FROM v WHERE variant = 'preschool'
UNION ALL
-- student_teacher_ratio (生师比): students ÷ teachers of the stage (by stage only)
SELECT 'student_teacher_ratio', stage, NULL, level, place, y, students, teachers, 1.0,
       students <> 0 OR teachers <> 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior')
UNION ALL
-- key_teacher_share (县级及以上骨干教师占比): county-or-above key teachers ÷ teachers × 100
SELECT 'key_teacher_share', stage, NULL, level, place, y, key_teachers, teachers, 100.0,
       key_teachers <> 0 OR teachers <> 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
-- senior_title_share (高级职称教师占比): senior and full-senior titles ÷ teachers × 100
SELECT 'senior_title_share', stage, NULL, level, place, y, senior_titles, teachers, 100.0,
       senior_titles <> 0 OR teachers <> 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
-- young_teacher_share (35岁及以下教师占比): school year − birth year ≤ 35 ÷ teachers × 100
SELECT 'young_teacher_share', stage, NULL, level, place, y, young_teachers, teachers, 100.0,
       young_teachers <> 0 OR teachers <> 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
-- older_teacher_share (50岁及以上教师占比): school year − birth year ≥ 50 ÷ teachers × 100
SELECT 'older_teacher_share', stage, NULL, level, place, y, older_teachers, teachers, 100.0,
       older_teachers <> 0 OR teachers <> 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
-- rotation_eligible_share (应交流教师占比): school year − joined school year ≥ 6 ÷ teachers × 100
SELECT 'rotation_eligible_share', stage, NULL, level, place, y, rotation_eligible, teachers, 100.0,
       rotation_eligible <> 0 OR teachers <> 0
FROM v WHERE variant IN ('primary', 'junior', 'compulsory')
UNION ALL
-- The seven 优质均衡 resources, primary and junior; the facility ones count
-- the units of the stage that reported facilities ("those schools"): a school
-- serving several stages gives each part its weighted-pupil share.
-- above_qualified_teachers_per_100 (每百名学生拥有高于规定学历教师数: teachers above the required qualification ÷ students × 100)
SELECT 'above_qualified_teachers_per_100', stage, NULL, level, place, y, above_qualified, students, 100.0,
       above_qualified <> 0 OR students <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- key_teachers_per_100 (每百名学生拥有县级及以上骨干教师数: key teachers ÷ students × 100)
SELECT 'key_teachers_per_100', stage, NULL, level, place, y, key_teachers, students, 100.0,
       key_teachers <> 0 OR students <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- pe_arts_teachers_per_100 (每百名学生拥有体育、艺术专任教师数: PE, music, fine-arts teachers ÷ students × 100)
SELECT 'pe_arts_teachers_per_100', stage, NULL, level, place, y, pe_arts, students, 100.0,
       pe_arts <> 0 OR students <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- teaching_floor_area_per_student (生均教学及辅助用房面积: teaching floor area ÷ those units' students of the stage)
SELECT 'teaching_floor_area_per_student', stage, NULL, level, place, y, teaching_floor_area, facility_students, 1.0,
       teaching_floor_area <> 0 OR facility_students <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- sports_ground_area_per_student (生均体育运动场馆面积: sports ground area ÷ those schools' students)
SELECT 'sports_ground_area_per_student', stage, NULL, level, place, y, sports_ground_area, facility_students, 1.0,
       sports_ground_area <> 0 OR facility_students <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- equipment_value_per_student (生均教学仪器设备值: equipment value ÷ those schools' students)
SELECT 'equipment_value_per_student', stage, NULL, level, place, y, equipment_value, facility_students, 1.0,
       equipment_value <> 0 OR facility_students <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- multimedia_classrooms_per_100 (每百名学生拥有网络多媒体教室数: multimedia classrooms ÷ those schools' students × 100)
SELECT 'multimedia_classrooms_per_100', stage, NULL, level, place, y, multimedia_classrooms, facility_students, 100.0,
       multimedia_classrooms <> 0 OR facility_students <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- above_qualified_teachers_cv, key_teachers_cv, pe_arts_teachers_cv,
-- teaching_floor_area_cv, sports_ground_area_cv, equipment_value_cv,
-- multimedia_classrooms_cv (差异系数, counties only): numerator = weighted sd,
-- denominator = weighted mean, value = sd ÷ mean; of one unit, the row with
-- no value (not applicable)
SELECT ['above_qualified_teachers_cv', 'key_teachers_cv', 'pe_arts_teachers_cv', 'teaching_floor_area_cv',
        'sports_ground_area_cv', 'equipment_value_cv', 'multimedia_classrooms_cv'][resource],
       stage, NULL, 'county', county, y, sd, mean, CASE WHEN units >= 2 THEN 1.0 END, true
FROM spreads
UNION ALL
-- balanced_cv_unmet_count (差异系数未达标项数, counties only): resources whose CV
-- exceeds the line (primary 0.50, junior 0.45), where some CV exists (two units or more)
SELECT 'balanced_cv_unmet_count', stage, NULL, 'county', county, y,
       count(*) FILTER (sd / mean > CASE stage WHEN 'primary' THEN 0.50::DOUBLE ELSE 0.45::DOUBLE END),
       NULL, 1.0, true
FROM spreads WHERE mean <> 0 AND units >= 2 GROUP BY ALL
UNION ALL
-- balanced_school_share (资源配置达标学校比例): passing schools ÷ assessed schools × 100
SELECT 'balanced_school_share', stage, NULL, level, place, y, balanced_passing, balanced_schools, 100.0,
       balanced_passing <> 0 OR balanced_schools <> 0
FROM v WHERE variant IN ('primary', 'junior')
UNION ALL
-- myopia_rate (近视率): myopic ÷ screened × 100, by stage, over all stages and by grade (1 … 12)
SELECT 'myopia_rate', stage, NULL, level, place, y, myopic, screened, 100.0, myopic <> 0 OR screened <> 0
FROM v WHERE variant IN ('primary', 'junior', 'senior', 'class_stages')
UNION ALL
SELECT 'myopia_rate', NULL, grade, level, place, y, myopic, screened, 100.0, myopic <> 0 OR screened <> 0
FROM grade_tally WHERE grade BETWEEN 1 AND 12
UNION ALL
-- migrant_child_share (随迁子女占比): migrant children ÷ students × 100
SELECT 'migrant_child_share', stage, NULL, level, place, y, migrant, students, 100.0,
       migrant <> 0 OR students <> 0
FROM v WHERE variant IN ('primary', 'junior', 'compulsory')
UNION ALL
-- migrant_public_share (随迁子女在公办学校就读比例): migrant children in public schools ÷ migrant children × 100
SELECT 'migrant_public_share', stage, NULL, level, place, y, migrant_in_public, migrant, 100.0,
       migrant_in_public <> 0 OR migrant <> 0
FROM v WHERE variant IN ('primary', 'junior', 'compulsory')
UNION ALL
-- boarder_share (寄宿生占比): boarders ÷ students × 100
SELECT 'boarder_share', stage, NULL, level, place, y, boarders, students, 100.0,
       boarders <> 0 OR students <> 0
FROM v WHERE variant IN ('primary', 'junior', 'senior', 'class_stages')
UNION ALL
-- seat_utilisation (学位使用率): students ÷ seats × 100
SELECT 'seat_utilisation', stage, NULL, level, place, y, students, seats, 100.0,
       students <> 0 OR seats <> 0
FROM v WHERE variant IN ('preschool', 'primary', 'junior', 'senior', 'school_stages')
UNION ALL
-- senior_entry_ratio (初中升高中比例, areas only): senior grade-10 students this year ÷
-- junior grade-9 students of the same place last year × 100, when last year is held
SELECT 'senior_entry_ratio', NULL, NULL, now.level, now.place, now.y,
       coalesce(s.first_grade, 0), coalesce(j.last_grade, 0), 100.0,
       coalesce(s.first_grade, 0) <> 0 OR coalesce(j.last_grade, 0) <> 0
FROM places now
JOIN places before ON before.y = now.y - 1 AND before.level = now.level AND before.place = now.place
LEFT JOIN v s ON s.variant = 'senior' AND s.y = now.y AND s.level = now.level AND s.place = now.place
LEFT JOIN v j ON j.variant = 'junior' AND j.y = before.y AND j.level = now.level AND j.place = now.place
WHERE now.level IN ('city', 'county', 'township')
), emitted AS (
    SELECT indicator, stage, grade, level, place, y AS school_year, numerator, denominator,
           CASE WHEN denominator IS NULL THEN numerator
                WHEN denominator <> 0 THEN numerator / denominator * scale END AS value
    FROM rows WHERE emit
)
-- change: the value minus the same place's value of the school year before, when both exist.
SELECT *, CASE WHEN lag(school_year) OVER before = school_year - 1 THEN value - lag(value) OVER before END AS change
FROM emitted
WINDOW before AS (PARTITION BY indicator, stage, grade, level, place ORDER BY school_year);
