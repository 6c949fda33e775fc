//! Characters refused in labels and names that reach pages, workbooks,
//! terminals and the audit log: one definition for every crate that
//! checks them (scenario names, policy names, the store's labels).

/// Unicode's explicit bidirectional formatting characters (embeddings,
/// overrides, isolates, marks): they can make a label read differently
/// from what it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}
