//! French first, English one tap away: the language a page is rendered in,
//! and where the choice is kept (the account, the device).

use crate::common::*;

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> String {
    let mut request = app
        .http
        .get(app.url(path))
        // A browser set to English: the chain's language still comes first.
        .header("accept-language", "en-US,en;q=0.9");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("page answers");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("page text")
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(String::from))
        .collect()
}

async fn choose(app: &TestApp, cookie: Option<&str>, lang: &str) -> reqwest::Response {
    let mut request = app
        .http
        .post(app.url("/api/set_language"))
        .form(&[("lang", lang)]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("set_language answers")
}

/// The sign-in form posted as the associate, with the device's cookies.
async fn sign_in_form(app: &TestApp, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.http.post(app.url("/auth/login")).form(&[
        ("username", "associate"),
        ("password", "demo"),
        ("next", ""),
    ]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("sign-in answers")
}

async fn account_language(app: &TestApp, username: &str) -> Option<String> {
    sqlx::query_scalar("SELECT language FROM staff WHERE username = $1")
        .bind(username)
        .fetch_one(&app.db.pool)
        .await
        .expect("staff row")
}

async fn pages_are_french_by_default_and_english_when_chosen(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;

    let french = page(&app, "/login", None).await;
    assert!(french.contains(r#"<html lang="fr""#), "{french}");
    assert!(french.contains("Connexion") && french.contains("Mot de passe"));

    // Before sign-in the choice is the device's: a cookie, and a mark that
    // it was chosen here.
    let chosen = choose(&app, None, "en").await;
    assert_eq!(chosen.status(), 200);
    let cookies = set_cookies(&chosen);
    assert!(
        cookies.iter().any(|c| c.starts_with("wis_lang=en;")),
        "{cookies:?}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("wis_lang_chosen=1;")),
        "{cookies:?}"
    );
    let english = page(&app, "/login", Some("wis_lang=en")).await;
    assert!(english.contains(r#"<html lang="en""#), "{english}");
    assert!(english.contains("Password") && !english.contains("Mot de passe"));

    // A language the app does not speak is refused with its code.
    let refused = choose(&app, None, "de").await;
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.expect("JSON error");
    assert_eq!(body["reason"], "unknown_language");
}
both_databases!(
    french_first,
    super::pages_are_french_by_default_and_english_when_chosen
);

async fn an_account_keeps_its_language_on_every_device(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let tablet = app.sign_in("associate").await;
    assert_eq!(account_language(&app, "associate").await, None);
    assert!(
        page(&app, "/stock", Some(&tablet))
            .await
            .contains(r#"lang="fr""#)
    );

    let chosen = choose(&app, Some(&tablet), "en").await;
    assert_eq!(chosen.status(), 200);
    assert_eq!(
        account_language(&app, "associate").await.as_deref(),
        Some("en")
    );

    // Another tablet, which never chose: the account's language, and the
    // sign-in gives that tablet the account's cookie.
    let sign_in = sign_in_form(&app, None).await;
    let cookies = set_cookies(&sign_in);
    assert!(
        cookies.iter().any(|c| c.starts_with("wis_lang=en;")),
        "{cookies:?}"
    );
    let other_tablet = app.sign_in("associate").await;
    let stock = page(&app, "/stock", Some(&other_tablet)).await;
    assert!(stock.contains(r#"<html lang="en""#), "{stock}");
    assert!(stock.contains("Find a product"));
    // The account wins over a device left in French by someone else.
    let mixed = format!("{other_tablet}; wis_lang=fr");
    assert!(
        page(&app, "/stock", Some(&mixed))
            .await
            .contains(r#"lang="en""#)
    );

    // French chosen on a tablet's sign-in page, just before signing in: the
    // person's choice, kept for the account.
    let sign_in = sign_in_form(&app, Some("wis_lang=fr; wis_lang_chosen=1")).await;
    assert_eq!(sign_in.status(), 303);
    assert_eq!(
        account_language(&app, "associate").await.as_deref(),
        Some("fr")
    );
}
both_databases!(
    account_language,
    super::an_account_keeps_its_language_on_every_device
);

async fn a_kiosk_follows_its_device_not_its_account(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let kiosk = app.sign_in("kiosk").await;
    let chosen = choose(&app, Some(&kiosk), "en").await;
    assert_eq!(chosen.status(), 200);
    assert_eq!(
        account_language(&app, "kiosk").await,
        None,
        "a customer's choice"
    );
    let english = page(&app, "/kiosk", Some(&format!("{kiosk}; wis_lang=en"))).await;
    assert!(english.contains("Find a product"), "{english}");
    let french = page(&app, "/kiosk", Some(&kiosk)).await;
    assert!(french.contains("Trouver un produit"), "{french}");
}
both_databases!(
    kiosk_language,
    super::a_kiosk_follows_its_device_not_its_account
);

async fn the_switch_works_without_javascript(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    // A plain form post, as a browser without JavaScript sends it: the
    // answer sends the browser back to the page, with the cookie set.
    let response = app
        .http
        .post(app.url("/api/set_language"))
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", app.url("/login?next=%2Fstock"))
        .form(&[("lang", "en")])
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/login?next=%2Fstock");
    assert!(
        set_cookies(&response)
            .iter()
            .any(|c| c.starts_with("wis_lang=en;"))
    );
    // With JavaScript it is the same plain form: the page again, with no
    // empty `?` added to its address, and never another site.
    for (referer, back) in [
        (app.url("/stock/ROB-0001-MAR-S"), "/stock/ROB-0001-MAR-S"),
        ("https://elsewhere.example/page".to_string(), "/page"),
    ] {
        let response = app
            .http
            .post(app.url("/api/set_language"))
            .header("accept", "text/html")
            .header("referer", referer)
            .form(&[("lang", "fr")])
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], back);
    }
}
both_databases!(
    switch_without_js,
    super::the_switch_works_without_javascript
);
