//! A basket's arithmetic and rules: line prices with their discount, who
//! may give which discount, how an order is paid, the hand-off code.
//! Prices always come from the catalogue on the server; nothing here
//! trusts a figure sent by a browser.

use super::money::Cents;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A discount on one line, in whole percent (0 to 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DiscountPercent(i64);

impl DiscountPercent {
    pub fn new(percent: i64) -> Result<Self, AppError> {
        if (0..=100).contains(&percent) {
            Ok(Self(percent))
        } else {
            Err(AppError::DiscountInvalid {
                text: percent.to_string(),
            })
        }
    }

    /// As typed: `15`, `15 %`, `15%`; empty means none.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let text = raw.trim().trim_end_matches('%').trim();
        if text.is_empty() {
            return Ok(Self(0));
        }
        let percent: i64 = text.parse().map_err(|_| AppError::DiscountInvalid {
            text: raw.trim().chars().take(20).collect(),
        })?;
        Self::new(percent)
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// Whether this discount needs a manager when an associate gives it.
    pub fn needs_approval(self, associate_limit: i64) -> bool {
        self.0 > associate_limit
    }
}

/// A line's price: quantity times the catalogue's unit price, less the
/// discount (rounded up to the whole cent: in the customer's favour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LinePrice {
    pub gross: Cents,
    pub discount: Cents,
    pub net: Cents,
}

impl LinePrice {
    pub fn of(unit: Cents, quantity: i64, discount: DiscountPercent) -> Result<Self, AppError> {
        let gross = unit.times(quantity).ok_or(AppError::Internal)?;
        let off = (gross.0 * discount.get() + 99) / 100;
        Ok(Self {
            gross,
            discount: Cents(off),
            net: Cents(gross.0 - off),
        })
    }
}

/// Totals of a basket or an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub gross: Cents,
    pub discount: Cents,
    pub net: Cents,
    pub items: i64,
}

impl Totals {
    pub fn add(&mut self, price: LinePrice, quantity: i64) {
        self.gross.0 += price.gross.0;
        self.discount.0 += price.discount.0;
        self.net.0 += price.net.0;
        self.items += quantity;
    }
}

/// How the customer pays (recorded, not processed: there is no payment
/// provider here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// At the till, on the card terminal (its reference is kept).
    Card,
    Cash,
    GiftCard,
    /// A payment link sent to the customer: the order waits for it.
    Link,
    /// Paid on the web shop (its payment reference is kept).
    Web,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] = [
        Self::Card,
        Self::Cash,
        Self::GiftCard,
        Self::Link,
        Self::Web,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::Cash => "cash",
            Self::GiftCard => "gift_card",
            Self::Link => "link",
            Self::Web => "web",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == code)
    }

    /// Paid at the till: the goods may leave with the customer.
    pub fn is_at_the_till(self) -> bool {
        matches!(self, Self::Card | Self::Cash | Self::GiftCard)
    }

    /// Whether the payment carries the terminal's (or provider's) reference.
    pub fn needs_reference(self) -> bool {
        matches!(self, Self::Card | Self::GiftCard)
    }
}

/// Whether an order's money is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    /// Waiting for a payment by link, until a deadline.
    Awaiting,
    /// Never paid: the order was cancelled.
    Cancelled,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Awaiting => "awaiting",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Paid, Self::Awaiting, Self::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == code)
    }
}

/// The letters of a hand-off code: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, which
/// are misread when spoken or typed from a screen.
pub const HANDOFF_ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";
/// Letters in a hand-off code: 25^6, about 244 million codes.
pub const HANDOFF_LEN: usize = 6;
/// What a scanned QR of a basket reads: this prefix, then the code.
pub const HANDOFF_SCAN_PREFIX: &str = "PANIER-";

/// A hand-off code as typed or scanned: case, spaces and dashes ignored,
/// the scan prefix removed. `None` when it cannot be one.
pub fn parse_handoff_code(raw: &str) -> Option<String> {
    let upper = raw.trim().to_ascii_uppercase();
    let body = upper.strip_prefix(HANDOFF_SCAN_PREFIX).unwrap_or(&upper);
    let code: String = body.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let valid = code.len() == HANDOFF_LEN && code.bytes().all(|b| HANDOFF_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// Reads better aloud in two halves: `K7Q-4M2`.
pub fn format_handoff_code(code: &str) -> String {
    if code.len() == HANDOFF_LEN && code.is_ascii() {
        format!("{}-{}", &code[..3], &code[3..])
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounts_are_whole_percent_up_to_100() {
        assert_eq!(DiscountPercent::parse(" 15 % ").map(|d| d.get()), Ok(15));
        assert_eq!(DiscountPercent::parse("").map(|d| d.get()), Ok(0));
        assert_eq!(DiscountPercent::parse("100").map(|d| d.get()), Ok(100));
        for bad in ["-5", "101", "12.5", "dix"] {
            assert!(DiscountPercent::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn more_than_the_associate_limit_needs_a_manager() {
        let limit = 10;
        assert!(!DiscountPercent::new(10).is_ok_and(|d| d.needs_approval(limit)));
        assert!(DiscountPercent::new(11).is_ok_and(|d| d.needs_approval(limit)));
    }

    #[test]
    fn a_discount_is_rounded_in_the_customer_s_favour() {
        let price = LinePrice::of(Cents(1999), 3, DiscountPercent(15)).expect("fits");
        assert_eq!(price.gross, Cents(5997));
        // 15 % of 59,97 € is 8,9955 €: 9,00 € off.
        assert_eq!(price.discount, Cents(900));
        assert_eq!(price.net, Cents(5097));
        let none = LinePrice::of(Cents(1999), 1, DiscountPercent(0)).expect("fits");
        assert_eq!(none.net, Cents(1999));
        let free = LinePrice::of(Cents(1999), 2, DiscountPercent(100)).expect("fits");
        assert_eq!(free.net, Cents(0));
    }

    #[test]
    fn totals_add_up_lines() {
        let mut totals = Totals::default();
        totals.add(
            LinePrice::of(Cents(1000), 2, DiscountPercent(10)).expect("fits"),
            2,
        );
        totals.add(
            LinePrice::of(Cents(500), 1, DiscountPercent(0)).expect("fits"),
            1,
        );
        assert_eq!(totals.gross, Cents(2500));
        assert_eq!(totals.discount, Cents(200));
        assert_eq!(totals.net, Cents(2300));
        assert_eq!(totals.items, 3);
    }

    #[test]
    fn only_the_till_lets_goods_leave_at_once() {
        assert!(PaymentMethod::Card.is_at_the_till());
        assert!(!PaymentMethod::Link.is_at_the_till());
        assert_eq!(
            PaymentMethod::from_code("gift_card"),
            Some(PaymentMethod::GiftCard)
        );
        assert_eq!(PaymentMethod::from_code("cheque"), None);
    }

    #[test]
    fn hand_off_codes_read_as_typed_or_scanned() {
        assert_eq!(parse_handoff_code("k7q-4m9"), Some("K7Q4M9".to_string()));
        assert_eq!(
            parse_handoff_code("PANIER-K7Q4M9"),
            Some("K7Q4M9".to_string())
        );
        assert_eq!(parse_handoff_code(" k7q 4m9 "), Some("K7Q4M9".to_string()));
        // 0, 1, 2, 5, 8, B, I, L, O, S, Z are not in the alphabet.
        for bad in ["K7Q4M", "K7Q4M90", "K7Q4M0", "BOLIS2", ""] {
            assert_eq!(parse_handoff_code(bad), None, "{bad}");
        }
        assert_eq!(format_handoff_code("K7Q4M9"), "K7Q-4M9");
    }
}
