//! The customer at the counter: checked in at the kiosk with their code,
//! taken by an associate, handed their order (all of it, or some lines
//! with the rest kept or given up). Wrong codes are counted per shop and
//! per order, and no code is checked while its scope is locked, so that
//! guessing gets a handful of tries an hour.

use super::{
    FulfilmentRow, actor_of, at_pickup_shop, build_view, commit, lines_of, load, load_with_tries,
    move_status, name, ready_at, shop_rules, take_from_holds,
};
use crate::db::{Db, WriteTx, now_ms};
use crate::domain::order::{OrderEvent, OrderStatus};
use crate::domain::pickup::{ORDER_TRIES, PickupCode, SHOP_TRIES};
use crate::domain::sign_in::{Allowance, Attempts, Verdict, next_attempt_under};
use crate::domain::stock::Movement;
use crate::domain::{LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::model::pickup::{CheckInAnswer, PickupChange, PickupOrder};
use crate::services::Actor;
use crate::services::audit::Staff;
use crate::services::events::EventBus;
use crate::services::request_keys::RequestKey;
use crate::services::stock::{Done, MovementRequest, apply_movements, begin_once};
use sqlx::AnyConnection;

/// The tries of `scope` (`shop:PAR01`, `order:42`) so far, read in the
/// caller's transaction: refused while the scope is locked. A try is
/// counted only when its code proves wrong ([`refused_try`]); a right code
/// forgets the earlier ones ([`forget_tries`]). Either way one statement
/// more, not three.
async fn tries_so_far(
    conn: &mut AnyConnection,
    scope: &str,
    allowance: Allowance,
) -> AppResult<Option<Attempts>> {
    let stored: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT attempts, last_attempt_at, locked_until FROM pickup_code_attempts WHERE scope = $1",
    )
    .bind(scope)
    .fetch_optional(&mut *conn)
    .await?;
    let stored = stored.map(|(count, last_attempt_at, locked_until)| Attempts {
        count,
        last_attempt_at,
        locked_until,
    });
    tries_allowed(allowance, stored)
}

/// The tries so far, or a refusal while their scope is locked.
fn tries_allowed(allowance: Allowance, stored: Option<Attempts>) -> AppResult<Option<Attempts>> {
    if let Verdict::Locked { retry_after_ms } = next_attempt_under(allowance, stored, now_ms()) {
        return Err(AppError::TooManyCodeTries {
            retry_after_secs: (retry_after_ms as u64).div_ceil(1000),
        });
    }
    Ok(stored)
}

/// A code that proved wrong (or found nothing): its try is counted and
/// committed with nothing else, and `refusal` is what the caller says.
async fn refused_try(
    mut tx: WriteTx,
    scope: &str,
    allowance: Allowance,
    tries: Option<Attempts>,
    refusal: AppError,
    once: Option<&RequestKey>,
) -> AppError {
    let counted = async {
        if let Some(key) = once {
            crate::services::request_keys::unclaim(&mut tx, key).await?;
        }
        if let Verdict::Allowed(next) = next_attempt_under(allowance, tries, now_ms()) {
            sqlx::query(
                "INSERT INTO pickup_code_attempts (scope, attempts, last_attempt_at, locked_until) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (scope) DO UPDATE SET attempts = $2, last_attempt_at = $3, locked_until = $4",
            )
            .bind(scope)
            .bind(next.count)
            .bind(next.last_attempt_at)
            .bind(next.locked_until)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok::<(), AppError>(())
    };
    match counted.await {
        Ok(()) => refusal,
        Err(error) => error,
    }
}

/// A right code forgets the tries of its scope (when there were any).
async fn forget_tries(
    conn: &mut AnyConnection,
    scope: &str,
    tries: Option<Attempts>,
) -> AppResult<()> {
    if tries.is_some() {
        sqlx::query("DELETE FROM pickup_code_attempts WHERE scope = $1")
            .bind(scope)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn shop_scope(location: &LocationId) -> String {
    format!("shop:{location}")
}

/// The order to collect that holds `code`, as a shop's device finds it:
/// its own open pickup, or a clear refusal (another shop's, expired,
/// collected, cancelled, or no such code).
async fn find_by_code(
    conn: &mut AnyConnection,
    db: &Db,
    code: &PickupCode,
    here: &LocationId,
) -> AppResult<FulfilmentRow> {
    let ids: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM order_fulfilments WHERE pickup_code = $1 AND kind = 'collect' \
         ORDER BY id DESC LIMIT 20",
    )
    .bind(code.as_str())
    .fetch_all(&mut *conn)
    .await?;
    // An open pickup first, this shop's first; then the newest of the rest.
    let mut best: Option<(u8, i64)> = None;
    for (id, status) in &ids {
        let row = load(conn, *id).await?;
        if !code.matches(row.pickup_code.as_deref().unwrap_or_default()) {
            continue;
        }
        let open = OrderStatus::parse(status).is_ok_and(|s| s.holds_stock());
        let rank = match (open, row.pickup() == here.as_str()) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => 3,
        };
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, *id));
        }
    }
    let Some((_, id)) = best else {
        return Err(AppError::UnknownPickupCode {
            text: code.display(),
        });
    };
    let row = load(conn, id).await?;
    if row.pickup() != here.as_str() {
        let directory = db.locations().await?;
        return Err(AppError::PickupAtOtherShop {
            reference: row.reference.clone(),
            location: name(&directory, row.pickup()),
        });
    }
    match row.status() {
        OrderStatus::Ready | OrderStatus::PartiallyCollected => Ok(row),
        _ => Err(row.refusal()),
    }
}

/// A customer's check-in at the kiosk with their code (typed, or their
/// QR scanned): every associate screen of the shop shows them waiting.
/// The kiosk learns nothing but that it worked.
pub async fn check_in(
    db: &Db,
    bus: &EventBus,
    kiosk: &Staff,
    raw_code: &str,
) -> AppResult<CheckInAnswer> {
    let code = PickupCode::parse(raw_code)?;
    let scope = shop_scope(&kiosk.location);
    let mut tx = db.begin_write().await?;
    let tries = tries_so_far(&mut tx, &scope, SHOP_TRIES).await?;
    let row = match find_by_code(&mut tx, db, &code, &kiosk.location).await {
        Ok(row) => row,
        Err(refusal) => {
            return Err(refused_try(tx, &scope, SHOP_TRIES, tries, refusal, None).await);
        }
    };
    let now = now_ms();
    let marked = sqlx::query(
        "UPDATE order_fulfilments SET checked_in_at = $1, attended_by = NULL \
         WHERE id = $2 AND status IN ('ready', 'partially_collected')",
    )
    .bind(now)
    .bind(row.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked == 0 {
        return Err(AppError::PickupChanged {
            reference: row.reference.clone(),
        });
    }
    forget_tries(&mut tx, &scope, tries).await?;
    let row = FulfilmentRow {
        checked_in_at: Some(now),
        attended_by: None,
        ..row
    };
    let event = row.event(row.pickup(), PickupChange::CustomerWaiting, row.status());
    commit(tx, bus, Vec::new(), vec![event]).await?;
    Ok(CheckInAnswer { checked_in: true })
}

/// An associate types or scans a customer's code: the order it opens.
pub async fn open_by_code(db: &Db, staff: &Staff, raw_code: &str) -> AppResult<i64> {
    let code = PickupCode::parse(raw_code)?;
    let scope = shop_scope(&staff.location);
    let mut tx = db.begin_write().await?;
    let tries = tries_so_far(&mut tx, &scope, SHOP_TRIES).await?;
    let row = match find_by_code(&mut tx, db, &code, &staff.location).await {
        Ok(row) => row,
        Err(refusal) => {
            return Err(refused_try(tx, &scope, SHOP_TRIES, tries, refusal, None).await);
        }
    };
    forget_tries(&mut tx, &scope, tries).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// Someone goes to the waiting customer: the other screens stop calling.
pub async fn attend(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let mut tx = db.begin_write().await?;
    let row = load(&mut tx, fulfilment_id).await?;
    at_pickup_shop(&row, staff, &directory)?;
    let taken = sqlx::query(
        "UPDATE order_fulfilments SET attended_by = $1 \
         WHERE id = $2 AND checked_in_at IS NOT NULL AND attended_by IS NULL",
    )
    .bind(&staff.username)
    .bind(fulfilment_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let row = load(&mut tx, fulfilment_id).await?;
    // Taken by someone else a moment before: nothing to announce.
    let events = if taken == 1 {
        vec![row.event(row.pickup(), PickupChange::Attended, row.status())]
    } else {
        Vec::new()
    };
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    commit(tx, bus, Vec::new(), events).await?;
    Ok(view)
}

/// What proves the customer may take the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The pickup code, typed or read from the customer's QR.
    Code(PickupCode),
    /// An identity document checked by the associate (shop policy): its
    /// kind is recorded ("carte d'identité"), never its number.
    IdCheck { document: String },
}

/// What becomes of units not handed over now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// They stay ready on the shelf for a later visit.
    Keep,
    /// The customer does not want them: released and refunded.
    Cancel,
}

/// A handover request: units per line, what proves the right to them,
/// and what becomes of the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverRequest {
    pub proof: Proof,
    pub take: Vec<(i64, i64)>,
    pub rest: Rest,
}

/// Most characters of the identity document's kind.
const MAX_DOCUMENT_CHARS: usize = 60;

/// Hands over units of a ready order. The proof is checked first (a code
/// try is counted even when wrong); the fulfilment's status then moves by
/// one conditional statement, so a handover racing the expiry job (or
/// another tablet) wins or changes nothing. The units' holds become sales
/// in the ledger; the rest stays ready, or is released and refunded.
pub async fn hand_over(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
    request: &HandoverRequest,
    once: Option<&RequestKey>,
) -> AppResult<Done<PickupOrder>> {
    let take: Vec<(i64, i64)> = request
        .take
        .iter()
        .copied()
        .filter(|(_, q)| *q > 0)
        .collect();
    if request.take.iter().any(|(_, q)| *q < 0) {
        return Err(AppError::QuantityTooSmall {
            got: request
                .take
                .iter()
                .map(|(_, q)| *q)
                .min()
                .unwrap_or_default(),
        });
    }
    if take.is_empty() && request.rest == Rest::Keep {
        return Err(AppError::NothingToHandOver);
    }
    let order_scope = format!("order:{fulfilment_id}");
    let document = match &request.proof {
        Proof::Code(_) => None,
        Proof::IdCheck { document } => {
            let document = document.trim();
            if document.is_empty() {
                return Err(AppError::IdDocumentRequired);
            }
            if document.chars().count() > MAX_DOCUMENT_CHARS {
                return Err(AppError::TextTooLong {
                    field: crate::error::TextField::Note,
                    max: MAX_DOCUMENT_CHARS as i64,
                });
            }
            Some(document.to_string())
        }
    };
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    // A copy gets the order's screen as it is when the copy comes (the
    // key's request names the order). What is kept under the key is only
    // a record: the order's id (a whole screen, for keys kept before),
    // kept with the claim.
    let (mut tx, copy) =
        begin_once::<serde_json::Value>(db, once, &fulfilment_id.to_string()).await?;
    if copy.is_some() {
        drop(tx);
        return Ok(Done {
            value: super::view(db, staff, fulfilment_id).await?,
            replayed: true,
        });
    }
    // The order and its code tries so far, read together: a locked scope
    // is refused first. A wrong code counts its try in this transaction,
    // committed with nothing else in it. (A refusal before the code is
    // checked counts nothing, which tells a guesser nothing.)
    let (row, tries) = match request.proof {
        Proof::Code(_) => {
            let (row, stored) = load_with_tries(&mut tx, fulfilment_id, &order_scope).await?;
            (row, tries_allowed(ORDER_TRIES, stored)?)
        }
        Proof::IdCheck { .. } => (load(&mut tx, fulfilment_id).await?, None),
    };
    let row = ready_at(row, &directory, staff)?;
    match &request.proof {
        Proof::Code(code) => {
            if !code.matches(row.pickup_code.as_deref().unwrap_or_default()) {
                let refusal = AppError::WrongPickupCode {
                    reference: row.reference.clone(),
                };
                return Err(refused_try(tx, &order_scope, ORDER_TRIES, tries, refusal, once).await);
            }
        }
        Proof::IdCheck { .. } => {
            if !shop_rules(&mut tx, row.pickup()).await?.id_check {
                return Err(AppError::IdCheckNotAllowed);
            }
        }
    }
    let lines = lines_of(&mut tx, fulfilment_id).await?;
    for (line_id, quantity) in &take {
        let Some(line) = lines.iter().find(|l| l.line_id == *line_id) else {
            return Err(AppError::Malformed {
                detail: format!("line {line_id} is not a line of this order"),
            });
        };
        if *quantity > line.to_hand_over() {
            return Err(AppError::HandOverTooMany {
                sku: line.sku.clone(),
                left: line.to_hand_over(),
            });
        }
    }
    let taken_of = |line_id: i64| {
        take.iter()
            .filter(|(id, _)| *id == line_id)
            .map(|(_, q)| *q)
            .sum::<i64>()
    };
    let left_after: i64 = lines
        .iter()
        .map(|l| l.to_hand_over() - taken_of(l.line_id))
        .sum();
    let all_done = left_after == 0 || request.rest == Rest::Cancel;
    let handed_any = !take.is_empty() || lines.iter().any(|l| l.handed_over > 0);
    let event = match (all_done, handed_any) {
        (true, true) => OrderEvent::HandOverAll,
        (true, false) => OrderEvent::Cancel,
        (false, _) => OrderEvent::HandOverSome,
    };
    let units: i64 = take.iter().map(|(_, q)| q).sum();
    let note = format!("{units} unit(s) handed over");
    let status = move_status(&mut tx, &row, event, &actor, Some(&note), Some(&actor.name)).await?;
    let now = now_ms();
    let here = LocationId::parse(row.pickup())?;
    let mut ordered: Vec<_> = lines.iter().collect();
    ordered.sort_by(|a, b| a.sku.cmp(&b.sku));
    // The held units become sales last, just before the commit: the stock
    // levels are the rows other handovers and checkouts of the shop wait
    // for, so they are locked for as short a time as possible.
    let mut handed: Vec<(Sku, Movement)> = Vec::new();
    let handover_id: i64 = sqlx::query_scalar(
        "INSERT INTO handovers (fulfilment_id, proof, id_document, actor, device, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(fulfilment_id)
    .bind(if document.is_some() {
        "id_check"
    } else {
        "code"
    })
    .bind(document.as_deref())
    .bind(&actor.name)
    .bind(&actor.device)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut handed_lines: Vec<(i64, i64)> = Vec::new();
    for line in &ordered {
        let quantity = taken_of(line.line_id);
        if quantity > 0 {
            handed.push((
                Sku::parse(&line.sku)?,
                Movement::Handover(Quantity::new(quantity)?),
            ));
            handed_lines.push((line.line_id, quantity));
        }
    }
    if !count_handed(&mut tx, &handed_lines).await? {
        return Err(AppError::PickupChanged {
            reference: row.reference.clone(),
        });
    }
    let whole = take_whole_holds(&mut tx, here.as_str(), &handed_lines, "consumed").await?;
    for (line_id, quantity) in &handed_lines {
        if !whole.contains(line_id) {
            take_from_holds(&mut tx, *line_id, here.as_str(), *quantity, "consumed").await?;
        }
    }
    for line in &ordered {
        let declined = line.to_hand_over() - taken_of(line.line_id);
        if request.rest == Rest::Cancel && declined > 0 {
            take_from_holds(&mut tx, line.line_id, here.as_str(), declined, "released").await?;
            handed.push((
                Sku::parse(&line.sku)?,
                Movement::Release(Quantity::new(declined)?),
            ));
            sqlx::query("UPDATE order_lines SET cancelled_qty = cancelled_qty + $1 WHERE id = $2")
                .bind(declined)
                .bind(line.line_id)
                .execute(&mut *tx)
                .await?;
            record_refund(
                &mut tx,
                row.order_id,
                line.line_id,
                declined,
                line.unit_net_cents * declined,
                "declined_at_handover",
                &actor,
            )
            .await?;
        }
    }
    record_handover_lines(&mut tx, handover_id, &handed_lines).await?;
    forget_tries(&mut tx, &order_scope, tries).await?;
    // A customer who was waiting is no longer (the status move marked
    // them attended): the event says so.
    let row = FulfilmentRow {
        attended_by: row
            .attended_by
            .clone()
            .or_else(|| row.checked_in_at.map(|_| actor.name.clone())),
        ..row
    };
    // In SKU order (the lines were walked so), as every change locks them.
    handed.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    let moves: Vec<MovementRequest> = handed
        .into_iter()
        .map(|(sku, movement)| MovementRequest {
            sku,
            location: here.clone(),
            movement,
            reason: None,
            reference: Some(row.reference.clone()),
        })
        .collect();
    let stock = apply_movements(&mut tx, &moves, Some(&row.reference), &actor).await?;
    let event = row.event(row.pickup(), PickupChange::Changed, status);
    commit(tx, bus, stock, vec![event]).await?;
    // The screen is read after the commit: the writers' turn is not held
    // while it is built.
    Ok(Done {
        value: super::view(db, staff, fulfilment_id).await?,
        replayed: false,
    })
}

/// Counts the units handed over, every line in one conditional statement:
/// false (and nothing counted that stays, since the caller gives up) when a
/// line would go beyond what was ordered, as when another device handed it
/// over a moment before.
async fn count_handed(conn: &mut AnyConnection, lines: &[(i64, i64)]) -> AppResult<bool> {
    if lines.is_empty() {
        return Ok(true);
    }
    let values = crate::db::values_rows(lines.len(), 2);
    let sql = format!(
        "UPDATE order_lines SET handed_over_qty = handed_over_qty + v.column2 \
         FROM (VALUES {}) AS v \
         WHERE order_lines.id = v.column1 \
           AND order_lines.handed_over_qty + order_lines.cancelled_qty + v.column2 <= order_lines.quantity",
        values
    );
    let mut update = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (line_id, quantity) in lines {
        update = update.bind(*line_id).bind(*quantity);
    }
    let counted = update.execute(&mut *conn).await?.rows_affected();
    Ok(counted == lines.len() as u64)
}

/// The holds of lines whose every held unit is taken, moved to `to_status`
/// in one statement; returns those lines. The others (a line taken in
/// part) go through [`take_from_holds`].
async fn take_whole_holds(
    conn: &mut AnyConnection,
    location: &str,
    lines: &[(i64, i64)],
    to_status: &str,
) -> AppResult<Vec<i64>> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    // $1 and $2 fixed, then each line's id and quantity.
    let pairs: Vec<String> = (0..lines.len())
        .map(|i| format!("(${}, ${})", 3 + 2 * i, 4 + 2 * i))
        .collect();
    let ids: Vec<String> = (0..lines.len())
        .map(|i| format!("${}", 3 + 2 * i))
        .collect();
    let sql = format!(
        "UPDATE reservations SET status = $1 \
         WHERE order_line_id IN ({}) AND location_id = $2 AND status = 'held' \
           AND (SELECT SUM(h.quantity) FROM reservations h \
                WHERE h.order_line_id = reservations.order_line_id AND h.location_id = $2 \
                  AND h.status = 'held') \
             = (SELECT v.column2 FROM (VALUES {}) AS v WHERE v.column1 = reservations.order_line_id) \
         RETURNING order_line_id",
        ids.join(", "),
        pairs.join(", ")
    );
    let mut update = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(to_status)
        .bind(location);
    for (line_id, quantity) in lines {
        update = update.bind(*line_id).bind(*quantity);
    }
    let mut done: Vec<i64> = update.fetch_all(&mut *conn).await?;
    done.sort_unstable();
    done.dedup();
    Ok(done)
}

/// The lines of one handover, in one statement.
async fn record_handover_lines(
    conn: &mut AnyConnection,
    handover_id: i64,
    lines: &[(i64, i64)],
) -> AppResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let rows = crate::db::values_rows(lines.len(), 3);
    let sql = format!(
        "INSERT INTO handover_lines (handover_id, order_line_id, quantity) VALUES {}",
        rows
    );
    let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (line_id, quantity) in lines {
        insert = insert.bind(handover_id).bind(*line_id).bind(*quantity);
    }
    insert.execute(&mut *conn).await?;
    Ok(())
}

/// Records money given back for units of a paid order (nothing is owed
/// for an order not paid yet).
pub(crate) async fn record_refund(
    conn: &mut AnyConnection,
    order_id: i64,
    line_id: i64,
    quantity: i64,
    amount_cents: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let paid: Option<String> =
        sqlx::query_scalar("SELECT payment_status FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    if paid.as_deref() != Some("paid") || quantity <= 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO refunds (order_id, order_line_id, quantity, amount_cents, method, reason, recorded_by, \
             device, created_at) VALUES ($1, $2, $3, $4, 'original_payment', $5, $6, $7, $8)",
    )
    .bind(order_id)
    .bind(line_id)
    .bind(quantity)
    .bind(amount_cents)
    .bind(reason)
    .bind(&actor.name)
    .bind(&actor.device)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
