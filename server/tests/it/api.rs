//! The JSON API for other systems: keys, validation, and nothing written
//! on bad input.

use crate::common::*;
use crate::stock::prepared_sku;
use serde_json::json;

async fn keys_are_required_and_checked(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let url = app.url("/api/v1/stock/ROB-0001-NOI-M");
    let missing = app.http.get(&url).send().await.expect("answers");
    assert_eq!(missing.status(), 401);
    let body: serde_json::Value = missing.json().await.expect("JSON error");
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert_eq!(body["error"]["reason"], "api_key_missing");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("needs an API key")),
        "{body}"
    );
    let wrong = app
        .http
        .get(&url)
        .bearer_auth("not-the-key")
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong.status(), 401);
    let body: serde_json::Value = wrong.json().await.expect("JSON error");
    assert_eq!(body["error"]["reason"], "api_key_invalid");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not valid")),
        "{body}"
    );
    let header = app
        .http
        .get(&url)
        .header("x-api-key", API_KEY)
        .send()
        .await
        .expect("answers");
    assert_ne!(header.status(), 401, "X-Api-Key works too");

    // A revoked key stops working (within the cache's second).
    sqlx::query("UPDATE api_keys SET revoked_at = 1")
        .execute(&app.db.pool)
        .await
        .expect("revoked");
    tokio::time::sleep(
        app::services::auth::API_KEY_CACHE_TTL + std::time::Duration::from_millis(100),
    )
    .await;
    assert_eq!(app.api_get("/api/v1/stock/ROB-0001-NOI-M").await.0, 401);
}
both_databases!(keys, super::keys_are_required_and_checked);

async fn stock_is_read_across_locations(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let code = prepared_sku(&app.db, &app.events, 4, 1).await;
    let (status, body) = app.api_get(&format!("/api/v1/stock/{code}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["sku"], code.as_str());
    assert_eq!(body["ean"].as_str().map(str::len), Some(13));
    let locations = body["locations"].as_array().expect("locations");
    assert_eq!(locations.len(), 5, "4 shops and a warehouse");
    let paris = locations
        .iter()
        .find(|l| l["location_id"] == "PAR01")
        .expect("Paris");
    assert_eq!(
        (paris["on_hand"].as_i64(), paris["available"].as_i64()),
        (Some(4), Some(3))
    );
    // The answer is what the published description says, field for field.
    let (_, spec) = app.api_get("/api/v1/openapi.json").await;
    let item = &spec["components"]["schemas"]["SkuStock"]["properties"]["locations"]["items"];
    let mut documented: Vec<&str> = item["required"]
        .as_array()
        .expect("required fields")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    let mut served: Vec<&str> = paris
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    served.sort_unstable();
    assert_eq!(served, documented);

    // Names and places are listed apart, for every location of the answer.
    let (status, places) = app.api_get("/api/v1/locations").await;
    assert_eq!(status, 200);
    let places = places.as_array().expect("a list");
    assert_eq!(places.len(), locations.len());
    let paris_place = places.iter().find(|p| p["id"] == "PAR01").expect("Paris");
    assert_eq!(paris_place["kind"], "store");
    assert!(paris_place["name"].as_str().is_some_and(|n| !n.is_empty()));

    let (status, body) = app.api_get("/api/v1/stock/NOPE-000").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = app.api_get("/api/v1/stock/bad%20sku").await;
    assert_eq!(status, 422);
}
both_databases!(read_stock, super::stock_is_read_across_locations);

/// Locations live in a directory the server keeps in memory: one opened
/// while it runs shows in the next lookup that finds stock there.
async fn a_new_location_shows_at_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let code = prepared_sku(&app.db, &app.events, 4, 1).await;
    let path = format!("/api/v1/stock/{code}");
    assert_eq!(
        app.api_get(&path).await.1["locations"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    sqlx::query(
        "INSERT INTO locations (id, ordinal, kind, name, city, latitude, longitude) \
         VALUES ('NAN01', 900, 'store', 'Nantes Commerce', 'Nantes', 47.2133, -1.5597)",
    )
    .execute(&app.db.pool)
    .await
    .expect("a new shop");
    sqlx::query("INSERT INTO stock_levels (sku, location_id, on_hand) VALUES ($1, 'NAN01', 6)")
        .bind(code.as_str())
        .execute(&app.db.pool)
        .await
        .expect("its stock");
    let (_, body) = app.api_get(&path).await;
    let nantes = body["locations"]
        .as_array()
        .and_then(|all| all.iter().find(|l| l["location_id"] == "NAN01"))
        .expect("Nantes listed");
    assert_eq!(nantes["available"].as_i64(), Some(6));
    let (_, places) = app.api_get("/api/v1/locations").await;
    assert!(
        places
            .as_array()
            .is_some_and(|all| all.iter().any(|p| p["city"] == "Nantes"))
    );
}
both_databases!(new_location, super::a_new_location_shows_at_once);

async fn bad_movements_get_a_clear_4xx_and_write_nothing(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let code = prepared_sku(&app.db, &app.events, 3, 0).await;
    let sku = code.as_str();
    let before = ledger_lines(&app.db).await;
    let cases = [
        (
            json!({"sku": "NOPE-0000", "location_id": "PAR01", "kind": "receipt", "quantity": 1}),
            404,
            "SKU NOPE-0000",
        ),
        (
            json!({"sku": sku, "location_id": "XXX01", "kind": "receipt", "quantity": 1}),
            404,
            "no location XXX01",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "receipt", "quantity": 0}),
            422,
            "at least 1",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "receipt", "quantity": -4}),
            422,
            "at least 1",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "receipt", "quantity": 1_000_000}),
            422,
            "more than the 10000",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "sale", "quantity": 4}),
            409,
            "Only 3 available",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "adjustment", "quantity": 0, "reason": "x"}),
            422,
            "changes nothing",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "adjustment", "quantity": 2}),
            422,
            "needs a reason",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "theft", "quantity": 1}),
            422,
            "not a kind",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "reservation", "quantity": 1}),
            422,
            "made by the app",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "receipt"}),
            422,
            "quantity",
        ),
        (
            json!({"sku": sku, "location_id": "PAR01", "kind": "receipt", "quantity": 1, "extra": 1}),
            422,
            "extra",
        ),
        (
            json!({"sku": "ROB 1", "location_id": "PAR01", "kind": "receipt", "quantity": 1}),
            422,
            "not a SKU",
        ),
    ];
    for (body, status, message) in cases {
        let (got, answer) = app.api_post(body.clone()).await;
        assert_eq!(got, status, "{body} -> {answer}");
        let text = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(
            text.contains(message),
            "{body}: '{text}' should mention '{message}'"
        );
    }
    // Not JSON at all.
    let response = app
        .http
        .post(app.url("/api/v1/stock/movements"))
        .bearer_auth(API_KEY)
        .header("content-type", "application/json")
        .body("{\"sku\": ")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 422);
    let answer: serde_json::Value = response.json().await.expect("JSON error");
    assert_eq!(answer["error"]["code"], "invalid");

    assert_eq!(
        ledger_lines(&app.db).await,
        before,
        "no bad request wrote anything"
    );
    assert_eq!(figures(&app.db, sku, "PAR01").await.0, 3);

    let (status, event) = app
        .api_post(json!({"sku": sku, "location_id": "PAR01", "kind": "sale", "quantity": 2, "reference": "WEB-77"}))
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        (event["on_hand"].as_i64(), event["kind"].as_str()),
        (Some(1), Some("sale"))
    );
    let actor: String = sqlx::query_scalar("SELECT actor FROM stock_movements WHERE seq = $1")
        .bind(event["seq"].as_i64())
        .fetch_one(&app.db.pool)
        .await
        .expect("ledger line");
    assert_eq!(actor, "api:Demo web shop");
}
both_databases!(
    validation,
    super::bad_movements_get_a_clear_4xx_and_write_nothing
);

async fn operators_have_probes_and_a_description(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    for probe in ["/healthz", "/readyz"] {
        let response = app.http.get(app.url(probe)).send().await.expect("answers");
        assert_eq!(response.status(), 200, "{probe}");
    }
    let (status, spec) = app.api_get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(spec["openapi"], "3.1.0");
    for path in ["/stock/{sku}", "/stock/movements", "/locations"] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
    let (status, body) = app.api_get("/api/v1/nothing-here").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );

    // Once the database is gone, the server says it is not ready.
    app.db.pool.close().await;
    let response = app
        .http
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 503);
}
both_databases!(probes, super::operators_have_probes_and_a_description);
