//! Delivers the outbox (`app::services::outbox`) over SMTP with `lettre`,
//! or, with no mail server configured, writes each message to the log.
//!
//! Configured by the environment:
//! - `SMTP_URL`: `smtp://host:port` (no TLS, a local relay or a test
//!   server), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
//!   `smtps://user:pass@host:465`. Unset: messages are logged, not sent.
//! - `MAIL_FROM`: the sender, `Name <address>`.
//!
//! A message's Message-ID is made from its outbox row, so that a message
//! sent again (a worker stopped between the mail server's answer and the
//! row being marked) carries the same id and the receiving side can
//! recognise it.

use app::db::Db;
use app::error::AppResult;
use app::services::outbox::{self, Claimed, Delivery};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// The sender when `MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "Web-in-store <commandes@web-in-store.localhost>";

/// How long a worker holds a message it is sending: well beyond one SMTP
/// exchange, short enough that a message of a worker that died goes out
/// soon after.
const CLAIM_MS: i64 = 60_000;

/// How a message leaves.
#[derive(Clone)]
pub enum Transport {
    Smtp {
        smtp: AsyncSmtpTransport<Tokio1Executor>,
        /// The URL without its password, to say where mail goes.
        shown_url: String,
    },
    /// No mail server: the message is written to the log.
    Log,
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The right-hand side of Message-IDs: the sender's domain.
    id_domain: String,
    /// Says which worker claims a message (the host and process).
    worker: String,
}

/// What went wrong sending one message.
enum SendError {
    /// Try again later: the server is down, busy, or said so (4xx).
    Transient(String),
    /// Never: the server refused the message (5xx), or it cannot be built.
    Permanent(String),
}

impl Mailer {
    /// From `SMTP_URL` and `MAIL_FROM`.
    pub fn from_env() -> Result<Self, String> {
        let from = std::env::var("MAIL_FROM").unwrap_or_else(|_| DEFAULT_FROM.to_string());
        match std::env::var("SMTP_URL") {
            Ok(url) if !url.trim().is_empty() => Self::smtp(url.trim(), &from),
            _ => Self::new(Transport::Log, &from),
        }
    }

    /// Sends through the SMTP server at `url`.
    pub fn smtp(url: &str, from: &str) -> Result<Self, String> {
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL '{}' cannot be used: {e}", without_password(url)))?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        let transport = Transport::Smtp {
            smtp,
            shown_url: without_password(url),
        };
        Self::new(transport, from)
    }

    pub fn new(transport: Transport, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("MAIL_FROM '{from}' is not an address: {e}"))?;
        let id_domain = from.email.domain().to_string();
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "server".to_string());
        Ok(Self {
            transport,
            from,
            id_domain,
            worker: format!("{host}:{}", std::process::id()),
        })
    }

    /// The same mailer under another worker's name (tests run two workers
    /// in one process).
    pub fn as_worker(mut self, worker: &str) -> Self {
        self.worker = worker.to_string();
        self
    }

    /// Says where mail goes, for the server's first lines.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp { shown_url, .. } => format!(
                "Customer e-mail: sent over SMTP to {shown_url}, from {}",
                self.from
            ),
            Transport::Log => {
                "Customer e-mail: no SMTP_URL set, so messages are written to this log, not sent"
                    .to_string()
            }
        }
    }

    /// The Message-ID of an outbox row: the same every time it is sent.
    pub fn message_id(&self, claimed: &Claimed) -> String {
        format!(
            "<outbox-{}-{}@{}>",
            claimed.id, claimed.created_at, self.id_domain
        )
    }

    /// Sends every message due, a batch at a time, until none is left;
    /// returns how many were sent. Stops at the first failure of the mail
    /// server (the others would fail too): they wait for the next round.
    pub async fn deliver_due(&self, db: &Db) -> AppResult<usize> {
        outbox::deliver_due(
            db,
            outbox::EMAIL,
            &self.worker,
            CLAIM_MS,
            |claimed| async move {
                match self.send(&claimed).await {
                    Ok(()) => Delivery::Sent,
                    Err(SendError::Permanent(error)) => Delivery::Refused(error),
                    Err(SendError::Transient(error)) => Delivery::Later(error),
                }
            },
        )
        .await
    }

    async fn send(&self, claimed: &Claimed) -> Result<(), SendError> {
        let to: Mailbox = claimed
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("not an address: {e}")))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(claimed.subject.clone())
            .message_id(Some(self.message_id(claimed)));
        // Mail clients show no SVG: the QR code travels as a PNG beside the
        // text, which gives the code itself too.
        // Drawn on a blocking thread: the async workers serve requests.
        let qr_png = match claimed.qr_text.clone() {
            Some(text) => tokio::task::spawn_blocking(move || crate::qr::png(&text))
                .await
                .ok()
                .flatten(),
            None => None,
        };
        let built = match qr_png {
            Some(png) => builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(claimed.body_text.clone()))
                    .singlepart(
                        Attachment::new(attachment_name(claimed.qr_text.as_deref()).to_string())
                            .body(
                                png,
                                ContentType::parse("image/png").map_err(|e| {
                                    SendError::Permanent(format!("content type: {e}"))
                                })?,
                            ),
                    ),
            ),
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(claimed.body_text.clone()),
        };
        let message = built.map_err(|e| SendError::Permanent(format!("message not built: {e}")))?;
        match &self.transport {
            Transport::Smtp { smtp, .. } => match smtp.send(message).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                Err(e) => Err(SendError::Transient(e.to_string())),
            },
            Transport::Log => {
                tracing::info!(
                    id = claimed.id,
                    to = %claimed.recipient,
                    subject = %claimed.subject,
                    "customer e-mail (logged, not sent):\n{}",
                    claimed.body_text
                );
                Ok(())
            }
        }
    }
}

/// `smtp://user:secret@host` shown as `smtp://user:***@host`.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The QR image's file name: the pickup code's, or the order's (its
/// reference, scanned to open the order at the counter).
fn attachment_name(qr_text: Option<&str>) -> &'static str {
    match qr_text {
        Some(text) if text.starts_with(app::domain::pickup::PICKUP_SCAN_PREFIX) => {
            "code-retrait.png"
        }
        _ => "commande.png",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            without_password("smtps://shop:s3cret@mail.example.com:465"),
            "smtps://shop:***@mail.example.com:465"
        );
        assert_eq!(
            without_password("smtp://127.0.0.1:2525"),
            "smtp://127.0.0.1:2525"
        );
    }
}
