//! `riskfirst scorecard aws`: the evidence scan (`--evidence DIR`) and the two-minute
//! questionnaire. The checks, scores and questions are `riskfirst_aws`'s; this
//! module reads the evidence folder (with the estate's containment rules), asks the
//! questions on a terminal, and renders text, JSON or SARIF.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use riskfirst_aws::questionnaire::{self, QUESTIONS};
use riskfirst_aws::{InputFile, Scan, Scorecard};
use riskfirst_model::fs::{DirSource, Entry, ReadError, Source};
use riskfirst_report::sarif;

use super::{CliError, CmdResult};
use crate::output;

#[derive(Debug, clap::Subcommand)]
pub enum Provider {
    /// The AWS scorecard: a scan of offline evidence (`--evidence DIR`), or else the questionnaire.
    ///
    /// With --evidence, reads Terraform (`.tf`, plan JSON), CloudFormation, AWS Config
    /// snapshots, AWS CLI JSON and the IAM credential report (docs/aws.md), scores them
    /// the Security Hub way and by business risk, and exits 1 when a check fails.
    /// Without it, asks about twenty questions (or reads them from --answers).
    Aws(Args),
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A folder of offline evidence: Terraform, CloudFormation, AWS Config, AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,
    /// Answers to the questionnaire, instead of asking: YAML or JSON `answers: { question-id: answer-id }`.
    #[arg(long, value_name = "FILE", conflicts_with = "evidence")]
    pub answers: Option<PathBuf>,
    /// Output: a readable summary, JSON, or SARIF 2.1.0 (evidence scan only).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// An estate: recommendations then say what they are worth in its money.
    pub estate: Option<PathBuf>,
    /// Simulated years when an estate is given.
    #[arg(long, default_value_t = 20_000)]
    pub trials: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

pub fn run(provider: Provider) -> CmdResult {
    let Provider::Aws(args) = provider;
    match &args.evidence {
        Some(dir) => evidence(&args, dir),
        None => questionnaire(&args),
    }
}

fn usage(message: String, hint: &str) -> CliError {
    CliError::Usage {
        message,
        hint: Some(hint.into()),
    }
}

/// Reads an answers file: a missing, unreadable or oversized file is a usage error naming it.
fn read_answers(path: &Path) -> Result<BTreeMap<String, String>, CliError> {
    let hint =
        "--answers names a YAML or JSON file: `answers: { question-id: answer-id }` (docs/cli.md)";
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| usage(format!("cannot read the answers file {shown}: {e}"), hint))?;
    if !meta.is_file() {
        return Err(usage(
            format!("the answers file {shown} is not a regular file"),
            hint,
        ));
    }
    if meta.len() > questionnaire::MAX_ANSWERS_BYTES as u64 {
        return Err(usage(
            format!(
                "the answers file {shown} is larger than {} bytes",
                questionnaire::MAX_ANSWERS_BYTES
            ),
            hint,
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read the answers file {shown}: {e}"), hint))?;
    questionnaire::parse_answers(&shown, &text).map_err(|e| usage(e.to_string(), hint))
}

/// Asks every question: on a terminal with prompts and re-asking; from a pipe, one
/// line a question (a number, empty for the default, `b` back, `s` skip), where a line
/// that is none of these is an error naming it. Prompts go to standard error.
fn ask(
    input: &mut impl BufRead,
    prompts: &mut dyn Write,
    terminal: bool,
) -> Result<BTreeMap<String, String>, CliError> {
    let mut given: Vec<Option<&'static str>> = vec![None; QUESTIONS.len()];
    let (mut i, mut line_no) = (0usize, 0usize);
    let mut line = String::new();
    while i < QUESTIONS.len() {
        let q = &QUESTIONS[i];
        writeln!(prompts, "\n[{}/{}] {}", i + 1, QUESTIONS.len(), q.text)?;
        for (n, c) in q.choices.iter().enumerate() {
            let mark = if c.id == q.default { "  (default)" } else { "" };
            writeln!(prompts, "  {}. {}{mark}", n + 1, c.text)?;
        }
        write!(
            prompts,
            "answer (1-{}, Enter = default, b = back, s = skip): ",
            q.choices.len()
        )?;
        prompts.flush()?;
        line.clear();
        if input.read_line(&mut line)? == 0 {
            if line_no == 0 && !terminal {
                return Err(usage(
                    "no answers on standard input".into(),
                    "pipe one number a line, or pass --answers FILE",
                ));
            }
            break; // The rest take their defaults.
        }
        line_no += 1;
        match line.trim() {
            "" => {
                given[i] = Some(q.default);
                i += 1;
            }
            "s" => {
                given[i] = None;
                i += 1;
            }
            "b" => i = i.saturating_sub(1),
            t => match t.parse::<usize>().ok().and_then(|n| q.choices.get(n.wrapping_sub(1))) {
                Some(c) => {
                    given[i] = Some(c.id);
                    i += 1;
                }
                None if terminal => writeln!(prompts, "  `{t}` is not one of 1-{}", q.choices.len())?,
                None => {
                    return Err(usage(
                        format!(
                            "standard input line {line_no}: `{t}` is not an answer to `{}` (1-{}, empty, b or s)",
                            q.id,
                            q.choices.len()
                        ),
                        "pipe one number a line, or pass --answers FILE",
                    ))
                }
            },
        }
    }
    writeln!(prompts)?;
    Ok(QUESTIONS
        .iter()
        .zip(given)
        .filter_map(|(q, a)| a.map(|a| (q.id.to_string(), a.to_string())))
        .collect())
}

fn questionnaire(args: &Args) -> CmdResult {
    if args.format == Format::Sarif {
        return Err(usage(
            "SARIF is for the evidence scan; the questionnaire writes text or JSON".into(),
            "pass --format text or --format json, or --evidence DIR",
        ));
    }
    let given = match &args.answers {
        Some(path) => read_answers(path)?,
        None => {
            let stdin = std::io::stdin();
            // From a pipe the prompts would only clutter a script's log.
            let terminal = stdin.is_terminal();
            let (mut err, mut sink) = (output::stderr(), std::io::sink());
            let prompts: &mut dyn Write = if terminal { &mut err } else { &mut sink };
            ask(&mut stdin.lock(), prompts, terminal)?
        }
    };
    let result = questionnaire::score(&given);
    let stakes = match &args.estate {
        Some(path) => {
            let estate_args = crate::cli::EstateArgs {
                path: path.clone(),
                demo: false,
            };
            match super::open_or_report(&estate_args)? {
                Ok(prepared) => Some(estate_stakes(&prepared.estate, &result)),
                Err(code) => return Ok(code),
            }
        }
        None => None,
    };
    let mut out = output::stdout();
    match args.format {
        Format::Json => {
            let mut doc = serde_json::to_value(&result).unwrap_or_default();
            if let Some(obj) = doc.as_object_mut() {
                obj.insert("scorecard".into(), "aws-questionnaire".into());
            }
            if let (Some(stakes), Some(recs)) = (&stakes, doc["recommendations"].as_array_mut()) {
                for (rec, stake) in recs.iter_mut().zip(stakes) {
                    if let (Some(obj), Some(st)) = (rec.as_object_mut(), stake) {
                        obj.insert(
                            "estate_risk".into(),
                            serde_json::json!({"id": st.id, "title": st.title, "money_per_event": st.money, "currency": st.currency}),
                        );
                    }
                }
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )?;
        }
        _ => questionnaire_text(&mut out, &result, stakes.as_deref())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The estate's business risk a recommendation reduces, and its money at stake.
struct Stake {
    id: String,
    title: String,
    currency: String,
    /// The risk's typical loss per event (the geometric midpoint of its 90% range)
    /// times the share of the question's weight the answer loses.
    money: f64,
}

/// For each recommendation, the estate's business risk of its kind (its id or title
/// names the kind: `breach`, `outage`, `fraud`, ...), the one with the largest typical
/// loss when several match; `None` when none does.
fn estate_stakes(
    estate: &riskfirst_model::estate::Estate,
    result: &questionnaire::Result,
) -> Vec<Option<Stake>> {
    let currency = estate.organisation.currency.value.clone();
    result
        .recommendations
        .iter()
        .map(|rec| {
            let lost_share = questionnaire::question(rec.question)
                .and_then(|q| q.choice(rec.answer))
                .map_or(1.0, |c| 1.0 - f64::from(c.credit) / 100.0);
            estate
                .business_risks
                .iter()
                .filter(|r| {
                    let text = format!("{} {}", r.id, r.title).to_lowercase();
                    rec.risk.words().iter().any(|w| text.contains(w))
                })
                .map(|r| {
                    let range = r.loss_per_event.value;
                    (r, (range.low.max(0.0) * range.high.max(0.0)).sqrt())
                })
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(r, typical)| Stake {
                    id: r.id.to_string(),
                    title: r.title.clone(),
                    currency: currency.clone(),
                    money: (typical * lost_share).round(),
                })
        })
        .collect()
}

fn questionnaire_text(
    out: &mut impl Write,
    r: &questionnaire::Result,
    stakes: Option<&[Option<Stake>]>,
) -> std::io::Result<()> {
    let s = output::styles();
    writeln!(
        out,
        "{} {} of 100, grade {}",
        s.emphasis.paint("AWS questionnaire:"),
        r.score,
        r.grade
    )?;
    let drivers: Vec<String> = r
        .lost_by_risk
        .iter()
        .filter(|(_, v)| **v > 0.0)
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    if !drivers.is_empty() {
        writeln!(
            out,
            "  points lost by business risk: {}",
            drivers.join(", ")
        )?;
    }
    if !r.defaulted.is_empty() {
        writeln!(
            out,
            "  {} questions not answered took their default: {}",
            r.defaulted.len(),
            r.defaulted.join(", ")
        )?;
    }
    if r.recommendations.is_empty() {
        writeln!(out, "\nnothing to recommend: every answer is the best one")?;
        return Ok(());
    }
    writeln!(out, "\ntop {} recommendations:", r.recommendations.len())?;
    for (n, rec) in r.recommendations.iter().enumerate() {
        writeln!(out, "  {}. {} (+{} points)", n + 1, rec.fix, rec.points)?;
        writeln!(
            out,
            "     {} ({}; answered `{}`), reduces {}",
            control_ids_all(rec.fsbp, rec.cis),
            rec.question,
            rec.answer,
            rec.risk.as_str()
        )?;
        match stakes.and_then(|s| s.get(n)) {
            Some(Some(st)) => writeln!(
                out,
                "     in the estate: {} ({}), about {} a loss event",
                st.id,
                st.title,
                riskfirst_assess::money(st.money, &st.currency)
            )?,
            Some(None) => writeln!(out, "     in the estate: no business risk of this kind")?,
            None => {}
        }
    }
    if stakes.is_some() {
        writeln!(
            out,
            "\nmoney: the business risk's typical loss per event (the geometric midpoint of its \
             loss_per_event range) times the share of the question's weight the answer loses"
        )?;
    }
    Ok(())
}

/// Several FSBP controls and CIS recommendations: `FSBP IAM.9, IAM.6; CIS 1.5`.
fn control_ids_all(fsbp: &[&str], cis: &[&str]) -> String {
    let mut parts = Vec::new();
    if !fsbp.is_empty() {
        parts.push(format!("FSBP {}", fsbp.join(", ")));
    }
    if !cis.is_empty() {
        parts.push(format!("CIS {}", cis.join(", ")));
    }
    parts.join("; ")
}

/// Extensions of the files an evidence folder may hold; others (READMEs, scripts) are not read.
const EVIDENCE_EXTENSIONS: &[&str] = &["tf", "json", "csv", "yaml", "yml", "template"];
/// The most files, and the deepest folder, of an evidence folder.
const MAX_FILES: usize = 100_000;
const MAX_DEPTH: usize = 32;

/// Every evidence file under `dir`, sorted by path, as (path shown to the user, bytes).
///
/// The containment rules of an estate apply: paths stay inside `dir` after links are
/// followed, only regular files are read, at most the size limit plus one byte.
pub fn read_evidence(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let source = DirSource::new(dir)?;
    if source.entry("")? != Entry::Dir {
        return Err(CliError::Usage {
            message: format!("{} is not a folder", dir.display()),
            hint: Some("--evidence names a folder of exports (docs/aws.md: the layout)".into()),
        });
    }
    let mut files = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![(String::new(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        if let Some(key) = source.dir_key(&d)? {
            if !seen.insert(key) {
                return Err(ReadError::Loop {
                    path: source.shown(&d),
                }
                .into());
            }
        }
        if depth > MAX_DEPTH {
            return Err(ReadError::TooMany {
                path: source.shown(&d),
                limit: MAX_DEPTH,
                what: "levels of folders",
            }
            .into());
        }
        let mut names = source.list(&d)?;
        names.sort();
        for name in names {
            // Hidden files and folders (`.terraform/` holds provider schemas) are not evidence.
            if name.starts_with('.') {
                continue;
            }
            let path = if d.is_empty() {
                name.clone()
            } else {
                format!("{d}/{name}")
            };
            let wanted = Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EVIDENCE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            match source.entry(&path)? {
                Entry::Dir => stack.push((path, depth + 1)),
                Entry::File if wanted => {
                    let bytes = source.read(&path, riskfirst_aws::MAX_FILE_BYTES)?;
                    if bytes.len() > riskfirst_aws::MAX_FILE_BYTES {
                        return Err(ReadError::TooLarge {
                            path: source.shown(&path),
                            limit: riskfirst_aws::MAX_FILE_BYTES,
                        }
                        .into());
                    }
                    files.push((shown(&source.shown(&path)), bytes));
                }
                Entry::Special(what) if wanted => {
                    return Err(ReadError::NotRegular {
                        path: source.shown(&path),
                        what,
                    }
                    .into())
                }
                _ => {}
            }
            if files.len() > MAX_FILES {
                return Err(ReadError::TooMany {
                    path: source.shown(""),
                    limit: MAX_FILES,
                    what: "files",
                }
                .into());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A path as SARIF and the text show it: `/`-separated, no leading `./`.
fn shown(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Reads and scans an evidence folder.
pub fn scan_dir(dir: &Path) -> Result<Scan, CliError> {
    // The containment errors speak of an estate; here the folder is evidence.
    let files = read_evidence(dir).map_err(|e| match e {
        CliError::Read(r) => CliError::Usage {
            message: format!(
                "cannot read the evidence: {}",
                r.to_string()
                    .replace("the estate root", "the evidence folder")
            ),
            hint: Some(
                "--evidence names a folder of exports; links must stay inside it (docs/aws.md)"
                    .into(),
            ),
        },
        other => other,
    })?;
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(p, b)| InputFile { path: p, bytes: b })
        .collect();
    Ok(riskfirst_aws::scan(&inputs))
}

fn evidence(args: &Args, dir: &Path) -> CmdResult {
    let scan = scan_dir(dir)?;
    let card = riskfirst_aws::scorecard(&scan);
    let mut err = output::stderr();
    let s = output::styles();
    for e in &scan.errors {
        writeln!(
            err,
            "{} {e}\n  = hint: {}",
            s.warning.paint("warning:"),
            e.hint()
        )?;
    }
    let mut out = output::stdout();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "scorecard": "aws",
                "files": scan.read.iter().map(|(p, k)| serde_json::json!({"path": p, "kind": k})).collect::<Vec<_>>(),
                "errors": scan.errors.iter().map(|e| serde_json::json!({"file": e.file(), "message": e.to_string(), "hint": e.hint()})).collect::<Vec<_>>(),
                "security_hub_score": card.security_hub_score,
                "risk_weighted_score": card.risk_weighted_score,
                "controls_evaluated": card.controls_evaluated,
                "controls_passed": card.controls_passed,
                "resources": card.resources,
                "findings": card.findings,
                "controls": card.controls,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )?;
        }
        Format::Sarif => {
            let log = sarif_log(&card);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&log).unwrap_or_default()
            )?;
        }
        Format::Text => text(&mut out, dir, &scan, &card)?,
    }
    Ok(if card.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.0}%"))
}

/// The controls a check is keyed to, as a reader looks them up: `FSBP RDS.2, CIS 2.2.3`.
pub fn control_ids(fsbp: Option<&str>, cis: &[&str]) -> String {
    let mut ids: Vec<String> = fsbp.map(|f| format!("FSBP {f}")).into_iter().collect();
    ids.extend(cis.iter().map(|c| format!("CIS {c}")));
    if ids.is_empty() {
        "no CIS or FSBP control".into()
    } else {
        ids.join(", ")
    }
}

fn text(out: &mut impl Write, dir: &Path, scan: &Scan, card: &Scorecard) -> std::io::Result<()> {
    let s = output::styles();
    writeln!(
        out,
        "{} {} files read from {}, {} resources",
        s.emphasis.paint("AWS scorecard:"),
        scan.read.len(),
        dir.display(),
        card.resources
    )?;
    writeln!(
        out,
        "  Security Hub score   {:>4}  ({} of {} controls evaluated passed)",
        pct(card.security_hub_score),
        card.controls_passed,
        card.controls_evaluated
    )?;
    writeln!(
        out,
        "  risk-weighted score  {:>4}  (each control counted by the business risk of a failure)",
        pct(card.risk_weighted_score)
    )?;
    if card.findings.is_empty() {
        writeln!(out, "\nno check failed")?;
        return Ok(());
    }
    writeln!(
        out,
        "\n{} findings, the riskiest first:",
        card.findings.len()
    )?;
    for f in &card.findings {
        writeln!(
            out,
            "  {:<8} {}  {} ({})",
            f.severity.as_str(),
            f.check,
            f.resource,
            control_ids(f.fsbp, f.cis)
        )?;
        writeln!(out, "           {}  {}", f.at, f.detail)?;
        writeln!(out, "           risk: {}", f.business_risk)?;
    }
    Ok(())
}

fn sarif_level(severity: riskfirst_aws::Severity) -> sarif::Level {
    match severity {
        riskfirst_aws::Severity::Critical | riskfirst_aws::Severity::High => sarif::Level::Error,
        riskfirst_aws::Severity::Medium => sarif::Level::Warning,
        riskfirst_aws::Severity::Low => sarif::Level::Note,
    }
}

/// The scan as SARIF: one rule per check that failed, one result per finding, located
/// at the IaC file and line (exports without lines point at the file).
fn sarif_log(card: &Scorecard) -> serde_json::Value {
    let mut rules: Vec<sarif::Rule> = Vec::new();
    for f in &card.findings {
        if rules.iter().any(|r| r.id == f.check) {
            continue;
        }
        let mut tags = vec![
            f.area.as_str().to_string(),
            format!("severity/{}", f.severity.as_str()),
        ];
        tags.extend(f.fsbp.map(|id| format!("fsbp/{id}")));
        tags.extend(f.cis.iter().map(|id| format!("cis-aws-4.0.1/{id}")));
        tags.extend(f.prowler.map(|id| format!("prowler/{id}")));
        rules.push(sarif::Rule {
            id: f.check.to_string(),
            name: f.check.to_string(),
            summary: f.title.to_string(),
            doc: Some(format!(
                "{}{}. Keyed to {}. Business risk of a failure: {} (weight {} of 10).",
                f.title.get(..1).unwrap_or_default().to_uppercase(),
                f.title.get(1..).unwrap_or_default(),
                control_ids(f.fsbp, f.cis),
                f.business_risk,
                f.weight
            )),
            tags,
            level: sarif_level(f.severity),
        });
    }
    let findings: Vec<sarif::Finding> = card
        .findings
        .iter()
        .map(|f| {
            // A plan's resources are `plan.json#address`: the file is what code scanning opens.
            let file =
                f.at.file
                    .split('#')
                    .next()
                    .unwrap_or(&f.at.file)
                    .to_string();
            sarif::Finding {
                rule_id: f.check.to_string(),
                level: sarif_level(f.severity),
                message: format!("{}: {} ({})", f.resource, f.detail, f.title),
                location: Some(sarif::Location {
                    uri: file,
                    line: f.at.line.unwrap_or(1),
                    column: 1,
                }),
                fingerprint: format!("{}@{}", f.check, f.resource),
            }
        })
        .collect();
    sarif::render(
        &sarif::Tool {
            version: env!("CARGO_PKG_VERSION").to_string(),
            information_uri: None,
        },
        &rules,
        &findings,
    )
}
