//! Many clients racing for the same stock: nothing is ever oversold,
//! nothing goes negative, and the ledger always equals the level.

use crate::common::*;
use crate::stock::{prepared_sku, q, record, send};
use app::domain::stock::Movement;
use app::error::ErrorClass;
use std::sync::Arc;

/// Fifty web sales of one item race for ten items, over real HTTP.
async fn the_last_items_are_sold_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = Arc::new(TestApp::start(&test_db).await);
    let code = prepared_sku(&app.db, &app.events, 10, 0).await;
    let mut racers = Vec::new();
    for n in 0..50 {
        let (app, sku) = (app.clone(), code.to_string());
        racers.push(tokio::spawn(async move {
            app.api_post(serde_json::json!({
                "sku": sku, "location_id": "PAR01", "kind": "sale", "quantity": 1, "reference": format!("WEB-{n}")
            }))
            .await
            .0
        }));
    }
    let mut sold = 0;
    let mut refused = 0;
    for racer in racers {
        match racer.await.expect("racer finished") {
            201 => sold += 1,
            409 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((sold, refused), (10, 40));
    assert_eq!(figures(&app.db, code.as_str(), "PAR01").await.0, 0);
    assert_ledger_matches_levels(&app.db).await;
}
both_databases!(oversell_race, super::the_last_items_are_sold_once);

/// Receipts, sales, reservations, handovers, releases, adjustments and
/// transfers both ways, all at once on one SKU in two shops.
async fn a_storm_of_mixed_movements_keeps_the_books_straight(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let code = prepared_sku(&db, &bus, 20, 2).await;
    let mut tasks = Vec::new();
    for n in 0..240usize {
        let (db, bus, code) = (db.clone(), bus.clone(), code.clone());
        tasks.push(tokio::spawn(async move {
            let shop = if n % 2 == 0 { "PAR01" } else { "LYO01" };
            let other = if n % 2 == 0 { "LYO01" } else { "PAR01" };
            let amount = (n % 3) as i64 + 1;
            let movement = match n % 8 {
                0 => Movement::Receipt(q(amount)),
                1 | 2 => Movement::Sale(q(amount)),
                3 => Movement::Reservation(q(amount)),
                4 => Movement::Handover(q(1)),
                5 => Movement::Release(q(1)),
                6 => Movement::Adjustment(-amount),
                _ => {
                    let moved = send(&db, &bus, &code, shop, other, amount).await;
                    return (false, moved.map(|_| ()));
                }
            };
            let reason = matches!(movement, Movement::Adjustment(_)).then_some("Damaged");
            let recorded = record(&db, &bus, &code, shop, movement, reason).await;
            (n % 8 == 0, recorded.map(|_| ()))
        }));
    }
    let mut receipts = 0;
    for task in tasks {
        let (is_receipt, outcome) = task.await.expect("task finished");
        match outcome {
            Ok(()) if is_receipt => receipts += 1,
            Ok(()) => {}
            // Refused for lack of stock: a defined outcome. Anything else
            // (a deadlock, a lock timeout) is a failure.
            Err(refused) if refused.class() == ErrorClass::Conflict => {}
            Err(other) => panic!("unexpected error under load: {other:?}"),
        }
    }
    assert_eq!(receipts, 30, "a receipt can never be refused");
    for shop in ["PAR01", "LYO01"] {
        let (on_hand, reserved, safety) = figures(&db, code.as_str(), shop).await;
        assert!(
            on_hand >= 0 && reserved >= 0 && reserved <= on_hand,
            "{shop}: {on_hand} {reserved} {safety}"
        );
    }
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    mixed_storm,
    super::a_storm_of_mixed_movements_keeps_the_books_straight
);

/// A write outside the writers' turn (a sign-in, the mail worker marking a
/// message sent) committed while a transaction that has only read so far
/// is open: the transaction still writes and commits, and the other write
/// waits for it.
async fn a_single_write_beside_a_transaction_breaks_nothing(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.connect().await;
    let key = |name: &str| {
        sqlx::query(
            "INSERT INTO request_keys (owner, request_key, fingerprint, answer, created_at) \
             VALUES ('tester', $1, 'f', '', 1)",
        )
        .bind(name.to_string())
    };
    let mut tx = db.begin_write().await.expect("transaction");
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_keys")
        .fetch_one(&mut *tx)
        .await
        .expect("read in the transaction");
    let beside = {
        let db = db.clone();
        tokio::spawn(async move { key("beside").execute(&db.pool).await.map(|_| ()) })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    key("inside")
        .execute(&mut *tx)
        .await
        .expect("the transaction writes after the other write");
    tx.commit().await.expect("and commits");
    beside
        .await
        .expect("task")
        .expect("the other write is done too");
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_keys")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(after, before + 2);
}
both_databases!(
    write_beside_transaction,
    super::a_single_write_beside_a_transaction_breaks_nothing
);
