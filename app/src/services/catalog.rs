//! Reading the catalogue and stock: search, product, SKU across locations,
//! movement history.

use crate::db::Db;
use crate::domain::search::{SearchQuery, like_pattern};
use crate::domain::stock::MovementKind;
use crate::domain::{LocationId, Sku, StockFigures, geo};
use crate::error::{AppError, AppResult};
use crate::model::*;

/// Most results one search returns: a tablet screen's worth.
pub const SEARCH_LIMIT: i64 = 25;

pub async fn search(db: &Db, raw: &str, viewer: &LocationId) -> AppResult<SearchResults> {
    let query = SearchQuery::parse(raw);
    let mut results = SearchResults {
        query: raw.trim().to_string(),
        hits: Vec::new(),
        exact_sku: None,
    };
    match query {
        SearchQuery::Empty => {}
        SearchQuery::Ean(ean) => {
            let hits = sku_hits(db, SkuMatch::Ean(ean.as_str()), viewer).await?;
            results.exact_sku = hits.first().map(|h| h.sku.clone());
            results.hits = hits;
        }
        SearchQuery::Text { words, sku_prefix } => {
            // A code-like query (digits or dashes) is first tried as a SKU.
            if let Some(prefix) =
                sku_prefix.filter(|p| p.contains('-') || p.chars().any(|c| c.is_ascii_digit()))
            {
                let hits = sku_hits(db, SkuMatch::CodePrefix(&prefix), viewer).await?;
                if let [only] = hits.as_slice()
                    && only.sku == prefix
                {
                    results.exact_sku = Some(only.sku.clone());
                }
                results.hits = hits;
            }
            let remaining = SEARCH_LIMIT - results.hits.len() as i64;
            if remaining > 0 {
                let products = product_hits(db, &words, viewer, remaining).await?;
                results.hits.extend(products);
            }
        }
    }
    Ok(results)
}

type SkuHitRow = (String, String, String, String, String, String, i64, i64);

enum SkuMatch<'a> {
    Ean(&'a str),
    CodePrefix(&'a str),
}

async fn sku_hits(
    db: &Db,
    matching: SkuMatch<'_>,
    viewer: &LocationId,
) -> AppResult<Vec<SearchHit>> {
    let (sql, value) = match matching {
        SkuMatch::Ean(ean) => (
            "SELECT s.sku, s.product_id, p.name, p.category, s.colour, s.size, s.price_cents, \
                    COALESCE(st.on_hand - st.reserved - st.safety, 0) \
             FROM skus s JOIN products p ON p.id = s.product_id \
             LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = $2 \
             WHERE s.ean = $1 ORDER BY s.sku LIMIT $3",
            ean.to_string(),
        ),
        // SKU codes are letters, digits and dashes: no LIKE wildcard inside.
        SkuMatch::CodePrefix(prefix) => (
            "SELECT s.sku, s.product_id, p.name, p.category, s.colour, s.size, s.price_cents, \
                    COALESCE(st.on_hand - st.reserved - st.safety, 0) \
             FROM skus s JOIN products p ON p.id = s.product_id \
             LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = $2 \
             WHERE s.sku LIKE $1 ORDER BY s.sku LIMIT $3",
            format!("{prefix}%"),
        ),
    };
    let rows: Vec<SkuHitRow> = sqlx::query_as(sql)
        .bind(value)
        .bind(viewer.as_str())
        .bind(SEARCH_LIMIT)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(sku, product_id, name, category, colour, size, price, available)| SearchHit {
                product_id,
                name,
                category,
                sku,
                variant: Some(format!("{colour} · {size}")),
                min_price_cents: price,
                max_price_cents: price,
                variant_count: 1,
                available_here: available.max(0),
            },
        )
        .collect())
}

type ProductHitRow = (String, String, String, String, i64, i64, i64, i64);

async fn product_hits(
    db: &Db,
    words: &[String],
    viewer: &LocationId,
    limit: i64,
) -> AppResult<Vec<SearchHit>> {
    let pattern = |i: usize| {
        words
            .get(i)
            .map(|w| like_pattern(w))
            .unwrap_or_else(|| "%".to_string())
    };
    let rows: Vec<ProductHitRow> = sqlx::query_as(
        "SELECT p.id, p.name, p.category, \
                (SELECT f.sku FROM skus f WHERE f.product_id = p.id ORDER BY f.ordinal LIMIT 1), MIN(s.price_cents), MAX(s.price_cents), COUNT(s.sku), \
                CAST(COALESCE(SUM(CASE WHEN st.on_hand - st.reserved - st.safety > 0 \
                                       THEN st.on_hand - st.reserved - st.safety ELSE 0 END), 0) AS BIGINT) \
         FROM (SELECT id, name, category FROM products \
               WHERE search_text LIKE $1 ESCAPE '\\' AND search_text LIKE $2 ESCAPE '\\' \
                 AND search_text LIKE $3 ESCAPE '\\' \
               ORDER BY name, id LIMIT $5) p \
         JOIN skus s ON s.product_id = p.id \
         LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = $4 \
         GROUP BY p.id, p.name, p.category \
         ORDER BY p.name, p.id",
    )
    .bind(pattern(0))
    .bind(pattern(1))
    .bind(pattern(2))
    .bind(viewer.as_str())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(product_id, name, category, sku, min_price, max_price, count, available)| SearchHit {
                product_id,
                name,
                category,
                sku,
                variant: None,
                min_price_cents: min_price,
                max_price_cents: max_price,
                variant_count: count,
                available_here: available,
            },
        )
        .collect())
}

/// The product a SKU belongs to, with its colour x size grid at `viewer`.
pub async fn product_view(
    db: &Db,
    product_id: &str,
    viewer: &LocationId,
) -> AppResult<ProductView> {
    let product: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT id, name, category, description FROM products WHERE id = $1")
            .bind(product_id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((id, name, category, description)) = product else {
        return Err(AppError::NotFound(format!("No product {product_id}.")));
    };
    type VariantRow = (String, String, String, i64, i64, i64, i64, i64);
    let rows: Vec<VariantRow> = sqlx::query_as(
        "SELECT s.sku, s.colour, s.size, s.size_rank, COALESCE(st.on_hand, 0), COALESCE(st.reserved, 0), \
                COALESCE(st.safety, 0), COALESCE(st.last_seq, 0) \
         FROM skus s LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = $2 \
         WHERE s.product_id = $1 ORDER BY s.colour, s.size_rank",
    )
    .bind(product_id)
    .bind(viewer.as_str())
    .fetch_all(&db.pool)
    .await?;
    let mut colours: Vec<String> = Vec::new();
    let mut sizes: Vec<(i64, String)> = Vec::new();
    let mut variants = Vec::with_capacity(rows.len());
    for (sku, colour, size, size_rank, on_hand, reserved, safety, seq) in rows {
        if !colours.contains(&colour) {
            colours.push(colour.clone());
        }
        if !sizes.iter().any(|(_, s)| *s == size) {
            sizes.push((size_rank, size.clone()));
        }
        variants.push(VariantCell {
            sku,
            colour,
            size,
            available_here: StockFigures {
                on_hand,
                reserved,
                safety,
            }
            .available(),
            seq_here: seq,
        });
    }
    sizes.sort();
    Ok(ProductView {
        id,
        name,
        category,
        description,
        colours,
        sizes: sizes.into_iter().map(|(_, s)| s).collect(),
        variants,
    })
}

/// A SKU's stock at every location. With a viewer, sorted for the shop
/// floor: this shop, other shops nearest first, then warehouses.
pub async fn sku_stock(db: &Db, sku: &Sku, viewer: Option<&LocationId>) -> AppResult<SkuStock> {
    use sqlx::Row;
    // One query (the hottest read of the app): the SKU's description is
    // repeated on each location's row rather than fetched apart, and read
    // from the first row only.
    let rows: Vec<sqlx::any::AnyRow> = sqlx::query(
        "SELECT s.ean, s.product_id, p.name, s.colour, s.size, s.price_cents, \
                l.id, l.kind, l.name, l.city, l.latitude, l.longitude, \
                COALESCE(st.on_hand, 0), COALESCE(st.reserved, 0), COALESCE(st.safety, 0), COALESCE(st.last_seq, 0) \
         FROM skus s JOIN products p ON p.id = s.product_id \
         CROSS JOIN locations l \
         LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = l.id \
         WHERE s.sku = $1 ORDER BY l.ordinal",
    )
    .bind(sku.as_str())
    .fetch_all(&db.pool)
    .await?;
    let Some(first) = rows.first() else {
        return Err(AppError::NotFound(format!("No product has the SKU {sku}.")));
    };
    let mut stock = SkuStock {
        sku: sku.to_string(),
        ean: first.try_get(0)?,
        product_id: first.try_get(1)?,
        product_name: first.try_get(2)?,
        colour: first.try_get(3)?,
        size: first.try_get(4)?,
        price_cents: first.try_get(5)?,
        locations: Vec::with_capacity(rows.len()),
    };
    // Each location with its coordinates, for the distances below.
    let mut placed: Vec<(LocationStock, f64, f64)> = Vec::with_capacity(rows.len());
    for row in &rows {
        let (on_hand, reserved, safety) = (row.try_get(12)?, row.try_get(13)?, row.try_get(14)?);
        let kind: String = row.try_get(7)?;
        let location = LocationStock {
            location_id: row.try_get(6)?,
            kind: location_kind(&kind),
            name: row.try_get(8)?,
            city: row.try_get(9)?,
            distance_km: None,
            on_hand,
            reserved,
            safety,
            available: StockFigures {
                on_hand,
                reserved,
                safety,
            }
            .available(),
            last_seq: row.try_get(15)?,
        };
        placed.push((location, row.try_get(10)?, row.try_get(11)?));
    }
    let origin = viewer.and_then(|v| {
        placed
            .iter()
            .find(|(l, _, _)| l.location_id == v.as_str())
            .map(|(_, lat, lon)| (*lat, *lon))
    });
    stock.locations = placed
        .into_iter()
        .map(|(mut location, lat, lon)| {
            let is_viewer = viewer.is_some_and(|v| v.as_str() == location.location_id);
            if let Some((olat, olon)) = origin.filter(|_| !is_viewer) {
                location.distance_km = Some(geo::distance_km(olat, olon, lat, lon));
            }
            location
        })
        .collect();
    if let Some(viewer) = viewer {
        stock.locations.sort_by(|a, b| {
            let rank = |l: &LocationStock| match (l.location_id == viewer.as_str(), l.kind) {
                (true, _) => 0,
                (false, LocationKind::Store) => 1,
                (false, LocationKind::Warehouse) => 2,
            };
            rank(a)
                .cmp(&rank(b))
                .then(
                    a.distance_km
                        .unwrap_or(0.0)
                        .total_cmp(&b.distance_km.unwrap_or(0.0)),
                )
                .then(a.location_id.cmp(&b.location_id))
        });
    }
    Ok(stock)
}

fn location_kind(kind: &str) -> LocationKind {
    if kind == "warehouse" {
        LocationKind::Warehouse
    } else {
        LocationKind::Store
    }
}

pub async fn product_stock(db: &Db, sku: &Sku, viewer: &LocationId) -> AppResult<ProductStock> {
    let selected = sku_stock(db, sku, Some(viewer)).await?;
    let product = product_view(db, &selected.product_id, viewer).await?;
    Ok(ProductStock { product, selected })
}

/// The customer-safe view for a kiosk: price and availability only.
pub async fn kiosk_sku(db: &Db, sku: &Sku, kiosk_location: &LocationId) -> AppResult<KioskSku> {
    let ProductStock { product, selected } = product_stock(db, sku, kiosk_location).await?;
    let here = selected
        .locations
        .iter()
        .find(|l| l.location_id == kiosk_location.as_str());
    Ok(KioskSku {
        location_id: kiosk_location.to_string(),
        available_here: here.map(|l| l.available).unwrap_or(0),
        seq_here: here.map(|l| l.last_seq).unwrap_or(0),
        other_shops_with_stock: selected
            .locations
            .iter()
            .filter(|l| {
                l.kind == LocationKind::Store
                    && l.location_id != kiosk_location.as_str()
                    && l.available > 0
            })
            .count() as i64,
        warehouse_has_stock: selected
            .locations
            .iter()
            .any(|l| l.kind == LocationKind::Warehouse && l.available > 0),
        sku: selected.sku,
        product_id: selected.product_id,
        product_name: selected.product_name,
        colour: selected.colour,
        size: selected.size,
        price_cents: selected.price_cents,
        variants: product.variants,
    })
}

/// The latest ledger lines of one SKU at one location, newest first.
pub async fn movement_history(
    db: &Db,
    sku: &Sku,
    location: &LocationId,
    limit: i64,
) -> AppResult<Vec<MovementLine>> {
    type Row = (
        i64,
        String,
        i64,
        i64,
        i64,
        i64,
        Option<String>,
        Option<String>,
        String,
        String,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, reference, \
                actor, device, created_at \
         FROM stock_movements WHERE sku = $1 AND location_id = $2 ORDER BY seq DESC LIMIT $3",
    )
    .bind(sku.as_str())
    .bind(location.as_str())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(seq, kind, dh, dr, oh, rs, reason, reference, actor, device, at_ms)| {
                Some(MovementLine {
                    seq,
                    kind: MovementKind::parse(&kind).ok()?,
                    on_hand_delta: dh,
                    reserved_delta: dr,
                    on_hand_after: oh,
                    reserved_after: rs,
                    reason,
                    reference,
                    actor,
                    device,
                    at_ms,
                })
            },
        )
        .collect())
}

pub async fn locations(db: &Db) -> AppResult<Vec<Location>> {
    let rows: Vec<(String, String, String, String, f64, f64)> = sqlx::query_as(
        "SELECT id, kind, name, city, latitude, longitude FROM locations ORDER BY ordinal",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, name, city, latitude, longitude)| Location {
            id,
            kind: location_kind(&kind),
            name,
            city,
            latitude,
            longitude,
        })
        .collect())
}
