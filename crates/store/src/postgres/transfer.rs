//! Transfer requests on PostgreSQL, write side: filed with an officer's
//! import, decided by the releasing side (the approval writes the row in the
//! same transaction as the decision and its audit line), restored by
//! `edugov copy`. Semantics of SQLite's `sqlite/transfer.rs`.

use chrono::{DateTime, Utc};
use postgres::{Client, Transaction};
use registry::{Grade, SchoolCode, SchoolYear};

use super::write::{begin_write, bump_year, insert_audit, write_changes, SizeRule};
use crate::decision::{self, ClassesTouched};
use crate::{
    AuditAction, AuditLine, DecideOutcome, NewTransfer, PersonKind, Result, StoreError, TransferDecision,
    TransferRequest, TransferRow, TransferStatus,
};

/// Pending student requests into a class (aliased `c`, its school `s`): they
/// count among its listed pupils, so a file that lists a pupil it asked
/// for, and declares the class's size with them, passes the class-size check.
pub(super) const PENDING_INTO_CLASS: &str = "(SELECT count(*) FROM transfer_request t
      WHERE t.status = 'pending' AND t.kind = 'student' AND t.school_year = c.school_year
        AND t.to_school = s.code AND t.grade = c.grade AND t.class_name = c.name)";

/// Files the requests of an import (inside its transaction).
pub(super) fn file_transfers(tx: &mut Transaction<'_>, transfers: &[NewTransfer]) -> Result<()> {
    if transfers.is_empty() {
        return Ok(());
    }
    // A corrected file filed again replaces its school's pending request
    // for the same person and year, instead of counting the pupil twice.
    let supersede = tx.prepare(
        "UPDATE transfer_request SET status = 'withdrawn', decided_by = $5, decided_at = $6,
             reason = '由同一学校的新申请取代'
         WHERE status = 'pending' AND kind = $1 AND id_number = $2 AND school_year = $3 AND to_school = $4",
    )?;
    for t in transfers {
        let row = &t.row;
        tx.execute(
            &supersede,
            &[
                &row.kind().code(),
                &row.id_number().as_str(),
                &i32::from(row.school_year().0),
                &row.school().as_str(),
                &t.requested_by,
                &t.requested_at,
            ],
        )?;
        let id = insert_request(tx, t)?;
        // Every step of a transfer is in the audit log, filing included;
        // the detail names schools, never the person.
        let detail = decision::filing_detail(id, t);
        insert_audit(
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
fn insert_request(tx: &mut Transaction<'_>, t: &NewTransfer) -> Result<i64> {
    let row = &t.row;
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
    let found = tx.query_one(
        "INSERT INTO transfer_request (kind, id_number, school_year, to_school, to_county,
             from_year, from_school, from_county, name, sex, birth_date, household_area, birth_year,
             stage, grade, class_name, migrant_child, boarder, visual_acuity, myopic,
             subject, title, key_teacher_level, joined_school_year, qualification,
             source, requested_by, requested_at, from_stage, from_grade)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)
         RETURNING id",
        &[
            &row.kind().code(),
            &row.id_number().as_str(),
            &i32::from(row.school_year().0),
            &row.school().as_str(),
            &t.to_county.as_str(),
            &i32::from(t.from.school_year.0),
            &t.from.school.as_str(),
            &t.from_county.as_str(),
            name,
            &sex.code(),
            &student.map(|(s, _)| s.birth_date),
            &student.map(|(s, _)| s.household_area.as_str()),
            &teacher.map(|(p, _)| i32::from(p.birth_year)),
            &stage.code(),
            &student.map(|(_, e)| i32::from(e.grade.0)),
            &student.and_then(|(_, e)| e.class_name.as_deref()),
            &student.map(|(_, e)| e.migrant_child),
            &student.map(|(_, e)| e.boarder),
            &student.and_then(|(_, e)| e.visual_acuity.map(f64::from)),
            &student.and_then(|(_, e)| e.myopic),
            &teacher.map(|(_, post)| post.subject.code()),
            &teacher.map(|(_, post)| post.title.code()),
            &teacher.map(|(_, post)| post.key_teacher_level.code()),
            &teacher.map(|(_, post)| i32::from(post.joined_school_year.0)),
            &teacher.map(|(_, post)| post.qualification.code()),
            &t.source,
            &t.requested_by,
            &t.requested_at,
            &t.from.stage.code(),
            &t.from.grade.map(|g| i32::from(g.0)),
        ],
    )?;
    Ok(found.get(0))
}

/// A request as stored elsewhere, decision included (`edugov copy`).
pub(super) fn restore(conn: &mut Client, request: &TransferRequest) -> Result<i64> {
    let mut tx = begin_write(conn)?;
    let id = insert_request(&mut tx, &request.request)?;
    tx.execute(
        "UPDATE transfer_request SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1",
        &[
            &id,
            &request.status.code(),
            &request.decided_by,
            &request.decided_at,
            &request.reason,
        ],
    )?;
    tx.commit()?;
    Ok(id)
}

/// The fields of a stored request a decision needs (the row itself is read
/// back as filed: the decision writes it as the city would import it).
struct Pending {
    status: String,
    kind: PersonKind,
    row: TransferRow,
    from_year: SchoolYear,
    from_school: SchoolCode,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}“{value}”无法识别"))
}

/// Reads a request for its decision, locking its row.
fn pending(tx: &mut Transaction<'_>, id: i64) -> Result<Option<Pending>> {
    use registry::{
        AreaCode, Enrolment, IdNumber, KeyTeacherLevel, Qualification, Sex, Stage, Student, Subject, Teacher,
        TeachingPost, Title,
    };
    let Some(r) = tx.query_opt(
        "SELECT status, kind, id_number, school_year, to_school, name, sex, birth_date, household_area,
                birth_year, stage, grade, class_name, migrant_child, boarder, visual_acuity, myopic,
                subject, title, key_teacher_level, joined_school_year, qualification, from_year, from_school
         FROM transfer_request WHERE id = $1 FOR UPDATE",
        &[&id],
    )?
    else {
        return Ok(None);
    };
    let text = |i: usize| -> String { r.get(i) };
    let kind = PersonKind::from_code(&text(1)).ok_or_else(|| corrupt("人员类别", &text(1)))?;
    let id_number = IdNumber::from_stored(&text(2)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let school_year = SchoolYear(r.get::<_, i32>(3) as u16);
    let school = SchoolCode::parse(&text(4)).map_err(|e| StoreError::Corrupt(e.0))?;
    let name = text(5);
    let sex = Sex::from_code(&text(6)).ok_or_else(|| corrupt("性别", &text(6)))?;
    let stage = Stage::from_code(&text(10)).ok_or_else(|| corrupt("学段", &text(10)))?;
    let code = |i: usize, what: &str| -> Result<String> {
        r.get::<_, Option<String>>(i).ok_or_else(|| corrupt(what, ""))
    };
    let row = match kind {
        PersonKind::Student => {
            let area = code(8, "户籍地")?;
            TransferRow::Student(
                Student {
                    id_number,
                    name,
                    sex,
                    birth_date: r
                        .get::<_, Option<chrono::NaiveDate>>(7)
                        .ok_or_else(|| corrupt("出生日期", ""))?,
                    household_area: AreaCode::parse(&area).map_err(|_| corrupt("区划代码", &area))?,
                },
                Enrolment {
                    school_year,
                    school,
                    stage,
                    grade: Grade(r.get::<_, Option<i32>>(11).unwrap_or_default() as i8),
                    class_name: r.get(12),
                    migrant_child: r.get::<_, Option<bool>>(13).unwrap_or_default(),
                    boarder: r.get::<_, Option<bool>>(14).unwrap_or_default(),
                    visual_acuity: r.get::<_, Option<f64>>(15).map(|v| v as f32),
                    myopic: r.get(16),
                },
            )
        }
        PersonKind::Teacher => {
            let subject = code(17, "学科")?;
            let title = code(18, "职称")?;
            let key = code(19, "骨干教师")?;
            let qualification = code(21, "学历")?;
            TransferRow::Teacher(
                Teacher {
                    id_number,
                    name,
                    sex,
                    birth_year: r.get::<_, Option<i32>>(9).unwrap_or_default() as u16,
                },
                TeachingPost {
                    school_year,
                    school,
                    stage,
                    subject: Subject::from_code(&subject).ok_or_else(|| corrupt("学科", &subject))?,
                    title: Title::from_code(&title).ok_or_else(|| corrupt("职称", &title))?,
                    key_teacher_level: KeyTeacherLevel::from_code(&key)
                        .ok_or_else(|| corrupt("骨干教师", &key))?,
                    joined_school_year: SchoolYear(r.get::<_, Option<i32>>(20).unwrap_or_default() as u16),
                    qualification: Qualification::from_code(&qualification)
                        .ok_or_else(|| corrupt("学历", &qualification))?,
                },
            )
        }
    };
    Ok(Some(Pending {
        status: text(0),
        kind,
        row,
        from_year: SchoolYear(r.get::<_, i32>(22) as u16),
        from_school: SchoolCode::parse(&text(23)).map_err(|e| StoreError::Corrupt(e.0))?,
    }))
}

/// Approves or refuses a pending request (see `RegistryWrite::decide_transfer`).
pub(super) fn decide(
    conn: &mut Client,
    id: i64,
    decision: &TransferDecision,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<DecideOutcome> {
    let mut tx = begin_write(conn)?;
    let Some(request) = pending(&mut tx, id)? else {
        return Ok(DecideOutcome::NotPending);
    };
    if request.status != TransferStatus::Pending.code() {
        return Ok(DecideOutcome::NotPending);
    }
    let row = &request.row;
    let (status, reason, action) = decision::decided(decision);
    // The classes whose listed pupils this decision changes: the receiving
    // class (a pending request counts there already; a refusal takes it
    // out) and, on approval, the class the person leaves.
    let to_class = match row {
        TransferRow::Student(_, e) => class_id(
            &mut tx,
            e.school_year,
            &e.school,
            e.grade,
            e.class_name.as_deref(),
        )?,
        TransferRow::Teacher(..) => None,
    };
    let mut classes = ClassesTouched::default();
    remember(&mut tx, &mut classes, to_class)?;
    if *decision == TransferDecision::Approve {
        // The placement the request was filed against must still be there:
        // another move approved meanwhile makes it stale.
        let (person, placement, person_column) = match request.kind {
            PersonKind::Student => ("student", "enrolment", "student_id"),
            PersonKind::Teacher => ("teacher", "teaching_post", "teacher_id"),
        };
        let now: Option<String> = tx
            .query_opt(
                &format!(
                    "SELECT sc.code FROM {person} p
                     JOIN {placement} x ON x.school_year = $2 AND x.{person_column} = p.id
                     JOIN school sc ON sc.id = x.school_id
                     WHERE p.id_number = $1"
                ),
                &[&row.id_number().as_str(), &i32::from(request.from_year.0)],
            )?
            .map(|r| r.get(0));
        if now.as_deref() != Some(request.from_school.as_str()) {
            return Ok(DecideOutcome::Stale);
        }
        if let TransferRow::Student(s, e) = row {
            let from_class: Option<i64> = tx
                .query_opt(
                    "SELECT e.class_id FROM enrolment e JOIN student s ON s.id = e.student_id
                     WHERE s.id_number = $1 AND e.school_year = $2",
                    &[&s.id_number.as_str(), &i32::from(e.school_year.0)],
                )?
                .and_then(|r| r.get(0));
            remember(&mut tx, &mut classes, from_class)?;
        }
        // Other schools' pending requests for the same person and year are
        // overtaken: withdrawn, and their classes counted again.
        let others = tx.query(
            "SELECT id, class_name, grade, to_school FROM transfer_request
             WHERE status = 'pending' AND kind = $1 AND id_number = $2 AND school_year = $3 AND id <> $4
             ORDER BY id",
            &[
                &row.kind().code(),
                &row.id_number().as_str(),
                &i32::from(row.school_year().0),
                &id,
            ],
        )?;
        for other in others {
            let (other_id, class_name, grade, school): (i64, Option<String>, Option<i32>, String) =
                (other.get(0), other.get(1), other.get(2), other.get(3));
            if let (Ok(school), Some(grade)) = (SchoolCode::parse(&school), grade) {
                let class = class_id(
                    &mut tx,
                    row.school_year(),
                    &school,
                    Grade(grade as i8),
                    class_name.as_deref(),
                )?;
                remember(&mut tx, &mut classes, class)?;
            }
            tx.execute(
                "UPDATE transfer_request SET status = 'withdrawn', decided_by = $2, decided_at = $3,
                     reason = $4
                 WHERE id = $1",
                &[&other_id, &actor, &at, &decision::OVERTAKEN_REASON],
            )?;
        }
    }
    tx.execute(
        "UPDATE transfer_request SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1",
        &[&id, &status.code(), &actor, &at, &reason],
    )?;
    if *decision == TransferDecision::Approve {
        // The row as the city would import it; sizes are kept in step below
        // instead of being checked.
        if let Err(mismatches) = write_changes(&mut tx, &row.to_changes(), SizeRule::Ignore, &mut |_, _| {})?
        {
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
        let (_, listed_after) = declared_and_listed(&mut tx, class)?;
        if decision::size_follows(declared, listed_before, listed_after) {
            tx.execute(
                "UPDATE class SET size = $2 WHERE id = $1",
                &[&class, &(listed_after as i32)],
            )?;
            sizes_changed = true;
        }
    }
    if sizes_changed {
        // 班额 feeds the indicators: cached snapshots of the year are
        // rebuilt, as after any write.
        bump_year(&mut tx, row.school_year())?;
    }
    let detail = decision::audit_detail(id, row, &request.from_school);
    insert_audit(
        &mut tx,
        &AuditLine {
            actor,
            action,
            detail: &detail,
        },
    )?;
    tx.commit()?;
    Ok(DecideOutcome::Decided)
}

/// Notes a class's declared size and listed pupils before the decision.
fn remember(tx: &mut Transaction<'_>, classes: &mut ClassesTouched, class: Option<i64>) -> Result<()> {
    if let Some(class) = classes.needs(class) {
        let (declared, listed) = declared_and_listed(tx, class)?;
        classes.note(class, declared, listed);
    }
    Ok(())
}

fn class_id(
    tx: &mut Transaction<'_>,
    year: SchoolYear,
    school: &SchoolCode,
    grade: Grade,
    name: Option<&str>,
) -> Result<Option<i64>> {
    let Some(name) = name else {
        return Ok(None);
    };
    Ok(tx
        .query_opt(
            "SELECT c.id FROM class c JOIN school s ON s.id = c.school_id
             WHERE c.school_year = $1 AND s.code = $2 AND c.grade = $3 AND c.name = $4",
            &[&i32::from(year.0), &school.as_str(), &i32::from(grade.0), &name],
        )?
        .map(|r| r.get(0)))
}

/// A class's declared size and its listed pupils (enrolled, and pending
/// requests into it).
fn declared_and_listed(tx: &mut Transaction<'_>, class: i64) -> Result<(u32, u32)> {
    let r = tx.query_one(
        &format!(
            "SELECT c.size, (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id) + {PENDING_INTO_CLASS}
             FROM class c JOIN school s ON s.id = c.school_id WHERE c.id = $1"
        ),
        &[&class],
    )?;
    Ok((r.get::<_, i32>(0) as u32, r.get::<_, i64>(1) as u32))
}
