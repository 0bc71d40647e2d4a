//! Orders from every channel: placed from a basket on a tablet, handed
//! over from the kiosk, or sent by the web shop through the API. One
//! model, one way in (`place`): prices from the catalogue, sources
//! checked, stock sold or reserved by single conditional statements in a
//! fixed order, the order with its fulfilments, lines, reservations and
//! payment written in the caller's transaction: all or nothing.

pub mod basket;
pub mod payment;
pub mod shipping;

use super::Actor;
use super::stock::{MovementRequest, apply_movement};
use crate::db::{Directory, now_ms};
use crate::domain::basket::{DiscountPercent, LinePrice, PaymentMethod, PaymentStatus, Totals};
use crate::domain::customer::{Email, Postcode};
use crate::domain::order::{
    Channel, Fulfilment, OrderEvent, OrderStatus, summary_fulfilment, summary_status,
};
use crate::domain::sourcing::{
    Destination, LeadTime, LeadTimes, Need, Place, SourceOption, source_options,
};
use crate::domain::stock::{Movement, StockEvent};
use crate::domain::{Cents, Lang, LocationId, Quantity, Sku, StockFigures};
use crate::error::{AppError, AppResult, TextField};
use crate::model::LocationKind;
use crate::model::basket::{FulfilmentView, OrderReceipt, ReceiptLine, ShipAddress, SourceChoice};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// The chain's rules for orders (table `chain_policies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policies {
    pub associate_discount_limit: i64,
    pub pay_by_link_minutes: i64,
    pub handoff_code_minutes: i64,
}

pub async fn policies(conn: &mut AnyConnection) -> AppResult<Policies> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT name, value FROM chain_policies")
        .fetch_all(&mut *conn)
        .await?;
    let value = |name: &str, default: i64| {
        rows.iter()
            .find(|(n, _)| n == name)
            .map_or(default, |(_, v)| *v)
    };
    Ok(Policies {
        associate_discount_limit: value("associate_discount_limit_percent", 10),
        pay_by_link_minutes: value("pay_by_link_minutes", 2880),
        handoff_code_minutes: value("handoff_code_minutes", 60),
    })
}

pub async fn lead_times(conn: &mut AnyConnection) -> AppResult<LeadTimes> {
    let rows: Vec<(String, String, i64, i64)> =
        sqlx::query_as("SELECT source_kind, destination, up_to_km, days FROM lead_times")
            .fetch_all(&mut *conn)
            .await?;
    Ok(LeadTimes(
        rows.into_iter()
            .filter_map(|(kind, destination, up_to_km, days)| {
                Some(LeadTime {
                    source_kind: LocationKind::from_code(&kind),
                    destination: Destination::from_code(&destination)?,
                    up_to_km,
                    days,
                })
            })
            .collect(),
    ))
}

/// A SKU as the catalogue sells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueItem {
    pub sku: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub unit_price: Cents,
}

pub async fn catalogue_item(conn: &mut AnyConnection, sku: &Sku) -> AppResult<CatalogueItem> {
    let row: Option<(String, String, String, i64)> = sqlx::query_as(
        "SELECT p.name, s.colour, s.size, s.price_cents FROM skus s \
         JOIN products p ON p.id = s.product_id WHERE s.sku = $1",
    )
    .bind(sku.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let (product_name, colour, size, price) = row.ok_or_else(|| AppError::UnknownSku {
        sku: sku.to_string(),
    })?;
    Ok(CatalogueItem {
        sku: sku.to_string(),
        product_name,
        colour,
        size,
        unit_price: Cents(price),
    })
}

/// What may be promised of a SKU at each location, in the directory's order.
pub async fn available_by_location(
    conn: &mut AnyConnection,
    directory: &Directory,
    sku: &str,
) -> AppResult<Vec<i64>> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT location_id, on_hand, reserved, safety FROM stock_levels WHERE sku = $1",
    )
    .bind(sku)
    .fetch_all(&mut *conn)
    .await?;
    let mut available = vec![0; directory.locations.len()];
    for (location, on_hand, reserved, safety) in rows {
        if let Some(i) = directory.position(&location) {
            available[i] = StockFigures {
                on_hand,
                reserved,
                safety,
            }
            .available();
        }
    }
    Ok(available)
}

/// The sourcing's view of every location for one SKU.
pub fn places<'a>(directory: &'a Directory, available: &[i64]) -> Vec<Place<'a>> {
    directory
        .locations
        .iter()
        .zip(available)
        .map(|(l, &available)| Place {
            id: &l.id,
            kind: l.kind,
            latitude: l.latitude,
            longitude: l.longitude,
            available,
        })
        .collect()
}

/// A source option with the names a person reads.
pub fn choice(directory: &Directory, option: SourceOption, now: i64) -> SourceChoice {
    let place = directory
        .position(&option.location_id)
        .and_then(|i| directory.locations.get(i));
    SourceChoice {
        name: place.map_or_else(|| option.location_id.clone(), |p| p.name.clone()),
        city: place.map(|p| p.city.clone()).unwrap_or_default(),
        promised_at: option.promised_at(now),
        option,
    }
}

/// One line to order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRequest {
    pub sku: Sku,
    pub quantity: Quantity,
    pub fulfilment: Fulfilment,
    /// Collect: the shop where the customer collects.
    pub pickup: Option<LocationId>,
    /// Where the goods come from; `None`: the proposed source.
    pub source: Option<LocationId>,
    pub discount: DiscountPercent,
    /// A manager's approval of a discount beyond the associate's limit.
    pub approval_id: Option<i64>,
}

/// How the order is paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    pub method: PaymentMethod,
    /// The card terminal's, gift card's or web payment's reference.
    pub reference: Option<String>,
    /// A web order already paid on the web shop (method `web`); `false`
    /// for one waiting for its payment by link.
    pub paid: bool,
}

/// An order to place, from any channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub channel: Channel,
    /// The shop where it is sold (store and kiosk channels).
    pub selling: Option<LocationId>,
    pub customer_id: Option<i64>,
    /// Where the confirmation goes (a guest's, or another address).
    pub contact_email: Option<String>,
    pub lang: Lang,
    pub ship: Option<ShipAddress>,
    pub lines: Vec<LineRequest>,
    pub payment: PaymentRequest,
    /// The basket it comes from: its approvals are the ones that count.
    pub basket_id: Option<i64>,
    /// Paid first, before `payment`: the customer's store credit, or what
    /// an exchange's return is worth.
    pub credits: Vec<CreditRequest>,
    /// The delivery fee (web orders shipped home), part of the total.
    pub delivery_fee: Cents,
}

/// Money the customer already has with the chain, spent on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditMethod {
    /// Their store credit balance (a customer on record).
    StoreCredit,
    /// What the items returned in an exchange are worth.
    Exchange,
}

impl CreditMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StoreCredit => "store_credit",
            Self::Exchange => "exchange",
        }
    }
}

/// Up to `up_to` of a credit spent on the order (less when the order costs
/// less).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditRequest {
    pub method: CreditMethod,
    pub up_to: Cents,
}

/// Longest payment reference kept.
const MAX_PAYMENT_REFERENCE: usize = 80;

fn clean_reference(reference: Option<&str>) -> AppResult<Option<String>> {
    match reference.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > MAX_PAYMENT_REFERENCE => Err(AppError::TextTooLong {
            field: TextField::Reference,
            max: MAX_PAYMENT_REFERENCE as i64,
        }),
        other => Ok(other.map(String::from)),
    }
}

/// Longest part of an address kept.
const MAX_ADDRESS_PART: usize = 120;

/// One part of an address, trimmed, within its length.
pub(crate) fn address_part(text: &str, field: TextField) -> AppResult<String> {
    let text = text.trim();
    if text.chars().count() > MAX_ADDRESS_PART {
        return Err(AppError::TextTooLong {
            field,
            max: MAX_ADDRESS_PART as i64,
        });
    }
    Ok(text.to_string())
}

/// A ship-home address checked: every part given, a French postcode.
pub fn valid_address(address: Option<&ShipAddress>) -> AppResult<ShipAddress> {
    let Some(address) = address else {
        return Err(AppError::ShipAddressRequired);
    };
    let name = address_part(&address.name, TextField::Name)?;
    let street = address_part(&address.street, TextField::Street)?;
    let city = address_part(&address.city, TextField::City)?;
    if name.is_empty() || street.is_empty() || city.is_empty() || address.postcode.trim().is_empty()
    {
        return Err(AppError::ShipAddressRequired);
    }
    let postcode = Postcode::parse(&address.postcode).map_err(|_| AppError::InvalidPostcode {
        text: address.postcode.trim().to_string(),
    })?;
    Ok(ShipAddress {
        name,
        street,
        postcode: postcode.as_str().to_string(),
        city,
    })
}

/// A line once priced and sourced.
struct PlannedLine {
    request: LineRequest,
    item: CatalogueItem,
    price: LinePrice,
    source: LocationId,
    promised_at: i64,
}

/// Places an order inside the caller's transaction, which must already
/// hold the write lock on SQLite (its first statement a write). The
/// directory is read by the caller before the transaction: a connection
/// held while waiting for another from the pool starves the pool when
/// many checkouts run at once. Returns
/// the receipt and the stock events to publish once committed. Any
/// refusal leaves the transaction to be rolled back: nothing is kept.
pub async fn place(
    conn: &mut AnyConnection,
    directory: &Directory,
    request: &OrderRequest,
    actor: &Actor,
) -> AppResult<(OrderReceipt, Vec<StockEvent>)> {
    if request.lines.is_empty() {
        return Err(AppError::BasketEmpty);
    }
    let payment_reference = clean_reference(request.payment.reference.as_deref())?;
    if request.payment.method.needs_reference()
        && payment_reference.is_none()
        && request.credits.is_empty()
    {
        return Err(AppError::PaymentReferenceRequired);
    }
    if request.delivery_fee.0 < 0 || request.credits.iter().any(|c| c.up_to.0 < 0) {
        return Err(AppError::CreditAmountInvalid);
    }
    let takes_now = request
        .lines
        .iter()
        .any(|l| l.fulfilment == Fulfilment::Carry);
    if takes_now && !request.payment.method.is_at_the_till() {
        return Err(AppError::TakeNowNeedsTill);
    }
    if takes_now && request.selling.is_none() {
        return Err(AppError::TakeNowNotAtKiosk);
    }
    let contact_email = match request.contact_email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(typed) => Some(
            Email::parse(typed)
                .map_err(|_| AppError::InvalidEmail {
                    text: typed.to_string(),
                })?
                .as_str()
                .to_string(),
        ),
    };
    let contact_email = match (request.customer_id, contact_email) {
        (None, None) => return Err(AppError::ContactRequired),
        (Some(id), given) => {
            let found: Option<(String, Option<i64>)> =
                sqlx::query_as("SELECT email, erased_at FROM customers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            match found {
                None => return Err(AppError::UnknownCustomer { customer_id: id }),
                Some((_, Some(_))) => return Err(AppError::CustomerErased { customer_id: id }),
                Some((email, None)) => Some(given.unwrap_or(email)),
            }
        }
        (None, given) => given,
    };
    let ships = request
        .lines
        .iter()
        .any(|l| l.fulfilment == Fulfilment::Ship);
    let ship_address = if ships {
        Some(valid_address(request.ship.as_ref())?.one_line())
    } else {
        None
    };
    let policies = policies(conn).await?;
    let leads = lead_times(conn).await?;
    let now = now_ms();

    // Price and source every line; refusals name the line.
    let mut planned = Vec::with_capacity(request.lines.len());
    for line in &request.lines {
        let item = catalogue_item(conn, &line.sku).await?;
        if line
            .discount
            .needs_approval(policies.associate_discount_limit)
        {
            check_approval(
                conn,
                line,
                request.basket_id,
                policies.associate_discount_limit,
            )
            .await?;
        }
        let price = LinePrice::of(item.unit_price, line.quantity.get(), line.discount)?;
        let pickup = match line.fulfilment {
            Fulfilment::Collect => {
                let named = line
                    .pickup
                    .clone()
                    .or_else(|| request.selling.clone())
                    .ok_or(AppError::PickupShopRequired)?;
                Some(pickup_shop(directory, Some(&named), &named)?)
            }
            _ => None,
        };
        let available = available_by_location(conn, directory, line.sku.as_str()).await?;
        // Every source with enough, even the one chosen: a choice without
        // enough is refused here rather than by the reservation.
        let all = places(directory, &available);
        let need = Need {
            fulfilment: line.fulfilment,
            pickup: pickup.as_ref().map(LocationId::as_str),
            selling: request.selling.as_ref().map(LocationId::as_str),
            quantity: line.quantity.get(),
        };
        let options = source_options(&all, need, &leads);
        let picked = pick_source(
            &options,
            line.source.as_ref().map(LocationId::as_str),
            line.sku.as_str(),
            line.fulfilment,
            request.selling.as_ref().map(LocationId::as_str),
            directory,
            &available,
        )?;
        let chosen = &options[picked];
        let source = LocationId::parse(&chosen.location_id)?;
        planned.push(PlannedLine {
            request: LineRequest {
                pickup,
                ..line.clone()
            },
            item,
            price,
            promised_at: chosen.promised_at(now),
            source,
        });
    }

    // Fulfilments: one per way, source and destination.
    type GroupKey = (u8, String, String);
    let key_of = |l: &PlannedLine| -> GroupKey {
        let rank = match l.request.fulfilment {
            Fulfilment::Carry => 0,
            Fulfilment::Ship => 1,
            Fulfilment::Collect => 2,
        };
        let pickup = l
            .request
            .pickup
            .as_ref()
            .map(LocationId::to_string)
            .unwrap_or_default();
        (rank, l.source.to_string(), pickup)
    };
    let mut groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
    for (i, line) in planned.iter().enumerate() {
        groups.entry(key_of(line)).or_default().push(i);
    }

    let mut totals = Totals::default();
    for line in &planned {
        totals.add(line.price, line.request.quantity.get());
    }
    let kinds: Vec<Fulfilment> = planned.iter().map(|l| l.request.fulfilment).collect();
    let paid = request.payment.method.is_at_the_till() || request.payment.paid;
    let (payment_status, pay_by) = if paid {
        (PaymentStatus::Paid, None)
    } else {
        (
            PaymentStatus::Awaiting,
            Some(now + policies.pay_by_link_minutes * 60_000),
        )
    };
    let group_status = |kind: Fulfilment| {
        if kind == Fulfilment::Carry {
            OrderStatus::Placed
                .next(kind, OrderEvent::HandOverAll)
                .unwrap_or(OrderStatus::Placed)
        } else {
            OrderStatus::Placed
        }
    };
    let statuses: Vec<OrderStatus> = groups
        .keys()
        .map(|(rank, _, _)| group_status(kind_of_rank(*rank)))
        .collect();
    let status = summary_status(&statuses);
    let first_pickup = planned
        .iter()
        .find_map(|l| l.request.pickup.as_ref().map(LocationId::to_string));

    let pending = format!("PENDING-{}", &super::auth::new_secret()[..20]);
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (reference, customer_id, channel, fulfilment, status, selling_location_id, \
             pickup_location_id, ship_address, total_cents, created_by, device, created_at, updated_at, \
             payment_status, pay_by, contact_email, lang, discount_cents, delivery_fee_cents) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, $18) \
         RETURNING id",
    )
    .bind(&pending)
    .bind(request.customer_id)
    .bind(request.channel.as_str())
    .bind(summary_fulfilment(&kinds).as_str())
    .bind(status.as_str())
    .bind(request.selling.as_ref().map(LocationId::as_str))
    .bind(first_pickup.as_deref())
    .bind(ship_address.as_deref())
    .bind(totals.net.0 + request.delivery_fee.0)
    .bind(actor.name.as_str())
    .bind(actor.device.as_str())
    .bind(now)
    .bind(payment_status.as_str())
    .bind(pay_by)
    .bind(contact_email.as_deref())
    .bind(request.lang.code())
    .bind(totals.discount.0)
    .bind(request.delivery_fee.0)
    .fetch_one(&mut *conn)
    .await?;
    let reference = format!(
        "{}-{order_id:07}",
        request.channel.as_str().to_ascii_uppercase()
    );
    sqlx::query("UPDATE orders SET reference = $1 WHERE id = $2")
        .bind(&reference)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    record_event(conn, order_id, None, OrderStatus::Placed, actor, None, now).await?;

    let mut line_ids = vec![0i64; planned.len()];
    let mut line_no = 0i64;
    for (group_no, ((rank, source, pickup), members)) in (1i64..).zip(&groups) {
        let kind = kind_of_rank(*rank);
        let group_status = group_status(kind);
        let promised_at = members
            .iter()
            .map(|&i| planned[i].promised_at)
            .max()
            .unwrap_or(now);
        let fulfilment_id: i64 = sqlx::query_scalar(
            "INSERT INTO order_fulfilments (order_id, group_no, kind, status, source_location_id, \
                 pickup_location_id, ship_address, promised_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(order_id)
        .bind(group_no)
        .bind(kind.as_str())
        .bind(group_status.as_str())
        .bind(source.as_str())
        .bind(Some(pickup.as_str()).filter(|p| !p.is_empty()))
        .bind(ship_address.as_deref().filter(|_| kind == Fulfilment::Ship))
        .bind(promised_at)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        if group_status != OrderStatus::Placed {
            let note = format!("fulfilment {group_no}");
            record_event(
                conn,
                order_id,
                Some(OrderStatus::Placed),
                group_status,
                actor,
                Some(&note),
                now,
            )
            .await?;
        }
        for &i in members {
            line_no += 1;
            let line = &planned[i];
            let handed = if kind == Fulfilment::Carry {
                line.request.quantity.get()
            } else {
                0
            };
            line_ids[i] = sqlx::query_scalar(
                "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_cents, \
                     source_location_id, handed_over_qty, fulfilment_id, discount_cents, \
                     discount_percent, approval_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(order_id)
            .bind(line_no)
            .bind(line.item.sku.as_str())
            .bind(line.request.quantity.get())
            .bind(line.item.unit_price.0)
            .bind(line.source.as_str())
            .bind(handed)
            .bind(fulfilment_id)
            .bind(line.price.discount.0)
            .bind(line.request.discount.get())
            .bind(line.request.approval_id)
            .fetch_one(&mut *conn)
            .await?;
        }
    }

    // Stock: rows locked in one fixed order (location, then SKU), so two
    // checkouts touching the same levels never wait on each other in a
    // circle.
    let mut moves: Vec<usize> = (0..planned.len()).collect();
    moves.sort_by(|&a, &b| {
        (planned[a].source.as_str(), planned[a].item.sku.as_str())
            .cmp(&(planned[b].source.as_str(), planned[b].item.sku.as_str()))
    });
    let mut events = Vec::with_capacity(planned.len());
    for i in moves {
        let line = &planned[i];
        let quantity = line.request.quantity;
        let movement = if line.request.fulfilment == Fulfilment::Carry {
            Movement::Sale(quantity)
        } else {
            Movement::Reservation(quantity)
        };
        let movement_request = MovementRequest {
            sku: line.request.sku.clone(),
            location: line.source.clone(),
            movement,
            reason: None,
            reference: Some(reference.clone()),
        };
        let event = apply_movement(conn, &movement_request, None, Some(&reference), actor)
            .await
            .map_err(|err| match err {
                AppError::NotEnoughStock { available } => AppError::LineShort {
                    sku: line.item.sku.clone(),
                    location: line.source.to_string(),
                    available,
                },
                other => other,
            })?;
        events.push(event);
        if movement.kind() == crate::domain::MovementKind::Reservation {
            sqlx::query(
                "INSERT INTO reservations (order_line_id, sku, location_id, quantity, status, created_at) \
                 VALUES ($1, $2, $3, $4, 'held', $5)",
            )
            .bind(line_ids[i])
            .bind(line.item.sku.as_str())
            .bind(line.source.as_str())
            .bind(quantity.get())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    }

    if paid {
        // Credits first (store credit, an exchange's value), then the rest
        // the way the customer pays it.
        let mut to_pay = totals.net.0 + request.delivery_fee.0;
        for credit in &request.credits {
            let amount = credit.up_to.0.min(to_pay);
            if amount <= 0 {
                continue;
            }
            if credit.method == CreditMethod::StoreCredit {
                let customer_id = request
                    .customer_id
                    .ok_or(AppError::StoreCreditNeedsCustomer)?;
                crate::services::returns::record::move_credit(
                    conn,
                    customer_id,
                    -amount,
                    "spend",
                    Some(order_id),
                    None,
                    actor,
                )
                .await?;
            }
            record_payment(
                conn,
                order_id,
                credit.method.as_str(),
                amount,
                None,
                actor,
                now,
            )
            .await?;
            to_pay -= amount;
        }
        if to_pay > 0 {
            if request.payment.method.needs_reference() && payment_reference.is_none() {
                return Err(AppError::PaymentReferenceRequired);
            }
            record_payment(
                conn,
                order_id,
                request.payment.method.as_str(),
                to_pay,
                payment_reference.as_deref(),
                actor,
                now,
            )
            .await?;
        }
    }
    let receipt = receipt(conn, directory, order_id).await?;
    // The confirmation is queued with the order: both are kept, or neither.
    if let Some(message) = super::messages::order_confirmation(conn, &receipt).await? {
        super::outbox::enqueue(conn, &message).await?;
    }
    Ok((receipt, events))
}

async fn record_payment(
    conn: &mut AnyConnection,
    order_id: i64,
    method: &str,
    amount: i64,
    reference: Option<&str>,
    actor: &Actor,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO payments (order_id, method, amount_cents, reference, recorded_by, device, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(method)
    .bind(amount)
    .bind(reference)
    .bind(actor.name.as_str())
    .bind(actor.device.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Commits the transaction of a placed order: the answer kept for its
/// request key (so that a copy of the request gets it back), then the
/// stock events published.
pub(crate) async fn commit_placed(
    mut tx: crate::db::WriteTx,
    bus: &crate::services::events::EventBus,
    once: Option<&crate::services::request_keys::RequestKey>,
    value: OrderReceipt,
    events: Vec<StockEvent>,
) -> AppResult<crate::services::stock::Done<OrderReceipt>> {
    if let Some(key) = once {
        crate::services::request_keys::store_answer(&mut tx, key, &value).await?;
    }
    // Shops that must prepare or send the order see it arrive.
    let pickups = crate::services::pickups::announce_new(&value);
    crate::services::pickups::commit(tx, bus, events, pickups).await?;
    Ok(crate::services::stock::Done {
        value,
        replayed: false,
    })
}

/// Which of `options` (best first) a line takes: the source someone chose,
/// or else the proposed one. Otherwise, why none can, naming locations by
/// id: the chosen one without enough, this shop's shelf for take-now, or
/// no location at all.
pub(crate) fn pick_source(
    options: &[SourceOption],
    chosen: Option<&str>,
    sku: &str,
    fulfilment: Fulfilment,
    selling: Option<&str>,
    directory: &Directory,
    available: &[i64],
) -> AppResult<usize> {
    let short_at = |location: &str| AppError::LineShort {
        sku: sku.to_string(),
        location: location.to_string(),
        available: directory.position(location).map_or(0, |i| available[i]),
    };
    match chosen {
        Some(source) => options
            .iter()
            .position(|o| o.location_id == source)
            .ok_or_else(|| match directory.position(source) {
                None => AppError::UnknownLocation {
                    location: source.to_string(),
                },
                Some(_) => short_at(source),
            }),
        None if !options.is_empty() => Ok(0),
        None if fulfilment == Fulfilment::Carry => Err(short_at(selling.unwrap_or_default())),
        None => Err(AppError::NoSource {
            sku: sku.to_string(),
        }),
    }
}

/// The shop where goods are collected: the one named, which must be a
/// shop, or `here`.
pub(crate) fn pickup_shop(
    directory: &Directory,
    named: Option<&LocationId>,
    here: &LocationId,
) -> AppResult<LocationId> {
    let Some(named) = named else {
        return Ok(here.clone());
    };
    match directory
        .position(named.as_str())
        .and_then(|i| directory.locations.get(i))
    {
        None => Err(AppError::UnknownLocation {
            location: named.to_string(),
        }),
        Some(l) if l.kind != LocationKind::Store => Err(AppError::NotAPickupShop {
            location: named.to_string(),
        }),
        Some(_) => Ok(named.clone()),
    }
}

fn kind_of_rank(rank: u8) -> Fulfilment {
    match rank {
        0 => Fulfilment::Carry,
        1 => Fulfilment::Ship,
        _ => Fulfilment::Collect,
    }
}

/// A discount beyond the associate's limit stands only with a manager's
/// approval of at least that much, for that SKU (and that basket).
async fn check_approval(
    conn: &mut AnyConnection,
    line: &LineRequest,
    basket_id: Option<i64>,
    limit: i64,
) -> AppResult<()> {
    let refused = || AppError::DiscountNeedsApproval {
        sku: line.sku.to_string(),
        percent: line.discount.get(),
        limit,
    };
    let Some(approval_id) = line.approval_id else {
        return Err(refused());
    };
    let approved: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT discount_percent, sku, basket_id FROM discount_approvals WHERE id = $1",
    )
    .bind(approval_id)
    .fetch_optional(&mut *conn)
    .await?;
    match approved {
        Some((percent, sku, basket))
            if percent >= line.discount.get()
                && sku == line.sku.as_str()
                && basket_id.is_none_or(|b| b == basket) =>
        {
            Ok(())
        }
        _ => Err(refused()),
    }
}

pub(crate) async fn record_event(
    conn: &mut AnyConnection,
    order_id: i64,
    from: Option<OrderStatus>,
    to: OrderStatus,
    actor: &Actor,
    note: Option<&str>,
    at_ms: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO order_events (order_id, from_status, to_status, actor, device, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(from.map(OrderStatus::as_str))
    .bind(to.as_str())
    .bind(actor.name.as_str())
    .bind(actor.device.as_str())
    .bind(note)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    reference: String,
    channel: String,
    status: String,
    payment_status: String,
    pay_by: Option<i64>,
    contact_email: Option<String>,
    customer_id: Option<i64>,
    lang: String,
    created_at: i64,
    delivery_fee_cents: i64,
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    group_no: i64,
    kind: String,
    status: String,
    source_location_id: Option<String>,
    pickup_location_id: Option<String>,
    ship_address: Option<String>,
    promised_at: Option<i64>,
    ready_at: Option<i64>,
    pickup_expires_at: Option<i64>,
    collected_at: Option<i64>,
    sent_at: Option<i64>,
    received_at: Option<i64>,
    line_no: i64,
    sku: String,
    product_name: String,
    colour: String,
    size: String,
    quantity: i64,
    unit_price_cents: i64,
    discount_cents: i64,
    handed_over_qty: i64,
    cancelled_qty: i64,
    returned_qty: i64,
}

/// An order as its receipt shows it, read back from what was written.
pub async fn receipt(
    conn: &mut AnyConnection,
    directory: &Directory,
    order_id: i64,
) -> AppResult<OrderReceipt> {
    let order: Option<OrderRow> = sqlx::query_as(
        "SELECT reference, channel, status, payment_status, pay_by, contact_email, customer_id, lang, \
                created_at, delivery_fee_cents \
         FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(order) = order else {
        return Err(AppError::UnknownOrder {
            reference: order_id.to_string(),
        });
    };
    let rows: Vec<ReceiptRow> = sqlx::query_as(
        "SELECT f.group_no, f.kind, f.status, f.source_location_id, f.pickup_location_id, f.ship_address, \
                f.promised_at, f.ready_at, f.pickup_expires_at, f.collected_at, f.sent_at, f.received_at, \
                l.line_no, l.sku, p.name AS product_name, s.colour, s.size, l.quantity, \
                l.unit_price_cents, l.discount_cents, l.handed_over_qty, l.cancelled_qty, l.returned_qty \
         FROM order_fulfilments f \
         JOIN order_lines l ON l.fulfilment_id = f.id \
         JOIN skus s ON s.sku = l.sku JOIN products p ON p.id = s.product_id \
         WHERE f.order_id = $1 ORDER BY f.group_no, l.line_no",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let payment: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT method, reference FROM payments WHERE order_id = $1 \
           AND method NOT IN ('store_credit', 'exchange') ORDER BY id DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    let credit_used: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM payments \
         WHERE order_id = $1 AND method IN ('store_credit', 'exchange')",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    let name = |id: &Option<String>| {
        id.as_deref()
            .map(|id| super::catalog::name_in(directory, id))
    };
    let mut totals = Totals::default();
    let mut fulfilments: Vec<FulfilmentView> = Vec::new();
    for row in rows {
        let gross = Cents(row.unit_price_cents * row.quantity);
        let line = ReceiptLine {
            line_no: row.line_no,
            sku: row.sku,
            product_name: row.product_name,
            colour: row.colour,
            size: row.size,
            quantity: row.quantity,
            unit_price: Cents(row.unit_price_cents),
            discount: Cents(row.discount_cents),
            net: Cents(gross.0 - row.discount_cents),
            handed_over: row.handed_over_qty,
            cancelled: row.cancelled_qty,
            returned: row.returned_qty,
        };
        totals.add(
            LinePrice {
                gross,
                discount: line.discount,
                net: line.net,
            },
            line.quantity,
        );
        match fulfilments.last_mut() {
            Some(group) if group.group_no == row.group_no => group.lines.push(line),
            _ => fulfilments.push(FulfilmentView {
                group_no: row.group_no,
                kind: Fulfilment::from_code(&row.kind).unwrap_or(Fulfilment::Carry),
                status: OrderStatus::parse(&row.status).unwrap_or(OrderStatus::Placed),
                source_name: name(&row.source_location_id),
                source_location_id: row.source_location_id,
                pickup_name: name(&row.pickup_location_id),
                pickup_location_id: row.pickup_location_id,
                ship_address: row.ship_address,
                promised_at: row.promised_at,
                ready_at: row.ready_at,
                collect_by: row.pickup_expires_at,
                collected_at: row.collected_at,
                sent_at: row.sent_at,
                received_at: row.received_at,
                lines: vec![line],
            }),
        }
    }
    let (payment_method, payment_reference) = match payment {
        Some((method, reference)) => (PaymentMethod::from_code(&method), reference),
        None => (None, None),
    };
    Ok(OrderReceipt {
        order_id,
        reference: order.reference,
        channel: Channel::from_code(&order.channel),
        status: OrderStatus::parse(&order.status).unwrap_or(OrderStatus::Placed),
        payment_status: PaymentStatus::from_code(&order.payment_status)
            .unwrap_or(PaymentStatus::Paid),
        payment_method,
        payment_reference,
        pay_by: order.pay_by,
        totals,
        fulfilments,
        contact_email: order.contact_email,
        customer_id: order.customer_id,
        lang: Lang::parse(&order.lang).unwrap_or_default(),
        created_at: order.created_at,
        delivery_fee: Cents(order.delivery_fee_cents),
        credit_used: Cents(credit_used),
    })
}

/// What holds a SKU's stock at a location: the orders with a reservation
/// there (oldest first), and the safety stock. Staff only; customers are
/// not named.
pub async fn holds(
    db: &crate::db::Db,
    sku: &Sku,
    location: &LocationId,
) -> AppResult<crate::model::basket::ReservedHere> {
    type Row = (String, String, String, String, Option<String>, i64, i64);
    let directory = db.locations().await?;
    let Some(place) = directory
        .position(location.as_str())
        .and_then(|i| directory.locations.get(i))
    else {
        return Err(AppError::UnknownLocation {
            location: location.to_string(),
        });
    };
    let mut conn = db.pool.acquire().await?;
    let safety: Option<i64> =
        sqlx::query_scalar("SELECT safety FROM stock_levels WHERE sku = $1 AND location_id = $2")
            .bind(sku.as_str())
            .bind(location.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.reference, o.channel, COALESCE(f.kind, o.fulfilment), COALESCE(f.status, o.status), \
                f.pickup_location_id, r.quantity, r.created_at \
         FROM reservations r \
         JOIN order_lines l ON l.id = r.order_line_id \
         JOIN orders o ON o.id = l.order_id \
         LEFT JOIN order_fulfilments f ON f.id = l.fulfilment_id \
         WHERE r.sku = $1 AND r.location_id = $2 AND r.status = 'held' \
         ORDER BY r.created_at, r.id",
    )
    .bind(sku.as_str())
    .bind(location.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let holds = rows
        .into_iter()
        .map(
            |(reference, channel, kind, status, pickup, quantity, since_ms)| {
                crate::model::basket::StockHold {
                    reference,
                    channel: Channel::from_code(&channel),
                    fulfilment: Fulfilment::from_code(&kind).unwrap_or(Fulfilment::Collect),
                    status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Placed),
                    pickup_name: pickup
                        .as_deref()
                        .map(|id| super::catalog::name_in(&directory, id)),
                    quantity,
                    since_ms,
                }
            },
        )
        .collect();
    Ok(crate::model::basket::ReservedHere {
        sku: sku.to_string(),
        location_id: location.to_string(),
        location_name: place.name.clone(),
        safety: safety.unwrap_or(0),
        holds,
    })
}
