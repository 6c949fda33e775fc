//! Characters refused in labels and names that reach pages, workbooks,
//! terminals and the audit log: one definition for every crate that
//! checks them (scenario names, policy names, the store's labels); and
//! a TOML file's parse error in Chinese, for the files bureaus write
//! (forecast scenarios, admission policies).

/// Unicode's explicit bidirectional formatting characters (embeddings,
/// overrides, isolates, marks): they can make a label read differently
/// from what it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A toml error in Chinese with its line (toml's own text kept in brackets).
pub fn toml_error_zh(error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim();
    let line = error
        .span()
        .and_then(|span| text.get(..span.start))
        .map(|before| before.matches('\n').count() + 1);
    let what = if let Some(field) = between(message, "unknown field `", "`") {
        format!("未知字段“{field}”")
    } else if let Some(field) = between(message, "missing field `", "`") {
        format!("缺少字段“{field}”")
    } else if let Some(value) = between(message, "unknown variant `", "`") {
        format!("取值“{value}”无法识别")
    } else if message.starts_with("invalid type") {
        "类型错误".to_owned()
    } else {
        "格式错误".to_owned()
    };
    match line {
        Some(line) => format!("第 {line} 行：{what}（{message}）"),
        None => format!("{what}（{message}）"),
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.get(text.find(start)? + start.len()..)?;
    rest.get(..rest.find(end)?)
}
