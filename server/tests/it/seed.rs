//! The demo seed: deterministic, consistent, and never over existing data.

use crate::common::*;
use app::services::seed::seed;

async fn the_seed_is_deterministic_and_consistent(engine: Engine) {
    let first = TestDb::new(engine).await;
    let second = TestDb::new(engine).await;
    let (a, b) = (first.seeded().await, second.seeded().await);
    let fingerprint = |db: app::db::Db| async move {
        let stock: (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(SUM(on_hand) AS BIGINT), CAST(SUM(reserved) AS BIGINT) FROM stock_levels",
        )
        .fetch_one(&db.pool)
        .await
        .expect("stock");
        let catalogue: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT sku, ean, price_cents FROM skus ORDER BY sku")
                .fetch_all(&db.pool)
                .await
                .expect("catalogue");
        let orders: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT reference, status, fulfilment, total_cents FROM orders ORDER BY id",
        )
        .fetch_all(&db.pool)
        .await
        .expect("orders");
        (stock, catalogue, orders)
    };
    let (fa, fb) = (fingerprint(a.clone()).await, fingerprint(b).await);
    assert_eq!(fa, fb, "same seed, same data");
    let (stock, catalogue, orders) = fa;
    assert_eq!(catalogue.len(), 60);
    assert_eq!(stock.0, 60 * 5);
    assert_eq!(orders.len(), 80);
    for (_, ean, _) in &catalogue {
        assert!(app::domain::Ean13::parse(ean).is_ok(), "{ean}");
    }
    assert_ledger_matches_levels(&a).await;

    // Seeding again is refused: it never mixes demo data into real data.
    let again = seed(&a, &small_chain(), &mut |_: &str| {}).await;
    assert!(matches!(again, Err(app::error::AppError::DatabaseNotEmpty)));
}
both_databases!(
    deterministic,
    super::the_seed_is_deterministic_and_consistent
);
