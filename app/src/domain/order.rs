//! The order and pickup life cycle, one model for every channel.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Store,
    Kiosk,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Store => "store",
            Self::Kiosk => "kiosk",
        }
    }
}

/// How the goods reach the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fulfilment {
    /// Taken away at the till.
    Carry,
    /// Shipped to the customer's address.
    Ship,
    /// Click-and-collect: picked up at a shop.
    Collect,
}

impl Fulfilment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Carry => "carry",
            Self::Ship => "ship",
            Self::Collect => "collect",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Picking,
    /// Staged at the pickup shop; the customer has their code.
    Ready,
    Shipped,
    /// Fully handed over (collect) or delivered (ship) or sold (carry).
    Completed,
    /// Some lines handed over, others still waiting.
    PartiallyCollected,
    /// Not collected in time: its reservations were released.
    Expired,
    Cancelled,
}

/// What happened to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    StartPicking,
    MarkReady,
    Ship,
    Deliver,
    HandOverAll,
    HandOverSome,
    Expire,
    Cancel,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        Self::Placed,
        Self::Picking,
        Self::Ready,
        Self::Shipped,
        Self::Completed,
        Self::PartiallyCollected,
        Self::Expired,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Picking => "picking",
            Self::Ready => "ready",
            Self::Shipped => "shipped",
            Self::Completed => "completed",
            Self::PartiallyCollected => "partially_collected",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| format!("unknown order status '{raw}'"))
    }

    /// Whether stock is still held for this order.
    pub fn holds_stock(self) -> bool {
        matches!(
            self,
            Self::Placed | Self::Picking | Self::Ready | Self::PartiallyCollected
        )
    }

    /// The state machine. `None` means the event is not allowed now.
    pub fn next(self, fulfilment: Fulfilment, event: OrderEvent) -> Option<OrderStatus> {
        use OrderEvent as E;
        use OrderStatus as S;
        match (self, fulfilment, event) {
            (S::Placed, Fulfilment::Carry, E::HandOverAll) => Some(S::Completed),
            (S::Placed, Fulfilment::Ship | Fulfilment::Collect, E::StartPicking) => {
                Some(S::Picking)
            }
            (S::Picking, Fulfilment::Collect, E::MarkReady) => Some(S::Ready),
            (S::Picking, Fulfilment::Ship, E::Ship) => Some(S::Shipped),
            (S::Shipped, Fulfilment::Ship, E::Deliver) => Some(S::Completed),
            (S::Ready | S::PartiallyCollected, Fulfilment::Collect, E::HandOverAll) => {
                Some(S::Completed)
            }
            (S::Ready | S::PartiallyCollected, Fulfilment::Collect, E::HandOverSome) => {
                Some(S::PartiallyCollected)
            }
            (S::Ready | S::PartiallyCollected, Fulfilment::Collect, E::Expire) => Some(S::Expired),
            (S::Placed | S::Picking | S::Ready, _, E::Cancel) => Some(S::Cancelled),
            _ => None,
        }
    }
}

/// A pickup code: six digits the customer reads out or shows as a QR code.
pub fn is_valid_pickup_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderEvent as E;
    use OrderStatus as S;

    #[test]
    fn click_and_collect_happy_path() {
        let f = Fulfilment::Collect;
        let s = S::Placed
            .next(f, E::StartPicking)
            .and_then(|s| s.next(f, E::MarkReady));
        assert_eq!(s, Some(S::Ready));
        assert_eq!(
            S::Ready.next(f, E::HandOverSome),
            Some(S::PartiallyCollected)
        );
        assert_eq!(
            S::PartiallyCollected.next(f, E::HandOverAll),
            Some(S::Completed)
        );
    }

    #[test]
    fn uncollected_orders_expire_and_release_stock() {
        assert_eq!(
            S::Ready.next(Fulfilment::Collect, E::Expire),
            Some(S::Expired)
        );
        assert!(!S::Expired.holds_stock());
        assert!(S::Ready.holds_stock());
    }

    #[test]
    fn nothing_leaves_a_final_state() {
        for terminal in [S::Completed, S::Expired, S::Cancelled] {
            for event in [
                E::StartPicking,
                E::MarkReady,
                E::Ship,
                E::HandOverAll,
                E::Expire,
                E::Cancel,
            ] {
                assert_eq!(
                    terminal.next(Fulfilment::Collect, event),
                    None,
                    "{terminal:?} {event:?}"
                );
            }
        }
    }

    #[test]
    fn shipped_orders_cannot_be_collected() {
        assert_eq!(S::Shipped.next(Fulfilment::Ship, E::HandOverAll), None);
        assert_eq!(S::Picking.next(Fulfilment::Ship, E::MarkReady), None);
    }

    #[test]
    fn statuses_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn pickup_codes_are_six_digits() {
        assert!(is_valid_pickup_code("042917"));
        assert!(!is_valid_pickup_code("42917"));
        assert!(!is_valid_pickup_code("04291a"));
    }
}
