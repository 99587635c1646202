//! Catalogue checks (issue 8): every key in both languages in every file, the same
//! placeholders in both, nothing lost between the files and the compiled catalogue, and no
//! user-visible literal left in panel or CLI message code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use calldata_inspector::i18n::{self, Language};

/// Tests that switch the process-wide language hold this, so they never see each other's.
static LANGUAGE: Mutex<()> = Mutex::new(());

const LOCALES: [&str; 2] = ["en", "zh-CN"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One message of one catalogue file: its locales and their texts.
#[derive(Debug, Default)]
struct Message {
    line: usize,
    texts: BTreeMap<String, String>,
}

/// Reads one catalogue in the project's format (rust-i18n `_version: 2`): a top-level
/// `key:` line, then one indented `locale: text` line per language (block scalars allowed).
fn parse(path: &Path) -> Result<BTreeMap<String, Message>, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let mut out: BTreeMap<String, Message> = BTreeMap::new();
    let mut version = false;
    let mut current: Option<String> = None;
    let mut block: Option<(String, usize)> = None; // (locale, indent of the locale line)
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = raw.trim();
        let indent = raw.len() - raw.trim_start().len();
        if let Some((locale, at)) = &block {
            if trimmed.is_empty() || indent > *at {
                let key = current
                    .as_ref()
                    .ok_or(format!("{name}:{n}: text outside a key"))?;
                let t = out.get_mut(key).and_then(|m| m.texts.get_mut(locale));
                if let Some(t) = t {
                    t.push_str(trimmed);
                    t.push('\n');
                }
                continue;
            }
            block = None;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent == 0 {
            let (key, rest) = trimmed
                .split_once(':')
                .ok_or(format!("{name}:{n}: expected `key:`, found {trimmed:?}"))?;
            if key == "_version" {
                if rest.trim() != "2" {
                    return Err(format!("{name}:{n}: `_version: 2` expected"));
                }
                version = true;
                continue;
            }
            if !rest.trim().is_empty() {
                return Err(format!(
                    "{name}:{n}: `{key}` has a text of its own; give it `en:` and `zh-CN:` children"
                ));
            }
            if out.contains_key(key) {
                return Err(format!("{name}:{n}: `{key}` appears twice in this file"));
            }
            let key = key.trim_matches('"').to_owned();
            out.insert(
                key.clone(),
                Message {
                    line: n,
                    ..Message::default()
                },
            );
            current = Some(key);
            continue;
        }
        let key = current
            .as_ref()
            .ok_or(format!("{name}:{n}: indented line before any key"))?;
        let (locale, value) = trimmed
            .split_once(':')
            .ok_or(format!("{name}:{n}: expected `locale: text` under `{key}`"))?;
        let value = value.trim();
        let message = out.get_mut(key).ok_or(format!("{name}:{n}: lost key"))?;
        if message.texts.contains_key(locale) {
            return Err(format!("{name}:{n}: `{key}` has two `{locale}:` lines"));
        }
        if value.starts_with('|') || value.starts_with('>') {
            block = Some((locale.to_owned(), indent));
            message.texts.insert(locale.to_owned(), String::new());
        } else {
            message.texts.insert(locale.to_owned(), unquote(value));
        }
    }
    if !version {
        return Err(format!("{name}: no `_version: 2` line"));
    }
    Ok(out)
}

fn unquote(v: &str) -> String {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        serde_json::from_str(v).unwrap_or_else(|_| v[1..v.len() - 1].to_owned())
    } else if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        v[1..v.len() - 1].replace("''", "'")
    } else {
        v.to_owned()
    }
}

/// The `%{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("%{") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                out.insert(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

fn catalogue_files() -> Vec<PathBuf> {
    let dir = root().join("assets/locales");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

/// Every key of every file, with the file it comes from.
fn all_messages() -> BTreeMap<String, (PathBuf, Message)> {
    let mut all: BTreeMap<String, (PathBuf, Message)> = BTreeMap::new();
    let mut problems = Vec::new();
    for file in catalogue_files() {
        match parse(&file) {
            Ok(messages) => {
                for (key, m) in messages {
                    if let Some((other, _)) = all.get(&key) {
                        problems.push(format!(
                            "{}:{}: `{key}` is also defined in {} (one would silently win)",
                            file.display(),
                            m.line,
                            other.display()
                        ));
                    }
                    all.insert(key, (file.clone(), m));
                }
            }
            Err(e) => problems.push(e),
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    all
}

#[test]
fn every_key_has_both_languages_with_the_same_placeholders() {
    let all = all_messages();
    assert!(all.len() > 200, "only {} keys found", all.len());
    let mut problems = Vec::new();
    for (key, (file, m)) in &all {
        let at = format!("{}:{}: `{key}`", file.display(), m.line);
        let found: BTreeSet<&str> = m.texts.keys().map(String::as_str).collect();
        let wanted: BTreeSet<&str> = LOCALES.into_iter().collect();
        if found != wanted {
            problems.push(format!("{at} has {found:?}, needs exactly {wanted:?}"));
            continue;
        }
        if m.texts.values().any(|t| t.trim().is_empty()) {
            problems.push(format!("{at} has an empty text"));
        }
        let (en, zh) = (&m.texts["en"], &m.texts["zh-CN"]);
        if placeholders(en) != placeholders(zh) {
            problems.push(format!(
                "{at}: placeholders differ: en {:?}, zh-CN {:?}",
                placeholders(en),
                placeholders(zh)
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn compiled_catalogue_matches_the_files() {
    let all = all_messages();
    assert_eq!(
        i18n::catalogue_locales(),
        LOCALES,
        "a misspelt locale in a file?"
    );
    let files: BTreeSet<&String> = all.keys().collect();
    for locale in LOCALES {
        let compiled = i18n::catalogue_keys(locale);
        let compiled: BTreeSet<&String> = compiled.iter().collect();
        let missing: Vec<_> = files.difference(&compiled).collect();
        let extra: Vec<_> = compiled.difference(&files).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{locale}: in files only {missing:?}; compiled only {extra:?} (rebuild after editing a catalogue)"
        );
    }
    // The Chinese texts are translations, not English copies (product names aside).
    let untranslated: Vec<_> = all
        .iter()
        .filter(|(_, (_, m))| {
            let (en, zh) = (&m.texts["en"], &m.texts["zh-CN"]);
            en == zh && reads_as_text(en)
        })
        .map(|(k, _)| k)
        .collect();
    assert!(
        untranslated.is_empty(),
        "same text in both: {untranslated:?}"
    );
}

#[test]
fn retcodes_tls_and_fault_messages_exist_in_both_languages() {
    for code in ["000-003", "100-006", "100-007", "200-017", "999-001"] {
        let info = calldata_inspector::gateway::retcode::describe(code).unwrap();
        for key in [info.meaning_key, info.action_key] {
            for lang in Language::ALL {
                assert!(i18n::catalogue_text(key, lang).is_some(), "{key} {lang}");
            }
        }
    }
    for key in [
        "error.cert_untrusted",
        "error.cert_wrong_host",
        "error.cert_expired",
        "error.not_tls",
        "error.refused",
        "error.timeout",
        "error.interrupted",
        "error.http_status",
        "error.malformed",
    ] {
        let zh = i18n::catalogue_text(key, Language::SimplifiedChinese).unwrap();
        assert!(zh.chars().any(is_han), "{key}: {zh}");
    }
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[test]
fn switching_language_changes_the_next_message() {
    let _hold = LANGUAGE.lock().unwrap_or_else(|p| p.into_inner());
    use calldata_inspector::gateway::TransportError;
    let before = i18n::current();
    i18n::set_language(Language::SimplifiedChinese);
    let zh = TransportError::CertUntrusted.to_string();
    i18n::set_language(Language::English);
    let en = TransportError::CertUntrusted.to_string();
    i18n::set_language(before);
    assert!(zh.starts_with("证书不受信任"), "{zh}");
    assert!(en.starts_with("certificate not trusted"), "{en}");
}

#[test]
fn window_wording_replaces_command_line_options_in_both_languages() {
    let _hold = LANGUAGE.lock().unwrap_or_else(|p| p.into_inner());
    use calldata_inspector::gateway::{ReplyError, TransportError};
    use calldata_inspector::worker::gui_message;
    let before = i18n::current();
    for lang in Language::ALL {
        i18n::set_language(lang);
        let messages = [
            TransportError::CertUntrusted.to_string(),
            TransportError::Timeout { secs: 3 }.to_string(),
            TransportError::TooLarge { limit_mib: 1 }.to_string(),
            ReplyError::Retcode {
                code: "000-003".into(),
                message: String::new(),
            }
            .to_string(),
        ];
        for m in messages {
            let shown = gui_message(&m);
            assert!(
                !shown.contains("--ca-file")
                    && !shown.contains("--timeout")
                    && !shown.contains("--max-reply-mib")
                    && !shown.contains("--guid-stdin"),
                "{lang}: {shown}"
            );
        }
    }
    i18n::set_language(before);
}

/// Files whose user-visible text must come from the catalogues.
fn checked_sources() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("src/ui"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    for f in [
        "src/cli/mod.rs",
        "src/cli/query.rs",
        "src/cli/profile.rs",
        "src/cli/profile_args.rs",
        "src/cli/simulate.rs",
        "src/cli/gen_assets.rs",
        "src/cli/signin.rs",
        "src/cli/signout.rs",
        "src/cli/calls.rs",
        "src/cli/trust.rs",
        "src/gateway/error.rs",
        "src/gateway/retcode.rs",
        "src/gateway/envelope.rs",
        "src/worker/engine.rs",
        "src/worker/prepare.rs",
    ] {
        files.push(root().join(f));
    }
    files.sort();
    files
}

/// Calls whose string argument is an egui id, a file name part or a catalogue key, not text.
const NOT_TEXT_BEFORE: [&str; 12] = [
    "t!(",
    "id_salt(",
    "Id::new(",
    "Id::unique(",
    "Grid::new(",
    "Panel::top(",
    "Panel::bottom(",
    "Panel::left(",
    "Panel::right(",
    "text_rows(ui, ",
    "hex_rows(ui, ",
    "push_id(",
];

/// Words that are the same in every language: protocol names, units, the product's name.
const TECHNICAL: [&str; 16] = [
    "HTTP",
    "HTTPS",
    "retcode",
    "KiB",
    "MiB",
    "ms",
    "GUID",
    "TLS",
    "DNS",
    "TCP",
    "calldata",
    "inspector",
    "Base64",
    "UTF",
    "isEncodeResult",
    "curl",
];

/// Literal strings that read as user text, with their line numbers: outside comments,
/// attributes and `#[cfg(test)]` code, not a catalogue key or an id, not only technical
/// words. A line may opt out with an `// i18n-ok: why` comment.
fn text_literals(src: &str, keys: &BTreeSet<String>) -> Vec<(usize, String)> {
    let code = match src.find("#[cfg(test)]") {
        Some(i) => &src[..i],
        None => src,
    };
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut attr_depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = code[i..].find('\n').map_or(b.len(), |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = code[i..].find("*/").map_or(b.len(), |n| i + n + 2);
            }
            b'#' if code[i..].starts_with("#[") || code[i..].starts_with("#![") => {
                attr_depth += 1;
                i += if b[i + 1] == b'!' { 3 } else { 2 };
            }
            b'[' if attr_depth > 0 => {
                attr_depth += 1;
                i += 1;
            }
            b']' if attr_depth > 0 => {
                attr_depth -= 1;
                i += 1;
            }
            b'\'' => {
                // A char literal ('"', '\'') must not open a string; a lifetime is one quote.
                if b.get(i + 1) == Some(&b'\\') {
                    i = code[i + 3..].find('\'').map_or(b.len(), |n| i + 3 + n + 1);
                } else if let Some(c) = code[i + 1..].chars().next()
                    && code[i + 1 + c.len_utf8()..].starts_with('\'')
                {
                    i += 2 + c.len_utf8();
                } else {
                    i += 1;
                }
            }
            b'r' | b'b'
                if (i == 0 || !is_ident(b[i - 1])) && string_prefix(&code[i..]).is_some() =>
            {
                let (prefix_len, hashes, byte) = string_prefix(&code[i..]).unwrap_or((1, 0, false));
                let close = format!("\"{}", "#".repeat(hashes));
                let body_start = i + prefix_len;
                let body_end =
                    if hashes == 0 && !code[i..].starts_with("br") && !code[i..].starts_with('r') {
                        // b"..." has escapes like a normal string.
                        escaped_end(b, body_start)
                    } else {
                        code[body_start..]
                            .find(&close)
                            .map_or(b.len(), |n| body_start + n)
                    };
                if !byte && attr_depth == 0 {
                    check(code, i, &code[body_start..body_end], keys, &mut out);
                }
                i = body_end + close.len();
            }
            b'"' => {
                let end = escaped_end(b, i + 1);
                if attr_depth == 0 {
                    check(code, i, &code[i + 1..end], keys, &mut out);
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether `before` ends with the call `call` itself, not a longer name (`format!(` is not
/// `t!(`).
fn ends_with_call(before: &str, call: &str) -> bool {
    before.ends_with(call)
        && !before[..before.len() - call.len()]
            .bytes()
            .next_back()
            .is_some_and(is_ident)
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The index of the closing quote of a string whose body starts at `from`.
fn escaped_end(b: &[u8], from: usize) -> usize {
    let mut k = from;
    while k < b.len() && b[k] != b'"' {
        k += if b[k] == b'\\' { 2 } else { 1 };
    }
    k.min(b.len())
}

/// For `r"`, `r#"`, `b"`, `br#"`: (bytes up to and including the opening quote, number of
/// `#`, whether it is a byte string).
fn string_prefix(s: &str) -> Option<(usize, usize, bool)> {
    let byte = s.starts_with('b');
    let t = s.strip_prefix('b').unwrap_or(s);
    let raw = t.starts_with('r');
    let t = t.strip_prefix('r').unwrap_or(t);
    let hashes = t.bytes().take_while(|&c| c == b'#').count();
    let plain_string = !byte && !raw;
    let hashes_without_raw = hashes > 0 && !raw;
    if plain_string || hashes_without_raw || t.as_bytes().get(hashes) != Some(&b'"') {
        return None;
    }
    Some((
        usize::from(byte) + usize::from(raw) + hashes + 1,
        hashes,
        byte,
    ))
}

/// Records `lit` (starting at byte `at`) if it reads as text where text does not belong.
fn check(
    code: &str,
    at: usize,
    lit: &str,
    keys: &BTreeSet<String>,
    out: &mut Vec<(usize, String)>,
) {
    let before = code[..at].trim_end();
    let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
    let line_end = code[at..].find('\n').map_or(code.len(), |n| at + n);
    let opted_out = code[line_start..line_end].contains("i18n-ok");
    let is_key_or_id = keys.contains(lit)
        || NOT_TEXT_BEFORE
            .iter()
            .any(|p| ends_with_call(before, p.trim_end()))
        || ends_with_call(before, "t!(format!(");
    if !is_key_or_id && !opted_out && reads_as_text(lit) {
        out.push((code[..at].matches('\n').count() + 1, lit.to_owned()));
    }
}

fn reads_as_text(lit: &str) -> bool {
    // File paths (Unix or Windows) are not text, even with a space in them.
    if lit.starts_with('/') || lit.get(1..4) == Some(":\\\\") {
        return false;
    }
    // Placeholders and escapes are not words.
    let mut plain = String::new();
    let mut depth = 0;
    let mut chars = lit.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            '\\' => {
                chars.next();
                plain.push(' ');
            }
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    if plain.chars().any(is_han) {
        return true;
    }
    let words: Vec<&str> = plain
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
        .filter(|w| !TECHNICAL.contains(w))
        .collect();
    if plain.trim().contains(' ') {
        return !words.is_empty();
    }
    // One token: paths, ids, env variables, flags and codes are not text; a capitalised word
    // ("About", "Copy") is a label.
    let token = plain.trim();
    token.len() >= 3
        && token.chars().all(|c| c.is_ascii_alphabetic())
        && token.starts_with(|c: char| c.is_ascii_uppercase())
        && token.chars().skip(1).any(|c| c.is_ascii_lowercase())
        && !IDS.contains(&token)
        && !TECHNICAL.contains(&token)
}

/// Single capitalised words used as identifiers, never shown as they are.
const IDS: [&str; 1] = [
    // The connection test's step names: shown through the `test.step.*` keys.
    "Agent",
];

#[test]
fn panel_and_cli_message_code_has_no_text_literals() {
    let keys: BTreeSet<String> = all_messages().into_keys().collect();
    let mut found = Vec::new();
    for file in checked_sources() {
        let Ok(src) = std::fs::read_to_string(&file) else {
            continue;
        };
        let rel = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        for (line, lit) in text_literals(&src, &keys) {
            found.push(format!("{rel}:{line}: \"{lit}\""));
        }
    }
    assert!(
        found.is_empty(),
        "user-visible text belongs in assets/locales/*.yml (use t!(\"key\")), or mark the line \
         `// i18n-ok: why` if it is not text:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_literal_check_can_fail() {
    let src = r#"
fn f(ui: &mut egui::Ui) {
    ui.label("Save profile");
    ui.label(t!("ui.connection.save"));
    egui::Grid::new("conn-grid");
    ui.label(format!("{} ms", 3));
    ui.label(format!("Saved {}", 3));
    ui.label("保存");
    ui.label("x"); // i18n-ok: a symbol
    let f = "/usr/share/fonts/x.ttc";
    let k = ["ui.connection.save", "CALLDATA_GUID", "--lang="];
    let q = '"'; let c = b"not text";
    ui.button("Copy");
    const HELP: &str = "multi-line
    help";
    // ui.label("in a comment");
}
#[cfg(test)]
mod tests { const A: &str = "Free text in a test"; }
"#;
    let keys = BTreeSet::from(["ui.connection.save".to_owned()]);
    let found: Vec<String> = text_literals(src, &keys)
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    assert_eq!(
        found,
        [
            "Save profile",
            "Saved {}",
            "保存",
            "Copy",
            "multi-line\n    help"
        ]
    );
    assert!(reads_as_text("Profile \\\"{name}\\\" saved."));
    assert!(!reads_as_text("{}: {} {}\\n{}"));
    assert!(!reads_as_text("C:\\\\Windows\\\\Fonts\\\\msyh.ttc"));
    assert!(!reads_as_text("/System/Library/Fonts/STHeiti Light.ttc"));
}
