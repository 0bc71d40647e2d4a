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

/// Messages claimed at most at once: each claim and each mark of the sent
/// ones is one write in the writers' turn, shared by the whole batch.
pub const CLAIM_BATCH: i64 = 20;

/// Claims the oldest messages due (at most [`CLAIM_BATCH`]), for
/// `lease_ms`: no other worker takes them meanwhile. A worker that stops
/// while sending loses its claim when the lease ends, and the messages it
/// had not marked are sent again (with the same Message-ID, so that the
/// receiving side can recognise them).
pub async fn claim_due(
    db: &Db,
    channel: &str,
    worker: &str,
    lease_ms: i64,
) -> AppResult<Vec<Claimed>> {
    let now = now_ms();
    // In the writers' turn, like every write: on SQLite a write outside it
    // waits by polling, and a busy minute starved the worker.
    let mut tx = db.begin_write().await?;
    let mut claimed: Vec<Claimed> = sqlx::query_as(
        // A join, not `id IN (SELECT ...)`: SQLite reads the whole table
        // for the latter, and takes each row by its key for the former.
        "UPDATE outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
         FROM (SELECT id AS due_id FROM outbox \
               WHERE channel = $4 AND status = 'pending' AND next_attempt_at <= $3 \
                 AND (claimed_until IS NULL OR claimed_until < $3) \
               ORDER BY next_attempt_at, id LIMIT $5) AS due \
         WHERE outbox.id = due.due_id AND outbox.status = 'pending' \
           AND (outbox.claimed_until IS NULL OR outbox.claimed_until < $3) \
         RETURNING outbox.id AS id, outbox.recipient AS recipient, outbox.subject AS subject, \
                   outbox.body_text AS body_text, outbox.qr_text AS qr_text, \
                   outbox.attempts AS attempts, outbox.created_at AS created_at",
    )
    .bind(worker)
    .bind(now + lease_ms)
    .bind(now)
    .bind(channel)
    .bind(CLAIM_BATCH)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// What became of one claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted by the other side.
    Sent,
    /// Refused for good (an address that does not exist): not tried again.
    Refused(String),
    /// Not now (the other side is down or busy): tried again later, and
    /// the rest of the round waits too.
    Later(String),
}

/// One worker's round on `channel`: claims the messages due a batch at a
/// time, hands each to `send`, and records what became of them; returns
/// how many were sent. Stops at the first `Later` (the others would fail
/// too): they wait for the next round, their try not counted.
pub async fn deliver_due<F, Fut>(
    db: &Db,
    channel: &str,
    worker: &str,
    lease_ms: i64,
    send: F,
) -> AppResult<usize>
where
    F: Fn(Claimed) -> Fut,
    Fut: std::future::Future<Output = Delivery>,
{
    let mut sent = 0;
    loop {
        let batch = claim_due(db, channel, worker, lease_ms).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut delivered = Vec::with_capacity(batch.len());
        let mut untried = Vec::new();
        let mut stopped = false;
        for claimed in batch {
            if stopped {
                untried.push(claimed.id);
                continue;
            }
            let (id, attempts) = (claimed.id, claimed.attempts);
            match send(claimed).await {
                Delivery::Sent => delivered.push(id),
                Delivery::Refused(error) => {
                    tracing::warn!(id, channel, %error, "refused for good");
                    mark_failed(db, id, worker, &error).await?;
                }
                Delivery::Later(error) => {
                    tracing::warn!(id, channel, attempts, %error, "not delivered; tried again later");
                    mark_retry(db, id, attempts, worker, &error).await?;
                    stopped = true;
                }
            }
        }
        sent += mark_sent(db, &delivered, worker).await?;
        release(db, &untried, worker).await?;
        if stopped {
            return Ok(sent);
        }
    }
}

/// `count` parameters numbered from `$first`, for an `IN (...)` list.
fn id_list(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The other side accepted these messages. Only the worker holding the
/// claim marks them; returns how many it marked.
pub async fn mark_sent(db: &Db, ids: &[i64], worker: &str) -> AppResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "UPDATE outbox SET status = 'sent', sent_at = $1, claimed_by = NULL, claimed_until = NULL, \
                last_error = NULL \
         WHERE claimed_by = $2 AND status = 'pending' AND id IN ({})",
        id_list(3, ids.len())
    );
    let mut mark = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now_ms())
        .bind(worker);
    for id in ids {
        mark = mark.bind(*id);
    }
    let done = db.write_one(mark).await?;
    Ok(done.rows_affected() as usize)
}

/// Claimed but not tried (the round stopped first): given back at once,
/// the claim's try not counted.
async fn release(db: &Db, ids: &[i64], worker: &str) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, attempts = attempts - 1 \
         WHERE claimed_by = $1 AND status = 'pending' AND id IN ({})",
        id_list(2, ids.len())
    );
    let mut mark = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(worker);
    for id in ids {
        mark = mark.bind(*id);
    }
    db.write_one(mark).await?;
    Ok(())
}

/// The send failed for now (the mail server is down or busy): tried again
/// after a back-off that grows with the tries.
async fn mark_retry(db: &Db, id: i64, attempts: i64, worker: &str, error: &str) -> AppResult<()> {
    let mark = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1, claimed_by = NULL, claimed_until = NULL, last_error = $2 \
         WHERE id = $3 AND claimed_by = $4 AND status = 'pending'",
    )
    .bind(now_ms() + backoff_ms(attempts))
    .bind(truncated(error))
    .bind(id)
    .bind(worker);
    db.write_one(mark).await?;
    Ok(())
}

/// The mail server refused the message for good (an address that does not
/// exist): kept, with the reason, and not tried again.
async fn mark_failed(db: &Db, id: i64, worker: &str, error: &str) -> AppResult<()> {
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
