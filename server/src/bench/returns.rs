//! Returns through real HTTP: 2-line returns with their refund at eight
//! shops at once, and the whole cycle of an order to collect (ordered on
//! behalf, picked, staged, handed over, one line brought back and put
//! back on the shelf), one step after another as an associate makes them.

use super::checkout::{Sample, call, call_json};
use super::pickups::{one_of_each, receive_goods};
use super::{RunFigures, gathered, http_client};
use crate::client;
use app::db::Db;
use app::domain::basket::PaymentMethod;
use app::domain::order::{Channel, Fulfilment};
use app::domain::{Lang, LocationId};
use app::model::returns::{ReturnForm, ReturnFormLine};
use app::services::Actor;
use app::services::events::EventBus;
use app::services::orders::payment::place_once;
use app::services::orders::{OrderRequest, PaymentRequest};
use app::services::request_keys::RequestKey;
use leptos::server_fn::ServerFn;
use std::time::Instant;

/// A 2-line order sold at a shop's till, ready to come back.
#[derive(Debug, Clone)]
pub struct SoldOrder {
    pub reference: String,
    pub lines: Vec<i64>,
}

/// For each associate of the sample, `per_associate` orders of two items
/// sold at their shop's till (paid by card), placed through the services.
pub async fn sold_orders(
    db: &Db,
    sample: &Sample,
    per_associate: usize,
    tag: &str,
) -> Result<Vec<Vec<SoldOrder>>, String> {
    let bus = EventBus::new(db.backend);
    let mut all = Vec::with_capacity(sample.associates.len());
    for (user, shop, skus) in &sample.associates {
        let shop = LocationId::parse(shop).map_err(|e| e.to_string())?;
        let pair = [skus[0].clone(), skus[1].clone()];
        receive_goods(
            db,
            &bus,
            &shop,
            &pair,
            per_associate as i64 + 5,
            "bench returns",
        )
        .await?;
        let seller = Actor::new(user, "bench");
        let mut orders = Vec::with_capacity(per_associate);
        for n in 0..per_associate {
            let request = OrderRequest {
                channel: Channel::Store,
                selling: Some(shop.clone()),
                customer_id: None,
                contact_email: Some(format!("till-{tag}-{n}@example.org")),
                lang: Lang::Fr,
                ship: None,
                lines: one_of_each(&pair, Fulfilment::Carry, None, &shop)?,
                payment: PaymentRequest {
                    method: PaymentMethod::Card,
                    reference: Some(format!("TPE-{tag}-{user}-{n}")),
                    paid: true,
                },
                basket_id: None,
                credits: Vec::new(),
                delivery_fee: app::domain::Cents(0),
            };
            let key = RequestKey::new("bench", &format!("sold-{tag}-{user}-{n}"), "bench")
                .map_err(|e| e.to_string())?;
            let receipt = place_once(db, &bus, &request, &seller, &key)
                .await
                .map_err(|e| e.to_string())?
                .value;
            let lines: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM order_lines WHERE order_id = $1 ORDER BY line_no",
            )
            .bind(receipt.order_id)
            .fetch_all(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
            orders.push(SoldOrder {
                reference: receipt.reference,
                lines,
            });
        }
        all.push(orders);
    }
    Ok(all)
}

/// The return form of `lines`, one unit each, resellable, refunded to the
/// card it was paid with.
fn return_form(reference: &str, lines: &[i64], key: String) -> ReturnForm {
    ReturnForm {
        reference: reference.to_string(),
        lines: lines
            .iter()
            .map(|&line_id| ReturnFormLine {
                line_id,
                quantity: 1,
                reason: "too_small".into(),
                note: String::new(),
                condition: "resellable".into(),
            })
            .collect(),
        refund: "original_payment".into(),
        payment_reference: String::new(),
        request_key: key,
        ..ReturnForm::default()
    }
}

/// Sends a return through the screen's server function (JSON, as the
/// browser does).
async fn send_return(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    form: &ReturnForm,
) -> Result<(), String> {
    use app::api::returns::ReturnRecord;
    let body = serde_json::json!({ "form": form });
    let receipt = call_json(http, base, cookie, ReturnRecord::PATH, &body).await?;
    match receipt["reference"].as_str() {
        Some(_) => Ok(()),
        None => Err(format!("a return receipt without its reference: {receipt}")),
    }
}

/// Each associate takes back both lines of each of their orders, all the
/// associates at once.
pub async fn return_run(
    base: &str,
    sample: &Sample,
    orders: Vec<Vec<SoldOrder>>,
    tag: &str,
) -> Result<RunFigures, String> {
    let http = http_client()?;
    // Everyone signs in first, as associates at work have: a sign-in's
    // password hashing is not part of a return, and signing in one after
    // another inside the run let the first returns start alone.
    let mut cookies = Vec::with_capacity(sample.associates.len());
    for (user, _, _) in &sample.associates {
        cookies.push(client::sign_in(&http, base, user, "demo").await?);
    }
    let mut tasks = Vec::new();
    let started = Instant::now();
    for (cookie, mine) in cookies.into_iter().zip(orders) {
        let (http, base, tag) = (http.clone(), base.to_string(), tag.to_string());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(mine.len());
            for order in mine {
                let form = return_form(
                    &order.reference,
                    &order.lines,
                    format!("return-{tag}-{}", order.reference),
                );
                let at = Instant::now();
                send_return(&http, &base, &cookie, &form).await?;
                latencies.push(at.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, String>(latencies)
        }));
    }
    gathered(tasks, started).await
}

/// Milliseconds taken by each step of one cycle, and in all.
#[derive(Debug, Clone, Default)]
pub struct CycleTimes {
    pub steps: Vec<(&'static str, f64)>,
}

impl CycleTimes {
    fn step(&mut self, name: &'static str, since: Instant) {
        self.steps
            .push((name, since.elapsed().as_secs_f64() * 1000.0));
    }

    pub fn total(&self) -> f64 {
        self.steps.iter().map(|(_, ms)| ms).sum()
    }
}

/// One whole cycle at the associate's shop, every step through HTTP as
/// the screens send it: two items ordered on behalf of a customer for
/// collection here; picked by scanning; staged on a shelf slot; handed
/// over with the customer's code; one item brought back and restocked.
/// Only the code is read from the database (the customer has it by e-mail).
pub async fn cycle(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    url_db: &Db,
    shop: &str,
    skus: [&str; 2],
    tag: &str,
) -> Result<CycleTimes, String> {
    use app::api::basket::{BasketAdd, BasketCheckout, BasketContact};
    use app::api::pickups::{PickupForReference, PickupHandOver, PickupScan, PickupStage};
    let mut times = CycleTimes::default();

    let at = Instant::now();
    let mut basket = 0;
    for sku in skus {
        let answer = call(
            http,
            base,
            cookie,
            BasketAdd::PATH,
            &[
                ("sku", sku.to_string()),
                ("quantity", "1".into()),
                ("fulfilment", "collect".into()),
                ("pickup", shop.to_string()),
            ],
        )
        .await?;
        basket = answer.as_i64().ok_or("basket_add gave no basket")?;
    }
    call(
        http,
        base,
        cookie,
        BasketContact::PATH,
        &[
            ("basket", basket.to_string()),
            ("email", format!("cycle-{tag}@example.org")),
        ],
    )
    .await?;
    let receipt = call(
        http,
        base,
        cookie,
        BasketCheckout::PATH,
        &[
            ("basket", basket.to_string()),
            ("method", "card".into()),
            ("reference", format!("TPE-{tag}")),
            ("request_key", format!("cycle-{tag}")),
        ],
    )
    .await?;
    let reference = receipt["reference"]
        .as_str()
        .ok_or("a checkout without its reference")?
        .to_string();
    times.step("order on behalf (2 lines added, contact, checkout)", at);

    let at = Instant::now();
    let id = call(
        http,
        base,
        cookie,
        PickupForReference::PATH,
        &[("reference", reference.clone())],
    )
    .await?
    .as_i64()
    .ok_or("no pickup for the order")?;
    for sku in skus {
        call(
            http,
            base,
            cookie,
            PickupScan::PATH,
            &[("id", id.to_string()), ("code", sku.to_string())],
        )
        .await?;
    }
    times.step("pick (open, 2 scans)", at);

    let at = Instant::now();
    let staged = call(
        http,
        base,
        cookie,
        PickupStage::PATH,
        &[("id", id.to_string()), ("slot", "C7".into())],
    )
    .await?;
    times.step("ready (shelf slot, e-mail queued)", at);
    let lines: Vec<i64> = staged["lines"]
        .as_array()
        .map(|lines| lines.iter().filter_map(|l| l["line_id"].as_i64()).collect())
        .unwrap_or_default();
    let code: String =
        sqlx::query_scalar("SELECT pickup_code FROM order_fulfilments WHERE id = $1")
            .bind(id)
            .fetch_one(&url_db.pool)
            .await
            .map_err(|e| e.to_string())?;

    let at = Instant::now();
    let quantities = lines
        .iter()
        .map(|l| format!("{l}:1"))
        .collect::<Vec<_>>()
        .join(",");
    call(
        http,
        base,
        cookie,
        PickupHandOver::PATH,
        &[
            ("id", id.to_string()),
            ("code", code),
            ("quantities", quantities),
            ("rest", "keep".into()),
            ("request_key", format!("cycle-handover-{tag}")),
        ],
    )
    .await?;
    times.step("handover (code)", at);

    let at = Instant::now();
    let first = lines
        .first()
        .copied()
        .ok_or("a staged order without lines")?;
    let form = return_form(&reference, &[first], format!("cycle-return-{tag}"));
    send_return(http, base, cookie, &form).await?;
    times.step("return of one line, restocked, refunded", at);
    Ok(times)
}
