//! Stock figures and the movements that change them.
//!
//! Every change to a stock level is one movement of the ledger. The rules
//! here say what each kind of movement does to `on_hand` and `reserved`,
//! and which floor the result must stay above; the database applies them
//! in a single conditional statement.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest quantity one movement may carry: anything above is a typo
/// (a scanned EAN in the quantity box, an extra zero), not a delivery.
pub const MAX_MOVEMENT_QUANTITY: i64 = 10_000;

/// A strictly positive number of items, at most [`MAX_MOVEMENT_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(i64);

impl Quantity {
    pub fn new(n: i64) -> Result<Self, AppError> {
        if n <= 0 {
            Err(AppError::QuantityTooSmall { got: n })
        } else if n > MAX_MOVEMENT_QUANTITY {
            Err(AppError::QuantityTooLarge {
                got: n,
                max: MAX_MOVEMENT_QUANTITY,
            })
        } else {
            Ok(Self(n))
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        Self::new(parse_whole_number(raw)?)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A signed whole number typed by a person (`-2`, ` 12 `).
pub fn parse_whole_number(raw: &str) -> Result<i64, AppError> {
    let trimmed = raw.trim();
    trimmed.parse().map_err(|_| AppError::NotAWholeNumber {
        text: trimmed.chars().take(40).collect(),
    })
}

/// The figures of one SKU at one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StockFigures {
    pub on_hand: i64,
    pub reserved: i64,
    pub safety: i64,
}

impl StockFigures {
    /// What can be promised to a new customer: never below zero on screen,
    /// even when safety stock exceeds what is left.
    pub fn available(&self) -> i64 {
        (self.on_hand - self.reserved - self.safety).max(0)
    }
}

/// The kinds of ledger lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Goods received from a supplier or the warehouse.
    Receipt,
    /// Sold (in a shop or on the web) and gone.
    Sale,
    /// Brought back by a customer, sellable again.
    Return,
    /// A correction with a reason (damage, theft, found).
    Adjustment,
    /// A physical count replaced the figure.
    Count,
    TransferOut,
    TransferIn,
    /// Held for an order not yet handed over.
    Reservation,
    /// A hold given back (order cancelled or expired).
    Release,
    /// A held item handed to the customer.
    Handover,
    /// Items out of quarantine for good (damaged beyond sale).
    WriteOff,
    /// Items out of quarantine, checked and fine: back on the shelf.
    QuarantineRelease,
}

impl MovementKind {
    pub const ALL: [MovementKind; 12] = [
        Self::Receipt,
        Self::Sale,
        Self::Return,
        Self::Adjustment,
        Self::Count,
        Self::TransferOut,
        Self::TransferIn,
        Self::Reservation,
        Self::Release,
        Self::Handover,
        Self::WriteOff,
        Self::QuarantineRelease,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::Sale => "sale",
            Self::Return => "return",
            Self::Adjustment => "adjustment",
            Self::Count => "count",
            Self::TransferOut => "transfer_out",
            Self::TransferIn => "transfer_in",
            Self::Reservation => "reservation",
            Self::Release => "release",
            Self::Handover => "handover",
            Self::WriteOff => "write_off",
            Self::QuarantineRelease => "quarantine_release",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or_else(|| AppError::NotAMovementKind {
                text: raw.trim().chars().take(40).collect(),
            })
    }
}

/// Which floor the new figures must respect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// `on_hand - reserved >= 0`: goods held for orders stay untouched.
    Reserved,
    /// `on_hand - reserved - safety >= 0`: selling or promising to a new
    /// customer may not eat into safety stock.
    Available,
}

/// What one movement does to a stock level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockEffect {
    Delta {
        on_hand: i64,
        reserved: i64,
        /// Items kept aside (never available, not in `on_hand`).
        quarantined: i64,
        floor: Floor,
    },
    /// A count: the counted figure replaces `on_hand`.
    SetOnHand(i64),
}

/// A request to move stock, already validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Receipt(Quantity),
    Sale(Quantity),
    Return(Quantity),
    /// A signed correction, never zero.
    Adjustment(i64),
    Count(i64),
    TransferOut(Quantity),
    TransferIn(Quantity),
    Reservation(Quantity),
    Release(Quantity),
    Handover(Quantity),
    /// Goods held for an order leave for its pickup shop: out of this
    /// location's shelf and of what it holds.
    TransferOutHeld(Quantity),
    /// Goods of an order arrive at its pickup shop: onto the shelf and
    /// held for the order at once (no floor but what is there).
    TransferInHeld(Quantity),
    /// A returned item kept aside (damaged, or at the warehouse to check).
    ReturnToQuarantine(Quantity),
    /// Quarantined items gone for good.
    WriteOff(Quantity),
    /// Quarantined items checked and put back on the shelf.
    ReleaseFromQuarantine(Quantity),
    /// Quarantined items sent to another location.
    TransferOutQuarantined(Quantity),
    /// Items arriving into quarantine (to check there).
    TransferInQuarantined(Quantity),
}

impl Movement {
    pub fn adjustment(delta: i64) -> Result<Self, AppError> {
        if delta == 0 {
            return Err(AppError::AdjustmentIsZero);
        }
        if delta.abs() > MAX_MOVEMENT_QUANTITY {
            return Err(AppError::AdjustmentTooLarge {
                delta,
                max: MAX_MOVEMENT_QUANTITY,
            });
        }
        Ok(Self::Adjustment(delta))
    }

    pub fn count(counted: i64) -> Result<Self, AppError> {
        if counted < 0 {
            return Err(AppError::CountNegative);
        }
        if counted > 10 * MAX_MOVEMENT_QUANTITY {
            return Err(AppError::CountImplausible { counted });
        }
        Ok(Self::Count(counted))
    }

    pub fn kind(self) -> MovementKind {
        match self {
            Self::Receipt(_) => MovementKind::Receipt,
            Self::Sale(_) => MovementKind::Sale,
            Self::Return(_) => MovementKind::Return,
            Self::Adjustment(_) => MovementKind::Adjustment,
            Self::Count(_) => MovementKind::Count,
            Self::TransferOut(_) => MovementKind::TransferOut,
            Self::TransferIn(_) => MovementKind::TransferIn,
            Self::Reservation(_) => MovementKind::Reservation,
            Self::Release(_) => MovementKind::Release,
            Self::Handover(_) => MovementKind::Handover,
            Self::TransferOutHeld(_) => MovementKind::TransferOut,
            Self::TransferInHeld(_) => MovementKind::TransferIn,
            Self::ReturnToQuarantine(_) => MovementKind::Return,
            Self::WriteOff(_) => MovementKind::WriteOff,
            Self::ReleaseFromQuarantine(_) => MovementKind::QuarantineRelease,
            Self::TransferOutQuarantined(_) => MovementKind::TransferOut,
            Self::TransferInQuarantined(_) => MovementKind::TransferIn,
        }
    }

    pub fn effect(self) -> StockEffect {
        use Floor::*;
        let delta = |on_hand: i64, reserved: i64, floor| StockEffect::Delta {
            on_hand,
            reserved,
            quarantined: 0,
            floor,
        };
        let aside = |on_hand: i64, quarantined: i64| StockEffect::Delta {
            on_hand,
            reserved: 0,
            quarantined,
            floor: Reserved,
        };
        match self {
            Self::Receipt(q) | Self::Return(q) | Self::TransferIn(q) => delta(q.get(), 0, Reserved),
            Self::Sale(q) => delta(-q.get(), 0, Available),
            Self::Adjustment(d) => delta(d, 0, Reserved),
            Self::Count(n) => StockEffect::SetOnHand(n),
            Self::TransferOut(q) => delta(-q.get(), 0, Reserved),
            Self::Reservation(q) => delta(0, q.get(), Available),
            Self::Release(q) => delta(0, -q.get(), Reserved),
            Self::Handover(q) | Self::TransferOutHeld(q) => delta(-q.get(), -q.get(), Reserved),
            Self::TransferInHeld(q) => delta(q.get(), q.get(), Reserved),
            Self::ReturnToQuarantine(q) | Self::TransferInQuarantined(q) => aside(0, q.get()),
            Self::WriteOff(q) | Self::TransferOutQuarantined(q) => aside(0, -q.get()),
            Self::ReleaseFromQuarantine(q) => aside(q.get(), -q.get()),
        }
    }

    /// Applies the movement to known figures: the same rule the database
    /// enforces, used to explain a refusal and in tests.
    pub fn apply(self, before: StockFigures) -> Result<StockFigures, StockRefusal> {
        let after = match self.effect() {
            StockEffect::SetOnHand(n) => StockFigures {
                on_hand: n,
                ..before
            },
            StockEffect::Delta {
                on_hand, reserved, ..
            } => StockFigures {
                on_hand: before.on_hand + on_hand,
                reserved: before.reserved + reserved,
                safety: before.safety,
            },
        };
        let respects_safety = matches!(
            self.effect(),
            StockEffect::Delta {
                floor: Floor::Available,
                ..
            }
        );
        let floor = if respects_safety { after.safety } else { 0 };
        if after.reserved < 0 {
            return Err(StockRefusal::NotReserved {
                reserved: before.reserved,
            });
        }
        if after.on_hand - after.reserved - floor < 0 {
            return Err(match self {
                Self::Count(n) => StockRefusal::CountBelowReserved {
                    counted: n,
                    reserved: before.reserved,
                },
                _ if respects_safety => StockRefusal::NotEnoughAvailable {
                    available: before.available(),
                },
                // Say what is really short: the shelf, or what orders hold.
                _ if before.reserved <= 0 => StockRefusal::NotEnoughOnHand {
                    on_hand: before.on_hand.max(0),
                },
                _ => StockRefusal::NotEnoughFree {
                    free: (before.on_hand - before.reserved).max(0),
                    reserved: before.reserved,
                },
            });
        }
        Ok(after)
    }
}

/// Why a movement was refused, with the figures that explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockRefusal {
    /// A sale or reservation beyond what may be promised.
    NotEnoughAvailable {
        available: i64,
    },
    /// Removing more than the shelf holds (nothing is reserved).
    NotEnoughOnHand {
        on_hand: i64,
    },
    /// Removing goods that orders hold.
    NotEnoughFree {
        free: i64,
        reserved: i64,
    },
    NotReserved {
        reserved: i64,
    },
    CountBelowReserved {
        counted: i64,
        reserved: i64,
    },
}

impl From<StockRefusal> for AppError {
    fn from(refusal: StockRefusal) -> Self {
        match refusal {
            StockRefusal::NotEnoughAvailable { available } => Self::NotEnoughStock { available },
            StockRefusal::NotEnoughOnHand { on_hand } => Self::NotEnoughOnHand { on_hand },
            StockRefusal::NotEnoughFree { free, reserved } => {
                Self::NotEnoughFree { free, reserved }
            }
            StockRefusal::NotReserved { reserved } => Self::NotReserved { reserved },
            StockRefusal::CountBelowReserved { counted, reserved } => {
                Self::CountBelowReserved { counted, reserved }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(on_hand: i64, reserved: i64, safety: i64) -> StockFigures {
        StockFigures {
            on_hand,
            reserved,
            safety,
        }
    }

    fn q(n: i64) -> Quantity {
        Quantity::new(n).expect("valid quantity")
    }

    #[test]
    fn available_subtracts_reserved_and_safety_and_never_shows_negative() {
        assert_eq!(figures(10, 3, 2).available(), 5);
        assert_eq!(figures(1, 0, 2).available(), 0);
    }

    #[test]
    fn quantity_bounds() {
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(-3).is_err());
        assert!(Quantity::new(MAX_MOVEMENT_QUANTITY + 1).is_err());
        assert_eq!(Quantity::parse(" 12 ").map(Quantity::get), Ok(12));
        assert_eq!(
            Quantity::parse("1.5"),
            Err(AppError::NotAWholeNumber { text: "1.5".into() })
        );
        assert!(Quantity::parse("ten").is_err());
        assert_eq!(
            Quantity::parse("0"),
            Err(AppError::QuantityTooSmall { got: 0 })
        );
    }

    #[test]
    fn a_sale_respects_safety_stock() {
        let before = figures(5, 1, 2);
        assert_eq!(Movement::Sale(q(2)).apply(before), Ok(figures(3, 1, 2)));
        assert_eq!(
            Movement::Sale(q(3)).apply(before),
            Err(StockRefusal::NotEnoughAvailable { available: 2 })
        );
    }

    #[test]
    fn a_refused_sale_speaks_of_available_stock_even_without_safety_stock() {
        assert_eq!(
            Movement::Sale(q(4)).apply(figures(3, 0, 0)),
            Err(StockRefusal::NotEnoughAvailable { available: 3 })
        );
    }

    #[test]
    fn a_transfer_may_use_safety_stock_but_not_reservations() {
        let before = figures(5, 1, 2);
        assert_eq!(
            Movement::TransferOut(q(4)).apply(before),
            Ok(figures(1, 1, 2))
        );
        assert_eq!(
            Movement::TransferOut(q(5)).apply(before),
            Err(StockRefusal::NotEnoughFree {
                free: 4,
                reserved: 1
            })
        );
    }

    #[test]
    fn removing_from_an_empty_shelf_speaks_of_the_shelf_not_of_reservations() {
        assert_eq!(
            Movement::TransferOut(q(500)).apply(figures(0, 0, 0)),
            Err(StockRefusal::NotEnoughOnHand { on_hand: 0 })
        );
        assert_eq!(
            Movement::Adjustment(-3).apply(figures(2, 0, 1)),
            Err(StockRefusal::NotEnoughOnHand { on_hand: 2 })
        );
    }

    #[test]
    fn reservations_move_between_free_and_held() {
        let before = figures(5, 0, 1);
        let held = Movement::Reservation(q(4))
            .apply(before)
            .expect("4 available");
        assert_eq!(held, figures(5, 4, 1));
        assert!(Movement::Reservation(q(1)).apply(held).is_err());
        assert_eq!(Movement::Handover(q(3)).apply(held), Ok(figures(2, 1, 1)));
        assert_eq!(Movement::Release(q(4)).apply(held), Ok(figures(5, 0, 1)));
        assert_eq!(
            Movement::Release(q(5)).apply(held),
            Err(StockRefusal::NotReserved { reserved: 4 })
        );
    }

    #[test]
    fn a_count_replaces_on_hand_but_not_below_reserved() {
        let before = figures(7, 2, 0);
        assert_eq!(
            Movement::count(4).map(|m| m.apply(before)),
            Ok(Ok(figures(4, 2, 0)))
        );
        assert_eq!(
            Movement::Count(1).apply(before),
            Err(StockRefusal::CountBelowReserved {
                counted: 1,
                reserved: 2
            })
        );
        assert!(Movement::count(-1).is_err());
    }

    #[test]
    fn adjustments_are_signed_and_never_zero() {
        assert!(Movement::adjustment(0).is_err());
        assert!(Movement::adjustment(MAX_MOVEMENT_QUANTITY + 1).is_err());
        let before = figures(3, 1, 0);
        assert_eq!(Movement::Adjustment(-2).apply(before), Ok(figures(1, 1, 0)));
        assert!(Movement::Adjustment(-3).apply(before).is_err());
    }

    #[test]
    fn kinds_round_trip_through_text() {
        for kind in MovementKind::ALL {
            assert_eq!(MovementKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(MovementKind::parse("theft").is_err());
    }
}

/// A committed stock change, as pushed to live screens and other systems.
/// `seq` is the ledger line's sequence number: the event id clients resume
/// from, and per stock level a clock (a higher seq is a newer figure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockEvent {
    pub seq: i64,
    pub sku: String,
    pub product_id: String,
    pub location_id: String,
    pub kind: MovementKind,
    pub on_hand: i64,
    pub reserved: i64,
    pub safety: i64,
    pub available: i64,
    pub at_ms: i64,
}
