//! The business card's QR code (docs/card.md): its SVG, rasterised by `resvg` and read by two
//! decoders that share no code with the encoder — `rxing` (a port of ZXing, the decoder inside
//! most Android scanners) and `rqrr` (a port of quirc) — gives back the card's text byte for byte,
//! as one byte-mode segment announced as UTF-8, in the smallest version that holds it at
//! error-correction level M. For the named cards, the longest card and every member of the
//! 5,000-member sample.

use tongxunlu::card::qr::{QrCode, MAX_BYTES, QUIET_ZONE};
use tongxunlu::card::{Card, CardError, Format};

use crate::util::*;

/// Pixels per module when rasterising: about as coarse as a phone camera sees a code on a
/// screen, and small images keep the 5,000 decodes quick.
const SCALE: f32 = 3.0;

/// Data codewords of versions 1 to 40 at error-correction level M (ISO/IEC 18004, table 7).
#[rustfmt::skip]
const DATA_CODEWORDS_M: [usize; 40] = [
    16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669,
    714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914,
    1992, 2102, 2216, 2334,
];

/// The smallest version whose level-M data capacity holds `len` bytes behind a UTF-8 ECI: the
/// ECI header (4 + 8 bits), the byte-mode header (4 bits and a count of 8 bits up to version 9,
/// 16 from version 10) and the bytes.
fn smallest_version(len: usize) -> usize {
    (1..=40)
        .find(|&v| 4 + 8 + 4 + if v < 10 { 8 } else { 16 } + 8 * len <= 8 * DATA_CODEWORDS_M[v - 1])
        .expect("fits in version 40")
}

/// Encodes `text`, draws it as SVG, reads the SVG back with ZXing — and with quirc too when
/// `quirc` is set — and checks everything the code promises. Returns the code.
fn round_trip(text: &str, what: &str, quirc: bool) -> QrCode {
    let code = QrCode::encode(text.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(code.version() as usize, smallest_version(text.len()), "{what}: not the smallest version at level M");
    assert_eq!(code.size(), 17 + 4 * code.version() as usize, "{what}: size");
    let image = rasterise(&code.svg(), SCALE).unwrap_or_else(|e| panic!("{what}: {e}"));

    let zxing = read_with_zxing(&image).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    // Byte for byte, and as text: a segment in Kanji mode would come back as Shift JIS bytes.
    assert!(zxing.bytes == text.as_bytes(), "{what}: ZXing read {:?}", String::from_utf8_lossy(&zxing.bytes));
    assert_eq!(zxing.text, text, "{what}: ZXing's text");
    assert_eq!(zxing.symbology, "]Q2", "{what}: the code does not announce its character set (ECI)");
    assert_eq!(zxing.level, code.error_correction().to_string(), "{what}: level");
    assert!(matches!(code.error_correction(), 'M' | 'Q' | 'H'), "{what}: level {} is below M", code.error_correction());

    if quirc {
        let read = read_with_quirc(&image).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
        assert!(read.bytes == text.as_bytes(), "{what}: quirc read {:?}", String::from_utf8_lossy(&read.bytes));
        assert_eq!((read.version, read.level), (code.version() as usize, code.error_correction()), "{what}: quirc");
    }
    code
}

#[test]
fn every_named_card_reads_back_byte_for_byte_in_both_formats() {
    let snapshot = named_snapshot();
    for &(userid, what) in NAMED {
        let card = Card::of(snapshot, userid).unwrap();
        let vcard = round_trip(&card.vcard(), &format!("{userid} ({what}), vCard"), true);
        let mecard = round_trip(&card.mecard(), &format!("{userid} ({what}), MECARD"), true);
        assert!(mecard.version() <= vcard.version());
    }
}

#[test]
fn the_longest_card_reads_back_byte_for_byte() {
    let card = Card::of(longest_snapshot(), "longest").unwrap();
    let (vcard, mecard) = (card.vcard(), card.mecard());
    let code = round_trip(&vcard, "the longest vCard", true);
    let m = round_trip(&mecard, "the longest MECARD", true);
    println!(
        "the longest card: vCard {} bytes → version {} ({n}×{n} modules, level {}); MECARD {} bytes → version {} ({k}×{k})",
        vcard.len(),
        code.version(),
        code.error_correction(),
        mecard.len(),
        m.version(),
        n = code.size(),
        k = m.size(),
    );
}

#[test]
fn every_card_of_the_5k_sample_reads_back_byte_for_byte() {
    let snapshot = sample_snapshot();
    let count = snapshot.member_count();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    // Each thread decodes every threads-th card; versions are collected to report the spread.
    let mut versions: Vec<(u8, usize)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..count)
                        .step_by(threads)
                        .map(|position| {
                            let text = Card::at(snapshot, position).vcard();
                            // quirc is slow (10 to 20 ms a code): it reads one card in 100.
                            let code = round_trip(&text, snapshot.member(position).userid, position % 100 == 0);
                            (code.version(), text.len())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a decoding thread panicked")).collect()
    });
    assert_eq!(versions.len(), count);
    versions.sort();
    let (median, largest) = (versions[count / 2], versions[count - 1]);
    println!(
        "{count} cards: median {} bytes → version {} ({}×{} modules); largest {} bytes → version {}; smallest version {}",
        median.1,
        median.0,
        17 + 4 * median.0 as usize,
        17 + 4 * median.0 as usize,
        largest.1,
        largest.0,
        versions[0].0
    );
}

#[test]
fn the_svg_draws_the_matrix_with_a_white_quiet_zone() {
    let card = Card::of(named_snapshot(), "ouyang").unwrap();
    let code = QrCode::encode(card.vcard().as_bytes()).unwrap();
    let svg = code.svg();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    assert!(svg.contains("shape-rendering=\"crispEdges\""));

    // The quiet zone is painted white, not left transparent, so a dark page cannot show through.
    let width = code.size() + 2 * QUIET_ZONE;
    assert!(svg.contains(&format!("<path fill=\"#fff\" d=\"M0 0h{width}v{width}H0z\"/>")), "{svg}");
    // Rasterised at 3 pixels a module, the centre pixel of every module has the module's colour.
    let image = rasterise(&svg, 3.0).unwrap();
    assert_eq!((image.width, image.height), (3 * width, 3 * width));
    for y in 0..width {
        for x in 0..width {
            let pixel = image.luma[(3 * y + 1) * image.width + 3 * x + 1];
            let dark = code.is_dark(x.wrapping_sub(QUIET_ZONE), y.wrapping_sub(QUIET_ZONE));
            assert_eq!(pixel, if dark { 0 } else { 255 }, "module ({x}, {y})");
        }
    }
    // The matrix a canvas draws is the same code: drawn from it, it reads as the card.
    let read = read_with_zxing(&draw_matrix(&code, 4)).unwrap();
    assert_eq!(read.text, card.vcard());
    assert_eq!(code.modules().len(), code.size() * code.size());
}

#[test]
fn a_card_too_long_for_any_qr_code_is_a_clear_error() {
    let text = "x".repeat(MAX_BYTES + 1);
    let err = QrCode::encode(text.as_bytes()).unwrap_err();
    assert_eq!(err, CardError::TooLongForQr { bytes: MAX_BYTES + 1 });
    assert_eq!(
        err.to_string(),
        "the card is 2331 bytes long; a QR code holds at most 2330 bytes at error-correction level M"
    );
    // At the limit it still fits, in version 40.
    assert_eq!(smallest_version(MAX_BYTES), 40);
    assert_eq!(QrCode::encode(&text.as_bytes()[1..]).unwrap().version(), 40);
}

#[test]
fn the_mecard_makes_a_smaller_code_for_typical_cards() {
    let snapshot = sample_snapshot();
    let (mut smaller, mut total) = (0, 0);
    for position in (0..snapshot.member_count()).step_by(97) {
        let card = Card::at(snapshot, position);
        let vcard = QrCode::encode(card.write(Format::VCard).as_bytes()).unwrap();
        let mecard = QrCode::encode(card.write(Format::MeCard).as_bytes()).unwrap();
        assert!(mecard.version() <= vcard.version());
        smaller += usize::from(mecard.version() < vcard.version());
        total += 1;
    }
    assert!(smaller * 2 > total, "the MECARD is a smaller code for only {smaller} of {total} cards");
}
