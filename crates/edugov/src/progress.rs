//! Progress bars for long commands (indicatif hides them when standard error
//! is not a terminal, so CI logs stay clean).

use indicatif::{ProgressBar, ProgressStyle};

pub fn bar(total: u64, message: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template("{msg:>8} [{bar:40}] {pos}/{len} ({per_sec}, 剩余 {eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(message.to_owned());
    bar
}
