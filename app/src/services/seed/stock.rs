//! Opening stock at every location.

use super::*;

/// Opening stock: computed in SQL from the SKU and location ordinals (fast
/// at chain scale, same figures on both engines). Inserted SKU by SKU, so
/// that one SKU's levels at every location sit together on disk: the
/// stock lookup reads them all at once.
pub(super) async fn insert_stock(
    db: &Db,
    sku_count: usize,
    locations: &[PlannedLocation],
    progress: &mut dyn Progress,
) -> AppResult<i64> {
    let at = now_ms();
    let mut total = 0;
    // About fifty thousand rows per statement.
    let per_chunk = (50_000 / locations.len().max(1)).max(1) as i64;
    let sku_count = sku_count as i64;
    let chunks = (sku_count + per_chunk - 1) / per_chunk;
    let report_every = (chunks / 10).max(1);
    for chunk in 0..chunks {
        let (first, last) = (
            chunk * per_chunk + 1,
            ((chunk + 1) * per_chunk).min(sku_count),
        );
        let mut tx = db.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO stock_levels (sku, location_id, on_hand, reserved, safety, last_delta, last_seq) \
             SELECT s.sku, l.id, \
                CASE WHEN l.kind = 'warehouse' THEN 20 + (s.ordinal * 31 + l.ordinal * 17) % 180 \
                     WHEN (s.ordinal * 7 + l.ordinal * 13 + (s.ordinal / 7) * 3) % 11 < 3 THEN 0 \
                     ELSE (s.ordinal * 7 + l.ordinal * 13 + (s.ordinal / 7) * 3) % 11 - 3 END, \
                0, \
                CASE WHEN l.kind = 'warehouse' THEN 5 WHEN (s.ordinal + l.ordinal) % 5 = 0 THEN 1 ELSE 0 END, \
                0, 0 \
             FROM skus s CROSS JOIN locations l WHERE s.ordinal BETWEEN $1 AND $2 \
             ORDER BY s.sku, l.id",
        )
        .bind(first)
        .bind(last)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO stock_movements (sku, location_id, kind, on_hand_delta, reserved_delta, on_hand_after, \
                 reserved_after, reason, reference, actor, device, created_at) \
             SELECT st.sku, st.location_id, 'count', st.on_hand, 0, st.on_hand, 0, 'Opening stock', NULL, \
                 'seed', 'seed', $3 \
             FROM stock_levels st JOIN skus s ON s.sku = st.sku \
             WHERE s.ordinal BETWEEN $1 AND $2 AND st.on_hand > 0 \
             ORDER BY st.sku, st.location_id",
        )
        .bind(first)
        .bind(last)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        total += inserted.rows_affected() as i64;
        if (chunk + 1) % report_every == 0 || chunk + 1 == chunks {
            progress.step(&format!(
                "stock: {last}/{sku_count} SKUs at {} locations",
                locations.len()
            ));
        }
    }
    Ok(total)
}
