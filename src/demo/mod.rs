//! Demo data sets: `enforcement demo --profile xuefu-2024`, and `enforcement serve --demo`
//! on an empty database. A profile is a year of a street office's work, created through the
//! same domain and store code the API uses (`load`), so every rule of the service holds
//! for it and every figure is computed from it, never stored.
//!
//! `xuefu` holds the profile's fixed data, `people` the register's identities, `plan` and
//! `penalty_plan` the year drawn from a fixed seed (the same data on every run), `texts`
//! what the staff write, `load` the walk through the store.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use diesel::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use crate::agencies::store::AgencyRow;
use crate::auth::Roles;
use crate::config::Settings;
use crate::db::DbConn;
use crate::evidence::storage::{BlobStore, LocalStore};
use crate::subjects::store::SubjectRow;
use crate::users::model::UserProfile;
use crate::users::store::UserRow;

mod load;
mod penalty_plan;
mod people;
mod plan;
mod texts;
pub mod xuefu;

use load::{Cast, SubjectRef};
use plan::{Inputs, Moment};
use xuefu::{DEPARTMENTS, StaffMember};

/// The demo data sets there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// 学府街道办事处's 2024: 2895 inspections, 48 penalty cases, fines of ¥9,200.
    #[value(name = "xuefu-2024")]
    Xuefu2024,
    /// `--cases` (default 1,000,000) over four agencies and 2021–2025, written in bulk in
    /// the shape the API writes, for benchmarks (`src/scale.rs`).
    Scale,
}

#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// The data set to load.
    #[arg(long, value_enum)]
    pub profile: Profile,
    /// Load into this existing agency, which must hold no cases, instead of creating
    /// 学府街道办事处 (XF) with its admin.
    #[arg(long)]
    pub agency_code: Option<String>,
    /// With `--profile scale`: how many cases.
    #[arg(long, default_value_t = 1_000_000)]
    pub cases: u64,
}

/// A demo user's login.
#[derive(Debug, Clone)]
pub struct Login {
    pub username: String,
    pub display_name: String,
    pub role: String,
}

/// What a profile loaded.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub agency_code: String,
    pub agency_name: String,
    pub created_agency: bool,
    pub logins: Vec<Login>,
    pub inspection_cases: usize,
    pub penalty_cases: usize,
    pub decisions: usize,
    pub fines_fen: i64,
    pub general_hazards: usize,
    pub major_hazards: usize,
    pub legal_reviews: usize,
    pub audio_records: usize,
    pub disclosures: usize,
    pub subjects: usize,
    pub powers: usize,
    pub elapsed: Duration,
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "demo profile xuefu-2024 loaded into {} ({}) in {:.1} s:",
            self.agency_name,
            self.agency_code,
            self.elapsed.as_secs_f64()
        )?;
        writeln!(
            f,
            "  {} inspection cases and {} penalty cases opened in {} ({} in all), every one closed",
            self.inspection_cases,
            self.penalty_cases,
            xuefu::YEAR,
            self.inspection_cases + self.penalty_cases
        )?;
        writeln!(
            f,
            "  fines of the {} decisions: {} ({} fen); {} legal reviews signed",
            self.decisions,
            crate::cases::model::yuan(self.fines_fen),
            self.fines_fen,
            self.legal_reviews
        )?;
        writeln!(
            f,
            "  hazards found and rectified: {} general, {} major; {} audio records attached",
            self.general_hazards, self.major_hazards, self.audio_records
        )?;
        writeln!(
            f,
            "  {} decisions and inspection results published (事后公示), each before its due date",
            self.disclosures
        )?;
        writeln!(
            f,
            "  {} officers on cases, {} powers cited, {} subjects in the register",
            xuefu::OFFICERS.len(),
            self.powers,
            self.subjects
        )?;
        writeln!(
            f,
            "demo logins, all with the password {} (public: a demo database is never for real cases):",
            xuefu::DEMO_PASSWORD
        )?;
        for login in &self.logins {
            // Chinese characters take two columns of a terminal.
            let width: usize = login
                .display_name
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum();
            let pad = " ".repeat(12usize.saturating_sub(width));
            writeln!(f, "  {:<16} {}{pad}{}", login.username, login.display_name, login.role)?;
        }
        Ok(())
    }
}

/// `enforcement demo`: loads the profile, drawing a progress bar on stderr.
pub fn run(settings: &Settings, args: &DemoArgs) -> anyhow::Result<DemoReport> {
    anyhow::ensure!(
        args.profile == Profile::Xuefu2024,
        "the scale profile is generated by scale::run, not loaded as a demo"
    );
    let pool = crate::app::prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let store = LocalStore::open_at(settings.evidence_dir())
        .with_context(|| format!("opening the evidence store {}", settings.evidence_dir().display()))?;
    load_xuefu(&mut conn, args.agency_code.as_deref(), &store)
}

/// What `serve --demo` found.
pub enum ServeDemo {
    Loaded(Box<DemoReport>),
    /// The database already holds agencies: it is served as it is.
    NotEmpty {
        agencies: i64,
    },
}

/// `serve --demo`: loads the xuefu-2024 profile into a database without any agency.
pub fn load_if_empty(settings: &Settings) -> anyhow::Result<ServeDemo> {
    let pool = crate::app::prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let agencies = crate::agencies::store::count(&mut conn)?;
    if agencies > 0 {
        return Ok(ServeDemo::NotEmpty { agencies });
    }
    let args = DemoArgs {
        profile: Profile::Xuefu2024,
        agency_code: None,
        cases: 0,
    };
    drop(conn);
    Ok(ServeDemo::Loaded(Box::new(run(settings, &args)?)))
}

fn year_day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(xuefu::YEAR, month, day).unwrap_or_default()
}

/// Loads the xuefu-2024 profile: a new agency XF (refused when one exists), or the named
/// agency (refused when it holds cases).
fn load_xuefu(conn: &mut DbConn, agency_code: Option<&str>, store: &dyn BlobStore) -> anyhow::Result<DemoReport> {
    let started = Instant::now();
    let calendar =
        crate::calendar::store::load_range(conn, year_day(1, 1), year_day(12, 31) + chrono::Duration::days(365))?;
    for year in [xuefu::YEAR, xuefu::YEAR + 1] {
        if !calendar.covers_year(year) {
            bail!("the working-day calendar has no {year}; the demo's deadlines need it (PUT /calendar/{year})");
        }
    }
    let (agency, created) = agency(conn, agency_code)?;
    let mut staff: Vec<&StaffMember> = vec![&xuefu::HEAD, &xuefu::COUNSEL];
    staff.extend(xuefu::OFFICERS.iter());
    if created {
        staff.insert(0, &xuefu::ADMIN);
    }
    let mut taken = Vec::new();
    for member in &staff {
        if crate::users::store::username_taken(conn, member.username)? {
            taken.push(member.username);
        }
    }
    if !taken.is_empty() {
        bail!("the demo's usernames {} are taken in this database", taken.join(", "));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(xuefu::SEED);
    let subjects = people::subjects(&mut rng);
    let powers = plan::sample_powers()?;
    let settings = crate::cases::store::procedure_settings(conn, &agency.id)?;
    let inputs = Inputs {
        calendar: &calendar,
        powers: &powers,
        subjects: &subjects,
        settings: &settings,
    };
    let plan = penalty_plan::Plan::draw(&inputs, &mut rng)?;
    let audio = store_audio(store)?;
    if conn.backend() == crate::db::Backend::Postgres {
        // Thousands of small commits: a crash may lose the last of them (the demo is
        // refused as partly loaded then), never leave one half-written.
        diesel::sql_query("SET synchronous_commit TO off").execute(conn)?;
    }
    let (cast, logins) = set_up(conn, (&agency, created), &staff, (&subjects, &powers), audio)?;
    let mut bar = crate::cli::ProgressBar::new();
    eprintln!(
        "loading the xuefu-2024 demo into {} ({}): {} cases",
        agency.name,
        agency.code,
        plan.inspections.len() + plan.penalties.len()
    );
    let walked = load::walk(conn, &cast, &plan, &powers, |done, total| {
        bar.draw_count(done, total, "cases")
    })?;
    bar.finish();
    let hazards = |level| plan.inspections.iter().map(|i| i.hazards(level)).sum();
    Ok(DemoReport {
        agency_code: agency.code,
        agency_name: agency.name,
        created_agency: created,
        logins,
        inspection_cases: walked.inspection_cases,
        penalty_cases: walked.penalty_cases,
        decisions: plan.penalties.len(),
        fines_fen: plan.penalties.iter().map(|p| p.fine_fen()).sum(),
        general_hazards: hazards(crate::cases::model::HazardLevel::General),
        major_hazards: hazards(crate::cases::model::HazardLevel::Major),
        legal_reviews: walked.legal_reviews,
        audio_records: walked.audio_records,
        disclosures: walked.disclosures,
        subjects: subjects.len(),
        powers: powers.len(),
        elapsed: started.elapsed(),
    })
}

/// The agency to load into: XF created anew, or the one named (without cases).
fn agency(conn: &mut DbConn, code: Option<&str>) -> anyhow::Result<(AgencyRow, bool)> {
    use crate::db::schema::cases;
    let Some(code) = code.map(str::trim) else {
        if crate::agencies::store::find_by_code(conn, xuefu::AGENCY_CODE)?.is_some() {
            bail!(
                "an agency with code {} already exists (the demo is loaded, or `init` created it); the demo creates its own agency only in a database without one. To load into an existing agency that holds no cases, pass --agency-code",
                xuefu::AGENCY_CODE
            );
        }
        let row = AgencyRow {
            id: uuid::Uuid::now_v7().to_string(),
            code: xuefu::AGENCY_CODE.into(),
            name: xuefu::AGENCY_NAME.into(),
            case_prefix: xuefu::CASE_PREFIX.into(),
            created_at: crate::clock::to_db(Moment::at(year_day(1, 2), 8 * 60).instant(0)),
        };
        return Ok((row, true));
    };
    let agency = crate::agencies::store::find_by_code(conn, code)?.with_context(|| {
        format!("no agency has the code {code}; create it with `enforcement init`, or leave out --agency-code")
    })?;
    let held: i64 = cases::table
        .filter(cases::agency_id.eq(&agency.id))
        .count()
        .get_result(conn)?;
    if held > 0 {
        bail!(
            "agency {code} already holds {held} cases (the demo may be loaded already); the demo loads only into an agency without cases"
        );
    }
    Ok((agency, false))
}

/// One second of silence as an 8 kHz, 8-bit mono WAV file: the demo's audio record, stored
/// once (content-addressed) however many cases hold it.
fn silent_wav() -> Vec<u8> {
    const RATE: u32 = 8000;
    let mut wav = Vec::with_capacity(44 + RATE as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + RATE).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&RATE.to_le_bytes()); // bytes per second
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.resize(44 + RATE as usize, 0x80);
    wav
}

/// Stores the audio file as an upload would (durable before it is referenced).
fn store_audio(store: &dyn BlobStore) -> anyhow::Result<(String, u64)> {
    let wav = silent_wav();
    let sha256 = hex::encode(Sha256::digest(&wav));
    let mut writer = store.begin().context("storing the demo's audio record")?;
    std::io::Write::write_all(&mut writer, &wav).context("storing the demo's audio record")?;
    // Left unrecorded: the rows naming it come as the cases are loaded, and the next
    // start of the service settles it (kept, since they name it; removed had none come).
    let _unrecorded = writer.commit(&sha256).context("storing the demo's audio record")?;
    Ok((sha256, wav.len() as u64))
}

/// The agency (when new), its staff, the register and the power list, in one transaction,
/// each checked by the rules the API applies to them.
fn set_up(
    conn: &mut DbConn,
    (agency, created): (&AgencyRow, bool),
    staff: &[&StaffMember],
    (subjects, power_list): (&[people::DemoSubject], &[plan::PowerInfo]),
    audio: (String, u64),
) -> anyhow::Result<(Cast, Vec<Login>)> {
    let start = Moment::at(year_day(1, 2), 8 * 60 + 30);
    let now = crate::clock::to_db(start.instant(0));
    let mut users = Vec::new();
    for member in staff {
        users.push(user_row(member, &agency.id, now)?);
    }
    let mut rows = Vec::new();
    for subject in subjects {
        subject
            .profile
            .validate(start.date)
            .map_err(|e| anyhow::anyhow!("demo subject {} is invalid: {e:?}", subject.profile.name))?;
        rows.push(SubjectRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: agency.id.clone(),
            profile: subject.profile.clone(),
            created_at: now,
            updated_at: now,
        });
    }
    let head_id = users
        .iter()
        .find(|u| u.username == xuefu::HEAD.username)
        .map(|u| u.id.clone())
        .unwrap_or_default();
    let (imported, items) = crate::db::write_transaction(conn, |conn| -> anyhow::Result<_> {
        if created {
            crate::agencies::store::insert(conn, agency)?;
        }
        for user in &users {
            crate::users::store::insert(conn, user)?;
        }
        for row in &rows {
            if let Some(uscc) = &row.profile.uscc
                && crate::subjects::store::uscc_taken(conn, &agency.id, uscc, None)?
            {
                bail!("the agency's register already holds the code {uscc}");
            }
            crate::subjects::store::insert(conn, row)?;
        }
        let imported = crate::cli::import_sample_powers(conn, &agency.id, start.date, start.instant(0))?;
        let powers: HashMap<String, String> = imported
            .rows
            .iter()
            .filter_map(|row| Some((row.action.code.clone(), row.power_id.clone()?)))
            .collect();
        let items = publish_items(conn, &agency.id, &head_id, (&powers, power_list), start)?;
        Ok((powers, items))
    })?;
    let powers = imported;
    let id_of = |username: &str| {
        users
            .iter()
            .find(|u| u.username == username)
            .map(|u| u.id.clone())
            .unwrap_or_default()
    };
    let cast = Cast {
        agency_id: agency.id.clone(),
        officers: xuefu::OFFICERS.iter().map(|o| id_of(o.username)).collect(),
        head: id_of(xuefu::HEAD.username),
        counsel: id_of(xuefu::COUNSEL.username),
        subjects: rows
            .iter()
            .map(|row| SubjectRef {
                id: row.id.clone(),
                name: row.profile.name.clone(),
                address: row.profile.address.clone().unwrap_or_default(),
            })
            .collect(),
        powers,
        items,
        audio,
    };
    let logins = staff
        .iter()
        .map(|s| Login {
            username: s.username.into(),
            display_name: s.display_name.into(),
            role: role_of(s),
        })
        .collect();
    Ok((cast, logins))
}

/// The head publishes the agency's inspection list (检查事项清单) on the year's first
/// working day, an item resting on a power not yet in force on the day the power comes into
/// force, each checked as `POST /inspection-items` checks it. Returns the item ids by the
/// code of the power they rest on.
fn publish_items(
    conn: &mut DbConn,
    agency_id: &str,
    head_id: &str,
    (powers, power_list): (&HashMap<String, String>, &[plan::PowerInfo]),
    start: plan::Moment,
) -> anyhow::Result<HashMap<String, String>> {
    use crate::inspection_items::model::{
        CreateInspectionItemRequest, InspectionMethod, NewInspectionItem, check_power,
    };
    use crate::inspection_items::store;
    let mut items = HashMap::new();
    for spec in &xuefu::INSPECTION_ITEMS {
        let power_id = powers
            .get(spec.power)
            .with_context(|| format!("{} was not imported", spec.power))?;
        let effective_from = power_list
            .iter()
            .find(|p| p.code == spec.power)
            .map(|p| p.effective_from)
            .with_context(|| format!("{} is not in the sample list", spec.power))?;
        let published_on = start.date.max(effective_from);
        let request = CreateInspectionItemRequest {
            code: spec.code.into(),
            name: spec.name.into(),
            power_id: power_id.clone(),
            standard: spec.standard.into(),
            method: InspectionMethod::OnSite,
            yearly_cap: Some(i64::from(spec.yearly_cap)),
            complaint_exempt: Some(true),
            random: None,
            published_on: Some(published_on),
        };
        let item = NewInspectionItem::parse(request, published_on)
            .map_err(|e| anyhow::anyhow!("demo inspection item {} is invalid: {e:?}", spec.code))?;
        let versions = store::power_versions_of(conn, agency_id, std::slice::from_ref(power_id))?;
        check_power(
            versions.get(power_id).map(Vec::as_slice).unwrap_or_default(),
            published_on,
        )
        .map_err(|e| load::refused(e, &format!("inspection item {}", spec.code)))?;
        let row = store::InspectionItemRow::new(agency_id, item, head_id, crate::clock::to_db(start.instant(0)));
        store::insert(conn, &row)?;
        items.insert(spec.power.to_string(), row.id);
    }
    Ok(items)
}

fn role_of(member: &StaffMember) -> String {
    match member.certificate {
        Some((number, expires, department)) => {
            format!(
                "officer, {} (执法证 {number}, valid to {expires})",
                DEPARTMENTS[department].source
            )
        }
        None => Roles::new(member.roles.iter().copied())
            .to_vec()
            .iter()
            .map(|r| match r {
                crate::auth::Role::Supervisor => "supervisor (负责人: approves filings, decides)",
                crate::auth::Role::LegalCounsel => "legal_counsel (法制审核)",
                crate::auth::Role::Admin => "admin",
                crate::auth::Role::Officer => "officer",
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A staff member as `POST /users` would create them, checked by the same rules.
fn user_row(member: &StaffMember, agency_id: &str, now: chrono::NaiveDateTime) -> anyhow::Result<UserRow> {
    let certificate_expires_on = member
        .certificate
        .map(|(_, expires, _)| expires.parse::<NaiveDate>())
        .transpose()
        .context("a certificate's expiry")?;
    let profile = UserProfile {
        username: member.username.into(),
        display_name: member.display_name.into(),
        roles: Roles::new(member.roles.iter().copied()),
        certificate_no: member.certificate.map(|c| c.0.to_string()),
        certificate_expires_on,
        enforcement_field: member.certificate.map(|c| DEPARTMENTS[c.2].source.to_string()),
        legal_qualification: member.legal_qualification.map(str::to_string),
    };
    profile
        .validate()
        .map_err(|e| anyhow::anyhow!("demo user {} is invalid: {e:?}", member.username))?;
    crate::users::model::check_new_password(xuefu::DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let password_hash = crate::auth::password::hash_password(xuefu::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    Ok(UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.into(),
        username: profile.username,
        display_name: profile.display_name,
        password_hash,
        roles: profile.roles.to_db(),
        active: true,
        certificate_no: profile.certificate_no,
        certificate_expires_on: profile.certificate_expires_on,
        enforcement_field: profile.enforcement_field,
        legal_qualification: profile.legal_qualification,
        created_at: now,
        updated_at: now,
    })
}
