//! Live stock events: committed changes fanned out to every open screen.
//!
//! On SQLite (one server) a change is published in-process after commit.
//! On PostgreSQL (many servers) it is sent with `pg_notify` inside the
//! transaction, so it is delivered only if the change commits, and every
//! server, this one included, receives it through `LISTEN`. One path, so
//! no server sees an event twice.

use crate::db::{Backend, Db};
use crate::domain::StockFigures;
use crate::domain::stock::{MovementKind, StockEvent};
use crate::model::pickup::PickupEvent;
use sqlx::AnyConnection;
use sqlx::postgres::PgListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::broadcast;

pub const PG_CHANNEL: &str = "stock_events";
/// Changes of orders to collect, on their own channel.
pub const PG_PICKUP_CHANNEL: &str = "pickup_events";

/// Events a slow client may fall behind by before it is told to resync.
const BUS_CAPACITY: usize = 8192;

#[derive(Clone, Debug)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<StockEvent>>,
    pickups: broadcast::Sender<Arc<PickupEvent>>,
    backend: Backend,
    /// Highest seq published, for the relay's catch-up after a reconnect.
    last_seq: Arc<AtomicI64>,
    /// Set once the PostgreSQL relay listens.
    relay_ready: Arc<AtomicBool>,
}

impl EventBus {
    pub fn new(backend: Backend) -> Self {
        let (sender, _) = broadcast::channel(BUS_CAPACITY);
        let (pickups, _) = broadcast::channel(BUS_CAPACITY);
        Self {
            sender,
            pickups,
            backend,
            last_seq: Arc::new(AtomicI64::new(0)),
            relay_ready: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StockEvent>> {
        self.sender.subscribe()
    }

    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Inside the transaction that makes the change: on PostgreSQL, queue the
    /// notification (sent by the server at commit, dropped on rollback).
    pub async fn stage(
        &self,
        conn: &mut AnyConnection,
        events: &[StockEvent],
    ) -> Result<(), sqlx::Error> {
        self.stage_all(conn, events, &[]).await
    }

    /// Like `stage`, for changes of stock and of orders to collect together,
    /// in one round trip.
    pub async fn stage_all(
        &self,
        conn: &mut AnyConnection,
        stock: &[StockEvent],
        pickups: &[PickupEvent],
    ) -> Result<(), sqlx::Error> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let mut notes = Vec::with_capacity(stock.len() + pickups.len());
        for event in stock {
            notes.push((PG_CHANNEL, payload_of(event)?));
        }
        for event in pickups {
            notes.push((PG_PICKUP_CHANNEL, payload_of(event)?));
        }
        notify_all(conn, &notes).await
    }

    /// After commit: on SQLite, deliver to this server's subscribers.
    pub fn committed(&self, events: Vec<StockEvent>) {
        if self.backend == Backend::Sqlite {
            for event in events {
                self.publish_local(event);
            }
        }
    }

    pub fn subscribe_pickups(&self) -> broadcast::Receiver<Arc<PickupEvent>> {
        self.pickups.subscribe()
    }

    /// Like `committed`, for changes of orders to collect.
    pub fn committed_pickups(&self, events: Vec<PickupEvent>) {
        if self.backend == Backend::Sqlite {
            for event in events {
                let _ = self.pickups.send(Arc::new(event));
            }
        }
    }

    fn publish_local(&self, event: StockEvent) {
        self.last_seq.fetch_max(event.seq, Ordering::Relaxed);
        // No subscriber is not an error: nobody is looking.
        let _ = self.sender.send(Arc::new(event));
    }
}

fn payload_of<T: serde::Serialize>(item: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(item).map_err(|e| sqlx::Error::Protocol(e.to_string()))
}

/// Notifications queued per statement at most (two parameters each).
const NOTES_PER_STATEMENT: usize = 200;

/// Queues `(channel, payload)` notifications, many per statement: each
/// round trip inside a writing transaction is time its locks are held.
async fn notify_all(conn: &mut AnyConnection, notes: &[(&str, String)]) -> Result<(), sqlx::Error> {
    for chunk in notes.chunks(NOTES_PER_STATEMENT) {
        let calls: Vec<String> = crate::db::numbered_groups(chunk.len(), 2)
            .iter()
            .map(|pair| format!("pg_notify({pair})"))
            .collect();
        let sql = format!("SELECT {}", calls.join(", "));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (channel, payload) in chunk {
            query = query.bind(*channel).bind(payload.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Listens for notifications from every server sharing the PostgreSQL
/// database and republishes them here. Runs until the process ends; after
/// a lost connection it reconnects and replays the ledger it missed.
pub fn spawn_pg_relay(db: Db, url: String, bus: EventBus) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match relay_once(&db, &url, &bus).await {
                Ok(()) => tracing::warn!("event relay connection closed; reconnecting"),
                Err(err) => tracing::warn!(error = %err, "event relay failed; reconnecting"),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
}

impl EventBus {
    /// Resolves once live events flow: at once on SQLite, when the relay
    /// listens on PostgreSQL (start-up and tests wait for it).
    pub async fn ready(&self) {
        while self.backend == Backend::Postgres && !self.relay_ready.load(Ordering::Acquire) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn relay_once(db: &Db, url: &str, bus: &EventBus) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen_all([PG_CHANNEL, PG_PICKUP_CHANNEL]).await?;
    bus.relay_ready.store(true, Ordering::Release);
    // Anything committed while we were not listening comes from the ledger.
    let resume_from = bus.last_seq.load(Ordering::Relaxed);
    if resume_from > 0 {
        for event in events_since(db, resume_from, None, 10_000).await? {
            bus.publish_local(event);
        }
    }
    loop {
        // `None`: the connection dropped (sqlx reconnects on the next call).
        let Some(notification) = listener.try_recv().await? else {
            return Ok(());
        };
        if notification.channel() == PG_PICKUP_CHANNEL {
            // Screens reload their queue after a reconnection: nothing to
            // replay for these.
            match serde_json::from_str::<PickupEvent>(notification.payload()) {
                Ok(event) => {
                    let _ = bus.pickups.send(Arc::new(event));
                }
                Err(err) => tracing::error!(error = %err, "unreadable pickup event notification"),
            }
            continue;
        }
        match serde_json::from_str::<StockEvent>(notification.payload()) {
            Ok(event) => bus.publish_local(event),
            Err(err) => tracing::error!(error = %err, "unreadable stock event notification"),
        }
    }
}

/// Ledger lines after `after_seq`, as events, oldest first; optionally only
/// for one product. Used to catch up a reconnecting client.
pub async fn events_since(
    db: &Db,
    after_seq: i64,
    product_id: Option<&str>,
    limit: i64,
) -> Result<Vec<StockEvent>, sqlx::Error> {
    type LedgerRow = (i64, String, String, String, String, i64, i64, i64, i64);
    let rows: Vec<LedgerRow> = sqlx::query_as(
        "SELECT m.seq, m.sku, s.product_id, m.location_id, m.kind, m.on_hand_after, m.reserved_after, \
                COALESCE(st.safety, 0), m.created_at \
         FROM stock_movements m \
         JOIN skus s ON s.sku = m.sku \
         LEFT JOIN stock_levels st ON st.sku = m.sku AND st.location_id = m.location_id \
         WHERE m.seq > $1 AND ($2 = '' OR s.product_id = $2) \
         ORDER BY m.seq \
         LIMIT $3",
    )
    .bind(after_seq)
    .bind(product_id.unwrap_or_default())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(seq, sku, product_id, location_id, kind, on_hand, reserved, safety, at_ms)| {
                let kind = MovementKind::parse(&kind).ok()?;
                let figures = StockFigures {
                    on_hand,
                    reserved,
                    safety,
                };
                Some(StockEvent {
                    seq,
                    sku,
                    product_id,
                    location_id,
                    kind,
                    on_hand,
                    reserved,
                    safety,
                    available: figures.available(),
                    at_ms,
                })
            },
        )
        .collect())
}
