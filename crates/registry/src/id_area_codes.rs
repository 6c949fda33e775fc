//! The six-digit area codes a resident identity number may open with: every
//! county-level code of GB/T 2260 since 1980, current and abolished (people
//! keep the number they were first given), plus the prefecture-level cities
//! that never had county-level units (东莞 441900, 中山 442000, 儋州 460400 …).
//!
//! Source, licence and the rule that built the list:
//! `data/id-area-codes/SOURCE.md`. The list is compiled into the binary
//! (no file is read at run time) and parsed into a sorted table at compile
//! time, so a malformed data file fails the build, not a lookup.

/// One code a line, six digits and `\n`, sorted.
const DATA: &[u8] = include_bytes!("../data/id-area-codes/codes.txt");
const LINE: usize = 7;
const COUNT: usize = DATA.len() / LINE;

/// The codes as numbers, ascending.
static CODES: [u32; COUNT] = parse(DATA);

const fn parse(data: &[u8]) -> [u32; COUNT] {
    assert!(
        COUNT * LINE == data.len(),
        "codes.txt: every line is six digits and a newline"
    );
    let mut codes = [0u32; COUNT];
    let mut i = 0;
    while i < COUNT {
        let mut value = 0u32;
        let mut j = 0;
        while j < 6 {
            let b = data[i * LINE + j];
            assert!(b.is_ascii_digit(), "codes.txt: a code is six digits");
            value = value * 10 + (b - b'0') as u32;
            j += 1;
        }
        assert!(data[i * LINE + 6] == b'\n', "codes.txt: one code a line");
        assert!(i == 0 || codes[i - 1] < value, "codes.txt: sorted, no duplicates");
        codes[i] = value;
        i += 1;
    }
    codes
}

/// Whether `code` (six ASCII digits) is a county-level area code that has
/// ever been issued under GB/T 2260, or a prefecture-level city without
/// county-level units. Province- and city-level codes (`370000`, `370100`)
/// are not: an identity number is issued by a county's public security
/// bureau under its county code. Residence permits (`810000`, `820000`,
/// `830000`) are the caller's concern.
pub fn is_issuing_area(code: &str) -> bool {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    code.parse::<u32>()
        .is_ok_and(|value| CODES.binary_search(&value).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_county_codes_are_issuing_areas() {
        for code in ["370102", "370112", "370126", "110105", "440305", "650102"] {
            assert!(is_issuing_area(code), "{code}");
        }
    }

    #[test]
    fn abolished_county_codes_are_still_issuing_areas() {
        // 370121 历城县 (abolished 1987, now 历城区 370112), 370111 济南郊区
        // (to 1986), 110103 北京崇文区 (merged into 东城区 in 2010), and the
        // city-proper code 370101 市辖区 that old numbers carry.
        for code in ["370121", "370111", "110103", "370101"] {
            assert!(is_issuing_area(code), "{code}");
        }
    }

    #[test]
    fn codes_that_never_named_a_county_are_not() {
        // 济南 has no county 99; 370176 is the NBS statistical code of a
        // development zone, never on an identity number.
        for code in [
            "370199", "370176", "999999", "000000", "37010", "3701021", "37010a",
        ] {
            assert!(!is_issuing_area(code), "{code}");
        }
    }

    #[test]
    fn province_and_city_codes_are_not_but_cities_without_counties_are() {
        for code in ["370000", "370100", "110000", "110100"] {
            assert!(!is_issuing_area(code), "{code}");
        }
        for code in ["441900", "442000", "460400"] {
            assert!(is_issuing_area(code), "{code}");
        }
    }

    #[test]
    fn every_regular_shandong_county_is_an_issuing_area() {
        // The demo city draws identity numbers from these.
        for area in crate::divisions::all() {
            if area.code.as_str().len() == 6 && area.kind == crate::AreaKind::Regular {
                assert!(is_issuing_area(area.code.as_str()), "{} {}", area.code, area.name);
            }
        }
    }

    #[test]
    fn the_list_covers_all_of_china() {
        assert!(CODES.len() > 6_000, "{}", CODES.len());
        let provinces: std::collections::BTreeSet<u32> = CODES.iter().map(|c| c / 10_000).collect();
        assert_eq!(provinces.len(), 31, "{provinces:?}");
    }
}
