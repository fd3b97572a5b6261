use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = squall::cli::Cli::parse();
    match squall::launch::run(cli) {
        Ok(code) => code,
        Err(report) => {
            // Plain text: the message names the fix; a backtrace would only hide it.
            let text = format!("{report:#}");
            if text.starts_with("squall:") {
                eprintln!("{text}");
            } else {
                eprintln!("squall: {text}");
            }
            ExitCode::from(squall::cli::exit_code::FAILED)
        }
    }
}
