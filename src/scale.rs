//! The scale data set for benchmarks (`enforcement demo --profile scale --cases N`): a
//! million cases, by default, over four street offices and five years, in the rows the
//! API writes.
//!
//! - **Registers** as `enforcement init`, `POST /users`, `POST /subjects` and the power
//!   import write them: per agency an admin, two heads (supervisors), legal counsel and
//!   44 certified officers (some certificates expired in earlier years, two officers
//!   joined in the last year, two hold a certificate but work in the office), a few
//!   thousand subjects of every kind with valid credit codes and ID numbers, and the
//!   sample power list (reference/sample-powers.csv) in force from 2020. Every user has
//!   the one password of the spec, hashed once.
//! - **Cases** on the working days of each year, more each year and most in the first
//!   agency: about 98% inspections (one in ten finds violations, general or major
//!   hazards, mostly rectified, a few escalated to a penalty case) and 2% penalty cases
//!   (simple and ordinary procedure; notices, defence, hearings, counsel's reviews,
//!   decisions with fines, service, payment or court enforcement; a few refused,
//!   transferred, terminated, voided or revoked). Each is a `cases::model::Case` opened
//!   with `Case::open`, numbered gap-free per agency, sequence and year, written with
//!   `CaseRow::from_case`, its officers, power and findings, its counsel's reviews and
//!   revocation, and the first event of its record hashed as `append_first` hashes it.
//!   Cases stand where their procedure ended (most closed or archived; a few recent ones
//!   still under way and overdue today), but their record holds only that first event
//!   and their `version` is 1, so `GET /cases/{id}/record/verify` finds it whole; the
//!   documents a notice or a decision would have issued are not generated.
//!
//! Rows are written in batches of multi-row INSERTs, a batch per transaction.

mod lifecycle;
mod penalty;
mod registers;
mod write;

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::cases::model::ProcedureSettings;
use crate::clock;
use crate::config::Settings;
use crate::db::{DbConn, write_transaction};
use lifecycle::{Life, Numbers};
use registers::World;
pub use write::Written;

/// One agency of the data set.
#[derive(Debug, Clone)]
pub struct AgencySpec {
    pub code: String,
    pub name: String,
    pub case_prefix: String,
    /// The street in its addresses.
    pub street: String,
    /// Its share of the cases, relative to the others'.
    pub weight: f64,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct ScaleSpec {
    pub cases: u64,
    pub first_year: i32,
    pub last_year: i32,
    pub agencies: Vec<AgencySpec>,
    /// The password of every generated user (admins `xf.admin`, heads `xf.head1`,
    /// counsel `xf.counsel`, officers `xf.officer001`…, lower-case agency code first).
    pub password: String,
    /// The same seed gives the same cases (ids and entry instants aside).
    pub seed: u64,
    /// Cases written per transaction.
    pub batch_cases: usize,
}

impl ScaleSpec {
    /// `cases` over 学府 (XF, the largest), 体育中心, 王顶堤 and 华苑, 2021–2025.
    pub fn new(cases: u64, password: impl Into<String>) -> Self {
        let agency = |code: &str, name: &str, prefix: &str, street: &str, weight| AgencySpec {
            code: code.into(),
            name: name.into(),
            case_prefix: prefix.into(),
            street: street.into(),
            weight,
        };
        ScaleSpec {
            cases,
            first_year: 2021,
            last_year: 2025,
            agencies: vec![
                agency("XF", "学府街道办事处", "学府", "学府街", 0.34),
                agency("TYZX", "体育中心街道办事处", "体育中心", "体院北道", 0.22),
                agency("WDD", "王顶堤街道办事处", "王顶堤", "王顶堤大街", 0.22),
                agency("HY", "华苑街道办事处", "华苑", "华苑路", 0.22),
            ],
            password: password.into(),
            seed: 20_241_231,
            batch_cases: 10_000,
        }
    }
}

/// What was generated for one agency.
#[derive(Debug, Clone)]
pub struct AgencyReport {
    pub code: String,
    pub id: String,
    pub cases: u64,
    pub inspections: u64,
    pub penalties: u64,
    pub officers: usize,
    pub subjects: usize,
    pub powers: usize,
}

#[derive(Debug, Clone)]
pub struct ScaleReport {
    pub agencies: Vec<AgencyReport>,
    pub written: Written,
    pub elapsed: Duration,
}

/// The working days of a year.
fn working_days(calendar: &crate::calendar::model::WorkCalendar, year: i32) -> Vec<NaiveDate> {
    let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return Vec::new();
    };
    first
        .iter_days()
        .take_while(|d| d.year() == year)
        .filter(|d| calendar.is_working_day(*d))
        .collect()
}

/// Splits `total` into parts proportional to `weights`, summing exactly to `total`.
fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut parts = Vec::with_capacity(weights.len());
    let (mut cumulative, mut given) = (0.0, 0u64);
    for weight in weights {
        cumulative += weight;
        let upto = ((cumulative / sum) * total as f64).round() as u64;
        parts.push(upto.saturating_sub(given));
        given = upto.max(given);
    }
    if let Some(last) = parts.last_mut() {
        *last += total.saturating_sub(given);
    }
    parts
}

/// Generates the data set into a database that holds none of its agencies (migrations
/// applied). `progress(done, total)` is called after each batch.
pub fn generate(
    conn: &mut DbConn,
    spec: &ScaleSpec,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<ScaleReport> {
    let started = Instant::now();
    anyhow::ensure!(spec.first_year <= spec.last_year, "first_year after last_year");
    anyhow::ensure!(!spec.agencies.is_empty(), "no agencies");
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let today = clock::today();
    let now = clock::to_db(clock::now());
    bulk_session(conn)?;
    let password_hash = crate::auth::password::hash_password(&spec.password)
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    let subjects_each = (spec.cases / spec.agencies.len() as u64 / 60).clamp(60, 4_000) as usize;
    let worlds: Vec<World> = write_transaction(conn, |conn| -> anyhow::Result<Vec<World>> {
        let mut worlds = Vec::new();
        for (index, agency_spec) in spec.agencies.iter().enumerate() {
            let (agency, _supervisors, counsel, officers) =
                registers::create_agency(conn, agency_spec, index, &password_hash, now, &mut rng)?;
            let subjects = registers::create_subjects(
                conn,
                &agency,
                index,
                &agency_spec.street,
                subjects_each,
                (now, today),
                &mut rng,
            )?;
            let powers = registers::load_powers(conn, &agency, now, today)?;
            let (inspection_powers, penalty_powers) = registers::citable(&powers);
            anyhow::ensure!(
                !inspection_powers.is_empty() && !penalty_powers.is_empty(),
                "the sample power list has no citable powers"
            );
            worlds.push(World {
                agency,
                street: agency_spec.street.clone(),
                counsel,
                officers,
                subjects,
                powers,
                inspection_powers,
                penalty_powers,
            });
        }
        Ok(worlds)
    })?;

    let first = NaiveDate::from_ymd_opt(spec.first_year, 1, 1).context("first_year")?;
    let last = NaiveDate::from_ymd_opt(spec.last_year, 12, 31).context("last_year")?;
    let calendar = crate::calendar::store::load_range(conn, first, last + chrono::Duration::days(400))?;
    let years: Vec<i32> = (spec.first_year..=spec.last_year).collect();
    let year_weights: Vec<f64> = (0..years.len()).map(|i| 1.0 + 0.125 * i as f64).collect();
    let agency_counts = apportion(spec.cases, &spec.agencies.iter().map(|a| a.weight).collect::<Vec<_>>());
    // plan[agency][year] = cases per working day of that year.
    let mut plan: Vec<Vec<Vec<u64>>> = Vec::new();
    let days: Vec<Vec<NaiveDate>> = years.iter().map(|y| working_days(&calendar, *y)).collect();
    for count in &agency_counts {
        let mut by_year = Vec::new();
        for (y, year_count) in apportion(*count, &year_weights).into_iter().enumerate() {
            let weights: Vec<f64> = days[y].iter().map(|_| rng.gen_range(0.6..1.4)).collect();
            by_year.push(apportion(year_count, &weights));
        }
        plan.push(by_year);
    }

    let mut life = Life {
        rng,
        calendar: &calendar,
        settings: ProcedureSettings::default(),
        today,
        // Cases of the last year and a half may still be under way (a few, overdue today).
        backlog_from: NaiveDate::from_ymd_opt(spec.last_year - 1, 7, 1).unwrap_or(last),
        numbers: Numbers::default(),
    };
    let mut batch = write::Batch::default();
    let mut reports: Vec<AgencyReport> = worlds
        .iter()
        .map(|w| AgencyReport {
            code: w.agency.code.clone(),
            id: w.agency.id.clone(),
            cases: 0,
            inspections: 0,
            penalties: 0,
            officers: w.officers.len(),
            subjects: w.subjects.len(),
            powers: w.powers.len(),
        })
        .collect();
    // About 2% penalty cases in all: 1.6% opened directly, the rest from inspections.
    const DIRECT_PENALTY: f64 = 0.016;
    for (y, year_days) in days.iter().enumerate() {
        for (d, day) in year_days.iter().enumerate() {
            for (a, world) in worlds.iter().enumerate() {
                let mut remaining = plan[a][y][d];
                while remaining > 0 {
                    remaining -= 1;
                    let report = &mut reports[a];
                    report.cases += 1;
                    if life.rng.gen_bool(DIRECT_PENALTY) {
                        report.penalties += 1;
                        batch.add(life.penalty(world, a, *day, None));
                        continue;
                    }
                    report.inspections += 1;
                    let (inspection, escalation) = life.inspection(world, a, *day, remaining > 0);
                    batch.add(inspection);
                    if let Some(escalation) = escalation {
                        remaining -= 1;
                        report.cases += 1;
                        report.penalties += 1;
                        let opened_on = escalation.opened_on;
                        batch.add(life.penalty(world, a, opened_on, Some(escalation)));
                    }
                }
            }
            if batch.len() >= spec.batch_cases {
                write_transaction(conn, |conn| batch.write(conn))?;
                progress(batch.written.cases, spec.cases);
            }
        }
    }
    write_transaction(conn, |conn| batch.write(conn))?;
    let counters: Vec<write::CounterRow> = life
        .numbers
        .0
        .iter()
        .map(|((agency, counter, year), last_seq)| write::CounterRow {
            agency_id: worlds[*agency].agency.id.clone(),
            counter: (*counter).to_string(),
            year: *year,
            last_seq: *last_seq,
        })
        .collect();
    write_transaction(conn, |conn| write::write_counters(conn, &counters))?;
    progress(batch.written.cases, spec.cases);
    if let DbConn::Postgresql(_) = conn {
        // What autovacuum does soon after a load this size: planner statistics, and the
        // visibility map that lets index-only scans skip the table.
        diesel::RunQueryDsl::execute(diesel::sql_query("VACUUM (ANALYZE)"), conn)?;
    }
    Ok(ScaleReport {
        agencies: reports,
        written: batch.written,
        elapsed: started.elapsed(),
    })
}

/// Bulk-load settings of this connection only: PostgreSQL commits without waiting for the
/// WAL flush (a crash loses the last batches, never consistency); SQLite keeps more pages
/// in memory.
fn bulk_session(conn: &mut DbConn) -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Postgresql(pg) => pg.batch_execute("SET synchronous_commit = off")?,
        DbConn::Sqlite(sqlite) => sqlite.batch_execute("PRAGMA cache_size = -262144")?,
    }
    Ok(())
}

/// `enforcement demo --profile scale --cases N`: migrates the database of `settings`,
/// generates `cases` cases and prints progress and a summary on stderr. The users'
/// password is `ENFORCEMENT_SCALE_PASSWORD`, or a random one printed once.
pub fn run(settings: &Settings, cases: u64) -> anyhow::Result<ScaleReport> {
    let password = match std::env::var("ENFORCEMENT_SCALE_PASSWORD") {
        Ok(password) if !password.is_empty() => password,
        _ => {
            let password: String = rand::thread_rng()
                .sample_iter(rand::distributions::Alphanumeric)
                .take(20)
                .map(char::from)
                .collect();
            eprintln!("password of every generated user (xf.admin, xf.head1, xf.officer001…): {password}");
            password
        }
    };
    crate::users::model::check_new_password(&password).map_err(|e| anyhow::anyhow!("the password {}", e.message))?;
    let pool = crate::app::prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let spec = ScaleSpec::new(cases, password);
    let started = Instant::now();
    let mut last_tenth = None;
    let report = generate(&mut conn, &spec, |done, total| {
        let tenth = (done * 10).checked_div(total).unwrap_or(10);
        if last_tenth != Some(tenth) {
            last_tenth = Some(tenth);
            eprintln!(
                "{done}/{total} cases ({:.0}%), {:.1} s",
                done as f64 * 100.0 / total.max(1) as f64,
                started.elapsed().as_secs_f64()
            );
        }
    })?;
    for agency in &report.agencies {
        eprintln!(
            "{}: {} cases ({} inspections, {} penalty), {} officers, {} subjects, {} powers",
            agency.code,
            agency.cases,
            agency.inspections,
            agency.penalties,
            agency.officers,
            agency.subjects,
            agency.powers
        );
    }
    eprintln!(
        "{} cases, {} findings, {} record events, {} legal reviews, {} revocations in {:.1} s",
        report.written.cases,
        report.written.findings,
        report.written.events,
        report.written.legal_reviews,
        report.written.revocations,
        report.elapsed.as_secs_f64()
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioned_parts_add_up() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]).iter().sum::<u64>(), 10);
        assert_eq!(
            apportion(1_000_000, &[0.34, 0.22, 0.22, 0.22]),
            vec![340_000, 220_000, 220_000, 220_000]
        );
        assert_eq!(apportion(0, &[1.0, 2.0]), vec![0, 0]);
        assert_eq!(apportion(7, &[0.5, 0.0, 0.5]).iter().sum::<u64>(), 7);
    }
}
