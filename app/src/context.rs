//! What every component of a page can reach, provided once by `App`.

use crate::api::session::who_am_i;
use crate::error::AppError;
use crate::loaded::{Loaded, load};
use crate::model::CurrentUser;
use leptos::prelude::*;

/// The signed-in user, loaded once per page and shared by every component.
#[derive(Clone, Copy)]
pub struct UserContext(pub Loaded<Result<Option<CurrentUser>, AppError>>);

pub fn provide_user_context() {
    provide_context(UserContext(load(|| (), |_| who_am_i())));
}

pub fn use_user() -> UserContext {
    expect_context()
}
