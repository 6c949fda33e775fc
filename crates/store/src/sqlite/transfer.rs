//! Transfer requests (转学申请 / 调动申请) in SQLite: filed with an officer's
//! import, listed for both sides, decided by the releasing side — the
//! approval writes the row in the same transaction as the decision and its
//! audit line.

use chrono::{DateTime, NaiveDate, Utc};
use registry::transfer::Placement;
use registry::{
    AreaCode, Enrolment, Grade, IdNumber, KeyTeacherLevel, Qualification, SchoolCode, SchoolYear, Sex, Stage,
    Student, Subject, Teacher, TeachingPost, Title,
};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::accounts::{parse_time, time_text};
use super::SqliteStore;
use crate::decision::{self, ClassesTouched};
use crate::{
    AuditAction, AuditLine, DecideOutcome, NewTransfer, PersonKind, Result, StoreError, TransferDecision,
    TransferQuery, TransferRequest, TransferRow, TransferStatus,
};

/// Pending student requests into a class: they count among its listed
/// pupils, so a file that lists a pupil it asked for, and declares the
/// class's size with them, passes the class-size check (`?1` is the class id).
pub(super) const PENDING_INTO_CLASS: &str = "(SELECT count(*) FROM transfer_request t
      JOIN class tc ON tc.id = ?1 JOIN school ts ON ts.id = tc.school_id
      WHERE t.status = 'pending' AND t.kind = 'student' AND t.school_year = tc.school_year
        AND t.to_school = ts.code AND t.grade = tc.grade AND t.class_name = tc.name)";

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}“{value}”无法识别"))
}

/// Files the requests of an import (inside its transaction).
pub(super) fn file_transfers(tx: &Transaction<'_>, transfers: &[NewTransfer]) -> Result<()> {
    if transfers.is_empty() {
        return Ok(());
    }
    // A corrected file filed again replaces its school's pending request
    // for the same person and year, instead of counting the pupil twice.
    let mut supersede = tx.prepare_cached(
        "UPDATE transfer_request SET status = 'withdrawn', decided_by = ?5, decided_at = ?6,
             reason = '由同一学校的新申请取代'
         WHERE status = 'pending' AND kind = ?1 AND id_number = ?2 AND school_year = ?3 AND to_school = ?4",
    )?;
    for t in transfers {
        let row = &t.row;
        supersede.execute(params![
            row.kind().code(),
            row.id_number().as_str(),
            row.school_year().0,
            row.school().as_str(),
            t.requested_by,
            time_text(t.requested_at),
        ])?;
        let id = insert_request(tx, t)?;
        // Every step of a transfer is in the audit log, filing included;
        // the detail names schools, never the person.
        let detail = decision::filing_detail(id, t);
        super::write::insert_audit(
            tx,
            &AuditLine {
                actor: &t.requested_by,
                action: AuditAction::TransferRequest,
                detail: &detail,
            },
        )?;
    }
    Ok(())
}

/// Inserts one request as filed (pending); returns its id.
fn insert_request(tx: &Transaction<'_>, t: &NewTransfer) -> Result<i64> {
    let row = &t.row;
    let mut insert = tx.prepare_cached(
        "INSERT INTO transfer_request (kind, id_number, school_year, to_school, to_county,
             from_year, from_school, from_county, name, sex, birth_date, household_area, birth_year,
             stage, grade, class_name, migrant_child, boarder, visual_acuity, myopic,
             subject, title, key_teacher_level, joined_school_year, qualification,
             source, requested_by, requested_at, from_stage, from_grade)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
    )?;
    // The columns of the other kind stay NULL.
    let student = match row {
        TransferRow::Student(s, e) => Some((s, e)),
        TransferRow::Teacher(..) => None,
    };
    let teacher = match row {
        TransferRow::Teacher(p, post) => Some((p, post)),
        TransferRow::Student(..) => None,
    };
    let (stage, name, sex) = match row {
        TransferRow::Student(s, e) => (e.stage, &s.name, s.sex),
        TransferRow::Teacher(p, post) => (post.stage, &p.name, p.sex),
    };
    insert.execute(params![
        row.kind().code(),
        row.id_number().as_str(),
        row.school_year().0,
        row.school().as_str(),
        t.to_county.as_str(),
        t.from.school_year.0,
        t.from.school.as_str(),
        t.from_county.as_str(),
        name,
        sex.code(),
        student.map(|(s, _)| s.birth_date.format("%Y-%m-%d").to_string()),
        student.map(|(s, _)| s.household_area.as_str()),
        teacher.map(|(p, _)| p.birth_year),
        stage.code(),
        student.map(|(_, e)| e.grade.0),
        student.and_then(|(_, e)| e.class_name.as_deref()),
        student.map(|(_, e)| e.migrant_child),
        student.map(|(_, e)| e.boarder),
        student.and_then(|(_, e)| e.visual_acuity.map(f64::from)),
        student.and_then(|(_, e)| e.myopic),
        teacher.map(|(_, post)| post.subject.code()),
        teacher.map(|(_, post)| post.title.code()),
        teacher.map(|(_, post)| post.key_teacher_level.code()),
        teacher.map(|(_, post)| post.joined_school_year.0),
        teacher.map(|(_, post)| post.qualification.code()),
        t.source,
        t.requested_by,
        time_text(t.requested_at),
        t.from.stage.code(),
        t.from.grade.map(|g| g.0),
    ])?;
    Ok(tx.last_insert_rowid())
}

impl SqliteStore {
    /// A request as stored elsewhere, decision included (`edugov copy`).
    pub(super) fn restore_transfer_request(&mut self, request: &TransferRequest) -> Result<i64> {
        let tx = super::write::begin_write(&mut self.conn)?;
        let id = insert_request(&tx, &request.request)?;
        tx.execute(
            "UPDATE transfer_request SET status = ?2, decided_by = ?3, decided_at = ?4, reason = ?5 WHERE id = ?1",
            params![
                id,
                request.status.code(),
                request.decided_by,
                request.decided_at.map(time_text),
                request.reason
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }
}

const COLUMNS: &str = "id, kind, id_number, school_year, to_school, to_county, from_year, from_school,
     from_county, name, sex, birth_date, household_area, birth_year, stage, grade, class_name,
     migrant_child, boarder, visual_acuity, myopic, subject, title, key_teacher_level,
     joined_school_year, qualification, source, requested_by, requested_at, status, decided_by,
     decided_at, reason, from_stage, from_grade";

/// One request, by id (a reader's connection or a decision's transaction).
fn transfer_by_id(conn: &Connection, id: i64) -> Result<Option<TransferRequest>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM transfer_request WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(request_from_row).transpose()
}

fn request_from_row(r: &Row<'_>) -> Result<TransferRequest> {
    let text = |i: usize| -> Result<String> { Ok(r.get::<_, String>(i)?) };
    let kind = text(1)?;
    let kind = PersonKind::from_code(&kind).ok_or_else(|| corrupt("人员类别", &kind))?;
    let id_number = IdNumber::from_stored(&text(2)?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let school_year = SchoolYear(r.get(3)?);
    let school = SchoolCode::parse(&text(4)?).map_err(|e| StoreError::Corrupt(e.0))?;
    let area = |i: usize| -> Result<AreaCode> {
        let t = text(i)?;
        AreaCode::parse(&t).map_err(|_| corrupt("区划代码", &t))
    };
    let to_county = area(5)?;
    let from_school = SchoolCode::parse(&text(7)?).map_err(|e| StoreError::Corrupt(e.0))?;
    let from_county = area(8)?;
    let name = text(9)?;
    let sex = text(10)?;
    let sex = Sex::from_code(&sex).ok_or_else(|| corrupt("性别", &sex))?;
    let stage = text(14)?;
    let stage = Stage::from_code(&stage).ok_or_else(|| corrupt("学段", &stage))?;
    let row = match kind {
        PersonKind::Student => {
            let birth = text(11)?;
            let birth_date =
                NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(|_| corrupt("出生日期", &birth))?;
            TransferRow::Student(
                Student {
                    id_number,
                    name,
                    sex,
                    birth_date,
                    household_area: area(12)?,
                },
                Enrolment {
                    school_year,
                    school,
                    stage,
                    grade: Grade(r.get(15)?),
                    class_name: r.get(16)?,
                    migrant_child: r.get(17)?,
                    boarder: r.get(18)?,
                    visual_acuity: r.get::<_, Option<f64>>(19)?.map(|v| v as f32),
                    myopic: r.get(20)?,
                },
            )
        }
        PersonKind::Teacher => {
            let code = |i: usize, what: &str| -> Result<String> {
                let t: Option<String> = r.get(i)?;
                t.ok_or_else(|| corrupt(what, ""))
            };
            let subject = code(21, "学科")?;
            let title = code(22, "职称")?;
            let key = code(23, "骨干教师")?;
            let qualification = code(25, "学历")?;
            TransferRow::Teacher(
                Teacher {
                    id_number,
                    name,
                    sex,
                    birth_year: r.get(13)?,
                },
                TeachingPost {
                    school_year,
                    school,
                    stage,
                    subject: Subject::from_code(&subject).ok_or_else(|| corrupt("学科", &subject))?,
                    title: Title::from_code(&title).ok_or_else(|| corrupt("职称", &title))?,
                    key_teacher_level: KeyTeacherLevel::from_code(&key)
                        .ok_or_else(|| corrupt("骨干教师", &key))?,
                    joined_school_year: SchoolYear(r.get(24)?),
                    qualification: Qualification::from_code(&qualification)
                        .ok_or_else(|| corrupt("学历", &qualification))?,
                },
            )
        }
    };
    let status = text(29)?;
    let status = TransferStatus::from_code(&status).ok_or_else(|| corrupt("申请状态", &status))?;
    let decided_at: Option<String> = r.get(31)?;
    let from_stage = text(33)?;
    let from_stage = Stage::from_code(&from_stage).ok_or_else(|| corrupt("学段", &from_stage))?;
    Ok(TransferRequest {
        id: r.get(0)?,
        request: NewTransfer {
            row,
            to_county,
            from: Placement {
                school_year: SchoolYear(r.get(6)?),
                school: from_school,
                stage: from_stage,
                grade: r.get::<_, Option<i8>>(34)?.map(Grade),
            },
            from_county,
            source: text(26)?,
            requested_by: text(27)?,
            requested_at: parse_time(&text(28)?)?,
        },
        status,
        decided_by: r.get(30)?,
        decided_at: decided_at.as_deref().map(parse_time).transpose()?,
        reason: r.get(32)?,
    })
}

/// Each person's latest placement (see `Store::latest_placements`).
pub(super) fn latest_placements(
    conn: &Connection,
    kind: PersonKind,
    people: &[&IdNumber],
) -> Result<Vec<Option<Placement>>> {
    let (person, placement, person_column, grade) = match kind {
        PersonKind::Student => ("student", "enrolment", "student_id", "x.grade"),
        PersonKind::Teacher => ("teacher", "teaching_post", "teacher_id", "NULL"),
    };
    // The placements' keys lead with the school year: one seek per year
    // the table holds (`IN` over those few years), latest first, never a
    // scan. The years are found by skipping along that key (a DISTINCT
    // would read every row).
    let years: Vec<String> = conn
        .prepare(&format!(
            "WITH RECURSIVE y(v) AS (
                     SELECT min(school_year) FROM {placement}
                     UNION ALL
                     SELECT (SELECT min(school_year) FROM {placement} WHERE school_year > v)
                     FROM y WHERE v IS NOT NULL)
                 SELECT v FROM y WHERE v IS NOT NULL"
        ))?
        .query_map([], |r| r.get::<_, i64>(0))?
        .map(|y| y.map(|y| y.to_string()))
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(people.len());
    if years.is_empty() {
        out.resize(people.len(), None);
        return Ok(out);
    }
    let mut find = conn.prepare_cached(&format!(
        "SELECT id FROM {person} WHERE id_number = CAST(?1 AS TEXT)"
    ))?;
    let mut latest = conn.prepare(&format!(
        "SELECT x.school_year, sc.code, x.stage, {grade} FROM {placement} x
             JOIN school sc ON sc.id = x.school_id
             WHERE x.school_year IN ({}) AND x.{person_column} = CAST(?1 AS INTEGER)
             ORDER BY x.school_year DESC LIMIT 1",
        years.join(", ")
    ))?;
    for id in people {
        let key: Option<i64> = find.query_row([id.as_str()], |r| r.get(0)).optional()?;
        let Some(key) = key else {
            out.push(None);
            continue;
        };
        let found = latest.query_row([key], placement_columns).optional()?;
        out.push(found.map(placement_from).transpose()?);
    }
    Ok(out)
}

/// The four columns both placement queries select: year, school code,
/// stage, grade.
type PlacementColumns = (u16, String, String, Option<i8>);

fn placement_columns(r: &Row<'_>) -> rusqlite::Result<PlacementColumns> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn placement_from((year, school, stage, grade): PlacementColumns) -> Result<Placement> {
    Ok(Placement {
        school_year: SchoolYear(year),
        school: SchoolCode::parse(&school).map_err(|e| StoreError::Corrupt(e.0))?,
        stage: Stage::from_code(&stage).ok_or_else(|| corrupt("学段", &stage))?,
        grade: grade.map(Grade),
    })
}

/// Each person's placement in a given school year (see
/// `Store::placements_in_year`): a seek on each placement key.
pub(super) fn placements_in_year(
    conn: &Connection,
    kind: PersonKind,
    people: &[(SchoolYear, &IdNumber)],
) -> Result<Vec<Option<Placement>>> {
    let (person, placement, person_column, grade) = match kind {
        PersonKind::Student => ("student", "enrolment", "student_id", "x.grade"),
        PersonKind::Teacher => ("teacher", "teaching_post", "teacher_id", "NULL"),
    };
    let mut find = conn.prepare_cached(&format!(
        "SELECT x.school_year, sc.code, x.stage, {grade} FROM {person} p
         JOIN {placement} x ON x.school_year = CAST(?2 AS INTEGER) AND x.{person_column} = p.id
         JOIN school sc ON sc.id = x.school_id
         WHERE p.id_number = CAST(?1 AS TEXT)"
    ))?;
    let mut out = Vec::with_capacity(people.len());
    for (year, id) in people {
        let found = find
            .query_row(params![id.as_str(), year.0], placement_columns)
            .optional()?;
        out.push(found.map(placement_from).transpose()?);
    }
    Ok(out)
}

impl SqliteStore {
    pub(super) fn list_transfers(&self, query: &TransferQuery) -> Result<Vec<TransferRequest>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM transfer_request
             WHERE (?1 IS NULL OR from_county = ?1 OR to_county = ?1)
               AND (?2 IS NULL OR from_school = ?2 OR to_school = ?2)
               AND (?3 IS NULL OR status = ?3)
             ORDER BY id DESC LIMIT ?4"
        ))?;
        let mut rows = stmt.query(params![
            query.county.as_ref().map(|c| c.as_str()),
            query.school.as_ref().map(|s| s.as_str()),
            query.status.map(|s| s.code()),
            query.limit,
        ])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(request_from_row(r)?);
        }
        Ok(out)
    }

    pub(super) fn one_transfer(&self, id: i64) -> Result<Option<TransferRequest>> {
        transfer_by_id(&self.conn, id)
    }

    pub(super) fn pending_by(&self, username: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM transfer_request WHERE requested_by = ?1 AND status = 'pending'",
            [username],
            |r| r.get(0),
        )?;
        Ok(n.unsigned_abs())
    }

    pub(super) fn decide(
        &mut self,
        id: i64,
        decision: &TransferDecision,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<DecideOutcome> {
        // Foreign keys off for the write, as in `apply` (it resolves every
        // reference itself).
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let outcome = self.decide_in_transaction(id, decision, actor, at);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        outcome
    }

    fn decide_in_transaction(
        &mut self,
        id: i64,
        decision: &TransferDecision,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<DecideOutcome> {
        // IMMEDIATE (`begin_write`): the transaction reads before it writes.
        let tx = super::write::begin_write(&mut self.conn)?;
        let Some(request) = transfer_by_id(&tx, id)? else {
            return Ok(DecideOutcome::NotPending);
        };
        if request.status != TransferStatus::Pending {
            return Ok(DecideOutcome::NotPending);
        }
        let row = &request.request.row;
        let (status, reason, action) = decision::decided(decision);
        // The classes whose listed pupils this decision changes: the
        // receiving class (a pending request counts there already; a refusal
        // takes it out) and, on approval, the class the person leaves.
        let to_class = match row {
            TransferRow::Student(_, e) => {
                class_id(&tx, e.school_year, &e.school, e.grade, e.class_name.as_deref())?
            }
            TransferRow::Teacher(..) => None,
        };
        let mut classes = ClassesTouched::default();
        let mut remember = |tx: &Transaction<'_>, class: Option<i64>| -> Result<()> {
            if let Some(class) = classes.needs(class) {
                let (declared, listed) = declared_and_listed(tx, class)?;
                classes.note(class, declared, listed);
            }
            Ok(())
        };
        remember(&tx, to_class)?;
        if *decision == TransferDecision::Approve {
            // The placement the request was filed against must still be
            // there: another move approved meanwhile makes it stale.
            let from = &request.request.from;
            let now = placements_in_year(&tx, row.kind(), &[(from.school_year, row.id_number())])?;
            if now.first().cloned().flatten().map(|p| p.school) != Some(from.school.clone()) {
                return Ok(DecideOutcome::Stale);
            }
            if let TransferRow::Student(s, e) = row {
                let from_class: Option<i64> = tx
                    .query_row(
                        "SELECT e.class_id FROM enrolment e JOIN student s ON s.id = e.student_id
                         WHERE s.id_number = ?1 AND e.school_year = ?2",
                        params![s.id_number.as_str(), e.school_year.0],
                        |r| r.get(0),
                    )
                    .optional()?
                    .flatten();
                remember(&tx, from_class)?;
            }
            // Other schools' pending requests for the same person and year
            // are overtaken: withdrawn, and their classes counted again.
            let others: Vec<(i64, Option<String>, Option<i8>, String)> = tx
                .prepare_cached(
                    "SELECT id, class_name, grade, to_school FROM transfer_request
                     WHERE status = 'pending' AND kind = ?1 AND id_number = ?2 AND school_year = ?3 AND id <> ?4",
                )?
                .query_map(
                    params![row.kind().code(), row.id_number().as_str(), row.school_year().0, id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            for (other, class_name, grade, school) in &others {
                if let (Ok(school), Some(grade)) = (SchoolCode::parse(school), grade) {
                    let class = class_id(
                        &tx,
                        row.school_year(),
                        &school,
                        Grade(*grade),
                        class_name.as_deref(),
                    )?;
                    remember(&tx, class)?;
                }
                tx.execute(
                    "UPDATE transfer_request SET status = 'withdrawn', decided_by = ?2, decided_at = ?3,
                         reason = ?4
                     WHERE id = ?1",
                    params![other, actor, time_text(at), decision::OVERTAKEN_REASON],
                )?;
            }
        }
        tx.execute(
            "UPDATE transfer_request SET status = ?2, decided_by = ?3, decided_at = ?4, reason = ?5
             WHERE id = ?1",
            params![id, status.code(), actor, time_text(at), reason],
        )?;
        if *decision == TransferDecision::Approve {
            // The row as the city would import it; sizes are kept in step
            // below instead of being checked.
            let written = super::write::write_changes(
                &tx,
                &row.to_changes(),
                super::write::SizeRule::Ignore,
                &mut |_, _| {},
            )?;
            if let Err(mismatches) = written {
                // Not reached: sizes are not checked here.
                return Err(StoreError::Corrupt(format!(
                    "{} 个班级的班额不符",
                    mismatches.len()
                )));
            }
        }
        // A class whose declared size agreed with its listed pupils keeps
        // agreeing (转学 moves one pupil: 班额 follows); one that did not is
        // left for its officer to correct.
        let mut sizes_changed = false;
        for (class, declared, listed_before) in classes.into_counts() {
            let (_, listed_after) = declared_and_listed(&tx, class)?;
            if decision::size_follows(declared, listed_before, listed_after) {
                tx.execute(
                    "UPDATE class SET size = ?2 WHERE id = ?1",
                    params![class, listed_after],
                )?;
                sizes_changed = true;
            }
        }
        if sizes_changed {
            // 班额 feeds the indicators: cached snapshots of the year are
            // rebuilt, as after any write (an approval's write bumped it
            // already; a refusal's size change must too).
            super::write::bump_year(&tx, row.school_year())?;
        }
        let detail = decision::audit_detail(id, row, &request.request.from.school);
        super::write::insert_audit(
            &tx,
            &AuditLine {
                actor,
                action,
                detail: &detail,
            },
        )?;
        tx.commit()?;
        Ok(DecideOutcome::Decided)
    }
}

fn class_id(
    tx: &Transaction<'_>,
    year: SchoolYear,
    school: &SchoolCode,
    grade: Grade,
    name: Option<&str>,
) -> Result<Option<i64>> {
    let Some(name) = name else {
        return Ok(None);
    };
    Ok(tx
        .query_row(
            "SELECT c.id FROM class c JOIN school s ON s.id = c.school_id
             WHERE c.school_year = ?1 AND s.code = ?2 AND c.grade = ?3 AND c.name = ?4",
            params![year.0, school.as_str(), grade.0, name],
            |r| r.get(0),
        )
        .optional()?)
}

/// A class's declared size and its listed pupils (enrolled, and pending
/// requests into it).
fn declared_and_listed(tx: &Transaction<'_>, class: i64) -> Result<(u32, u32)> {
    Ok(tx.query_row(
        &format!(
            "SELECT c.size, (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id) + {PENDING_INTO_CLASS}
             FROM class c WHERE c.id = ?1"
        ),
        [class],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}
