//! The word-prefix index of products (`product_prefixes`), derived from
//! `products.search_text`.

use super::batch::{Batch, V};
use crate::domain::search::indexed_prefixes;
use sqlx::AnyConnection;

/// Products indexed per round: bounds the memory a first indexing of a
/// large catalogue takes.
const PRODUCTS_PER_ROUND: i64 = 2_000;

/// Indexes every product that has no prefix yet (all of them after the
/// migration that adds the index, new ones after an import). Cheap when
/// there is nothing to do. Returns how many products were indexed.
pub async fn index_unindexed_products(conn: &mut AnyConnection) -> Result<usize, sqlx::Error> {
    let mut indexed = 0;
    loop {
        let products: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, search_text FROM products p \
             WHERE NOT EXISTS (SELECT 1 FROM product_prefixes x WHERE x.product_id = p.id) \
             ORDER BY id LIMIT $1",
        )
        .bind(PRODUCTS_PER_ROUND)
        .fetch_all(&mut *conn)
        .await?;
        if products.is_empty() {
            return Ok(indexed);
        }
        let mut rows = Batch::new("product_prefixes", &["prefix", "product_id"]);
        for (id, text) in &products {
            for prefix in indexed_prefixes(text) {
                rows.push(vec![V::T(prefix.to_string()), V::T(id.clone())]);
            }
        }
        rows.flush(&mut *conn).await?;
        indexed += products.len();
    }
}
