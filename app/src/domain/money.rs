//! Money is integer euro cents: never a float.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    pub fn times(self, quantity: i64) -> Option<Cents> {
        self.0.checked_mul(quantity).map(Cents)
    }
}

/// French formatting, as shown on labels in the shop: `1 234,50 €`.
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = (abs / 100).to_string();
        let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
        for (i, ch) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push('\u{202f}');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}{grouped},{:02}\u{a0}€", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_french_euros() {
        assert_eq!(Cents(2990).to_string(), "29,90\u{a0}€");
        assert_eq!(Cents(5).to_string(), "0,05\u{a0}€");
        assert_eq!(Cents(123_450).to_string(), "1\u{202f}234,50\u{a0}€");
        assert_eq!(Cents(-1500).to_string(), "-15,00\u{a0}€");
    }

    #[test]
    fn multiplication_detects_overflow() {
        assert_eq!(Cents(250).times(4), Some(Cents(1000)));
        assert_eq!(Cents(i64::MAX).times(2), None);
    }
}
