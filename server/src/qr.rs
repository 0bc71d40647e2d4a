//! QR codes drawn on the server: SVG for screens, PNG for e-mail (mail
//! clients do not show SVG).

use qrcode::{Color, QrCode};

/// Pixels per module of the PNG: a 25-module code becomes about 300 pixels
/// with its quiet zone, sharp on a phone held up to a kiosk's scanner.
const MODULE_PX: usize = 8;
/// Modules of white around the code, as the standard asks.
const QUIET_MODULES: usize = 4;

/// `text` as a QR code in SVG, at least `min_px` wide.
pub fn svg(text: &str, min_px: u32) -> Option<String> {
    let qr = QrCode::new(text).ok()?;
    Some(
        qr.render::<qrcode::render::svg::Color>()
            .min_dimensions(min_px, min_px)
            .quiet_zone(true)
            .build(),
    )
}

/// `text` as a QR code in a grey-scale PNG.
pub fn png(text: &str) -> Option<Vec<u8>> {
    let qr = QrCode::new(text).ok()?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let side = (modules + 2 * QUIET_MODULES) * MODULE_PX;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (x, y) = (i % modules + QUIET_MODULES, i / modules + QUIET_MODULES);
        for row in y * MODULE_PX..(y + 1) * MODULE_PX {
            let start = row * side + x * MODULE_PX;
            pixels[start..start + MODULE_PX].fill(0);
        }
    }
    let mut out = Vec::new();
    {
        let side = u32::try_from(side).ok()?;
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_is_drawn_with_its_quiet_zone() {
        let image = png("RETRAIT-12345678").expect("drawn");
        assert_eq!(&image[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(image));
        let reader = decoder.read_info().expect("readable");
        let info = reader.info();
        assert_eq!(info.width, info.height);
        assert_eq!(info.width as usize % MODULE_PX, 0);
        assert!(info.width as usize >= (21 + 2 * QUIET_MODULES) * MODULE_PX);
    }
}
