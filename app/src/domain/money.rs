//! Money is integer euro cents: never a float.

use super::lang::Lang;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    pub fn times(self, quantity: i64) -> Option<Cents> {
        self.0.checked_mul(quantity).map(Cents)
    }

    /// As a price label reads in each language: `1 234,50 €` in French
    /// (narrow no-break space between thousands, no-break space before the
    /// sign), `€1,234.50` in English. The same text on server and browser.
    pub fn format(self, lang: Lang) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (group, decimal) = match lang {
            Lang::Fr => ('\u{202f}', ','),
            Lang::En => (',', '.'),
        };
        let euros = group_thousands(abs / 100, group);
        let cents = abs % 100;
        match lang {
            Lang::Fr => format!("{sign}{euros}{decimal}{cents:02}\u{a0}€"),
            Lang::En => format!("{sign}€{euros}{decimal}{cents:02}"),
        }
    }

    /// A price range, `12,90 € – 15,90 €`, or one price when both ends agree.
    pub fn format_range(low: Cents, high: Cents, lang: Lang) -> String {
        if low == high {
            low.format(lang)
        } else {
            format!("{} – {}", low.format(lang), high.format(lang))
        }
    }
}

fn group_thousands(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(ch);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_french_euros() {
        assert_eq!(Cents(2990).format(Lang::Fr), "29,90\u{a0}€");
        assert_eq!(Cents(5).format(Lang::Fr), "0,05\u{a0}€");
        assert_eq!(Cents(123_450).format(Lang::Fr), "1\u{202f}234,50\u{a0}€");
        assert_eq!(
            Cents(123_456_789).format(Lang::Fr),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(Cents(-1500).format(Lang::Fr), "-15,00\u{a0}€");
    }

    #[test]
    fn formats_as_english_euros() {
        assert_eq!(Cents(2990).format(Lang::En), "€29.90");
        assert_eq!(Cents(5).format(Lang::En), "€0.05");
        assert_eq!(Cents(123_450).format(Lang::En), "€1,234.50");
        assert_eq!(Cents(100_000_000).format(Lang::En), "€1,000,000.00");
        assert_eq!(Cents(-1500).format(Lang::En), "-€15.00");
    }

    #[test]
    fn a_range_with_equal_ends_is_one_price() {
        assert_eq!(
            Cents::format_range(Cents(1290), Cents(1290), Lang::En),
            "€12.90"
        );
        assert_eq!(
            Cents::format_range(Cents(1290), Cents(1590), Lang::Fr),
            "12,90\u{a0}€ – 15,90\u{a0}€"
        );
    }

    #[test]
    fn multiplication_detects_overflow() {
        assert_eq!(Cents(250).times(4), Some(Cents(1000)));
        assert_eq!(Cents(i64::MAX).times(2), None);
    }
}
