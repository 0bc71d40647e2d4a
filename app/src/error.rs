//! The one error type of the app. Each variant is a stable code with its
//! parameters (`not_enough_stock { available: 2 }`): the screens word it in
//! the person's language (`components::feedback`), the JSON API for other
//! systems in English (the `Display` text below). Causes are logged on the
//! server, never sent.

use crate::domain::sign_in;
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// A free-text field of a stock movement, named in length errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    #[default]
    Reason,
    Reference,
    Note,
    Preferences,
    Street,
    Name,
    City,
    Size,
}

impl TextField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reason => "reason",
            Self::Reference => "reference",
            Self::Note => "note",
            Self::Preferences => "preferences",
            Self::Street => "street",
            Self::Name => "name",
            Self::City => "city",
            Self::Size => "size",
        }
    }
}

/// Which contact detail another customer already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactField {
    #[default]
    Email,
    Phone,
}

impl ContactField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "e-mail",
            Self::Phone => "phone",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case", from = "WireError")]
pub enum AppError {
    // --- who is calling (401, 403, 429) ---
    #[error("Your session has ended. Please sign in again.")]
    SessionEnded,
    #[error("This request needs an API key: send 'Authorization: Bearer <key>'.")]
    ApiKeyMissing,
    #[error("This API key is not valid: it is unknown or was revoked.")]
    ApiKeyInvalid,
    #[error("Wrong username or password.")]
    WrongCredentials,
    #[error("Your account cannot do this. Ask a store manager.")]
    Forbidden,
    /// Too many sign-in attempts for one username (password guessing).
    #[error(
        "Too many attempts for this username. Try again in {}.",
        sign_in::wait_text(*.retry_after_secs)
    )]
    TooManyAttempts { retry_after_secs: u64 },

    // --- input that cannot be used (422) ---
    #[error("'{text}' is not a whole number of items.")]
    NotAWholeNumber { text: String },
    #[error("The quantity must be at least 1 (got {got}).")]
    QuantityTooSmall { got: i64 },
    #[error("{got} items in one movement is more than the {max} allowed: check the quantity.")]
    QuantityTooLarge { got: i64, max: i64 },
    #[error("An adjustment of 0 changes nothing: enter how many items to add (+) or remove (-).")]
    AdjustmentIsZero,
    #[error("An adjustment of {delta} is beyond the {max} allowed: check the figure.")]
    AdjustmentTooLarge { delta: i64, max: i64 },
    #[error("A count cannot be negative.")]
    CountNegative,
    #[error("A count of {counted} is not plausible: check the figure.")]
    CountImplausible { counted: i64 },
    #[error("An adjustment needs a reason (damaged, theft, found...).")]
    ReasonRequired,
    #[error("The {} is too long: at most {max} characters.", .field.as_str())]
    TextTooLong { field: TextField, max: i64 },
    #[error("'{text}' is not a SKU: a SKU has 3 to 40 letters, digits and dashes.")]
    NotASku { text: String },
    #[error("'{text}' is not a location id.")]
    NotALocation { text: String },
    #[error("'{text}' is not a kind of stock movement.")]
    NotAMovementKind { text: String },
    #[error(
        "'{kind}' movements are made by the app, not through the API: use receipt, sale, return or adjustment."
    )]
    MovementNotForApi { kind: String },
    #[error("Choose where to send the goods.")]
    DestinationRequired,
    #[error("A transfer needs two different locations.")]
    SameLocation,
    #[error("'{text}' is not a language this app speaks (fr or en).")]
    UnknownLanguage { text: String },
    #[error("A request key is 1 to {max} visible ASCII characters (no spaces).")]
    RequestKeyInvalid { max: i64 },
    #[error(
        "The request key '{key}' was already used for a different request; a new request needs a new key."
    )]
    RequestKeyReused { key: String },
    /// A person's form sent again with other figures after a lost answer.
    #[error(
        "This form was already sent with other figures, and that movement was recorded (its answer was lost on the way). Check the history, then record again."
    )]
    FormAlreadySent,
    #[error("'{text}' is not a valid e-mail address.")]
    InvalidEmail { text: String },
    #[error("'{text}' is not a French phone number (for example 06 12 34 56 78).")]
    InvalidPhone { text: String },
    #[error("'{text}' is not a French postcode (five digits).")]
    InvalidPostcode { text: String },
    #[error("A customer needs a first name and a last name.")]
    NameRequired,
    #[error("The note is empty.")]
    NoteEmpty,
    #[error("Erasing a customer needs a confirmation.")]
    ErasureNotConfirmed,
    #[error("Exporting a customer's data needs a confirmation: add confirm=yes.")]
    ExportNotConfirmed,
    #[error("'{text}' is not a discount: a whole percentage from 0 to 100.")]
    DiscountInvalid { text: String },
    #[error("The basket is empty: add at least one item.")]
    BasketEmpty,
    #[error("Choose the shop where the customer collects.")]
    PickupShopRequired,
    #[error("{location} is not a shop: goods are collected in a shop.")]
    NotAPickupShop { location: String },
    #[error("Lines shipped home need an address: name, street, French postcode and city.")]
    ShipAddressRequired,
    #[error("An order needs a customer or an e-mail address for the confirmation.")]
    ContactRequired,
    #[error("Goods taken now are paid at the till: choose card, cash or gift card.")]
    TakeNowNeedsTill,
    #[error("A card or gift card payment needs the terminal's reference.")]
    PaymentReferenceRequired,
    #[error("'{text}' is not a way to pay (card, cash, gift_card, link).")]
    NotAPaymentMethod { text: String },
    #[error(
        "The kiosk orders what is not on the shelf: take it from the shelf and pay at the till."
    )]
    TakeNowNotAtKiosk,
    #[error("An approval needs a reason.")]
    ApprovalReasonRequired,
    /// The request could not be read at all (missing field, bad JSON).
    #[error("The request was incomplete or malformed: {detail}")]
    Malformed { detail: String },

    // --- what is asked for does not exist (404) ---
    #[error("No product has the SKU {sku}.")]
    UnknownSku { sku: String },
    #[error("There is no location {location}.")]
    UnknownLocation { location: String },
    #[error("There is no product {product}.")]
    UnknownProduct { product: String },
    #[error("No such API endpoint. See /api/v1/openapi.json.")]
    UnknownEndpoint,
    #[error("There is no customer {customer_id}.")]
    UnknownCustomer { customer_id: i64 },
    #[error(
        "This request needs an 'Idempotency-Key' header: sent again with the same key, it cannot make a second order."
    )]
    IdempotencyKeyRequired,
    #[error("'{text}' is not a way to fulfil an order: use ship or collect.")]
    NotAFulfilment { text: String },
    #[error("The amount paid does not match the order's total of {total_cents} cents.")]
    PaymentAmountWrong { total_cents: i64 },
    #[error("No order has the reference {reference}.")]
    UnknownOrder { reference: String },
    #[error("This basket does not exist, or is not open on this device.")]
    UnknownBasket,
    #[error("No basket waits under the code {text}: check it, or it has expired.")]
    UnknownHandoffCode { text: String },

    // --- the request was valid but the world disagrees (409) ---
    #[error("Only {available} available: the rest is reserved for orders or kept as safety stock.")]
    NotEnoughStock { available: i64 },
    #[error("Only {on_hand} on hand here: cannot remove more than that.")]
    NotEnoughOnHand { on_hand: i64 },
    #[error(
        "Only {free} not reserved for orders ({reserved} reserved): release reservations before removing more."
    )]
    NotEnoughFree { free: i64, reserved: i64 },
    #[error("Only {reserved} reserved: cannot release or hand over more than that.")]
    NotReserved { reserved: i64 },
    #[error(
        "Counted {counted} but {reserved} are reserved for orders: check the count or release reservations first."
    )]
    CountBelowReserved { counted: i64, reserved: i64 },
    #[error("The stock changed at this moment. Please try again.")]
    StockChanged,
    #[error("Customer {customer_id} already has this {}: open that customer instead.", .contact.as_str())]
    CustomerExists {
        customer_id: i64,
        contact: ContactField,
    },
    #[error("Customer {customer_id} was erased: their data can no longer change.")]
    CustomerErased { customer_id: i64 },
    #[error("This basket was already ordered: order {reference}.")]
    BasketOrdered { reference: String },
    #[error("This basket was given up or handed to another device.")]
    BasketClosed,
    #[error("Only {available} of {sku} available at {location} now: choose another source.")]
    LineShort {
        sku: String,
        location: String,
        available: i64,
    },
    #[error("No location has enough of {sku} available.")]
    NoSource { sku: String },
    #[error(
        "A {percent} % discount on {sku} is beyond the {limit} % an associate may give: a manager must approve it."
    )]
    DiscountNeedsApproval {
        sku: String,
        percent: i64,
        limit: i64,
    },
    #[error("Order {reference} was cancelled: it can no longer be paid.")]
    OrderCancelled { reference: String },
    #[error("Order {reference} is already paid, with another payment reference.")]
    OrderAlreadyPaid { reference: String },
    #[error("'{text}' is not a pickup code: a pickup code has 8 digits.")]
    NotAPickupCode { text: String },
    #[error("'{text}' is not a shelf slot: a row letter and a number, for example B12.")]
    NotAShelfSlot { text: String },
    #[error("'{text}' is not a date: use the form YYYY-MM-DD.")]
    NotADate { text: String },
    #[error("'{text}' is not an item of this order. Expected: {expected}.")]
    WrongItem { text: String, expected: String },
    #[error("Every {sku} of this order is already in the bag.")]
    ItemAlreadyPicked { sku: String },
    #[error("{missing} item(s) of order {reference} are still to pick or to mark missing.")]
    PickIncomplete { reference: String, missing: i64 },
    #[error("The goods of order {reference} are not here yet: they come from {location}.")]
    GoodsNotHere { reference: String, location: String },
    #[error("This code is not the pickup code of order {reference}.")]
    WrongPickupCode { reference: String },
    #[error("No order ready for collection here has the code {text}.")]
    UnknownPickupCode { text: String },
    #[error(
        "Too many wrong pickup codes. Try again in {}.",
        sign_in::wait_text(*.retry_after_secs)
    )]
    TooManyCodeTries { retry_after_secs: u64 },
    #[error("Order {reference} is to collect at {location}, not in this shop.")]
    PickupAtOtherShop { reference: String, location: String },
    #[error(
        "Order {reference} was not collected in time: it expired and its items went back on sale."
    )]
    PickupExpired { reference: String },
    #[error("Order {reference} was cancelled: there is nothing to hand over.")]
    PickupCancelled { reference: String },
    #[error("Order {reference} was already handed over to the customer.")]
    PickupCollected { reference: String },
    #[error("Order {reference} is not ready for collection yet.")]
    PickupNotReady { reference: String },
    #[error("Choose at least one item to hand over.")]
    NothingToHandOver,
    #[error("Only {left} of {sku} are left to hand over.")]
    HandOverTooMany { sku: String, left: i64 },
    #[error("This shop hands orders over only with their pickup code.")]
    IdCheckNotAllowed,
    #[error("Say which identity document was checked (its number is not recorded).")]
    IdDocumentRequired,
    #[error("No parcel on its way has the code {text}.")]
    UnknownParcel { text: String },
    #[error("This parcel of order {reference} goes to {location}, not to this shop.")]
    ParcelNotForHere { reference: String, location: String },
    #[error("The goods of order {reference} were already sent.")]
    ParcelAlreadySent { reference: String },
    #[error("The parcel of order {reference} was already received.")]
    ParcelAlreadyReceived { reference: String },
    #[error("Order {reference} has nothing to collect in a shop.")]
    NotAPickup { reference: String },
    #[error("The new collect-by date must be later than the current one and than today.")]
    CollectByNotLater,
    #[error(
        "Order {reference} changed meanwhile on another device: the screen now shows it as it is."
    )]
    PickupChanged { reference: String },
    #[error(
        "'{text}' is not a return reason: too_small, too_big, not_as_pictured, defective, arrived_late, changed_mind or other."
    )]
    NotAReturnReason { text: String },
    #[error("'{text}' is not an item condition: resellable, damaged or needs_checking.")]
    NotAnItemCondition { text: String },
    #[error("'{text}' is not a way to refund: original_payment or store_credit.")]
    NotARefundMethod { text: String },
    #[error("The reason \"other\" needs a few words saying what it is.")]
    ReturnNoteRequired,
    #[error("Choose at least one item to take back.")]
    NothingToReturn,
    #[error("Only {left} of {sku} can still be returned.")]
    ReturnTooMany { sku: String, left: i64 },
    #[error("{returned} of {sku} were already returned (last at {location} by {actor}, {}): {left} can still come back.", crate::domain::time::format_shop_date(*.at_ms, crate::domain::Lang::En))]
    AlreadyReturned {
        sku: String,
        returned: i64,
        left: i64,
        location: String,
        actor: String,
        at_ms: i64,
    },
    #[error("{sku} has not reached the customer yet: cancel it rather than return it.")]
    NotDeliveredYet { sku: String },
    #[error("{sku} is a final sale: it is not taken back.")]
    FinalSale { sku: String },
    #[error("The return window of {sku} closed on {}: a manager's approval is needed.", crate::domain::time::format_shop_date(*.at_ms, crate::domain::Lang::En))]
    ReturnWindowClosed { sku: String, at_ms: i64 },
    #[error("Every line of order {reference} is within its return window: no approval is needed.")]
    ApprovalNotNeeded { reference: String },
    #[error("The approval for order {reference} was already decided by {actor}.")]
    ApprovalAlreadyDecided { reference: String, actor: String },
    #[error("This return needs a manager's approval that is given and not used yet.")]
    ApprovalNotGiven,
    #[error("No approval has the number {approval_id}.")]
    UnknownApproval { approval_id: i64 },
    #[error("Order {reference} is not paid: there is nothing to refund.")]
    OrderNotPaid { reference: String },
    #[error("Store credit goes on a customer's account: this order has no customer on record.")]
    StoreCreditNeedsCustomer,
    #[error("The customer's store credit is only {}.", crate::domain::Cents(*.balance_cents).format(crate::domain::Lang::En))]
    NotEnoughCredit { balance_cents: i64 },
    #[error("The store credit to use must be zero or more.")]
    CreditAmountInvalid,
    #[error("This refund would give back more than was paid for order {reference}.")]
    RefundBeyondPaid { reference: String },
    #[error("Only {left} of {sku} are in quarantine here.")]
    QuarantineTooMany { sku: String, left: i64 },
    #[error("No return has the reference {reference}.")]
    UnknownReturn { reference: String },
    #[error("Order {reference} has nothing shipped home.")]
    NotAShipment { reference: String },
    #[error("The database already holds data: the demo chain is seeded only into an empty one.")]
    DatabaseNotEmpty,

    // --- our side (500) and the way there (502) ---
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request never reached the server, or its answer was unreadable.
    #[error("The server could not be reached. Check the connection and try again.")]
    Transport { detail: String },
}

pub type AppResult<T> = Result<T, AppError>;

/// An error as the browser reads it back: its code and every parameter any
/// code has, each optional. Serde reads an internally tagged enum by
/// buffering it first, which cost the bundle 80 KB of WebAssembly; one flat
/// record costs a few. The test `every_code_reads_back` keeps the two
/// spellings of each code together.
#[derive(Deserialize, Default)]
#[serde(default)]
struct WireError {
    reason: String,
    retry_after_secs: u64,
    text: String,
    got: i64,
    max: i64,
    delta: i64,
    counted: i64,
    field: TextField,
    kind: String,
    key: String,
    detail: String,
    sku: String,
    location: String,
    product: String,
    available: i64,
    on_hand: i64,
    free: i64,
    reserved: i64,
    customer_id: i64,
    reference: String,
    contact: ContactField,
    percent: i64,
    limit: i64,
    total_cents: i64,
    expected: String,
    missing: i64,
    left: i64,
    returned: i64,
    actor: String,
    at_ms: i64,
    approval_id: i64,
    balance_cents: i64,
}

impl From<WireError> for AppError {
    fn from(wire: WireError) -> Self {
        let WireError {
            reason,
            retry_after_secs,
            text,
            got,
            max,
            delta,
            counted,
            field,
            kind,
            key,
            detail,
            sku,
            location,
            product,
            available,
            on_hand,
            free,
            reserved,
            customer_id,
            reference,
            contact,
            percent,
            limit,
            total_cents,
            expected,
            missing,
            left,
            returned,
            actor,
            at_ms,
            approval_id,
            balance_cents,
        } = wire;
        match reason.as_str() {
            "session_ended" => Self::SessionEnded,
            "api_key_missing" => Self::ApiKeyMissing,
            "api_key_invalid" => Self::ApiKeyInvalid,
            "wrong_credentials" => Self::WrongCredentials,
            "forbidden" => Self::Forbidden,
            "too_many_attempts" => Self::TooManyAttempts { retry_after_secs },
            "not_a_whole_number" => Self::NotAWholeNumber { text },
            "quantity_too_small" => Self::QuantityTooSmall { got },
            "quantity_too_large" => Self::QuantityTooLarge { got, max },
            "adjustment_is_zero" => Self::AdjustmentIsZero,
            "adjustment_too_large" => Self::AdjustmentTooLarge { delta, max },
            "count_negative" => Self::CountNegative,
            "count_implausible" => Self::CountImplausible { counted },
            "reason_required" => Self::ReasonRequired,
            "text_too_long" => Self::TextTooLong { field, max },
            "not_a_sku" => Self::NotASku { text },
            "not_a_location" => Self::NotALocation { text },
            "not_a_movement_kind" => Self::NotAMovementKind { text },
            "movement_not_for_api" => Self::MovementNotForApi { kind },
            "destination_required" => Self::DestinationRequired,
            "same_location" => Self::SameLocation,
            "unknown_language" => Self::UnknownLanguage { text },
            "request_key_invalid" => Self::RequestKeyInvalid { max },
            "request_key_reused" => Self::RequestKeyReused { key },
            "form_already_sent" => Self::FormAlreadySent,
            "invalid_email" => Self::InvalidEmail { text },
            "invalid_phone" => Self::InvalidPhone { text },
            "invalid_postcode" => Self::InvalidPostcode { text },
            "name_required" => Self::NameRequired,
            "note_empty" => Self::NoteEmpty,
            "erasure_not_confirmed" => Self::ErasureNotConfirmed,
            "export_not_confirmed" => Self::ExportNotConfirmed,
            "malformed" => Self::Malformed { detail },
            "discount_invalid" => Self::DiscountInvalid { text },
            "basket_empty" => Self::BasketEmpty,
            "pickup_shop_required" => Self::PickupShopRequired,
            "not_a_pickup_shop" => Self::NotAPickupShop { location },
            "ship_address_required" => Self::ShipAddressRequired,
            "contact_required" => Self::ContactRequired,
            "take_now_needs_till" => Self::TakeNowNeedsTill,
            "payment_reference_required" => Self::PaymentReferenceRequired,
            "not_a_payment_method" => Self::NotAPaymentMethod { text },
            "take_now_not_at_kiosk" => Self::TakeNowNotAtKiosk,
            "approval_reason_required" => Self::ApprovalReasonRequired,
            "unknown_basket" => Self::UnknownBasket,
            "unknown_handoff_code" => Self::UnknownHandoffCode { text },
            "basket_ordered" => Self::BasketOrdered { reference },
            "basket_closed" => Self::BasketClosed,
            "idempotency_key_required" => Self::IdempotencyKeyRequired,
            "not_a_fulfilment" => Self::NotAFulfilment { text },
            "payment_amount_wrong" => Self::PaymentAmountWrong { total_cents },
            "order_cancelled" => Self::OrderCancelled { reference },
            "order_already_paid" => Self::OrderAlreadyPaid { reference },
            "line_short" => Self::LineShort {
                sku,
                location,
                available,
            },
            "no_source" => Self::NoSource { sku },
            "discount_needs_approval" => Self::DiscountNeedsApproval {
                sku,
                percent,
                limit,
            },
            "unknown_customer" => Self::UnknownCustomer { customer_id },
            "unknown_order" => Self::UnknownOrder { reference },
            "customer_exists" => Self::CustomerExists {
                customer_id,
                contact,
            },
            "customer_erased" => Self::CustomerErased { customer_id },
            "unknown_sku" => Self::UnknownSku { sku },
            "unknown_location" => Self::UnknownLocation { location },
            "unknown_product" => Self::UnknownProduct { product },
            "unknown_endpoint" => Self::UnknownEndpoint,
            "not_enough_stock" => Self::NotEnoughStock { available },
            "not_enough_on_hand" => Self::NotEnoughOnHand { on_hand },
            "not_enough_free" => Self::NotEnoughFree { free, reserved },
            "not_reserved" => Self::NotReserved { reserved },
            "count_below_reserved" => Self::CountBelowReserved { counted, reserved },
            "stock_changed" => Self::StockChanged,
            "not_a_pickup_code" => Self::NotAPickupCode { text },
            "not_a_shelf_slot" => Self::NotAShelfSlot { text },
            "not_a_date" => Self::NotADate { text },
            "wrong_item" => Self::WrongItem { text, expected },
            "item_already_picked" => Self::ItemAlreadyPicked { sku },
            "pick_incomplete" => Self::PickIncomplete { reference, missing },
            "goods_not_here" => Self::GoodsNotHere {
                reference,
                location,
            },
            "wrong_pickup_code" => Self::WrongPickupCode { reference },
            "unknown_pickup_code" => Self::UnknownPickupCode { text },
            "too_many_code_tries" => Self::TooManyCodeTries { retry_after_secs },
            "pickup_at_other_shop" => Self::PickupAtOtherShop {
                reference,
                location,
            },
            "pickup_expired" => Self::PickupExpired { reference },
            "pickup_cancelled" => Self::PickupCancelled { reference },
            "pickup_collected" => Self::PickupCollected { reference },
            "pickup_not_ready" => Self::PickupNotReady { reference },
            "nothing_to_hand_over" => Self::NothingToHandOver,
            "hand_over_too_many" => Self::HandOverTooMany { sku, left },
            "id_check_not_allowed" => Self::IdCheckNotAllowed,
            "id_document_required" => Self::IdDocumentRequired,
            "unknown_parcel" => Self::UnknownParcel { text },
            "parcel_not_for_here" => Self::ParcelNotForHere {
                reference,
                location,
            },
            "parcel_already_sent" => Self::ParcelAlreadySent { reference },
            "parcel_already_received" => Self::ParcelAlreadyReceived { reference },
            "not_a_pickup" => Self::NotAPickup { reference },
            "collect_by_not_later" => Self::CollectByNotLater,
            "pickup_changed" => Self::PickupChanged { reference },
            "not_a_return_reason" => Self::NotAReturnReason { text },
            "not_an_item_condition" => Self::NotAnItemCondition { text },
            "not_a_refund_method" => Self::NotARefundMethod { text },
            "return_note_required" => Self::ReturnNoteRequired,
            "nothing_to_return" => Self::NothingToReturn,
            "return_too_many" => Self::ReturnTooMany { sku, left },
            "already_returned" => Self::AlreadyReturned {
                sku,
                returned,
                left,
                location,
                actor,
                at_ms,
            },
            "not_delivered_yet" => Self::NotDeliveredYet { sku },
            "final_sale" => Self::FinalSale { sku },
            "return_window_closed" => Self::ReturnWindowClosed { sku, at_ms },
            "approval_not_needed" => Self::ApprovalNotNeeded { reference },
            "approval_already_decided" => Self::ApprovalAlreadyDecided { reference, actor },
            "approval_not_given" => Self::ApprovalNotGiven,
            "unknown_approval" => Self::UnknownApproval { approval_id },
            "order_not_paid" => Self::OrderNotPaid { reference },
            "store_credit_needs_customer" => Self::StoreCreditNeedsCustomer,
            "not_enough_credit" => Self::NotEnoughCredit { balance_cents },
            "credit_amount_invalid" => Self::CreditAmountInvalid,
            "refund_beyond_paid" => Self::RefundBeyondPaid { reference },
            "quarantine_too_many" => Self::QuarantineTooMany { sku, left },
            "unknown_return" => Self::UnknownReturn { reference },
            "not_a_shipment" => Self::NotAShipment { reference },
            "database_not_empty" => Self::DatabaseNotEmpty,
            "internal" => Self::Internal,
            "transport" => Self::Transport { detail },
            unknown => Self::Transport {
                detail: format!("the server answered with an unknown error code '{unknown}'"),
            },
        }
    }
}

/// The broad kind of an error: its HTTP status, and the `code` other
/// systems read in the JSON API (stable since the API's first version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Unauthenticated,
    Forbidden,
    TooManyAttempts,
    Invalid,
    NotFound,
    Conflict,
    Internal,
    Transport,
}

impl ErrorClass {
    pub fn status(self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::TooManyAttempts => 429,
            Self::Invalid => 422,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::Internal => 500,
            Self::Transport => 502,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::TooManyAttempts => "too_many_attempts",
            Self::Invalid => "invalid",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::Internal => "internal",
            Self::Transport => "transport",
        }
    }
}

impl AppError {
    pub fn class(&self) -> ErrorClass {
        use ErrorClass as C;
        match self {
            Self::SessionEnded
            | Self::ApiKeyMissing
            | Self::ApiKeyInvalid
            | Self::WrongCredentials => C::Unauthenticated,
            Self::Forbidden | Self::IdCheckNotAllowed => C::Forbidden,
            Self::TooManyAttempts { .. } | Self::TooManyCodeTries { .. } => C::TooManyAttempts,
            Self::NotAWholeNumber { .. }
            | Self::QuantityTooSmall { .. }
            | Self::QuantityTooLarge { .. }
            | Self::AdjustmentIsZero
            | Self::AdjustmentTooLarge { .. }
            | Self::CountNegative
            | Self::CountImplausible { .. }
            | Self::ReasonRequired
            | Self::TextTooLong { .. }
            | Self::NotASku { .. }
            | Self::NotALocation { .. }
            | Self::NotAMovementKind { .. }
            | Self::MovementNotForApi { .. }
            | Self::DestinationRequired
            | Self::SameLocation
            | Self::UnknownLanguage { .. }
            | Self::RequestKeyInvalid { .. }
            | Self::RequestKeyReused { .. }
            | Self::FormAlreadySent
            | Self::InvalidEmail { .. }
            | Self::InvalidPhone { .. }
            | Self::InvalidPostcode { .. }
            | Self::NameRequired
            | Self::NoteEmpty
            | Self::ErasureNotConfirmed
            | Self::ExportNotConfirmed
            | Self::DiscountInvalid { .. }
            | Self::BasketEmpty
            | Self::PickupShopRequired
            | Self::NotAPickupShop { .. }
            | Self::ShipAddressRequired
            | Self::ContactRequired
            | Self::TakeNowNeedsTill
            | Self::PaymentReferenceRequired
            | Self::NotAPaymentMethod { .. }
            | Self::TakeNowNotAtKiosk
            | Self::ApprovalReasonRequired
            | Self::IdempotencyKeyRequired
            | Self::NotAFulfilment { .. }
            | Self::PaymentAmountWrong { .. }
            | Self::NotAPickupCode { .. }
            | Self::NotAShelfSlot { .. }
            | Self::NotADate { .. }
            | Self::WrongItem { .. }
            | Self::WrongPickupCode { .. }
            | Self::NothingToHandOver
            | Self::HandOverTooMany { .. }
            | Self::IdDocumentRequired
            | Self::CollectByNotLater
            | Self::NotAReturnReason { .. }
            | Self::NotAnItemCondition { .. }
            | Self::NotARefundMethod { .. }
            | Self::ReturnNoteRequired
            | Self::NothingToReturn
            | Self::ReturnTooMany { .. }
            | Self::StoreCreditNeedsCustomer
            | Self::CreditAmountInvalid
            | Self::Malformed { .. } => C::Invalid,
            Self::UnknownSku { .. }
            | Self::UnknownLocation { .. }
            | Self::UnknownProduct { .. }
            | Self::UnknownCustomer { .. }
            | Self::UnknownOrder { .. }
            | Self::UnknownBasket
            | Self::UnknownHandoffCode { .. }
            | Self::UnknownPickupCode { .. }
            | Self::UnknownParcel { .. }
            | Self::NotAPickup { .. }
            | Self::UnknownApproval { .. }
            | Self::UnknownReturn { .. }
            | Self::UnknownEndpoint => C::NotFound,
            Self::NotEnoughStock { .. }
            | Self::NotEnoughOnHand { .. }
            | Self::NotEnoughFree { .. }
            | Self::NotReserved { .. }
            | Self::CountBelowReserved { .. }
            | Self::StockChanged
            | Self::CustomerExists { .. }
            | Self::CustomerErased { .. }
            | Self::BasketOrdered { .. }
            | Self::BasketClosed
            | Self::LineShort { .. }
            | Self::NoSource { .. }
            | Self::DiscountNeedsApproval { .. }
            | Self::OrderCancelled { .. }
            | Self::OrderAlreadyPaid { .. }
            | Self::ItemAlreadyPicked { .. }
            | Self::PickIncomplete { .. }
            | Self::GoodsNotHere { .. }
            | Self::PickupAtOtherShop { .. }
            | Self::PickupExpired { .. }
            | Self::PickupCancelled { .. }
            | Self::PickupCollected { .. }
            | Self::PickupNotReady { .. }
            | Self::ParcelNotForHere { .. }
            | Self::ParcelAlreadySent { .. }
            | Self::ParcelAlreadyReceived { .. }
            | Self::PickupChanged { .. }
            | Self::AlreadyReturned { .. }
            | Self::NotDeliveredYet { .. }
            | Self::FinalSale { .. }
            | Self::ReturnWindowClosed { .. }
            | Self::ApprovalNotNeeded { .. }
            | Self::ApprovalAlreadyDecided { .. }
            | Self::ApprovalNotGiven
            | Self::OrderNotPaid { .. }
            | Self::NotEnoughCredit { .. }
            | Self::RefundBeyondPaid { .. }
            | Self::QuarantineTooMany { .. }
            | Self::NotAShipment { .. }
            | Self::DatabaseNotEmpty => C::Conflict,
            Self::Internal => C::Internal,
            Self::Transport { .. } => C::Transport,
        }
    }

    pub fn status(&self) -> u16 {
        self.class().status()
    }

    /// The broad code other systems read (`conflict`, `invalid`...).
    pub fn code(&self) -> &'static str {
        self.class().code()
    }

    /// The precise, stable code of what happened (`not_enough_stock`), as
    /// serialised: the `reason` of the JSON form.
    pub fn reason(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(String::from))
            .unwrap_or_else(|| "internal".to_string())
    }

    /// The parameters of the code (`{"available": 2}`), as serialised.
    pub fn params(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut fields)) => {
                fields.remove("reason");
                fields
            }
            _ => serde_json::Map::new(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(err: ServerFnErrorErr) -> Self {
        match err {
            // The arguments did not parse: say so plainly.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Self::Malformed { detail }
            }
            other => Self::Transport {
                detail: other.to_string(),
            },
        }
    }

    /// The framework writes every server-function error through here, also
    /// for arguments that failed to parse before the function ran: the
    /// place to give the answer its real status (401, 403, 404, 409, 422),
    /// not the framework's 500.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        set_answer_status(self);
        <Self::Encoder as leptos::server_fn::Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| leptos::server_fn::Bytes::from_static(br#"{"reason":"internal"}"#))
    }
}

/// Sets the status of a server function's error answer. A form posted
/// without JavaScript is answered by the framework with a redirect back to
/// its page, which a status must not replace.
#[cfg(feature = "ssr")]
fn set_answer_status(error: &AppError) {
    use axum::http::{StatusCode, header, request::Parts};
    use leptos::prelude::use_context;
    let from_a_plain_form = use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if from_a_plain_form {
        return;
    }
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        StatusCode::from_u16(error.status()),
    ) {
        response.set_status(status);
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        Self::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_travels_as_its_code_and_parameters() {
        let error = AppError::NotEnoughStock { available: 2 };
        let json = serde_json::to_value(&error).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({"reason": "not_enough_stock", "available": 2})
        );
        assert_eq!(
            serde_json::from_value::<AppError>(json).expect("reads back"),
            error
        );
        assert_eq!(error.reason(), "not_enough_stock");
        assert_eq!(error.params().get("available"), Some(&serde_json::json!(2)));
        assert_eq!(error.status(), 409);
        assert_eq!(error.code(), "conflict");
    }

    /// One of each code. The match below stops the build when a code is
    /// added without being listed here (and so without a reading test).
    fn one_of_each() -> Vec<AppError> {
        use AppError as E;
        let text = || "x".to_string();
        let all = vec![
            E::SessionEnded,
            E::ApiKeyMissing,
            E::ApiKeyInvalid,
            E::WrongCredentials,
            E::Forbidden,
            E::TooManyAttempts {
                retry_after_secs: 90,
            },
            E::NotAWholeNumber { text: text() },
            E::QuantityTooSmall { got: -1 },
            E::QuantityTooLarge {
                got: 20_000,
                max: 10_000,
            },
            E::AdjustmentIsZero,
            E::AdjustmentTooLarge {
                delta: -20_000,
                max: 10_000,
            },
            E::CountNegative,
            E::CountImplausible { counted: 2_000_000 },
            E::ReasonRequired,
            E::TextTooLong {
                field: TextField::Reference,
                max: 80,
            },
            E::NotASku { text: text() },
            E::NotALocation { text: text() },
            E::NotAMovementKind { text: text() },
            E::MovementNotForApi {
                kind: "transfer_out".into(),
            },
            E::DestinationRequired,
            E::SameLocation,
            E::UnknownLanguage { text: text() },
            E::RequestKeyInvalid { max: 64 },
            E::RequestKeyReused { key: "k1".into() },
            E::FormAlreadySent,
            E::InvalidEmail { text: text() },
            E::InvalidPhone { text: text() },
            E::InvalidPostcode { text: text() },
            E::NameRequired,
            E::NoteEmpty,
            E::ErasureNotConfirmed,
            E::ExportNotConfirmed,
            E::UnknownCustomer { customer_id: 12 },
            E::UnknownOrder {
                reference: "WEB-0000001".into(),
            },
            E::CustomerExists {
                customer_id: 13,
                contact: ContactField::Phone,
            },
            E::CustomerErased { customer_id: 14 },
            E::Malformed {
                detail: "missing field".into(),
            },
            E::UnknownSku {
                sku: "ROB-0001-NOI-M".into(),
            },
            E::UnknownLocation {
                location: "XXX01".into(),
            },
            E::UnknownProduct {
                product: "p1".into(),
            },
            E::UnknownEndpoint,
            E::NotEnoughStock { available: 2 },
            E::NotEnoughOnHand { on_hand: 3 },
            E::NotEnoughFree {
                free: 4,
                reserved: 5,
            },
            E::NotReserved { reserved: 6 },
            E::CountBelowReserved {
                counted: 7,
                reserved: 8,
            },
            E::StockChanged,
            E::DiscountInvalid { text: text() },
            E::BasketEmpty,
            E::PickupShopRequired,
            E::NotAPickupShop {
                location: "WH01".into(),
            },
            E::ShipAddressRequired,
            E::ContactRequired,
            E::TakeNowNeedsTill,
            E::PaymentReferenceRequired,
            E::NotAPaymentMethod { text: text() },
            E::TakeNowNotAtKiosk,
            E::ApprovalReasonRequired,
            E::UnknownBasket,
            E::UnknownHandoffCode { text: text() },
            E::BasketOrdered {
                reference: "STORE-0000081".into(),
            },
            E::BasketClosed,
            E::LineShort {
                sku: "ROB-0001-NOI-M".into(),
                location: "LYO01".into(),
                available: 1,
            },
            E::NoSource {
                sku: "ROB-0001-NOI-M".into(),
            },
            E::DiscountNeedsApproval {
                sku: "ROB-0001-NOI-M".into(),
                percent: 20,
                limit: 10,
            },
            E::IdempotencyKeyRequired,
            E::NotAFulfilment { text: text() },
            E::PaymentAmountWrong { total_cents: 4990 },
            E::OrderCancelled {
                reference: "WEB-0000081".into(),
            },
            E::OrderAlreadyPaid {
                reference: "WEB-0000081".into(),
            },
            E::NotAPickupCode { text: text() },
            E::NotAShelfSlot { text: text() },
            E::NotADate { text: text() },
            E::WrongItem {
                text: "3401234567890".into(),
                expected: "Robe lin, Noir, M (3400000000017)".into(),
            },
            E::ItemAlreadyPicked {
                sku: "ROB-0001-NOI-M".into(),
            },
            E::PickIncomplete {
                reference: "WEB-0000081".into(),
                missing: 2,
            },
            E::GoodsNotHere {
                reference: "WEB-0000081".into(),
                location: "Entrepôt".into(),
            },
            E::WrongPickupCode {
                reference: "WEB-0000081".into(),
            },
            E::UnknownPickupCode {
                text: "1234 5678".into(),
            },
            E::TooManyCodeTries {
                retry_after_secs: 60,
            },
            E::PickupAtOtherShop {
                reference: "WEB-0000081".into(),
                location: "Lyon".into(),
            },
            E::PickupExpired {
                reference: "WEB-0000081".into(),
            },
            E::PickupCancelled {
                reference: "WEB-0000081".into(),
            },
            E::PickupCollected {
                reference: "WEB-0000081".into(),
            },
            E::PickupNotReady {
                reference: "WEB-0000081".into(),
            },
            E::NothingToHandOver,
            E::HandOverTooMany {
                sku: "ROB-0001-NOI-M".into(),
                left: 1,
            },
            E::IdCheckNotAllowed,
            E::IdDocumentRequired,
            E::UnknownParcel { text: text() },
            E::ParcelNotForHere {
                reference: "WEB-0000081".into(),
                location: "Lyon".into(),
            },
            E::ParcelAlreadySent {
                reference: "WEB-0000081".into(),
            },
            E::ParcelAlreadyReceived {
                reference: "WEB-0000081".into(),
            },
            E::NotAPickup {
                reference: "WEB-0000081".into(),
            },
            E::CollectByNotLater,
            E::PickupChanged {
                reference: "WEB-0000081".into(),
            },
            E::NotAReturnReason { text: text() },
            E::NotAnItemCondition { text: text() },
            E::NotARefundMethod { text: text() },
            E::ReturnNoteRequired,
            E::NothingToReturn,
            E::ReturnTooMany {
                sku: "ROB-0001-NOI-M".into(),
                left: 1,
            },
            E::AlreadyReturned {
                sku: "ROB-0001-NOI-M".into(),
                returned: 1,
                left: 0,
                location: "Lyon".into(),
                actor: "associate".into(),
                at_ms: 1_780_000_000_000,
            },
            E::NotDeliveredYet {
                sku: "ROB-0001-NOI-M".into(),
            },
            E::FinalSale {
                sku: "TIS-0001-ECR-1M".into(),
            },
            E::ReturnWindowClosed {
                sku: "ROB-0001-NOI-M".into(),
                at_ms: 1_780_000_000_000,
            },
            E::ApprovalNotNeeded {
                reference: "WEB-0000081".into(),
            },
            E::ApprovalAlreadyDecided {
                reference: "WEB-0000081".into(),
                actor: "manager".into(),
            },
            E::ApprovalNotGiven,
            E::UnknownApproval { approval_id: 7 },
            E::OrderNotPaid {
                reference: "WEB-0000081".into(),
            },
            E::StoreCreditNeedsCustomer,
            E::NotEnoughCredit {
                balance_cents: 1250,
            },
            E::CreditAmountInvalid,
            E::RefundBeyondPaid {
                reference: "WEB-0000081".into(),
            },
            E::QuarantineTooMany {
                sku: "ROB-0001-NOI-M".into(),
                left: 1,
            },
            E::UnknownReturn {
                reference: "RET-0000001".into(),
            },
            E::NotAShipment {
                reference: "STORE-0000001".into(),
            },
            E::DatabaseNotEmpty,
            E::Internal,
            E::Transport {
                detail: "offline".into(),
            },
        ];
        let listed = |error: &AppError| match error {
            E::SessionEnded
            | E::ApiKeyMissing
            | E::ApiKeyInvalid
            | E::WrongCredentials
            | E::Forbidden
            | E::TooManyAttempts { .. }
            | E::NotAWholeNumber { .. }
            | E::QuantityTooSmall { .. }
            | E::QuantityTooLarge { .. }
            | E::AdjustmentIsZero
            | E::AdjustmentTooLarge { .. }
            | E::CountNegative
            | E::CountImplausible { .. }
            | E::ReasonRequired
            | E::TextTooLong { .. }
            | E::NotASku { .. }
            | E::NotALocation { .. }
            | E::NotAMovementKind { .. }
            | E::MovementNotForApi { .. }
            | E::DestinationRequired
            | E::SameLocation
            | E::UnknownLanguage { .. }
            | E::RequestKeyInvalid { .. }
            | E::RequestKeyReused { .. }
            | E::FormAlreadySent
            | E::InvalidEmail { .. }
            | E::InvalidPhone { .. }
            | E::InvalidPostcode { .. }
            | E::NameRequired
            | E::NoteEmpty
            | E::ErasureNotConfirmed
            | E::ExportNotConfirmed
            | E::UnknownCustomer { .. }
            | E::UnknownOrder { .. }
            | E::CustomerExists { .. }
            | E::CustomerErased { .. }
            | E::Malformed { .. }
            | E::UnknownSku { .. }
            | E::UnknownLocation { .. }
            | E::UnknownProduct { .. }
            | E::UnknownEndpoint
            | E::NotEnoughStock { .. }
            | E::NotEnoughOnHand { .. }
            | E::NotEnoughFree { .. }
            | E::NotReserved { .. }
            | E::CountBelowReserved { .. }
            | E::StockChanged
            | E::DiscountInvalid { .. }
            | E::BasketEmpty
            | E::PickupShopRequired
            | E::NotAPickupShop { .. }
            | E::ShipAddressRequired
            | E::ContactRequired
            | E::TakeNowNeedsTill
            | E::PaymentReferenceRequired
            | E::NotAPaymentMethod { .. }
            | E::TakeNowNotAtKiosk
            | E::ApprovalReasonRequired
            | E::UnknownBasket
            | E::UnknownHandoffCode { .. }
            | E::BasketOrdered { .. }
            | E::BasketClosed
            | E::LineShort { .. }
            | E::NoSource { .. }
            | E::DiscountNeedsApproval { .. }
            | E::IdempotencyKeyRequired
            | E::NotAFulfilment { .. }
            | E::PaymentAmountWrong { .. }
            | E::OrderCancelled { .. }
            | E::OrderAlreadyPaid { .. }
            | E::NotAPickupCode { .. }
            | E::NotAShelfSlot { .. }
            | E::NotADate { .. }
            | E::WrongItem { .. }
            | E::ItemAlreadyPicked { .. }
            | E::PickIncomplete { .. }
            | E::GoodsNotHere { .. }
            | E::WrongPickupCode { .. }
            | E::UnknownPickupCode { .. }
            | E::TooManyCodeTries { .. }
            | E::PickupAtOtherShop { .. }
            | E::PickupExpired { .. }
            | E::PickupCancelled { .. }
            | E::PickupCollected { .. }
            | E::PickupNotReady { .. }
            | E::NothingToHandOver
            | E::HandOverTooMany { .. }
            | E::IdCheckNotAllowed
            | E::IdDocumentRequired
            | E::UnknownParcel { .. }
            | E::ParcelNotForHere { .. }
            | E::ParcelAlreadySent { .. }
            | E::ParcelAlreadyReceived { .. }
            | E::NotAPickup { .. }
            | E::CollectByNotLater
            | E::PickupChanged { .. }
            | E::NotAReturnReason { .. }
            | E::NotAnItemCondition { .. }
            | E::NotARefundMethod { .. }
            | E::ReturnNoteRequired
            | E::NothingToReturn
            | E::ReturnTooMany { .. }
            | E::AlreadyReturned { .. }
            | E::NotDeliveredYet { .. }
            | E::FinalSale { .. }
            | E::ReturnWindowClosed { .. }
            | E::ApprovalNotNeeded { .. }
            | E::ApprovalAlreadyDecided { .. }
            | E::ApprovalNotGiven
            | E::UnknownApproval { .. }
            | E::OrderNotPaid { .. }
            | E::StoreCreditNeedsCustomer
            | E::NotEnoughCredit { .. }
            | E::CreditAmountInvalid
            | E::RefundBeyondPaid { .. }
            | E::QuarantineTooMany { .. }
            | E::UnknownReturn { .. }
            | E::NotAShipment { .. }
            | E::DatabaseNotEmpty
            | E::Internal
            | E::Transport { .. } => (),
        };
        all.iter().for_each(listed);
        all
    }

    #[test]
    fn every_code_reads_back() {
        let all = one_of_each();
        let reasons: std::collections::BTreeSet<String> =
            all.iter().map(AppError::reason).collect();
        assert_eq!(reasons.len(), all.len(), "each code has its own reason");
        for error in all {
            let text = serde_json::to_string(&error).expect("serialises");
            let back: AppError = serde_json::from_str(&text).expect("reads back");
            assert_eq!(back, error, "{text}");
        }
    }

    #[test]
    fn an_unknown_code_reads_as_a_transport_error() {
        let back: AppError =
            serde_json::from_str(r#"{"reason": "from_the_future", "x": 1}"#).expect("reads");
        assert!(
            matches!(back, AppError::Transport { detail } if detail.contains("from_the_future"))
        );
    }

    #[test]
    fn unit_codes_have_no_parameters() {
        let json = serde_json::to_value(AppError::SessionEnded).expect("serialises");
        assert_eq!(json, serde_json::json!({"reason": "session_ended"}));
        assert!(AppError::SessionEnded.params().is_empty());
        assert_eq!(AppError::SessionEnded.status(), 401);
    }

    #[test]
    fn english_text_for_other_systems_keeps_the_figures() {
        assert_eq!(
            AppError::NotEnoughOnHand { on_hand: 0 }.to_string(),
            "Only 0 on hand here: cannot remove more than that."
        );
        assert_eq!(
            AppError::TextTooLong {
                field: TextField::Reason,
                max: 200
            }
            .to_string(),
            "The reason is too long: at most 200 characters."
        );
    }
}
