//! The `enforcement` binary: parse the command line, set up logging, run a subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use enforcement::app::Application;
use enforcement::backup::{BackupArgs, RestoreArgs};
use enforcement::cli::{self, InitArgs, LoadSamplePowersArgs, StatsArgs};
use enforcement::config::Settings;
use enforcement::demo::{self, DemoArgs, ServeDemo};
use enforcement::powers::model::ImportOutcome;

#[derive(Parser)]
#[command(
    name = "enforcement",
    version,
    about = "Administrative-enforcement case service (街道办事处行政执法)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Default, clap::Args)]
struct ServeArgs {
    /// On a database without any agency, first load the xuefu-2024 demo (学府街道办事处's
    /// 2024) and print its logins; on any other database just serve.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve(ServeArgs),
    /// Apply database migrations and seed reference data, then exit.
    Migrate,
    /// Create an agency and its first admin; the password is read from stdin.
    Init(InitArgs),
    /// Print the OpenAPI document (api-spec/openapi.yaml).
    Openapi,
    /// Load the sample power list of a street office (over 100 powers) into an agency; running it again changes nothing.
    LoadSamplePowers(LoadSamplePowersArgs),
    /// Load a demo data set: a realistic year of a street office, created through the service's own rules.
    Demo(DemoArgs),
    /// Re-hash every stored evidence file against the hash recorded on upload; fails when any is damaged or missing.
    VerifyEvidence,
    /// Print the statistics report of a period (the report's paragraph, CSV or XLSX), as GET /stats/report.
    Stats(StatsArgs),
    /// Check every case record against a signed checkpoint (a saved copy or the stored ones): fails when a record no longer extends what was signed.
    VerifyRecord(enforcement::checkpoints::verify::VerifyRecordArgs),
    /// Copy the database (consistently, while the service runs) and its evidence files into a new directory.
    Backup(BackupArgs),
    /// Restore a backup into an empty database and data directory, then verify every record and evidence file.
    Restore(RestoreArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    enforcement::telemetry::init("info");
    match run(cli.command.unwrap_or(Command::Serve(ServeArgs::default()))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    if let Command::Openapi = command {
        print!("{}", enforcement::openapi::yaml()?);
        return Ok(());
    }
    let settings = Settings::from_env()?;
    match command {
        Command::Serve(args) => {
            if args.demo {
                serve_demo(&settings)?;
            }
            serve(settings)
        }
        Command::Demo(args) => match args.profile {
            demo::Profile::Xuefu2024 => {
                let report = demo::run(&settings, &args)?;
                print!("{report}");
                Ok(())
            }
            demo::Profile::Scale => enforcement::scale::run(&settings, args.cases).map(|_| ()),
        },
        Command::Migrate => cli::migrate(&settings),
        Command::Init(args) => {
            let password = cli::read_password_from_stdin()?;
            let done = cli::init(&settings, &args, &password)?;
            println!("agency {} created with admin {}", done.agency_id, done.admin_id);
            Ok(())
        }
        Command::Openapi => Ok(()),
        Command::VerifyEvidence => cli::verify_evidence(&settings).map(|_| ()),
        Command::Stats(args) => cli::stats(&settings, &args),
        Command::VerifyRecord(args) => {
            let report = enforcement::checkpoints::verify::run(&settings, &args)?;
            for failure in &report.failures {
                println!("FAILED {failure}");
            }
            println!(
                "{} checkpoint(s) checked; {} of {} records extend what was signed; {} failure(s)",
                report.checkpoints,
                report.records_extending,
                report.records_checked,
                report.failures.len()
            );
            if !report.passed() {
                anyhow::bail!("the record does not verify against the checkpoint");
            }
            Ok(())
        }
        Command::Backup(args) => {
            let manifest = enforcement::backup::backup(&settings, &args)?;
            println!(
                "backup written to {}: {} database ({}), {} cases, {} record events, {} evidence files ({} bytes)",
                args.output.display(),
                manifest.backend,
                manifest.database,
                manifest.cases,
                manifest.events,
                manifest.evidence_files,
                manifest.evidence_bytes
            );
            Ok(())
        }
        Command::Restore(args) => {
            let restored = enforcement::backup::restore(&settings, &args)?;
            println!(
                "restored {} cases: {} records verify, {} do not; {} evidence files intact, {} damaged or missing",
                restored.cases,
                restored.records_valid,
                restored.records_broken.len(),
                restored.evidence.intact,
                restored.evidence.damaged.len()
            );
            for (case_id, seq) in &restored.records_broken {
                println!("BROKEN RECORD {case_id} (first bad event {seq:?})");
            }
            for damaged in &restored.evidence.damaged {
                println!("DAMAGED EVIDENCE {}", damaged.content.sha256);
            }
            if !restored.records_broken.is_empty() || !restored.evidence.all_intact() {
                anyhow::bail!("the restored data does not verify");
            }
            Ok(())
        }
        Command::LoadSamplePowers(args) => {
            let run = cli::load_sample_powers(&settings, &args)?;
            let count = |outcome| run.rows.iter().filter(|r| r.action.outcome == outcome).count();
            println!(
                "sample power list loaded into {}: {} rows, {} created, {} new versions, {} end dates changed, {} unchanged",
                args.agency_code.trim(),
                run.rows_read,
                count(ImportOutcome::Created),
                count(ImportOutcome::NewVersion),
                count(ImportOutcome::EffectiveToChanged),
                count(ImportOutcome::Unchanged),
            );
            Ok(())
        }
    }
}

/// `serve --demo`: the demo loaded into an empty database, its logins printed once.
fn serve_demo(settings: &Settings) -> anyhow::Result<()> {
    match demo::load_if_empty(settings)? {
        ServeDemo::Loaded(report) => print!("{report}"),
        ServeDemo::NotEmpty { agencies } => eprintln!(
            "--demo: the database already holds {agencies} agenc{}; serving it as it is (the demo loads only into an empty database)",
            if agencies == 1 { "y" } else { "ies" }
        ),
    }
    Ok(())
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(settings = ?settings, "starting");
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings)?;
        tracing::info!(port = app.port(), "listening");
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}
