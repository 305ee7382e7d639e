//! The `riskfirst` binary: parses the command line, runs a command, maps the outcome to an exit code.

mod cli;
mod cmd;
mod demo;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

// Loading and analysing an estate allocates many small strings; see docs/benchmarks.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    output::set_color(cli.color);
    match cmd::run(cli.command) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            e.exit_code()
        }
    }
}
