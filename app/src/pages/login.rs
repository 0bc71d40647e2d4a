use crate::components::feedback::error_text;
use crate::components::language::LanguageSwitch;
use crate::domain::sign_in;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Sign-in. A plain form posted to the server, so it works before (and
/// without) the app's JavaScript. After a refusal the server sends the
/// username back, so only the password is typed again.
#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    // The sign-in page is always loaded afresh (its form posts to the
    // server, which redirects), so its address is read once.
    let error = query.with_untracked(|q| match q.get("error").as_deref() {
        Some("credentials") => Some(error_text(locale, &AppError::WrongCredentials)),
        Some("expired") => Some(error_text(locale, &AppError::SessionEnded)),
        Some("busy") => Some(td_string!(locale, login.busy).to_string()),
        Some("locked") => {
            let retry_after_secs = q
                .get("wait")
                .and_then(|w| w.parse().ok())
                .unwrap_or(sign_in::FIRST_LOCK_MS as u64 / 1000);
            Some(error_text(
                locale,
                &AppError::TooManyAttempts { retry_after_secs },
            ))
        }
        _ => None,
    });
    let next = query.with_untracked(|q| q.get("next").unwrap_or_default());
    let username = query.with_untracked(|q| q.get("user").unwrap_or_default());
    view! {
        <Title text=td_string!(locale, login.title).to_string()/>
        <section class="panel login">
            <div class="login-head">
                <h1>{td_string!(locale, login.title)}</h1>
                <LanguageSwitch/>
            </div>
            {error.map(|message| view! { <p class="message error" role="alert">{message}</p> })}
            <form method="post" action="/auth/login" class="form">
                <input type="hidden" name="next" value=next/>
                <label for="username">{td_string!(locale, login.username)}</label>
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
                <label for="password">{td_string!(locale, login.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">{td_string!(locale, login.submit)}</button>
            </form>
        </section>
    }
}
