//! The command line: subcommands, flags and their help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Threat modelling that puts business risk first.
///
/// Describe your systems in YAML; riskfirst finds the threats (STRIDE), ties
/// each to the business risks you fear, says in money how much each matters,
/// and plans the controls that buy down the most risk per unit of cost.
///
/// Start with `riskfirst analyze --demo` to see the demo estate, or
/// `riskfirst init` to write your own.
///
/// Exit codes: 0 clean, 1 findings or an invalid model, 2 an error (such as
/// a file that cannot be read), 3 a fault of riskfirst (please report it).
#[derive(Debug, Parser)]
#[command(
    name = "riskfirst",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// When to use colour: auto uses it on a terminal only (and honours NO_COLOR).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Where the estate comes from.
#[derive(Debug, clap::Args)]
pub struct EstateArgs {
    /// The estate: a directory holding riskfirst.yaml, the root file, or one of its system files.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Use the embedded demo estate (Northwind Payments) instead of PATH.
    #[arg(long, conflicts_with = "path")]
    pub demo: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an estate and report every problem at once, with file:line:col and a hint.
    Validate {
        #[command(flatten)]
        estate: EstateArgs,
        /// Output format of the diagnostics.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Find the threats of an estate and state its risk (the main command).
    Analyze {
        #[command(flatten)]
        estate: EstateArgs,
        /// Output format: a readable summary, or the JSON contract of docs/json-output.md.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        /// Seed of the simulation (default: the estate's `risk.seed`, else 1).
        #[arg(long)]
        seed: Option<u64>,
        /// Simulated years (default: the estate's `risk.trials`, else 100,000).
        #[arg(long)]
        trials: Option<u64>,
        /// Print only the roll-up by team, system or business risk, as a table.
        #[arg(long, value_enum, value_name = "ROLLUP", conflicts_with = "team")]
        by: Option<RollupBy>,
        /// Print one team's view: its own and inherited risk, its threats, controls and acceptances.
        #[arg(long, value_name = "TEAM")]
        team: Option<String>,
        /// List only the threats of this system.
        #[arg(long, value_name = "SYSTEM", conflicts_with_all = ["by", "team"])]
        system: Option<String>,
        /// List only the threats at or above this risk level (such as `high`).
        #[arg(long, value_name = "LEVEL", conflicts_with_all = ["by", "team"])]
        min_level: Option<String>,
        /// List only the N threats with the largest expected annual loss, after the other filters.
        #[arg(long, value_name = "N", conflicts_with_all = ["by", "team"])]
        top: Option<usize>,
    },
    /// Explain one threat: the rule, the elements and the facts that raised it.
    Explain {
        /// The threat id, such as `I001@web@db` (or `system:I001@web@db` when several systems have it).
        threat: String,
        #[command(flatten)]
        estate: EstateArgs,
        /// Output format: text, or the explanation as JSON (an array, one per matching threat).
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// List the threat rules, or explain one.
    Rules {
        #[command(subcommand)]
        action: Option<RulesAction>,
        /// Output format of the list.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        /// Also list the custom rules of this estate.
        #[arg(long)]
        estate: Option<PathBuf>,
    },
    /// Write a small, valid, commented estate to start from.
    Init {
        /// Where to write it.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of the format (for editor completion; see docs/format.md),
    /// or with --output the schema of `analyze --format json` (docs/json-output.md).
    Schema {
        /// The schema of the assessment document instead of the format's.
        #[arg(long)]
        output: bool,
    },
    /// List the technologies and protocols riskfirst knows.
    Technologies,
    /// Write a synthetic estate of a given size, for benchmarks and load tests.
    Generate {
        /// Number of components.
        #[arg(long, default_value_t = 1000)]
        components: usize,
        /// Number of flows.
        #[arg(long, default_value_t = 2000)]
        flows: usize,
        /// Seed: the same seed gives the same estate.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directory to write to: created if missing, and it must be empty unless --force is given.
        #[arg(long)]
        out: PathBuf,
        /// Write into a non-empty directory, replacing the estate there (stale system files are removed).
        #[arg(long)]
        force: bool,
    },
    /// Simulate a plain portfolio of loss scenarios (JSON), to compare the engine with other tools.
    Simulate {
        /// The scenarios: `{"scenarios": [{"id", "freq", "low", "high"}, ...]}`.
        #[arg(long)]
        scenarios: PathBuf,
        /// Simulated years.
        #[arg(long, default_value_t = 100_000)]
        trials: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Run the web app: dashboards, editing by forms, triage and approvals, a JSON API.
    ///
    /// With no --database, a SQLite file `riskfirst.db` in the current directory is
    /// created and migrated on first start; `postgres://...` lets several instances
    /// share one database behind a load balancer. See docs/server.md.
    Serve {
        /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`.
        #[arg(long, value_name = "URL", default_value = "sqlite://riskfirst.db")]
        database: String,
        /// The address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: String,
        /// On an empty database, load the demo estate and its people, and print how to sign in.
        #[arg(long)]
        demo: bool,
        /// The site is served over TLS by a proxy in front: cookies get `Secure`.
        #[arg(long)]
        tls: bool,
        /// Do not run assessment jobs in this instance (another instance runs them).
        #[arg(long)]
        no_worker: bool,
    },
    /// Choose the controls that remove the most expected loss within a budget.
    Plan {
        #[command(flatten)]
        estate: EstateArgs,
        /// Money to spend (one-off plus yearly costs over the years), in the estate's currency:
        /// `200000`, `200_000`, `200k` or `1.5M`.
        #[arg(long, value_parser = amount, value_name = "AMOUNT")]
        budget: f64,
        /// Years over which to count yearly costs and the loss removed.
        #[arg(long, default_value_t = 3.0)]
        years: f64,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// The CI gate: exit 1 with one reason per line when risk is not under control, else 0.
    ///
    /// Fails when a risk appetite is breached, an open threat at or above
    /// --fail-on has no decision, an acceptance has expired, an item has no
    /// owner, or the model is invalid. Acceptances that expire within
    /// --warn-days are warnings. See docs/ci.md.
    Check {
        #[command(flatten)]
        estate: EstateArgs,
        /// Open threats at or above this risk level need a decision (default: the estate's `policy.fail_on`, else the second-highest level).
        #[arg(long)]
        fail_on: Option<String>,
        /// Warn about acceptances that expire within this many days (default: `policy.warn_days`, else 30).
        #[arg(long)]
        warn_days: Option<u32>,
        /// Output: reasons as text, SARIF 2.1.0 for code scanning, or JSON.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Simulated years (default: the estate's `risk.trials`); fewer make CI faster.
        #[arg(long)]
        trials: Option<u64>,
        /// Seed of the simulation (default: the estate's `risk.seed`, else 1).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Compare two versions of an estate: threats added, removed and changed, and the money.
    ///
    /// `riskfirst diff OLD NEW` compares two estates; `riskfirst diff --git REV [PATH]`
    /// compares the estate at a git revision with the working tree. Both sides are
    /// simulated with the same seed and trials. Exit 1 when --fail-above is exceeded.
    Diff {
        /// The old estate; with --git, the estate in the working tree (default `.`).
        old: Option<PathBuf>,
        /// The new estate, when comparing two paths.
        new: Option<PathBuf>,
        /// Compare the estate at this git revision (such as `main` or `HEAD~1`) with the working tree.
        #[arg(long, value_name = "REV", conflicts_with = "new")]
        git: Option<String>,
        /// Output: a readable summary, Markdown for a pull-request comment, or JSON.
        #[arg(long, default_value = "text", value_parser = ["text", "markdown", "json"])]
        format: String,
        /// Simulated years, the same on both sides (default: the new estate's `risk.trials`, else 100,000).
        #[arg(long)]
        trials: Option<u64>,
        /// Seed of the simulation, the same on both sides (default: the new estate's `risk.seed`, else 1).
        #[arg(long)]
        seed: Option<u64>,
        /// Exit 1 when the organisation's expected annual loss rises by more than this amount, or percentage (`10%`).
        #[arg(long, value_name = "AMOUNT")]
        fail_above: Option<String>,
    },
    /// Export remediation work as GitHub issues (JSON) or a Jira CSV.
    ///
    /// The items are the planned and in-progress controls, and the open threats
    /// recommended for mitigation; each has its owning team, due date, risk removed
    /// in money, a priority from the risk level and the threat ids it concerns.
    Export {
        #[command(flatten)]
        estate: EstateArgs,
        /// Format: issues for the GitHub REST API, or a CSV for Jira's importer.
        #[arg(long, value_name = "FORMAT", value_parser = ["github-issues", "jira-csv"])]
        to: String,
        /// Export only these items: `planned` keeps the planned and in-progress controls.
        #[arg(long, value_name = "WHAT", value_parser = ["planned"])]
        only: Option<String>,
        /// Simulated years (default: the estate's `risk.trials`, else 100,000).
        #[arg(long)]
        trials: Option<u64>,
        /// Seed of the simulation (default: the estate's `risk.seed`, else 1).
        #[arg(long)]
        seed: Option<u64>,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the report of an estate: one self-contained HTML file for a board and its engineers.
    ///
    /// HTML (inline CSS and SVG, no script, works offline and from email), Markdown
    /// for a wiki or pull request, the JSON contract, or a risk register (one row per
    /// threat) as CSV or XLSX.
    Report {
        #[command(flatten)]
        estate: EstateArgs,
        /// Format of the report.
        #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
        format: ReportFormat,
        /// Write to this file (default: `riskfirst-report.<ext>`; `-` for standard output, except XLSX).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the output file if it exists.
        #[arg(long)]
        force: bool,
        /// Simulated years (default: the estate's `risk.trials`, else 100,000).
        #[arg(long)]
        trials: Option<u64>,
        /// Seed of the simulation (default: the estate's `risk.seed`, else 1).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Draw the data-flow diagram of one system: zones, components, flows and their threats.
    Diagram {
        /// The system id, such as `checkout`.
        system: String,
        #[command(flatten)]
        estate: EstateArgs,
        /// SVG to view, DOT for Graphviz, or Mermaid for Markdown that renders it.
        #[arg(long, value_enum, default_value_t = DiagramFormat::Svg)]
        format: DiagramFormat,
        /// Simulated years used to mark threats by level (default: the estate's `risk.trials`, else 100,000, as `analyze`).
        #[arg(long)]
        trials: Option<u64>,
        /// Write to this file instead of standard output (only once the diagram is drawn).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Overwrite the -o file if it exists.
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Score a cloud account: `riskfirst scorecard aws [--evidence DIR] [ESTATE]`.
    Scorecard {
        #[command(subcommand)]
        provider: crate::cmd::scorecard::Provider,
    },
    /// Import a threat model of another tool into a new estate, and print what was mapped,
    /// guessed and not mapped.
    ///
    /// FORMAT is `auto` (detected from the file when that is unambiguous) or one of the
    /// formats of docs/interop.md, such as `otm`. The estate written validates and analyses;
    /// what riskfirst needs and the file lacks (owners, losses) is written as a placeholder
    /// that the report asks you to fill in.
    Import {
        /// The format of FILE: `auto`, or a format's name (`otm`, ...).
        #[arg(value_name = "FORMAT")]
        from: String,
        /// The file to import.
        file: PathBuf,
        /// Directory to write the estate to: created if missing, and it must be empty unless --force is given.
        #[arg(long)]
        out: PathBuf,
        /// Write into a non-empty directory, replacing the estate there (stale system files are removed).
        #[arg(long)]
        force: bool,
        /// Output of the import report: text, or JSON (docs/interop.md).
        #[arg(long = "format", value_enum, default_value_t = TextOrJson::Text)]
        report: TextOrJson,
    },
    /// Convert an estate into another tool's format (`--to otm`), to standard output or a file.
    ///
    /// `otm` and `threat-composer` write the whole estate; `threat-dragon` writes one system
    /// (`--system`), drawn by riskfirst's layout. Threat Composer and Threat Dragon carry the
    /// threats of the analysis, rule-found ones too, with riskfirst's level and money.
    Convert {
        #[command(flatten)]
        estate: EstateArgs,
        /// The format to write: `otm` (OTM 0.2 JSON, riskfirst's fields in `attributes`),
        /// `threat-composer` (.tc.json) or `threat-dragon` (Threat Dragon v2 JSON, one system).
        #[arg(long, value_name = "FORMAT")]
        to: String,
        /// The system to write, for formats that hold one system (`threat-dragon`).
        #[arg(long, value_name = "ID")]
        system: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RollupBy {
    Team,
    System,
    BusinessRisk,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Markdown,
    Json,
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    Svg,
    Dot,
    Mermaid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Sarif,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Print the documentation of one rule.
    Explain {
        /// The rule code, such as `I001`.
        code: String,
    },
}

/// An amount of money on the command line, written as in the files or as `200k`, `1.5M`.
fn amount(text: &str) -> Result<f64, String> {
    riskfirst_model::amount::parse_amount(text).map_err(|e| {
        format!(
            "{}\n  help: {}",
            e.problem,
            riskfirst_model::amount::AMOUNT_HINT
        )
    })
}
