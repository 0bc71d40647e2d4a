//! A manager's approval to take back lines past their return window: the
//! associate asks with why, a manager of the shop approves or refuses with
//! a note, the return that uses it closes it. Each step is one conditional
//! statement: two managers deciding at once, one decides.

use super::{actor_of, check_staff, lines_of, notice, order_by_reference};
use crate::db::{Db, now_ms};
use crate::domain::Role;
use crate::domain::returns::{Verdict, eligibility, note};
use crate::error::{AppError, AppResult};
use crate::model::pickup::PickupChange;
use crate::model::returns::{ApprovalStatus, ApprovalView};
use crate::services::audit::Staff;
use crate::services::events::EventBus;
use sqlx::AnyConnection;

const APPROVAL_COLUMNS: &str = "a.id, o.reference, a.status, a.why, a.requested_by, a.requested_at, \
     a.decided_by, a.decided_at, a.decision_note";

type ApprovalTuple = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
);

fn view_of(row: ApprovalTuple) -> ApprovalView {
    let (id, reference, status, why, requested_by, requested_at, decided_by, decided_at, note) =
        row;
    ApprovalView {
        id,
        reference,
        status: ApprovalStatus::from_code(&status),
        why,
        requested_by,
        requested_at,
        decided_by,
        decided_at,
        decision_note: note,
    }
}

/// The latest approval asked for an order at a shop.
pub(crate) async fn latest(
    conn: &mut AnyConnection,
    order_id: i64,
    location: &str,
) -> AppResult<Option<ApprovalView>> {
    let row: Option<ApprovalTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {APPROVAL_COLUMNS} FROM return_approvals a JOIN orders o ON o.id = a.order_id \
         WHERE a.order_id = $1 AND a.location_id = $2 ORDER BY a.id DESC LIMIT 1"
    )))
    .bind(order_id)
    .bind(location)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(view_of))
}

async fn by_id(conn: &mut AnyConnection, id: i64) -> AppResult<(ApprovalView, String)> {
    let row: Option<ApprovalTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {APPROVAL_COLUMNS} FROM return_approvals a \
         JOIN orders o ON o.id = a.order_id WHERE a.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Err(AppError::UnknownApproval { approval_id: id });
    };
    let location: String =
        sqlx::query_scalar("SELECT location_id FROM return_approvals WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    Ok((view_of(row), location))
}

/// Asks a manager to take back an order's lines past their window. Asking
/// again while one is waiting (a double tap) gives the waiting one.
pub async fn ask(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    reference: &str,
    why: &str,
) -> AppResult<ApprovalView> {
    check_staff(staff)?;
    let why = note(why)?.ok_or(AppError::ApprovalReasonRequired)?;
    let actor = actor_of(staff);
    let here = staff.location.as_str();
    let mut tx = db.begin_write().await?;
    let order = order_by_reference(&mut tx, reference).await?;
    let now = now_ms();
    let late = lines_of(&mut tx, order.id).await?.iter().any(|line| {
        matches!(
            eligibility(line.facts(), line.rule(), now).verdict,
            Verdict::WindowClosed { .. }
        )
    });
    if !late {
        return Err(AppError::ApprovalNotNeeded {
            reference: order.reference,
        });
    }
    sqlx::query(
        "INSERT INTO return_approvals (order_id, location_id, status, why, requested_by, requested_device, \
             requested_at) \
         SELECT $1, $2, 'asked', $3, $4, $5, $6 \
         WHERE NOT EXISTS (SELECT 1 FROM return_approvals \
                           WHERE order_id = $1 AND location_id = $2 AND status IN ('asked', 'approved'))",
    )
    .bind(order.id)
    .bind(here)
    .bind(&why)
    .bind(&actor.name)
    .bind(&actor.device)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let view = latest(&mut tx, order.id, here)
        .await?
        .ok_or(AppError::Internal)?;
    let event = notice(&mut tx, &order.reference, here, PickupChange::ApprovalAsked).await?;
    crate::services::pickups::commit(tx, bus, Vec::new(), vec![event]).await?;
    Ok(view)
}

/// A manager of the shop approves or refuses a waiting approval.
pub async fn decide(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    approval_id: i64,
    approve: bool,
    decision_note: &str,
) -> AppResult<ApprovalView> {
    if staff.role != Role::Manager {
        return Err(AppError::Forbidden);
    }
    let decision_note = note(decision_note)?;
    let actor = actor_of(staff);
    let mut tx = db.begin_write().await?;
    let (current, location) = by_id(&mut tx, approval_id).await?;
    if location != staff.location.as_str() {
        return Err(AppError::Forbidden);
    }
    let status = if approve { "approved" } else { "refused" };
    let decided = sqlx::query(
        "UPDATE return_approvals SET status = $1, decided_by = $2, decided_device = $3, decided_at = $4, \
             decision_note = $5 \
         WHERE id = $6 AND status = 'asked'",
    )
    .bind(status)
    .bind(&actor.name)
    .bind(&actor.device)
    .bind(now_ms())
    .bind(decision_note.as_deref())
    .bind(approval_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if decided == 0 {
        return Err(AppError::ApprovalAlreadyDecided {
            reference: current.reference,
            actor: current.decided_by.unwrap_or_default(),
        });
    }
    let (view, _) = by_id(&mut tx, approval_id).await?;
    let event = notice(
        &mut tx,
        &view.reference,
        &location,
        PickupChange::ApprovalDecided,
    )
    .await?;
    crate::services::pickups::commit(tx, bus, Vec::new(), vec![event]).await?;
    Ok(view)
}

/// The approvals waiting at a shop, oldest first.
pub(crate) async fn waiting(
    conn: &mut AnyConnection,
    location: &str,
) -> AppResult<Vec<ApprovalView>> {
    let rows: Vec<ApprovalTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {APPROVAL_COLUMNS} FROM return_approvals a JOIN orders o ON o.id = a.order_id \
         WHERE a.location_id = $1 AND a.status = 'asked' ORDER BY a.requested_at, a.id LIMIT 100"
    )))
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(view_of).collect())
}

/// Closes an approved approval for the return that uses it: one return per
/// approval, refused when it is not (or no longer) approved.
pub(crate) async fn use_approval(
    conn: &mut AnyConnection,
    approval_id: i64,
    order_id: i64,
    location: &str,
    return_id: i64,
) -> AppResult<()> {
    let used = sqlx::query(
        "UPDATE return_approvals SET status = 'used', return_id = $1 \
         WHERE id = $2 AND order_id = $3 AND location_id = $4 AND status = 'approved'",
    )
    .bind(return_id)
    .bind(approval_id)
    .bind(order_id)
    .bind(location)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if used == 0 {
        return Err(AppError::ApprovalNotGiven);
    }
    Ok(())
}
