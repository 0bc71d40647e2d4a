//! Sessions at the edge: who is calling (resolved once per request), which
//! pages their role may open, cross-site request refusal, sign-in and out.

use app::domain::lang::{LANG_CHOSEN_COOKIE, LANG_COOKIE, lang_chosen_cookie, lang_cookie};
use app::domain::search::encode_query_value;
use app::domain::{Lang, Role};
use app::error::AppError;
use app::services::auth;
use app::state::{AppState, RequestLang, RequestUser, SignedIn};
use axum::Form;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub const SESSION_COOKIE: &str = "wis_session";

/// A cookie of the request, if it is there and not empty.
pub fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

/// The session token in the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The language to render a request in: a staff account's own choice, else
/// the device's, else French (the chain's language; a tablet's browser
/// language says nothing about who uses it).
pub fn request_lang(headers: &HeaderMap, signed_in: Option<&SignedIn>) -> Lang {
    let device = cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c));
    let account = signed_in
        .filter(|s| s.user.role != Role::Kiosk)
        .and_then(|s| s.user.language);
    account.or(device).unwrap_or_default()
}

/// What a page request may do, by path and role.
#[derive(Debug, PartialEq, Eq)]
pub enum PageAccess {
    Allow,
    Redirect(String),
}

pub fn page_access(path: &str, role: Option<Role>, session_expired: bool) -> PageAccess {
    let to_login = || {
        let reason = if session_expired {
            "&error=expired"
        } else {
            ""
        };
        PageAccess::Redirect(format!(
            "/login?next={}{reason}",
            app::domain::search::encode_query_value(path)
        ))
    };
    let home = |role: Role| PageAccess::Redirect(role.home_path().to_string());
    let area = path.split('/').nth(1).unwrap_or_default();
    match (area, role) {
        ("", None) => to_login(),
        ("", Some(role)) => home(role),
        ("login", Some(role)) => home(role),
        ("login", None) => PageAccess::Allow,
        ("stock" | "manage" | "kiosk" | "customers" | "orders" | "access-log", None) => to_login(),
        ("stock" | "customers" | "orders", Some(role)) if role.is_staff() => PageAccess::Allow,
        ("access-log", Some(Role::Manager)) => PageAccess::Allow,
        ("manage", Some(Role::Manager)) => PageAccess::Allow,
        // An associate sent to a manager page sees the product instead.
        ("manage", Some(Role::Associate)) => {
            PageAccess::Redirect(path.replacen("/manage/", "/stock/", 1))
        }
        ("kiosk", Some(Role::Kiosk)) => PageAccess::Allow,
        ("stock" | "manage" | "kiosk" | "customers" | "orders" | "access-log", Some(role)) => {
            home(role)
        }
        _ => PageAccess::Allow,
    }
}

/// Paths that are not pages and carry no session (assets, probes, the
/// key-authenticated API).
fn sessionless(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/api/v1/")
        || path == "/api/v1"
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.ico"
}

/// A state-changing request must come from this site: browsers send
/// `Origin` (and `Sec-Fetch-Site`) with every POST.
fn cross_site(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    origin_host != host
}

pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if sessionless(&path) {
        return next.run(req).await;
    }
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && cross_site(req.headers()) {
        tracing::warn!(%path, "refused a cross-site request");
        return (StatusCode::FORBIDDEN, "Cross-site requests are refused.").into_response();
    }
    let token = session_token(req.headers());
    let signed_in = match &token {
        None => None,
        Some(token) => match auth::session_user(&state.db, token).await {
            Ok(found) => found.map(|(user, device)| SignedIn { user, device }),
            Err(_) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is unavailable. Please try again.",
                )
                    .into_response();
            }
        },
    };
    let is_page = req.method() == Method::GET && !path.starts_with("/api/");
    if is_page {
        let role = signed_in.as_ref().map(|s| s.user.role);
        if let PageAccess::Redirect(to) =
            page_access(&path, role, token.is_some() && signed_in.is_none())
        {
            return Redirect::to(&to).into_response();
        }
    }
    let lang = request_lang(req.headers(), signed_in.as_ref());
    req.extensions_mut().insert(RequestLang(lang));
    req.extensions_mut().insert(RequestUser(signed_in));
    next.run(req).await
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only our own paths: never an open redirect to another site.
fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let device = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown device")
        .to_string();
    // After a refusal the form comes back with the username filled in.
    let again = |error: &str| {
        format!(
            "/login?error={error}&user={}{}",
            encode_query_value(form.username.trim()),
            match safe_next(&form.next) {
                Some(next) => format!("&next={}", encode_query_value(next)),
                None => String::new(),
            }
        )
    };
    match auth::sign_in(&state.db, &form.username, &form.password, &device).await {
        Ok(session) => {
            let landing = match safe_next(&form.next) {
                Some(next)
                    if page_access(next, Some(session.user.role), false) == PageAccess::Allow =>
                {
                    next.to_string()
                }
                _ => session.user.role.home_path().to_string(),
            };
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                session.token,
                session.max_age_ms / 1000,
                if state.secure_cookies { "; Secure" } else { "" }
            );
            let mut response = with_cookie(Redirect::to(&landing).into_response(), &cookie);
            for cookie in sign_in_language(&state, &headers, &session.user).await {
                response = with_cookie(response, &cookie);
            }
            response
        }
        Err(AppError::WrongCredentials | AppError::Forbidden) => {
            Redirect::to(&again("credentials")).into_response()
        }
        Err(AppError::TooManyAttempts { retry_after_secs }) => {
            Redirect::to(&format!("{}&wait={retry_after_secs}", again("locked"))).into_response()
        }
        Err(_) => Redirect::to(&again("busy")).into_response(),
    }
}

/// The language cookies to set at sign-in. A language chosen on this device
/// just before signing in is the person's choice: it is kept for their
/// account. Otherwise the account's own language, if it has one, becomes
/// the device's (a shared tablet follows whoever signs in).
async fn sign_in_language(
    state: &AppState,
    headers: &HeaderMap,
    user: &app::model::CurrentUser,
) -> Vec<String> {
    if user.role == Role::Kiosk {
        return Vec::new();
    }
    let device = cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c));
    let chosen_here = cookie(headers, LANG_CHOSEN_COOKIE).is_some();
    match (chosen_here, device, user.language) {
        (true, Some(lang), _) => {
            if let Err(err) = auth::save_language(&state.db, &user.username, lang).await {
                tracing::warn!(error = %err, "language not kept for the account");
            }
            vec![lang_chosen_cookie(false, state.secure_cookies)]
        }
        (_, _, Some(account)) => vec![
            lang_cookie(account, state.secure_cookies),
            lang_chosen_cookie(false, state.secure_cookies),
        ],
        _ => vec![lang_chosen_cookie(false, state.secure_cookies)],
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers) {
        let _ = auth::sign_out(&state.db, &token).await;
    }
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    with_cookie(Redirect::to("/login").into_response(), &cookie)
}

fn with_cookie(mut response: Response<Body>, cookie: &str) -> Response<Body> {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_roles() {
        use PageAccess::*;
        assert_eq!(page_access("/stock", Some(Role::Associate), false), Allow);
        assert_eq!(
            page_access("/stock/ROB-0001-NOI-M", Some(Role::Manager), false),
            Allow
        );
        assert_eq!(
            page_access("/stock", Some(Role::Kiosk), false),
            Redirect("/kiosk".into())
        );
        assert_eq!(
            page_access("/manage/ROB-0001-NOI-M", Some(Role::Associate), false),
            Redirect("/stock/ROB-0001-NOI-M".into())
        );
        assert_eq!(
            page_access("/manage/X", Some(Role::Kiosk), false),
            Redirect("/kiosk".into())
        );
        assert_eq!(
            page_access("/customers/12", Some(Role::Associate), false),
            Allow
        );
        assert_eq!(
            page_access("/customers/12", Some(Role::Kiosk), false),
            Redirect("/kiosk".into())
        );
        assert_eq!(
            page_access("/orders/WEB-0000001", Some(Role::Kiosk), false),
            Redirect("/kiosk".into())
        );
        assert_eq!(
            page_access("/access-log", Some(Role::Manager), false),
            Allow
        );
        assert_eq!(
            page_access("/access-log", Some(Role::Associate), false),
            Redirect("/stock".into())
        );
        assert_eq!(
            page_access("/kiosk", Some(Role::Manager), false),
            Redirect("/stock".into())
        );
        assert_eq!(
            page_access("/", Some(Role::Kiosk), false),
            Redirect("/kiosk".into())
        );
        assert_eq!(page_access("/login", None, false), Allow);
    }

    #[test]
    fn anonymous_visitors_are_sent_to_sign_in_and_back() {
        assert_eq!(
            page_access("/stock/ROB-0001", None, false),
            PageAccess::Redirect("/login?next=%2Fstock%2FROB-0001".into())
        );
        assert_eq!(
            page_access("/stock", None, true),
            PageAccess::Redirect("/login?next=%2Fstock&error=expired".into())
        );
    }

    #[test]
    fn redirects_after_sign_in_stay_on_this_site() {
        assert_eq!(safe_next("/stock"), Some("/stock"));
        assert_eq!(safe_next("//evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil"), None);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; wis_session=abc123; x=y"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("abc123"));
    }

    #[test]
    fn cross_site_posts_are_detected() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:3000"),
        );
        assert!(!cross_site(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(cross_site(&headers));
    }
}
