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
    /// From the code stored in `orders.channel` and `baskets.channel`; the
    /// tables' checks allow no other (anything else reads as a shop sale).
    pub fn from_code(code: &str) -> Self {
        match code {
            "web" => Self::Web,
            "kiosk" => Self::Kiosk,
            _ => Self::Store,
        }
    }

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

/// Whether a code is an order's reference (`WEB-0000123`), as typed or
/// read from the QR of a confirmation or a receipt.
pub fn is_order_reference(code: &str) -> bool {
    let code = code.trim().to_ascii_uppercase();
    let Some((channel, number)) = code.split_once('-') else {
        return false;
    };
    matches!(channel, "WEB" | "STORE" | "KIOSK")
        && number.len() == 7
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// How far an open fulfilment has gone, to find the one that lags.
fn progress(status: OrderStatus) -> u8 {
    match status {
        OrderStatus::Placed => 0,
        OrderStatus::Picking => 1,
        OrderStatus::Ready | OrderStatus::Shipped => 2,
        OrderStatus::PartiallyCollected => 3,
        OrderStatus::Completed | OrderStatus::Expired | OrderStatus::Cancelled => 4,
    }
}

/// An order's status from its fulfilments': the status of the one that
/// lags behind while any is open; once all are done, completed if any
/// goods reached the customer, otherwise expired or cancelled.
pub fn summary_status(fulfilments: &[OrderStatus]) -> OrderStatus {
    use OrderStatus as S;
    if let Some(lagging) = fulfilments
        .iter()
        .copied()
        .filter(|s| s.holds_stock() || *s == S::Shipped)
        .min_by_key(|s| progress(*s))
    {
        return lagging;
    }
    if fulfilments.contains(&S::Completed) {
        S::Completed
    } else if fulfilments.contains(&S::Expired) {
        S::Expired
    } else {
        S::Cancelled
    }
}

/// The fulfilment an order is known by (the timeline's filter): collect
/// when any goods are collected, otherwise ship when any are shipped,
/// otherwise carry.
pub fn summary_fulfilment(kinds: &[Fulfilment]) -> Fulfilment {
    if kinds.contains(&Fulfilment::Collect) {
        Fulfilment::Collect
    } else if kinds.contains(&Fulfilment::Ship) {
        Fulfilment::Ship
    } else {
        Fulfilment::Carry
    }
}

impl Fulfilment {
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Carry, Self::Ship, Self::Collect]
            .into_iter()
            .find(|f| f.as_str() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_references_are_told_from_other_codes() {
        assert!(is_order_reference("WEB-0000123"));
        assert!(is_order_reference(" store-0042000 "));
        assert!(!is_order_reference("ROB-0001-NOI-M"));
        assert!(!is_order_reference("WEB-123"));
        assert!(!is_order_reference("RET-0000001"));
    }
    use OrderEvent as E;
    use OrderStatus as S;

    #[test]
    fn a_mixed_order_reads_as_its_lagging_fulfilment() {
        assert_eq!(
            summary_status(&[S::Completed, S::Placed, S::Picking]),
            S::Placed
        );
        assert_eq!(summary_status(&[S::Completed, S::Shipped]), S::Shipped);
        assert_eq!(summary_status(&[S::Completed, S::Cancelled]), S::Completed);
        assert_eq!(summary_status(&[S::Cancelled, S::Expired]), S::Expired);
        assert_eq!(summary_status(&[S::Cancelled, S::Cancelled]), S::Cancelled);
        assert_eq!(
            summary_fulfilment(&[Fulfilment::Carry, Fulfilment::Ship, Fulfilment::Collect]),
            Fulfilment::Collect
        );
        assert_eq!(summary_fulfilment(&[Fulfilment::Carry]), Fulfilment::Carry);
        assert_eq!(Fulfilment::from_code("ship"), Some(Fulfilment::Ship));
    }

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
}
