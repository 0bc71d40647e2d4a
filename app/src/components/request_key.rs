//! A hidden field naming one submission of a form, so that the server
//! records it once however many times it arrives (a double tap before the
//! page is interactive, a retry after the connection dropped). See
//! `services::request_keys`.

use crate::error::AppError;
use leptos::prelude::*;

/// A fresh random key (128 bits, hex), or an empty one where the browser
/// has no random source: the server then records each copy, as without a
/// key, rather than risk taking two movements for one.
pub fn new_request_key() -> String {
    let mut bytes = [0u8; 16];
    if !fill_random(&mut bytes) {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(feature = "ssr")]
fn fill_random(bytes: &mut [u8]) -> bool {
    use rand::RngCore;
    rand::rng().fill_bytes(bytes);
    true
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn fill_random(bytes: &mut [u8]) -> bool {
    // `getRandomValues` works on plain HTTP too (a shop's LAN), unlike
    // `randomUUID`.
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(bytes).is_ok())
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn fill_random(_bytes: &mut [u8]) -> bool {
    false
}

/// The hidden `request_key` field of a server action's form. The key is
/// replaced once the server has answered (done or refused); after a lost
/// answer it stays, so sending the form again cannot record it twice.
#[component]
pub fn RequestKeyField<T, S>(outcome: S) -> impl IntoView
where
    T: Send + Sync + 'static,
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let key = RwSignal::new(new_request_key());
    Effect::new(move |_| {
        let answered = outcome.with(|o| {
            o.as_ref()
                .is_some_and(|r| !matches!(r, Err(AppError::Transport { .. })))
        });
        if answered {
            key.set(new_request_key());
        }
    });
    view! { <input type="hidden" name="request_key" value=move || key.get()/> }
}
