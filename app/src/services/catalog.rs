//! Reading the catalogue and stock: search, product, SKU across locations,
//! movement history.

use crate::db::{Db, Directory};
use crate::domain::search::{SearchQuery, like_pattern, prefix_key};
use crate::domain::stock::MovementKind;
use crate::domain::{LocationId, Sku, StockFigures, geo};
use crate::error::{AppError, AppResult};
use crate::model::*;
use std::sync::Arc;

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
                // A product whose SKUs are listed already is not listed again
                // ("ROB-0001-MAR" also reads as the words of ROB-0001).
                let listed: Vec<String> =
                    results.hits.iter().map(|h| h.product_id.clone()).collect();
                results.hits.extend(
                    products
                        .into_iter()
                        .filter(|p| !listed.contains(&p.product_id)),
                );
            }
        }
    }
    Ok(results)
}

type SkuHitRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
);

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
                    COALESCE(st.on_hand - st.reserved - st.safety, 0), s.ordinal \
             FROM skus s JOIN products p ON p.id = s.product_id \
             LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = $2 \
             WHERE s.ean = $1 ORDER BY s.sku LIMIT $3",
            ean.to_string(),
        ),
        // SKU codes are letters, digits and dashes: no LIKE wildcard inside.
        SkuMatch::CodePrefix(prefix) => (
            "SELECT s.sku, s.product_id, p.name, p.category, s.colour, s.size, s.price_cents, \
                    COALESCE(st.on_hand - st.reserved - st.safety, 0), s.ordinal \
             FROM skus s JOIN products p ON p.id = s.product_id \
             LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = $2 \
             WHERE s.sku LIKE $1 ORDER BY s.sku LIMIT $3",
            format!("{prefix}%"),
        ),
    };
    let mut rows: Vec<SkuHitRow> = sqlx::query_as(sql)
        .bind(value)
        .bind(viewer.as_str())
        .bind(SEARCH_LIMIT)
        .fetch_all(&db.pool)
        .await?;
    // Read in code order (the index's, so the scan stops at the limit),
    // shown in the catalogue's: colour by colour, sizes by rank (XS, S, M,
    // L, XL), not alphabetically.
    rows.sort_by_key(|row| row.8);
    Ok(rows
        .into_iter()
        .map(
            |(sku, product_id, name, category, colour, size, price, available, _)| SearchHit {
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
    if words.is_empty() {
        return Ok(Vec::new());
    }
    // Products having every typed word as the start of one of theirs, found
    // through the prefix index; a word longer than the index's keys is then
    // checked whole in the product's text.
    let mut filter = String::new();
    let mut long_words = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let key = i + 3;
        filter.push_str(&if i == 0 {
            format!("w.prefix = ${key}")
        } else {
            format!(" AND p.id IN (SELECT product_id FROM product_prefixes WHERE prefix = ${key})")
        });
        if prefix_key(word) != word {
            long_words.push(like_pattern(word));
        }
    }
    for i in 0..long_words.len() {
        filter.push_str(&format!(
            " AND p.search_text LIKE ${} ESCAPE '\\'",
            words.len() + 3 + i
        ));
    }
    // Built from placeholders only: every value is bound below.
    let sql = format!(
        "SELECT p.id, p.name, p.category, \
                (SELECT f.sku FROM skus f WHERE f.product_id = p.id ORDER BY f.ordinal LIMIT 1), \
                MIN(s.price_cents), MAX(s.price_cents), COUNT(s.sku), \
                CAST(COALESCE(SUM(CASE WHEN st.on_hand - st.reserved - st.safety > 0 \
                                       THEN st.on_hand - st.reserved - st.safety ELSE 0 END), 0) AS BIGINT) \
         FROM (SELECT p.id, p.name, p.category \
               FROM product_prefixes w JOIN products p ON p.id = w.product_id \
               WHERE {filter} ORDER BY p.name, p.id LIMIT $2) p \
         JOIN skus s ON s.product_id = p.id \
         LEFT JOIN stock_levels st ON st.sku = s.sku AND st.location_id = $1 \
         GROUP BY p.id, p.name, p.category \
         ORDER BY p.name, p.id"
    );
    let mut query = sqlx::query_as::<_, ProductHitRow>(sqlx::AssertSqlSafe(sql))
        .bind(viewer.as_str())
        .bind(limit);
    for word in words {
        query = query.bind(prefix_key(word).to_string());
    }
    for pattern in long_words {
        query = query.bind(pattern);
    }
    let rows: Vec<ProductHitRow> = query.fetch_all(&db.pool).await?;
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
        return Err(AppError::UnknownProduct {
            product: product_id.to_string(),
        });
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

/// A SKU's description and its figures at every location, as read: the
/// figures follow the order of `directory.locations`. The API serialises it
/// as it is; screens want [`sku_stock`].
pub struct SkuLevels {
    pub sku: String,
    pub ean: String,
    pub product_id: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub price_cents: i64,
    pub directory: Arc<Directory>,
    /// Figures and the ledger sequence of their last change, per location.
    pub figures: Vec<(StockFigures, i64)>,
}

pub async fn sku_levels(db: &Db, sku: &Sku) -> AppResult<SkuLevels> {
    // The hottest read of the app, in one round trip and one row: the SKU's
    // description and its figures at every location folded into one text
    // (`LOC,on_hand,reserved,safety,last_seq;...`). At 202 locations, one
    // row per location cost several times the query itself in per-row
    // decoding. Names and places come from the in-memory directory.
    type Row = (String, String, String, String, String, i64, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.ean, s.product_id, p.name, s.colour, s.size, s.price_cents, \
                (SELECT string_agg(concat_ws(',', st.location_id, st.on_hand, st.reserved, \
                                             st.safety, st.last_seq), ';') \
                 FROM stock_levels st WHERE st.sku = s.sku) \
         FROM skus s JOIN products p ON p.id = s.product_id WHERE s.sku = $1",
    )
    .bind(sku.as_str())
    .fetch_optional(&db.pool)
    .await?;
    let Some((ean, product_id, product_name, colour, size, price_cents, folded)) = row else {
        return Err(AppError::UnknownSku {
            sku: sku.to_string(),
        });
    };
    let found = parse_figures(folded.as_deref().unwrap_or_default())?;
    let mut directory = db.locations().await?;
    let (mut figures, all_known) = in_directory_order(&directory, &found);
    if !all_known {
        directory = db.reload_locations().await?;
        // A location still unknown was removed since the query: left out.
        (figures, _) = in_directory_order(&directory, &found);
    }
    Ok(SkuLevels {
        sku: sku.to_string(),
        ean,
        product_id,
        product_name,
        colour,
        size,
        price_cents,
        directory,
        figures,
    })
}

/// A SKU's stock at every location. With a viewer, sorted for the shop
/// floor: this shop, other shops nearest first, then warehouses.
pub async fn sku_stock(db: &Db, sku: &Sku, viewer: Option<&LocationId>) -> AppResult<SkuStock> {
    let levels = sku_levels(db, sku).await?;
    let directory = &levels.directory;
    let origin = viewer
        .and_then(|v| directory.position(v.as_str()))
        .map(|i| &directory.locations[i]);
    let mut locations: Vec<LocationStock> = directory
        .locations
        .iter()
        .zip(&levels.figures)
        .map(|(place, &(figures, last_seq))| LocationStock {
            location_id: place.id.clone(),
            kind: place.kind,
            name: place.name.clone(),
            city: place.city.clone(),
            distance_km: origin.filter(|o| o.id != place.id).map(|o| {
                geo::distance_km(o.latitude, o.longitude, place.latitude, place.longitude)
            }),
            on_hand: figures.on_hand,
            reserved: figures.reserved,
            safety: figures.safety,
            available: figures.available(),
            last_seq,
            in_transit: 0,
        })
        .collect();
    // Goods of orders on their way (a small table, read by SKU).
    for (to, units) in super::pickups::in_transit(db, sku.as_str()).await? {
        if let Some(row) = locations.iter_mut().find(|l| l.location_id == to) {
            row.in_transit = units;
        }
    }
    if let Some(viewer) = viewer {
        locations.sort_by(|a, b| {
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
    Ok(SkuStock {
        sku: levels.sku,
        ean: levels.ean,
        product_id: levels.product_id,
        product_name: levels.product_name,
        colour: levels.colour,
        size: levels.size,
        price_cents: levels.price_cents,
        locations,
    })
}

/// Reads `LOC,on_hand,reserved,safety,last_seq;...` as `sku_stock` asks the
/// database to write it. Location codes hold neither `,` nor `;`.
/// Figures laid out in the directory's order, zeros where a location has no
/// stock row (it holds nothing of this SKU), and whether the directory knew
/// every location named.
fn in_directory_order(
    directory: &Directory,
    found: &[(&str, (StockFigures, i64))],
) -> (Vec<(StockFigures, i64)>, bool) {
    let mut figures = vec![Default::default(); directory.locations.len()];
    let mut all_known = true;
    for &(id, at) in found {
        match directory.position(id) {
            Some(position) => figures[position] = at,
            None => all_known = false,
        }
    }
    (figures, all_known)
}

fn parse_figures(text: &str) -> AppResult<Vec<(&str, (StockFigures, i64))>> {
    text.split(';')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let mut fields = entry.split(',');
            let id = fields.next().unwrap_or_default();
            let mut number = || -> AppResult<i64> {
                fields.next().and_then(|f| f.parse().ok()).ok_or_else(|| {
                    tracing::error!(entry, "unreadable stock figures from the database");
                    AppError::Internal
                })
            };
            let figures = StockFigures {
                on_hand: number()?,
                reserved: number()?,
                safety: number()?,
            };
            Ok((id, (figures, number()?)))
        })
        .collect()
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
    let directory = db.locations().await?;
    // A transfer's note is the other location's id (older lines: "to X").
    let place_name = |note: &str| {
        let id = note
            .strip_prefix("to ")
            .or_else(|| note.strip_prefix("from "))
            .unwrap_or(note);
        name_in(&directory, id)
    };
    Ok(rows
        .into_iter()
        .filter_map(
            |(seq, kind, dh, dr, oh, rs, reason, reference, actor, device, at_ms)| {
                let kind = MovementKind::parse(&kind).ok()?;
                let is_transfer =
                    matches!(kind, MovementKind::TransferOut | MovementKind::TransferIn);
                let (reason, counterpart) = if is_transfer {
                    (None, reason.as_deref().map(place_name))
                } else {
                    (reason, None)
                };
                Some(MovementLine {
                    seq,
                    kind,
                    on_hand_delta: dh,
                    reserved_delta: dr,
                    on_hand_after: oh,
                    reserved_after: rs,
                    reason,
                    counterpart,
                    reference,
                    actor,
                    device,
                    at_ms,
                })
            },
        )
        .collect())
}

/// A location's name as people read it (its id when unknown), from the
/// in-memory directory.
pub async fn location_name(db: &Db, id: &str) -> AppResult<String> {
    let directory = db.locations().await?;
    Ok(name_in(&directory, id))
}

pub(crate) fn name_in(directory: &crate::db::Directory, id: &str) -> String {
    directory
        .position(id)
        .and_then(|i| directory.locations.get(i))
        .map(|l| l.name.clone())
        .unwrap_or_else(|| id.to_string())
}

pub async fn locations(db: &Db) -> AppResult<Vec<Location>> {
    Ok(db.locations().await?.locations.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_figures_are_read_back() {
        let read = parse_figures("PAR01,4,1,1,17;WH01,120,0,0,9").expect("readable");
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].0, "PAR01");
        assert_eq!(read[0].1.0.available(), 2);
        assert_eq!(
            read[1].1,
            (
                StockFigures {
                    on_hand: 120,
                    reserved: 0,
                    safety: 0
                },
                9
            )
        );
        assert!(parse_figures("").expect("no rows").is_empty());
    }

    #[test]
    fn garbled_figures_are_an_internal_error_not_zeros() {
        for garbled in ["PAR01,4,1", "PAR01,4,x,1,2", "PAR01"] {
            assert!(
                matches!(parse_figures(garbled), Err(AppError::Internal)),
                "{garbled}"
            );
        }
    }
}
