//! The demo chain: a French fashion and textile retailer. Deterministic for
//! a given seed and scale, so tests, benchmarks and screenshots agree.

use super::Actor;
use super::auth::{create_api_key, hash_password};
use super::stock::{MovementRequest, apply_movement};
use crate::db::batch::{Batch, V};
use crate::db::{Backend, Db, now_ms};
use crate::domain::order::{Fulfilment, OrderEvent, OrderStatus};
use crate::domain::search::fold;
use crate::domain::stock::Movement;
use crate::domain::{Ean13, LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult, ErrorClass};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;

mod catalogue;
mod locations;
mod orders;
mod people;
mod profiles;
mod showcase;
mod stock;

use catalogue::*;
use locations::*;
use orders::*;
use people::*;
use profiles::*;
use showcase::*;
use stock::*;

/// The API key of the demo web shop (documented in the README).
pub const DEMO_API_KEY: &str = "demo-webshop-key-0123456789";
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedParams {
    pub shops: usize,
    pub warehouses: usize,
    pub skus: usize,
    pub customers: usize,
    pub orders: usize,
    pub rng_seed: u64,
}

impl Default for SeedParams {
    /// The demo chain: a dozen shops, one warehouse, thousands of SKUs.
    fn default() -> Self {
        Self {
            shops: 12,
            warehouses: 1,
            skus: 3000,
            customers: 2000,
            orders: 6000,
            rng_seed: 2026,
        }
    }
}

impl SeedParams {
    /// The chain scale of the benchmarks: 200 shops, 2 warehouses, 50,000
    /// SKUs, a million customers and five million orders.
    pub fn chain() -> Self {
        Self {
            shops: 200,
            warehouses: 2,
            skus: 50_000,
            customers: 1_000_000,
            orders: 5_000_000,
            rng_seed: 2026,
        }
    }

    pub fn validate(&self) -> AppResult<()> {
        let invalid = |m: &str| {
            Err(AppError::Malformed {
                detail: m.to_string(),
            })
        };
        if self.shops == 0 || self.shops > 2000 {
            return invalid("shops must be between 1 and 2000");
        }
        if self.warehouses == 0 || self.warehouses > WAREHOUSES.len() {
            return invalid("warehouses must be between 1 and 4");
        }
        if self.skus < 10 || self.skus > 500_000 {
            return invalid("skus must be between 10 and 500000");
        }
        if self.customers == 0 && self.orders > 0 {
            return invalid("orders need customers");
        }
        Ok(())
    }
}

/// Prints progress as the seed goes.
pub trait Progress {
    fn step(&mut self, message: &str);
}

impl<F: FnMut(&str)> Progress for F {
    fn step(&mut self, message: &str) {
        self(message)
    }
}

pub async fn is_seeded(db: &Db) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM locations")
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Fills an empty database. Refuses a database that already has data.
pub async fn seed(
    db: &Db,
    params: &SeedParams,
    progress: &mut dyn Progress,
) -> AppResult<SeedSummary> {
    params.validate()?;
    if is_seeded(db).await? {
        return Err(AppError::DatabaseNotEmpty);
    }
    let mut rng = StdRng::seed_from_u64(params.rng_seed);
    let started = std::time::Instant::now();

    let locations = plan_locations(params);
    insert_locations(db, &locations).await?;
    progress.step(&format!(
        "locations: {} shops, {} warehouses",
        params.shops, params.warehouses
    ));

    let catalogue = plan_catalogue(params.skus, &mut rng);
    insert_catalogue(db, &catalogue).await?;
    progress.step(&format!(
        "catalogue: {} SKUs in {} products",
        params.skus,
        catalogue.len()
    ));

    crate::db::drop_stock_indexes(db).await?;
    let stock_rows = insert_stock(db, params.skus, &locations, progress).await?;
    crate::db::build_stock_indexes(db).await?;
    progress.step(&format!(
        "stock: {stock_rows} stock levels with their opening ledger lines"
    ));

    insert_staff(db, &locations).await?;
    create_api_key(db, "Demo web shop", DEMO_API_KEY).await?;
    progress.step("staff and API key: 3 accounts per shop, password 'demo'");

    let customers = insert_customers(db, params.customers, &locations, &mut rng).await?;
    progress.step(&format!("customers: {}", customers.len()));

    let orders = insert_orders(
        db, params, &locations, &catalogue, &customers, &mut rng, progress,
    )
    .await?;
    progress.step(&format!(
        "orders: {} ({} open pickups holding stock, {} returns)",
        orders.orders, orders.open_pickups, orders.returns
    ));
    insert_profiles(db, &customers, &mut rng, progress).await?;
    if db.backend == Backend::Postgres {
        reset_identity_sequences(db).await?;
    }
    // The orders' payments, the returns' refunds and store credit.
    crate::db::migrate::backfill_money(db).await?;
    insert_return_rules(db, &locations).await?;
    progress.step("payments, refunds and store credit of the orders");
    // A demo chain shows late pickups from the start; the small chains of
    // the tests do without.
    if params.shops >= 12 {
        let made = insert_showcase(db, &locations).await?;
        progress.step(&format!("pickups: {made} late ones to show"));
        insert_late_return(db, &locations).await?;
        progress.step("a web order past its return window, to take back with approval");
    }
    // Fresh statistics, or the query planners guess (badly) on bulk-loaded
    // tables. On PostgreSQL, VACUUM also marks the loaded pages all-visible,
    // so that covering indexes answer without visiting the table.
    let analyze = match db.backend {
        Backend::Postgres => "VACUUM ANALYZE",
        Backend::Sqlite => "ANALYZE",
    };
    sqlx::query(analyze).execute(&db.pool).await?;
    if db.backend == Backend::Sqlite {
        // Fold the bulk load into the main file: readers would otherwise
        // wade through a large write-ahead log.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&db.pool)
            .await?;
    }
    progress.step(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
    Ok(SeedSummary { orders })
}

#[derive(Debug, Clone, Default)]
pub struct SeedSummary {
    pub orders: OrderSummary,
}

#[derive(Debug, Clone, Default)]
pub struct OrderSummary {
    pub orders: usize,
    pub open_pickups: usize,
    pub returns: usize,
}

/// Rows inserted with explicit ids leave PostgreSQL's identity sequences
/// behind; move them past the highest id.
async fn reset_identity_sequences(db: &Db) -> AppResult<()> {
    for (table, column) in [
        ("customers", "id"),
        ("orders", "id"),
        ("order_fulfilments", "id"),
        ("order_lines", "id"),
        ("reservations", "id"),
        ("returns", "id"),
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_exactly_the_requested_skus_with_unique_codes() {
        let mut rng = StdRng::seed_from_u64(7);
        let catalogue = plan_catalogue(1234, &mut rng);
        let skus: Vec<&PlannedSku> = catalogue.iter().flat_map(|p| p.skus.iter()).collect();
        assert_eq!(skus.len(), 1234);
        let mut codes: Vec<&str> = skus.iter().map(|s| s.sku.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 1234);
        assert!(codes.iter().all(|c| Sku::parse(c).is_ok()));
    }

    #[test]
    fn no_two_products_share_a_name_even_at_chain_scale() {
        let mut rng = StdRng::seed_from_u64(2026);
        let catalogue = plan_catalogue(50_000, &mut rng);
        let mut names: Vec<&str> = catalogue.iter().map(|p| p.name.as_str()).collect();
        let all = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn the_catalogue_is_deterministic() {
        let names = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            plan_catalogue(300, &mut rng)
                .into_iter()
                .map(|p| (p.name, p.skus.len()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(1), names(1));
    }

    #[test]
    fn every_seeded_order_path_is_allowed_by_the_state_machine() {
        for fulfilment in [Fulfilment::Carry, Fulfilment::Ship, Fulfilment::Collect] {
            let mut rng = StdRng::seed_from_u64(3);
            for age in [0, 3, 30] {
                for _ in 0..200 {
                    let target = pick_status(fulfilment, age, &mut rng);
                    let end = path_to(target, fulfilment)
                        .into_iter()
                        .try_fold(OrderStatus::Placed, |s, e| s.next(fulfilment, e));
                    assert_eq!(end, Some(target), "{fulfilment:?} -> {target:?}");
                }
            }
        }
    }

    #[test]
    fn locations_have_unique_ids_at_chain_scale() {
        let planned = plan_locations(&SeedParams::chain());
        assert_eq!(planned.len(), 202);
        let mut ids: Vec<&str> = planned.iter().map(|l| l.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 202);
        assert_eq!(planned[0].id, "PAR01");
    }

    #[test]
    fn adjectives_agree_with_feminine_nouns() {
        assert_eq!(agree("ajusté", "Robe"), "ajustée");
        assert_eq!(agree("ajusté", "Pull"), "ajusté");
    }
}
