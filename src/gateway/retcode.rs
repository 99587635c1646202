//! CC-Gateway result codes in plain language: what happened and what to do.
//!
//! Meanings are paraphrased from Huawei's public error-code page (reference §7). Codes whose
//! descriptions are not public are listed by series and say so instead of guessing. The
//! English and Chinese texts are in `assets/locales/retcode.yml`.

/// One result code (or, for undocumented series, the series it belongs to).
///
/// The texts live in the catalogues (`assets/locales/retcode.yml`) so they follow the
/// interface language; the table holds their keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetcodeInfo {
    /// The code, e.g. `100-006`, or a series such as `200-0xx`.
    pub code: &'static str,
    /// Catalogue key of what it means.
    pub meaning_key: &'static str,
    /// Catalogue key of what the user can do about it.
    pub action_key: &'static str,
}

impl RetcodeInfo {
    /// What it means, in plain language, in the current interface language.
    pub fn meaning(&self) -> String {
        t!(self.meaning_key).into_owned()
    }

    /// What the user can do about it, in the current interface language.
    pub fn action(&self) -> String {
        t!(self.action_key).into_owned()
    }
}

const fn rc(
    code: &'static str,
    meaning_key: &'static str,
    action_key: &'static str,
) -> RetcodeInfo {
    RetcodeInfo {
        code,
        meaning_key,
        action_key,
    }
}

/// Every code with a public description.
static KNOWN: &[RetcodeInfo] = &[
    rc("0", "retcode.0", "retcode.action.0"),
    rc(
        "000-001",
        "retcode.000-001",
        "retcode.action.not_for_queries",
    ),
    rc("000-002", "retcode.000-002", "retcode.action.000-002"),
    rc("000-003", "retcode.000-003", "retcode.action.000-003"),
    rc("000-004", "retcode.000-004", "retcode.action.000-004"),
    rc(
        "000-005",
        "retcode.000-005",
        "retcode.action.not_for_queries",
    ),
    rc("000-006", "retcode.000-006", "retcode.action.000-006"),
    rc("000-007", "retcode.000-007", "retcode.action.000-007"),
    rc("100-001", "retcode.100-001", "retcode.action.sign_in_again"),
    rc("100-002", "retcode.100-002", "retcode.action.100-002"),
    rc("100-003", "retcode.100-003", "retcode.action.100-003"),
    rc("100-004", "retcode.100-004", "retcode.action.100-004"),
    rc(
        "100-005",
        "retcode.100-005",
        "retcode.action.not_for_queries",
    ),
    rc("100-006", "retcode.100-006", "retcode.action.100-006"),
    rc("100-007", "retcode.100-007", "retcode.action.100-007"),
    rc("100-008", "retcode.100-008", "retcode.action.sign_in_again"),
    rc(
        "100-009",
        "retcode.100-009",
        "retcode.action.not_for_queries",
    ),
    rc(
        "100-010",
        "retcode.100-010",
        "retcode.action.not_for_queries",
    ),
    rc("100-011", "retcode.100-011", "retcode.action.sign_in_again"),
    rc("100-012", "retcode.100-012", "retcode.action.sign_in_again"),
    rc("100-013", "retcode.100-013", "retcode.action.sign_in_again"),
    rc("100-014", "retcode.100-014", "retcode.action.sign_in_again"),
    rc("100-015", "retcode.100-015", "retcode.action.100-015"),
    rc("100-016", "retcode.100-016", "retcode.action.sign_in_again"),
    rc("100-017", "retcode.100-017", "retcode.action.100-017"),
    rc("100-018", "retcode.100-018", "retcode.action.100-018"),
    rc(
        "100-019",
        "retcode.100-019",
        "retcode.action.not_for_queries",
    ),
    rc("100-020", "retcode.100-020", "retcode.action.100-020"),
    rc("100-021", "retcode.100-021", "retcode.action.100-021"),
    rc("110-016", "retcode.110-016", "retcode.action.110-016"),
    rc("101-001", "retcode.101-001", "retcode.action.conference"),
    rc("101-002", "retcode.101-002", "retcode.action.conference"),
    rc("101-003", "retcode.101-003", "retcode.action.conference"),
    rc("101-004", "retcode.101-004", "retcode.action.conference"),
    rc("101-005", "retcode.101-005", "retcode.action.conference"),
    rc("101-006", "retcode.101-006", "retcode.action.conference"),
    rc("101-007", "retcode.101-007", "retcode.action.conference"),
    rc("105-001", "retcode.105-001", "retcode.action.sign_in_again"),
    rc("105-002", "retcode.105-002", "retcode.action.dr"),
    rc("105-003", "retcode.105-003", "retcode.action.dr"),
    rc("105-004", "retcode.105-004", "retcode.action.dr"),
    rc("105-005", "retcode.105-005", "retcode.action.sign_in_again"),
    rc("105-006", "retcode.105-006", "retcode.action.105-006"),
    rc("105-007", "retcode.105-007", "retcode.action.sign_in_again"),
    rc(
        "106-001",
        "retcode.106-001",
        "retcode.action.not_for_queries",
    ),
    rc(
        "106-002",
        "retcode.106-002",
        "retcode.action.not_for_queries",
    ),
    rc(
        "106-003",
        "retcode.106-003",
        "retcode.action.not_for_queries",
    ),
    rc(
        "106-004",
        "retcode.106-004",
        "retcode.action.not_for_queries",
    ),
];

/// Series that exist but whose individual descriptions are not public, matched by prefix.
static SERIES: &[(&str, RetcodeInfo)] = &[
    (
        "104-",
        rc("104-0xx", "retcode.104-0xx", "retcode.action.recording"),
    ),
    (
        "106-",
        rc(
            "106-0xx",
            "retcode.106-0xx",
            "retcode.action.not_for_queries",
        ),
    ),
    (
        "200-",
        rc("200-0xx", "retcode.200-0xx", "retcode.action.200-0xx"),
    ),
    (
        "210-",
        rc(
            "210-0xx",
            "retcode.series.undocumented",
            "retcode.action.210-0xx",
        ),
    ),
    (
        "300-",
        rc(
            "300-0xx",
            "retcode.series.undocumented",
            "retcode.action.210-0xx",
        ),
    ),
    (
        "400-",
        rc("400-0xx", "retcode.400-0xx", "retcode.action.400-0xx"),
    ),
    (
        "500-",
        rc(
            "500-0xx",
            "retcode.series.undocumented",
            "retcode.action.210-0xx",
        ),
    ),
    (
        "600-",
        rc(
            "600-0xx",
            "retcode.series.undocumented",
            "retcode.action.210-0xx",
        ),
    ),
    (
        "700-",
        rc(
            "700-0xx",
            "retcode.series.undocumented",
            "retcode.action.210-0xx",
        ),
    ),
    (
        "701-",
        rc(
            "701-0xx",
            "retcode.series.undocumented",
            "retcode.action.210-0xx",
        ),
    ),
    (
        "800-",
        rc(
            "800-0xx",
            "retcode.series.undocumented",
            "retcode.action.210-0xx",
        ),
    ),
    (
        "900-",
        rc("900-0xx", "retcode.900-0xx", "retcode.action.900-0xx"),
    ),
    (
        "999-",
        rc("999-0xx", "retcode.999-0xx", "retcode.action.999-0xx"),
    ),
];

/// The plain-language description of `code`, or of its series when only that is known.
/// `None` for codes that appear nowhere in the reference.
pub fn describe(code: &str) -> Option<&'static RetcodeInfo> {
    let code = code.trim();
    KNOWN.iter().find(|i| i.code == code).or_else(|| {
        SERIES
            .iter()
            .find(|(prefix, _)| code.len() == 7 && code.starts_with(prefix))
            .map(|(_, info)| info)
    })
}

/// One sentence for an error message: the meaning and what to do, or an honest "unknown".
pub fn explain(code: &str) -> String {
    match describe(code) {
        Some(i) => t!(
            "retcode.explain",
            meaning = capitalise(&i.meaning()),
            action = i.action()
        )
        .into_owned(),
        None => t!("retcode.unknown", code = code).into_owned(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every code with its own public description (for docs and the UI's help).
pub fn known() -> &'static [RetcodeInfo] {
    KNOWN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_appdata_codes_have_actions() {
        for code in ["000-002", "000-003", "100-006", "100-007"] {
            let i = describe(code).unwrap();
            assert_eq!(i.code, code);
            assert!(!i.meaning().is_empty() && !i.action().is_empty());
        }
        assert!(describe("000-003").unwrap().meaning().contains("GUID"));
        assert!(explain("100-006").starts_with("The agent is not signed in"));
    }

    #[test]
    fn every_reference_code_is_covered() {
        let all = [
            "000-001", "000-004", "000-005", "000-006", "000-007", "100-001", "100-021", "110-016",
            "101-007", "104-012", "105-006", "106-004", "200-017", "210-001", "300-004", "400-001",
            "400-003", "500-010", "600-005", "700-001", "701-002", "800-003", "900-002", "999-001",
        ];
        for code in all {
            assert!(describe(code).is_some(), "{code} missing");
        }
        assert!(describe("400-001").unwrap().meaning().contains("not give"));
        let codes: std::collections::HashSet<_> = known().iter().map(|i| i.code).collect();
        assert_eq!(codes.len(), known().len(), "duplicate code in the table");
    }

    #[test]
    fn every_code_reads_the_same_in_chinese() {
        let all = known().iter().chain(SERIES.iter().map(|(_, i)| i));
        for i in all {
            for key in [i.meaning_key, i.action_key] {
                let zh = t!(key, locale = "zh-CN");
                assert_ne!(zh, t!(key, locale = "en"), "{key} is not translated");
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{key}: {zh}"
                );
            }
        }
    }

    #[test]
    fn unknown_codes_are_admitted() {
        assert_eq!(describe("123-456"), None);
        assert!(explain("123-456").contains("not in the public"));
        assert_eq!(describe("200-0001"), None);
    }
}
