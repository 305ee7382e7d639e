//! `riskfirst report`.

use super::{CliError, CmdResult};
use crate::cli::Command;

pub fn run(_command: Command) -> CmdResult {
    Err(CliError::Usage {
        message: "`report` is not available in this build".into(),
        hint: None,
    })
}
