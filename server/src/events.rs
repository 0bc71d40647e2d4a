//! `/api/events`: live stock events over server-sent events.
//!
//! A client may filter by product. On reconnection it sends the last event
//! id it saw (the browser does so by itself) and first receives the ledger
//! lines it missed, or a `resync` event when it missed too many.

use crate::api_v1::ApiCaller;
use app::domain::stock::StockEvent;
use app::services::events::events_since;
use app::state::{AppState, RequestUser};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// Most missed events replayed on reconnection; beyond, the client reloads.
const MAX_REPLAY: i64 = 1000;

#[derive(Deserialize, Default)]
pub struct EventFilter {
    product: Option<String>,
    last_event_id: Option<i64>,
}

pub async fn stream(
    State(state): State<AppState>,
    Extension(RequestUser(user)): Extension<RequestUser>,
    headers: HeaderMap,
    Query(filter): Query<EventFilter>,
) -> Response {
    // Staff and kiosks with a session, or other systems with an API key.
    if user.is_none() && ApiCaller::from_headers(&state, &headers).await.is_err() {
        return (
            StatusCode::UNAUTHORIZED,
            "Sign in or give an API key to follow live stock.",
        )
            .into_response();
    }
    let product = filter.product.filter(|p| !p.is_empty());
    let resume_from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(filter.last_event_id);

    // Subscribe before reading the ledger so nothing falls in between.
    let live = BroadcastStream::new(state.events.subscribe());
    let mut replay: Vec<Event> = Vec::new();
    let mut replayed: HashSet<i64> = HashSet::new();
    if let Some(after) = resume_from {
        match events_since(&state.db, after, product.as_deref(), MAX_REPLAY + 1).await {
            Ok(missed) if missed.len() as i64 > MAX_REPLAY => replay.push(resync_event()),
            Ok(missed) => {
                for event in missed {
                    replayed.insert(event.seq);
                    replay.push(stock_event(&event));
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "replay failed; asking the client to resync");
                replay.push(resync_event());
            }
        }
    }
    let hello = Event::default()
        .retry(Duration::from_millis(1000))
        .comment("live stock");
    let live = live.filter_map(move |item| {
        let out = match item {
            Ok(event) if matches(&event, product.as_deref()) && !replayed.contains(&event.seq) => {
                Some(stock_event(&event))
            }
            Ok(_) => None,
            // This client fell behind the bus: it must reload.
            Err(BroadcastStreamRecvError::Lagged(_)) => Some(resync_event()),
        };
        std::future::ready(out)
    });
    let events: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> = Box::pin(
        stream::iter(std::iter::once(hello).chain(replay))
            .chain(live)
            .map(Ok),
    );
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn matches(event: &Arc<StockEvent>, product: Option<&str>) -> bool {
    product.is_none_or(|p| event.product_id == p)
}

fn stock_event(event: &StockEvent) -> Event {
    let data = serde_json::to_string(event).unwrap_or_default();
    Event::default()
        .event("stock")
        .id(event.seq.to_string())
        .data(data)
}

fn resync_event() -> Event {
    Event::default().event("resync").data("{}")
}

#[derive(Deserialize, Default)]
pub struct PickupFilter {
    location: Option<String>,
}

/// `/api/pickups/events`: the changes of the caller's shop's orders to
/// collect, for its staff's screens. Nothing is replayed: a screen reloads
/// its queue whenever the link (re)opens.
pub async fn pickup_stream(
    State(state): State<AppState>,
    Extension(RequestUser(user)): Extension<RequestUser>,
) -> Response {
    let Some(user) = user.filter(|u| u.user.role.is_staff()) else {
        return (
            StatusCode::UNAUTHORIZED,
            "Sign in as a shop's staff to follow its orders to collect.",
        )
            .into_response();
    };
    pickup_events(&state, Some(user.user.location_id), "pickup", true)
}

/// `/api/v1/orders/events`: the same changes, for other systems with an
/// API key, every shop's or one's.
pub async fn order_stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(filter): Query<PickupFilter>,
) -> Response {
    if let Err(error) = ApiCaller::from_headers(&state, &headers).await {
        return error.into_response();
    }
    let location = filter.location.filter(|l| !l.trim().is_empty());
    pickup_events(&state, location, "order", false)
}

/// The shop's screens hear every change; other systems only the order's
/// own (not the shop's approvals).
fn pickup_events(
    state: &AppState,
    location: Option<String>,
    name: &'static str,
    internal_too: bool,
) -> Response {
    let live = BroadcastStream::new(state.events.subscribe_pickups());
    let hello = Event::default()
        .retry(Duration::from_millis(1000))
        .comment("live orders to collect");
    let live = live.filter_map(move |item| {
        let out = match item {
            Ok(event)
                if location.as_deref().is_none_or(|l| l == event.location_id)
                    && (internal_too || !event.change.is_internal()) =>
            {
                Some(
                    Event::default()
                        .event(name)
                        .data(serde_json::to_string(&*event).unwrap_or_default()),
                )
            }
            Ok(_) => None,
            Err(BroadcastStreamRecvError::Lagged(_)) => Some(resync_event()),
        };
        std::future::ready(out)
    });
    let events: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(stream::once(std::future::ready(hello)).chain(live).map(Ok));
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
