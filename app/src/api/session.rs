use crate::domain::Lang;
use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// Who is signed in on this device, if anyone.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    super::guard::signed_in_or_none().await
}

/// Shows the app in another language on this device, and keeps the choice:
/// for a signed-in associate or manager, on their account (it follows them
/// to another tablet); before sign-in and on a kiosk, on the device only.
/// Anyone may call it: it changes nothing but the caller's own language.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<Lang, AppError> {
    use crate::domain::Role;
    use crate::domain::lang::{lang_chosen_cookie, lang_cookie};
    use axum::http::{HeaderValue, header};

    let chosen = Lang::parse(&lang).ok_or_else(|| AppError::UnknownLanguage {
        text: lang.trim().chars().take(20).collect(),
    })?;
    let state = super::guard::state()?;
    let caller = super::guard::signed_in_or_none().await?;
    if let Some(user) = caller.as_ref().filter(|u| u.role != Role::Kiosk) {
        crate::services::auth::save_language(&state.db, &user.username, chosen).await?;
    }
    let mut cookies = vec![lang_cookie(chosen, state.secure_cookies)];
    if caller.is_none() {
        cookies.push(lang_chosen_cookie(true, state.secure_cookies));
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        for cookie in cookies {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.append_header(header::SET_COOKIE, value);
            }
        }
    }
    Ok(chosen)
}
