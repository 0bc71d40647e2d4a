//! Turning what was typed or scanned into a search.

use super::{Ean13, Sku};
use std::collections::BTreeSet;

/// What the search box received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    /// Nothing worth searching yet.
    Empty,
    /// A whole, valid EAN-13: a scanner or a careful typist.
    Ean(Ean13),
    /// Words to find in names, colours, categories and SKU codes. The
    /// first word may also be the start of a SKU code.
    Text {
        words: Vec<String>,
        sku_prefix: Option<String>,
    },
}

/// At most this many words are matched; more add nothing on a shop floor.
pub const MAX_WORDS: usize = 4;

/// Words are indexed under their first one to this many characters. A longer
/// word typed is looked up by its first ones, then checked whole.
pub const PREFIX_CHARS: usize = 8;

impl SearchQuery {
    pub fn parse(raw: &str) -> Self {
        let trimmed = raw.trim();
        if trimmed.chars().count() < 2 {
            return Self::Empty;
        }
        if let Ok(ean) = Ean13::parse(trimmed) {
            return Self::Ean(ean);
        }
        let folded = fold(trimmed);
        let mut words: Vec<String> = Vec::new();
        for word in words_of(&folded) {
            if words.len() < MAX_WORDS && !words.iter().any(|w| w == word) {
                words.push(word.to_string());
            }
        }
        if words.is_empty() {
            return Self::Empty;
        }
        let sku_prefix = Sku::parse(trimmed).ok().map(|s| s.as_str().to_string());
        Self::Text { words, sku_prefix }
    }
}

/// Lower case without accents, so "écru" finds "Ecru" and the reverse.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

/// The words of folded text: its runs of letters and digits ("pret-a-porter"
/// is three words), the same for what is indexed and what is typed.
pub fn words_of(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// What a typed word is looked up by: its first `PREFIX_CHARS` characters.
pub fn prefix_key(word: &str) -> &str {
    match word.char_indices().nth(PREFIX_CHARS) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

/// Every key under which folded text is found: each word's first one to
/// `PREFIX_CHARS` characters.
pub fn indexed_prefixes(folded: &str) -> BTreeSet<&str> {
    words_of(folded)
        .flat_map(|word| {
            word.char_indices()
                .take(PREFIX_CHARS)
                .map(move |(at, c)| &word[..at + c.len_utf8()])
        })
        .collect()
}

/// Escapes a word for a `LIKE ... ESCAPE '\'` pattern and wraps it in `%`.
pub fn like_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scanned_ean_is_recognised() {
        assert!(matches!(
            SearchQuery::parse("9780306406157"),
            SearchQuery::Ean(_)
        ));
    }

    #[test]
    fn thirteen_digits_with_a_bad_check_digit_search_as_text() {
        assert!(matches!(
            SearchQuery::parse("9780306406158"),
            SearchQuery::Text { .. }
        ));
    }

    #[test]
    fn words_are_folded_and_limited() {
        let SearchQuery::Text { words, .. } = SearchQuery::parse("Robe  ÉCRU lin coton soie")
        else {
            panic!("expected text")
        };
        assert_eq!(words, vec!["robe", "ecru", "lin", "coton"]);
    }

    #[test]
    fn typed_words_split_like_indexed_ones() {
        let SearchQuery::Text { words, .. } = SearchQuery::parse("T-shirt prêt-à-porter t")
        else {
            panic!("expected text")
        };
        assert_eq!(words, vec!["t", "shirt", "pret", "a"]);
    }

    #[test]
    fn each_word_is_indexed_under_its_first_letters() {
        let keys = indexed_prefixes("robe ecru rob-0001 boutonnee");
        for key in [
            "r", "ro", "rob", "robe", "e", "ecru", "0", "0001", "boutonne",
        ] {
            assert!(keys.contains(key), "{key}");
        }
        assert!(!keys.contains("boutonnee"), "longer than PREFIX_CHARS");
        assert!(!keys.contains("obe"), "words are found by their start");
        assert_eq!(prefix_key("boutonnee"), "boutonne");
        assert_eq!(prefix_key("écru"), "écru");
        assert_eq!(prefix_key("ééééééééé").chars().count(), PREFIX_CHARS);
    }

    #[test]
    fn a_sku_like_query_keeps_its_prefix() {
        let SearchQuery::Text { sku_prefix, .. } = SearchQuery::parse("chm-004") else {
            panic!("expected text")
        };
        assert_eq!(sku_prefix.as_deref(), Some("CHM-004"));
    }

    #[test]
    fn one_letter_is_not_a_search() {
        assert_eq!(SearchQuery::parse(" r "), SearchQuery::Empty);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}

/// Percent-encodes text for a URL query value.
pub fn encode_query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod encode_tests {
    use super::encode_query_value;

    #[test]
    fn reserved_and_accented_characters_are_encoded() {
        assert_eq!(
            encode_query_value("robe écru&x=1"),
            "robe%20%C3%A9cru%26x%3D1"
        );
        assert_eq!(encode_query_value("ROB-0001"), "ROB-0001");
    }
}
