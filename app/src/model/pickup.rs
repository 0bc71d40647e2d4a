//! Click-and-collect as the screens show it: the shop's queue, one order's
//! pick list and handover, the live changes, the manager's board.

use crate::domain::order::{Channel, OrderStatus};
use crate::domain::pickup::QueueList;
use serde::{Deserialize, Serialize};

/// One order (its collect fulfilment) in a shop's queue. No customer data:
/// the queue is seen by every associate of the shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupCard {
    pub fulfilment_id: i64,
    pub reference: String,
    pub channel: Channel,
    pub status: OrderStatus,
    pub list: QueueList,
    /// Lines, and units still to hand over.
    pub lines: i64,
    pub units: i64,
    pub slot: Option<String>,
    pub placed_at: i64,
    pub ready_at: Option<i64>,
    /// The collect-by moment of a ready order.
    pub collect_by: Option<i64>,
    /// Since when the customer waits (checked in at the kiosk).
    pub waiting_since: Option<i64>,
    /// The other end: the source of goods on their way here, or the
    /// pickup shop of goods to send from here.
    pub other_location: Option<String>,
    pub sent_at: Option<i64>,
    /// Not ready within the shop's target lead time.
    pub late: bool,
    pub collected_at: Option<i64>,
}

/// A shop's pickup queue, every list at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupQueue {
    pub location_id: String,
    pub location_name: String,
    /// The shop's target: an order ready within this many minutes.
    pub target_minutes: i64,
    pub now_ms: i64,
    pub cards: Vec<PickupCard>,
}

/// One line of an order to pick and hand over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickLine {
    pub line_id: i64,
    pub line_no: i64,
    pub sku: String,
    pub ean: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub quantity: i64,
    pub picked: i64,
    /// Units no longer coming (missing at the pick, or given up).
    pub cancelled: i64,
    pub handed_over: i64,
    /// Price of one unit after the line's discount, in cents.
    pub unit_net_cents: i64,
}

impl PickLine {
    /// Units still to scan into the bag.
    pub fn to_pick(&self) -> i64 {
        (self.quantity - self.picked - self.cancelled).max(0)
    }

    /// Units of the line the customer still gets.
    pub fn coming(&self) -> i64 {
        (self.quantity - self.cancelled).max(0)
    }

    /// Units still owed to the customer (in the bag once the order is
    /// ready): neither handed over nor cancelled.
    pub fn to_hand_over(&self) -> i64 {
        (self.quantity - self.cancelled - self.handed_over).max(0)
    }
}

/// A handover already made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverView {
    pub at_ms: i64,
    pub actor: String,
    pub device: String,
    /// `code` or `id_check`
    pub proof: String,
    pub id_document: Option<String>,
    pub units: i64,
}

/// One collect fulfilment, as its pick, stage and handover screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupOrder {
    pub fulfilment_id: i64,
    pub order_id: i64,
    pub reference: String,
    pub channel: Channel,
    pub status: OrderStatus,
    pub pickup_location_id: String,
    pub pickup_name: String,
    pub source_location_id: String,
    pub source_name: String,
    /// Whether the caller works at the pickup shop (pick, stage, hand
    /// over) or at the source (send).
    pub at_pickup_shop: bool,
    pub goods_here: bool,
    pub slot: Option<String>,
    pub placed_at: i64,
    pub ready_at: Option<i64>,
    pub collect_by: Option<i64>,
    pub expires_at: Option<i64>,
    pub waiting_since: Option<i64>,
    pub attended_by: Option<String>,
    pub parcel_code: Option<String>,
    pub sent_at: Option<i64>,
    pub received_at: Option<i64>,
    pub collected_at: Option<i64>,
    /// The shop lets associates hand over on an ID check.
    pub id_check_allowed: bool,
    pub target_minutes: i64,
    pub lines: Vec<PickLine>,
    pub handovers: Vec<HandoverView>,
    /// The server's clock when this was read (ages are counted from it).
    pub now_ms: i64,
}

impl PickupOrder {
    pub fn left_to_pick(&self) -> i64 {
        self.lines.iter().map(PickLine::to_pick).sum()
    }

    pub fn left_to_hand_over(&self) -> i64 {
        self.lines.iter().map(PickLine::to_hand_over).sum()
    }
}

/// What changed in a shop's queue, pushed to its screens (and to other
/// systems following orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickupChange {
    /// A new order to collect in this shop, or to send from it.
    New,
    /// Its status or its place in the queue changed.
    Changed,
    /// A customer checked in at the kiosk for it.
    CustomerWaiting,
    /// Someone took the waiting customer.
    Attended,
    /// Items of the order were taken back (a return recorded).
    Returned,
    /// An associate asked a manager to take back a late return.
    ApprovalAsked,
    /// A manager approved or refused a late return.
    ApprovalDecided,
}

impl PickupChange {
    /// A change of the shop's own workflow, not of the order: other
    /// systems are not told of it.
    pub fn is_internal(self) -> bool {
        matches!(self, Self::ApprovalAsked | Self::ApprovalDecided)
    }
}

/// One live change of an order to collect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupEvent {
    /// The shop whose screens show it (the pickup shop, or the source
    /// that sends the goods).
    pub location_id: String,
    pub fulfilment_id: i64,
    pub reference: String,
    pub status: OrderStatus,
    pub change: PickupChange,
    pub slot: Option<String>,
    pub waiting_since: Option<i64>,
    pub at_ms: i64,
}

/// What the kiosk says after a check-in: nothing about the customer or
/// the order beyond that it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInAnswer {
    pub checked_in: bool,
}

/// The manager's board: orders late to prepare, ready ones due soon or
/// overdue, and those that expired lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupBoard {
    pub now_ms: i64,
    pub late: Vec<PickupCard>,
    pub due_soon: Vec<PickupCard>,
    pub overdue: Vec<PickupCard>,
    pub expired: Vec<PickupCard>,
}
