//! The bridge between the generated `i18n` module and the rest of the app:
//! the page's language, its `Locale` for the texts (`td_string!`), and
//! counted words.
//!
//! A page is rendered in one language, chosen by the server for the request
//! (account, device, French): texts are read once, not followed, and
//! choosing another language loads the page again in it. This keeps the
//! browser bundle small: a text that follows a language signal costs about
//! 1.5 KB of WebAssembly (its effect, its hydration, twice under the
//! router's type erasure), and the crate's context provider brings locale
//! negotiation and cookie handling the server already does. The browser
//! reads the language back from `<html lang>`, which the server wrote.

use crate::domain::Lang;
use crate::i18n::Locale;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy)]
struct PageLang(Lang);

pub fn locale_of(lang: Lang) -> Locale {
    match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    }
}

/// Makes `lang` the language of everything rendered below.
pub fn provide_lang(lang: Lang) {
    provide_context(PageLang(lang));
}

/// The language the page is shown in.
pub fn use_lang() -> Lang {
    use_context::<PageLang>()
        .map(|page| page.0)
        .unwrap_or_default()
}

/// The page's `Locale`, for `td_string!`.
pub fn use_locale() -> Locale {
    locale_of(use_lang())
}

/// A text with a counted word, keyed `<key>.one` and `<key>.other` in the
/// locale files: `count` chooses by the language's rule (`Lang::plural`),
/// and both forms get `count` and the other arguments.
/// `counted!(locale, 3, search.result_count)` is "3 résultats".
#[macro_export]
macro_rules! counted {
    ($locale:expr, $count:expr, $($key:ident).+ $(, $name:ident = $value:expr)* $(,)?) => {{
        let (locale, count): ($crate::i18n::Locale, i64) = ($locale, $count);
        match $crate::translate::lang_of(locale).plural(count) {
            $crate::domain::lang::Plural::One => {
                $crate::i18n::td_string!(locale, $($key).+.one, count = count $(, $name = $value)*).to_string()
            }
            $crate::domain::lang::Plural::Other => {
                $crate::i18n::td_string!(locale, $($key).+.other, count = count $(, $name = $value)*).to_string()
            }
        }
    }};
}

pub fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::fr => Lang::Fr,
        Locale::en => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every key path of a locale file (`search.result_count.one`).
    fn keys(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
        if let Some(map) = value.as_object() {
            for (key, inner) in map {
                let path = format!("{prefix}{key}");
                if inner.is_object() {
                    keys(inner, &format!("{path}."), out);
                } else {
                    out.insert(path);
                }
            }
        }
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
