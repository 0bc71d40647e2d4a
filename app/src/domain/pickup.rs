//! Click-and-collect rules that need no database: the pickup code and what
//! a QR carries, the shelf slot, how code guessing is slowed down, when a
//! ready order must be collected, and which list of the shop's queue an
//! order belongs to.

use super::sign_in::Allowance;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Digits in a pickup code: 10^8 codes, of which a shop holds a few hundred
/// at most, so a guess has about one chance in a million; the tries
/// allowed (below) make guessing hopeless.
pub const PICKUP_CODE_LEN: usize = 8;

/// What a pickup QR carries before the code, so that a scanner anywhere
/// (kiosk, tablet) knows it is a pickup and not a product.
pub const PICKUP_SCAN_PREFIX: &str = "RETRAIT-";

/// Tries of codes typed at one shop (its kiosk and tablets together):
/// generous for a queue of customers who mistype, hopeless for a guesser.
pub const SHOP_TRIES: Allowance = Allowance {
    free: 12,
    first_lock_ms: 30_000,
    longest_lock_ms: 15 * 60_000,
    forget_after_ms: 60 * 60_000,
};

/// Tries of codes for one order at its handover.
pub const ORDER_TRIES: Allowance = Allowance {
    free: 4,
    first_lock_ms: 30_000,
    longest_lock_ms: 15 * 60_000,
    forget_after_ms: 60 * 60_000,
};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A pickup code as the customer reads it out, types it or shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PickupCode(String);

impl PickupCode {
    /// Accepts what people and scanners send: spaces and dashes between
    /// the digits, and the QR's prefix.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let trimmed = raw.trim();
        let without_prefix =
            strip_prefix_ignore_case(trimmed, PICKUP_SCAN_PREFIX).unwrap_or(trimmed);
        let digits: String = without_prefix
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.'))
            .collect();
        if digits.len() != PICKUP_CODE_LEN || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::NotAPickupCode {
                text: trimmed.chars().take(30).collect(),
            });
        }
        Ok(Self(digits))
    }

    /// A code from a random number (the caller draws it).
    pub fn from_number(number: u64) -> Self {
        Self(format!("{:08}", number % 100_000_000))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "1234 5678": two groups, easier to read out.
    pub fn display(&self) -> String {
        format!("{} {}", &self.0[..4], &self.0[4..])
    }

    /// What the pickup QR carries.
    pub fn qr_text(&self) -> String {
        format!("{PICKUP_SCAN_PREFIX}{}", self.0)
    }

    /// Compares without stopping at the first difference, so that the
    /// time taken says nothing about how much of a guess was right.
    pub fn matches(&self, stored: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), stored.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Whether a scanned text is a pickup QR (the scan listener's test).
pub fn is_pickup_scan(raw: &str) -> bool {
    strip_prefix_ignore_case(raw.trim(), PICKUP_SCAN_PREFIX).is_some()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A shelf slot of the pickup area: a row letter (or two) and a number,
/// `B12`; typed in any case, with or without a space or dash.
pub fn parse_slot(raw: &str) -> Result<String, AppError> {
    let slot: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    let letters = slot.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = &slot[letters..];
    let well_formed = (1..=2).contains(&letters)
        && (1..=3).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(AppError::NotAShelfSlot {
            text: raw.trim().chars().take(20).collect(),
        });
    }
    Ok(slot)
}

/// When a ready order must be collected: `hold_days` after it was ready.
pub fn collect_by(ready_at_ms: i64, hold_days: i64) -> i64 {
    ready_at_ms + hold_days.max(1) * DAY_MS
}

/// When the reminder goes: the day before the collect-by moment.
pub fn reminder_due(collect_by_ms: i64) -> i64 {
    collect_by_ms - DAY_MS
}

/// When a ready order not collected expires: `grace_hours` after its
/// collect-by moment (meanwhile the manager sees it as overdue).
pub fn expires_at(collect_by_ms: i64, grace_hours: i64) -> i64 {
    collect_by_ms + grace_hours.max(0) * 60 * 60 * 1000
}

/// The lists of a shop's pickup queue, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueList {
    /// A customer checked in at the kiosk and nobody has taken them yet.
    Waiting,
    /// Goods here, nobody has started picking.
    ToPrepare,
    /// Goods coming from another location (not sent yet, or on the way).
    OnTheWay,
    /// Being picked.
    Picking,
    /// Staged on a slot, the customer told.
    Ready,
    /// Ready, but past the collect-by moment.
    Overdue,
    /// Handed over since the start of the day.
    CollectedToday,
    /// Goods of another shop's order, to send from here.
    ToSend,
    /// Not collected in time (the manager's board only).
    Expired,
}

impl QueueList {
    pub const ALL: [QueueList; 8] = [
        Self::Waiting,
        Self::ToSend,
        Self::OnTheWay,
        Self::ToPrepare,
        Self::Picking,
        Self::Ready,
        Self::Overdue,
        Self::CollectedToday,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::ToPrepare => "to_prepare",
            Self::OnTheWay => "on_the_way",
            Self::Picking => "picking",
            Self::Ready => "ready",
            Self::Overdue => "overdue",
            Self::CollectedToday => "collected_today",
            Self::ToSend => "to_send",
            Self::Expired => "expired",
        }
    }
}

/// What decides where a fulfilment sits in the queue of `here`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFacts<'a> {
    pub status: super::order::OrderStatus,
    pub source: &'a str,
    pub pickup: &'a str,
    pub here: &'a str,
    pub received: bool,
    pub sent: bool,
    pub checked_in: bool,
    pub attended: bool,
    pub collect_by_ms: Option<i64>,
    pub collected_at_ms: Option<i64>,
}

/// The list of the queue of `facts.here` a fulfilment belongs to, if any.
pub fn queue_list(facts: QueueFacts<'_>, now_ms: i64, day_start_ms: i64) -> Option<QueueList> {
    use super::order::OrderStatus as S;
    let goods_here = facts.source == facts.pickup || facts.received;
    if facts.pickup != facts.here {
        // Only the source sees another shop's order: while it is to send.
        return (facts.source == facts.here && facts.status == S::Placed && !facts.sent)
            .then_some(QueueList::ToSend);
    }
    match facts.status {
        S::Placed if !goods_here => Some(QueueList::OnTheWay),
        S::Placed => Some(QueueList::ToPrepare),
        S::Picking => Some(QueueList::Picking),
        S::Ready | S::PartiallyCollected if facts.checked_in && !facts.attended => {
            Some(QueueList::Waiting)
        }
        S::Ready | S::PartiallyCollected if facts.collect_by_ms.is_some_and(|by| by < now_ms) => {
            Some(QueueList::Overdue)
        }
        S::Ready | S::PartiallyCollected => Some(QueueList::Ready),
        S::Completed if facts.collected_at_ms.is_some_and(|at| at >= day_start_ms) => {
            Some(QueueList::CollectedToday)
        }
        _ => None,
    }
}

/// Whether an order not yet ready is late against the shop's target.
pub fn is_late(placed_at_ms: i64, target_minutes: i64, now_ms: i64) -> bool {
    now_ms - placed_at_ms > target_minutes * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderStatus as S;

    fn facts(status: S) -> QueueFacts<'static> {
        QueueFacts {
            status,
            source: "PAR01",
            pickup: "PAR01",
            here: "PAR01",
            received: false,
            sent: false,
            checked_in: false,
            attended: false,
            collect_by_ms: Some(10_000),
            collected_at_ms: None,
        }
    }

    #[test]
    fn codes_read_as_people_and_scanners_send_them() {
        let code = PickupCode::parse(" 1234 5678 ").expect("valid");
        assert_eq!(code.as_str(), "12345678");
        assert_eq!(code.display(), "1234 5678");
        assert_eq!(PickupCode::parse("retrait-12345678").expect("valid"), code);
        assert_eq!(PickupCode::parse(&code.qr_text()).expect("valid"), code);
        assert!(PickupCode::parse("1234567").is_err());
        assert!(PickupCode::parse("1234567a").is_err());
        assert!(code.matches("12345678"));
        assert!(!code.matches("12345679"));
        assert!(!code.matches("1234567"));
        assert!(is_pickup_scan("RETRAIT-00000001"));
        assert!(!is_pickup_scan("3401234567890"));
        assert_eq!(PickupCode::from_number(42).as_str(), "00000042");
    }

    #[test]
    fn slots_are_a_row_and_a_number() {
        assert_eq!(parse_slot("b12").expect("valid"), "B12");
        assert_eq!(parse_slot("AA-3").expect("valid"), "AA3");
        assert!(parse_slot("12").is_err());
        assert!(parse_slot("B").is_err());
        assert!(parse_slot("ABC1").is_err());
        assert!(parse_slot("B1234").is_err());
    }

    #[test]
    fn dates_follow_the_shop_rules() {
        let ready = 1_000;
        let by = collect_by(ready, 7);
        assert_eq!(by, ready + 7 * DAY_MS);
        assert_eq!(reminder_due(by), ready + 6 * DAY_MS);
        assert_eq!(expires_at(by, 24), by + DAY_MS);
    }

    #[test]
    fn each_order_sits_in_one_list() {
        assert_eq!(
            queue_list(facts(S::Placed), 0, 0),
            Some(QueueList::ToPrepare)
        );
        let from_warehouse = QueueFacts {
            source: "WH",
            ..facts(S::Placed)
        };
        assert_eq!(queue_list(from_warehouse, 0, 0), Some(QueueList::OnTheWay));
        let arrived = QueueFacts {
            received: true,
            ..from_warehouse
        };
        assert_eq!(queue_list(arrived, 0, 0), Some(QueueList::ToPrepare));
        let at_warehouse = QueueFacts {
            here: "WH",
            ..from_warehouse
        };
        assert_eq!(queue_list(at_warehouse, 0, 0), Some(QueueList::ToSend));
        let sent = QueueFacts {
            sent: true,
            ..at_warehouse
        };
        assert_eq!(queue_list(sent, 0, 0), None);
        assert_eq!(
            queue_list(facts(S::Picking), 0, 0),
            Some(QueueList::Picking)
        );
        assert_eq!(queue_list(facts(S::Ready), 0, 0), Some(QueueList::Ready));
        assert_eq!(
            queue_list(facts(S::Ready), 20_000, 0),
            Some(QueueList::Overdue)
        );
        let waiting = QueueFacts {
            checked_in: true,
            ..facts(S::Ready)
        };
        assert_eq!(queue_list(waiting, 20_000, 0), Some(QueueList::Waiting));
        let taken = QueueFacts {
            attended: true,
            ..waiting
        };
        assert_eq!(queue_list(taken, 0, 0), Some(QueueList::Ready));
        let collected = QueueFacts {
            collected_at_ms: Some(500),
            ..facts(S::Completed)
        };
        assert_eq!(
            queue_list(collected, 600, 400),
            Some(QueueList::CollectedToday)
        );
        assert_eq!(queue_list(collected, 600, 550), None);
        assert_eq!(queue_list(facts(S::Expired), 0, 0), None);
    }

    #[test]
    fn lateness_is_against_the_target() {
        assert!(!is_late(0, 120, 120 * 60_000));
        assert!(is_late(0, 120, 120 * 60_000 + 1));
    }
}
