//! Recording a return: in one transaction, each line's returned units
//! counted by a conditional statement (never beyond what the customer
//! has, whoever else is returning the same line at that moment), each
//! item sent where its condition and the shop's policy say (the ledger
//! written with it), the money given back the right way, an exchange's new
//! sale, the receipt queued for the customer.

use super::{
    LineRow, MoneyBooks, OrderRow, actor_of, approvals, check_staff, location_name, money_books,
    nearest_warehouse, order_and_lines,
};
use crate::db::{Db, Directory, now_ms};
use crate::domain::order::{Channel, Fulfilment};
use crate::domain::returns::{
    Disposition, ItemCondition, RefundMethod, ReturnReason, ReturnSite, Verdict,
    delivery_fee_refund, disposition, eligibility, note, units_refund,
};
use crate::domain::stock::{Movement, StockEvent};
use crate::domain::{Cents, LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::model::LocationKind;
use crate::model::pickup::PickupChange;
use crate::model::returns::{ReturnForm, ReturnReceipt, ReturnedLine};
use crate::services::Actor;
use crate::services::audit::Staff;
use crate::services::events::EventBus;
use crate::services::orders::{
    CreditMethod, CreditRequest, LineRequest, OrderRequest, PaymentRequest,
};
use crate::services::request_keys::RequestKey;
use crate::services::stock::{Done, MovementRequest, apply_movements, begin_once};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// Units of one line brought back, why, and in what state. One line may
/// come in several entries (one unit resellable, one damaged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLineRequest {
    pub line_id: i64,
    pub quantity: i64,
    pub reason: ReturnReason,
    pub reason_note: Option<String>,
    pub condition: ItemCondition,
}

/// A new item taken in exchange, from this shop's shelf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeLine {
    pub sku: Sku,
    pub quantity: Quantity,
}

/// A return: its lines, how the money goes back, a manager's approval for
/// lines past their window, and the items taken in exchange (with how the
/// difference is paid, when the new items cost more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRequest {
    pub reference: String,
    pub lines: Vec<ReturnLineRequest>,
    pub refund: RefundMethod,
    /// The card terminal's reference of the refund, when there is one.
    pub payment_reference: Option<String>,
    pub approval_id: Option<i64>,
    pub exchange: Vec<ExchangeLine>,
    pub exchange_payment: Option<PaymentRequest>,
}

/// A return as the screen's form sends it, its codes read.
pub fn request_of(form: &ReturnForm) -> AppResult<ReturnRequest> {
    let mut lines = Vec::with_capacity(form.lines.len());
    for line in &form.lines {
        let reason =
            ReturnReason::from_code(&line.reason).ok_or_else(|| AppError::NotAReturnReason {
                text: line.reason.chars().take(40).collect(),
            })?;
        let condition = ItemCondition::from_code(&line.condition).ok_or_else(|| {
            AppError::NotAnItemCondition {
                text: line.condition.chars().take(40).collect(),
            }
        })?;
        lines.push(ReturnLineRequest {
            line_id: line.line_id,
            quantity: line.quantity,
            reason,
            reason_note: Some(line.note.clone()).filter(|n| !n.trim().is_empty()),
            condition,
        });
    }
    let refund =
        RefundMethod::from_code(&form.refund).ok_or_else(|| AppError::NotARefundMethod {
            text: form.refund.chars().take(40).collect(),
        })?;
    let mut exchange = Vec::with_capacity(form.exchange.len());
    for line in &form.exchange {
        exchange.push(ExchangeLine {
            sku: Sku::parse(&line.sku)?,
            quantity: Quantity::new(line.quantity)?,
        });
    }
    let exchange_payment = match form.exchange_method.trim() {
        "" => None,
        code => {
            let method = crate::domain::basket::PaymentMethod::from_code(code)
                .filter(|m| m.is_at_the_till())
                .ok_or_else(|| AppError::NotAPaymentMethod {
                    text: code.chars().take(40).collect(),
                })?;
            Some(PaymentRequest {
                method,
                reference: Some(form.exchange_payment_reference.trim().to_string())
                    .filter(|r| !r.is_empty()),
                paid: true,
            })
        }
    };
    Ok(ReturnRequest {
        reference: form.reference.clone(),
        lines,
        refund,
        payment_reference: Some(form.payment_reference.clone()).filter(|r| !r.trim().is_empty()),
        approval_id: form.approval_id,
        exchange,
        exchange_payment,
    })
}

/// Checks what a request says on its own, before anything is read.
fn checked_lines(request: &ReturnRequest) -> AppResult<Vec<ReturnLineRequest>> {
    if request.lines.is_empty() {
        return Err(AppError::NothingToReturn);
    }
    let mut lines = Vec::with_capacity(request.lines.len());
    for line in &request.lines {
        if line.quantity < 1 {
            return Err(AppError::QuantityTooSmall { got: line.quantity });
        }
        if line.quantity > crate::domain::stock::MAX_MOVEMENT_QUANTITY {
            return Err(AppError::QuantityTooLarge {
                got: line.quantity,
                max: crate::domain::stock::MAX_MOVEMENT_QUANTITY,
            });
        }
        let reason_note = note(line.reason_note.as_deref().unwrap_or_default())?;
        if line.reason == ReturnReason::Other && reason_note.is_none() {
            return Err(AppError::ReturnNoteRequired);
        }
        lines.push(ReturnLineRequest {
            reason_note: reason_note.filter(|_| line.reason == ReturnReason::Other),
            ..line.clone()
        });
    }
    // Lines in a fixed order (their id): two returns of one order lock
    // its lines in the same order.
    lines.sort_by_key(|l| l.line_id);
    Ok(lines)
}

/// The refusal for units of a line beyond what may still come back, with
/// what was already returned, where, by whom and when.
async fn beyond(
    conn: &mut AnyConnection,
    directory: &Directory,
    line: &LineRow,
) -> AppResult<AppError> {
    let (returned, delivered): (i64, i64) =
        sqlx::query_as("SELECT returned_qty, handed_over_qty FROM order_lines WHERE id = $1")
            .bind(line.line_id)
            .fetch_one(&mut *conn)
            .await?;
    let last: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT r.location_id, r.created_by, r.created_at FROM return_lines rl \
         JOIN returns r ON r.id = rl.return_id WHERE rl.order_line_id = $1 \
         ORDER BY r.id DESC LIMIT 1",
    )
    .bind(line.line_id)
    .fetch_optional(&mut *conn)
    .await?;
    let left = (delivered - returned).max(0);
    Ok(match last {
        Some((location, actor, at_ms)) => AppError::AlreadyReturned {
            sku: line.sku.clone(),
            returned,
            left,
            location: location_name(directory, &location),
            actor,
            at_ms,
        },
        None if delivered == 0 => AppError::NotDeliveredYet {
            sku: line.sku.clone(),
        },
        None => AppError::ReturnTooMany {
            sku: line.sku.clone(),
            left,
        },
    })
}

/// One part of the money to give back: a line's units, or the delivery fee.
struct Part {
    line_id: Option<i64>,
    quantity: i64,
    amount: i64,
}

/// Where one share of the money goes.
#[derive(Debug, Clone)]
struct Bucket {
    method: &'static str,
    payment_method: Option<String>,
    payment_reference: Option<String>,
    amount: i64,
}

/// The ways money goes back to the original payment: each way the order
/// was paid, up to what was paid that way less what went back on it;
/// what was paid with store credit or an exchange goes back as store
/// credit when the customer is on record.
fn original_buckets(
    books: &MoneyBooks,
    order: &OrderRow,
    amount: i64,
    typed_reference: Option<&str>,
) -> AppResult<Vec<Bucket>> {
    let mut left = amount;
    let mut buckets = Vec::new();
    let credit_like = |m: &str| matches!(m, "store_credit" | "exchange");
    let mut ways: Vec<(String, i64, Option<String>)> = Vec::new();
    for (method, paid, reference) in books.payments.iter().cloned() {
        match ways.iter_mut().find(|(m, _, _)| *m == method) {
            Some(way) => way.1 += paid,
            None => ways.push((method, paid, reference)),
        }
    }
    ways.sort_by_key(|(m, _, _)| credit_like(m));
    for (method, paid, reference) in ways {
        if left == 0 {
            break;
        }
        let back_already = books.refunded_to(&method);
        let share = (paid - back_already).clamp(0, left);
        if share == 0 {
            continue;
        }
        left -= share;
        let to_credit = credit_like(&method) && order.customer_id.is_some();
        buckets.push(Bucket {
            method: if to_credit {
                "store_credit"
            } else {
                "original_payment"
            },
            payment_reference: if to_credit {
                None
            } else {
                typed_reference.map(String::from).or(reference)
            },
            payment_method: Some(method),
            amount: share,
        });
    }
    if left > 0 {
        return Err(AppError::RefundBeyondPaid {
            reference: order.reference.clone(),
        });
    }
    Ok(buckets)
}

/// Splits the parts over the buckets, in order: one refund row per part
/// and bucket they share.
fn allocate(parts: &[Part], buckets: &[Bucket]) -> Vec<(Option<i64>, i64, i64, usize)> {
    let mut rows = Vec::new();
    let mut bucket = 0usize;
    let mut bucket_left = buckets.first().map(|b| b.amount).unwrap_or(0);
    for part in parts {
        let mut part_left = part.amount;
        let mut counted_units = false;
        if part_left == 0 {
            rows.push((
                part.line_id,
                part.quantity,
                0,
                bucket.min(buckets.len().saturating_sub(1)),
            ));
            continue;
        }
        while part_left > 0 && bucket < buckets.len() {
            let share = part_left.min(bucket_left);
            if share > 0 {
                let units = if counted_units { 0 } else { part.quantity };
                counted_units = true;
                rows.push((part.line_id, units, share, bucket));
                part_left -= share;
                bucket_left -= share;
            }
            if bucket_left == 0 {
                bucket += 1;
                bucket_left = buckets.get(bucket).map(|b| b.amount).unwrap_or(0);
            }
        }
    }
    rows
}

/// What a location does with returns.
async fn site_of(
    conn: &mut AnyConnection,
    directory: &Directory,
    location: &str,
    department: &str,
) -> AppResult<ReturnSite> {
    let is_warehouse = directory
        .position(location)
        .is_some_and(|i| directory.locations[i].kind == LocationKind::Warehouse);
    let (restocks, not_carried): (i64, i64) = sqlx::query_as(
        "SELECT l.restock_returns, \
                CAST((SELECT COUNT(*) FROM departments_not_carried d \
                      WHERE d.location_id = l.id AND d.department = $2) AS BIGINT) \
         FROM locations l WHERE l.id = $1",
    )
    .bind(location)
    .bind(department)
    .fetch_one(&mut *conn)
    .await?;
    Ok(ReturnSite {
        is_warehouse,
        carries_item: not_carried == 0,
        restocks_returns: restocks != 0,
    })
}

/// Credits or debits a customer's store credit by one conditional
/// statement (never below zero), with its ledger line.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn move_credit(
    conn: &mut AnyConnection,
    customer_id: i64,
    delta: i64,
    kind: &str,
    order_id: Option<i64>,
    return_id: Option<i64>,
    actor: &Actor,
) -> AppResult<Cents> {
    let balance: Option<i64> = sqlx::query_scalar(
        "UPDATE customers SET store_credit_cents = store_credit_cents + $1 \
         WHERE id = $2 AND store_credit_cents + $1 >= 0 RETURNING store_credit_cents",
    )
    .bind(delta)
    .bind(customer_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(balance) = balance else {
        let current: Option<i64> =
            sqlx::query_scalar("SELECT store_credit_cents FROM customers WHERE id = $1")
                .bind(customer_id)
                .fetch_optional(&mut *conn)
                .await?;
        return Err(match current {
            Some(balance_cents) => AppError::NotEnoughCredit { balance_cents },
            None => AppError::UnknownCustomer { customer_id },
        });
    };
    sqlx::query(
        "INSERT INTO store_credit_movements (customer_id, delta_cents, balance_after, kind, order_id, \
             return_id, actor, device, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(customer_id)
    .bind(delta)
    .bind(balance)
    .bind(kind)
    .bind(order_id)
    .bind(return_id)
    .bind(&actor.name)
    .bind(&actor.device)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(Cents(balance))
}

/// Records a return (see the module's note). The same request key gives
/// the first answer back; any refusal writes nothing.
pub async fn record_return(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    request: &ReturnRequest,
    once: Option<&RequestKey>,
) -> AppResult<Done<ReturnReceipt>> {
    check_staff(staff)?;
    let wanted = checked_lines(request)?;
    let typed_reference = match request.payment_reference.as_deref().map(str::trim) {
        Some(r) if r.chars().count() > 80 => {
            return Err(AppError::TextTooLong {
                field: crate::error::TextField::Reference,
                max: 80,
            });
        }
        Some(r) if !r.is_empty() => Some(r.to_string()),
        _ => None,
    };
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let here = staff.location.clone();
    let (mut tx, copy) = begin_once(db, once, "").await?;
    if let Some(done) = copy {
        return Ok(done);
    }
    let (order, lines) = order_and_lines(&mut tx, &request.reference).await?;
    if order.payment_status != "paid" {
        return Err(AppError::OrderNotPaid {
            reference: order.reference.clone(),
        });
    }
    if request.refund == RefundMethod::StoreCredit && order.customer_id.is_none() {
        return Err(AppError::StoreCreditNeedsCustomer);
    }
    let now = now_ms();

    // Every line checked against what it allows, units summed per line.
    let mut per_line: BTreeMap<i64, i64> = BTreeMap::new();
    for entry in &wanted {
        *per_line.entry(entry.line_id).or_default() += entry.quantity;
    }
    let mut needs_approval = false;
    for (line_id, quantity) in &per_line {
        let Some(line) = lines.iter().find(|l| l.line_id == *line_id) else {
            return Err(AppError::Malformed {
                detail: format!("line {line_id} is not a line of order {}", order.reference),
            });
        };
        let allowed = eligibility(line.facts(), line.rule(), now);
        if allowed.returnable < *quantity {
            return Err(beyond(&mut tx, &directory, line).await?);
        }
        match allowed.verdict {
            Verdict::Open { .. } => {}
            Verdict::FinalSale => {
                return Err(AppError::FinalSale {
                    sku: line.sku.clone(),
                });
            }
            Verdict::WindowClosed { closed_at } => {
                if request.approval_id.is_none() {
                    return Err(AppError::ReturnWindowClosed {
                        sku: line.sku.clone(),
                        at_ms: closed_at,
                    });
                }
                needs_approval = true;
            }
            Verdict::Nothing => return Err(beyond(&mut tx, &directory, line).await?),
        }
    }

    // The units counted, every line in one conditional statement: a
    // return racing this one on the same line (another shop, a double
    // tap) finds the line full, and is refused.
    let values = crate::db::values_rows(per_line.len(), 2);
    let count = format!(
        "UPDATE order_lines SET returned_qty = returned_qty + v.column2 \
         FROM (VALUES {}) AS v \
         WHERE order_lines.id = v.column1 \
           AND order_lines.returned_qty + v.column2 <= order_lines.handed_over_qty \
         RETURNING order_lines.id",
        values
    );
    let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count));
    for (line_id, quantity) in &per_line {
        count = count.bind(*line_id).bind(*quantity);
    }
    let counted: Vec<i64> = count.fetch_all(&mut *tx).await?;
    if let Some(line) = lines
        .iter()
        .find(|l| per_line.contains_key(&l.line_id) && !counted.contains(&l.line_id))
    {
        return Err(beyond(&mut tx, &directory, line).await?);
    }

    // The money: each line's units at what they were paid, the delivery
    // fee when the whole order came back or an item was defective.
    let books = money_books(&mut tx, order.id).await?;
    let money = books.so_far();
    let so_far = books.per_line();
    let mut parts = Vec::new();
    let mut line_refunds: BTreeMap<i64, i64> = BTreeMap::new();
    for (line_id, quantity) in &per_line {
        let line = lines
            .iter()
            .find(|l| l.line_id == *line_id)
            .ok_or(AppError::Internal)?;
        let (units_so_far, cents_so_far) = so_far.get(line_id).copied().unwrap_or((0, 0));
        let amount = units_refund(
            line.net(),
            line.quantity,
            units_so_far,
            Cents(cents_so_far),
            *quantity,
        );
        line_refunds.insert(*line_id, amount.0);
        parts.push(Part {
            line_id: Some(*line_id),
            quantity: *quantity,
            amount: amount.0,
        });
    }
    let whole_order_back = lines.iter().all(|line| {
        let returned = line.returned + per_line.get(&line.line_id).copied().unwrap_or(0);
        line.delivered == line.quantity - line.cancelled && returned == line.delivered
    });
    let defective = wanted.iter().any(|l| l.reason == ReturnReason::Defective);
    let fee = delivery_fee_refund(
        Cents(order.delivery_fee_cents),
        money.fee_refunded,
        whole_order_back,
        defective,
    );
    if fee.0 > 0 {
        parts.push(Part {
            line_id: None,
            quantity: 0,
            amount: fee.0,
        });
    }
    let value: i64 = parts.iter().map(|p| p.amount).sum();
    if money.refunded.0 + value > money.paid.0 {
        return Err(AppError::RefundBeyondPaid {
            reference: order.reference.clone(),
        });
    }

    let return_id: i64 = sqlx::query_scalar(
        "INSERT INTO returns (order_id, location_id, refund_cents, refund_method, created_by, device, created_at, \
             lang, delivery_fee_cents, approval_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(order.id)
    .bind(here.as_str())
    .bind(value)
    .bind(request.refund.as_str())
    .bind(&actor.name)
    .bind(&actor.device)
    .bind(now)
    .bind(order.lang().code())
    .bind(fee.0)
    .bind(request.approval_id.filter(|_| needs_approval))
    .fetch_one(&mut *tx)
    .await?;
    let return_reference = format!("RET-{return_id:07}");
    sqlx::query("UPDATE returns SET reference = $1 WHERE id = $2")
        .bind(&return_reference)
        .bind(return_id)
        .execute(&mut *tx)
        .await?;
    if needs_approval && let Some(approval_id) = request.approval_id {
        approvals::use_approval(&mut tx, approval_id, order.id, here.as_str(), return_id).await?;
    }

    // Each entry's items where they belong, the ledger written with them.
    let warehouse = nearest_warehouse(&directory, here.as_str())?;
    let mut stock: Vec<(String, Sku, Movement)> = Vec::new();
    let mut refund_left = line_refunds.clone();
    let mut units_left = per_line.clone();
    // What this shop does with returns, read once per department.
    let mut sites: BTreeMap<String, ReturnSite> = BTreeMap::new();
    let mut returned_lines = Vec::with_capacity(wanted.len());
    for entry in &wanted {
        let line = lines
            .iter()
            .find(|l| l.line_id == entry.line_id)
            .ok_or(AppError::Internal)?;
        let site = match sites.get(&line.department) {
            Some(site) => *site,
            None => {
                let site = site_of(&mut tx, &directory, here.as_str(), &line.department).await?;
                sites.insert(line.department.clone(), site);
                site
            }
        };
        let goes = disposition(entry.condition, site);
        // The line's refund shared among its entries by units.
        let units_before = units_left.get(&entry.line_id).copied().unwrap_or(0);
        let cents_before = refund_left.get(&entry.line_id).copied().unwrap_or(0);
        let share = if units_before <= entry.quantity {
            cents_before
        } else {
            cents_before * entry.quantity / units_before
        };
        units_left.insert(entry.line_id, units_before - entry.quantity);
        refund_left.insert(entry.line_id, cents_before - share);
        returned_lines.push(ReturnedLine {
            sku: line.sku.clone(),
            product_name: line.product_name.clone(),
            colour: line.colour.clone(),
            size: line.size.clone(),
            quantity: entry.quantity,
            reason: entry.reason,
            reason_note: entry.reason_note.clone(),
            condition: entry.condition,
            disposition: goes,
            refund: Cents(share),
        });
    }
    let return_line_ids = insert_return_lines(&mut tx, return_id, &wanted, &returned_lines).await?;
    for ((entry, returned), return_line_id) in
        wanted.iter().zip(&returned_lines).zip(return_line_ids)
    {
        let sku = Sku::parse(&returned.sku)?;
        let quantity = Quantity::new(entry.quantity)?;
        match returned.disposition {
            Disposition::Restock => {
                stock.push((here.to_string(), sku, Movement::Return(quantity)));
            }
            Disposition::Quarantine => {
                stock.push((
                    here.to_string(),
                    sku,
                    Movement::ReturnToQuarantine(quantity),
                ));
            }
            Disposition::ToWarehouse => {
                sqlx::query(
                    "INSERT INTO transfer_lines (purpose, return_line_id, sku, from_location_id, to_location_id, \
                         quantity, status, sent_at, sent_by, parcel_code, arrives_as) \
                     VALUES ('return', $1, $2, $3, $4, $5, 'in_transit', $6, $7, $8, $9)",
                )
                .bind(return_line_id)
                .bind(sku.as_str())
                .bind(here.as_str())
                .bind(&warehouse)
                .bind(quantity.get())
                .bind(now)
                .bind(&actor.name)
                .bind(&return_reference)
                .bind(if entry.condition == ItemCondition::Resellable {
                    "stock"
                } else {
                    "quarantine"
                })
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    // Levels locked in one fixed order (location, then SKU).
    stock.sort_by(|a, b| (a.0.as_str(), a.1.as_str()).cmp(&(b.0.as_str(), b.1.as_str())));
    let mut moves = Vec::with_capacity(stock.len());
    for (location, sku, movement) in stock {
        moves.push(MovementRequest {
            sku,
            location: LocationId::parse(&location)?,
            movement,
            reason: None,
            reference: Some(return_reference.clone()),
        });
    }
    let mut events: Vec<StockEvent> =
        apply_movements(&mut tx, &moves, Some(&return_reference), &actor).await?;

    // An exchange: the new items sold from this shop's shelf, paid first
    // with what the return is worth.
    let mut applied = 0i64;
    let mut exchange_reference = None;
    let mut exchange_paid = 0i64;
    if !request.exchange.is_empty() {
        let sale = OrderRequest {
            channel: Channel::Store,
            selling: Some(here.clone()),
            customer_id: order.customer_id,
            contact_email: order
                .contact_email
                .clone()
                .filter(|_| order.customer_id.is_none()),
            lang: order.lang(),
            ship: None,
            lines: request
                .exchange
                .iter()
                .map(|l| LineRequest {
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                    fulfilment: Fulfilment::Carry,
                    pickup: None,
                    source: Some(here.clone()),
                    discount: crate::domain::basket::DiscountPercent::default(),
                    approval_id: None,
                })
                .collect(),
            payment: request.exchange_payment.clone().unwrap_or(PaymentRequest {
                method: crate::domain::basket::PaymentMethod::Cash,
                reference: None,
                paid: true,
            }),
            basket_id: None,
            credits: vec![CreditRequest {
                method: CreditMethod::Exchange,
                up_to: Cents(value),
            }],
            delivery_fee: Cents(0),
        };
        let (receipt, sale_events) =
            crate::services::orders::place(&mut tx, &directory, &sale, &actor).await?;
        applied = receipt.credit_used.0;
        exchange_paid = receipt.to_pay().0 - applied;
        exchange_reference = Some(receipt.reference.clone());
        events.extend(sale_events);
        sqlx::query(
            "UPDATE returns SET exchange_order_id = $1, applied_to_exchange_cents = $2 WHERE id = $3",
        )
        .bind(receipt.order_id)
        .bind(applied)
        .bind(return_id)
        .execute(&mut *tx)
        .await?;
    }

    // Where the money goes: to the exchange first, then the way chosen.
    let mut buckets = Vec::new();
    if applied > 0 {
        buckets.push(Bucket {
            method: "exchange",
            payment_method: None,
            payment_reference: exchange_reference.clone(),
            amount: applied,
        });
    }
    let rest = value - applied;
    if rest > 0 {
        match request.refund {
            RefundMethod::StoreCredit => buckets.push(Bucket {
                method: "store_credit",
                payment_method: None,
                payment_reference: None,
                amount: rest,
            }),
            RefundMethod::OriginalPayment => buckets.extend(original_buckets(
                &books,
                &order,
                rest,
                typed_reference.as_deref(),
            )?),
        }
    }
    let mut refunds = Vec::new();
    for (line_id, quantity, amount, bucket) in allocate(&parts, &buckets) {
        let Some(way) = buckets.get(bucket) else {
            // Nothing to give back (an item worth nothing): units only.
            if quantity > 0 {
                refunds.push(RefundRow {
                    line_id,
                    quantity,
                    amount: 0,
                    method: "original_payment",
                    payment_method: None,
                    payment_reference: None,
                });
            }
            continue;
        };
        refunds.push(RefundRow {
            line_id,
            quantity,
            amount,
            method: way.method,
            payment_method: way.payment_method.clone(),
            payment_reference: way.payment_reference.clone(),
        });
    }
    let reason = format!("return {return_reference}");
    insert_refunds(&mut tx, order.id, return_id, &reason, &refunds, &actor).await?;
    // The receipt names the largest share given back to a payment (the
    // first of equal ones).
    let main_way = refunds
        .iter()
        .filter(|r| r.method == "original_payment")
        .min_by_key(|r| std::cmp::Reverse(r.amount));
    let credited: i64 = buckets
        .iter()
        .filter(|b| b.method == "store_credit")
        .map(|b| b.amount)
        .sum();
    let mut credit_after = None;
    if credited > 0 {
        let customer_id = order
            .customer_id
            .ok_or(AppError::StoreCreditNeedsCustomer)?;
        credit_after = Some(
            move_credit(
                &mut tx,
                customer_id,
                credited,
                "refund",
                Some(order.id),
                Some(return_id),
                &actor,
            )
            .await?,
        );
    }

    // The receipt from what this transaction wrote (what [`receipt`] reads
    // back later; a test holds them equal).
    let receipt = ReturnReceipt {
        return_id,
        reference: return_reference.clone(),
        order_reference: order.reference.clone(),
        location_name: location_name(&directory, here.as_str()),
        location_id: here.to_string(),
        created_by: actor.name.clone(),
        created_at: now,
        lang: order.lang(),
        lines: returned_lines,
        refund: Cents(value),
        delivery_fee: fee,
        refund_method: request.refund,
        payment_method: main_way.and_then(|w| w.payment_method.clone()),
        payment_reference: main_way.and_then(|w| w.payment_reference.clone()),
        exchange_reference,
        applied_to_exchange: Cents(applied),
        exchange_paid: Cents(exchange_paid.max(0)),
        store_credit_after: credit_after.or(order.store_credit_cents.map(Cents)),
        contact_email: order.contact_email.clone().or(order.customer_email.clone()),
    };
    if let Some(message) = crate::services::messages::return_receipt(&receipt, order.id) {
        crate::services::outbox::enqueue(&mut tx, &message).await?;
    }
    if let Some(key) = once {
        crate::services::request_keys::store_answer(&mut tx, key, &receipt).await?;
    }
    // A return moves no fulfilment, so the order's status stays: it is
    // only marked changed, and read for the notice.
    let status: String =
        sqlx::query_scalar("UPDATE orders SET updated_at = $1 WHERE id = $2 RETURNING status")
            .bind(now)
            .bind(order.id)
            .fetch_one(&mut *tx)
            .await?;
    let notice = super::notice_of(
        &order.reference,
        here.as_str(),
        PickupChange::Returned,
        &status,
    );
    crate::services::pickups::commit(tx, bus, events, vec![notice]).await?;
    Ok(Done {
        value: receipt,
        replayed: false,
    })
}

/// Writes a return's lines in one statement; returns their ids in the
/// order of `entries`. Rows of one multi-row insert take their ids in the
/// order of its values, on SQLite and PostgreSQL alike.
async fn insert_return_lines(
    conn: &mut AnyConnection,
    return_id: i64,
    entries: &[ReturnLineRequest],
    returned: &[ReturnedLine],
) -> AppResult<Vec<i64>> {
    let values = crate::db::values_rows(entries.len(), 8);
    let sql = format!(
        "INSERT INTO return_lines (return_id, order_line_id, quantity, reason, reason_note, item_condition, \
             disposition, refund_cents) VALUES {} RETURNING id",
        values
    );
    let mut insert = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
    for (entry, line) in entries.iter().zip(returned) {
        insert = insert
            .bind(return_id)
            .bind(entry.line_id)
            .bind(entry.quantity)
            .bind(entry.reason.as_str())
            .bind(entry.reason_note.as_deref())
            .bind(entry.condition.as_str())
            .bind(line.disposition.as_str())
            .bind(line.refund.0);
    }
    let mut ids: Vec<i64> = insert.fetch_all(&mut *conn).await?;
    ids.sort_unstable();
    if ids.len() != entries.len() {
        return Err(AppError::Internal);
    }
    Ok(ids)
}

/// One refund row of a return, before it is written.
struct RefundRow {
    line_id: Option<i64>,
    quantity: i64,
    amount: i64,
    method: &'static str,
    payment_method: Option<String>,
    payment_reference: Option<String>,
}

/// Writes a return's refund rows in one statement.
async fn insert_refunds(
    conn: &mut AnyConnection,
    order_id: i64,
    return_id: i64,
    reason: &str,
    rows: &[RefundRow],
    actor: &Actor,
) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let values = crate::db::values_rows(rows.len(), 12);
    let sql = format!(
        "INSERT INTO refunds (order_id, order_line_id, quantity, amount_cents, method, reason, recorded_by, \
             device, created_at, return_id, payment_method, payment_reference) VALUES {}",
        values
    );
    let at = now_ms();
    let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        insert = insert
            .bind(order_id)
            .bind(row.line_id)
            .bind(row.quantity)
            .bind(row.amount)
            .bind(row.method)
            .bind(reason)
            .bind(&actor.name)
            .bind(&actor.device)
            .bind(at)
            .bind(return_id)
            .bind(row.payment_method.as_deref())
            .bind(row.payment_reference.as_deref());
    }
    insert.execute(&mut *conn).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReturnedRow {
    sku: String,
    product_name: String,
    colour: String,
    size: String,
    quantity: i64,
    reason: String,
    reason_note: Option<String>,
    item_condition: String,
    disposition: String,
    refund_cents: i64,
}

#[derive(sqlx::FromRow)]
struct ReceiptHead {
    reference: String,
    order_reference: String,
    location_id: String,
    created_by: String,
    created_at: i64,
    lang: String,
    refund_cents: i64,
    refund_method: String,
    delivery_fee_cents: i64,
    applied_to_exchange_cents: i64,
    exchange_reference: Option<String>,
    contact_email: Option<String>,
    customer_email: Option<String>,
    store_credit_cents: Option<i64>,
}

/// A return as its receipt shows it, read back from what was written.
pub async fn receipt(
    conn: &mut AnyConnection,
    directory: &Directory,
    return_id: i64,
) -> AppResult<ReturnReceipt> {
    let head: Option<ReceiptHead> = sqlx::query_as(
        "SELECT r.reference, o.reference AS order_reference, r.location_id, r.created_by, r.created_at, \
                r.lang, r.refund_cents, r.refund_method, r.delivery_fee_cents, r.applied_to_exchange_cents, \
                x.reference AS exchange_reference, o.contact_email, c.email AS customer_email, \
                c.store_credit_cents \
         FROM returns r JOIN orders o ON o.id = r.order_id \
         LEFT JOIN orders x ON x.id = r.exchange_order_id \
         LEFT JOIN customers c ON c.id = o.customer_id AND c.erased_at IS NULL \
         WHERE r.id = $1",
    )
    .bind(return_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(head) = head else {
        return Err(AppError::UnknownReturn {
            reference: format!("RET-{return_id:07}"),
        });
    };
    let rows: Vec<ReturnedRow> = sqlx::query_as(
        "SELECT l.sku, p.name AS product_name, s.colour, s.size, rl.quantity, rl.reason, rl.reason_note, \
                rl.item_condition, rl.disposition, rl.refund_cents \
         FROM return_lines rl JOIN order_lines l ON l.id = rl.order_line_id \
         JOIN skus s ON s.sku = l.sku JOIN products p ON p.id = s.product_id \
         WHERE rl.return_id = $1 ORDER BY rl.id",
    )
    .bind(return_id)
    .fetch_all(&mut *conn)
    .await?;
    let way: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT payment_method, payment_reference FROM refunds \
         WHERE return_id = $1 AND method = 'original_payment' ORDER BY amount_cents DESC, id LIMIT 1",
    )
    .bind(return_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (payment_method, payment_reference) = way.unwrap_or((None, None));
    Ok(ReturnReceipt {
        return_id,
        reference: head.reference,
        order_reference: head.order_reference,
        location_name: location_name(directory, &head.location_id),
        location_id: head.location_id,
        created_by: head.created_by,
        created_at: head.created_at,
        lang: crate::domain::Lang::parse(&head.lang).unwrap_or_default(),
        lines: rows
            .into_iter()
            .map(|row| ReturnedLine {
                sku: row.sku,
                product_name: row.product_name,
                colour: row.colour,
                size: row.size,
                quantity: row.quantity,
                reason: ReturnReason::from_code(&row.reason).unwrap_or(ReturnReason::Other),
                reason_note: row.reason_note,
                condition: ItemCondition::from_code(&row.item_condition)
                    .unwrap_or(ItemCondition::NeedsChecking),
                disposition: Disposition::from_code(&row.disposition)
                    .unwrap_or(Disposition::Restock),
                refund: Cents(row.refund_cents),
            })
            .collect(),
        refund: Cents(head.refund_cents),
        delivery_fee: Cents(head.delivery_fee_cents),
        refund_method: RefundMethod::from_code(&head.refund_method)
            .unwrap_or(RefundMethod::OriginalPayment),
        payment_method,
        payment_reference,
        exchange_reference: head.exchange_reference,
        applied_to_exchange: Cents(head.applied_to_exchange_cents),
        exchange_paid: Cents(0),
        store_credit_after: head.store_credit_cents.map(Cents),
        contact_email: head.contact_email.or(head.customer_email),
    })
}

/// A return's receipt by its reference, for staff (the printable page).
pub async fn receipt_by_reference(
    db: &Db,
    staff: &Staff,
    reference: &str,
) -> AppResult<ReturnReceipt> {
    check_staff(staff)?;
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let reference = super::clean_reference(reference);
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM returns WHERE reference = $1")
        .bind(&reference)
        .fetch_optional(&mut *conn)
        .await?;
    let id = id.ok_or(AppError::UnknownReturn { reference })?;
    receipt(&mut conn, &directory, id).await
}
