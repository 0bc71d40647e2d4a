//! Customer e-mail through the outbox, delivered to a real SMTP server
//! (aiosmtpd, started by each test on a port of its own): written with the
//! order, kept while the server is down, sent once when it is back, and
//! never sent again by a worker that restarts or by a second worker.

use crate::common::*;
use crate::orders::{staff_at, stocked_sku};
use app::db::Db;
use app::domain::basket::PaymentMethod;
use app::domain::order::Fulfilment;
use app::domain::{Lang, Role};
use app::services::events::EventBus;
use app::services::orders::basket::{self, BasketContact, Checkout, NewLine, checkout};
use server::mail::Mailer;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The Python of the Debian package `python3-aiosmtpd` (scripts/install.sh).
const PYTHON: &str = "/usr/bin/python3";

/// An SMTP server writing each message it accepts to a file of a Maildir.
pub struct MailServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
}

impl MailServer {
    /// Listens on `port`, keeping messages in the Maildir `maildir` (made
    /// by the server when missing: aiosmtpd does not fill an empty folder).
    pub async fn start(port: u16, maildir: &Path) -> Self {
        let child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts (scripts/install.sh --test installs python3-aiosmtpd)");
        // Dropped on a panic: the server is stopped then too.
        let server = Self {
            child,
            port,
            maildir: maildir.to_path_buf(),
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not listen on port {port}");
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Every message received so far, as text.
    pub fn messages(&self) -> Vec<Received> {
        received(&self.maildir)
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One message as the customer's mail program reads it.
#[derive(Debug, serde::Deserialize)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub body: String,
    /// (file name, content type, bytes) of each attachment.
    pub attachments: Vec<(String, String, usize)>,
}

/// Every message of the Maildir, decoded by Python's own e-mail parser
/// (headers and body, whatever transfer encoding the sender chose).
fn received(maildir: &Path) -> Vec<Received> {
    const READ: &str = r#"
import email, email.header, email.policy, json, os, sys
new = os.path.join(sys.argv[1], "new")
out = []
for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
    with open(os.path.join(new, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    body = m.get_body(preferencelist=("plain",))
    attachments = [[a.get_filename() or "", a.get_content_type(), len(a.get_content())]
                   for a in m.iter_attachments()]
    out.append({"to": str(m["To"]), "subject": str(m["Subject"]),
                "message_id": str(m["Message-ID"]), "body": body.get_content() if body else "",
                "attachments": attachments})
print(json.dumps(out))
"#;
    let output = Command::new(PYTHON)
        .args(["-c", READ])
        .arg(maildir)
        .output()
        .expect("python reads the Maildir");
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("messages as JSON")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn mailer(port: u16, worker: &str) -> Mailer {
    Mailer::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "Web-in-store <commandes@boutique.example>",
    )
    .expect("mailer")
    .as_worker(worker)
}

/// Places an order collected in Lyon for a guest, in `lang`.
async fn order_to_collect(db: &Db, bus: &EventBus, nth: i64, lang: Lang) -> String {
    let sku = stocked_sku(db, bus, nth, &[("LYO01", 3), ("WH-ORL", 5)]).await;
    let staff = staff_at("alice", Role::Associate, "PAR01");
    let new = NewLine {
        sku: sku.clone(),
        quantity: crate::stock::q(1),
        fulfilment: Some(Fulfilment::Collect),
        pickup: Some(app::domain::LocationId::parse("LYO01").expect("id")),
    };
    let id = basket::add_line(db, &staff, None, &new)
        .await
        .expect("added");
    basket::set_contact(
        db,
        &staff,
        id,
        &BasketContact::Guest(format!("client{nth}@example.org")),
        lang,
    )
    .await
    .expect("contact");
    let payment = Checkout {
        method: PaymentMethod::Cash,
        reference: None,
        store_credit: app::domain::Cents(0),
    };
    checkout(db, bus, &staff, id, &payment, None)
        .await
        .expect("ordered")
        .value
        .reference
}

async fn outbox_row(db: &Db) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .expect("an outbox row")
}

/// The confirmation is written with the order and reaches the SMTP
/// server once, in the customer's language, saying where to collect.
async fn a_confirmation_reaches_the_mail_server(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let smtp = MailServer::start(free_port(), &dir.path().join("mail")).await;

    let reference = order_to_collect(&db, &bus, 0, Lang::En).await;
    assert_eq!(outbox_row(&db).await.0, "pending", "queued with the order");
    let sent = mailer(smtp.port, "worker-a")
        .deliver_due(&db)
        .await
        .expect("round");
    assert_eq!(sent, 1, "{:?}", outbox_row(&db).await);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.to, "client0@example.org");
    assert_eq!(message.subject, format!("Your order {reference}"));
    let id: i64 = sqlx::query_scalar("SELECT id FROM outbox")
        .fetch_one(&db.pool)
        .await
        .expect("id");
    assert!(
        message.message_id.starts_with(&format!("<outbox-{id}-"))
            && message.message_id.ends_with("@boutique.example>"),
        "{message:?}"
    );
    assert!(
        message
            .body
            .contains("To collect at Lyon Presqu'île, 69002 Lyon"),
        "{message:?}"
    );
    assert!(
        message.body.contains("Monday to Saturday, 10:00–19:00"),
        "{message:?}"
    );
    assert!(message.body.contains(&reference), "{message:?}");
    assert_eq!(outbox_row(&db).await.0, "sent");

    // A French customer reads French.
    let french = order_to_collect(&db, &bus, 1, Lang::Fr).await;
    mailer(smtp.port, "worker-a")
        .deliver_due(&db)
        .await
        .expect("round");
    let messages = smtp.messages();
    let in_french = messages
        .iter()
        .find(|m| m.subject == format!("Votre commande {french}"))
        .expect("the second message, in French");
    assert!(
        in_french
            .body
            .contains("À retirer à Lyon Presqu'île, 69002 Lyon"),
        "{in_french:?}"
    );
    assert!(
        in_french.body.contains("du lundi au samedi, 10:00–19:00"),
        "{in_french:?}"
    );

    // Restarted, or run by another server, a worker sends nothing again.
    assert_eq!(
        mailer(smtp.port, "worker-b")
            .deliver_due(&db)
            .await
            .expect("round"),
        0
    );
    assert_eq!(smtp.messages().len(), 2);
    smtp.stop();
}
both_databases!(
    confirmation_sent,
    super::a_confirmation_reaches_the_mail_server
);

/// With the mail server down, the message waits (tried again later, with
/// its error kept); once the server is back it goes out once, and workers
/// started afterwards send nothing more.
async fn mail_waits_for_a_server_that_is_down(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();

    order_to_collect(&db, &bus, 0, Lang::Fr).await;
    let worker = mailer(port, "worker-a");
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 0);
    let (status, attempts, error) = outbox_row(&db).await;
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(error.is_some_and(|e| !e.is_empty()), "the failure is kept");
    // Not tried again before its back-off has passed.
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 0);
    assert_eq!(outbox_row(&db).await.1, 1, "no second try yet");

    let smtp = MailServer::start(port, &dir.path().join("mail")).await;
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 0, "waits");
    // The back-off passes.
    sqlx::query("UPDATE outbox SET next_attempt_at = 0")
        .execute(&db.pool)
        .await
        .expect("moved");
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 1);
    assert_eq!(smtp.messages().len(), 1);
    let (status, attempts, error) = outbox_row(&db).await;
    assert_eq!((status.as_str(), attempts, error), ("sent", 2, None));

    // The worker restarts, and the mail server too: nothing is sent twice.
    smtp.stop();
    let smtp = MailServer::start(port, &dir.path().join("mail")).await;
    assert_eq!(
        mailer(port, "worker-a-restarted")
            .deliver_due(&db)
            .await
            .expect("round"),
        0
    );
    assert_eq!(smtp.messages().len(), 1);
}
both_databases!(mail_waits, super::mail_waits_for_a_server_that_is_down);

/// A message claimed by a worker that stopped mid-send is left alone while
/// the claim holds, then sent by another, with the same Message-ID; two
/// workers running at once send each message once.
async fn workers_share_the_outbox(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let smtp = MailServer::start(free_port(), &dir.path().join("mail")).await;
    for nth in 0..6 {
        order_to_collect(&db, &bus, nth, Lang::Fr).await;
    }
    // A worker claimed the first message, then died.
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM outbox")
        .fetch_one(&db.pool)
        .await
        .expect("first");
    sqlx::query(
        "UPDATE outbox SET claimed_by = 'dead-worker', claimed_until = $1, attempts = 1 WHERE id = $2",
    )
    .bind(app::db::now_ms() + 60_000)
    .bind(first)
    .execute(&db.pool)
    .await
    .expect("claimed");

    let (a, b) = (mailer(smtp.port, "worker-a"), mailer(smtp.port, "worker-b"));
    let (sent_a, sent_b) = tokio::join!(a.deliver_due(&db), b.deliver_due(&db));
    assert_eq!(sent_a.expect("a") + sent_b.expect("b"), 5);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 5, "each once");
    let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5, "five different messages");

    // The dead worker's claim lapses: the message goes out, once.
    sqlx::query("UPDATE outbox SET claimed_until = 1 WHERE id = $1")
        .bind(first)
        .execute(&db.pool)
        .await
        .expect("lapsed");
    assert_eq!(a.deliver_due(&db).await.expect("round"), 1);
    assert_eq!(b.deliver_due(&db).await.expect("round"), 0);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 6);
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(pending, 0);
}
both_databases!(shared_outbox, super::workers_share_the_outbox);

/// A message the mail server refuses for good (no such mailbox) is kept as
/// failed with the server's answer, and not tried again.
async fn a_refused_address_is_kept_as_failed(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    order_to_collect(&db, &bus, 0, Lang::Fr).await;
    sqlx::query("UPDATE outbox SET recipient = 'not an address'")
        .execute(&db.pool)
        .await
        .expect("spoilt");
    let dir = tempfile::tempdir().expect("temp dir");
    let smtp = MailServer::start(free_port(), &dir.path().join("mail")).await;
    let worker = mailer(smtp.port, "worker-a");
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 0);
    let (status, attempts, error) = outbox_row(&db).await;
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    assert!(error.is_some_and(|e| e.contains("address")));
    sqlx::query("UPDATE outbox SET next_attempt_at = 0")
        .execute(&db.pool)
        .await
        .expect("due");
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 0);
    assert_eq!(outbox_row(&db).await.1, 1, "not tried again");
    assert!(smtp.messages().is_empty());
}
both_databases!(refused_address, super::a_refused_address_is_kept_as_failed);

/// Messages are claimed a batch at a time. With the mail server down, the
/// first try fails and the round stops: only that message counts a try;
/// the others of the batch are given back untried, claimed by no one.
/// Once the server is back, the whole batch goes out in one round.
async fn a_batch_stops_at_a_server_that_is_down(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    for nth in 0..3 {
        order_to_collect(&db, &bus, nth, Lang::Fr).await;
    }
    let rows = || async {
        let rows: Vec<(i64, Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT attempts, claimed_by, last_error, status FROM outbox ORDER BY id",
        )
        .fetch_all(&db.pool)
        .await
        .expect("outbox rows");
        rows
    };
    let worker = mailer(port, "worker-a");
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 0);
    let after_failure = rows().await;
    assert_eq!(after_failure.len(), 3);
    assert_eq!(after_failure[0].0, 1, "{after_failure:?}");
    assert!(after_failure[0].2.is_some(), "{after_failure:?}");
    for untried in &after_failure[1..] {
        assert_eq!(
            (untried.0, untried.1.as_deref(), untried.2.as_deref()),
            (0, None, None),
            "{after_failure:?}"
        );
    }
    assert!(after_failure.iter().all(|row| row.1.is_none()));

    let smtp = MailServer::start(port, &dir.path().join("mail")).await;
    sqlx::query("UPDATE outbox SET next_attempt_at = 0")
        .execute(&db.pool)
        .await
        .expect("due");
    assert_eq!(worker.deliver_due(&db).await.expect("round"), 3);
    assert_eq!(smtp.messages().len(), 3);
    let sent = rows().await;
    let attempts: Vec<i64> = sent.iter().map(|row| row.0).collect();
    assert_eq!(attempts, vec![2, 1, 1]);
    assert!(sent.iter().all(|row| row.3 == "sent" && row.1.is_none()));
    smtp.stop();
}
both_databases!(batch_stops, super::a_batch_stops_at_a_server_that_is_down);
