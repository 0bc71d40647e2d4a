//! `/api/v1/orders`: the web shop places orders (stock reserved the same
//! way as for an order taken in a shop), reads them back, and confirms
//! their payment by link.

use crate::api_v1::{ApiCaller, ApiError, error_response, replay_marked, request_key};
use app::domain::basket::{DiscountPercent, PaymentMethod, PaymentStatus};
use app::domain::order::{Channel, Fulfilment, OrderStatus};
use app::domain::{Lang, LocationId, Quantity, Sku};
use app::error::{AppError, ErrorClass};
use app::model::basket::{OrderReceipt, ShipAddress};
use app::services::Actor;
use app::services::orders::payment::{self, PaymentConfirmation};
use app::services::orders::{LineRequest, OrderRequest, PaymentRequest};
use app::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// What the web shop sends to place an order.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    pub lines: Vec<LineBody>,
    pub fulfilment: FulfilmentBody,
    /// A customer known to the chain (`/customers`), or none (a guest).
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// Where the confirmation goes; the customer's own by default.
    #[serde(default)]
    pub email: Option<String>,
    /// `fr` (default) or `en`: the language of what the customer receives.
    #[serde(default)]
    pub lang: Option<String>,
    pub payment: PaymentBody,
    /// What the customer paid for delivery (ship), part of the total;
    /// given back only when the whole order comes back or an item was
    /// defective.
    #[serde(default)]
    pub delivery_fee_cents: Option<i64>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FulfilmentBody {
    /// `ship` or `collect`.
    pub kind: String,
    /// Collect: the shop's location id.
    #[serde(default)]
    pub shop: Option<String>,
    /// Ship: where to.
    #[serde(default)]
    pub address: Option<AddressBody>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// `paid` (on the web shop, with its reference) or `awaiting` (a
    /// payment link: unpaid by the deadline, the order is cancelled).
    pub status: String,
    #[serde(default)]
    pub reference: Option<String>,
}

/// What the web shop relays of the carrier's news.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipmentBody {
    /// `shipped` (the parcel left) or `delivered` (the customer has it).
    pub status: String,
}

/// What the web shop sends to confirm a payment by link.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentConfirmationBody {
    pub reference: String,
    pub amount_cents: i64,
}

/// An order as the API shows it.
#[derive(Debug, Serialize)]
pub struct OrderAnswer {
    reference: String,
    channel: Channel,
    status: OrderStatus,
    payment_status: PaymentStatus,
    /// Unpaid by this moment (ms since the epoch), the order is cancelled.
    pay_by: Option<i64>,
    customer_id: Option<i64>,
    email: Option<String>,
    lang: Lang,
    /// What the order costs in all, delivery fee included.
    total_cents: i64,
    discount_cents: i64,
    delivery_fee_cents: i64,
    /// Given back so far (returns, and units the customer did not get).
    refunded_cents: i64,
    created_at: i64,
    fulfilments: Vec<FulfilmentAnswer>,
    returns: Vec<ReturnAnswer>,
}

/// A return of the order, taken back in a shop.
#[derive(Debug, Serialize)]
struct ReturnAnswer {
    reference: String,
    location_id: String,
    created_at: i64,
    refund_cents: i64,
    refund_method: app::domain::returns::RefundMethod,
    delivery_fee_cents: i64,
    exchange_reference: Option<String>,
    lines: Vec<ReturnLineAnswer>,
}

#[derive(Debug, Serialize)]
struct ReturnLineAnswer {
    sku: String,
    quantity: i64,
    reason: app::domain::returns::ReturnReason,
    condition: app::domain::returns::ItemCondition,
    disposition: app::domain::returns::Disposition,
    refund_cents: i64,
}

#[derive(Debug, Serialize)]
struct FulfilmentAnswer {
    #[serde(skip)]
    group_no: i64,
    kind: Fulfilment,
    status: OrderStatus,
    source_location_id: Option<String>,
    pickup_location_id: Option<String>,
    ship_address: Option<String>,
    promised_at: Option<i64>,
    /// Collect only: where the order stands on its way to the customer.
    pickup: Option<PickupAnswer>,
    lines: Vec<LineAnswer>,
}

#[derive(Debug, Serialize)]
struct PickupAnswer {
    /// The code the customer collects with, once ready: for the web shop
    /// to show in the customer's account.
    code: Option<String>,
    sent_at: Option<i64>,
    received_at: Option<i64>,
    ready_at: Option<i64>,
    collect_by: Option<i64>,
    collected_at: Option<i64>,
}

#[derive(Debug, Serialize)]
struct LineAnswer {
    sku: String,
    quantity: i64,
    unit_price_cents: i64,
    discount_cents: i64,
    total_cents: i64,
    handed_over_quantity: i64,
    cancelled_quantity: i64,
    returned_quantity: i64,
}

impl From<OrderReceipt> for OrderAnswer {
    fn from(order: OrderReceipt) -> Self {
        let total_cents = order.to_pay().0;
        Self {
            reference: order.reference,
            channel: order.channel,
            status: order.status,
            payment_status: order.payment_status,
            pay_by: order.pay_by,
            customer_id: order.customer_id,
            email: order.contact_email,
            lang: order.lang,
            total_cents,
            discount_cents: order.totals.discount.0,
            delivery_fee_cents: order.delivery_fee.0,
            refunded_cents: 0,
            created_at: order.created_at,
            returns: Vec::new(),
            fulfilments: order
                .fulfilments
                .into_iter()
                .map(|f| FulfilmentAnswer {
                    group_no: f.group_no,
                    kind: f.kind,
                    status: f.status,
                    source_location_id: f.source_location_id,
                    pickup_location_id: f.pickup_location_id,
                    ship_address: f.ship_address,
                    promised_at: f.promised_at,
                    pickup: (f.kind == Fulfilment::Collect).then_some(PickupAnswer {
                        code: None,
                        sent_at: f.sent_at,
                        received_at: f.received_at,
                        ready_at: f.ready_at,
                        collect_by: f.collect_by,
                        collected_at: f.collected_at,
                    }),
                    lines: f
                        .lines
                        .into_iter()
                        .map(|l| LineAnswer {
                            sku: l.sku,
                            quantity: l.quantity,
                            unit_price_cents: l.unit_price.0,
                            discount_cents: l.discount.0,
                            total_cents: l.net.0,
                            handed_over_quantity: l.handed_over,
                            cancelled_quantity: l.cancelled,
                            returned_quantity: l.returned,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl OrderAnswer {
    /// Fills in the order's returns and what was given back.
    fn show_returns(
        &mut self,
        refunded: app::domain::Cents,
        returns: Vec<app::model::returns::ReturnReceipt>,
    ) {
        self.refunded_cents = refunded.0;
        self.returns = returns
            .into_iter()
            .map(|r| ReturnAnswer {
                reference: r.reference,
                location_id: r.location_id,
                created_at: r.created_at,
                refund_cents: r.refund.0,
                refund_method: r.refund_method,
                delivery_fee_cents: r.delivery_fee.0,
                exchange_reference: r.exchange_reference,
                lines: r
                    .lines
                    .into_iter()
                    .map(|l| ReturnLineAnswer {
                        sku: l.sku,
                        quantity: l.quantity,
                        reason: l.reason,
                        condition: l.condition,
                        disposition: l.disposition,
                        refund_cents: l.refund.0,
                    })
                    .collect(),
            })
            .collect();
    }

    /// Fills in the pickup codes of ready fulfilments, by their number.
    fn show_codes(&mut self, codes: &[(i64, String)]) {
        for answer in &mut self.fulfilments {
            let group_no = answer.group_no;
            if let Some(pickup) = answer.pickup.as_mut() {
                pickup.code = codes
                    .iter()
                    .find(|(g, _)| *g == group_no)
                    .map(|(_, code)| code.clone());
            }
        }
    }
}

/// A refusal of what the body says: a SKU, shop or customer it names that
/// does not exist is bad input (422), not a missing resource (404).
pub struct BodyError(AppError);

impl From<AppError> for BodyError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        let status = if self.0.class() == ErrorClass::NotFound {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        };
        error_response(&self.0, status)
    }
}

fn order_request(body: &OrderBody) -> Result<OrderRequest, AppError> {
    let fulfilment = match body.fulfilment.kind.trim() {
        "ship" => Fulfilment::Ship,
        "collect" => Fulfilment::Collect,
        other => {
            return Err(AppError::NotAFulfilment {
                text: other.to_string(),
            });
        }
    };
    let pickup = match fulfilment {
        Fulfilment::Collect => Some(LocationId::parse(
            body.fulfilment
                .shop
                .as_deref()
                .ok_or(AppError::PickupShopRequired)?,
        )?),
        _ => None,
    };
    let ship = match fulfilment {
        Fulfilment::Ship => body.fulfilment.address.as_ref().map(|a| ShipAddress {
            name: a.name.clone(),
            street: a.street.clone(),
            postcode: a.postcode.clone(),
            city: a.city.clone(),
        }),
        _ => None,
    };
    let mut lines = Vec::with_capacity(body.lines.len());
    for line in &body.lines {
        lines.push(LineRequest {
            sku: Sku::parse(&line.sku)?,
            quantity: Quantity::new(line.quantity)?,
            fulfilment,
            pickup: pickup.clone(),
            source: None,
            discount: DiscountPercent::default(),
            approval_id: None,
        });
    }
    let lang = match body.lang.as_deref() {
        None => Lang::Fr,
        Some(code) => Lang::parse(code).ok_or_else(|| AppError::UnknownLanguage {
            text: code.to_string(),
        })?,
    };
    let payment = match body.payment.status.trim() {
        "paid" => PaymentRequest {
            method: PaymentMethod::Web,
            reference: body.payment.reference.clone(),
            paid: true,
        },
        "awaiting" => PaymentRequest {
            method: PaymentMethod::Link,
            reference: body.payment.reference.clone(),
            paid: false,
        },
        other => {
            return Err(AppError::NotAPaymentMethod {
                text: other.to_string(),
            });
        }
    };
    if payment.paid
        && payment
            .reference
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        return Err(AppError::PaymentReferenceRequired);
    }
    Ok(OrderRequest {
        channel: Channel::Web,
        selling: None,
        customer_id: body.customer_id,
        contact_email: body.email.clone(),
        lang,
        ship,
        lines,
        payment,
        basket_id: None,
        credits: Vec::new(),
        delivery_fee: app::domain::Cents(body.delivery_fee_cents.unwrap_or(0)),
    })
}

/// `POST /orders`
pub async fn post_order(
    ApiCaller(client): ApiCaller,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<OrderBody>, JsonRejection>,
) -> Result<Response, BodyError> {
    let Json(body) = body.map_err(|rejection| AppError::Malformed {
        detail: rejection.body_text(),
    })?;
    let what = serde_json::to_string(&body).unwrap_or_default();
    let once = request_key(&headers, &client, &what)?.ok_or(AppError::IdempotencyKeyRequired)?;
    let request = order_request(&body)?;
    let actor = Actor::new(format!("api:{}", client.name), "api");
    let done = payment::place_once(&state.db, &state.events, &request, &actor, &once).await?;
    Ok(replay_marked(
        (StatusCode::CREATED, Json(OrderAnswer::from(done.value))).into_response(),
        done.replayed,
    ))
}

/// `GET /orders/{reference}`
pub async fn get_order(
    _caller: ApiCaller,
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Response, ApiError> {
    let order = payment::by_reference(&state.db, &reference).await?;
    let codes = app::services::pickups::codes_to_show(&state.db, order.order_id).await?;
    let (refunded, returns) = app::services::returns::of_order(&state.db, order.order_id).await?;
    let mut answer = OrderAnswer::from(order);
    answer.show_codes(&codes);
    answer.show_returns(refunded, returns);
    Ok(Json(answer).into_response())
}

/// `POST /orders/{reference}/payment`
pub async fn post_payment(
    ApiCaller(client): ApiCaller,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    body: Result<Json<PaymentConfirmationBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|rejection| AppError::Malformed {
        detail: rejection.body_text(),
    })?;
    let actor = Actor::new(format!("api:{}", client.name), "api");
    let confirmation = PaymentConfirmation {
        reference: body.reference,
        amount_cents: body.amount_cents,
    };
    let done = payment::confirm_payment(&state.db, &reference, &confirmation, &actor).await?;
    Ok(replay_marked(
        Json(OrderAnswer::from(done.value)).into_response(),
        done.replayed,
    ))
}

/// `POST /orders/{reference}/shipment`
pub async fn post_shipment(
    ApiCaller(client): ApiCaller,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    body: Result<Json<ShipmentBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    use app::services::orders::shipping::{ShipmentStep, record_shipment};
    let Json(body) = body.map_err(|rejection| AppError::Malformed {
        detail: rejection.body_text(),
    })?;
    let step = match body.status.trim() {
        "shipped" => ShipmentStep::Shipped,
        "delivered" => ShipmentStep::Delivered,
        other => {
            return Err(AppError::Malformed {
                detail: format!("'{other}' is neither shipped nor delivered"),
            }
            .into());
        }
    };
    let actor = Actor::new(format!("api:{}", client.name), "api");
    let order = record_shipment(&state.db, &state.events, &reference, step, &actor).await?;
    Ok(Json(OrderAnswer::from(order)).into_response())
}
