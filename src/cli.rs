//! Subcommands other than `serve`: `migrate`, `init`, `load-sample-powers`, `verify-evidence`
//! (`demo` lives in `crate::demo`).

use std::io::BufRead;

use anyhow::{Context, bail};

use crate::agencies::store::{AgencyRow, check_agency_code};
use crate::app::prepare_database;
use crate::auth::password::hash_password;
use crate::auth::{Role, Roles};
use crate::clock;
use crate::config::Settings;
use crate::db::write_transaction;
use crate::users::model::{check_new_password, check_username, normalize_username};
use crate::users::store::UserRow;

#[derive(Debug, Clone, clap::Args)]
pub struct InitArgs {
    /// Full name of the agency, e.g. 学府街道办事处.
    #[arg(long)]
    pub agency_name: String,
    /// Short code used in public URLs, e.g. XF.
    #[arg(long)]
    pub agency_code: String,
    /// Prefix of case numbers, e.g. 学府 (学府罚〔2024〕第001号).
    #[arg(long)]
    pub case_prefix: String,
    /// Username of the first admin.
    #[arg(long)]
    pub admin_username: String,
    /// Display name of the first admin.
    #[arg(long, default_value = "系统管理员")]
    pub admin_display_name: String,
}

#[derive(Debug)]
pub struct Initialized {
    pub agency_id: String,
    pub admin_id: String,
}

/// Reads the first line of standard input as the password (no echo handling: pipe it).
pub fn read_password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Creates an agency and its first admin. Refuses an agency code that already exists.
pub fn init(settings: &Settings, args: &InitArgs, password: &str) -> anyhow::Result<Initialized> {
    let code = args.agency_code.trim().to_string();
    check_agency_code(&code).map_err(|e| anyhow::anyhow!("--agency-code {e}"))?;
    if args.agency_name.trim().is_empty() || args.case_prefix.trim().is_empty() {
        bail!("--agency-name and --case-prefix must not be blank");
    }
    let username = normalize_username(&args.admin_username);
    check_username(&username).map_err(|e| anyhow::anyhow!("--admin-username {e}"))?;
    check_new_password(password).map_err(|e| anyhow::anyhow!("the password {}", e.message))?;
    let password_hash = hash_password(password).map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;

    let pool = prepare_database(settings)?;
    let mut conn = pool.get()?;
    let now = clock::to_db(clock::now());
    let agency = AgencyRow {
        id: uuid::Uuid::now_v7().to_string(),
        code,
        name: args.agency_name.trim().to_string(),
        case_prefix: args.case_prefix.trim().to_string(),
        created_at: now,
    };
    let admin = UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency.id.clone(),
        username,
        display_name: args.admin_display_name.trim().to_string(),
        password_hash,
        roles: Roles::new([Role::Admin]).to_db(),
        active: true,
        certificate_no: None,
        certificate_expires_on: None,
        enforcement_field: None,
        legal_qualification: None,
        created_at: now,
        updated_at: now,
    };
    write_transaction(&mut conn, |conn| {
        if crate::agencies::store::find_by_code(conn, &agency.code)?.is_some() {
            bail!(
                "an agency with code {} already exists; init runs once per agency",
                agency.code
            );
        }
        if crate::users::store::username_taken(conn, &admin.username)? {
            bail!("the username {} is taken", admin.username);
        }
        crate::agencies::store::insert(conn, &agency)?;
        crate::users::store::insert(conn, &admin)?;
        Ok(())
    })?;
    tracing::info!(agency = %agency.code, admin = %admin.username, "agency initialised");
    Ok(Initialized {
        agency_id: agency.id,
        admin_id: admin.id,
    })
}

/// Applies migrations and seeds reference data, then exits.
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    prepare_database(settings)?;
    Ok(())
}

#[derive(Debug, Clone, clap::Args)]
pub struct LoadSamplePowersArgs {
    /// Code of the agency whose power list receives the sample, e.g. XF.
    #[arg(long)]
    pub agency_code: String,
}

/// Loads the sample power list of a street office (`reference/sample-powers.csv`, built
/// into the binary) into an agency's list through the same import as
/// `POST /powers/import`. Running it again changes nothing.
pub fn load_sample_powers(
    settings: &Settings,
    args: &LoadSamplePowersArgs,
) -> anyhow::Result<crate::powers::store::ImportRun> {
    let pool = prepare_database(settings)?;
    let mut conn = pool.get()?;
    let code = args.agency_code.trim();
    let agency = crate::agencies::store::find_by_code(&mut conn, code)?
        .ok_or_else(|| anyhow::anyhow!("no agency has the code {code}; create it with `enforcement init`"))?;
    let run = write_transaction(&mut conn, |conn| {
        import_sample_powers(conn, &agency.id, clock::today(), clock::now())
    })?;
    tracing::info!(agency = %agency.code, rows = run.rows_read, "sample power list loaded");
    Ok(run)
}

/// The sample power list imported into an agency in the caller's transaction, as of
/// `today` (the date a row without `effective_from` takes) and `now`; an error listing
/// every problem when a row does not import. Shared by `load-sample-powers` and the demo.
pub(crate) fn import_sample_powers(
    conn: &mut crate::db::DbConn,
    agency_id: &str,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<crate::powers::store::ImportRun> {
    use crate::powers::import::{ImportFormat, SAMPLE_POWERS_CSV};
    use crate::powers::store::{ChangeContext, import_file};

    let context = ChangeContext {
        by: None,
        note: Some("sample power list"),
        now: clock::to_db(now),
    };
    let run = import_file(
        conn,
        agency_id,
        ImportFormat::Csv,
        SAMPLE_POWERS_CSV.as_bytes(),
        true,
        today,
        context,
    )?;
    if !run.errors.is_empty() {
        let listed: Vec<String> = run
            .errors
            .iter()
            .map(|e| format!("row {} {}: {}", e.row, e.column.as_deref().unwrap_or("-"), e.reason))
            .collect();
        bail!("the sample power list was not loaded:\n{}", listed.join("\n"));
    }
    Ok(run)
}

/// Re-hashes every stored evidence file against the hash recorded on upload, drawing a
/// progress bar on stderr (a line per tenth when stderr is not a terminal). Prints what
/// it found; an error when any file is damaged or missing.
pub fn verify_evidence(settings: &Settings) -> anyhow::Result<crate::evidence::verify::Report> {
    use crate::evidence::storage::{BlobStore, LocalStore};
    let pool = prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let store = LocalStore::open_at(settings.evidence_dir())
        .with_context(|| format!("opening the evidence store {}", settings.evidence_dir().display()))?;
    eprintln!("verifying evidence in {}", store.describe());
    let mut bar = ProgressBar::new();
    let report = crate::evidence::verify::verify_all(&mut conn, &store, |p| bar.draw(p))?;
    bar.finish();
    println!(
        "{} files ({} evidence items, {} bytes): {} intact, {} damaged or missing, {} not referenced by any item",
        report.contents,
        report.items,
        report.bytes,
        report.intact,
        report.damaged.len(),
        report.unreferenced.len()
    );
    for damaged in &report.damaged {
        let items: Vec<String> = damaged
            .content
            .items
            .iter()
            .map(|(id, case_id)| format!("evidence {id} of case {case_id}"))
            .collect();
        match &damaged.found {
            None => println!("MISSING {} ({})", damaged.content.sha256, items.join(", ")),
            Some((hash, size)) => println!(
                "DAMAGED {}: now {size} bytes hashing to {hash} ({})",
                damaged.content.sha256,
                items.join(", ")
            ),
        }
    }
    for sha256 in &report.unreferenced {
        println!("UNREFERENCED {sha256}");
    }
    if !report.all_intact() {
        bail!(
            "{} evidence file(s) no longer match their recorded hash",
            report.damaged.len()
        );
    }
    Ok(report)
}

/// A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise
/// (a log or CI keeps a readable trace). `verify-evidence` and `demo` draw it.
pub(crate) struct ProgressBar {
    terminal: bool,
    last_tenth: Option<u64>,
    last_line: String,
    drawn: bool,
}

impl ProgressBar {
    pub(crate) fn new() -> Self {
        use std::io::IsTerminal;
        ProgressBar {
            terminal: std::io::stderr().is_terminal(),
            last_tenth: None,
            last_line: String::new(),
            drawn: false,
        }
    }

    fn draw(&mut self, p: crate::evidence::verify::Progress) {
        let permille = permille(p.bytes_done, p.bytes_total);
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let line = format!(
            "{:>5.1}% {:.1}/{:.1} MiB, {}/{} files",
            permille as f64 / 10.0,
            mib(p.bytes_done),
            mib(p.bytes_total),
            p.contents_done,
            p.contents_total
        );
        self.draw_line(permille, &line, p.contents_done == p.contents_total);
    }

    /// Progress counted in items: `done` of `total` `what` (e.g. "cases").
    pub(crate) fn draw_count(&mut self, done: u64, total: u64, what: &str) {
        let permille = permille(done, total);
        let line = format!("{:>5.1}% {done}/{total} {what}", permille as f64 / 10.0);
        self.draw_line(permille, &line, done == total);
    }

    /// Draws a line; off a terminal only at each new tenth and at the end (`last`), so
    /// the final line says everything is done.
    fn draw_line(&mut self, permille: u64, line: &str, last: bool) {
        const WIDTH: u64 = 30;
        if self.terminal {
            let filled = (permille * WIDTH / 1000) as usize;
            let bar = format!("{}{}", "#".repeat(filled), ".".repeat(WIDTH as usize - filled));
            eprint!("\r[{bar}] {line}");
            self.drawn = true;
        } else if (self.last_tenth != Some(permille / 100) || last) && self.last_line != line {
            self.last_tenth = Some(permille / 100);
            self.last_line = line.to_string();
            eprintln!("{line}");
        }
    }

    pub(crate) fn finish(&self) {
        if self.drawn {
            eprintln!();
        }
    }
}

/// `done` of `total` in thousandths, at most 1000 (an empty total is done).
fn permille(done: u64, total: u64) -> u64 {
    (done.saturating_mul(1000)).checked_div(total).unwrap_or(1000).min(1000)
}

#[derive(Debug, Clone, clap::Args)]
pub struct StatsArgs {
    /// A year, e.g. 2024.
    #[arg(long)]
    pub year: Option<String>,
    /// A quarter, e.g. 2024Q3.
    #[arg(long)]
    pub quarter: Option<String>,
    /// First day (with --to), YYYY-MM-DD.
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Last day (with --from), YYYY-MM-DD.
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    /// text (the report's paragraph), csv or xlsx.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// The agency's code; may be left out when the database holds one agency.
    #[arg(long)]
    pub agency_code: Option<String>,
    /// Write to this file instead of stdout (xlsx needs one).
    #[arg(long)]
    pub output: Option<std::path::PathBuf>,
}

/// `enforcement stats`: the same report as `GET /stats/report`, from the command line.
pub fn stats(settings: &Settings, args: &StatsArgs) -> anyhow::Result<()> {
    use crate::stats::api::{ReportFormat, render, report_data};
    use diesel::prelude::*;

    let format: ReportFormat = serde_json::from_value(serde_json::Value::String(args.format.trim().to_lowercase()))
        .map_err(|_| anyhow::anyhow!("--format is text, csv or xlsx, not {}", args.format))?;
    let period = crate::stats::model::Period::parse(args.year.as_deref(), args.quarter.as_deref(), args.from, args.to)
        .map_err(|e| anyhow::anyhow!("{}", e.to_problem().detail))?;
    if matches!(format, ReportFormat::Xlsx) && args.output.is_none() {
        bail!("--format xlsx writes a workbook: give --output FILE.xlsx");
    }
    let pool = prepare_database(settings)?;
    let mut conn = pool.get().context("getting a database connection")?;
    let agency_id = match &args.agency_code {
        Some(code) => {
            crate::agencies::store::find_by_code(&mut conn, code.trim())?
                .ok_or_else(|| anyhow::anyhow!("no agency has the code {}", code.trim()))?
                .id
        }
        None => {
            let ids: Vec<String> = crate::db::schema::agencies::table
                .select(crate::db::schema::agencies::id)
                .limit(2)
                .load(&mut conn)?;
            match ids.as_slice() {
                [only] => only.clone(),
                [] => bail!("the database holds no agency; create one with `enforcement init`"),
                _ => bail!("the database holds several agencies: give --agency-code"),
            }
        }
    };
    let (summary, breakdowns) = report_data(&mut conn, &agency_id, period, clock::today())?;
    let rendered = render(format, &summary, &breakdowns)?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &rendered.bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), rendered.bytes.len());
        }
        None => {
            use std::io::Write as _;
            std::io::stdout().write_all(&rendered.bytes)?;
        }
    }
    Ok(())
}
