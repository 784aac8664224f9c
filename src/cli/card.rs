//! `tongxunlu card snap.txl USERID [--qr out.svg] [--format vcard|mecard]`: a member's business
//! card as the snapshot's viewer may see it, on stdout (the vCard exactly as a `.vcf` file holds
//! it), and its QR code as SVG.

use std::io::Write;
use std::path::Path;

use tongxunlu::card::qr::{QrCode, QUIET_ZONE};
use tongxunlu::card::{Card, Format};

use super::{finish_output, read_snapshot, write, Error, Result};

pub(super) fn card_command(path: &Path, userid: &str, qr: Option<&Path>, format: Format) -> Result<()> {
    let snapshot = read_snapshot(path)?;
    let card = Card::of(&snapshot, userid).map_err(|e| Error::in_file(path, e))?;
    let text = card.write(format);
    if let Some(svg_path) = qr {
        let code = QrCode::encode(text.as_bytes()).map_err(|source| Error::Qr { userid: userid.to_owned(), source })?;
        write(svg_path, code.svg().as_bytes())?;
        eprintln!(
            "wrote {}: QR code version {} ({size}×{size} modules and a {QUIET_ZONE}-module quiet zone), \
             level {}, {} bytes of card",
            svg_path.display(),
            code.version(),
            code.error_correction(),
            text.len(),
            size = code.size(),
        );
    }
    // The vCard ends in CRLF; the one-line MECARD gets a line end of its own.
    let line_end = if text.ends_with('\n') { "" } else { "\n" };
    finish_output(write!(std::io::stdout().lock(), "{text}{line_end}"))
}
