//! Loading states and errors, in the person's language.

use crate::domain::sign_in::{Wait, wait};
use crate::error::{AppError, TextField};
use crate::i18n::{Locale, t_string, use_i18n};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// What a page is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loads {
    Results,
    Stock,
    Product,
    History,
}

/// Shown while data is on its way: never a blank screen.
#[component]
pub fn Loading(what: Loads) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match what {
        Loads::Results => t_string!(i18n, loading.results),
        Loads::Stock => t_string!(i18n, loading.stock),
        Loads::Product => t_string!(i18n, loading.product),
        Loads::History => t_string!(i18n, loading.history),
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
    let i18n = use_i18n();
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
    view! {
        <div class="message error" role="alert">
            <p>{move || error_text(i18n, &error)}</p>
            {sign_in.then(|| view! { <p><a href="/login">{move || t_string!(i18n, error.sign_in)}</a></p> })}
        </div>
    }
}

/// A wait ("30 secondes", "2 minutes") in the page's language.
pub fn wait_words(i18n: I18nContext<Locale>, seconds: u64) -> String {
    match wait(seconds) {
        Wait::Seconds(count) => t_string!(i18n, wait.seconds, count = count as i64).to_string(),
        Wait::Minutes(count) => t_string!(i18n, wait.minutes, count = count as i64).to_string(),
    }
}

/// What an error code says to a person, in the page's language (read
/// reactively: the text follows a change of language).
pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> String {
    use AppError as E;
    match error {
        E::SessionEnded => t_string!(i18n, error.session_ended).to_string(),
        E::ApiKeyMissing => t_string!(i18n, error.api_key_missing).to_string(),
        E::ApiKeyInvalid => t_string!(i18n, error.api_key_invalid).to_string(),
        E::WrongCredentials => t_string!(i18n, error.wrong_credentials).to_string(),
        E::Forbidden => t_string!(i18n, error.forbidden).to_string(),
        E::TooManyAttempts { retry_after_secs } => {
            let wait = wait_words(i18n, *retry_after_secs);
            t_string!(i18n, error.too_many_attempts, wait).to_string()
        }
        E::NotAWholeNumber { text } => t_string!(i18n, error.not_a_whole_number, text).to_string(),
        E::QuantityTooSmall { got } => t_string!(i18n, error.quantity_too_small, got).to_string(),
        E::QuantityTooLarge { got, max } => {
            t_string!(i18n, error.quantity_too_large, got, max).to_string()
        }
        E::AdjustmentIsZero => t_string!(i18n, error.adjustment_is_zero).to_string(),
        E::AdjustmentTooLarge { delta, max } => {
            t_string!(i18n, error.adjustment_too_large, delta, max).to_string()
        }
        E::CountNegative => t_string!(i18n, error.count_negative).to_string(),
        E::CountImplausible { counted } => {
            t_string!(i18n, error.count_implausible, counted).to_string()
        }
        E::ReasonRequired => t_string!(i18n, error.reason_required).to_string(),
        E::TextTooLong {
            field: TextField::Reason,
            max,
        } => t_string!(i18n, error.reason_too_long, max).to_string(),
        E::TextTooLong {
            field: TextField::Reference,
            max,
        } => t_string!(i18n, error.reference_too_long, max).to_string(),
        E::NotASku { text } => t_string!(i18n, error.not_a_sku, text).to_string(),
        E::NotALocation { text } => t_string!(i18n, error.not_a_location, text).to_string(),
        E::NotAMovementKind { text } => {
            t_string!(i18n, error.not_a_movement_kind, text).to_string()
        }
        E::MovementNotForApi { .. } => t_string!(i18n, error.movement_not_for_api).to_string(),
        E::DestinationRequired => t_string!(i18n, error.destination_required).to_string(),
        E::SameLocation => t_string!(i18n, error.same_location).to_string(),
        E::UnknownLanguage { text } => t_string!(i18n, error.unknown_language, text).to_string(),
        E::RequestKeyInvalid { .. } => t_string!(i18n, error.request_key_invalid).to_string(),
        E::RequestKeyReused { .. } => t_string!(i18n, error.request_key_reused).to_string(),
        E::FormAlreadySent => t_string!(i18n, error.form_already_sent).to_string(),
        E::Malformed { .. } => t_string!(i18n, error.malformed).to_string(),
        E::UnknownSku { sku } => t_string!(i18n, error.unknown_sku, sku).to_string(),
        E::UnknownLocation { location } => {
            t_string!(i18n, error.unknown_location, location).to_string()
        }
        E::UnknownProduct { product } => {
            t_string!(i18n, error.unknown_product, product).to_string()
        }
        E::UnknownEndpoint => t_string!(i18n, error.unknown_endpoint).to_string(),
        E::NotEnoughStock { available } => {
            t_string!(i18n, error.not_enough_stock, available).to_string()
        }
        E::NotEnoughOnHand { on_hand } => {
            t_string!(i18n, error.not_enough_on_hand, on_hand).to_string()
        }
        E::NotEnoughFree { free, reserved } => {
            t_string!(i18n, error.not_enough_free, free, reserved).to_string()
        }
        E::NotReserved { reserved } => t_string!(i18n, error.not_reserved, reserved).to_string(),
        E::CountBelowReserved { counted, reserved } => {
            t_string!(i18n, error.count_below_reserved, counted, reserved).to_string()
        }
        E::StockChanged => t_string!(i18n, error.stock_changed).to_string(),
        E::DatabaseNotEmpty => t_string!(i18n, error.database_not_empty).to_string(),
        E::Internal => t_string!(i18n, error.internal).to_string(),
        E::Transport { .. } => t_string!(i18n, error.transport).to_string(),
    }
}
