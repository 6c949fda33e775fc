//! Policy files: the defaults, the round trip through `to_toml`, errors
//! that name the field, the size bound, and the example in
//! `docs/admission.md` parsing as documented.

use admission::{
    LastTie, Policy, PolicyError, QuotaBasis, QuotaForm, QuotaMinimum, Ratio, Score, UnfilledQuota,
};

#[test]
fn ratios_parse_exactly_and_write_back() {
    assert_eq!(Ratio::parse("0.5"), Some(Ratio { num: 1, den: 2 }));
    assert_eq!(Ratio::parse("60%"), Some(Ratio { num: 3, den: 5 }));
    assert_eq!(Ratio::parse("1.2"), Some(Ratio { num: 6, den: 5 }));
    assert_eq!(Ratio::parse("3/5"), Some(Ratio { num: 3, den: 5 }));
    assert_eq!(Ratio::parse(" 12.5% "), Some(Ratio { num: 1, den: 8 }));
    assert_eq!(
        Ratio::parse("0.123456"),
        Some(Ratio::new(123_456, 1_000_000).unwrap())
    );
    for bad in [
        "",
        "-0.5",
        "0.1234567",
        "1/0",
        "abc",
        "1e3",
        "5000000",
        "99999999999999999999",
        "%",
        "1..2",
        ".",
    ] {
        assert_eq!(Ratio::parse(bad), None, "{bad}");
    }
    for text in ["0.5", "1.2", "3", "0", "0.000001"] {
        assert_eq!(Ratio::parse(text).unwrap().to_decimal_string(), text);
    }
    let third = Ratio::new(1, 3).unwrap();
    assert_eq!(third.to_decimal_string(), "1/3");
    assert_eq!(Ratio::parse(&third.to_decimal_string()), Some(third));
    assert_eq!(Ratio::parse("50%").unwrap().to_percent_string(), "50%");
    assert_eq!(Ratio::parse("12.5%").unwrap().to_percent_string(), "12.5%");
}

#[test]
fn a_minimal_file_takes_the_documented_defaults() {
    let policy = Policy::parse_toml("name = \"2025年\"\n[quota]\nshare = \"50%\"\n").unwrap();
    assert_eq!(policy.quota.form, QuotaForm::Reserved);
    assert_eq!(policy.quota.basis, QuotaBasis::Graduates);
    assert_eq!(policy.quota.rural_factor, Ratio::ONE);
    assert_eq!(policy.quota.weak_factor, Ratio::ONE);
    assert_eq!(policy.quota.minimum, QuotaMinimum::None);
    assert_eq!(policy.unfilled_quota, UnfilledQuota::OpenRound);
    assert_eq!(policy.min_total, None);
    assert_eq!(policy.tie_break.chain.len(), 1);
    assert_eq!(policy.tie_break.chain[0].field, "总分");
    assert_eq!(policy.tie_break.last, LastTie::Lottery { seed: 0 });
    assert!(!policy.school_priorities);
}

#[test]
fn every_policy_round_trips_through_toml() {
    let mut policies = vec![
        Policy::demo(Ratio::parse("50%").unwrap()),
        Policy::demo(Ratio::parse("60%").unwrap()),
    ];
    let mut full = Policy::demo(Ratio::new(2, 3).unwrap());
    full.name = "带\"引号\"的\\名称".to_owned();
    full.min_total = Some(Score(4005));
    full.unfilled_quota = UnfilledQuota::Lapse;
    full.quota.basis = QuotaBasis::EligibleCandidates;
    full.quota.weak_factor = Ratio::parse("1.15").unwrap();
    full.quota.school_shares.insert(
        registry::SchoolCode::parse("3701100000").unwrap(),
        Ratio::parse("0.7").unwrap(),
    );
    full.quota.minimum = QuotaMinimum::BelowPreviousCutoff {
        below: Score(300),
        cutoffs: [(registry::SchoolCode::parse("3701100000").unwrap(), Score(6125))]
            .into_iter()
            .collect(),
    };
    full.tie_break.chain[2].higher_first = false;
    full.tie_break.last = LastTie::SchoolLottery { seed: u64::MAX };
    full.school_priorities = true;
    policies.push(full.clone());
    full.quota.form = QuotaForm::CallOrder {
        min_rural: Ratio::parse("30%").unwrap(),
    };
    full.quota.minimum = QuotaMinimum::Absolute { score: Score(5000) };
    full.tie_break.last = LastTie::AdmitAll;
    policies.push(full);
    for policy in policies {
        let text = policy.to_toml();
        let back = Policy::parse_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, policy, "{text}");
        assert!(!policy.describe_zh().is_empty());
    }
}

#[test]
fn the_demo_policy_is_as_documented() {
    let policy = Policy::demo(Ratio::parse("50%").unwrap());
    assert_eq!(policy.name, "指标到校50%");
    assert_eq!(policy.quota.rural_factor, Ratio { num: 6, den: 5 });
    let chain: Vec<&str> = policy.tie_break.chain.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(chain, ["总分", "语文+数学", "数学", "语文", "外语"]);
    let text = policy.describe_zh().join("\n");
    assert!(text.contains("指标到校比例 50%"), "{text}");
    assert!(text.contains("农村学校权重 1.2"), "{text}");
}

#[test]
fn the_demo_citys_policy_has_a_quota_minimum() {
    let policy = Policy::demo_city(Ratio::parse("60%").unwrap());
    assert_eq!(
        policy.quota.minimum,
        admission::QuotaMinimum::Absolute {
            score: admission::Score(5_000)
        }
    );
    let text = policy.describe_zh().join("\n");
    assert!(text.contains("500"), "{text}");
    assert_eq!(Policy::parse_toml(&policy.to_toml()).unwrap(), policy);
}

fn field_of(text: &str) -> String {
    match Policy::parse_toml(text) {
        Err(PolicyError::Field { field, .. }) => field,
        other => panic!("expected a field error for {text:?}, got {other:?}"),
    }
}

#[test]
fn errors_name_the_field() {
    let base = "name = \"x\"\n";
    // A bidi override in the name (a run's default label) is refused.
    assert!(field_of("name = \"指标\u{202E}到校\"\n").starts_with("name"));
    assert!(field_of("name = \"指标\\u0007到校\"\n").starts_with("name"));
    assert!(field_of(&format!("{base}[quota]\nshare = \"150%\"\n")).starts_with("quota.share"));
    assert!(field_of(&format!("{base}[quota]\nshare = \"-5%\"\n")).starts_with("quota.share"));
    assert!(field_of(&format!("{base}[quota]\nform = \"reserved\"\n")).starts_with("quota.share"));
    assert!(
        field_of(&format!("{base}[quota]\nshare = 0.5\nrural_factor = 11\n"))
            .starts_with("quota.rural_factor")
    );
    assert!(field_of(&format!("{base}[quota]\nshare = 0.5\nform = \"lottery\"\n")).starts_with("quota.form"));
    assert!(
        field_of(&format!("{base}[quota]\nshare = 0.5\nbasis = \"people\"\n")).starts_with("quota.basis")
    );
    assert!(field_of(&format!("{base}[quota]\nform = \"call_order\"\n")).starts_with("quota.min_rural"));
    assert!(field_of(&format!(
        "{base}[quota]\nshare = 0.5\n[quota.school_shares]\n\"12\" = 0.5\n"
    ))
    .starts_with("quota.school_shares"));
    assert!(field_of(&format!(
        "{base}[quota]\nshare = 0.5\n[quota.minimum]\nkind = \"absolute\"\n"
    ))
    .starts_with("quota.minimum.score"));
    assert!(field_of(&format!(
        "{base}[quota]\nshare = 0.5\n[quota.minimum]\nkind = \"absolute\"\nscore = 1200\n"
    ))
    .starts_with("quota.minimum.score"));
    assert!(field_of(&format!("{base}min_total = \"abc\"\n[quota]\nshare = 0.5\n")).starts_with("min_total"));
    assert!(field_of(&format!(
        "{base}unfilled_quota = \"keep\"\n[quota]\nshare = 0.5\n"
    ))
    .starts_with("unfilled_quota"));
    assert!(
        field_of(&format!("{base}[quota]\nshare = 0.5\n[tie_break]\nchain = []\n"))
            .starts_with("tie_break.chain")
    );
    assert!(field_of(&format!(
        "{base}[quota]\nshare = 0.5\n[tie_break]\nchain = [\"总分\", \"总分\"]\n"
    ))
    .starts_with("tie_break.chain"));
    assert!(field_of(&format!(
        "{base}[quota]\nshare = 0.5\n[tie_break.last]\nkind = \"coin\"\n"
    ))
    .starts_with("tie_break.last.kind"));
    assert!(field_of(&format!(
        "{base}[quota]\nshare = 0.5\n[tie_break.last]\nkind = \"lottery\"\nseed = -1\n"
    ))
    .starts_with("tie_break.last.seed"));
    assert!(field_of("name = \"  \"\n").starts_with("name"));
    // Unknown keys and broken syntax: a Chinese message with the line.
    match Policy::parse_toml("name = \"x\"\nshare = 0.5\n") {
        Err(PolicyError::Syntax(message)) => assert!(
            message.contains("未知字段“share”") && message.contains("第 2 行"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Policy::parse_toml("name = "),
        Err(PolicyError::Syntax(_))
    ));
    assert!(matches!(Policy::parse_toml(""), Err(PolicyError::Syntax(_))));
}

#[test]
fn hostile_sizes_are_refused_before_parsing() {
    let huge = format!("name = \"x\"\n# {}\n", "a".repeat(70_000));
    assert!(matches!(
        Policy::parse_toml(&huge),
        Err(PolicyError::TooLarge(_, 65_536))
    ));
    let deep = format!("name = {}1{}", "[".repeat(20_000), "]".repeat(20_000));
    assert!(Policy::parse_toml(&deep).is_err());
    let chain: Vec<String> = (0..30).map(|i| format!("\"f{i}\"")).collect();
    let long_chain = format!(
        "name = \"x\"\n[quota]\nshare = 0.5\n[tie_break]\nchain = [{}]\n",
        chain.join(",")
    );
    assert!(field_of(&long_chain).starts_with("tie_break.chain"));
}

#[test]
fn the_example_in_the_docs_parses_as_documented() {
    let doc = include_str!("../../../../docs/admission.md");
    let start = doc.find("```toml\n").expect("a toml block in docs/admission.md") + "```toml\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let policy = Policy::parse_toml(&doc[start..end]).unwrap();
    assert_eq!(policy.quota.share, Ratio::parse("50%").unwrap());
    assert_eq!(policy.quota.rural_factor, Ratio::parse("1.2").unwrap());
    assert_eq!(policy.tie_break.chain.len(), 5);
    assert_eq!(policy.tie_break.last, LastTie::Lottery { seed: 20250701 });
    assert_eq!(policy.min_total, Some(Score(4000)));
    assert!(matches!(
        policy.quota.minimum,
        QuotaMinimum::BelowPreviousCutoff { .. }
    ));
}
