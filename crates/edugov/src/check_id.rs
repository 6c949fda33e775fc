//! `edugov check-id`: the importer's identity-number validator, on its own.

use std::io::BufRead;
use std::process::ExitCode;

use registry::IdNumber;

#[derive(clap::Args)]
pub struct CheckIdArgs {
    /// Numbers to check; read from standard input, one per line, when none are given
    numbers: Vec<String>,
}

/// Prints `NUMBER<TAB>valid` or `NUMBER<TAB>invalid<TAB>reason` per number;
/// exits 1 when any is invalid. The numbers are the user's own input, echoed
/// back to them, so they are not masked here.
pub fn run(args: CheckIdArgs) -> anyhow::Result<ExitCode> {
    let today = chrono::Local::now().date_naive();
    let mut all_valid = true;
    let mut check = |text: &str| {
        match IdNumber::parse(text, today) {
            Ok(_) => println!("{text}\tvalid"),
            Err(err) => {
                all_valid = false;
                println!("{text}\tinvalid\t{err}");
            }
        };
    };
    if args.numbers.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            let text = line.trim();
            if !text.is_empty() {
                check(text);
            }
        }
    } else {
        for text in &args.numbers {
            check(text);
        }
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
