//! Delivers the outbox's webhooks: each a POST of the change as JSON to
//! the subscriber's URL, signed with its secret (`X-WebInStore-Signature:
//! sha256=<hex HMAC of the body>`), named by its outbox row
//! (`X-WebInStore-Delivery`) so that a receiver can drop a second copy.
//! A 2xx answer marks it sent; 408, 429, 5xx or no answer retry with the
//! outbox's back-off; another 4xx is kept as failed, with the answer.
//!
//! Configured by the environment: `WEBHOOK_URL` (and `WEBHOOK_SECRET`, the
//! shared secret) subscribes that URL to order changes at start-up.

use app::db::Db;
use app::error::AppResult;
use app::services::outbox::{self, Claimed, Delivery, WEBHOOK};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// How long a worker holds a claimed delivery.
const CLAIM_MS: i64 = 60_000;

#[derive(Clone)]
pub struct Webhooks {
    http: reqwest::Client,
    worker: String,
}

/// The signature of `body` under `secret`, as the header carries it.
pub fn signature(secret: &str, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length: this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl Webhooks {
    pub fn new(worker: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("webhook client: {e}"))?;
        Ok(Self {
            http,
            worker: worker.to_string(),
        })
    }

    /// Subscribes `WEBHOOK_URL` when it is set; says what it did.
    pub async fn configure_from_env(db: &Db) -> Result<String, String> {
        let Ok(url) = std::env::var("WEBHOOK_URL") else {
            return Ok("Webhooks: no WEBHOOK_URL set, none are sent".to_string());
        };
        let secret = std::env::var("WEBHOOK_SECRET").map_err(|_| {
            "WEBHOOK_URL needs WEBHOOK_SECRET, the secret deliveries are signed with".to_string()
        })?;
        app::services::webhooks::subscribe(db, &url, &secret)
            .await
            .map_err(|e| format!("webhook not subscribed: {e}"))?;
        Ok(format!("Webhooks: order changes are posted to {url}"))
    }

    /// Delivers every webhook due; returns how many were accepted. Stops at
    /// the first receiver that cannot be reached (the next round retries).
    pub async fn deliver_due(&self, db: &Db) -> AppResult<usize> {
        outbox::deliver_due(db, WEBHOOK, &self.worker, CLAIM_MS, |claimed| async move {
            match self.post(db, &claimed).await {
                Ok(()) => Delivery::Sent,
                Err(not_sent) => not_sent,
            }
        })
        .await
    }

    async fn post(&self, db: &Db, claimed: &Claimed) -> Result<(), Delivery> {
        let secret = app::services::webhooks::secret_of(db, &claimed.recipient)
            .await
            .map_err(|e| Delivery::Later(e.to_string()))?
            .ok_or_else(|| Delivery::Refused("no longer subscribed".to_string()))?;
        let answer = self
            .http
            .post(&claimed.recipient)
            .header("content-type", "application/json")
            .header(
                "x-webinstore-signature",
                signature(&secret, &claimed.body_text),
            )
            .header("x-webinstore-delivery", claimed.id.to_string())
            .body(claimed.body_text.clone())
            .send()
            .await
            .map_err(|e| Delivery::Later(e.to_string()))?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
            Err(Delivery::Later(format!("the receiver answered {status}")))
        } else {
            Err(Delivery::Refused(format!("the receiver answered {status}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_in_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
