//! The commands, and what they share: loading an estate, errors, exit codes.

mod analyze;
mod check;
mod convert;
mod diagram;
mod diff;
mod explain;
mod export;
mod generate;
mod import;
mod init;
mod plan;
mod report;
mod rollup;
mod rules;
mod schema;
pub mod scorecard;
mod serve;
mod simulate;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use riskfirst_model::fs::ReadError;
use riskfirst_model::{Date, Estate, Options};
use riskfirst_rules::Analysis;

use crate::cli::{Command, EstateArgs, RulesAction};
use crate::{demo, output};

/// An error that stops a command (exit code 2, or 3 for riskfirst's own fault), as opposed
/// to findings (exit code 1).
#[derive(Debug)]
pub enum CliError {
    Read(ReadError),
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    Output(std::io::Error),
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// A fault of riskfirst itself on valid input (exit code 3): it asks for a report.
    Internal(String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Read(ReadError::Io { path, source })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                write!(
                    f,
                    "cannot read the estate: {} does not exist",
                    path.display()
                )
            }
            CliError::Read(e) => write!(f, "cannot read the estate: {e}"),
            CliError::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            CliError::Output(e) => write!(f, "cannot write output: {e}"),
            CliError::Usage { message, .. } => f.write_str(message),
            CliError::Internal(message) => f.write_str(message),
        }
    }
}

impl CliError {
    /// The exit code: 3 for a fault of riskfirst, 2 for every other error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Internal(_) => ExitCode::from(3),
            _ => ExitCode::from(2),
        }
    }

    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            CliError::Read(ReadError::NoRoot(_)) => Some(
                "run `riskfirst init` to write an estate here, pass the directory that holds riskfirst.yaml, or try `riskfirst analyze --demo`"
                    .into(),
            ),
            CliError::Read(ReadError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Some(
                    "check the path: it names a directory holding riskfirst.yaml, or a file of the estate; `riskfirst init DIR` writes a new estate, `--demo` uses the demo"
                        .into(),
                )
            }
            CliError::Read(e) => e.hint().map(str::to_string),
            CliError::Usage { hint, .. } => hint.clone(),
            CliError::Internal(_) => Some(
                "the estate is valid, so this is a fault of riskfirst: please report it with the estate's files"
                    .into(),
            ),
            _ => None,
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Output(e)
    }
}

impl From<ReadError> for CliError {
    fn from(e: ReadError) -> Self {
        CliError::Read(e)
    }
}

pub type CmdResult = Result<ExitCode, CliError>;

pub fn run(command: Command) -> CmdResult {
    match command {
        Command::Validate { estate, format } => validate::run(&estate, format),
        Command::Analyze {
            estate,
            format,
            seed,
            trials,
            by,
            team,
            system,
            min_level,
            top,
        } => analyze::run(
            &estate,
            &analyze::Options {
                format,
                seed,
                trials,
                by,
                team,
                filter: analyze::Filter {
                    system,
                    min_level,
                    top,
                },
            },
        ),
        Command::Simulate {
            scenarios,
            trials,
            seed,
            format,
        } => simulate::run(&scenarios, trials, seed, format),
        Command::Init { dir, force } => init::run(&dir, force),
        Command::Schema { output } => schema::schema(output),
        command @ Command::Diff { .. } => diff::run(command),
        command @ Command::Export { .. } => export::run(command),
        command @ Command::Report { .. } => report::run(command),
        command @ Command::Diagram { .. } => diagram::run(command),
        Command::Technologies => schema::technologies(),
        Command::Scorecard { provider } => scorecard::run(provider),
        Command::Import {
            from,
            file,
            out,
            force,
            report,
        } => import::run(&import::Args {
            from: &from,
            file: &file,
            out: &out,
            force,
            report,
        }),
        Command::Convert {
            estate,
            to,
            system,
            output,
        } => convert::run(&estate, &to, system.as_deref(), output.as_deref()),
        Command::Check {
            estate,
            fail_on,
            warn_days,
            format,
            trials,
            seed,
        } => check::run(
            &estate,
            &check::Options {
                fail_on,
                warn_days,
                format,
                trials,
                seed,
            },
        ),
        Command::Completions { shell } => {
            let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
            // Into a buffer first: `generate` panics when it cannot write, and
            // `riskfirst completions bash | head` must end quietly instead.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "riskfirst", &mut script);
            std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain {
            threat,
            estate,
            format,
        } => explain::run(&threat, &estate, format),
        Command::Rules {
            action: None,
            format,
            estate,
        } => rules::list(format, estate.as_deref()),
        Command::Rules {
            action: Some(RulesAction::Explain { code }),
            estate,
            ..
        } => rules::explain(&code, estate.as_deref()),
        Command::Generate {
            components,
            flows,
            seed,
            out,
            force,
        } => generate::run(components, flows, seed, &out, force),
        Command::Serve {
            database,
            listen,
            demo,
            tls,
            no_worker,
        } => serve::run(database, listen, demo, tls, !no_worker),
        Command::Plan {
            estate,
            budget,
            years,
            format,
        } => plan::run(&estate, budget, years, format),
    }
}

/// The day acceptances are judged against: `RISKFIRST_TODAY` (YYYY-MM-DD) when set, for reproducible runs, else the system clock.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Date::today(std::env::var("RISKFIRST_TODAY").ok().as_deref(), secs)
}

pub use riskfirst_assess::pipeline::{Opened, Prepared};

/// Reads, validates and analyses the estate the user named.
pub fn open(args: &EstateArgs) -> Result<Opened, CliError> {
    let options = Options {
        today: Some(today()),
        ..Options::default()
    };
    let sources = if args.demo {
        demo::sources()
    } else {
        riskfirst_model::fs::read_estate(&args.path, &options.limits)?
    };
    Ok(riskfirst_assess::pipeline::open(sources, &options))
}

/// Prints the diagnostics of opening the estate; returns it when it is valid.
pub fn open_or_report(args: &EstateArgs) -> Result<Result<Prepared, ExitCode>, CliError> {
    let outcome = open(args)?;
    output::print_diagnostics(&outcome.diagnostics, &outcome.sources)?;
    match outcome.prepared {
        Some(c) => Ok(Ok(c)),
        None => {
            use std::io::Write;
            let s = output::styles();
            let n = outcome.errors();
            writeln!(
                output::stderr(),
                "{} the estate has {n} error{}; fix {} and run again",
                s.error.paint("invalid:"),
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" },
            )?;
            Ok(Err(ExitCode::from(1)))
        }
    }
}

/// How every command assesses: the given trials and seed (else the estate's), judged today.
pub fn assess_config(trials: Option<u64>, seed: Option<u64>) -> riskfirst_assess::AssessConfig {
    riskfirst_assess::AssessConfig {
        trials,
        seed,
        today: Some(today()),
        ..riskfirst_assess::AssessConfig::default()
    }
}

/// The error for an id the estate does not have: `message`, then a "did you mean" and
/// every id there is (`plural` names them, such as "the teams").
pub fn unknown_id(message: String, id: &str, plural: &str, known: &[&str]) -> CliError {
    let all = format!("{plural} are: {}", known.join(", "));
    let hint = match riskfirst_model::diag::closest(id, known.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? {all}"),
        None => all,
    };
    CliError::Usage {
        message,
        hint: Some(hint),
    }
}

/// Assesses a checked estate, with a progress bar while it simulates on a terminal.
pub fn assess(
    checked: &Prepared,
    cfg: &riskfirst_assess::AssessConfig,
) -> Result<riskfirst_assess::Assessment, CliError> {
    assess_estate(&checked.estate, &checked.analysis, cfg)
}

/// [`assess`] for an estate and its analysis held apart (such as the two sides of a diff).
pub fn assess_estate(
    estate: &Estate,
    analysis: &Analysis,
    cfg: &riskfirst_assess::AssessConfig,
) -> Result<riskfirst_assess::Assessment, CliError> {
    let trials = riskfirst_assess::sim_config(estate, cfg).trials;
    let bar = crate::progress::Bar::new(&format!(
        "simulating {} years",
        crate::progress::thousands(trials)
    ));
    let update = |done: u64, total: u64| bar.update(done, total);
    let progress: Option<riskfirst_risk::sim::Progress<'_>> = bar.enabled().then_some(&update);
    let assessment = riskfirst_assess::assess(estate, analysis, cfg, progress);
    bar.finish();
    assessment.map_err(|e| {
        let message = format!("cannot assess the estate: {e}");
        // A user's setting can be changed; anything else is riskfirst's fault.
        if e.is_users() {
            CliError::Usage {
                message,
                hint: None,
            }
        } else {
            CliError::Internal(message)
        }
    })
}
