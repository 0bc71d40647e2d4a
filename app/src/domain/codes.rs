//! Identifiers that arrive as text from people, scanners and other systems.
//! Each is parsed once at the edge; past that point it is known to be valid.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A stock-keeping unit code such as `CHM-0042-BLE-M`: upper-case letters,
/// digits and dashes, 3 to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sku(String);

impl Sku {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let code = raw.trim().to_ascii_uppercase();
        let well_formed = (3..=40).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !well_formed {
            return Err(AppError::NotASku {
                text: raw.trim().chars().take(50).collect(),
            });
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A 13-digit European Article Number with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ean13(String);

impl Ean13 {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let digits = raw.trim();
        if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "'{digits}' is not an EAN-13: it needs exactly 13 digits"
            ));
        }
        let expected = Self::check_digit(&digits[..12]);
        let actual = digits.as_bytes()[12] - b'0';
        if expected != actual {
            return Err(format!(
                "'{digits}' is not a valid EAN-13: the check digit should be {expected}"
            ));
        }
        Ok(Self(digits.to_string()))
    }

    /// Builds a valid code from its first twelve digits (used by the demo seed).
    pub fn from_twelve(first_twelve: u64) -> Self {
        let body = format!("{:012}", first_twelve % 1_000_000_000_000);
        let check = Self::check_digit(&body);
        Self(format!("{body}{check}"))
    }

    /// GS1 check digit: weights 1 and 3 alternate from the left.
    fn check_digit(twelve: &str) -> u8 {
        let sum: u32 = twelve
            .bytes()
            .enumerate()
            .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        ((10 - sum % 10) % 10) as u8
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ean13 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A store or warehouse id such as `PAR01` or `WH-LYS`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocationId(String);

impl LocationId {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let id = raw.trim().to_ascii_uppercase();
        if id.is_empty()
            || id.len() > 16
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(AppError::NotALocation {
                text: raw.trim().chars().take(30).collect(),
            });
        }
        Ok(Self(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sku_is_normalised_to_upper_case() {
        assert_eq!(
            Sku::parse(" chm-0042-ble-m ").map(|s| s.0),
            Ok("CHM-0042-BLE-M".into())
        );
    }

    #[test]
    fn sku_rejects_spaces_and_symbols() {
        assert!(Sku::parse("CHM 0042").is_err());
        assert!(Sku::parse("CHM;DROP").is_err());
        assert!(Sku::parse("AB").is_err());
    }

    #[test]
    fn ean_accepts_a_real_code() {
        // A published EAN-13 (a book's ISBN-13).
        assert!(Ean13::parse("9780306406157").is_ok());
    }

    #[test]
    fn ean_rejects_a_wrong_check_digit() {
        let err = Ean13::parse("9780306406158").expect_err("check digit is wrong");
        assert!(err.contains("should be 7"), "{err}");
    }

    #[test]
    fn ean_rejects_wrong_length_and_letters() {
        assert!(Ean13::parse("978030640615").is_err());
        assert!(Ean13::parse("97803064061X7").is_err());
    }

    #[test]
    fn generated_eans_are_valid() {
        for n in [0_u64, 1, 376_000_000_001, 999_999_999_999] {
            let ean = Ean13::from_twelve(n);
            assert_eq!(Ean13::parse(ean.as_str()), Ok(ean.clone()));
        }
    }

    #[test]
    fn location_ids_are_short_codes() {
        assert_eq!(LocationId::parse("par01").map(|l| l.0), Ok("PAR01".into()));
        assert!(LocationId::parse("").is_err());
        assert!(LocationId::parse("PAR 01").is_err());
    }
}
