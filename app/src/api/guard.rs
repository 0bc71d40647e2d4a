//! The checks every server function starts with.

use crate::domain::{LocationId, Role};
use crate::error::{AppError, AppResult};
use crate::services::Actor;
use crate::state::{AppState, RequestUser, SignedIn};
use axum::Extension;
use leptos::prelude::use_context;

pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// The signed-in caller, or `Unauthenticated`.
pub async fn signed_in() -> AppResult<SignedIn> {
    let Extension(RequestUser(user)) = leptos_axum::extract::<Extension<RequestUser>>().await.map_err(|err| {
        tracing::error!(error = %err, "request user missing: is the session middleware installed?");
        AppError::Internal
    })?;
    user.ok_or(AppError::Unauthenticated)
}

/// The caller, if their role passes `allowed`.
pub async fn require(allowed: fn(Role) -> bool) -> AppResult<SignedIn> {
    let caller = signed_in().await?;
    if allowed(caller.user.role) {
        Ok(caller)
    } else {
        tracing::warn!(user = %caller.user.username, role = caller.user.role.as_str(), "refused: role not allowed");
        Err(AppError::Forbidden)
    }
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::new(self.user.username.clone(), self.device.clone())
    }

    pub fn location(&self) -> AppResult<LocationId> {
        LocationId::parse(&self.user.location_id).map_err(|_| AppError::Internal)
    }
}

pub fn is_kiosk(role: Role) -> bool {
    role == Role::Kiosk
}
