//! `/handoff/{code}/qr.svg`: the QR code a kiosk shows for a basket handed
//! to the till. It carries `PANIER-<code>`, which a tablet's scanner reads
//! as the code of a basket to open. Only well-formed codes are drawn, so
//! this is no QR generator for any text.

use app::domain::basket::{HANDOFF_SCAN_PREFIX, parse_handoff_code};
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub async fn handoff_qr(Path(code): Path<String>) -> Response {
    let Some(code) = parse_handoff_code(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(image) = crate::qr::svg(&format!("{HANDOFF_SCAN_PREFIX}{code}"), 240) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            // A code names one basket for an hour; its drawing never changes.
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        image,
    )
        .into_response()
}
