//! `/api/v1`: JSON for other systems (the web shop, the ERP), with an API
//! key in `Authorization: Bearer <key>` or `X-Api-Key`.

use app::domain::stock::{Movement, MovementKind};
use app::domain::{LocationId, Quantity, Sku};
use app::error::AppError;
use app::model::{Location, LocationKind};
use app::services::Actor;
use app::services::auth::ApiClient;
use app::services::request_keys::{MAX_KEY_CHARS, RequestKey};
use app::services::{catalog, stock};
use app::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/locations", get(locations))
        .route("/stock/{sku}", get(stock_of_sku))
        .route("/stock/movements", post(post_movement))
        .route("/orders", post(crate::api_orders::post_order))
        .route("/orders/events", get(crate::events::order_stream))
        .route("/orders/{reference}", get(crate::api_orders::get_order))
        .route(
            "/orders/{reference}/payment",
            post(crate::api_orders::post_payment),
        )
        .route(
            "/orders/{reference}/shipment",
            post(crate::api_orders::post_shipment),
        )
        .route("/customers", get(crate::api_customers::find_customers))
        .route(
            "/customers/{id}",
            get(crate::api_customers::get_customer).put(crate::api_customers::put_customer),
        )
        // Said explicitly: the app's server functions catch `/api/*` otherwise.
        .route("/{*rest}", any(not_found))
        .fallback(not_found)
}

/// An error as JSON: `{"error": {"code": "conflict", "reason":
/// "not_enough_stock", "message": "Only 2 available...", "params":
/// {"available": 2}}}`. `code` is the broad kind (stable since the first
/// version), `reason` the precise stable code, `params` its figures, and
/// `message` says it in English.
pub struct ApiError(pub AppError);

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    reason: String,
    message: String,
    params: serde_json::Map<String, serde_json::Value>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        error_response(&self.0, status)
    }
}

/// The JSON form of `error`, with `status`.
pub fn error_response(error: &AppError, status: StatusCode) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: error.code(),
            reason: error.reason(),
            message: error.to_string(),
            params: error.params(),
        },
    };
    (status, Json(body)).into_response()
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

/// The system calling, identified by its key.
pub struct ApiCaller(pub ApiClient);

impl ApiCaller {
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Self, ApiError> {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let key = bearer
            .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))
            .map(str::trim)
            .filter(|k| !k.is_empty());
        let Some(key) = key else {
            return Err(ApiError(AppError::ApiKeyMissing));
        };
        match state.api_keys.client(&state.db, key).await? {
            Some(client) => Ok(Self(client)),
            None => Err(ApiError(AppError::ApiKeyInvalid)),
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Self::from_headers(state, &parts.headers).await
    }
}

async fn not_found() -> ApiError {
    ApiError(AppError::UnknownEndpoint)
}

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}

/// `GET /stock/{sku}`: figures by location id. Names and places of the
/// locations are at `GET /locations`: a web shop polling stock does not need
/// them with every answer (at 202 locations they were half of each body).
#[derive(Serialize)]
struct StockBody<'a> {
    sku: &'a str,
    ean: &'a str,
    product_id: &'a str,
    product_name: &'a str,
    colour: &'a str,
    size: &'a str,
    price_cents: i64,
    locations: Vec<LevelBody<'a>>,
}

#[derive(Serialize)]
struct LevelBody<'a> {
    location_id: &'a str,
    kind: LocationKind,
    on_hand: i64,
    reserved: i64,
    safety: i64,
    available: i64,
    last_seq: i64,
}

async fn stock_of_sku(
    _caller: ApiCaller,
    State(state): State<AppState>,
    Path(sku): Path<String>,
) -> Result<Response, ApiError> {
    let sku = Sku::parse(&sku)?;
    let levels = catalog::sku_levels(&state.db, &sku).await?;
    let body = StockBody {
        sku: &levels.sku,
        ean: &levels.ean,
        product_id: &levels.product_id,
        product_name: &levels.product_name,
        colour: &levels.colour,
        size: &levels.size,
        price_cents: levels.price_cents,
        locations: levels
            .directory
            .locations
            .iter()
            .zip(&levels.figures)
            .map(|(place, &(figures, last_seq))| LevelBody {
                location_id: &place.id,
                kind: place.kind,
                on_hand: figures.on_hand,
                reserved: figures.reserved,
                safety: figures.safety,
                available: figures.available(),
                last_seq,
            })
            .collect(),
    };
    // Sized up front: at 202 locations the answer is about 19 KB, and
    // growing a buffer from empty copied it several times over.
    let mut bytes = Vec::with_capacity(256 + 100 * body.locations.len());
    serde_json::to_writer(&mut bytes, &body).map_err(|err| {
        tracing::error!(%err, "stock answer not serialised");
        AppError::Internal
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// `GET /locations`: every shop and warehouse.
async fn locations(
    _caller: ApiCaller,
    State(state): State<AppState>,
) -> Result<Json<Vec<Location>>, ApiError> {
    Ok(Json(catalog::locations(&state.db).await?))
}

/// A movement posted by another system.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovementBody {
    pub sku: String,
    pub location_id: String,
    /// `receipt`, `sale`, `return` or `adjustment`.
    pub kind: String,
    /// Items; signed for an adjustment.
    pub quantity: i64,
    pub reason: Option<String>,
    pub reference: Option<String>,
}

/// The header naming a request that may be sent again (IETF draft
/// "The Idempotency-Key HTTP Header Field").
const IDEMPOTENCY_KEY: &str = "idempotency-key";

async fn post_movement(
    ApiCaller(client): ApiCaller,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<MovementBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|rejection| AppError::Malformed {
        detail: rejection.body_text(),
    })?;
    let what = format!(
        "{}|{}|{}|{}|{:?}|{:?}",
        body.sku, body.location_id, body.kind, body.quantity, body.reason, body.reference
    );
    let once = request_key(&headers, &client, &what)?;
    let sku = Sku::parse(&body.sku)?;
    let location = LocationId::parse(&body.location_id)?;
    let kind = MovementKind::parse(&body.kind)?;
    let quantity = || Quantity::new(body.quantity);
    let movement = match kind {
        MovementKind::Receipt => Movement::Receipt(quantity()?),
        MovementKind::Sale => Movement::Sale(quantity()?),
        MovementKind::Return => Movement::Return(quantity()?),
        MovementKind::Adjustment => Movement::adjustment(body.quantity)?,
        other => {
            return Err(ApiError(AppError::MovementNotForApi {
                kind: other.as_str().to_string(),
            }));
        }
    };
    let actor = Actor::new(format!("api:{}", client.name), "api");
    let request = stock::MovementRequest {
        sku,
        location,
        movement,
        reason: body.reason,
        reference: body.reference,
    };
    let done =
        stock::record_movement(&state.db, &state.events, request, &actor, once.as_ref()).await?;
    Ok(replay_marked(
        (StatusCode::CREATED, Json(done.value)).into_response(),
        done.replayed,
    ))
}

/// The request's `Idempotency-Key`, if it has one, owned by the calling
/// system; `what` describes the request, so that the same key sent with
/// another request is refused.
pub fn request_key(
    headers: &HeaderMap,
    client: &ApiClient,
    what: &str,
) -> Result<Option<RequestKey>, AppError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().map_err(|_| AppError::RequestKeyInvalid {
        max: MAX_KEY_CHARS as i64,
    })?;
    RequestKey::new(&format!("api:{}", client.id), key, what).map(Some)
}

/// Marks an answer given again for a copy of an earlier request.
pub fn replay_marked(mut response: Response, replayed: bool) -> Response {
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}
