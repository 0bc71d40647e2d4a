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
        if let Some(back) = use_context::<axum::http::request::Parts>()
            .filter(|parts| accepts_html(&parts.headers))
            .map(|parts| page_to_return_to(&parts.headers))
        {
            leptos_axum::redirect(&back);
        }
    }
    Ok(chosen)
}

/// A form posted by a browser (the language switch is a plain form).
#[cfg(feature = "ssr")]
fn accepts_html(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The page the switch was on, from `Referer`: its path and query only
/// (never another site; no empty `?` left on the address), or the home
/// page.
#[cfg(feature = "ssr")]
fn page_to_return_to(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| referer.parse::<axum::http::Uri>().ok())
        .and_then(|uri| {
            uri.path_and_query()
                .map(|p| p.as_str().trim_end_matches('?').to_string())
        })
        .filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .unwrap_or_else(|| "/".to_string())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue, header::REFERER};

    fn from(referer: &str) -> String {
        let mut headers = HeaderMap::new();
        headers.insert(REFERER, HeaderValue::from_str(referer).expect("header"));
        page_to_return_to(&headers)
    }

    #[test]
    fn the_switch_returns_to_the_same_page_on_this_site() {
        assert_eq!(
            from("http://shop:3000/stock/ROB-0001-MAR-S"),
            "/stock/ROB-0001-MAR-S"
        );
        assert_eq!(from("http://shop:3000/stock?q=robe"), "/stock?q=robe");
        assert_eq!(from("http://shop:3000/login?"), "/login");
        assert_eq!(from("https://elsewhere.example"), "/");
        assert_eq!(page_to_return_to(&HeaderMap::new()), "/");
    }
}
