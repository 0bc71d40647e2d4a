//! The outbox: messages to customers, queued in the transaction of the
//! change they announce and delivered afterwards by a worker (the
//! server's `mail` module). Each step is one conditional statement, so
//! several workers (several servers) can share the table: a message is
//! claimed by one of them for a while, and marked sent only by the worker
//! holding the claim.

use crate::db::{Db, now_ms};
use crate::domain::Lang;
use crate::domain::customer::mask_email;
use crate::error::AppResult;
use crate::model::basket::MessageView;
use sqlx::AnyConnection;

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// `order_confirmation`, ...
    pub kind: &'static str,
    /// What it is about: one message per kind and subject, however often
    /// the change is replayed.
    pub subject_key: String,
    pub order_id: Option<i64>,
    pub recipient: String,
    pub lang: Lang,
    pub subject: String,
    pub body_text: String,
    /// Text to show as a QR code beside the message (a pickup code).
    pub qr_text: Option<String>,
}

/// The outbox's channels: e-mail to customers, webhooks to other systems.
pub const EMAIL: &str = "email";
pub const WEBHOOK: &str = "webhook";

/// Queues `message` in the caller's transaction. A second message of the
/// same kind about the same thing is not queued.
pub async fn enqueue(conn: &mut AnyConnection, message: &NewMessage) -> AppResult<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO outbox (kind, subject_key, order_id, recipient, lang, subject, body_text, status, \
                             attempts, next_attempt_at, created_at, qr_text, channel) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8, $9, $10) \
         ON CONFLICT (kind, subject_key) DO NOTHING",
    )
    .bind(message.kind)
    .bind(message.subject_key.as_str())
    .bind(message.order_id)
    .bind(message.recipient.as_str())
    .bind(message.lang.code())
    .bind(message.subject.as_str())
    .bind(message.body_text.as_str())
    .bind(now)
    .bind(message.qr_text.as_deref())
    .bind(EMAIL)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A message a worker has claimed, to send.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub qr_text: Option<String>,
    /// Tries so far, this one included.
    pub attempts: i64,
    pub created_at: i64,
}

/// Claims the oldest message due, for `lease_ms`: no other worker takes
/// it meanwhile. A worker that stops while sending loses its claim when
/// the lease ends, and the message is sent again (with the same
/// Message-ID, so that the receiving side can recognise it).
pub async fn claim_next(
    db: &Db,
    channel: &str,
    worker: &str,
    lease_ms: i64,
) -> AppResult<Option<Claimed>> {
    let now = now_ms();
    // In the writers' turn, like every write: on SQLite a write outside it
    // waits by polling, and a busy minute starved the worker.
    let mut tx = db.begin_write().await?;
    let claimed: Option<Claimed> = sqlx::query_as(
        "UPDATE outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM outbox \
                     WHERE channel = $4 AND status = 'pending' AND next_attempt_at <= $3 \
                       AND (claimed_until IS NULL OR claimed_until < $3) \
                     ORDER BY next_attempt_at, id LIMIT 1) \
           AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < $3) \
         RETURNING id, recipient, subject, body_text, qr_text, attempts, created_at",
    )
    .bind(worker)
    .bind(now + lease_ms)
    .bind(now)
    .bind(channel)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// The mail server accepted the message. Only the worker holding the claim
/// marks it; returns whether it did.
pub async fn mark_sent(db: &Db, id: i64, worker: &str) -> AppResult<bool> {
    let mark = sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, claimed_by = NULL, claimed_until = NULL, \
                last_error = NULL \
         WHERE id = $2 AND claimed_by = $3 AND status = 'pending'",
    )
    .bind(now_ms())
    .bind(id)
    .bind(worker);
    let done = db.write_one(mark).await?;
    Ok(done.rows_affected() == 1)
}

/// The send failed for now (the mail server is down or busy): tried again
/// after a back-off that grows with the tries.
pub async fn mark_retry(db: &Db, claimed: &Claimed, worker: &str, error: &str) -> AppResult<()> {
    let mark = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1, claimed_by = NULL, claimed_until = NULL, last_error = $2 \
         WHERE id = $3 AND claimed_by = $4 AND status = 'pending'",
    )
    .bind(now_ms() + backoff_ms(claimed.attempts))
    .bind(truncated(error))
    .bind(claimed.id)
    .bind(worker);
    db.write_one(mark).await?;
    Ok(())
}

/// The mail server refused the message for good (an address that does not
/// exist): kept, with the reason, and not tried again.
pub async fn mark_failed(db: &Db, id: i64, worker: &str, error: &str) -> AppResult<()> {
    let mark = sqlx::query(
        "UPDATE outbox SET status = 'failed', claimed_by = NULL, claimed_until = NULL, last_error = $1 \
         WHERE id = $2 AND claimed_by = $3 AND status = 'pending'",
    )
    .bind(truncated(error))
    .bind(id)
    .bind(worker);
    db.write_one(mark).await?;
    Ok(())
}

/// The wait before the next try: 5 s after the first failure, doubling,
/// at most 15 minutes. A message is never given up for a server that is
/// down: it waits for it.
pub fn backoff_ms(attempts: i64) -> i64 {
    const FIRST_MS: i64 = 5_000;
    const MOST_MS: i64 = 15 * 60_000;
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    FIRST_MS.saturating_mul(1_i64 << doublings).min(MOST_MS)
}

fn truncated(error: &str) -> String {
    error.chars().take(500).collect()
}

/// The messages about an order, oldest first, as staff see them.
pub async fn for_order(conn: &mut AnyConnection, order_id: i64) -> AppResult<Vec<MessageView>> {
    type Row = (String, String, String, i64, Option<i64>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT kind, recipient, status, attempts, sent_at, last_error FROM outbox \
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(kind, recipient, status, attempts, sent_at, last_error)| MessageView {
                kind,
                recipient_masked: mask_email(&recipient),
                status,
                attempts,
                sent_at,
                last_error,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_quarter_of_an_hour() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(3), 20_000);
        assert_eq!(backoff_ms(8), 640_000);
        assert_eq!(backoff_ms(9), 900_000);
        assert_eq!(backoff_ms(500), 900_000);
        assert_eq!(backoff_ms(0), 5_000);
    }
}
