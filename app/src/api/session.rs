use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// Who is signed in on this device, if anyone.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    use super::guard::signed_in;
    match signed_in().await {
        Ok(caller) => Ok(Some(caller.user)),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(other) => Err(other),
    }
}
