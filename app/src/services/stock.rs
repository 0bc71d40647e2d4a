//! Stock changes. Each is one conditional `UPDATE` (the database decides,
//! so racing clients can never oversell), its ledger line, and its event,
//! all in one transaction.

use super::Actor;
use super::events::EventBus;
use super::request_keys::{self, Claim, RequestKey};
use crate::db::{Db, now_ms};
use crate::domain::stock::{Floor, Movement, StockEffect, StockEvent};
use crate::domain::{LocationId, Quantity, Sku, StockFigures};
use crate::error::{AppError, AppResult, TextField};
use sqlx::AnyConnection;

/// One movement to record.
#[derive(Debug, Clone)]
pub struct MovementRequest {
    pub sku: Sku,
    pub location: LocationId,
    pub movement: Movement,
    pub reason: Option<String>,
    pub reference: Option<String>,
}

/// Longest free text kept with a movement.
const MAX_NOTE_CHARS: usize = 200;

fn clean_note(note: Option<String>, field: TextField) -> AppResult<Option<String>> {
    match note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
        Some(n) if n.chars().count() > MAX_NOTE_CHARS => Err(AppError::TextTooLong {
            field,
            max: MAX_NOTE_CHARS as i64,
        }),
        other => Ok(other),
    }
}

/// What a change gave back: its result, or the first answer to the same
/// request (named by the same key) replayed without changing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done<T> {
    pub value: T,
    pub replayed: bool,
}

/// With a key: the first answer to it, if it was already done (or an error
/// if the key named another request). Inside the change's transaction.
pub(crate) async fn replayed<T: serde::de::DeserializeOwned>(
    conn: &mut AnyConnection,
    once: Option<&RequestKey>,
) -> AppResult<Option<Done<T>>> {
    let Some(key) = once else {
        return Ok(None);
    };
    match request_keys::claim(conn, key).await? {
        Claim::First => Ok(None),
        Claim::Replay(value) => Ok(Some(Done {
            value,
            replayed: true,
        })),
        Claim::OtherRequest => Err(key.reused_error()),
    }
}

/// Opens a write transaction for a change that may carry a request key.
/// The key's claim is its first statement: a write, which takes SQLite's
/// lock, so no other statement is spent on that. A copy of the request
/// gets the first answer (and the transaction, to drop). `answer` is the
/// answer in JSON when it is known before the work (it is then kept with
/// the claim), or empty.
pub(crate) async fn begin_once<T: serde::de::DeserializeOwned>(
    db: &crate::db::Db,
    once: Option<&RequestKey>,
    answer: &str,
) -> AppResult<(crate::db::WriteTx, Option<Done<T>>)> {
    let mut tx = db.begin_write_writing_first().await?;
    let Some(key) = once else {
        tx.lock_now().await?;
        return Ok((tx, None));
    };
    match request_keys::claim_answered(&mut tx, key, answer).await? {
        Claim::First => Ok((tx, None)),
        Claim::Replay(value) => Ok((
            tx,
            Some(Done {
                value,
                replayed: true,
            }),
        )),
        Claim::OtherRequest => Err(key.reused_error()),
    }
}

/// Records one movement and publishes its event. With a request key, a
/// second copy of the request records nothing and gets the first answer.
pub async fn record_movement(
    db: &Db,
    bus: &EventBus,
    request: MovementRequest,
    actor: &Actor,
    once: Option<&RequestKey>,
) -> AppResult<Done<StockEvent>> {
    let reason = clean_note(request.reason.clone(), TextField::Reason)?;
    if matches!(request.movement, Movement::Adjustment(_)) && reason.is_none() {
        return Err(AppError::ReasonRequired);
    }
    let reference = clean_note(request.reference.clone(), TextField::Reference)?;
    let mut tx = db.begin_write().await?;
    if let Some(done) = replayed(&mut tx, once).await? {
        return Ok(done);
    }
    let event = apply_movement(
        &mut tx,
        &request,
        reason.as_deref(),
        reference.as_deref(),
        actor,
    )
    .await?;
    if let Some(key) = once {
        request_keys::store_answer(&mut tx, key, &event).await?;
    }
    bus.stage(&mut tx, std::slice::from_ref(&event)).await?;
    tx.commit().await?;
    bus.committed(vec![event.clone()]);
    Ok(Done {
        value: event,
        replayed: false,
    })
}

/// Goods to send from one location to another.
#[derive(Debug, Clone)]
pub struct TransferRequest {
    pub sku: Sku,
    pub from: LocationId,
    pub to: LocationId,
    pub quantity: Quantity,
}

/// Moves stock from one location to another at once: both ledger lines,
/// one transaction, one reference.
pub async fn transfer(
    db: &Db,
    bus: &EventBus,
    request: &TransferRequest,
    actor: &Actor,
    once: Option<&RequestKey>,
) -> AppResult<Done<(StockEvent, StockEvent)>> {
    let TransferRequest {
        sku,
        from,
        to,
        quantity,
    } = request;
    let quantity = *quantity;
    if from == to {
        return Err(AppError::SameLocation);
    }
    let reference = format!("TRF-{}-{}-{}", from, to, now_ms());
    let out = MovementRequest {
        sku: sku.clone(),
        location: from.clone(),
        movement: Movement::TransferOut(quantity),
        // A transfer's note is the other location: the history names it.
        reason: Some(to.to_string()),
        reference: Some(reference.clone()),
    };
    let into = MovementRequest {
        sku: sku.clone(),
        location: to.clone(),
        movement: Movement::TransferIn(quantity),
        reason: Some(from.to_string()),
        reference: Some(reference),
    };
    let mut tx = db.begin_write().await?;
    if let Some(done) = replayed(&mut tx, once).await? {
        return Ok(done);
    }
    // Rows touched together are locked in one fixed order (by location id),
    // so two opposite transfers cannot deadlock on PostgreSQL.
    let (first, second) = if from < to {
        (&out, &into)
    } else {
        (&into, &out)
    };
    let a = apply_movement(
        &mut tx,
        first,
        first.reason.as_deref(),
        first.reference.as_deref(),
        actor,
    )
    .await?;
    let b = apply_movement(
        &mut tx,
        second,
        second.reason.as_deref(),
        second.reference.as_deref(),
        actor,
    )
    .await?;
    let (out_event, in_event) = if from < to { (a, b) } else { (b, a) };
    let events = [out_event.clone(), in_event.clone()];
    if let Some(key) = once {
        request_keys::store_answer(&mut tx, key, &events).await?;
    }
    bus.stage(&mut tx, &events).await?;
    tx.commit().await?;
    bus.committed(events.to_vec());
    Ok(Done {
        value: (out_event, in_event),
        replayed: false,
    })
}

type LevelAfter = (i64, i64, i64, i64, String, i64);
/// A level's SKU and location, then what it is after the change.
type LevelMoved = (String, String, i64, i64, i64, i64, String, i64);

/// Applies a movement inside the caller's transaction: the level update
/// (refused by the database when a floor would be crossed), then the ledger
/// line. The caller commits and publishes.
pub async fn apply_movement(
    conn: &mut AnyConnection,
    request: &MovementRequest,
    reason: Option<&str>,
    reference: Option<&str>,
    actor: &Actor,
) -> AppResult<StockEvent> {
    let sku = request.sku.as_str();
    let location = request.location.as_str();
    let mut after = update_level(conn, sku, location, request.movement).await?;
    if after.is_none() && ensure_level_row(conn, &request.sku, &request.location).await? {
        after = update_level(conn, sku, location, request.movement).await?;
    }
    let Some((on_hand, reserved, safety, on_hand_delta, product_id, quarantined_after)) = after
    else {
        return Err(explain_refusal(conn, &request.sku, &request.location, request.movement).await);
    };
    let (reserved_delta, quarantined_delta) = match request.movement.effect() {
        StockEffect::Delta {
            reserved,
            quarantined,
            ..
        } => (reserved, quarantined),
        StockEffect::SetOnHand(_) => (0, 0),
    };
    let at_ms = now_ms();
    let kind = request.movement.kind();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO stock_movements (sku, location_id, kind, on_hand_delta, reserved_delta, on_hand_after, \
             reserved_after, reason, reference, actor, device, created_at, quarantined_delta, quarantined_after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING seq",
    )
    .bind(sku)
    .bind(location)
    .bind(kind.as_str())
    .bind(on_hand_delta)
    .bind(reserved_delta)
    .bind(on_hand)
    .bind(reserved)
    .bind(reason)
    .bind(reference)
    .bind(actor.name.as_str())
    .bind(actor.device.as_str())
    .bind(at_ms)
    .bind(quarantined_delta)
    .bind(quarantined_after)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE stock_levels SET last_seq = $1 WHERE sku = $2 AND location_id = $3")
        .bind(seq)
        .bind(sku)
        .bind(location)
        .execute(&mut *conn)
        .await?;
    let figures = StockFigures {
        on_hand,
        reserved,
        safety,
    };
    Ok(StockEvent {
        seq,
        sku: sku.to_string(),
        product_id,
        location_id: location.to_string(),
        kind,
        on_hand,
        reserved,
        safety,
        available: figures.available(),
        at_ms,
    })
}

/// Several movements in the caller's transaction, in few statements: the
/// levels in one conditional `UPDATE`, the ledger lines in one `INSERT`,
/// their sequence numbers in one more. Each level is still refused by the
/// database when a floor would be crossed. The events come in the order
/// of `requests`, which the caller sorts (location, then SKU): on
/// PostgreSQL the levels are locked in that order first, so that two
/// changes touching the same levels cannot deadlock.
///
/// Movements that cannot share the statements (a count, two movements of
/// one level) are recorded one by one.
pub async fn apply_movements(
    conn: &mut AnyConnection,
    requests: &[MovementRequest],
    reference: Option<&str>,
    actor: &Actor,
) -> AppResult<Vec<StockEvent>> {
    let deltas: Option<Vec<(i64, i64, i64, Floor)>> = requests
        .iter()
        .map(|r| match r.movement.effect() {
            StockEffect::Delta {
                on_hand,
                reserved,
                quarantined,
                floor,
            } => Some((on_hand, reserved, quarantined, floor)),
            StockEffect::SetOnHand(_) => None,
        })
        .collect();
    let mut levels: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.location.as_str(), r.sku.as_str()))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let shared = requests.len() > 1 && levels.len() == requests.len();
    let Some(deltas) = deltas.filter(|_| shared) else {
        let mut events = Vec::with_capacity(requests.len());
        for request in requests {
            events.push(apply_movement(conn, request, None, reference, actor).await?);
        }
        return Ok(events);
    };

    let values = |width: usize| crate::db::values_rows(requests.len(), width);
    if crate::db::Backend::of_connection(conn) == crate::db::Backend::Postgres {
        let lock = format!(
            "SELECT 1 FROM stock_levels WHERE (sku, location_id) IN (VALUES {}) \
             ORDER BY location_id, sku FOR UPDATE",
            values(2)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(lock));
        for request in requests {
            query = query
                .bind(request.sku.as_str())
                .bind(request.location.as_str());
        }
        query.execute(&mut *conn).await?;
    }

    // The levels: (sku, location, on hand, reserved, quarantined, whether
    // the safety stock must stay available).
    let update = format!(
        "UPDATE stock_levels \
         SET on_hand = on_hand + v.column3, reserved = reserved + v.column4, \
             quarantined = quarantined + v.column5, last_delta = v.column3 \
         FROM (VALUES {}) AS v \
         WHERE stock_levels.sku = v.column1 AND stock_levels.location_id = v.column2 \
           AND stock_levels.on_hand + v.column3 >= 0 AND stock_levels.reserved + v.column4 >= 0 \
           AND stock_levels.quarantined + v.column5 >= 0 \
           AND (stock_levels.on_hand + v.column3) - (stock_levels.reserved + v.column4) \
               - (CASE WHEN v.column6 = 1 THEN stock_levels.safety ELSE 0 END) >= 0 \
         RETURNING stock_levels.sku, stock_levels.location_id, stock_levels.on_hand, \
           stock_levels.reserved, stock_levels.safety, stock_levels.last_delta, \
           (SELECT product_id FROM skus WHERE skus.sku = stock_levels.sku), stock_levels.quarantined",
        values(6)
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(update));
    for (request, (on_hand, reserved, quarantined, floor)) in requests.iter().zip(&deltas) {
        let keep_safety: i64 = match floor {
            Floor::Available => 1,
            Floor::Reserved => 0,
        };
        query = query
            .bind(request.sku.as_str())
            .bind(request.location.as_str())
            .bind(*on_hand)
            .bind(*reserved)
            .bind(*quarantined)
            .bind(keep_safety);
    }
    let rows: Vec<LevelMoved> = query.fetch_all(&mut *conn).await?;
    let mut after: Vec<Option<LevelAfter>> = requests
        .iter()
        .map(|request| {
            rows.iter()
                .find(|row| row.0 == request.sku.as_str() && row.1 == request.location.as_str())
                .map(|row| (row.2, row.3, row.4, row.5, row.6.clone(), row.7))
        })
        .collect();
    // A level refused, or a SKU never stocked there (its row is created,
    // then moved on its own); any refusal undoes the whole transaction.
    for (request, level) in requests.iter().zip(after.iter_mut()) {
        if level.is_some() {
            continue;
        }
        if ensure_level_row(conn, &request.sku, &request.location).await? {
            *level = update_level(
                conn,
                request.sku.as_str(),
                request.location.as_str(),
                request.movement,
            )
            .await?;
        }
        if level.is_none() {
            return Err(
                explain_refusal(conn, &request.sku, &request.location, request.movement).await,
            );
        }
    }

    let at_ms = now_ms();
    let insert = format!(
        "INSERT INTO stock_movements (sku, location_id, kind, on_hand_delta, reserved_delta, on_hand_after, \
             reserved_after, reason, reference, actor, device, created_at, quarantined_delta, quarantined_after) \
         VALUES {} RETURNING seq, sku, location_id",
        values(14)
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(insert));
    for ((request, level), (_, reserved_delta, quarantined_delta, _)) in
        requests.iter().zip(&after).zip(&deltas)
    {
        let Some((on_hand, reserved, _, on_hand_delta, _, quarantined_after)) = level else {
            return Err(AppError::Internal);
        };
        query = query
            .bind(request.sku.as_str())
            .bind(request.location.as_str())
            .bind(request.movement.kind().as_str())
            .bind(*on_hand_delta)
            .bind(*reserved_delta)
            .bind(*on_hand)
            .bind(*reserved)
            .bind(Option::<&str>::None)
            .bind(reference)
            .bind(actor.name.as_str())
            .bind(actor.device.as_str())
            .bind(at_ms)
            .bind(*quarantined_delta)
            .bind(*quarantined_after);
    }
    let written: Vec<(i64, String, String)> = query.fetch_all(&mut *conn).await?;

    let mut events = Vec::with_capacity(requests.len());
    let set_seq = format!(
        "UPDATE stock_levels SET last_seq = v.column3 FROM (VALUES {}) AS v \
         WHERE stock_levels.sku = v.column1 AND stock_levels.location_id = v.column2",
        values(3)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(set_seq));
    for (request, level) in requests.iter().zip(after) {
        let (sku, location) = (request.sku.as_str(), request.location.as_str());
        let (Some((seq, _, _)), Some((on_hand, reserved, safety, _, product_id, _))) = (
            written.iter().find(|w| w.1 == sku && w.2 == location),
            level,
        ) else {
            return Err(AppError::Internal);
        };
        query = query.bind(sku).bind(location).bind(*seq);
        let figures = StockFigures {
            on_hand,
            reserved,
            safety,
        };
        events.push(StockEvent {
            seq: *seq,
            sku: sku.to_string(),
            product_id,
            location_id: location.to_string(),
            kind: request.movement.kind(),
            on_hand,
            reserved,
            safety,
            available: figures.available(),
            at_ms,
        });
    }
    query.execute(&mut *conn).await?;
    Ok(events)
}

/// The single conditional statement. `None` when a floor would be crossed
/// (or the row does not exist).
async fn update_level(
    conn: &mut AnyConnection,
    sku: &str,
    location: &str,
    movement: Movement,
) -> Result<Option<LevelAfter>, sqlx::Error> {
    match movement.effect() {
        StockEffect::Delta {
            on_hand,
            reserved,
            quarantined,
            floor,
        } => {
            let keep_safety: i64 = match floor {
                Floor::Available => 1,
                Floor::Reserved => 0,
            };
            sqlx::query_as(
                "UPDATE stock_levels \
                 SET on_hand = on_hand + $1, reserved = reserved + $2, quarantined = quarantined + $6, \
                     last_delta = $1 \
                 WHERE sku = $3 AND location_id = $4 \
                   AND on_hand + $1 >= 0 AND reserved + $2 >= 0 AND quarantined + $6 >= 0 \
                   AND (on_hand + $1) - (reserved + $2) - (CASE WHEN $5 = 1 THEN safety ELSE 0 END) >= 0 \
                 RETURNING on_hand, reserved, safety, last_delta, \
                   (SELECT product_id FROM skus WHERE skus.sku = stock_levels.sku), quarantined",
            )
            .bind(on_hand)
            .bind(reserved)
            .bind(sku)
            .bind(location)
            .bind(keep_safety)
            .bind(quarantined)
            .fetch_optional(&mut *conn)
            .await
        }
        StockEffect::SetOnHand(counted) => {
            sqlx::query_as(
                "UPDATE stock_levels SET on_hand = $1, last_delta = $1 - on_hand \
                 WHERE sku = $2 AND location_id = $3 AND $1 >= reserved \
                 RETURNING on_hand, reserved, safety, last_delta, \
                   (SELECT product_id FROM skus WHERE skus.sku = stock_levels.sku), quarantined",
            )
            .bind(counted)
            .bind(sku)
            .bind(location)
            .fetch_optional(&mut *conn)
            .await
        }
    }
}

/// A SKU that was never stocked at a location has no row yet: create an
/// empty one. Returns whether a row was created.
async fn ensure_level_row(
    conn: &mut AnyConnection,
    sku: &Sku,
    location: &LocationId,
) -> Result<bool, sqlx::Error> {
    let both_exist: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM skus WHERE sku = $1) + (SELECT COUNT(*) FROM locations WHERE id = $2)",
    )
    .bind(sku.as_str())
    .bind(location.as_str())
    .fetch_one(&mut *conn)
    .await?;
    if both_exist < 2 {
        return Ok(false);
    }
    let inserted = sqlx::query(
        "INSERT INTO stock_levels (sku, location_id) VALUES ($1, $2) ON CONFLICT (sku, location_id) DO NOTHING",
    )
    .bind(sku.as_str())
    .bind(location.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Why the conditional update changed nothing, in words for a person.
async fn explain_refusal(
    conn: &mut AnyConnection,
    sku: &Sku,
    location: &LocationId,
    movement: Movement,
) -> AppError {
    let figures: Result<Option<(i64, i64, i64)>, _> = sqlx::query_as(
        "SELECT on_hand, reserved, safety FROM stock_levels WHERE sku = $1 AND location_id = $2",
    )
    .bind(sku.as_str())
    .bind(location.as_str())
    .fetch_optional(&mut *conn)
    .await;
    match figures {
        Err(err) => AppError::from(err),
        Ok(Some((on_hand, reserved, safety))) => match movement.apply(StockFigures {
            on_hand,
            reserved,
            safety,
        }) {
            Err(refusal) => AppError::from(refusal),
            // The figures changed between the two statements: say so.
            Ok(_) => AppError::StockChanged,
        },
        Ok(None) => match sku_exists(conn, sku).await {
            Ok(false) => AppError::UnknownSku {
                sku: sku.to_string(),
            },
            Ok(true) => AppError::UnknownLocation {
                location: location.to_string(),
            },
            Err(err) => AppError::from(err),
        },
    }
}

async fn sku_exists(conn: &mut AnyConnection, sku: &Sku) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM skus WHERE sku = $1")
        .bind(sku.as_str())
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}
