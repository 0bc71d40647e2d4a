//! The server's background jobs: outbox delivery (e-mail and webhooks), the cancelling of
//! orders whose payment by link did not come, pickup reminders, the
//! expiry of orders nobody collected, and forgetting old request keys.
//! Each step is a conditional statement, so several servers sharing one
//! database run them safely.

use crate::mail::Mailer;
use crate::webhooks::Webhooks;
use app::db::Db;
use app::services::events::EventBus;
use app::services::orders::payment::cancel_unpaid;
use app::services::pickups::lifecycle::{expire_due, remind_due};
use app::services::request_keys;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the outbox is looked at: a confirmation leaves within about
/// a second of its order.
const OUTBOX_EVERY: Duration = Duration::from_secs(1);
/// How often unpaid orders are looked for: deadlines are in hours.
const UNPAID_EVERY: Duration = Duration::from_secs(30);
/// Orders cancelled per round at most.
const UNPAID_BATCH: i64 = 100;
/// How often ready orders are looked at for reminders and expiry: their
/// dates are in days.
const PICKUPS_EVERY: Duration = Duration::from_secs(30);
/// Orders reminded or expired per round at most: a round stays short, so
/// the lookups around it never wait long (the rest come next round).
const PICKUPS_BATCH: i64 = 200;

/// How often request keys past their day are forgotten: they are only
/// kept from growing.
const KEYS_EVERY: Duration = Duration::from_secs(600);

/// The running jobs, stopped together.
pub struct Jobs {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Jobs {
    pub fn start(db: Db, events: EventBus, mailer: Mailer, webhooks: Webhooks) -> Self {
        let mut jobs = Self::start_delivery(db.clone(), mailer, webhooks);
        let stopped = jobs.stop.subscribe();
        let pickups = {
            let (db, events) = (db.clone(), events.clone());
            tokio::spawn(every(PICKUPS_EVERY, stopped.clone(), move || {
                let (db, events) = (db.clone(), events.clone());
                async move { pickup_round(&db, &events).await }
            }))
        };
        let unpaid = {
            let db = db.clone();
            tokio::spawn(every(UNPAID_EVERY, stopped.clone(), move || {
                let (db, events) = (db.clone(), events.clone());
                async move {
                    match cancel_unpaid(&db, &events, UNPAID_BATCH).await {
                        Ok(cancelled) if !cancelled.is_empty() => {
                            tracing::info!(
                                ?cancelled,
                                "unpaid orders cancelled, their stock released"
                            );
                        }
                        Ok(_) => {}
                        Err(error) => tracing::warn!(%error, "unpaid orders not looked at"),
                    }
                }
            }))
        };
        let keys = tokio::spawn(every(KEYS_EVERY, stopped, move || {
            let db = db.clone();
            async move {
                match request_keys::forget_old(&db).await {
                    Ok(0) => {}
                    Ok(forgotten) => {
                        tracing::info!(forgotten, "request keys past their day forgotten")
                    }
                    Err(error) => tracing::warn!(%error, "old request keys not forgotten"),
                }
            }
        }));
        jobs.handles.extend([pickups, unpaid, keys]);
        jobs
    }

    /// The outbox's delivery alone (e-mail and webhooks): what the
    /// benchmark runs beside its server, whose other jobs it drives itself.
    pub fn start_delivery(db: Db, mailer: Mailer, webhooks: Webhooks) -> Self {
        let (stop, stopped) = watch::channel(false);
        let outbox = {
            let db = db.clone();
            tokio::spawn(every(OUTBOX_EVERY, stopped.clone(), move || {
                let (db, mailer) = (db.clone(), mailer.clone());
                async move {
                    if let Err(error) = mailer.deliver_due(&db).await {
                        tracing::warn!(%error, "outbox round failed");
                    }
                }
            }))
        };
        let hooks = tokio::spawn(every(OUTBOX_EVERY, stopped, move || {
            let (db, webhooks) = (db.clone(), webhooks.clone());
            async move {
                if let Err(error) = webhooks.deliver_due(&db).await {
                    tracing::warn!(%error, "webhook round failed");
                }
            }
        }));
        Self {
            stop,
            handles: vec![outbox, hooks],
        }
    }

    /// Asks every job to stop and waits for the round in progress.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for handle in self.handles {
            let _ = handle.await;
        }
    }
}

/// One round of the pickup job: reminders due, then expiries due.
pub async fn pickup_round(db: &Db, events: &EventBus) {
    match remind_due(db, PICKUPS_BATCH).await {
        Ok(0) => {}
        Ok(queued) => tracing::info!(queued, "pickup reminders queued"),
        Err(error) => tracing::warn!(%error, "pickup reminders not looked at"),
    }
    match expire_due(db, events, PICKUPS_BATCH).await {
        Ok(expired) if !expired.is_empty() => {
            tracing::info!(?expired, "uncollected orders expired, their stock released");
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "uncollected orders not looked at"),
    }
}

/// Runs `round` now and then every `period` until `stop` turns true. A
/// round in progress finishes first: a stopping outbox worker never leaves
/// a message sent but unmarked.
async fn every<F, R>(period: Duration, mut stop: watch::Receiver<bool>, round: F)
where
    F: Fn() -> R,
    R: std::future::Future<Output = ()>,
{
    loop {
        round().await;
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}
