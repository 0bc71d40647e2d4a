//! Returns as the screens and the API see them: an order brought back with
//! what each line allows, a recorded return and its receipt, the manager's
//! lists (returns, quarantine, approvals), goods on their way to the
//! warehouse.

use crate::domain::Cents;
use crate::domain::Lang;
use crate::domain::order::Channel;
use crate::domain::returns::{Disposition, ItemCondition, RefundMethod, ReturnReason, Verdict};
use serde::{Deserialize, Serialize};

/// One line of an order brought back, with what can be done with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnableLine {
    pub line_id: i64,
    pub line_no: i64,
    pub sku: String,
    pub ean: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub category: String,
    pub quantity: i64,
    pub delivered: i64,
    pub returned: i64,
    /// Units the customer has and has not brought back.
    pub returnable: i64,
    /// Units not delivered yet (cancelled, not returned).
    pub not_delivered: i64,
    /// What one unit is worth back (the line's net per unit, rounded down).
    pub unit_refund: Cents,
    pub verdict: Verdict,
    /// The product's other sizes and colours on this shop's shelf: what
    /// the customer can take instead, in an exchange.
    #[serde(default)]
    pub exchange_options: Vec<ExchangeOption>,
    /// The pickup where the units not delivered yet wait: cancelled there.
    #[serde(default)]
    pub open_pickup: Option<i64>,
}

/// Another variant of a returned line's product, sellable here now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeOption {
    pub sku: String,
    pub colour: String,
    pub size: String,
    pub price: Cents,
    pub available: i64,
}

/// An earlier return of the order, as its history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastReturn {
    pub reference: String,
    pub location_name: String,
    pub created_by: String,
    pub created_at: i64,
    pub units: i64,
    pub refund: Cents,
    pub refund_method: RefundMethod,
}

/// A manager's approval for lines past their window, as the return sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalView {
    pub id: i64,
    pub reference: String,
    pub status: ApprovalStatus,
    pub why: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Asked,
    Approved,
    Refused,
    Used,
}

impl ApprovalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asked => "asked",
            Self::Approved => "approved",
            Self::Refused => "refused",
            Self::Used => "used",
        }
    }

    pub fn from_code(code: &str) -> Self {
        match code {
            "approved" => Self::Approved,
            "refused" => Self::Refused,
            "used" => Self::Used,
            _ => Self::Asked,
        }
    }
}

/// An order brought back to the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnOrder {
    pub order_id: i64,
    pub reference: String,
    pub channel: Channel,
    pub created_at: i64,
    pub lang: Lang,
    pub paid: bool,
    /// The customer on record (for store credit), and their balance.
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub store_credit: Option<Cents>,
    /// How it was paid: the way money goes back to the original payment.
    pub payment_methods: Vec<String>,
    pub paid_total: Cents,
    pub refunded_total: Cents,
    pub delivery_fee: Cents,
    pub delivery_fee_refunded: Cents,
    pub lines: Vec<ReturnableLine>,
    pub past_returns: Vec<PastReturn>,
    /// The latest approval asked for this order at this shop.
    pub approval: Option<ApprovalView>,
    pub now_ms: i64,
}

/// One returned line on a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedLine {
    pub sku: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub quantity: i64,
    pub reason: ReturnReason,
    pub reason_note: Option<String>,
    pub condition: ItemCondition,
    pub disposition: Disposition,
    pub refund: Cents,
}

/// A recorded return: the receipt printed and e-mailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnReceipt {
    pub return_id: i64,
    pub reference: String,
    pub order_reference: String,
    pub location_id: String,
    pub location_name: String,
    pub created_by: String,
    pub created_at: i64,
    pub lang: Lang,
    pub lines: Vec<ReturnedLine>,
    /// Given back for the items and the delivery fee, all ways together.
    pub refund: Cents,
    pub delivery_fee: Cents,
    pub refund_method: RefundMethod,
    /// The payment the money goes back on (card, cash, web...).
    pub payment_method: Option<String>,
    pub payment_reference: Option<String>,
    /// An exchange: the new sale, and what of the refund paid it.
    pub exchange_reference: Option<String>,
    pub applied_to_exchange: Cents,
    /// Still to pay for the exchange's new sale (paid at the till).
    pub exchange_paid: Cents,
    pub store_credit_after: Option<Cents>,
    pub contact_email: Option<String>,
}

/// A return in the manager's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnRow {
    pub reference: String,
    pub order_reference: String,
    pub created_by: String,
    pub created_at: i64,
    pub units: i64,
    pub refund: Cents,
    pub refund_method: RefundMethod,
    pub reasons: Vec<ReturnReason>,
}

/// Units returned for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonTotal {
    pub reason: ReturnReason,
    pub units: i64,
    pub refund: Cents,
}

/// Items kept aside at the shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineItem {
    pub sku: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub quantity: i64,
}

/// Goods on their way to a location (returns and quarantine sent back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingItem {
    pub transfer_id: i64,
    pub parcel_code: String,
    pub sku: String,
    pub product_name: String,
    pub quantity: i64,
    pub from_name: String,
    pub sent_at: i64,
    /// Lands in quarantine (to check) rather than on the shelf.
    pub to_quarantine: bool,
}

/// The manager's returns page: the shop's returns over the period, their
/// reasons and totals, the quarantine, the approvals waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnsBoard {
    pub since_ms: i64,
    pub returns: Vec<ReturnRow>,
    pub reasons: Vec<ReasonTotal>,
    pub units: i64,
    pub refunded: Cents,
    pub quarantine: Vec<QuarantineItem>,
    pub approvals: Vec<ApprovalView>,
    pub incoming: Vec<IncomingItem>,
    pub now_ms: i64,
}

/// A return as the screen sends it: codes as text, read on the server.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReturnForm {
    pub reference: String,
    pub lines: Vec<ReturnFormLine>,
    /// `original_payment` or `store_credit`.
    pub refund: String,
    /// The card terminal's reference of the refund, if any.
    #[serde(default)]
    pub payment_reference: String,
    #[serde(default)]
    pub approval_id: Option<i64>,
    /// Items taken in exchange from this shop's shelf.
    #[serde(default)]
    pub exchange: Vec<ExchangeFormLine>,
    /// How the customer pays what the exchange costs beyond the return.
    #[serde(default)]
    pub exchange_method: String,
    #[serde(default)]
    pub exchange_payment_reference: String,
    #[serde(default)]
    pub request_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReturnFormLine {
    pub line_id: i64,
    pub quantity: i64,
    pub reason: String,
    #[serde(default)]
    pub note: String,
    pub condition: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExchangeFormLine {
    pub sku: String,
    pub quantity: i64,
}
