//! `GET /customers/{id}/export.json?confirm=yes`: everything held about a
//! customer, as one file (the right of access). A manager's download,
//! confirmed on the profile and logged by the service; anyone else is
//! refused.

use crate::api_v1::ApiError;
use app::domain::{LocationId, Role};
use app::error::AppError;
use app::services::{audit::Staff, customers};
use app::state::{AppState, RequestUser};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

#[derive(serde::Deserialize)]
pub struct Confirmation {
    confirm: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    Extension(RequestUser(user)): Extension<RequestUser>,
    Path(id): Path<String>,
    Query(confirmation): Query<Confirmation>,
) -> Result<Response, ApiError> {
    let caller = user.ok_or(AppError::SessionEnded)?;
    if caller.user.role != Role::Manager {
        return Err(ApiError(AppError::Forbidden));
    }
    if confirmation.confirm.as_deref() != Some("yes") {
        return Err(ApiError(AppError::ExportNotConfirmed));
    }
    let id: i64 = id
        .trim_end_matches(".json")
        .parse()
        .map_err(|_| AppError::UnknownCustomer { customer_id: 0 })?;
    let staff = Staff {
        username: caller.user.username.clone(),
        display_name: caller.user.display_name.clone(),
        role: caller.user.role,
        location: LocationId::parse(&caller.user.location_id).map_err(|_| AppError::Internal)?,
        device: caller.device.clone(),
    };
    let document = customers::export(&state.db, &staff, id).await?;
    let body = serde_json::to_vec_pretty(&document).map_err(|err| {
        tracing::error!(%err, "export not serialised");
        AppError::Internal
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"client-{id}.json\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
