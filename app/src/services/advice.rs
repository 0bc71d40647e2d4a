//! "Goes well with": products that other customers bought together (in one
//! order) with what this customer bought. The pairs are counted ahead of
//! time from the chain's orders (`co_purchases`), so a profile reads them
//! with a lookup.

use crate::db::{Db, now_ms};
use crate::domain::LocationId;
use crate::error::AppResult;
use crate::model::customer::Suggestion;
use std::collections::HashMap;

/// Pairs bought together by fewer customers than this are chance, not
/// advice.
const MIN_CUSTOMERS: i64 = 2;
/// Suggestions a profile shows.
pub const SUGGESTIONS: usize = 4;

/// Counts again, from every order not cancelled, how many customers bought
/// each pair of products together. One statement: the table is replaced
/// whole in one transaction, so a reader sees the old counts or the new
/// ones. Pairs are taken within an order (a basket, an outfit): across a
/// customer's whole history they would grow with the square of it (a
/// million customers gave tens of millions of pairs to count).
pub async fn refresh_co_purchases(db: &Db) -> AppResult<u64> {
    let started = now_ms();
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM co_purchases")
        .execute(&mut *tx)
        .await?;
    let pairs = sqlx::query(
        "INSERT INTO co_purchases (product_id, other_product_id, customers) \
         SELECT sa.product_id, sb.product_id, COUNT(DISTINCT o.customer_id) \
         FROM orders o \
         JOIN order_lines la ON la.order_id = o.id \
         JOIN order_lines lb ON lb.order_id = o.id AND lb.line_no <> la.line_no \
         JOIN skus sa ON sa.sku = la.sku \
         JOIN skus sb ON sb.sku = lb.sku \
         WHERE o.customer_id IS NOT NULL AND o.status <> 'cancelled' \
           AND sa.product_id <> sb.product_id \
         GROUP BY sa.product_id, sb.product_id \
         HAVING COUNT(DISTINCT o.customer_id) >= $1",
    )
    .bind(MIN_CUSTOMERS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    tracing::info!(pairs, ms = now_ms() - started, "co-purchases counted");
    Ok(pairs)
}

type PairRow = (String, String, i64, String);
type SkuRow = (String, String, String, i64, i64, i64);

/// Up to `SUGGESTIONS` products for a customer: not already bought, ranked
/// by how many customers bought them with the customer's products, each in
/// the customer's usual size when it comes in sizes, with its stock in the
/// viewer's shop (or whether it can be ordered from elsewhere).
pub async fn suggestions(
    db: &Db,
    customer_id: i64,
    viewer: &LocationId,
) -> AppResult<Vec<Suggestion>> {
    let pairs: Vec<PairRow> = sqlx::query_as(
        "SELECT cp.other_product_id, cp.product_id, cp.customers, p.name \
         FROM co_purchases cp JOIN products p ON p.id = cp.product_id \
         WHERE cp.product_id IN (SELECT s.product_id FROM orders o \
                                 JOIN order_lines l ON l.order_id = o.id JOIN skus s ON s.sku = l.sku \
                                 WHERE o.customer_id = $1) \
           AND cp.other_product_id NOT IN (SELECT s.product_id FROM orders o \
                                 JOIN order_lines l ON l.order_id = o.id JOIN skus s ON s.sku = l.sku \
                                 WHERE o.customer_id = $1) \
         ORDER BY cp.customers DESC, cp.other_product_id LIMIT 100",
    )
    .bind(customer_id)
    .fetch_all(&db.pool)
    .await?;
    // One entry per suggested product, with the strongest reason.
    let mut ranked: Vec<(String, i64, String)> = Vec::new();
    for (other, _, customers, because_of) in pairs {
        if ranked.len() < SUGGESTIONS && !ranked.iter().any(|(p, _, _)| *p == other) {
            ranked.push((other, customers, because_of));
        }
    }
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let usual = usual_sizes(db, customer_id).await?;
    let mut out = Vec::with_capacity(ranked.len());
    for (product_id, customers, because_of) in ranked {
        let skus: Vec<SkuRow> = sqlx::query_as(
            "SELECT s.sku, s.colour, s.size, s.price_cents, \
                    COALESCE((SELECT st.on_hand - st.reserved - st.safety FROM stock_levels st \
                              WHERE st.sku = s.sku AND st.location_id = $2), 0), \
                    CAST(COALESCE((SELECT SUM(CASE WHEN st.on_hand - st.reserved - st.safety > 0 THEN 1 ELSE 0 END) \
                                   FROM stock_levels st WHERE st.sku = s.sku AND st.location_id <> $2), 0) AS BIGINT) \
             FROM skus s WHERE s.product_id = $1 ORDER BY s.ordinal",
        )
        .bind(&product_id)
        .bind(viewer.as_str())
        .fetch_all(&db.pool)
        .await?;
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM products WHERE id = $1")
            .bind(&product_id)
            .fetch_optional(&db.pool)
            .await?;
        let Some(chosen) = choose_sku(&skus, &usual) else {
            continue;
        };
        let (sku, colour, size, price, here, elsewhere) = chosen.clone();
        out.push(Suggestion {
            product_id,
            product_name: name.unwrap_or_default(),
            sku,
            colour,
            size,
            price_cents: price,
            available_here: here.max(0),
            orderable: elsewhere > 0,
            customers,
            because_of,
        });
    }
    Ok(out)
}

/// The customer's sizes: those on their profile, then those they bought,
/// most often first.
async fn usual_sizes(db: &Db, customer_id: i64) -> AppResult<Vec<String>> {
    let profile: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT top_size, bottom_size FROM customers WHERE id = $1")
            .bind(customer_id)
            .fetch_optional(&db.pool)
            .await?;
    let mut sizes: Vec<String> = profile
        .map(|(top, bottom)| [top, bottom].into_iter().flatten().collect())
        .unwrap_or_default();
    for size in bought_sizes(db, customer_id).await? {
        if !sizes.contains(&size) {
            sizes.push(size);
        }
    }
    Ok(sizes)
}

/// The sizes a customer bought, most often first.
async fn bought_sizes(db: &Db, customer_id: i64) -> AppResult<Vec<String>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.size, CAST(SUM(l.quantity) AS BIGINT) FROM orders o \
         JOIN order_lines l ON l.order_id = o.id JOIN skus s ON s.sku = l.sku \
         WHERE o.customer_id = $1 GROUP BY s.size",
    )
    .bind(customer_id)
    .fetch_all(&db.pool)
    .await?;
    let mut counted: HashMap<String, i64> = rows.into_iter().collect();
    let mut sizes: Vec<(String, i64)> = counted.drain().collect();
    sizes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(sizes.into_iter().map(|(size, _)| size).collect())
}

/// The variant to suggest: in the customer's most usual size the product
/// comes in, the one with most stock here; without such a size, the one
/// with most stock here.
fn choose_sku<'a>(skus: &'a [SkuRow], usual: &[String]) -> Option<&'a SkuRow> {
    let best_here =
        |candidates: Vec<&'a SkuRow>| candidates.into_iter().max_by_key(|s| (s.4, -(s.3)));
    for size in usual {
        let in_size: Vec<&SkuRow> = skus.iter().filter(|s| &s.2 == size).collect();
        if !in_size.is_empty() {
            return best_here(in_size);
        }
    }
    best_here(skus.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sku(code: &str, size: &str, here: i64) -> SkuRow {
        (code.into(), "Marine".into(), size.into(), 1000, here, 0)
    }

    #[test]
    fn the_usual_size_comes_first_then_stock_here() {
        let skus = vec![sku("A-S", "S", 9), sku("A-M", "M", 0), sku("A-M2", "M", 3)];
        assert_eq!(
            choose_sku(&skus, &["M".into()]).map(|s| s.0.as_str()),
            Some("A-M2")
        );
        assert_eq!(
            choose_sku(&skus, &["XL".into()]).map(|s| s.0.as_str()),
            Some("A-S")
        );
        assert_eq!(choose_sku(&[], &[]), None);
    }
}
