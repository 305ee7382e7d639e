//! `riskfirst convert [PATH] --to FORMAT [--system ID]`: a valid estate in another tool's
//! format. Formats that carry riskfirst's threats (Threat Composer, Threat Dragon) get the
//! analysis and its money; Threat Dragon holds one system, drawn by riskfirst's layout.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_interop::{Area, Drawing, Export, FORMATS};
use riskfirst_model::{Estate, SystemIdx};
use riskfirst_report::diagram::{self, Marks};

use super::{open_or_report, CliError, CmdResult};
use crate::cli::EstateArgs;
use crate::output;

pub fn run(
    estate: &EstateArgs,
    to: &str,
    system: Option<&str>,
    out_path: Option<&std::path::Path>,
) -> CmdResult {
    let exporters: Vec<&str> = FORMATS
        .iter()
        .filter(|f| f.export.is_some())
        .map(|f| f.name)
        .collect();
    let Some(format) = riskfirst_interop::format(to).filter(|f| f.export.is_some()) else {
        return Err(super::unknown_id(
            format!("riskfirst cannot convert to `{to}`"),
            to,
            "the formats it writes",
            &exporters,
        ));
    };
    let export = format.export.expect("filtered on an exporter");
    if format.one_system && system.is_none() {
        return Err(CliError::Usage {
            message: format!("`--to {to}` writes one system: name it with `--system`"),
            hint: Some(format!("riskfirst convert --to {to} --system SYSTEM")),
        });
    }
    if !format.one_system && system.is_some() {
        return Err(CliError::Usage {
            message: format!(
                "`--to {to}` writes the whole estate: `--system` is for one-system formats"
            ),
            hint: None,
        });
    }
    let checked = match open_or_report(estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let est = &checked.estate;
    let idx = match system {
        Some(id) => match est.system(id) {
            Some(idx) => Some(idx),
            None => {
                let known: Vec<&str> = est.systems.iter().map(|s| s.id()).collect();
                return Err(super::unknown_id(
                    format!("there is no system `{id}` in the estate"),
                    id,
                    "the systems",
                    &known,
                ));
            }
        },
        None => None,
    };
    let (root, systems) = riskfirst_interop::files_of(est);
    let (found, drawing) = if format.analysed {
        let assessment = super::assess(&checked, &super::assess_config(None, None))?;
        let drawing = idx.map(|i| {
            let marks = Marks::new(est, &checked.analysis, &assessment);
            drawing_of(est, i, &marks)
        });
        (
            Some(riskfirst_interop::found(
                est,
                &checked.analysis,
                &assessment,
            )),
            drawing,
        )
    } else {
        (None, None)
    };
    let bytes = export(&Export {
        root: &root,
        systems: &systems,
        system,
        found: found.as_deref(),
        drawing: drawing.as_ref(),
    })
    .map_err(|e| CliError::Usage {
        message: format!("cannot convert the estate: {e}"),
        hint: None,
    })?;
    match out_path {
        Some(path) => std::fs::write(path, &bytes).map_err(|source| CliError::Write {
            path: path.to_path_buf(),
            source,
        })?,
        None => output::raw_stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// riskfirst's diagram layout of one system, with its zones, components and flows named as
/// the system's file names them.
fn drawing_of(estate: &Estate, system: SystemIdx, marks: &Marks) -> Drawing {
    let layout = diagram::layout(estate, system, marks);
    let area = |r: &diagram::Rect| Area {
        x: r.x,
        y: r.y,
        w: r.w,
        h: r.h,
    };
    let component_ref = |c: riskfirst_model::ComponentIdx| {
        let node = &estate[c];
        if node.system == system {
            node.id().to_string()
        } else {
            format!("{}/{}", estate[node.system].id(), node.id())
        }
    };
    Drawing {
        zones: layout
            .zones
            .iter()
            .map(|z| {
                let zone = &estate[z.zone];
                (
                    zone.id().to_string(),
                    zone.system.map(|s| estate[s].id().to_string()),
                    area(&z.rect),
                )
            })
            .collect(),
        nodes: layout
            .nodes
            .iter()
            .map(|n| (component_ref(n.component), area(&n.rect)))
            .collect(),
        edges: layout
            .edges
            .iter()
            .map(|e| {
                // The joints of the route's segments, where the line bends.
                let points = e
                    .path
                    .iter()
                    .take(e.path.len().saturating_sub(1))
                    .map(|seg| seg[3])
                    .collect();
                (estate[e.flow].raw.id.value.clone(), points)
            })
            .collect(),
    }
}
