//! The languages people read the app in. French first: the chain, its
//! associates and most of its customers are French.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The code stored for an account, sent in the cookie and put in
    /// `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    /// `fr`, `en`, or a regional form of them (`fr-FR`, `en_GB`), in any case.
    pub fn parse(raw: &str) -> Option<Self> {
        let primary = raw
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Self::Fr),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// Which form of a counted word the language uses for `count` (CLDR's
    /// cardinal rules, for whole numbers): French says "0 résultat",
    /// "1 résultat", "2 résultats"; English "0 results", "1 result".
    pub fn plural(self, count: i64) -> Plural {
        let one = match self {
            Self::Fr => count == 0 || count == 1,
            Self::En => count == 1,
        };
        if one { Plural::One } else { Plural::Other }
    }

    /// The language's own name, as a language switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::Fr => "Français",
            Self::En => "English",
        }
    }
}

/// The two forms of a counted word in French and English (texts keyed
/// `..._one` and `..._other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Other,
}

/// The device's language (kept a year). Not `HttpOnly`: nothing secret, and
/// the kiosk's idle reset puts it back to French in the browser.
pub const LANG_COOKIE: &str = "wis_lang";
/// Set when the language was chosen on this device before signing in: the
/// sign-in then keeps it for the account, rather than the account's own.
pub const LANG_CHOSEN_COOKIE: &str = "wis_lang_chosen";
const A_YEAR_SECS: u32 = 365 * 24 * 60 * 60;

/// The `Set-Cookie` value that remembers a language on a device.
pub fn lang_cookie(lang: Lang, secure: bool) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age={A_YEAR_SECS}; SameSite=Lax{}",
        lang.code(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value marking a choice made before signing in (or,
/// with `false`, clearing it).
pub fn lang_chosen_cookie(chosen: bool, secure: bool) -> String {
    format!(
        "{LANG_CHOSEN_COOKIE}={}; Path=/; SameSite=Lax{}{}",
        if chosen { "1" } else { "" },
        if chosen { "" } else { "; Max-Age=0" },
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_counts_zero_and_one_as_one_english_only_one() {
        let forms = |lang: Lang| [0, 1, 2, 21, -1].map(|n| lang.plural(n));
        use Plural::{One, Other};
        assert_eq!(forms(Lang::Fr), [One, One, Other, Other, Other]);
        assert_eq!(forms(Lang::En), [Other, One, Other, Other, Other]);
    }

    #[test]
    fn codes_round_trip_and_regional_forms_are_understood() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        assert_eq!(Lang::parse(" fr-FR "), Some(Lang::Fr));
        assert_eq!(Lang::parse("EN_gb"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
        assert_eq!(Lang::default(), Lang::Fr);
    }
}
