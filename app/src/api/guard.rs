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

async fn request_user() -> AppResult<Option<SignedIn>> {
    let Extension(RequestUser(user)) = leptos_axum::extract::<Extension<RequestUser>>().await.map_err(|err| {
        tracing::error!(error = %err, "request user missing: is the session middleware installed?");
        AppError::Internal
    })?;
    Ok(user)
}

/// The signed-in caller, or `SessionEnded`.
pub async fn signed_in() -> AppResult<SignedIn> {
    request_user().await?.ok_or(AppError::SessionEnded)
}

/// The signed-in user, if anyone is.
pub async fn signed_in_or_none() -> AppResult<Option<crate::model::CurrentUser>> {
    Ok(request_user().await?.map(|caller| caller.user))
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

    /// The caller as the audit log of customer data records them.
    pub fn staff(&self) -> AppResult<crate::services::audit::Staff> {
        Ok(crate::services::audit::Staff {
            username: self.user.username.clone(),
            display_name: self.user.display_name.clone(),
            role: self.user.role,
            location: self.location()?,
            device: self.device.clone(),
        })
    }
}

pub fn is_kiosk(role: Role) -> bool {
    role == Role::Kiosk
}
