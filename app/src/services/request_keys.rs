//! Requests made once (migration 0005): a client may send a request again
//! when it cannot know whether the first one was done (the connection
//! dropped before the answer, a double tap). Named with the same key, the
//! later copies get the first one's answer and change nothing.
//!
//! The key is claimed inside the transaction that does the work and its
//! answer stored before the commit, so a key is on record exactly when its
//! work is. A copy arriving while the first is still running waits for it
//! (the claim's insert waits on the first one's row), then replays it; if
//! the first one failed, nothing was kept and the copy does the work itself.

use super::auth::sha256_hex;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::AnyConnection;

/// How long a key is remembered: far longer than any client retries.
const KEPT_FOR_MS: i64 = 24 * 60 * 60 * 1000;
/// Longest key accepted.
pub const MAX_KEY_CHARS: usize = 100;

/// One request's key, its owner, and what the request asked for.
#[derive(Debug, Clone)]
pub struct RequestKey {
    owner: String,
    key: String,
    fingerprint: String,
    /// Said to a person (a form) rather than to another system.
    for_a_person: bool,
}

impl RequestKey {
    /// `request` describes what is asked, field by field: the same key sent
    /// with a different request is refused, not answered with another's
    /// result.
    pub fn new(owner: &str, key: &str, request: &str) -> Result<Self, AppError> {
        let key = key.trim();
        if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(AppError::RequestKeyInvalid {
                max: MAX_KEY_CHARS as i64,
            });
        }
        Ok(Self {
            owner: owner.to_string(),
            key: key.to_string(),
            fingerprint: sha256_hex(request),
            for_a_person: false,
        })
    }

    /// The key of a person's form: reused with other figures, it is told
    /// in a person's words (the default speaks to other systems).
    pub fn from_a_form(mut self) -> Self {
        self.for_a_person = true;
        self
    }

    /// The refusal when the key was used for a different request.
    pub fn reused_error(&self) -> AppError {
        if self.for_a_person {
            AppError::FormAlreadySent
        } else {
            AppError::RequestKeyReused {
                key: self.key.clone(),
            }
        }
    }
}

/// What the claim found.
pub enum Claim<T> {
    /// The key is new: do the work, then [`store_answer`].
    First,
    /// The same request was done before: here is its answer.
    Replay(T),
    /// The key was used for a different request.
    OtherRequest,
}

/// Claims a key inside the caller's transaction.
pub async fn claim<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    key: &RequestKey,
) -> AppResult<Claim<T>> {
    claim_answered(conn, key, "").await
}

/// Claims a key whose answer is known before the work is done (JSON; an
/// empty text when it is not): kept with the claim, so that no
/// [`store_answer`] follows.
pub async fn claim_answered<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    key: &RequestKey,
    answer: &str,
) -> AppResult<Claim<T>> {
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO request_keys (owner, request_key, fingerprint, answer, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (owner, request_key) DO NOTHING",
    )
    .bind(&key.owner)
    .bind(&key.key)
    .bind(&key.fingerprint)
    .bind(answer)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        // Keys past their day are forgotten by the server's housekeeping
        // job ([`forget_old`]), not here: one statement less in every
        // transaction that carries a key.
        return Ok(Claim::First);
    }
    let (fingerprint, answer): (String, String) = sqlx::query_as(
        "SELECT fingerprint, answer FROM request_keys WHERE owner = $1 AND request_key = $2",
    )
    .bind(&key.owner)
    .bind(&key.key)
    .fetch_one(&mut *conn)
    .await?;
    if fingerprint != key.fingerprint {
        return Ok(Claim::OtherRequest);
    }
    serde_json::from_str(&answer)
        .map(Claim::Replay)
        .map_err(|err| {
            tracing::error!(error = %err, key = key.key, "stored answer unreadable");
            AppError::Internal
        })
}

/// Gives a claimed key up inside a transaction that commits without doing
/// the work (a refusal that still records something, like a wrong code's
/// try): a copy of the request is then refused again, not answered.
pub async fn unclaim(conn: &mut AnyConnection, key: &RequestKey) -> AppResult<()> {
    sqlx::query("DELETE FROM request_keys WHERE owner = $1 AND request_key = $2")
        .bind(&key.owner)
        .bind(&key.key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets the keys older than a day (an indexed range, usually small):
/// run now and then by the server's housekeeping job. Returns how many.
pub async fn forget_old(db: &crate::db::Db) -> AppResult<u64> {
    let forgotten = db
        .write_one(
            sqlx::query("DELETE FROM request_keys WHERE created_at < $1")
                .bind(now_ms() - KEPT_FOR_MS),
        )
        .await?
        .rows_affected();
    Ok(forgotten)
}

/// Keeps the answer of a claimed key, before the caller commits.
pub async fn store_answer<T: Serialize>(
    conn: &mut AnyConnection,
    key: &RequestKey,
    answer: &T,
) -> AppResult<()> {
    let answer = serde_json::to_string(answer).map_err(|err| {
        tracing::error!(error = %err, "answer not serialisable");
        AppError::Internal
    })?;
    sqlx::query("UPDATE request_keys SET answer = $1 WHERE owner = $2 AND request_key = $3")
        .bind(answer)
        .bind(&key.owner)
        .bind(&key.key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(RequestKey::new("api:1", "order-42/line-1", "x").is_ok());
        assert_eq!(
            RequestKey::new("api:1", "  abc  ", "x").map(|k| k.key),
            Ok("abc".to_string())
        );
        for bad in ["", "   ", "a b", "clé", &"k".repeat(MAX_KEY_CHARS + 1)] {
            assert!(RequestKey::new("api:1", bad, "x").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_request_is_kept_as_a_fingerprint() {
        let a = RequestKey::new("api:1", "k", "sale of 2").expect("valid");
        let b = RequestKey::new("api:1", "k", "sale of 3").expect("valid");
        assert_ne!(a.fingerprint, b.fingerprint);
        assert_eq!(a.fingerprint.len(), 64);
    }
}
