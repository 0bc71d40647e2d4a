//! Requests sent again (a retry after a dropped connection, a double tap)
//! are recorded once when they carry the same key: through the JSON API's
//! `Idempotency-Key` and through the manager's form.

use crate::common::*;
use crate::stock::prepared_sku;
use serde_json::{Value, json};

async fn post_with_key(app: &TestApp, key: &str, body: &Value) -> (u16, Option<String>, Value) {
    let response = app
        .http
        .post(app.url("/api/v1/stock/movements"))
        .bearer_auth(API_KEY)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("API answers");
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let status = response.status().as_u16();
    let body = response.json().await.expect("JSON answer");
    (status, replayed, body)
}

async fn an_api_request_sent_again_is_recorded_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let code = prepared_sku(&app.db, &app.events, 10, 0).await;
    let sale = json!({"sku": code.as_str(), "location_id": "PAR01", "kind": "sale", "quantity": 3, "reference": "WEB-1001"});
    let lines = ledger_lines(&app.db).await;

    let (status, replayed, first) = post_with_key(&app, "WEB-1001/1", &sale).await;
    assert_eq!((status, replayed), (201, None), "{first}");
    let (status, replayed, again) = post_with_key(&app, "WEB-1001/1", &sale).await;
    assert_eq!((status, replayed.as_deref()), (201, Some("true")));
    assert_eq!(again, first, "the first answer, figures and all");
    assert_eq!(figures(&app.db, code.as_str(), "PAR01").await.0, 7);
    assert_eq!(ledger_lines(&app.db).await, lines + 1);

    // The same key for another request is refused and changes nothing.
    let bigger = json!({"sku": code.as_str(), "location_id": "PAR01", "kind": "sale", "quantity": 4, "reference": "WEB-1001"});
    let (status, _, refused) = post_with_key(&app, "WEB-1001/1", &bigger).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("already used for a different request")),
        "{refused}"
    );
    // Malformed keys say what a key must be.
    let (status, _, refused) = post_with_key(&app, "two words", &sale).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(figures(&app.db, code.as_str(), "PAR01").await.0, 7);
    assert_eq!(ledger_lines(&app.db).await, lines + 1);

    // A refused request keeps nothing: sent again once stock has come in,
    // with the same key, it is done.
    let big_sale =
        json!({"sku": code.as_str(), "location_id": "PAR01", "kind": "sale", "quantity": 9});
    let (status, _, _) = post_with_key(&app, "WEB-1002/1", &big_sale).await;
    assert_eq!(status, 409);
    let receipt =
        json!({"sku": code.as_str(), "location_id": "PAR01", "kind": "receipt", "quantity": 5});
    let (status, _) = app.api_post(receipt).await;
    assert_eq!(status, 201);
    let (status, replayed, done) = post_with_key(&app, "WEB-1002/1", &big_sale).await;
    assert_eq!((status, replayed), (201, None), "{done}");
    assert_eq!(done["on_hand"], 3);
    assert_ledger_matches_levels(&app.db).await;
}
both_databases!(
    api_sent_again,
    super::an_api_request_sent_again_is_recorded_once
);

/// Copies arriving together: one does the work, the others wait for it and
/// get its answer.
async fn copies_sent_at_once_are_recorded_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = std::sync::Arc::new(TestApp::start(&test_db).await);
    let code = prepared_sku(&app.db, &app.events, 10, 0).await;
    let sale = json!({"sku": code.as_str(), "location_id": "PAR01", "kind": "sale", "quantity": 2});
    let copies: Vec<_> = (0..8)
        .map(|_| {
            let (app, sale) = (app.clone(), sale.clone());
            tokio::spawn(async move { post_with_key(&app, "burst-1", &sale).await })
        })
        .collect();
    let mut answers = Vec::new();
    for copy in copies {
        answers.push(copy.await.expect("copy ran"));
    }
    let done: Vec<_> = answers.iter().filter(|(_, r, _)| r.is_none()).collect();
    assert_eq!(done.len(), 1, "exactly one copy did the work");
    for (status, _, body) in &answers {
        assert_eq!(*status, 201, "{body}");
        assert_eq!(body["seq"], done[0].2["seq"]);
    }
    assert_eq!(figures(&app.db, code.as_str(), "PAR01").await.0, 8);
    assert_ledger_matches_levels(&app.db).await;
}
both_databases!(copies_at_once, super::copies_sent_at_once_are_recorded_once);

/// The manager's form carries a key: sent twice, one movement; a key is
/// the sender's own.
async fn the_form_sent_twice_records_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let code = prepared_sku(&app.db, &app.events, 5, 0).await;
    let sku = code.as_str();
    let manager = app.sign_in("manager").await;
    let lines = ledger_lines(&app.db).await;
    let form = [
        ("sku", sku),
        ("kind", "receipt"),
        ("quantity", "2"),
        ("request_key", "form-7f3a"),
    ];
    let (status, first) = app.call(Some(&manager), "record_movement", &form).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = app.call(Some(&manager), "record_movement", &form).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["seq"], first["seq"]);
    assert_eq!(again["replayed"], true, "{again}");
    assert_eq!(first["replayed"], false, "{first}");
    assert_eq!(figures(&app.db, sku, "PAR01").await.0, 7);
    assert_eq!(ledger_lines(&app.db).await, lines + 1);

    // The same key with other figures: a clear refusal, nothing written.
    let other = [
        ("sku", sku),
        ("kind", "receipt"),
        ("quantity", "3"),
        ("request_key", "form-7f3a"),
    ];
    let (status, refused) = app.call(Some(&manager), "record_movement", &other).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["reason"], "form_already_sent", "{refused}");
    // Transfers are recorded once too.
    let transfer = [
        ("sku", sku),
        ("kind", "transfer"),
        ("quantity", "1"),
        ("to_location", "LYO01"),
        ("request_key", "form-8b21"),
    ];
    for _ in 0..2 {
        let (status, body) = app.call(Some(&manager), "record_movement", &transfer).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(figures(&app.db, sku, "PAR01").await.0, 6);
    assert_eq!(ledger_lines(&app.db).await, lines + 3);

    // Another manager's key is theirs: the same text records anew.
    let lyon = app.sign_in("manager.lyo01").await;
    let (status, body) = app.call(Some(&lyon), "record_movement", &form).await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(body["seq"], first["seq"]);
    assert_eq!(ledger_lines(&app.db).await, lines + 4);
    assert_ledger_matches_levels(&app.db).await;
}
both_databases!(form_twice, super::the_form_sent_twice_records_once);

/// Keys are remembered a day: the housekeeping job forgets older ones and
/// keeps the others, whose copies are still answered.
async fn keys_past_their_day_are_forgotten(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.connect().await;
    let day_ms = 24 * 60 * 60 * 1000;
    let now = app::db::now_ms();
    for (key, created_at) in [("old", now - day_ms - 60_000), ("recent", now - 60_000)] {
        sqlx::query(
            "INSERT INTO request_keys (owner, request_key, fingerprint, answer, created_at) \
             VALUES ('manager', $1, 'f', '1', $2)",
        )
        .bind(key)
        .bind(created_at)
        .execute(&db.pool)
        .await
        .expect("key stored");
    }
    let forgotten = app::services::request_keys::forget_old(&db)
        .await
        .expect("housekeeping");
    assert_eq!(forgotten, 1);
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT request_key FROM request_keys ORDER BY request_key")
            .fetch_all(&db.pool)
            .await
            .expect("keys");
    assert_eq!(kept, vec!["recent".to_string()]);
}
both_databases!(keys_forgotten, super::keys_past_their_day_are_forgotten);
