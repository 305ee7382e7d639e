//! The risk register: one row per threat, as CSV (RFC 4180) or an XLSX workbook.
//!
//! Both formats draw their rows from one table, [`COLUMNS`] and [`rows`], so a column
//! added here shows in both. The columns are documented in `docs/report-formats.md`.

use riskfirst_assess::{Action, Assessment, Losses, ThreatOut};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::ReportInput;

/// What a column holds, which decides how each format writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text from the model or the assessment.
    Text,
    /// A plain number (events a year).
    Number,
    /// An amount in the estate's currency.
    Money,
}

/// One column of the register.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The CSV header: snake_case, stable.
    pub key: &'static str,
    /// The XLSX header, for people.
    pub title: &'static str,
    pub kind: Kind,
    /// Width in the workbook, in characters.
    width: u16,
}

const fn col(key: &'static str, title: &'static str, kind: Kind, width: u16) -> Column {
    Column {
        key,
        title,
        kind,
        width,
    }
}

/// The register's columns, in order.
pub const COLUMNS: &[Column] = &[
    col("system", "System", Kind::Text, 16),
    col("threat_id", "Threat", Kind::Text, 30),
    col("title", "Title", Kind::Text, 48),
    col("rule", "Rule", Kind::Text, 8),
    col("rule_name", "Rule name", Kind::Text, 28),
    col("stride", "STRIDE", Kind::Text, 22),
    col("status", "Status", Kind::Text, 14),
    col("owner", "Owner (team)", Kind::Text, 14),
    col("level", "Level", Kind::Text, 10),
    col("likelihood", "Likelihood", Kind::Text, 14),
    col("impact", "Impact", Kind::Text, 12),
    col("events_per_year", "Events a year", Kind::Number, 12),
    col("loss_removed", "Closing it removes a year", Kind::Money, 16),
    col("loss_removed_alone", "Closing it alone", Kind::Money, 16),
    col("inherent_loss_removed", "Without controls", Kind::Money, 16),
    col(
        "projected_loss_removed",
        "With planned controls",
        Kind::Money,
        16,
    ),
    col("business_risks", "Business risks", Kind::Text, 28),
    col("recommendation", "Recommendation", Kind::Text, 14),
    col("recommendation_reason", "Why", Kind::Text, 60),
    col("controls", "Controls", Kind::Text, 28),
    col("decision_justification", "Justification", Kind::Text, 40),
    col("decision_approved_by", "Approved by", Kind::Text, 22),
    col("decision_expires", "Expires", Kind::Text, 12),
    col("decision_expired", "Expired", Kind::Text, 8),
    col("elements", "Elements", Kind::Text, 36),
];

/// One cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// No value: a threat that does not count has no money.
    Empty,
}

/// The kebab-case name serde gives an enumeration value (`not-applicable`).
fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn action(a: Action) -> &'static str {
    match a {
        Action::Mitigate => "mitigate",
        Action::Accept => "accept",
        Action::Review => "review",
        Action::Keep => "keep",
    }
}

fn money_cell<T>(losses: Option<&T>, pick: impl Fn(&T) -> f64) -> Cell {
    match losses.map(pick) {
        Some(v) if v.is_finite() => Cell::Number(v),
        _ => Cell::Empty,
    }
}

/// The cells of one threat, in the order of [`COLUMNS`].
fn row(t: &ThreatOut) -> Vec<Cell> {
    let text = |s: &str| Cell::Text(s.to_string());
    let loss = t.value.as_ref();
    let decision = t.decision.as_ref();
    let opt = |s: Option<&String>| Cell::Text(s.cloned().unwrap_or_default());
    vec![
        text(&t.system),
        text(&t.id),
        text(&t.title),
        text(&t.rule),
        text(&t.name),
        Cell::Text(t.stride.name().to_string()),
        Cell::Text(name_of(&t.status)),
        text(&t.owner),
        text(&t.level.level),
        text(&t.level.likelihood),
        text(&t.level.impact),
        if t.level.events_per_year.is_finite() {
            Cell::Number(t.level.events_per_year)
        } else {
            Cell::Empty
        },
        money_cell(loss, |v| v.current),
        money_cell(loss, |v| v.alone),
        money_cell(loss, |v| v.inherent),
        money_cell(loss, |v| v.projected),
        Cell::Text(t.business_risks.join("; ")),
        text(action(t.recommendation.action)),
        text(&t.recommendation.reason),
        Cell::Text(t.controls.join("; ")),
        opt(decision.and_then(|d| d.justification.as_ref())),
        opt(decision.and_then(|d| d.approved_by.as_ref())),
        opt(decision.and_then(|d| d.expires.as_ref())),
        Cell::Text(match decision {
            Some(d) if d.expires.is_some() => (if d.expired { "yes" } else { "no" }).into(),
            _ => String::new(),
        }),
        Cell::Text(t.elements.join("; ")),
    ]
}

/// Every row of the register: one per threat, in the assessment's order (system, then id).
pub fn rows(assessment: &Assessment) -> Vec<Vec<Cell>> {
    assessment.threats.iter().map(row).collect()
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

use crate::csv::{defuse, field};

/// The register as CSV: RFC 4180, a header row of [`Column::key`]s, UTF-8, CRLF line ends.
/// Money is a plain number in the estate's currency (Rust's shortest exact form, so it
/// reads back to the same `f64`); text cells are guarded against formula injection.
pub fn csv(input: &ReportInput) -> String {
    let mut out = String::new();
    for (i, c) in COLUMNS.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(c.key, &mut out);
    }
    out.push_str("\r\n");
    for cells in rows(input.assessment) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match cell {
                Cell::Text(s) => field(&defuse(s), &mut out),
                Cell::Number(v) => out.push_str(&format!("{v}")),
                Cell::Empty => {}
            }
        }
        out.push_str("\r\n");
    }
    out
}

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

/// The most characters Excel keeps in a cell.
const MAX_CELL: usize = 32_767;

/// Text cut to what a cell holds (on a character boundary), so a long description never
/// makes the whole workbook fail.
fn cell_text(text: &str) -> &str {
    if text.len() <= MAX_CELL {
        return text;
    }
    let mut end = MAX_CELL;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A number format showing whole amounts in the currency: `"€"#,##0` or `#,##0 "CHF"`.
fn currency_format(currency: &str) -> String {
    let symbol = match currency {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        _ => None,
    };
    match symbol {
        Some(s) => format!("\"{s}\"#,##0"),
        None => {
            // The code goes inside a quoted literal: keep letters only.
            let code: String = currency
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(8)
                .collect();
            format!("#,##0 \"{code}\"")
        }
    }
}

struct Styles {
    header: Format,
    money: Format,
    number: Format,
    ratio: Format,
}

fn header_row(sheet: &mut Worksheet, titles: &[(&str, u16)], s: &Styles) -> Result<(), XlsxError> {
    for (c, (title, width)) in titles.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *title, &s.header)?;
        sheet.set_column_width(c, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match (cell, format) {
        (Cell::Text(s), _) => {
            sheet.write_string(row, col, cell_text(s))?;
        }
        (Cell::Number(v), Some(f)) => {
            sheet.write_number_with_format(row, col, *v, f)?;
        }
        (Cell::Number(v), None) => {
            sheet.write_number(row, col, *v)?;
        }
        (Cell::Empty, _) => {}
    }
    Ok(())
}

fn register_sheet(sheet: &mut Worksheet, input: &ReportInput, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Register")?;
    let currency = &input.assessment.settings.currency;
    let titles: Vec<(String, u16)> = COLUMNS
        .iter()
        .map(|c| match c.kind {
            Kind::Money => (format!("{} ({currency})", c.title), c.width),
            _ => (c.title.to_string(), c.width),
        })
        .collect();
    let titles: Vec<(&str, u16)> = titles.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    header_row(sheet, &titles, s)?;
    let rows = rows(input.assessment);
    for (r, cells) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, (cell, column)) in cells.iter().zip(COLUMNS).enumerate() {
            let format = match column.kind {
                Kind::Money => Some(&s.money),
                Kind::Number => Some(&s.number),
                Kind::Text => None,
            };
            write_cell(sheet, r, c as u16, cell, format)?;
        }
    }
    let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.autofilter(0, 0, last_row, (COLUMNS.len() - 1) as u16)?;
    Ok(())
}

/// One row of the Summary sheet.
struct SummaryLine<'a> {
    scope: &'a str,
    id: &'a str,
    name: &'a str,
    owner: &'a str,
    level: &'a str,
    threats: usize,
    losses: &'a Losses,
}

fn summary_sheet(sheet: &mut Worksheet, input: &ReportInput, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    let a = input.assessment;
    let currency = &a.settings.currency;
    let money_titles = [
        "Inherent expected loss",
        "Inherent p90",
        "Current expected loss",
        "Current p90",
        "Projected expected loss",
        "Projected p90",
    ]
    .map(|t| format!("{t} ({currency})"));
    let mut titles: Vec<(&str, u16)> = vec![
        ("Scope", 14),
        ("Id", 22),
        ("Name", 36),
        ("Owner", 24),
        ("Level", 10),
        ("Threats", 9),
    ];
    titles.extend(money_titles.iter().map(|t| (t.as_str(), 18)));
    header_row(sheet, &titles, s)?;

    let mut lines = vec![SummaryLine {
        scope: "organisation",
        id: "",
        name: &a.organisation.name,
        owner: "",
        level: &a.organisation.level.level,
        threats: a.summary.threats,
        losses: &a.organisation.annual_loss,
    }];
    for r in &a.business_risks {
        lines.push(SummaryLine {
            scope: "business risk",
            id: &r.id,
            name: &r.title,
            owner: &r.owner,
            level: &r.level.level,
            threats: r.threats,
            losses: &r.annual_loss,
        });
    }
    for (scope, list) in [("system", &a.systems), ("team", &a.teams)] {
        for x in list {
            lines.push(SummaryLine {
                scope,
                id: &x.id,
                name: &x.name,
                owner: x.owner.as_deref().unwrap_or(""),
                level: &x.level.level,
                threats: x.threats,
                losses: &x.annual_loss,
            });
        }
    }
    for (i, line) in lines.into_iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        let texts = [line.scope, line.id, line.name, line.owner, line.level];
        for (c, text) in texts.into_iter().enumerate() {
            sheet.write_string(r, c as u16, cell_text(text))?;
        }
        sheet.write_number(r, 5, line.threats as f64)?;
        let losses = line.losses;
        let values = [
            losses.inherent.mean,
            losses.inherent.p90,
            losses.current.mean,
            losses.current.p90,
            losses.projected.mean,
            losses.projected.p90,
        ];
        for (k, v) in values.into_iter().enumerate() {
            write_cell(sheet, r, 6 + k as u16, &Cell::Number(v), Some(&s.money))?;
        }
    }
    Ok(())
}

fn controls_sheet(sheet: &mut Worksheet, input: &ReportInput, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Controls")?;
    let a = input.assessment;
    let currency = &a.settings.currency;
    let money = [
        "One-off cost",
        "Yearly cost",
        "Annual cost",
        "Loss removed a year",
    ]
    .map(|t| format!("{t} ({currency})"));
    let titles: Vec<(&str, u16)> = vec![
        ("Control", 26),
        ("System", 16),
        ("Title", 44),
        ("Owner (team)", 14),
        ("Status", 13),
        (&money[0], 16),
        (&money[1], 16),
        (&money[2], 16),
        (&money[3], 18),
        ("ROSI", 10),
        ("Due", 12),
        ("Threats", 9),
    ];
    header_row(sheet, &titles, s)?;
    for (i, c) in a.controls.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        let status = name_of(&c.status);
        let texts = [
            c.id.as_str(),
            c.system.as_deref().unwrap_or(""),
            c.title.as_str(),
            c.owner.as_str(),
            status.as_str(),
        ];
        for (k, text) in texts.into_iter().enumerate() {
            sheet.write_string(r, k as u16, cell_text(text))?;
        }
        for (k, v) in [c.cost_once, c.cost_yearly, c.annual_cost, c.loss_removed]
            .into_iter()
            .enumerate()
        {
            write_cell(sheet, r, 5 + k as u16, &Cell::Number(v), Some(&s.money))?;
        }
        if let Some(rosi) = c.rosi.filter(|x| x.is_finite()) {
            sheet.write_number_with_format(r, 9, rosi, &s.ratio)?;
        }
        if let Some(due) = &c.due {
            sheet.write_string(r, 10, cell_text(due))?;
        }
        sheet.write_number(r, 11, c.threats.len() as f64)?;
    }
    let last_row = u32::try_from(a.controls.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.autofilter(0, 0, last_row, 11)?;
    Ok(())
}

/// The creation date written into the workbook: `today`, so the same input gives the same
/// bytes (the library would otherwise stamp the current time).
fn creation(input: &ReportInput) -> Option<ExcelDateTime> {
    let text = input.today.to_string();
    let mut parts = text.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ExcelDateTime::from_ymd(
        u16::try_from(y).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(d).ok()?,
    )
    .ok()
}

fn workbook(input: &ReportInput) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let mut props = DocProperties::new()
        .set_title("Risk register")
        .set_company(cell_text(&input.assessment.organisation.name))
        .set_comment(&input.assessment.generator);
    if let Some(date) = creation(input) {
        props = props.set_creation_datetime(&date);
    }
    book.set_properties(&props);
    let styles = Styles {
        header: Format::new().set_bold(),
        money: Format::new().set_num_format(currency_format(&input.assessment.settings.currency)),
        number: Format::new().set_num_format("0.000"),
        ratio: Format::new().set_num_format("0.0%"),
    };
    register_sheet(book.add_worksheet(), input, &styles)?;
    summary_sheet(book.add_worksheet(), input, &styles)?;
    controls_sheet(book.add_worksheet(), input, &styles)?;
    book.save_to_buffer()
}

/// The register as an XLSX workbook: sheets "Register" (one row per threat, the columns
/// of [`COLUMNS`]), "Summary" (organisation, business risks, systems and teams: mean and
/// p90 at each stage) and "Controls" (cost, loss removed, ROSI, due date). Text is stored
/// as text cells, never as formulas. The same input gives the same bytes.
pub fn xlsx(input: &ReportInput) -> Result<Vec<u8>, String> {
    workbook(input).map_err(|e| format!("cannot write the workbook: {e}"))
}
