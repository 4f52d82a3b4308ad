//! The `enforcement` binary: parse the command line, set up logging, run a subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use enforcement::app::Application;
use enforcement::cli::{self, InitArgs, LoadSamplePowersArgs};
use enforcement::config::Settings;
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

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Apply database migrations and seed reference data, then exit.
    Migrate,
    /// Create an agency and its first admin; the password is read from stdin.
    Init(InitArgs),
    /// Print the OpenAPI document (api-spec/openapi.yaml).
    Openapi,
    /// Load the sample power list of a street office (over 100 powers) into an agency; running it again changes nothing.
    LoadSamplePowers(LoadSamplePowersArgs),
    /// Re-hash every stored evidence file against the hash recorded on upload; fails when any is damaged or missing.
    VerifyEvidence,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    enforcement::telemetry::init("info");
    match run(cli.command.unwrap_or(Command::Serve)) {
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
        Command::Serve => serve(settings),
        Command::Migrate => cli::migrate(&settings),
        Command::Init(args) => {
            let password = cli::read_password_from_stdin()?;
            let done = cli::init(&settings, &args, &password)?;
            println!("agency {} created with admin {}", done.agency_id, done.admin_id);
            Ok(())
        }
        Command::Openapi => Ok(()),
        Command::VerifyEvidence => cli::verify_evidence(&settings).map(|_| ()),
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
