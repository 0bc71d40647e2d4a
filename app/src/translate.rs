//! The bridge between the generated `i18n` module and the rest of the app:
//! our `Lang` (stored for accounts, sent in the cookie) and the crate's
//! `Locale`, and the current language as a signal for the formats of
//! `domain/` (money, dates), which take a `Lang`.

use crate::domain::Lang;
use crate::i18n::{Locale, use_i18n};
use leptos::prelude::*;

pub fn locale_of(lang: Lang) -> Locale {
    match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    }
}

pub fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::fr => Lang::Fr,
        Locale::en => Lang::En,
    }
}

/// The language the page is shown in, followed reactively.
pub fn use_lang() -> Signal<Lang> {
    let i18n = use_i18n();
    Signal::derive(move || lang_of(i18n.get_locale()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every key path of a locale file, plural forms folded into their key
    /// (`result_count_one` and `result_count_other` are `result_count`).
    fn keys(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
        if let Some(map) = value.as_object() {
            for (key, inner) in map {
                let path = format!("{prefix}{key}");
                if inner.is_object() {
                    keys(inner, &format!("{path}."), out);
                } else {
                    out.insert(without_plural_form(&path).to_string());
                }
            }
        }
    }

    fn without_plural_form(key: &str) -> &str {
        ["_zero", "_one", "_two", "_few", "_many", "_other"]
            .iter()
            .find_map(|form| key.strip_suffix(form))
            .unwrap_or(key)
    }

    fn locale_keys(text: &str) -> BTreeSet<String> {
        let json: serde_json::Value = serde_json::from_str(text).expect("locale file is JSON");
        let mut out = BTreeSet::new();
        keys(&json, "", &mut out);
        out
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let french = locale_keys(include_str!("../locales/fr.json"));
        let english = locale_keys(include_str!("../locales/en.json"));
        let only_french: Vec<_> = french.difference(&english).collect();
        let only_english: Vec<_> = english.difference(&french).collect();
        assert!(
            only_french.is_empty() && only_english.is_empty(),
            "missing in English: {only_french:?}; missing in French: {only_english:?}"
        );
    }

    #[test]
    fn languages_and_locales_match() {
        for lang in Lang::ALL {
            assert_eq!(lang_of(locale_of(lang)), lang);
            assert_eq!(leptos_i18n::Locale::as_str(locale_of(lang)), lang.code());
        }
    }
}
