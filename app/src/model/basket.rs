//! Baskets and orders on behalf, as the screens show them.

use crate::domain::basket::{LinePrice, PaymentMethod, PaymentStatus, Totals};
use crate::domain::order::{Channel, Fulfilment, OrderStatus};
use crate::domain::sourcing::SourceOption;
use crate::domain::{Cents, Lang};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Where a basket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasketStatus {
    Open,
    /// Waiting to be opened on another device by its code.
    Handed,
    Ordered,
    Abandoned,
}

impl BasketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Handed => "handed",
            Self::Ordered => "ordered",
            Self::Abandoned => "abandoned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Open, Self::Handed, Self::Ordered, Self::Abandoned]
            .into_iter()
            .find(|s| s.as_str() == code)
    }
}

/// Who a handed basket waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandedTo {
    /// A kiosk basket to finish and pay at the till.
    Associate,
    /// A discount for a manager to approve.
    Manager,
}

impl HandedTo {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Associate => "associate",
            Self::Manager => "manager",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "associate" => Some(Self::Associate),
            "manager" => Some(Self::Manager),
            _ => None,
        }
    }
}

/// A location that can supply a line, with what a person reads of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceChoice {
    #[serde(flatten)]
    pub option: SourceOption,
    pub name: String,
    pub city: String,
    /// The day promised if the goods come from here.
    pub promised_at: i64,
}

/// A manager's approval of a line's discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalView {
    pub id: i64,
    pub percent: i64,
    pub approved_by: String,
    pub reason: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLineView {
    pub id: i64,
    pub sku: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub quantity: i64,
    pub unit_price: Cents,
    pub price: LinePrice,
    pub fulfilment: Fulfilment,
    pub pickup_location_id: Option<String>,
    pub pickup_name: Option<String>,
    /// The source chosen by someone, or else the proposed one (`None` when
    /// no location has enough).
    pub source: Option<SourceChoice>,
    pub source_chosen: bool,
    /// Every location with enough, best first (empty for a kiosk).
    pub options: Vec<SourceChoice>,
    pub discount_percent: i64,
    pub approval: Option<ApprovalView>,
    /// The discount is beyond what an associate gives, and not approved.
    pub needs_approval: bool,
    /// What keeps this line from being ordered as it is.
    pub problem: Option<AppError>,
}

/// The customer a basket is for, as far as the till needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketCustomer {
    pub id: i64,
    pub name: String,
    pub email_masked: String,
    pub city: String,
    /// Their store credit, spendable on this basket.
    #[serde(default)]
    pub store_credit: Cents,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShipAddress {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
}

impl ShipAddress {
    pub fn is_empty(&self) -> bool {
        self.name.trim().is_empty()
            && self.street.trim().is_empty()
            && self.postcode.trim().is_empty()
            && self.city.trim().is_empty()
    }

    /// On one line, as printed on a parcel label and kept with the order.
    pub fn one_line(&self) -> String {
        format!(
            "{}, {}, {} {}",
            self.name.trim(),
            self.street.trim(),
            self.postcode.trim(),
            self.city.trim()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketView {
    pub id: i64,
    pub handoff_code: String,
    pub channel: Channel,
    pub status: BasketStatus,
    pub handed_to: Option<HandedTo>,
    pub location_id: String,
    pub holder: String,
    pub customer: Option<BasketCustomer>,
    pub guest_email: Option<String>,
    pub lang: Lang,
    pub ship: ShipAddress,
    pub lines: Vec<BasketLineView>,
    pub totals: Totals,
    /// The largest discount an associate gives alone (percent).
    pub discount_limit: i64,
    /// Set once the basket became an order.
    pub order_reference: Option<String>,
    pub updated_at: i64,
}

impl BasketView {
    pub fn has_take_now(&self) -> bool {
        self.lines.iter().any(|l| l.fulfilment == Fulfilment::Carry)
    }
}

/// A basket waiting on another device, as the list of waiting baskets
/// shows it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingBasket {
    pub id: i64,
    pub handoff_code: String,
    pub channel: Channel,
    pub handed_to: HandedTo,
    pub items: i64,
    pub total: Cents,
    pub handed_by: String,
    pub since_ms: i64,
}

/// One fulfilment of a placed order, for the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfilmentView {
    pub group_no: i64,
    pub kind: Fulfilment,
    pub status: OrderStatus,
    pub source_location_id: Option<String>,
    pub source_name: Option<String>,
    pub pickup_location_id: Option<String>,
    pub pickup_name: Option<String>,
    pub ship_address: Option<String>,
    pub promised_at: Option<i64>,
    /// Collect: staged and the customer told; to collect by; last handed over.
    pub ready_at: Option<i64>,
    pub collect_by: Option<i64>,
    pub collected_at: Option<i64>,
    /// Goods from another location: sent, and received at the pickup shop.
    pub sent_at: Option<i64>,
    pub received_at: Option<i64>,
    pub lines: Vec<ReceiptLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub line_no: i64,
    pub sku: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub quantity: i64,
    pub unit_price: Cents,
    pub discount: Cents,
    pub net: Cents,
    pub handed_over: i64,
    /// Units the customer will not get (missing at the pick, or given up).
    pub cancelled: i64,
    /// Units brought back.
    #[serde(default)]
    pub returned: i64,
}

/// A placed order: one reference and one receipt, however many
/// fulfilments it splits into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReceipt {
    pub order_id: i64,
    pub reference: String,
    pub channel: Channel,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub payment_method: Option<PaymentMethod>,
    pub payment_reference: Option<String>,
    /// Unpaid after this moment, a pay-by-link order is cancelled.
    pub pay_by: Option<i64>,
    pub totals: Totals,
    pub fulfilments: Vec<FulfilmentView>,
    pub contact_email: Option<String>,
    pub customer_id: Option<i64>,
    pub lang: Lang,
    pub created_at: i64,
    /// The delivery fee paid with the goods (web orders shipped home).
    #[serde(default)]
    pub delivery_fee: Cents,
    /// Paid with store credit or with what an exchange's return is worth.
    #[serde(default)]
    pub credit_used: Cents,
}

impl OrderReceipt {
    /// What the order costs in all: the goods after discounts, and the
    /// delivery fee.
    pub fn to_pay(&self) -> Cents {
        Cents(self.totals.net.0 + self.delivery_fee.0)
    }
}

/// One order holding stock at a location, as staff see it when they ask
/// why less is available than is on the shelf (no customer's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockHold {
    pub reference: String,
    pub channel: Channel,
    pub fulfilment: Fulfilment,
    pub status: OrderStatus,
    /// Collect: the shop where the customer collects.
    pub pickup_name: Option<String>,
    pub quantity: i64,
    pub since_ms: i64,
}

/// What keeps a location's stock from being available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservedHere {
    pub sku: String,
    pub location_id: String,
    pub location_name: String,
    pub safety: i64,
    pub holds: Vec<StockHold>,
}

/// The kind of an order's confirmation in the outbox.
pub const ORDER_CONFIRMATION: &str = "order_confirmation";
/// The kind of the message telling that an unpaid order was cancelled.
pub const ORDER_CANCELLED_UNPAID: &str = "order_cancelled_unpaid";
/// The order is ready to collect: the pickup code and its QR.
pub const PICKUP_READY: &str = "pickup_ready";
/// The day before the collect-by date.
pub const PICKUP_REMINDER: &str = "pickup_reminder";
/// Not collected in time.
pub const PICKUP_EXPIRED: &str = "pickup_expired";
/// Items the customer will not get (missing at the pick).
pub const ITEMS_CANCELLED: &str = "items_cancelled";
/// The receipt of a return: what came back and how the money goes back.
pub const RETURN_RECEIPT: &str = "return_receipt";

/// A message to the customer about an order, as staff see it (the
/// address masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// [`ORDER_CONFIRMATION`], [`ORDER_CANCELLED_UNPAID`]...
    pub kind: String,
    pub recipient_masked: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}
