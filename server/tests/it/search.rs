//! Search as you type: words are found by their start, in any order, with
//! or without accents; codes and EANs still go straight to their SKU.

use crate::common::*;
use app::domain::LocationId;
use app::domain::search::{PREFIX_CHARS, fold, prefix_key, words_of};
use app::model::SearchHit;
use app::services::catalog;

fn paris() -> LocationId {
    LocationId::parse("PAR01").expect("a location code")
}

async fn hits(db: &app::db::Db, typed: &str) -> Vec<SearchHit> {
    catalog::search(db, typed, &paris())
        .await
        .expect("search works")
        .hits
}

/// Whether some word of the product's name or category starts with `start`.
fn has_word_starting(hit: &SearchHit, start: &str) -> bool {
    let text = fold(&format!("{} {}", hit.name, hit.category));
    words_of(&text).any(|word| word.starts_with(start))
}

async fn words_are_found_by_their_start(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;

    let robes = hits(&db, "rob").await;
    assert!(!robes.is_empty());
    assert!(
        robes.iter().all(|h| has_word_starting(h, "rob")),
        "{robes:?}"
    );
    assert_eq!(hits(&db, "ROBE").await, hits(&db, "robe").await);

    // Two words, in any order, accents typed or not.
    let both = hits(&db, "velours robe").await;
    assert!(!both.is_empty());
    assert!(
        both.iter()
            .all(|h| has_word_starting(h, "velours") && has_word_starting(h, "robe"))
    );
    assert_eq!(hits(&db, "robe velours").await, both);

    // A word longer than the index keys is checked whole.
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM products")
        .fetch_all(&db.pool)
        .await
        .expect("names");
    let long_word = names
        .iter()
        .map(|name| fold(name))
        .find_map(|name| {
            words_of(&name)
                .find(|w| w.chars().count() > PREFIX_CHARS)
                .map(str::to_string)
        })
        .expect("a name with a long word");
    let long = hits(&db, &long_word).await;
    assert!(!long.is_empty());
    assert!(long.iter().all(|h| has_word_starting(h, &long_word)));
    let same_start = format!("{}qq", prefix_key(&long_word));
    assert!(hits(&db, &same_start).await.is_empty(), "{same_start}");

    // The middle of a word is not its start.
    assert!(
        hits(&db, "obe")
            .await
            .iter()
            .all(|h| has_word_starting(h, "obe"))
    );
    assert!(hits(&db, "zzqx").await.is_empty());
}
both_databases!(by_word_start, super::words_are_found_by_their_start);

/// The start of a SKU code lists those SKUs, and not their product again.
async fn a_code_prefix_lists_skus_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let first: String = sqlx::query_scalar("SELECT sku FROM skus ORDER BY ordinal LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .expect("a SKU");
    let (prefix, _) = first.rsplit_once('-').expect("a code with a size");
    let found = hits(&db, prefix).await;
    assert!(found.iter().any(|h| h.sku == first), "{found:?}");
    let of_prefix = found.iter().filter(|h| h.sku.starts_with(prefix));
    assert!(of_prefix.clone().all(|h| h.variant.is_some()), "SKU lines");
    let product = &found[0].product_id;
    assert!(
        !found
            .iter()
            .any(|h| h.product_id == *product && h.variant.is_none()),
        "the product is not listed again: {found:?}"
    );
}
both_databases!(code_prefix, super::a_code_prefix_lists_skus_once);

/// A product written after the index was built is found once indexed, as
/// an import does it.
async fn a_new_product_is_found_once_indexed(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    sqlx::query(
        "INSERT INTO products (id, name, category, department, description, search_text) \
         VALUES ('KIM-0001', 'Kimono fleuri', 'Vestes', 'Femme', 'Un kimono.', 'kimono fleuri vestes femme kim-0001')",
    )
    .execute(&db.pool)
    .await
    .expect("a new product");
    sqlx::query(
        "INSERT INTO skus (sku, ordinal, product_id, ean, colour, size, size_rank, price_cents) \
         VALUES ('KIM-0001-ROS-M', 999999, 'KIM-0001', '3760000999994', 'Rose', 'M', 3, 8900)",
    )
    .execute(&db.pool)
    .await
    .expect("its SKU");
    assert!(hits(&db, "kimono").await.is_empty(), "not indexed yet");

    let mut conn = db.pool.acquire().await.expect("a connection");
    let indexed = app::db::index_unindexed_products(&mut conn)
        .await
        .expect("indexing works");
    assert_eq!(indexed, 1, "only the new product");
    let found = hits(&db, "kimo fleur").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].product_id, "KIM-0001");
    assert_eq!(found[0].sku, "KIM-0001-ROS-M");
}
both_databases!(new_product, super::a_new_product_is_found_once_indexed);
