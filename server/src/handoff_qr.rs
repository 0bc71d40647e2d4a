//! `/handoff/{code}/qr.svg`: the QR code a kiosk shows for a basket handed
//! to the till. It carries `PANIER-<code>`, which a tablet's scanner reads
//! as the code of a basket to open. Only well-formed codes are drawn, so
//! this is no QR generator for any text.

use app::domain::basket::{HANDOFF_SCAN_PREFIX, parse_handoff_code};
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use qrcode::QrCode;
use qrcode::render::svg;

pub async fn handoff_qr(Path(code): Path<String>) -> Response {
    let Some(code) = parse_handoff_code(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(qr) = QrCode::new(format!("{HANDOFF_SCAN_PREFIX}{code}")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let image = qr
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
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
