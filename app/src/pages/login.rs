use crate::components::feedback::error_text;
use crate::components::language::LanguageSwitch;
use crate::domain::sign_in;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Sign-in. A plain form posted to the server, so it works before (and
/// without) the app's JavaScript. After a refusal the server sends the
/// username back, so only the password is typed again.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let error = move || {
        query.with(|q| match q.get("error").as_deref() {
            Some("credentials") => Some(error_text(i18n, &AppError::WrongCredentials)),
            Some("expired") => Some(error_text(i18n, &AppError::SessionEnded)),
            Some("busy") => Some(t_string!(i18n, login.busy).to_string()),
            Some("locked") => {
                let retry_after_secs = q
                    .get("wait")
                    .and_then(|w| w.parse().ok())
                    .unwrap_or(sign_in::FIRST_LOCK_MS as u64 / 1000);
                Some(error_text(
                    i18n,
                    &AppError::TooManyAttempts { retry_after_secs },
                ))
            }
            _ => None,
        })
    };
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let username = query.with_untracked(|q| q.get("user").unwrap_or_default());
    view! {
        <Title text=move || t_string!(i18n, login.title).to_string()/>
        <section class="panel login">
            <div class="login-head">
                <h1>{move || t_string!(i18n, login.title)}</h1>
                <LanguageSwitch/>
            </div>
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
                <label for="username">{move || t_string!(i18n, login.username)}</label>
                <input
                    id="username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    value=username
                    required
                    autofocus
                />
                <label for="password">{move || t_string!(i18n, login.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">{move || t_string!(i18n, login.submit)}</button>
            </form>
        </section>
    }
}
