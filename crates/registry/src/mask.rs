//! Masking of personal data (身份证号, names). Masked is the default
//! everywhere; only roles allowed to see personal data get the clear form.

/// `370102********123X`. Input that is not 18 characters is fully hidden.
pub fn id_number(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() != 18 {
        return "*".repeat(chars.len().max(1));
    }
    let head: String = chars.iter().take(6).collect();
    let tail: String = chars.iter().skip(14).collect();
    format!("{head}********{tail}")
}

/// `张*`, `张*明`, `欧阳**明`: first and last character kept for names of
/// three or more, the family name only for two.
pub fn name(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [only] => format!("{only}"),
        [first, _] => format!("{first}*"),
        [first, middle @ .., last] => format!("{first}{}{last}", "*".repeat(middle.len())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_keep_only_what_is_needed_to_recognise_a_record() {
        assert_eq!(super::id_number("37010220160229123X"), "370102********123X");
        assert_eq!(super::id_number("123"), "***");
        assert_eq!(super::name("张明"), "张*");
        assert_eq!(super::name("张小明"), "张*明");
        assert_eq!(super::name("欧阳小明"), "欧**明");
    }
}
