//! Customer 360 as it travels to staff screens. Never sent to a kiosk: the
//! server functions that build these refuse the kiosk role.

use crate::domain::customer::{ConsentChannel, LoyaltyTier};
use crate::domain::order::{Channel, Fulfilment, OrderStatus};
use serde::{Deserialize, Serialize};

/// One line of customer search results: contacts masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerHit {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub city: String,
    pub tier: Option<LoyaltyTier>,
    /// The latest order on any channel.
    pub last_activity_ms: Option<i64>,
    /// `c•••@gmail.com`
    pub email_masked: String,
    /// `•• •• •• 56 78`
    pub phone_masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSearchResults {
    pub query: String,
    pub hits: Vec<CustomerHit>,
    /// Set when a card number or an order reference matched one customer:
    /// Enter (or a scan) opens them.
    pub exact_id: Option<i64>,
}

/// A marketing consent and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub channel: ConsentChannel,
    pub granted: bool,
    pub changed_ms: i64,
    /// `web`, or the name of the shop where it was recorded.
    pub source: String,
    pub changed_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerNote {
    pub id: i64,
    pub body: String,
    pub author_name: String,
    pub location_name: String,
    pub created_ms: i64,
}

/// The customer's figures across channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CustomerFigures {
    pub web_orders: i64,
    pub store_orders: i64,
    pub kiosk_orders: i64,
    /// What was paid for orders not cancelled, less refunds.
    pub lifetime_spend_cents: i64,
    pub average_basket_cents: i64,
    /// The latest order in a shop or at a kiosk.
    pub last_visit_ms: Option<i64>,
    /// Units returned per thousand units bought.
    pub return_rate_permille: i64,
}

/// Who opened this customer's data lately (shown to managers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub at_ms: i64,
    pub username: String,
    pub staff_name: String,
    pub role: String,
    pub location_name: String,
    pub device: String,
    pub customer_id: Option<i64>,
    pub customer_name: String,
    /// What was shown: `profile`, `history`, `order`, `export`, `erasure`...
    pub action: String,
    pub detail: String,
}

/// Everything the profile shows at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerProfile {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// As written in France: `06 12 34 56 78`.
    pub phone: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub favourite_shop: Option<String>,
    pub favourite_shop_id: Option<String>,
    pub loyalty_card: Option<String>,
    pub tier: Option<LoyaltyTier>,
    pub points: i64,
    /// The store-credit balance (the sum of its ledger), spendable at a
    /// checkout.
    pub store_credit: crate::domain::Cents,
    pub top_size: Option<String>,
    pub bottom_size: Option<String>,
    pub preferences: String,
    pub customer_since_ms: i64,
    pub erased: bool,
    pub consents: Vec<Consent>,
    pub notes: Vec<CustomerNote>,
    pub figures: CustomerFigures,
    /// The newest orders, with their lines.
    pub history: HistoryPage,
    /// Managers only: the latest openings of this customer's data.
    pub recent_access: Option<Vec<AccessEntry>>,
}

/// One line of an order, as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub line_no: i64,
    pub sku: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub handed_over: i64,
    pub returned: i64,
    /// Where the goods come from.
    pub source: Option<String>,
}

/// A return of some lines of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnView {
    pub at_ms: i64,
    pub shop: String,
    pub refund_cents: i64,
    /// `original_payment` or `store_credit`.
    pub refund_method: String,
    pub units: i64,
    pub reasons: Vec<String>,
}

/// One order of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: i64,
    pub reference: String,
    pub channel: Channel,
    pub fulfilment: Fulfilment,
    pub status: OrderStatus,
    pub created_ms: i64,
    pub total_cents: i64,
    /// The shop where it was sold (shop and kiosk orders).
    pub sold_at: Option<String>,
    /// The shop where it is collected (click-and-collect).
    pub collect_at: Option<String>,
    pub lines: Vec<OrderLineView>,
    pub returns: Vec<ReturnView>,
}

/// A page of the timeline, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HistoryPage {
    pub orders: Vec<OrderSummary>,
    /// Where the next (older) page starts, when there is one.
    pub more: Option<HistoryCursor>,
}

/// The last order shown: the next page starts just before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryCursor {
    pub created_ms: i64,
    pub id: i64,
}

/// A state change of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEventView {
    pub at_ms: i64,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub actor: String,
    pub device: String,
    pub note: Option<String>,
}

/// An order line with its stock in the viewer's shop now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineStock {
    pub line: OrderLineView,
    pub available_here: i64,
}

/// One order opened from the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub order: OrderSummary,
    pub customer_id: Option<i64>,
    pub customer_name: String,
    pub ship_address: Option<String>,
    pub lines: Vec<OrderLineStock>,
    pub events: Vec<OrderEventView>,
    pub payment_status: crate::domain::basket::PaymentStatus,
    /// Waiting for a payment by link: cancelled if unpaid by then.
    pub pay_by: Option<i64>,
    pub messages: Vec<crate::model::basket::MessageView>,
}

/// A "goes well with" suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub product_id: String,
    pub product_name: String,
    /// The SKU in the customer's usual size when there is one.
    pub sku: String,
    pub colour: String,
    pub size: String,
    pub price_cents: i64,
    pub available_here: i64,
    /// Available somewhere else (another shop or the warehouse).
    pub orderable: bool,
    /// Why: how many customers bought it with which of theirs.
    pub customers: i64,
    pub because_of: String,
}
