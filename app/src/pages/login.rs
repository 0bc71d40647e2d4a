use crate::domain::sign_in;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Sign-in. A plain form posted to the server, so it works before (and
/// without) the app's JavaScript.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query.with(|q| match q.get("error").as_deref() {
            Some("credentials") => Some("Wrong username or password.".to_string()),
            Some("expired") => Some("Your session has ended. Please sign in again.".to_string()),
            Some("busy") => {
                Some("Sign-in is not possible right now. Please try again in a moment.".to_string())
            }
            Some("locked") => {
                let retry_after_secs = q
                    .get("wait")
                    .and_then(|w| w.parse().ok())
                    .unwrap_or(sign_in::FIRST_LOCK_MS as u64 / 1000);
                Some(AppError::TooManyAttempts { retry_after_secs }.to_string())
            }
            _ => None,
        })
    };
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <section class="panel login">
            <h1>"Sign in"</h1>
            {move || {
                error()
                    .map(|message| {
                        view! {
                            <p class="message error" role="alert">
                                {message}
                            </p>
                        }
                    })
            }}
            <form method="post" action="/auth/login" class="form">
                <input type="hidden" name="next" value=next/>
                <label for="username">"Username"</label>
                <input
                    id="username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    autofocus
                />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">"Sign in"</button>
            </form>
        </section>
    }
}
