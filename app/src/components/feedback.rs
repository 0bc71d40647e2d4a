//! Loading states and errors, in the person's language.

use crate::counted;
use crate::domain::Cents;
use crate::domain::sign_in::{Wait, wait};
use crate::domain::time::format_shop_date;
use crate::error::{AppError, ContactField, TextField};
use crate::i18n::{Locale, td_string};
use crate::translate::{lang_of, use_locale};
use leptos::prelude::*;

/// What a page is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loads {
    Results,
    Stock,
    Product,
    History,
    Customer,
    Advice,
    Order,
    Basket,
    Pickups,
    Returns,
}

/// Shown while data is on its way: never a blank screen.
#[component]
pub fn Loading(what: Loads) -> impl IntoView {
    let locale = use_locale();
    let text = match what {
        Loads::Results => td_string!(locale, loading.results),
        Loads::Stock => td_string!(locale, loading.stock),
        Loads::Product => td_string!(locale, loading.product),
        Loads::History => td_string!(locale, loading.history),
        Loads::Customer => td_string!(locale, loading.customer),
        Loads::Advice => td_string!(locale, loading.advice),
        Loads::Order => td_string!(locale, loading.order),
        Loads::Basket => td_string!(locale, loading.basket),
        Loads::Pickups => td_string!(locale, loading.pickups),
        Loads::Returns => td_string!(locale, loading.returns),
    };
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {text}
        </p>
    }
}

/// An error in words, with the way forward. When the session has ended,
/// the way forward is the sign-in page, which brings the person back here:
/// the browser goes there at once (the message and link stay for a
/// browser without JavaScript).
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let locale = use_locale();
    let sign_in = matches!(error, AppError::SessionEnded);
    #[cfg(feature = "hydrate")]
    if sign_in {
        Effect::new(|_| {
            if let Some(window) = web_sys::window() {
                let location = window.location();
                let here = format!(
                    "{}{}",
                    location.pathname().unwrap_or_default(),
                    location.search().unwrap_or_default()
                );
                let _ = location.assign(&format!(
                    "/login?error=expired&next={}",
                    crate::domain::search::encode_query_value(&here)
                ));
            }
        });
    }
    // A customer already known: the way forward is their profile.
    let existing = match &error {
        AppError::CustomerExists { customer_id, .. } => Some(*customer_id),
        _ => None,
    };
    view! {
        <div class="message error" role="alert">
            <p>{error_text(locale, &error)}</p>
            {sign_in.then(|| view! { <p><a href="/login">{td_string!(locale, error.sign_in)}</a></p> })}
            {existing.map(|id| view! {
                <p><a href=format!("/customers/{id}")>{td_string!(locale, error.open_existing)}</a></p>
            })}
        </div>
    }
}

/// A wait ("30 secondes", "2 minutes") in the page's language.
pub fn wait_words(locale: Locale, seconds: u64) -> String {
    match wait(seconds) {
        Wait::Seconds(count) => {
            counted!(locale, count as i64, wait.seconds)
        }
        Wait::Minutes(count) => {
            counted!(locale, count as i64, wait.minutes)
        }
    }
}

/// What an error code says to a person, in the page's language (read
/// reactively: the text follows a change of language).
pub fn error_text(locale: Locale, error: &AppError) -> String {
    use AppError as E;
    match error {
        E::SessionEnded => td_string!(locale, error.session_ended).to_string(),
        E::ApiKeyMissing => td_string!(locale, error.api_key_missing).to_string(),
        E::ApiKeyInvalid => td_string!(locale, error.api_key_invalid).to_string(),
        E::WrongCredentials => td_string!(locale, error.wrong_credentials).to_string(),
        E::Forbidden => td_string!(locale, error.forbidden).to_string(),
        E::TooManyAttempts { retry_after_secs } => {
            let wait = wait_words(locale, *retry_after_secs);
            td_string!(locale, error.too_many_attempts, wait).to_string()
        }
        E::NotAWholeNumber { text } => {
            td_string!(locale, error.not_a_whole_number, text).to_string()
        }
        E::QuantityTooSmall { got } => {
            td_string!(locale, error.quantity_too_small, got).to_string()
        }
        E::QuantityTooLarge { got, max } => {
            td_string!(locale, error.quantity_too_large, got, max).to_string()
        }
        E::AdjustmentIsZero => td_string!(locale, error.adjustment_is_zero).to_string(),
        E::AdjustmentTooLarge { delta, max } => {
            td_string!(locale, error.adjustment_too_large, delta, max).to_string()
        }
        E::CountNegative => td_string!(locale, error.count_negative).to_string(),
        E::CountImplausible { counted } => {
            td_string!(locale, error.count_implausible, counted).to_string()
        }
        E::ReasonRequired => td_string!(locale, error.reason_required).to_string(),
        E::TextTooLong {
            field: TextField::Reason,
            max,
        } => td_string!(locale, error.reason_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::Reference,
            max,
        } => td_string!(locale, error.reference_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::Note,
            max,
        } => td_string!(locale, error.note_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::Preferences,
            max,
        } => td_string!(locale, error.preferences_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::Street,
            max,
        } => td_string!(locale, error.street_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::Name,
            max,
        } => td_string!(locale, error.name_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::City,
            max,
        } => td_string!(locale, error.city_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::Size,
            max,
        } => td_string!(locale, error.size_too_long, max).to_string(),
        E::NotASku { text } => td_string!(locale, error.not_a_sku, text).to_string(),
        E::NotALocation { text } => td_string!(locale, error.not_a_location, text).to_string(),
        E::NotAMovementKind { text } => {
            td_string!(locale, error.not_a_movement_kind, text).to_string()
        }
        E::MovementNotForApi { .. } => td_string!(locale, error.movement_not_for_api).to_string(),
        E::DestinationRequired => td_string!(locale, error.destination_required).to_string(),
        E::SameLocation => td_string!(locale, error.same_location).to_string(),
        E::UnknownLanguage { text } => td_string!(locale, error.unknown_language, text).to_string(),
        E::RequestKeyInvalid { .. } => td_string!(locale, error.request_key_invalid).to_string(),
        E::RequestKeyReused { .. } => td_string!(locale, error.request_key_reused).to_string(),
        E::FormAlreadySent => td_string!(locale, error.form_already_sent).to_string(),
        E::InvalidEmail { text } => td_string!(locale, error.invalid_email, text).to_string(),
        E::InvalidPhone { text } => td_string!(locale, error.invalid_phone, text).to_string(),
        E::InvalidPostcode { text } => td_string!(locale, error.invalid_postcode, text).to_string(),
        E::NameRequired => td_string!(locale, error.name_required).to_string(),
        E::NoteEmpty => td_string!(locale, error.note_empty).to_string(),
        E::ErasureNotConfirmed => td_string!(locale, error.erasure_not_confirmed).to_string(),
        E::ExportNotConfirmed => td_string!(locale, error.export_not_confirmed).to_string(),
        E::Malformed { .. } => td_string!(locale, error.malformed).to_string(),
        E::UnknownCustomer { customer_id } => {
            td_string!(locale, error.unknown_customer, customer_id).to_string()
        }
        E::UnknownOrder { reference } => {
            td_string!(locale, error.unknown_order, reference).to_string()
        }
        E::CustomerExists {
            contact: ContactField::Email,
            ..
        } => td_string!(locale, error.customer_exists_email).to_string(),
        E::CustomerExists {
            contact: ContactField::Phone,
            ..
        } => td_string!(locale, error.customer_exists_phone).to_string(),
        E::CustomerErased { .. } => td_string!(locale, error.customer_erased).to_string(),
        E::UnknownSku { sku } => td_string!(locale, error.unknown_sku, sku).to_string(),
        E::UnknownLocation { location } => {
            td_string!(locale, error.unknown_location, location).to_string()
        }
        E::UnknownProduct { product } => {
            td_string!(locale, error.unknown_product, product).to_string()
        }
        E::UnknownEndpoint => td_string!(locale, error.unknown_endpoint).to_string(),
        E::NotEnoughStock { available } => {
            td_string!(locale, error.not_enough_stock, available).to_string()
        }
        E::NotEnoughOnHand { on_hand } => {
            td_string!(locale, error.not_enough_on_hand, on_hand).to_string()
        }
        E::NotEnoughFree { free, reserved } => {
            td_string!(locale, error.not_enough_free, free, reserved).to_string()
        }
        E::NotReserved { reserved } => td_string!(locale, error.not_reserved, reserved).to_string(),
        E::CountBelowReserved { counted, reserved } => {
            td_string!(locale, error.count_below_reserved, counted, reserved).to_string()
        }
        E::StockChanged => td_string!(locale, error.stock_changed).to_string(),
        E::DiscountInvalid { text } => td_string!(locale, error.discount_invalid, text).to_string(),
        E::BasketEmpty => td_string!(locale, error.basket_empty).to_string(),
        E::PickupShopRequired => td_string!(locale, error.pickup_shop_required).to_string(),
        E::NotAPickupShop { location } => {
            td_string!(locale, error.not_a_pickup_shop, location).to_string()
        }
        E::ShipAddressRequired => td_string!(locale, error.ship_address_required).to_string(),
        E::ContactRequired => td_string!(locale, error.contact_required).to_string(),
        E::TakeNowNeedsTill => td_string!(locale, error.take_now_needs_till).to_string(),
        E::PaymentReferenceRequired => {
            td_string!(locale, error.payment_reference_required).to_string()
        }
        E::NotAPaymentMethod { text } => {
            td_string!(locale, error.not_a_payment_method, text).to_string()
        }
        E::TakeNowNotAtKiosk => td_string!(locale, error.take_now_not_at_kiosk).to_string(),
        E::ApprovalReasonRequired => td_string!(locale, error.approval_reason_required).to_string(),
        E::UnknownBasket => td_string!(locale, error.unknown_basket).to_string(),
        E::UnknownHandoffCode { text } => {
            td_string!(locale, error.unknown_handoff_code, text).to_string()
        }
        E::BasketOrdered { reference } => {
            td_string!(locale, error.basket_ordered, reference).to_string()
        }
        E::BasketClosed => td_string!(locale, error.basket_closed).to_string(),
        E::LineShort {
            sku,
            location,
            available,
        } => td_string!(locale, error.line_short, sku, location, available).to_string(),
        E::NoSource { sku } => td_string!(locale, error.no_source, sku).to_string(),
        E::DiscountNeedsApproval {
            sku,
            percent,
            limit,
        } => td_string!(locale, error.discount_needs_approval, sku, percent, limit).to_string(),
        E::IdempotencyKeyRequired => td_string!(locale, error.idempotency_key_required).to_string(),
        E::NotAFulfilment { text } => td_string!(locale, error.not_a_fulfilment, text).to_string(),
        E::PaymentAmountWrong { total_cents } => {
            td_string!(locale, error.payment_amount_wrong, total_cents).to_string()
        }
        E::OrderCancelled { reference } => {
            td_string!(locale, error.order_cancelled, reference).to_string()
        }
        E::OrderAlreadyPaid { reference } => {
            td_string!(locale, error.order_already_paid, reference).to_string()
        }
        E::NotAPickupCode { text } => td_string!(locale, error.not_a_pickup_code, text).to_string(),
        E::NotAShelfSlot { text } => td_string!(locale, error.not_a_shelf_slot, text).to_string(),
        E::NotADate { text } => td_string!(locale, error.not_a_date, text).to_string(),
        E::WrongItem { text, expected } => {
            td_string!(locale, error.wrong_item, text, expected).to_string()
        }
        E::ItemAlreadyPicked { sku } => {
            td_string!(locale, error.item_already_picked, sku).to_string()
        }
        E::PickIncomplete { reference, missing } => {
            td_string!(locale, error.pick_incomplete, reference, missing).to_string()
        }
        E::GoodsNotHere {
            reference,
            location,
        } => td_string!(locale, error.goods_not_here, reference, location).to_string(),
        E::WrongPickupCode { reference } => {
            td_string!(locale, error.wrong_pickup_code, reference).to_string()
        }
        E::UnknownPickupCode { text } => {
            td_string!(locale, error.unknown_pickup_code, text).to_string()
        }
        E::TooManyCodeTries { retry_after_secs } => {
            let wait = wait_words(locale, *retry_after_secs);
            td_string!(locale, error.too_many_code_tries, wait).to_string()
        }
        E::PickupAtOtherShop {
            reference,
            location,
        } => td_string!(locale, error.pickup_at_other_shop, reference, location).to_string(),
        E::PickupExpired { reference } => {
            td_string!(locale, error.pickup_expired, reference).to_string()
        }
        E::PickupCancelled { reference } => {
            td_string!(locale, error.pickup_cancelled, reference).to_string()
        }
        E::PickupCollected { reference } => {
            td_string!(locale, error.pickup_collected, reference).to_string()
        }
        E::PickupNotReady { reference } => {
            td_string!(locale, error.pickup_not_ready, reference).to_string()
        }
        E::NothingToHandOver => td_string!(locale, error.nothing_to_hand_over).to_string(),
        E::HandOverTooMany { sku, left } => {
            td_string!(locale, error.hand_over_too_many, sku, left).to_string()
        }
        E::IdCheckNotAllowed => td_string!(locale, error.id_check_not_allowed).to_string(),
        E::IdDocumentRequired => td_string!(locale, error.id_document_required).to_string(),
        E::UnknownParcel { text } => td_string!(locale, error.unknown_parcel, text).to_string(),
        E::ParcelNotForHere {
            reference,
            location,
        } => td_string!(locale, error.parcel_not_for_here, reference, location).to_string(),
        E::ParcelAlreadySent { reference } => {
            td_string!(locale, error.parcel_already_sent, reference).to_string()
        }
        E::ParcelAlreadyReceived { reference } => {
            td_string!(locale, error.parcel_already_received, reference).to_string()
        }
        E::NotAPickup { reference } => {
            td_string!(locale, error.not_a_pickup, reference).to_string()
        }
        E::CollectByNotLater => td_string!(locale, error.collect_by_not_later).to_string(),
        E::PickupChanged { reference } => {
            td_string!(locale, error.pickup_changed, reference).to_string()
        }
        E::NotAReturnReason { text } => {
            td_string!(locale, error.not_a_return_reason, text).to_string()
        }
        E::NotAnItemCondition { text } => {
            td_string!(locale, error.not_an_item_condition, text).to_string()
        }
        E::NotARefundMethod { text } => {
            td_string!(locale, error.not_a_refund_method, text).to_string()
        }
        E::ReturnNoteRequired => td_string!(locale, error.return_note_required).to_string(),
        E::NothingToReturn => td_string!(locale, error.nothing_to_return).to_string(),
        E::ReturnTooMany { sku, left } => {
            td_string!(locale, error.return_too_many, sku, left).to_string()
        }
        E::AlreadyReturned {
            sku,
            returned,
            left,
            location,
            actor,
            at_ms,
        } => {
            let date = format_shop_date(*at_ms, lang_of(locale));
            td_string!(
                locale,
                error.already_returned,
                sku,
                returned,
                left,
                location,
                actor,
                date
            )
            .to_string()
        }
        E::NotDeliveredYet { sku } => td_string!(locale, error.not_delivered_yet, sku).to_string(),
        E::FinalSale { sku } => td_string!(locale, error.final_sale, sku).to_string(),
        E::ReturnWindowClosed { sku, at_ms } => {
            let date = format_shop_date(*at_ms, lang_of(locale));
            td_string!(locale, error.return_window_closed, sku, date).to_string()
        }
        E::ApprovalNotNeeded { reference } => {
            td_string!(locale, error.approval_not_needed, reference).to_string()
        }
        E::ApprovalAlreadyDecided { reference, actor } => {
            td_string!(locale, error.approval_already_decided, reference, actor).to_string()
        }
        E::ApprovalNotGiven => td_string!(locale, error.approval_not_given).to_string(),
        E::UnknownApproval { approval_id } => {
            td_string!(locale, error.unknown_approval, approval_id).to_string()
        }
        E::OrderNotPaid { reference } => {
            td_string!(locale, error.order_not_paid, reference).to_string()
        }
        E::StoreCreditNeedsCustomer => {
            td_string!(locale, error.store_credit_needs_customer).to_string()
        }
        E::NotEnoughCredit { balance_cents } => {
            let balance = Cents(*balance_cents).format(lang_of(locale));
            td_string!(locale, error.not_enough_credit, balance).to_string()
        }
        E::CreditAmountInvalid => td_string!(locale, error.credit_amount_invalid).to_string(),
        E::RefundBeyondPaid { reference } => {
            td_string!(locale, error.refund_beyond_paid, reference).to_string()
        }
        E::QuarantineTooMany { sku, left } => {
            td_string!(locale, error.quarantine_too_many, sku, left).to_string()
        }
        E::UnknownReturn { reference } => {
            td_string!(locale, error.unknown_return, reference).to_string()
        }
        E::NotAShipment { reference } => {
            td_string!(locale, error.not_a_shipment, reference).to_string()
        }
        E::DatabaseNotEmpty => td_string!(locale, error.database_not_empty).to_string(),
        E::Internal => td_string!(locale, error.internal).to_string(),
        E::Transport { .. } => td_string!(locale, error.transport).to_string(),
    }
}
