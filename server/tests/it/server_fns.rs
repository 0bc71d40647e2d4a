//! Server functions over HTTP, as the browser calls them: every one checks
//! who calls it.

use crate::common::*;
use crate::stock::prepared_sku;

async fn each_role_reaches_only_its_functions(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let code = prepared_sku(&app.db, &app.events, 5, 0).await;
    let sku = code.as_str();
    let associate = app.sign_in("associate").await;
    let manager = app.sign_in("manager").await;
    let kiosk = app.sign_in("kiosk").await;

    // Nobody signed in: 401 everywhere (with well-formed arguments, so it
    // is the missing session that is refused).
    let every_argument = [
        ("query", "robe"),
        ("sku", sku),
        ("kind", "receipt"),
        ("quantity", "1"),
    ];
    for function in [
        "search_stock",
        "get_product_stock",
        "kiosk_search",
        "record_movement",
        "movement_history",
    ] {
        let (status, body) = app.call(None, function, &every_argument).await;
        assert_eq!(
            (status, body["reason"].as_str()),
            (401, Some("session_ended")),
            "{function}"
        );
    }
    // An expired or forged session is no session.
    let (status, _) = app
        .call(
            Some("wis_session=forged"),
            "search_stock",
            &[("query", "robe")],
        )
        .await;
    assert_eq!(status, 401);

    // Staff search and product stock.
    let (status, found) = app
        .call(Some(&associate), "search_stock", &[("query", sku)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["exact_sku"], sku);
    let (status, product) = app
        .call(Some(&associate), "get_product_stock", &[("sku", sku)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(product["selected"]["locations"][0]["location_id"], "PAR01");

    // Moving stock is for managers only.
    let form = [("sku", sku), ("kind", "receipt"), ("quantity", "2")];
    let (status, body) = app.call(Some(&associate), "record_movement", &form).await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("forbidden")));
    assert_eq!(
        figures(&app.db, sku, "PAR01").await.0,
        5,
        "the refused call wrote nothing"
    );
    let (status, done) = app.call(Some(&manager), "record_movement", &form).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(figures(&app.db, sku, "PAR01").await.0, 7);
    let (status, history) = app
        .call(Some(&manager), "movement_history", &[("sku", sku)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(history[0]["kind"], "receipt");
    assert_eq!(history[0]["actor"], "manager");

    // A kiosk reaches kiosk functions only, and they carry no staff figures.
    for function in [
        "search_stock",
        "get_product_stock",
        "movement_history",
        "record_movement",
        "transfer_destinations",
    ] {
        let (status, _) = app.call(Some(&kiosk), function, &every_argument).await;
        assert_eq!(status, 403, "kiosk calling {function}");
    }
    let (status, item) = app
        .call(Some(&kiosk), "kiosk_product", &[("sku", sku)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(item["available_here"], 7);
    let text = item.to_string();
    for secret in ["on_hand", "reserved", "email", "phone", "customer"] {
        assert!(
            !text.contains(secret),
            "kiosk answer mentions {secret}: {text}"
        );
    }
    let (status, _) = app
        .call(Some(&associate), "kiosk_product", &[("sku", sku)])
        .await;
    assert_eq!(status, 403, "staff use the staff screens");
}
both_databases!(roles, super::each_role_reaches_only_its_functions);

async fn managers_get_clear_errors_for_bad_input(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let code = prepared_sku(&app.db, &app.events, 5, 0).await;
    let sku = code.as_str();
    let manager = app.sign_in("manager").await;
    let before = ledger_lines(&app.db).await;
    type Case<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);
    let cases: [Case; 6] = [
        (
            &[("sku", sku), ("kind", "receipt"), ("quantity", "ten")],
            422,
            "not_a_whole_number",
        ),
        (
            &[("sku", sku), ("kind", "adjustment"), ("quantity", "-1")],
            422,
            "reason_required",
        ),
        (
            &[("sku", sku), ("kind", "transfer"), ("quantity", "1")],
            422,
            "destination_required",
        ),
        (
            &[
                ("sku", sku),
                ("kind", "transfer"),
                ("quantity", "1"),
                ("to_location", "PAR01"),
            ],
            422,
            "same_location",
        ),
        (
            &[("sku", sku), ("kind", "count"), ("quantity", "-3")],
            422,
            "count_negative",
        ),
        (
            &[("sku", "NOPE-123"), ("kind", "receipt"), ("quantity", "1")],
            404,
            "unknown_sku",
        ),
    ];
    // Each refusal is a stable code the screen words in the person's
    // language, never an English sentence.
    for (form, status, reason) in cases {
        let (got, body) = app.call(Some(&manager), "record_movement", form).await;
        assert_eq!(got, status, "{form:?} -> {body}");
        assert_eq!(body["reason"], reason, "{form:?} -> {body}");
    }
    let (_, unknown) = app
        .call(
            Some(&manager),
            "record_movement",
            &[("sku", "NOPE-123"), ("kind", "receipt"), ("quantity", "1")],
        )
        .await;
    assert_eq!(unknown["sku"], "NOPE-123", "with its parameters");
    // A kind the form does not offer is a malformed request.
    let (status, _) = app
        .call(
            Some(&manager),
            "record_movement",
            &[("sku", sku), ("kind", "theft"), ("quantity", "1")],
        )
        .await;
    assert!((400..500).contains(&status), "{status}");
    assert_eq!(ledger_lines(&app.db).await, before);
}
both_databases!(
    manager_input,
    super::managers_get_clear_errors_for_bad_input
);

async fn sessions_open_close_and_expire(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let wrong = app
        .http
        .post(app.url("/auth/login"))
        .form(&[
            ("username", "associate"),
            ("password", "nope"),
            ("next", ""),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(
        wrong.headers()["location"],
        "/login?error=credentials&user=associate",
        "the form comes back with the username"
    );
    assert!(wrong.headers().get("set-cookie").is_none());

    let cookie = app.sign_in("associate").await;
    let page = app
        .http
        .get(app.url("/stock"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 200);

    // The cookie is HttpOnly and SameSite=Strict.
    let response = app
        .http
        .post(app.url("/auth/login"))
        .form(&[
            ("username", "manager"),
            ("password", "demo"),
            ("next", "/manage/X"),
        ])
        .send()
        .await
        .expect("answers");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    assert_eq!(
        response.headers()["location"],
        "/manage/X",
        "back to the page asked for"
    );

    // Expired sessions send people back to sign in.
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(&app.db.pool)
        .await
        .expect("expired");
    let page = app
        .http
        .get(app.url("/stock"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 303);
    assert!(
        page.headers()["location"]
            .to_str()
            .expect("ascii")
            .contains("error=expired")
    );

    // Signing out deletes the session.
    let cookie = app.sign_in("associate").await;
    let out = app
        .http
        .post(app.url("/auth/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("answers");
    assert_eq!(out.status(), 303);
    let (status, _) = app
        .call(Some(&cookie), "search_stock", &[("query", "robe")])
        .await;
    assert_eq!(status, 401);
}
both_databases!(sessions, super::sessions_open_close_and_expire);
