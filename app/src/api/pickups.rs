//! Click-and-collect: the shop's queue and each order's pick, slot and
//! handover for staff; the manager's board; the kiosk's check-in (a code,
//! nothing else, and nothing personal back).

use crate::error::AppError;
use crate::model::pickup::{CheckInAnswer, PickupBoard, PickupOrder, PickupQueue};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::guard::{is_kiosk, require, state},
    crate::domain::{Quantity, Role},
    crate::services::pickups::{self as service, handover, lifecycle},
};

#[cfg(feature = "ssr")]
fn is_manager(role: Role) -> bool {
    role == Role::Manager
}

/// The caller's shop's pickup queue.
#[server(endpoint = "pickup_queue")]
pub async fn pickups_of_shop() -> Result<PickupQueue, AppError> {
    let caller = require(Role::is_staff).await?;
    service::queue(&state()?.db, &caller.location()?).await
}

/// One order to collect (or to send from here).
#[server(endpoint = "pickup_order")]
pub async fn pickup_detail(id: i64) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    service::view(&state()?.db, &caller.staff()?, id).await
}

/// The order to collect of a reference (from Customer 360 or an order page).
#[server(endpoint = "pickup_for_reference")]
pub async fn pickup_for_reference(reference: String) -> Result<i64, AppError> {
    require(Role::is_staff).await?;
    service::by_reference(&state()?.db, &reference).await
}

#[server(endpoint = "pickup_start")]
pub async fn pickup_start(id: i64) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    service::start_picking(&state.db, &state.events, &caller.staff()?, id).await
}

/// One item scanned (or typed) into the order's bag.
#[server(endpoint = "pickup_scan")]
pub async fn pickup_scan(id: i64, code: String) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    service::scan_item(&state.db, &state.events, &caller.staff()?, id, &code).await
}

/// Items not found on the shelf: `cancel` them, or source them `elsewhere`.
#[server(endpoint = "pickup_missing")]
pub async fn pickup_missing(
    id: i64,
    line: i64,
    quantity: String,
    what: String,
) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    let what = match what.trim() {
        "cancel" => service::Missing::Cancel,
        "elsewhere" => service::Missing::Elsewhere,
        other => {
            return Err(AppError::Malformed {
                detail: format!("'{other}' is neither cancel nor elsewhere"),
            });
        }
    };
    let quantity = Quantity::parse(&quantity)?;
    service::mark_missing(
        &state.db,
        &state.events,
        &caller.staff()?,
        id,
        line,
        quantity,
        what,
    )
    .await
}

/// The bag put on a shelf slot: the order is ready, the customer told.
#[server(endpoint = "pickup_stage")]
pub async fn pickup_stage(id: i64, slot: String) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    service::stage(&state.db, &state.events, &caller.staff()?, id, &slot).await
}

/// Sends another shop's order from here.
#[server(endpoint = "pickup_send")]
pub async fn pickup_send(id: i64) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    service::send_parcel(&state.db, &state.events, &caller.staff()?, id).await
}

/// A parcel received here: its code, its order's reference, or an item.
#[server(endpoint = "pickup_receive")]
pub async fn pickup_receive(code: String) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    service::receive_parcel(&state.db, &state.events, &caller.staff()?, &code).await
}

/// A customer's code typed or scanned by an associate: the order it opens.
#[server(endpoint = "pickup_open_code")]
pub async fn pickup_open_code(code: String) -> Result<i64, AppError> {
    let caller = require(Role::is_staff).await?;
    handover::open_by_code(&state()?.db, &caller.staff()?, &code).await
}

/// "I'm on it": the waiting customer is taken.
#[server(endpoint = "pickup_attend")]
pub async fn pickup_attend(id: i64) -> Result<PickupOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    handover::attend(&state.db, &state.events, &caller.staff()?, id).await
}

/// Hands over units of a ready order. `quantities` lists `line:units`
/// pairs (`12:1,13:2`); `rest` is `keep` or `cancel`; the proof is the
/// `code`, or else an `id_document` checked (by shop policy).
#[server(endpoint = "pickup_hand_over")]
pub async fn pickup_hand_over(
    id: i64,
    code: Option<String>,
    id_document: Option<String>,
    quantities: String,
    rest: String,
    request_key: Option<String>,
) -> Result<PickupOrder, AppError> {
    use crate::domain::pickup::PickupCode;
    use crate::services::request_keys::RequestKey;
    let caller = require(Role::is_staff).await?;
    let staff = caller.staff()?;
    let state = state()?;
    let take = parse_quantities(&quantities)?;
    let rest = match rest.trim() {
        "" | "keep" => handover::Rest::Keep,
        "cancel" => handover::Rest::Cancel,
        other => {
            return Err(AppError::Malformed {
                detail: format!("'{other}' is neither keep nor cancel"),
            });
        }
    };
    let code = code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    let proof = match (code, id_document) {
        (Some(code), _) => handover::Proof::Code(PickupCode::parse(&code)?),
        (None, Some(document)) => handover::Proof::IdCheck { document },
        (None, None) => return Err(AppError::IdDocumentRequired),
    };
    let once = match request_key
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
    {
        None => None,
        Some(key) => {
            let what = format!("handover|{id}|{quantities}|{rest:?}|{proof:?}");
            let owner = format!("staff:{}", staff.username);
            Some(RequestKey::new(&owner, &key, &what)?.from_a_form())
        }
    };
    let request = handover::HandoverRequest { proof, take, rest };
    handover::hand_over(
        &state.db,
        &state.events,
        &staff,
        id,
        &request,
        once.as_ref(),
    )
    .await
    .map(|done| done.value)
}

#[cfg(feature = "ssr")]
fn parse_quantities(text: &str) -> Result<Vec<(i64, i64)>, AppError> {
    text.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (line, units) = pair.split_once(':').ok_or_else(|| AppError::Malformed {
                detail: format!("'{pair}' is not line:units"),
            })?;
            let line = line
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::Malformed {
                    detail: format!("'{line}' is not a line id"),
                })?;
            let units = crate::domain::stock::parse_whole_number(units)?;
            Ok((line, units))
        })
        .collect()
}

/// The manager's board of late and uncollected orders.
#[server(endpoint = "pickup_board")]
pub async fn pickups_board() -> Result<PickupBoard, AppError> {
    let caller = require(is_manager).await?;
    lifecycle::board(&state()?.db, &caller.staff()?).await
}

/// The manager's one-tap reminder to the customer.
#[server(endpoint = "pickup_remind")]
pub async fn pickup_remind(id: i64) -> Result<PickupOrder, AppError> {
    let caller = require(is_manager).await?;
    lifecycle::remind_now(&state()?.db, &caller.staff()?, id).await
}

/// A new collect-by date (`YYYY-MM-DD`), chosen by the manager.
#[server(endpoint = "pickup_extend")]
pub async fn pickup_extend(id: i64, date: String) -> Result<PickupOrder, AppError> {
    let caller = require(is_manager).await?;
    let state = state()?;
    lifecycle::extend(&state.db, &state.events, &caller.staff()?, id, &date).await
}

/// The kiosk's check-in with a customer's pickup code.
#[server(endpoint = "kiosk_check_in")]
pub async fn kiosk_check_in(code: String) -> Result<CheckInAnswer, AppError> {
    let caller = require(is_kiosk).await?;
    let state = state()?;
    handover::check_in(&state.db, &state.events, &caller.staff()?, &code).await
}
