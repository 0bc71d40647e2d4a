//! Web, shop and kiosk orders in every state, with pickups and returns.

use super::*;
use crate::domain::returns::ReturnReason;

pub(super) const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub(super) const RETURN_REASONS: &[ReturnReason] = &[
    ReturnReason::TooSmall,
    ReturnReason::TooBig,
    ReturnReason::NotAsPictured,
    ReturnReason::Defective,
    ReturnReason::ChangedMind,
    ReturnReason::ArrivedLate,
];

/// Delivery home is free from this order total up; below, the web shop
/// charges [`DELIVERY_FEE_CENTS`].
const FREE_DELIVERY_FROM_CENTS: i64 = 5000;
const DELIVERY_FEE_CENTS: i64 = 495;

/// The events that lead from `placed` to `target`, checked against the
/// state machine (a path it refuses is a bug in this seed).
pub(super) fn path_to(target: OrderStatus, fulfilment: Fulfilment) -> Vec<OrderEvent> {
    use OrderEvent as E;
    use OrderStatus as S;
    let events: &[OrderEvent] = match (fulfilment, target) {
        (_, S::Placed) => &[],
        (Fulfilment::Carry, S::Completed) => &[E::HandOverAll],
        (_, S::Cancelled) => &[E::Cancel],
        (_, S::Picking) => &[E::StartPicking],
        (Fulfilment::Collect, S::Ready) => &[E::StartPicking, E::MarkReady],
        (Fulfilment::Collect, S::PartiallyCollected) => {
            &[E::StartPicking, E::MarkReady, E::HandOverSome]
        }
        (Fulfilment::Collect, S::Completed) => &[E::StartPicking, E::MarkReady, E::HandOverAll],
        (Fulfilment::Collect, S::Expired) => &[E::StartPicking, E::MarkReady, E::Expire],
        (Fulfilment::Ship, S::Shipped) => &[E::StartPicking, E::Ship],
        (Fulfilment::Ship, S::Completed) => &[E::StartPicking, E::Ship, E::Deliver],
        _ => &[],
    };
    events.to_vec()
}

pub(super) fn pick_status(fulfilment: Fulfilment, age_days: i64, rng: &mut StdRng) -> OrderStatus {
    use OrderStatus as S;
    let roll: f64 = rng.random();
    match fulfilment {
        Fulfilment::Carry => S::Completed,
        Fulfilment::Ship if age_days > 7 => {
            if roll < 0.93 {
                S::Completed
            } else {
                S::Cancelled
            }
        }
        Fulfilment::Ship => match roll {
            r if r < 0.25 => S::Placed,
            r if r < 0.45 => S::Picking,
            r if r < 0.75 => S::Shipped,
            r if r < 0.95 => S::Completed,
            _ => S::Cancelled,
        },
        Fulfilment::Collect if age_days > 10 => match roll {
            r if r < 0.85 => S::Completed,
            r if r < 0.95 => S::Expired,
            _ => S::Cancelled,
        },
        Fulfilment::Collect => match roll {
            r if r < 0.15 => S::Placed,
            r if r < 0.30 => S::Picking,
            r if r < 0.55 => S::Ready,
            r if r < 0.62 => S::PartiallyCollected,
            r if r < 0.90 => S::Completed,
            r if r < 0.96 => S::Expired,
            _ => S::Cancelled,
        },
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_orders(
    db: &Db,
    params: &SeedParams,
    locations: &[PlannedLocation],
    catalogue: &[PlannedProduct],
    customers: &[PlannedCustomer],
    rng: &mut StdRng,
    progress: &mut dyn Progress,
) -> AppResult<OrderSummary> {
    let skus: Vec<(usize, &PlannedSku)> = catalogue
        .iter()
        .enumerate()
        .flat_map(|(p, product)| product.skus.iter().map(move |s| (p, s)))
        .collect();
    let warehouse = locations
        .iter()
        .find(|l| l.kind == "warehouse")
        .map(|l| l.id.clone())
        .unwrap_or_default();
    let now = now_ms();
    let mut orders = Batch::new(
        "orders",
        &[
            "id",
            "reference",
            "customer_id",
            "channel",
            "fulfilment",
            "status",
            "selling_location_id",
            "pickup_location_id",
            "ship_address",
            "pickup_code",
            "total_cents",
            "delivery_fee_cents",
            "idempotency_key",
            "created_by",
            "device",
            "created_at",
            "updated_at",
            "ready_at",
            "pickup_expires_at",
        ],
    );
    // Each demo order reaches its customer one way: one fulfilment, with
    // the order's id.
    let mut fulfilments = Batch::new(
        "order_fulfilments",
        &[
            "id",
            "order_id",
            "group_no",
            "kind",
            "status",
            "source_location_id",
            "pickup_location_id",
            "ship_address",
            "promised_at",
            "pickup_code",
            "ready_at",
            "pickup_expires_at",
            "updated_at",
            "slot",
            "collected_at",
            "reminded_for",
        ],
    );
    let mut lines = Batch::new(
        "order_lines",
        &[
            "id",
            "order_id",
            "line_no",
            "sku",
            "quantity",
            "unit_price_cents",
            "source_location_id",
            "handed_over_qty",
            "returned_qty",
            "fulfilment_id",
            "picked_qty",
        ],
    );
    let mut events = Batch::new(
        "order_events",
        &[
            "order_id",
            "from_status",
            "to_status",
            "actor",
            "device",
            "note",
            "created_at",
        ],
    );
    let mut reservations = Batch::new(
        "reservations",
        &[
            "id",
            "order_line_id",
            "sku",
            "location_id",
            "quantity",
            "status",
            "created_at",
        ],
    );
    let mut returns = Batch::new(
        "returns",
        &[
            "id",
            "reference",
            "order_id",
            "location_id",
            "refund_cents",
            "refund_method",
            "created_by",
            "device",
            "created_at",
        ],
    );
    let mut return_lines = Batch::new(
        "return_lines",
        &[
            "return_id",
            "order_line_id",
            "quantity",
            "reason",
            "item_condition",
            "disposition",
            "refund_cents",
        ],
    );
    let mut summary = OrderSummary::default();
    let mut line_id = 0i64;
    let mut reservation_id = 0i64;
    let report_every = (params.orders / 5).max(1);
    let seeder = Actor::new("seed", "seed");
    // Pickup details (when staged, the slot, when collected) draw from
    // their own sequence: the orders, their stock and the customers stay
    // what they were before these details existed.
    let mut details = StdRng::seed_from_u64(params.rng_seed ^ 0x0c0_11ec7);
    let mut tx = db.pool.begin().await?;
    for order_id in 1..=params.orders as i64 {
        let Some(customer) = customers.choose(rng) else {
            break;
        };
        let channel = match rng.random_range(0..100) {
            0..55 => "web",
            55..90 => "store",
            _ => "kiosk",
        };
        let fulfilment = match (channel, rng.random_range(0..100)) {
            ("web", 0..60) => Fulfilment::Ship,
            ("web", _) => Fulfilment::Collect,
            ("store", 0..80) => Fulfilment::Carry,
            ("store", 80..90) => Fulfilment::Ship,
            ("store", _) => Fulfilment::Collect,
            (_, 0..60) => Fulfilment::Collect,
            _ => Fulfilment::Ship,
        };
        let age_days = rng.random_range(0..365i64);
        let created_at = now - age_days * DAY_MS - rng.random_range(0..DAY_MS);
        let mut status = pick_status(fulfilment, age_days, rng);
        let shop = customer.home_location.clone();
        let (actor, device) = match channel {
            "web" => ("web".to_string(), "web-shop".to_string()),
            "store" => ("associate".to_string(), format!("tablet-{shop}")),
            _ => ("kiosk".to_string(), format!("kiosk-{shop}")),
        };
        // Collect orders are prepared in the pickup shop; shipped ones come
        // from the warehouse; carried ones leave the selling shop.
        let source = match fulfilment {
            Fulfilment::Ship => warehouse.clone(),
            _ => shop.clone(),
        };
        let line_count = rng.random_range(1..=3usize);
        let mut total = 0i64;
        let mut planned_lines = Vec::new();
        let mut first_product = None;
        for line_no in 1..=line_count as i64 {
            // Outfits: after the first item, most lines go with it (a
            // product's companions), so that customers who bought one
            // often bought the other, as "goes well with" expects.
            let companion = first_product
                .filter(|_| rng.random_bool(0.7))
                .and_then(|p| companion_sku(catalogue, p, rng));
            let Some((product, sku)) = companion.or_else(|| skus.choose(rng).copied()) else {
                break;
            };
            first_product.get_or_insert(product);
            let quantity = if rng.random_bool(0.85) { 1 } else { 2 };
            line_id += 1;
            total += sku.price_cents * quantity;
            planned_lines.push((line_id, line_no, sku.sku.clone(), quantity, sku.price_cents));
        }
        // Open pickups hold their stock, through the real movement rules.
        if fulfilment == Fulfilment::Collect && status.holds_stock() {
            let savepoint_ok =
                reserve_lines(&mut tx, &planned_lines, &source, status, order_id, &seeder).await?;
            if savepoint_ok {
                summary.open_pickups += 1;
                for (i, (lid, _, sku, qty, _)) in planned_lines.iter().enumerate() {
                    if handed_over(status, fulfilment, i) {
                        continue;
                    }
                    reservation_id += 1;
                    reservations.push(vec![
                        V::I(reservation_id),
                        V::I(*lid),
                        V::T(sku.clone()),
                        V::T(source.clone()),
                        V::I(*qty),
                        V::T("held".into()),
                        V::I(created_at),
                    ]);
                }
            } else {
                // Not enough stock left in the shop: this order was cancelled.
                status = OrderStatus::Cancelled;
            }
        }
        let is_collect = fulfilment == Fulfilment::Collect;
        let delivery_fee = if channel == "web"
            && fulfilment == Fulfilment::Ship
            && total < FREE_DELIVERY_FROM_CENTS
        {
            DELIVERY_FEE_CENTS
        } else {
            0
        };
        let code = is_collect.then(|| {
            // The main sequence still draws what it drew for six-digit
            // codes, so that every order after this one stays the same.
            let _ = rng.random_range(0..1_000_000);
            crate::domain::pickup::PickupCode::from_number(details.random_range(0..100_000_000))
                .as_str()
                .to_string()
        });
        let code_copy = code.clone();
        let ready_at = matches!(
            status,
            OrderStatus::Ready
                | OrderStatus::PartiallyCollected
                | OrderStatus::Completed
                | OrderStatus::Expired
        )
        // Staged a few hours after the order, and always in the past.
        .then(|| {
            if matches!(status, OrderStatus::Ready | OrderStatus::PartiallyCollected) {
                // Still waiting: staged within the last six days, so that
                // its collect-by date is still ahead (the showcase brings
                // the late ones).
                (now - details.random_range(3_600_000..6 * DAY_MS))
                    .max(created_at + 1_800_000)
                    .min(now - 300_000)
            } else {
                (created_at + details.random_range(2 * 3_600_000..DAY_MS)).min(now - 600_000)
            }
        })
        .filter(|_| is_collect);
        let collect_by = ready_at.map(|r| crate::domain::pickup::collect_by(r, 7));
        // Reminders already due were sent; the job sends the others in time.
        let reminded_for = collect_by.filter(|by| crate::domain::pickup::reminder_due(*by) <= now);
        let picked = matches!(
            status,
            OrderStatus::Ready | OrderStatus::PartiallyCollected | OrderStatus::Completed
        ) && is_collect;
        let slot = (picked && status != OrderStatus::Completed).then(|| {
            format!(
                "{}{}",
                ["A", "B", "C", "D"][details.random_range(0..4)],
                details.random_range(1..25)
            )
        });
        let collected_at = ready_at
            .filter(|_| {
                matches!(
                    status,
                    OrderStatus::Completed | OrderStatus::PartiallyCollected
                )
            })
            .map(|r| (r + details.random_range(3_600_000..2 * DAY_MS)).min(now - 60_000));
        orders.push(vec![
            V::I(order_id),
            V::T(format!("{}-{:07}", channel.to_uppercase(), order_id)),
            V::I(customer.id),
            V::T(channel.into()),
            V::T(fulfilment.as_str().into()),
            V::T(status.as_str().into()),
            if channel == "web" {
                V::Null
            } else {
                V::T(shop.clone())
            },
            if is_collect {
                V::T(shop.clone())
            } else {
                V::Null
            },
            if fulfilment == Fulfilment::Ship {
                V::T(format!("{} (adresse du client)", shop))
            } else {
                V::Null
            },
            code.map(V::T).unwrap_or(V::Null),
            V::I(total + delivery_fee),
            V::I(delivery_fee),
            V::Null,
            V::T(actor.clone()),
            V::T(device.clone()),
            V::I(created_at),
            V::I(created_at + DAY_MS),
            ready_at.map(V::I).unwrap_or(V::NullInt),
            collect_by.map(V::I).unwrap_or(V::NullInt),
        ]);
        fulfilments.push(vec![
            V::I(order_id),
            V::I(order_id),
            V::I(1),
            V::T(fulfilment.as_str().into()),
            V::T(status.as_str().into()),
            V::T(source.clone()),
            if is_collect {
                V::T(shop.clone())
            } else {
                V::Null
            },
            if fulfilment == Fulfilment::Ship {
                V::T(format!("{} (adresse du client)", shop))
            } else {
                V::Null
            },
            V::I(created_at + 2 * DAY_MS),
            code_copy.map(V::T).unwrap_or(V::Null),
            ready_at.map(V::I).unwrap_or(V::NullInt),
            collect_by.map(V::I).unwrap_or(V::NullInt),
            V::I(created_at + DAY_MS),
            slot.map(V::T).unwrap_or(V::Null),
            collected_at.map(V::I).unwrap_or(V::NullInt),
            reminded_for.map(V::I).unwrap_or(V::NullInt),
        ]);
        let handed = |i: usize| handed_over(status, fulfilment, i);
        let may_return = status == OrderStatus::Completed
            && channel == "web"
            && age_days > 5
            && rng.random_bool(0.12);
        for (i, (lid, line_no, sku, qty, price)) in planned_lines.iter().enumerate() {
            let returned = if may_return && i == 0 { 1 } else { 0 };
            lines.push(vec![
                V::I(*lid),
                V::I(order_id),
                V::I(*line_no),
                V::T(sku.clone()),
                V::I(*qty),
                V::I(*price),
                V::T(source.clone()),
                V::I(if handed(i) { *qty } else { 0 }),
                V::I(returned),
                V::I(order_id),
                V::I(if picked { *qty } else { 0 }),
            ]);
        }
        // The order's history, walked through the state machine.
        let mut current = OrderStatus::Placed;
        let mut at = created_at;
        let mut history = vec![(None, current, at)];
        for event in path_to(status, fulfilment) {
            let Some(next) = current.next(fulfilment, event) else {
                return Err(AppError::Internal);
            };
            at += rng.random_range(1..DAY_MS);
            history.push((Some(current), next, at));
            current = next;
        }
        for (from, to, at) in history {
            events.push(vec![
                V::I(order_id),
                from.map(|s: OrderStatus| V::T(s.as_str().into()))
                    .unwrap_or(V::Null),
                V::T(to.as_str().into()),
                V::T(actor.clone()),
                V::T(device.clone()),
                V::Null,
                V::I(at),
            ]);
        }
        if may_return {
            summary.returns += 1;
            let (lid, _, _, _, price) = &planned_lines[0];
            let return_id = summary.returns as i64;
            let method = if rng.random_bool(0.8) {
                "original_payment"
            } else {
                "store_credit"
            };
            returns.push(vec![
                V::I(return_id),
                V::T(format!("RET-{return_id:07}")),
                V::I(order_id),
                V::T(customer.home_location.clone()),
                V::I(*price),
                V::T(method.into()),
                V::T("associate".into()),
                V::T(format!("tablet-{}", customer.home_location)),
                V::I(created_at + 5 * DAY_MS),
            ]);
            let (condition, goes) = if rng.random_bool(0.85) {
                ("resellable", "restock")
            } else {
                ("damaged", "quarantine")
            };
            let reason = RETURN_REASONS
                .choose(rng)
                .copied()
                .unwrap_or(ReturnReason::ChangedMind);
            return_lines.push(vec![
                V::I(return_id),
                V::I(*lid),
                V::I(1),
                V::T(reason.as_str().into()),
                V::T(condition.into()),
                V::T(goes.into()),
                V::I(*price),
            ]);
        }
        summary.orders += 1;
        // Parents before children: the foreign keys are checked at once.
        if order_id % 200 == 0 {
            for batch in [
                &mut orders,
                &mut fulfilments,
                &mut lines,
                &mut events,
                &mut reservations,
                &mut returns,
                &mut return_lines,
            ] {
                batch.flush(&mut tx).await?;
            }
        }
        if (order_id as usize).is_multiple_of(report_every) {
            progress.step(&format!("orders: {order_id}/{}", params.orders));
        }
    }
    for batch in [
        &mut orders,
        &mut fulfilments,
        &mut lines,
        &mut events,
        &mut reservations,
        &mut returns,
        &mut return_lines,
    ] {
        batch.flush(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(summary)
}

/// A SKU of one of the two products that go with product `p`: fixed
/// partners spread over the catalogue.
fn companion_sku<'a>(
    catalogue: &'a [PlannedProduct],
    p: usize,
    rng: &mut StdRng,
) -> Option<(usize, &'a PlannedSku)> {
    let n = catalogue.len().max(1);
    let partner = if rng.random_bool(0.5) {
        (p * 7 + 3) % n
    } else {
        (p * 13 + 5) % n
    };
    let sku = catalogue.get(partner)?.skus.choose(rng)?;
    Some((partner, sku))
}

/// Whether an order's line (by index) was handed to the customer: every
/// line of a completed order collected or bought in the shop, the first
/// line of a partially collected one. Lines handed over hold no stock.
pub(super) fn handed_over(status: OrderStatus, fulfilment: Fulfilment, line_index: usize) -> bool {
    match status {
        OrderStatus::Completed => fulfilment != Fulfilment::Ship,
        OrderStatus::PartiallyCollected => line_index == 0,
        _ => false,
    }
}

/// Reserves the open lines of a pickup order at its shop. Returns false
/// (and reserves nothing) when the shop lacks stock for any line.
pub(super) async fn reserve_lines(
    conn: &mut AnyConnection,
    lines: &[(i64, i64, String, i64, i64)],
    location: &str,
    status: OrderStatus,
    order_id: i64,
    actor: &Actor,
) -> AppResult<bool> {
    let location = LocationId::parse(location)?;
    let mut done: Vec<(Sku, Quantity)> = Vec::new();
    for (i, (_, _, sku, qty, _)) in lines.iter().enumerate() {
        if handed_over(status, Fulfilment::Collect, i) {
            continue;
        }
        let sku = Sku::parse(sku)?;
        let quantity = Quantity::new(*qty)?;
        let request = MovementRequest {
            sku: sku.clone(),
            location: location.clone(),
            movement: Movement::Reservation(quantity),
            reason: None,
            reference: Some(format!("order {order_id}")),
        };
        match apply_movement(conn, &request, None, request.reference.as_deref(), actor).await {
            Ok(_) => done.push((sku, quantity)),
            Err(refused) if refused.class() == ErrorClass::Conflict => {
                // Undo what this order reserved, through the ledger too.
                for (sku, quantity) in done {
                    let undo = MovementRequest {
                        sku,
                        location: location.clone(),
                        movement: Movement::Release(quantity),
                        reason: Some("Order cancelled".into()),
                        reference: Some(format!("order {order_id}")),
                    };
                    apply_movement(
                        conn,
                        &undo,
                        undo.reason.as_deref(),
                        undo.reference.as_deref(),
                        actor,
                    )
                    .await?;
                }
                return Ok(false);
            }
            Err(other) => return Err(other),
        }
    }
    Ok(true)
}
