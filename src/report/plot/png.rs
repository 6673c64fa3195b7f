//! SVG to PNG with resvg, using the DejaVu Sans font compiled into the binary.
//!
//! The font database holds only the bundled DejaVu Sans (regular and bold, from the `dejavu` crate) and is the
//! target of every generic family, so a PNG renders the same on a machine with no fonts installed as on one
//! with many: system fonts are never looked at.

use std::sync::{Arc, OnceLock};

/// The family name of the bundled font.
pub const FONT_FAMILY: &str = "DejaVu Sans";

fn font_database() -> Arc<resvg::usvg::fontdb::Database> {
    static DATABASE: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DATABASE
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_font_data(dejavu::sans::regular().to_vec());
            db.load_font_data(dejavu::sans::bold().to_vec());
            db.set_sans_serif_family(FONT_FAMILY);
            db.set_serif_family(FONT_FAMILY);
            db.set_monospace_family(FONT_FAMILY);
            db.set_cursive_family(FONT_FAMILY);
            db.set_fantasy_family(FONT_FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// Renders an SVG document to PNG bytes at its own size (one pixel per SVG unit), on white.
pub fn svg_to_png(svg: &str) -> anyhow::Result<Vec<u8>> {
    let options = resvg::usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: font_database(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|e| anyhow::anyhow!("cannot read the chart to render it: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| anyhow::anyhow!("cannot render a chart of size {size:?}"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| anyhow::anyhow!("cannot encode the PNG: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dark pixels in the pixmap of `png`.
    fn dark_pixels(png: &[u8]) -> (u32, u32, usize) {
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).expect("a PNG");
        let dark = pixmap
            .pixels()
            .iter()
            .filter(|p| p.red() < 128 && p.green() < 128 && p.blue() < 128)
            .count();
        (pixmap.width(), pixmap.height(), dark)
    }

    #[test]
    fn text_renders_with_the_bundled_font_at_the_svg_size() {
        let svg = |text: &str| {
            format!(
                r##"<svg width="300" height="60" viewBox="0 0 300 60" xmlns="http://www.w3.org/2000/svg"><text x="10" y="40" font-family="sans-serif" font-size="24" fill="#000000">{text}</text></svg>"##
            )
        };
        let (width, height, blank) = dark_pixels(&svg_to_png(&svg("")).unwrap());
        assert_eq!((width, height), (300, 60));
        assert_eq!(blank, 0);
        // Text draws ink, and more text draws more ink: the font was found.
        let (_, _, short) = dark_pixels(&svg_to_png(&svg("FTE")).unwrap());
        let (_, _, long) = dark_pixels(&svg_to_png(&svg("110 FTE, 241 FTE, København")).unwrap());
        assert!(short > 50, "{short}");
        assert!(long > 2 * short, "{long} vs {short}");
    }

    #[test]
    fn a_document_that_is_not_svg_is_an_error() {
        let error = svg_to_png("not a chart").unwrap_err().to_string();
        assert!(
            error.starts_with("cannot read the chart to render it"),
            "{error}"
        );
    }
}
