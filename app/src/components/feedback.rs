use crate::error::AppError;
use leptos::prelude::*;

/// Shown while data is on its way: never a blank screen.
#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {format!("Loading {what}…")}
        </p>
    }
}

/// An error in words, with the way forward.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let sign_in = matches!(error, AppError::Unauthenticated);
    view! {
        <div class="message error" role="alert">
            <p>{error.to_string()}</p>
            {sign_in.then(|| view! { <p><a href="/login">"Sign in"</a></p> })}
        </div>
    }
}
