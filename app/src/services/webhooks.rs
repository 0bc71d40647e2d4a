//! Webhooks: other systems that asked to be told of order changes get a
//! signed POST for each, queued in the outbox in the change's own
//! transaction (so a change and its notice are kept together, or neither)
//! and delivered by the server's worker, retried while they are down.

use crate::db::{Db, now_ms};
use crate::error::AppResult;
use crate::model::pickup::PickupEvent;
use sqlx::AnyConnection;

/// The outbox kind of an order change sent to a webhook.
pub const ORDER_EVENT: &str = "order_event";

/// Registers (or re-keys) the URL told of every order change.
pub async fn subscribe(db: &Db, url: &str, secret: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO webhook_subscriptions (url, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (url) DO UPDATE SET secret = $2",
    )
    .bind(url.trim())
    .bind(secret)
    .bind(now_ms())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The secret a URL's deliveries are signed with.
pub async fn secret_of(db: &Db, url: &str) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT secret FROM webhook_subscriptions WHERE url = $1")
            .bind(url)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Queues `events` for every subscriber, inside the caller's transaction.
pub async fn enqueue(conn: &mut AnyConnection, events: &[PickupEvent]) -> AppResult<()> {
    let events: Vec<&PickupEvent> = events.iter().filter(|e| !e.change.is_internal()).collect();
    if events.is_empty() {
        return Ok(());
    }
    // One statement per event, whoever subscribed (no one, most often):
    // the subscribers are not read first.
    for event in &events {
        let body = serde_json::to_string(event).map_err(|err| {
            tracing::error!(error = %err, "order event not serialisable");
            crate::error::AppError::Internal
        })?;
        // After the subscriber's id: one delivery per subscriber and change.
        let key_tail = format!(
            ":{}:{}:{}:{:?}:{}",
            event.location_id,
            event.reference,
            event.status.as_str(),
            event.change,
            event.at_ms
        );
        sqlx::query(
            "INSERT INTO outbox (kind, subject_key, order_id, recipient, lang, subject, body_text, status, \
                                 attempts, next_attempt_at, created_at, channel) \
             SELECT $1, CAST(id AS TEXT) || $2, NULL, url, 'en', $3, $4, 'pending', 0, $5, $5, $6 \
             FROM webhook_subscriptions WHERE TRUE ORDER BY id \
             ON CONFLICT (kind, subject_key) DO NOTHING",
        )
        .bind(ORDER_EVENT)
        .bind(key_tail)
        .bind(format!("order {}", event.reference))
        .bind(body)
        .bind(now_ms())
        .bind(super::outbox::WEBHOOK)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
