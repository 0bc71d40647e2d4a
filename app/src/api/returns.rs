//! Returns: the order brought back and what each line allows, the return
//! recorded (once, whatever the retries), its receipt, a manager's approval
//! for a late return, the manager's returns page and quarantine, and goods
//! received from returns at the warehouse.

use crate::error::AppError;
use crate::model::returns::{
    ApprovalView, IncomingItem, ReturnForm, ReturnOrder, ReturnReceipt, ReturnsBoard,
};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::guard::{require, state},
    crate::domain::Role,
    crate::services::returns::{self as service, approvals, quarantine, record},
};

#[cfg(feature = "ssr")]
fn is_manager(role: Role) -> bool {
    role == Role::Manager
}

/// An order brought back, by its reference (typed, or read from the QR of
/// its confirmation or receipt).
#[server(endpoint = "return_order")]
pub async fn return_lookup(reference: String) -> Result<ReturnOrder, AppError> {
    let caller = require(Role::is_staff).await?;
    service::order_for_return(&state()?.db, &caller.staff()?, &reference).await
}

/// Records a return. The form's request key makes a double tap or a retry
/// record it once.
#[server(endpoint = "return_record", input = leptos::server_fn::codec::Json)]
pub async fn return_record(form: ReturnForm) -> Result<ReturnReceipt, AppError> {
    use crate::services::request_keys::RequestKey;
    let caller = require(Role::is_staff).await?;
    let staff = caller.staff()?;
    let state = state()?;
    let request = record::request_of(&form)?;
    let once = match form.request_key.trim() {
        "" => None,
        key => {
            let what = format!("return|{request:?}");
            let owner = format!("staff:{}", staff.username);
            Some(RequestKey::new(&owner, key, &what)?.from_a_form())
        }
    };
    record::record_return(&state.db, &state.events, &staff, &request, once.as_ref())
        .await
        .map(|done| done.value)
}

/// A return's receipt (the printable page).
#[server(endpoint = "return_receipt")]
pub async fn return_receipt_of(reference: String) -> Result<ReturnReceipt, AppError> {
    let caller = require(Role::is_staff).await?;
    record::receipt_by_reference(&state()?.db, &caller.staff()?, &reference).await
}

/// Asks a manager to take back lines past their return window.
#[server(endpoint = "return_ask_approval")]
pub async fn return_ask_approval(reference: String, why: String) -> Result<ApprovalView, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    approvals::ask(&state.db, &state.events, &caller.staff()?, &reference, &why).await
}

/// A manager approves (or refuses) a late return.
#[server(endpoint = "return_decide")]
pub async fn return_decide(
    approval_id: i64,
    approve: bool,
    note: String,
) -> Result<ApprovalView, AppError> {
    let caller = require(is_manager).await?;
    let state = state()?;
    approvals::decide(
        &state.db,
        &state.events,
        &caller.staff()?,
        approval_id,
        approve,
        &note,
    )
    .await
}

/// The manager's returns page over the last `days` days.
#[server(endpoint = "returns_board")]
pub async fn returns_of_shop(days: i64) -> Result<ReturnsBoard, AppError> {
    let caller = require(is_manager).await?;
    quarantine::board(&state()?.db, &caller.staff()?, days).await
}

/// Items out of quarantine: `write_off` (with a reason), `send` to the
/// warehouse, or `restock` once checked.
#[server(endpoint = "quarantine_act")]
pub async fn quarantine_act(
    sku: String,
    quantity: String,
    action: String,
    reason: String,
) -> Result<(), AppError> {
    let caller = require(is_manager).await?;
    let state = state()?;
    let action = match action.trim() {
        "write_off" => quarantine::QuarantineAction::WriteOff,
        "send" => quarantine::QuarantineAction::SendToWarehouse,
        "restock" => quarantine::QuarantineAction::BackToStock,
        other => {
            return Err(AppError::Malformed {
                detail: format!("'{other}' is not write_off, send or restock"),
            });
        }
    };
    let sku = crate::domain::Sku::parse(&sku)?;
    let quantity = crate::domain::stock::parse_whole_number(&quantity)?;
    quarantine::act(
        &state.db,
        &state.events,
        &caller.staff()?,
        &sku,
        quantity,
        action,
        &reason,
    )
    .await
}

/// Goods on their way here from returns (the warehouse's list).
#[server(endpoint = "transfers_incoming")]
pub async fn transfers_incoming() -> Result<Vec<IncomingItem>, AppError> {
    let caller = require(Role::is_staff).await?;
    quarantine::incoming_here(&state()?.db, &caller.staff()?).await
}

/// A parcel of returns received here, by its code (`RET-…`, `QUA-…`).
#[server(endpoint = "transfer_receive")]
pub async fn transfer_receive(code: String) -> Result<Vec<IncomingItem>, AppError> {
    let caller = require(Role::is_staff).await?;
    let state = state()?;
    quarantine::receive(&state.db, &state.events, &caller.staff()?, &code).await
}
