//! The web shop's orders through `/api/v1/orders`: placed once per
//! Idempotency-Key, refused clearly without writing anything, read back,
//! paid by link; and unpaid orders cancelled by the job, their stock
//! released, even when the payment races the deadline.

use crate::common::*;
use crate::orders::stocked_sku;
use app::db::Db;
use app::services::orders::payment::{PaymentConfirmation, cancel_unpaid, confirm_payment};
use serde_json::{Value, json};
use std::sync::Arc;

pub async fn post(
    app: &TestApp,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> (u16, Value, bool) {
    let mut request = app.http.post(app.url(path)).bearer_auth(API_KEY).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.expect("API answers");
    let replayed = response.headers().contains_key("idempotent-replayed");
    let (status, body) = status_and_json(response).await;
    (status, body, replayed)
}

/// What was written: orders, reservations, ledger lines, outbox rows.
async fn written(db: &Db) -> (i64, i64, i64, i64) {
    let one = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&db.pool)
            .await
            .expect("count")
    };
    (
        one("SELECT COUNT(*) FROM orders").await,
        one("SELECT COUNT(*) FROM reservations").await,
        one("SELECT COUNT(*) FROM stock_movements").await,
        one("SELECT COUNT(*) FROM outbox").await,
    )
}

fn shipped(sku: &str, quantity: i64) -> Value {
    json!({
        "lines": [{"sku": sku, "quantity": quantity}],
        "fulfilment": {"kind": "ship", "address": {
            "name": "Léa Girard", "street": "4 rue Oberkampf", "postcode": "75011", "city": "Paris"}},
        "email": "lea.girard@example.org",
        "lang": "fr",
        "payment": {"status": "paid", "reference": "PSP-778812"}
    })
}

/// Bad input is refused with 422 and the reason, a line short of stock
/// with 409 naming it; none of them writes anything.
async fn refusals_write_nothing(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let sku = stocked_sku(&app.db, &app.events, 0, &[("WH-ORL", 2), ("LYO01", 1)]).await;
    let sku = sku.as_str();
    let before = written(&app.db).await;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = shipped(sku, 1);
        change(&mut body);
        body
    };
    let cases: Vec<(Option<&str>, Value, u16, &str)> = vec![
        (None, shipped(sku, 1), 422, "idempotency_key_required"),
        (
            Some("k-unknown-sku"),
            with(&|b| b["lines"][0]["sku"] = json!("NOPE-0000")),
            422,
            "unknown_sku",
        ),
        (
            Some("k-zero"),
            with(&|b| b["lines"][0]["quantity"] = json!(0)),
            422,
            "quantity_too_small",
        ),
        (
            Some("k-no-lines"),
            with(&|b| b["lines"] = json!([])),
            422,
            "basket_empty",
        ),
        (
            Some("k-kind"),
            with(&|b| b["fulfilment"]["kind"] = json!("teleport")),
            422,
            "not_a_fulfilment",
        ),
        (
            Some("k-no-shop"),
            with(&|b| b["fulfilment"] = json!({"kind": "collect"})),
            422,
            "pickup_shop_required",
        ),
        (
            Some("k-warehouse"),
            with(&|b| b["fulfilment"] = json!({"kind": "collect", "shop": "WH-ORL"})),
            422,
            "not_a_pickup_shop",
        ),
        (
            Some("k-no-address"),
            with(&|b| b["fulfilment"] = json!({"kind": "ship"})),
            422,
            "ship_address_required",
        ),
        (
            Some("k-postcode"),
            with(&|b| b["fulfilment"]["address"]["postcode"] = json!("7501")),
            422,
            "invalid_postcode",
        ),
        (
            Some("k-nobody"),
            with(&|b| {
                b.as_object_mut().map(|o| o.remove("email"));
            }),
            422,
            "contact_required",
        ),
        (
            Some("k-paid-no-ref"),
            with(&|b| b["payment"] = json!({"status": "paid"})),
            422,
            "payment_reference_required",
        ),
        (
            Some("k-customer"),
            with(&|b| b["customer_id"] = json!(987654)),
            422,
            "unknown_customer",
        ),
        (
            Some("k-extra"),
            with(&|b| b["price_cents"] = json!(1)),
            422,
            "malformed",
        ),
        (
            Some("k-short"),
            with(&|b| b["lines"][0]["quantity"] = json!(3)),
            409,
            "no_source",
        ),
    ];
    for (key, body, status, reason) in cases {
        let (got, answer, _) = post(&app, "/api/v1/orders", key, &body).await;
        assert_eq!(
            (got, answer["error"]["reason"].as_str()),
            (status, Some(reason)),
            "{key:?}: {answer}"
        );
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let (_, short, _) = post(
        &app,
        "/api/v1/orders",
        Some("k-short-2"),
        &with(&|b| b["lines"][0]["quantity"] = json!(3)),
    )
    .await;
    assert_eq!(short["error"]["params"]["sku"], sku, "names the line");
    assert_eq!(written(&app.db).await, before, "nothing written");
    assert_ledger_matches_levels(&app.db).await;
}
both_databases!(refusals, super::refusals_write_nothing);

/// A web order is placed once per key (twenty copies at once make one),
/// reserved at the warehouse, read back as documented, and confirmed by
/// e-mail through the outbox.
async fn a_web_order_is_placed_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = Arc::new(TestApp::start(&test_db).await);
    let sku = stocked_sku(&app.db, &app.events, 0, &[("WH-ORL", 5), ("PAR01", 2)]).await;
    let body = Arc::new(shipped(sku.as_str(), 2));
    let before = written(&app.db).await;
    let mut copies = Vec::new();
    for _ in 0..20 {
        let (app, body) = (app.clone(), body.clone());
        copies.push(tokio::spawn(async move {
            post(&app, "/api/v1/orders", Some("web-order-5501"), &body).await
        }));
    }
    let mut references = Vec::new();
    let mut replays = 0;
    for copy in copies {
        let (status, answer, replayed) = copy.await.expect("copy ran");
        assert_eq!(status, 201, "{answer}");
        references.push(answer["reference"].as_str().unwrap_or_default().to_string());
        replays += i64::from(replayed);
    }
    references.dedup();
    assert_eq!(references.len(), 1, "one order");
    assert_eq!(replays, 19);
    let after = written(&app.db).await;
    assert_eq!(
        (after.0 - before.0, after.1 - before.1, after.3 - before.3),
        (1, 1, 1),
        "one order, one reservation, one confirmation"
    );
    assert_eq!(figures(&app.db, sku.as_str(), "WH-ORL").await, (5, 2, 0));
    assert_ledger_matches_levels(&app.db).await;

    let reference = &references[0];
    assert!(reference.starts_with("WEB-"), "{reference}");
    let (status, order) = app.api_get(&format!("/api/v1/orders/{reference}")).await;
    assert_eq!(status, 200);
    assert_eq!(order["status"], "placed");
    assert_eq!(order["payment_status"], "paid");
    assert_eq!(order["fulfilments"][0]["kind"], "ship");
    assert_eq!(order["fulfilments"][0]["source_location_id"], "WH-ORL");
    assert_eq!(order["fulfilments"][0]["lines"][0]["quantity"], 2);
    assert!(order["fulfilments"][0]["promised_at"].as_i64().is_some());
    let price: i64 = sqlx::query_scalar("SELECT price_cents FROM skus WHERE sku = $1")
        .bind(sku.as_str())
        .fetch_one(&app.db.pool)
        .await
        .expect("price");
    assert_eq!(order["total_cents"], 2 * price, "the catalogue's price");

    // The answer is what the published description says, field for field.
    let (_, spec) = app.api_get("/api/v1/openapi.json").await;
    for (schema, served) in [
        ("Order", &order),
        ("OrderFulfilment", &order["fulfilments"][0]),
        ("OrderLine", &order["fulfilments"][0]["lines"][0]),
    ] {
        assert_documented(&spec, schema, served);
    }
    for path in [
        "/orders",
        "/orders/{reference}",
        "/orders/{reference}/payment",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }

    // The same key with another body is refused; an unknown order is 404.
    let (status, answer, _) = post(
        &app,
        "/api/v1/orders",
        Some("web-order-5501"),
        &shipped(sku.as_str(), 1),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["reason"].as_str()),
        (422, Some("request_key_reused"))
    );
    let (status, _) = app.api_get("/api/v1/orders/WEB-9999999").await;
    assert_eq!(status, 404);
    let response = app
        .http
        .get(app.url(&format!("/api/v1/orders/{reference}")))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 401, "an API key is needed");
}
both_databases!(placed_once, super::a_web_order_is_placed_once);

/// Paid by link: the payment is confirmed through the API once (a retry
/// answers the same, another payment is refused); unpaid past the
/// deadline, the job cancels the order, releases its stock and tells the
/// customer, once.
async fn pay_by_link_is_confirmed_or_cancelled(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let sku = stocked_sku(&app.db, &app.events, 0, &[("WH-ORL", 4)]).await;
    let mut body = shipped(sku.as_str(), 1);
    body["payment"] = json!({"status": "awaiting"});
    let (status, first, _) = post(&app, "/api/v1/orders", Some("link-1"), &body).await;
    assert_eq!(
        (status, first["payment_status"].as_str()),
        (201, Some("awaiting"))
    );
    assert!(first["pay_by"].as_i64().is_some());
    let total = first["total_cents"].as_i64().expect("total");
    let reference = first["reference"].as_str().expect("reference").to_string();
    let pay = |amount: i64, psp: &str| json!({"reference": psp, "amount_cents": amount});
    let path = format!("/api/v1/orders/{reference}/payment");

    let (status, wrong, _) = post(&app, &path, None, &pay(total - 1, "PSP-1")).await;
    assert_eq!(
        (status, wrong["error"]["reason"].as_str()),
        (422, Some("payment_amount_wrong"))
    );
    let (status, paid, replayed) = post(&app, &path, None, &pay(total, "PSP-1")).await;
    assert_eq!(
        (status, paid["payment_status"].as_str(), replayed),
        (200, Some("paid"), false)
    );
    let (status, _, replayed) = post(&app, &path, None, &pay(total, "PSP-1")).await;
    assert_eq!((status, replayed), (200, true), "a retry");
    let (status, other, _) = post(&app, &path, None, &pay(total, "PSP-2")).await;
    assert_eq!(
        (status, other["error"]["reason"].as_str()),
        (409, Some("order_already_paid"))
    );
    let (status, _, _) = post(
        &app,
        "/api/v1/orders/WEB-0000000/payment",
        None,
        &pay(1, "P"),
    )
    .await;
    assert_eq!(status, 404);

    // A second order is never paid: past its deadline, it is cancelled.
    let (_, second, _) = post(&app, "/api/v1/orders", Some("link-2"), &body).await;
    let unpaid = second["reference"].as_str().expect("reference").to_string();
    assert_eq!(figures(&app.db, sku.as_str(), "WH-ORL").await, (4, 2, 0));
    assert!(
        cancel_unpaid(&app.db, &app.events, 100)
            .await
            .expect("job")
            .is_empty(),
        "not yet"
    );
    sqlx::query("UPDATE orders SET pay_by = 1 WHERE reference = $1")
        .bind(&unpaid)
        .execute(&app.db.pool)
        .await
        .expect("deadline passed");
    assert_eq!(
        cancel_unpaid(&app.db, &app.events, 100).await.expect("job"),
        vec![unpaid.clone()]
    );
    assert!(
        cancel_unpaid(&app.db, &app.events, 100)
            .await
            .expect("job")
            .is_empty(),
        "once"
    );
    assert_eq!(
        figures(&app.db, sku.as_str(), "WH-ORL").await,
        (4, 1, 0),
        "released"
    );
    assert_ledger_matches_levels(&app.db).await;
    let (_, cancelled) = app.api_get(&format!("/api/v1/orders/{unpaid}")).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["payment_status"], "cancelled");
    assert_eq!(cancelled["fulfilments"][0]["status"], "cancelled");
    let told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox o JOIN orders r ON r.id = o.order_id \
         WHERE r.reference = $1 AND o.kind = 'order_cancelled_unpaid'",
    )
    .bind(&unpaid)
    .fetch_one(&app.db.pool)
    .await
    .expect("count");
    assert_eq!(told, 1, "the customer is told once");
    let (status, late, _) = post(
        &app,
        &format!("/api/v1/orders/{unpaid}/payment"),
        None,
        &pay(total, "PSP-3"),
    )
    .await;
    assert_eq!(
        (status, late["error"]["reason"].as_str()),
        (409, Some("order_cancelled"))
    );
}
both_databases!(pay_by_link, super::pay_by_link_is_confirmed_or_cancelled);

/// A payment arriving as the deadline passes, raced against the job
/// (twice over): exactly one wins each time, and the stock follows.
async fn a_payment_races_the_deadline(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let sku = stocked_sku(&app.db, &app.events, 0, &[("WH-ORL", 20)]).await;
    let mut body = shipped(sku.as_str(), 1);
    body["payment"] = json!({"status": "awaiting"});
    for round in 0..6 {
        let (_, order, _) = post(
            &app,
            "/api/v1/orders",
            Some(&format!("race-{round}")),
            &body,
        )
        .await;
        let reference = order["reference"].as_str().expect("reference").to_string();
        let total = order["total_cents"].as_i64().expect("total");
        sqlx::query("UPDATE orders SET pay_by = 1 WHERE reference = $1")
            .bind(&reference)
            .execute(&app.db.pool)
            .await
            .expect("deadline passed");
        let confirmation = PaymentConfirmation {
            reference: format!("PSP-{round}"),
            amount_cents: total,
        };
        let actor = tester();
        let (paid, cancelled) = tokio::join!(
            confirm_payment(&app.db, &reference, &confirmation, &actor),
            cancel_unpaid(&app.db, &app.events, 100)
        );
        let cancelled = cancelled.expect("job ran").contains(&reference);
        match paid {
            Ok(_) => assert!(!cancelled, "paid and cancelled"),
            Err(error) => {
                assert_eq!(
                    error,
                    app::error::AppError::OrderCancelled {
                        reference: reference.clone()
                    }
                );
                assert!(cancelled, "refused but not cancelled");
            }
        }
    }
    let (on_hand, reserved, _) = figures(&app.db, sku.as_str(), "WH-ORL").await;
    let paid: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM payments WHERE reference LIKE 'PSP-%'")
            .fetch_one(&app.db.pool)
            .await
            .expect("count");
    assert_eq!(
        (on_hand, reserved),
        (20, paid),
        "held for the paid ones only"
    );
    assert_ledger_matches_levels(&app.db).await;
}
both_databases!(payment_race, super::a_payment_races_the_deadline);
