//! QR codes of card text, drawn as SVG or handed over as a matrix of modules.
//!
//! # The idea
//!
//! A scanner must give back exactly the card's text, so three choices are made here rather than
//! left to an encoder's defaults:
//!
//! - **One byte-mode segment, announced as UTF-8.** The text's UTF-8 bytes go in unchanged,
//!   behind an ECI designator 26 ("UTF-8"). Encoders that choose modes automatically may put two
//!   bytes in Kanji mode when they happen to form a Shift JIS character — the UTF-8 bytes of
//!   many Chinese characters do — and decoders then hand back Shift JIS text: mojibake. Byte
//!   mode keeps every byte; the ECI tells decoders that honour it how to read them, and those
//!   that ignore it guess UTF-8 from the bytes anyway.
//! - **The smallest version that holds the bytes at error-correction level M** (a code still
//!   reads with 15% of it damaged). When that same version has room for a higher level, the
//!   level is raised: it costs nothing, whereas a larger version would only make every module
//!   smaller on the screen.
//! - **A white quiet zone of [`QUIET_ZONE`] modules** on every side, inside the SVG, so the
//!   code reads on a dark page too, and `shape-rendering="crispEdges"` so that module edges
//!   stay sharp at any size.
//!
//! The encoding itself is the `qrcodegen` crate's (Project Nayuki's QR Code generator: no
//! dependencies, written for correctness, and it chooses the smallest version and the best
//! mask as the standard describes).
//!
//! ```
//! use tongxunlu::card::qr::{QrCode, QUIET_ZONE};
//!
//! let code = QrCode::encode("BEGIN:VCARD\r\nFN:张伟\r\nEND:VCARD\r\n".as_bytes())?;
//! assert_eq!(code.version(), 3);
//! assert_eq!(code.size(), 29);               // 17 + 4 × version modules a side
//! assert_eq!(code.modules().len(), 29 * 29);  // row by row, 1 = dark
//! assert!(code.is_dark(0, 0));                // a finder pattern's corner
//! let width = 29 + 2 * QUIET_ZONE;
//! assert!(code.svg().contains(&format!("viewBox=\"0 0 {width} {width}\"")));
//! # Ok::<(), tongxunlu::card::CardError>(())
//! ```

use std::fmt::Write;

use qrcodegen::{QrCodeEcc, QrSegment, Version};

use super::CardError;

/// The light border around the code, in modules, that the standard asks for (ISO/IEC 18004).
pub const QUIET_ZONE: usize = 4;

/// The most bytes a code can hold: version 40 at level M, less the ECI and byte-mode headers.
pub const MAX_BYTES: usize = 2330;

/// ECI assignment number 26: UTF-8.
const UTF8_ECI: u32 = 26;

/// An encoded QR code: a square of dark and light modules, without its quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrCode {
    version: u8,
    error_correction: char,
    size: usize,
    modules: Vec<u8>,
}

impl QrCode {
    /// Encodes `bytes` (a card's UTF-8 text) in the smallest version that holds them at level M,
    /// or says that they are too long for any QR code.
    pub fn encode(bytes: &[u8]) -> Result<QrCode, CardError> {
        let segments = [QrSegment::make_eci(UTF8_ECI), QrSegment::make_bytes(bytes)];
        let code = qrcodegen::QrCode::encode_segments_advanced(
            &segments,
            QrCodeEcc::Medium,
            Version::MIN,
            Version::MAX,
            None,
            true,
        )
        .map_err(|_| CardError::TooLongForQr { bytes: bytes.len() })?;
        let size = code.size() as usize;
        let modules = (0..size as i32)
            .flat_map(|y| (0..size as i32).map(move |x| (x, y)))
            .map(|(x, y)| u8::from(code.get_module(x, y)))
            .collect();
        let error_correction = match code.error_correction_level() {
            QrCodeEcc::Low => 'L',
            QrCodeEcc::Medium => 'M',
            QrCodeEcc::Quartile => 'Q',
            QrCodeEcc::High => 'H',
        };
        Ok(QrCode { version: code.version().value(), error_correction, size, modules })
    }

    /// The version, 1 to 40; a code of version v is 17 + 4v modules a side.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The error-correction level: `M`, or `Q` or `H` when the version had room for more.
    pub fn error_correction(&self) -> char {
        self.error_correction
    }

    /// Modules a side, quiet zone not included.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The modules row by row from the top left, `size × size` of them: 1 dark, 0 light. The
    /// quiet zone is not included; whoever draws them leaves [`QUIET_ZONE`] light modules around.
    pub fn modules(&self) -> &[u8] {
        &self.modules
    }

    /// Whether the module in column `x`, row `y` is dark (false outside the code).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.modules[y * self.size + x] == 1
    }

    /// The code as a standalone SVG document: one module is one user unit, the white quiet zone
    /// included, so it scales to whatever size the page gives it.
    pub fn svg(&self) -> String {
        let width = self.size + 2 * QUIET_ZONE;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {width}\" shape-rendering=\"crispEdges\">\
             <path fill=\"#fff\" d=\"M0 0h{width}v{width}H0z\"/><path fill=\"#000\" d=\""
        );
        // Each horizontal run of dark modules is one rectangle.
        for y in 0..self.size {
            let row = &self.modules[y * self.size..(y + 1) * self.size];
            let mut x = 0;
            while x < self.size {
                let run = row[x..].iter().take_while(|&&m| m == 1).count();
                if run > 0 {
                    let (left, top) = (x + QUIET_ZONE, y + QUIET_ZONE);
                    write!(svg, "M{left} {top}h{run}v1h-{run}z").expect("writing to a String cannot fail");
                    x += run;
                } else {
                    x += 1;
                }
            }
        }
        svg.push_str("\"/></svg>\n");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_bytes_is_exactly_what_version_40_holds_at_level_m() {
        let code = QrCode::encode(&vec![b'x'; MAX_BYTES]).unwrap();
        assert_eq!((code.version(), code.error_correction()), (40, 'M'));
        assert_eq!(QrCode::encode(&vec![b'x'; MAX_BYTES + 1]), Err(CardError::TooLongForQr { bytes: MAX_BYTES + 1 }));
    }
}
