//! The one normalisation that names and queries both go through (docs/search.md), so that what a
//! person types meets what the directory holds.
//!
//! # The idea
//!
//! A query and a name match when they are equal after [`normalize`]: Unicode NFKC (full-width
//! ＺＨＡＮＧ and the ideographic space U+3000 become ASCII, compatibility ideographs become the
//! unified ones), then lower case, then each traditional character replaced by its simplified form
//! (張 → 张, 歐陽 → 欧阳). Spaces and `'` are kept: whether they matter is up to the caller (in
//! pinyin they do not, in an e-mail address they do). [`phone_digits`] is the same idea for phone
//! numbers: only the digits count, and a leading `+86` / `0086` is not part of the number.
//!
//! Both sides run this code: the snapshot builder on names, the page on every keystroke. That
//! sets a budget, because the page is a download; in the browser package all of this costs
//! 11.7 KB (8.4 KB gzipped), measured with `make wasm-web && make size`.
//!
//! - **NFKC and lower case.** Full NFKC (the `unicode-normalization` tables) would add about
//!   65 KB gzipped to the browser package, more than the whole engine, and Rust's own
//!   `to_lowercase` another 5 KB. So the browser folds by hand what a keyboard or an input
//!   method produces: full-width ASCII (U+FF01–FF5E), the ideographic space and a few full- and
//!   half-width signs (`fold_width`), and the capitals of ASCII, Latin-1, Latin Extended-A and the
//!   basic Greek and Cyrillic alphabets (`fold_case`). The builder (feature `builder`) runs full
//!   NFKC and full lower-casing first, so what is stored is normalised completely; the two differ
//!   only on what nobody types into a search box (①, ㍿, ﬁ, compatibility ideographs, Armenian
//!   capitals), which a query then simply does not match. Tests check that each hand-made fold
//!   agrees with Unicode on every character it changes.
//! - **Traditional → simplified** is a table of single characters ([`to_simplified`]), generated
//!   from OpenCC's character table (`TSCharacters`, through the `ferrous-opencc` crate; see
//!   `data/t2s.rs` and the test in `tests/text.rs` that regenerates it). Per character, not per
//!   phrase: names are not phrases, and a per-character map treats both sides of a match alike.
//!   It holds the 2,954 pairs within the Basic Multilingual Plane; a traditional character whose
//!   simplified form lies outside it (rare Extension A forms such as 㑮 → 𫝈) is left alone, since
//!   nobody types either. Two of OpenCC's choices are undone because names need it: 乾 stays 乾
//!   (qián, as in 乾隆; OpenCC's 干 is only right for 乾燥) and 於 stays 於 (the surname Yū,
//!   written 於 in simplified too). As plain `(u16, u16)` pairs the table would be 11.8 KB that
//!   gzip cannot shrink; stored as the gaps between traditional characters and the distance of
//!   each simplified form from its traditional one (close: same radical, fewer strokes), in
//!   LEB128, it is 8.5 KB (6.6 KB gzipped), decoded into a sorted array on first use.
//!
//! ```
//! use tongxunlu::text::normalize::{normalize, phone_digits};
//!
//! assert_eq!(normalize("ＺＨＡＮＧ三"), "zhang三");
//! assert_eq!(normalize("歐陽　娜娜"), "欧阳 娜娜");
//! assert_eq!(normalize("Xi'an"), "xi'an");
//! assert_eq!(phone_digits("+86 138-0013-8000"), "13800138000");
//! ```

use std::borrow::Cow;
use std::sync::OnceLock;

#[rustfmt::skip]
#[path = "data/t2s.rs"]
mod t2s;

/// `text` normalised for matching: NFKC (in full in the builder, the typed part of it in the
/// browser; see the module doc), lower case, traditional characters simplified. Spaces and
/// apostrophes are kept.
///
/// ```
/// use tongxunlu::text::normalize::normalize;
///
/// assert_eq!(normalize("張偉 Tony"), "张伟 tony");
/// assert_eq!(normalize("ＳＨＥＮＺＨＥＮ分公司"), "shenzhen分公司");
/// ```
pub fn normalize(text: &str) -> String {
    normalized(text).into_owned()
}

/// [`normalize`], borrowing `text` when it is normalised already, as nearly every stored name
/// is: search reads the names of the results it returns, and most keystrokes are plain letters.
///
/// ```
/// use std::borrow::Cow;
/// use tongxunlu::text::normalize::normalized;
///
/// assert!(matches!(normalized("张伟 zhang"), Cow::Borrowed("张伟 zhang")));
/// assert_eq!(normalized("張偉 Tony"), "张伟 tony");
/// ```
pub fn normalized(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_normal) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(fold(text))
    }
}

/// Normalising, the whole way.
fn fold(text: &str) -> String {
    // The builder folds everything first; the hand-made folds below then change nothing more.
    #[cfg(feature = "builder")]
    let text: &str = &fold_fully(text);
    text.chars().map(|c| to_simplified(fold_case(fold_width(c)))).collect()
}

/// Whether normalising leaves `c` as it is, for the characters names are made of: ASCII but
/// capitals (ASCII is NFKC already), and unified ideographs that are not traditional forms (they
/// have neither decompositions nor case). Anything else is left to the full path.
fn is_normal(c: char) -> bool {
    if c.is_ascii() {
        !c.is_ascii_uppercase()
    } else {
        matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}') && to_simplified(c) == c
    }
}

/// Full NFKC and full lower case (builder only: see the module doc).
#[cfg(feature = "builder")]
fn fold_fully(text: &str) -> String {
    use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
    // Most names are NFKC already (ASCII, ideographs), and checking is far cheaper than normalising.
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().flat_map(char::to_lowercase).collect()
    } else {
        text.nfkc().flat_map(char::to_lowercase).collect()
    }
}

/// The simplified form of a traditional character, or the character itself (for simplified
/// characters, characters that are the same in both writings, and anything that is not Chinese).
///
/// ```
/// use tongxunlu::text::normalize::to_simplified;
///
/// assert_eq!(to_simplified('張'), '张');
/// assert_eq!(to_simplified('张'), '张');
/// assert_eq!(to_simplified('乾'), '乾');
/// assert_eq!(to_simplified('A'), 'A');
/// ```
pub fn to_simplified(c: char) -> char {
    let table = traditional_to_simplified();
    if !table.may_be_traditional(c) {
        return c;
    }
    match table.pairs.binary_search_by_key(&u32::from(c), |&(traditional, _)| traditional) {
        Ok(i) => char::from_u32(table.pairs[i].1).unwrap_or(c),
        Err(_) => c,
    }
}

/// The (traditional, simplified) pairs of `data/t2s.rs`, sorted by the traditional character,
/// and which characters of the main ideograph blocks are among them.
struct TraditionalToSimplified {
    pairs: Vec<(u32, u32)>,
    /// Bit `c − BITS_FROM` is set when `c` is a traditional character: most characters of names
    /// are not, and a bit answers that without searching the pairs (normalising names is a
    /// large part of what the engine derives at the first search and the first look at A–Z).
    traditional: Vec<u64>,
}

impl TraditionalToSimplified {
    /// The ideograph blocks the bits cover: CJK Extension A and the unified ideographs.
    const BITS: std::ops::Range<u32> = 0x3400..0xA000;

    /// False when `c` is certainly not a traditional character.
    fn may_be_traditional(&self, c: char) -> bool {
        match u32::from(c).checked_sub(Self::BITS.start) {
            Some(bit) if u32::from(c) < Self::BITS.end => self.traditional[bit as usize / 64] >> (bit % 64) & 1 == 1,
            _ => true,
        }
    }
}

/// The table, decoded on first use.
fn traditional_to_simplified() -> &'static TraditionalToSimplified {
    static TABLE: OnceLock<TraditionalToSimplified> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut pairs = Vec::with_capacity(t2s::PAIRS);
        let bits = TraditionalToSimplified::BITS;
        let mut traditional_bits = vec![0u64; (bits.end - bits.start).div_ceil(64) as usize];
        let mut traditional = 0;
        for (gap, offset) in leb128(t2s::TRADITIONAL_GAPS).zip(leb128(t2s::SIMPLIFIED_OFFSETS)) {
            traditional += gap;
            // Zigzag: even numbers are the offsets ≥ 0, odd ones the negative offsets.
            let simplified = if offset % 2 == 0 { traditional + offset / 2 } else { traditional - offset.div_ceil(2) };
            pairs.push((traditional, simplified));
            if bits.contains(&traditional) {
                let bit = traditional - bits.start;
                traditional_bits[bit as usize / 64] |= 1 << (bit % 64);
            }
        }
        TraditionalToSimplified { pairs, traditional: traditional_bits }
    })
}

/// The unsigned LEB128 numbers of `bytes`: seven bits a byte, low bits first, the high bit set on
/// every byte but a number's last.
fn leb128(mut bytes: &'static [u8]) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        let mut value = 0;
        for shift in (0..32).step_by(7) {
            let (&byte, rest) = bytes.split_first()?;
            bytes = rest;
            value |= u32::from(byte & 0x7F) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    })
}

/// The digits of a phone number, for comparing and searching numbers however they are written:
/// full-width digits count as digits, everything that is not a digit is dropped, and a leading
/// `+86` or `0086` (China's country code) is removed. Other country codes stay: +852 is part of a
/// Hong Kong number's digits.
///
/// ```
/// use tongxunlu::text::normalize::phone_digits;
///
/// assert_eq!(phone_digits("138 0013 8000"), "13800138000");
/// assert_eq!(phone_digits("(+86) 021-6123 4567"), "02161234567");
/// assert_eq!(phone_digits("0086-13800138000"), "13800138000");
/// assert_eq!(phone_digits("+852 9123 4567"), "85291234567");
/// ```
pub fn phone_digits(text: &str) -> String {
    let folded = || text.chars().map(fold_width);
    let digits: String = folded().filter(char::is_ascii_digit).collect();
    // "+86" only counts when the plus sign comes before any digit ("(+86)", "+ 86").
    let plus_first = folded().find(|c| *c == '+' || c.is_ascii_digit()) == Some('+');
    let national = if plus_first { digits.strip_prefix("86") } else { digits.strip_prefix("0086") };
    national.map_or(digits.clone(), str::to_owned)
}

/// Whether `c` counts as a digit of a phone number: an ASCII or a full-width digit.
pub fn is_phone_digit(c: char) -> bool {
    fold_width(c).is_ascii_digit()
}

/// Whether `c` is a Chinese character (CJK unified ideograph): the unified block, Extension A,
/// the compatibility ideographs and Extensions B to I. Radicals, strokes and punctuation are not.
///
/// ```
/// use tongxunlu::text::normalize::is_han;
///
/// assert!(is_han('张') && is_han('㐀') && is_han('𠮷'));
/// assert!(!is_han('a') && !is_han('。') && !is_han('・'));
/// ```
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'        // Extension A
        | '\u{4E00}'..='\u{9FFF}'      // the unified ideographs
        | '\u{F900}'..='\u{FAFF}'      // compatibility ideographs
        | '\u{20000}'..='\u{323AF}'    // Extensions B to I and the compatibility supplement
    )
}

/// The lower-case form of a letter of the alphabets people type into a directory search: ASCII,
/// Latin-1, Latin Extended-A, and the basic Greek and Cyrillic alphabets; anything else unchanged. (Rust's own
/// `char::to_lowercase` covers all of Unicode, and its tables would add 5 KB gzipped to the page.)
fn fold_case(c: char) -> char {
    let code = u32::from(c);
    let offset = match code {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => 0x20,
        // Latin Extended-A pairs each capital with the small letter after it, from an even or
        // from an odd code point depending on the stretch.
        0x0100..=0x012F | 0x0132..=0x0137 | 0x014A..=0x0177 if code % 2 == 0 => 1,
        0x0139..=0x0148 | 0x0179..=0x017E if code % 2 == 1 => 1,
        0x0178 => return 'ÿ',
        0x0386 => 0x26,
        0x0388..=0x038A => 0x25,
        0x038C => 0x40,
        0x038E..=0x038F => 0x3F,
        0x0391..=0x03A1 | 0x03A3..=0x03AB | 0x0410..=0x042F => 0x20,
        0x0400..=0x040F => 0x50,
        _ => 0,
    };
    char::from_u32(code + offset).unwrap_or(c)
}

/// The half-width form of a character an input method may produce in full-width mode, as NFKC
/// has it; any other character unchanged.
fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        // Full-width ASCII sits at a fixed offset from ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{FF5F}' => '⦅',
        '\u{FF60}' => '⦆',
        '\u{FF61}' => '。',
        '\u{FF62}' => '「',
        '\u{FF63}' => '」',
        '\u{FF64}' => '、',
        '\u{FFE0}' => '¢',
        '\u{FFE1}' => '£',
        '\u{FFE2}' => '¬',
        '\u{FFE4}' => '¦',
        '\u{FFE5}' => '¥',
        '\u{FFE6}' => '₩',
        _ => c,
    }
}

/// Accented lower-case Latin letters (Latin-1 and Latin Extended-A) and the ASCII letter they
/// are typed as: a query "lefèvre" meets the name's reading "lefevre" (the builder folds names
/// the same way, through full decomposition).
const ACCENTED: &str = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžǎǐǒǔǖǘǚǜǹḿ";
const UNACCENTED: &str = "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzaiouuuuunm";

/// The ASCII letter an accented Latin letter is typed as (è → e), pinyin's tone marks included
/// (ǎ → a, ǹ → n, ḿ → m, ê → e; ü and its toned forms → u, which a query reads as v after l and
/// n: see `QueryUnit::try_parse`); any other character as it is. Expects lower case, as
/// [`normalize`] produces.
pub fn fold_accent(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    ACCENTED.chars().position(|a| a == c).and_then(|i| UNACCENTED.chars().nth(i)).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_taken_as_normal_is_left_alone_by_folding() {
        let ranges = [0..0x80, 0x3400..0x4DC0, 0x4E00..0xA000];
        let normal: Vec<char> =
            ranges.into_iter().flatten().filter_map(char::from_u32).filter(|&c| is_normal(c)).collect();
        assert!(normal.len() > 20_000 && !normal.contains(&'A') && !normal.contains(&'張'));
        for c in normal {
            assert_eq!(fold(&c.to_string()), c.to_string(), "U+{:04X}", c as u32);
        }
    }

    proptest::proptest! {
        #[test]
        fn borrowing_or_folding_gives_the_same_text(text in "[a-zA-Z0-9 '张張伟偉ＡＢ①é\u{301}\u{3000}]{0,12}") {
            proptest::prop_assert_eq!(normalized(&text), fold(&text));
        }
    }

    #[test]
    fn the_table_decodes_to_sorted_pairs_of_han_characters() {
        let bits = traditional_to_simplified();
        let table = &bits.pairs;
        assert_eq!(table.len(), t2s::PAIRS, "both streams decode completely");
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "sorted without duplicates, for binary search");
        for &(traditional, simplified) in table {
            let (t, s) = (char::from_u32(traditional), char::from_u32(simplified));
            assert!(t.is_some_and(is_han) && s.is_some_and(is_han), "{traditional:X} → {simplified:X}");
            assert_ne!(traditional, simplified);
        }
        assert!(table.contains(&(u32::from('張'), u32::from('张'))));
        assert!(table.contains(&(u32::from('蘋'), u32::from('苹'))), "a negative offset");
        // The bits say "maybe" for every traditional character and "no" for the rest of their
        // blocks, so that skipping the search on a "no" changes nothing.
        for c in (0x3400..0xA000).filter_map(char::from_u32) {
            let listed = table.binary_search_by_key(&u32::from(c), |&(t, _)| t).is_ok();
            assert_eq!(bits.may_be_traditional(c), listed, "{c}");
        }
        assert!(bits.may_be_traditional('\u{20000}'), "outside the blocks the bits cover: search");
    }

    #[test]
    fn leb128_reads_numbers_of_one_and_more_bytes() {
        let numbers: Vec<u32> = leb128(&[0x05, 0x80, 0x01, 0xE5, 0x8E, 0x26, 0x80]).collect();
        assert_eq!(numbers, [5, 128, 624_485], "a truncated last number is dropped");
    }

    #[test]
    fn full_width_ascii_and_the_ideographic_space_become_ascii() {
        assert_eq!(fold_width('Ａ'), 'A');
        assert_eq!(fold_width('ｚ'), 'z');
        assert_eq!(fold_width('０'), '0');
        assert_eq!(fold_width('＋'), '+');
        assert_eq!(fold_width('＇'), '\'');
        assert_eq!(fold_width('～'), '~');
        assert_eq!(fold_width('\u{3000}'), ' ');
        assert_eq!(fold_width('张'), '张');
    }

    /// The browser's hand-made folding must agree with NFKC wherever it does anything, or a name
    /// normalised by the builder would not meet the same name typed into the page.
    #[cfg(feature = "builder")]
    #[test]
    fn fold_width_agrees_with_nfkc_on_every_character_it_changes() {
        use unicode_normalization::UnicodeNormalization;
        let mut changed = 0;
        for c in (0..=0xFFFF).filter_map(char::from_u32) {
            if fold_width(c) != c {
                changed += 1;
                assert_eq!(fold_width(c).to_string(), c.to_string().nfkc().collect::<String>(), "U+{:04X}", c as u32);
            }
        }
        assert_eq!(changed, 94 + 1 + 12, "full-width ASCII, the ideographic space and 12 signs");
    }

    #[test]
    fn lower_case_applies_after_width_folding() {
        assert_eq!(normalize("ＡＢＣ"), "abc");
        assert_eq!(fold_case('Ü'), 'ü');
        assert_eq!(fold_case('Ł'), 'ł');
        assert_eq!(fold_case('Ω'), 'ω');
        assert_eq!(fold_case('Ж'), 'ж');
        assert_eq!(fold_case('×'), '×');
        assert_eq!(fold_case('张'), '张');
    }

    /// The browser's lower case must be Unicode's wherever it applies, and cover the alphabets it
    /// names completely.
    #[test]
    fn fold_case_agrees_with_unicode_lower_case() {
        let mut changed = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let unicode: Vec<char> = c.to_lowercase().collect();
            if fold_case(c) != c {
                changed += 1;
                assert_eq!(unicode, [fold_case(c)], "U+{:04X}", c as u32);
            } else if matches!(c, '\0'..='\u{17F}' | '\u{386}'..='\u{3AB}' | '\u{400}'..='\u{42F}') && c != 'İ' {
                assert_eq!(unicode, [c], "U+{:04X} is not folded", c as u32);
            }
        }
        assert_eq!(changed, 26 + 30 + 62 + 33 + 48, "ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic capitals");
    }

    #[test]
    fn a_plus_after_digits_is_not_a_country_code() {
        assert_eq!(phone_digits("86+123"), "86123");
        assert_eq!(phone_digits("＋８６ １３８"), "138");
        assert_eq!(phone_digits("+86"), "");
        assert_eq!(phone_digits("008"), "008");
        assert_eq!(phone_digits("021-61234567 转 806"), "02161234567806");
    }
}
