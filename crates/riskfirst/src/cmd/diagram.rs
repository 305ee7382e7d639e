//! `riskfirst diagram`.

use super::{CliError, CmdResult};
use crate::cli::Command;

pub fn run(_command: Command) -> CmdResult {
    Err(CliError::Usage {
        message: "`diagram` is not available in this build".into(),
        hint: None,
    })
}
