//! The interface language: English or Simplified Chinese, from message catalogues.
//!
//! Every user-visible text lives in `assets/locales/*.yml` (rust-i18n `_version: 2`: one key,
//! then `en:` and `zh-CN:` children) and is looked up with `t!("key")`, compiled into the binary.
//! The language is process-wide: the CLI sets it once from `--lang` or the locale, the window
//! also from its remembered setting, and switching it takes effect on the next frame.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language the catalogues cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    /// English (also the fallback for any key a catalogue lacks).
    #[default]
    #[serde(rename = "en")]
    English,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    SimplifiedChinese,
}

impl Language {
    /// Every language, in the order the settings menu lists them.
    pub const ALL: [Language; 2] = [Language::English, Language::SimplifiedChinese];

    /// The catalogue code (`en`, `zh-CN`), also what `--lang` accepts.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::SimplifiedChinese => "zh-CN",
        }
    }

    /// The language's name in itself, so a reader can find theirs whatever is shown now.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::SimplifiedChinese => "简体中文",
        }
    }

    /// The language of a POSIX locale (`zh_CN.UTF-8`) or BCP 47 tag (`zh-Hans-CN`);
    /// `None` for a language without a catalogue (`C`, `POSIX`, `fr_FR`).
    pub fn from_locale(locale: &str) -> Option<Self> {
        // Strip the codeset and modifier: zh_CN.UTF-8@pinyin -> zh_CN.
        let base = locale.split(['.', '@']).next().unwrap_or_default();
        let lang = base.split(['_', '-']).next().unwrap_or_default();
        match lang.to_ascii_lowercase().as_str() {
            "en" => Some(Language::English),
            // Traditional-script locales (zh_TW, zh_HK) get Simplified Chinese too: closer to
            // their readers than English, and the only Chinese catalogue there is.
            "zh" => Some(Language::SimplifiedChinese),
            _ => None,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;

    /// Accepts the catalogue codes and the usual spellings of them (`zh_CN`, `zh`, `EN`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::from_locale(s.trim()).ok_or_else(|| {
            t!(
                "i18n.unknown_language",
                given = s,
                known = Language::ALL.map(Language::code).join(", ")
            )
            .into_owned()
        })
    }
}

/// The locale variables in the order POSIX consults them for messages.
const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// The language the user's environment asks for: the first of `LC_ALL`, `LC_MESSAGES`, `LANG`
/// that is set decides (a locale without a catalogue, such as `C`, means English); without
/// any of them, the operating system's preference (`sys-locale`); English otherwise.
pub fn detect() -> Language {
    from_env(|name| std::env::var(name).ok())
        .or_else(|| sys_locale::get_locale().and_then(|l| Language::from_locale(&l)))
        .unwrap_or_default()
}

/// [`detect`]'s environment rule over any variable source, so it can be tested without
/// touching the process environment.
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Option<Language> {
    LOCALE_VARS
        .iter()
        .filter_map(|name| var(name))
        .find(|value| !value.trim().is_empty())
        .map(|value| Language::from_locale(&value).unwrap_or_default())
}

/// Switches every later `t!` lookup to `lang`.
pub fn set_language(lang: Language) {
    rust_i18n::set_locale(lang.code());
}

/// The language `t!` uses now.
pub fn current() -> Language {
    Language::from_locale(&rust_i18n::locale()).unwrap_or_default()
}

/// Sets the language from an explicit choice, else from the environment; returns it.
pub fn init(explicit: Option<Language>) -> Language {
    let lang = explicit.unwrap_or_else(detect);
    set_language(lang);
    lang
}

/// The text of `key` in `lang` exactly as the compiled catalogue has it, or `None`: no
/// fallback to English, no placeholders filled (optional entries such as help texts, checks).
pub fn catalogue_text(key: &str, lang: Language) -> Option<String> {
    crate::_rust_i18n_backend()
        .translate(lang.code(), key)
        .map(std::borrow::Cow::into_owned)
}

/// Every key the compiled catalogues hold for `locale` (any code, so a misspelt locale in a
/// catalogue file shows up too).
pub fn catalogue_keys(locale: &str) -> Vec<String> {
    let mut keys: Vec<String> = crate::_rust_i18n_backend()
        .messages_for_locale(locale)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, _)| k.into_owned())
        .collect();
    keys.sort();
    keys
}

/// Every locale code the compiled catalogues contain.
pub fn catalogue_locales() -> Vec<String> {
    crate::_rust_i18n_available_locales()
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn posix_and_bcp47_locales_map_to_catalogues() {
        for tag in [
            "zh_CN.UTF-8",
            "zh_CN",
            "zh-CN",
            "zh-Hans-CN",
            "zh",
            "ZH_cn.gb18030",
            "zh_TW.UTF-8",
        ] {
            assert_eq!(
                Language::from_locale(tag),
                Some(Language::SimplifiedChinese),
                "{tag}"
            );
        }
        for tag in ["en_US.UTF-8", "en", "en-GB", "EN"] {
            assert_eq!(Language::from_locale(tag), Some(Language::English), "{tag}");
        }
        for tag in ["C", "C.UTF-8", "POSIX", "fr_FR.UTF-8", ""] {
            assert_eq!(Language::from_locale(tag), None, "{tag}");
        }
    }

    #[test]
    fn lc_all_beats_lc_messages_beats_lang() {
        let zh = Some(Language::SimplifiedChinese);
        let en = Some(Language::English);
        assert_eq!(from_env(env(&[("LANG", "zh_CN.UTF-8")])), zh);
        assert_eq!(
            from_env(env(&[
                ("LANG", "en_US.UTF-8"),
                ("LC_MESSAGES", "zh_CN.UTF-8")
            ])),
            zh
        );
        assert_eq!(
            from_env(env(&[
                ("LANG", "zh_CN.UTF-8"),
                ("LC_MESSAGES", "zh_CN"),
                ("LC_ALL", "en_US.UTF-8")
            ])),
            en
        );
        // An empty variable is unset; a set locale without a catalogue means English.
        assert_eq!(
            from_env(env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])),
            zh
        );
        assert_eq!(
            from_env(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
            en
        );
        assert_eq!(from_env(env(&[])), None);
    }

    #[test]
    fn lang_flag_values_parse() {
        assert_eq!("en".parse::<Language>(), Ok(Language::English));
        assert_eq!("zh-CN".parse::<Language>(), Ok(Language::SimplifiedChinese));
        assert_eq!("zh_CN".parse::<Language>(), Ok(Language::SimplifiedChinese));
        let err = "klingon".parse::<Language>().unwrap_err();
        assert!(err.contains("klingon") && err.contains("zh-CN"), "{err}");
    }

    #[test]
    fn both_catalogues_answer_without_switching_the_process_language() {
        // Explicit locales: other tests in this process read English concurrently.
        assert_eq!(t!("i18n.language", locale = "en"), "Language");
        assert_eq!(t!("i18n.language", locale = "zh-CN"), "语言");
    }
}
