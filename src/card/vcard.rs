//! vCard 3.0 (RFC 2426), the card phones import.
//!
//! A card comes out like this (one property a line, each line ended by CRLF):
//!
//! ```text
//! BEGIN:VCARD
//! VERSION:3.0
//! N:欧阳;娜娜;;;
//! FN:欧阳娜娜
//! NICKNAME:Nana
//! ORG:上海顺城物流有限公司;技术中心;研发部
//! TITLE:前端工程师
//! TEL;TYPE=CELL:13800138000
//! TEL;TYPE=WORK:021-61234567
//! EMAIL;TYPE=INTERNET:nana@example.com
//! NOTE:微信号：ouyang-nana
//! END:VCARD
//! ```
//!
//! The rules it keeps, from RFC 2426 and the line format of RFC 2425:
//!
//! - Every line ends in CRLF, the last one too; there is no byte-order mark. The text is UTF-8
//!   (the default for vCard 3.0 carried as text, so no `CHARSET` parameter).
//! - `N` has its five components (family; given; additional; prefixes; suffixes) and `ORG`
//!   one per level, separated by `;`. Inside a value `\`, `,` and `;` are escaped as `\\`,
//!   `\,` and `\;`, and a line break as `\n`.
//! - A line longer than 75 octets is folded: a CRLF and one space are inserted, which readers
//!   remove again ("unfolding"). The fold goes between two characters, never inside one's
//!   UTF-8 bytes, and never between a backslash and the character it escapes, so even a
//!   reader that unescapes line by line reads the right text.
//!
//! ```
//! use tongxunlu::card::{vcard, Card};
//!
//! let card = Card {
//!     name: "司马懿", family: "司马", given: "懿", nickname: None,
//!     organisation: vec!["魏国", "丞相府"], title: Some("主簿, 太尉".into()),
//!     mobile: Some("13800138000".into()), telephone: None, email: None, weixin_id: None,
//! };
//! assert_eq!(
//!     vcard(&card),
//!     "BEGIN:VCARD\r\nVERSION:3.0\r\nN:司马;懿;;;\r\nFN:司马懿\r\nORG:魏国;丞相府\r\n\
//!      TITLE:主簿\\, 太尉\r\nTEL;TYPE=CELL:13800138000\r\nEND:VCARD\r\n"
//! );
//! ```

use super::{escape_into, Card};

/// The longest a line may be, in octets, CRLF not counted (RFC 2425 §5.8.1).
pub const MAX_LINE: usize = 75;

/// The card as vCard 3.0 text.
pub fn vcard(card: &Card<'_>) -> String {
    let mut w = Writer { out: String::with_capacity(320) };
    w.property("BEGIN", &["VCARD"]);
    w.property("VERSION", &["3.0"]);
    w.property("N", &[card.family, card.given, "", "", ""]);
    w.property("FN", &[card.name]);
    w.optional("NICKNAME", card.nickname.as_deref());
    if card.organisation.iter().any(|level| !level.is_empty()) {
        w.property("ORG", &card.organisation);
    }
    w.optional("TITLE", card.title.as_deref());
    w.optional("TEL;TYPE=CELL", card.mobile.as_deref());
    w.optional("TEL;TYPE=WORK", card.telephone.as_deref());
    w.optional("EMAIL;TYPE=INTERNET", card.email.as_deref());
    w.optional("NOTE", card.weixin_note().as_deref());
    w.property("END", &["VCARD"]);
    w.out
}

struct Writer {
    out: String,
}

impl Writer {
    /// Writes `name:` and the components, escaped and separated by `;`, as one folded line.
    fn property(&mut self, name: &str, components: &[&str]) {
        let mut line = String::with_capacity(name.len() + 1 + components.iter().map(|c| c.len() + 1).sum::<usize>());
        line.push_str(name);
        line.push(':');
        for (i, component) in components.iter().enumerate() {
            if i > 0 {
                line.push(';');
            }
            escape_into(&mut line, component, &['\\', ',', ';'], "\\n");
        }
        fold_into(&mut self.out, &line);
    }

    fn optional(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.property(name, &[value]);
        }
    }
}

/// Appends `line` and a CRLF to `out`, folded so that no physical line is longer than
/// [`MAX_LINE`] octets. A continuation line starts with a space, which counts.
fn fold_into(out: &mut String, line: &str) {
    let mut room = MAX_LINE;
    let mut rest = line;
    while !rest.is_empty() {
        let unit = unit_len(rest);
        if unit > room {
            out.push_str("\r\n ");
            room = MAX_LINE - 1;
        }
        out.push_str(&rest[..unit]);
        room -= unit;
        rest = &rest[unit..];
    }
    out.push_str("\r\n");
}

/// The length in bytes of what must not be split at the start of `s`: one character, or an
/// escape (a backslash and the character after it).
fn unit_len(s: &str) -> usize {
    let mut chars = s.chars();
    match chars.next() {
        Some('\\') => 1 + chars.next().map_or(0, char::len_utf8),
        Some(c) => c.len_utf8(),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold_into(&mut out, line);
        out
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(folded("FN:张伟"), "FN:张伟\r\n");
        assert_eq!(folded(&"a".repeat(75)), format!("{}\r\n", "a".repeat(75)));
    }

    #[test]
    fn long_lines_fold_at_75_octets_then_74_after_the_space() {
        let line = "a".repeat(75 + 74 + 1);
        assert_eq!(folded(&line), format!("{}\r\n {}\r\n {}\r\n", "a".repeat(75), "a".repeat(74), "a"));
    }

    #[test]
    fn a_fold_never_splits_a_character_or_an_escape() {
        // "N:" and 24 three-byte characters fill 74 octets; the 25th does not fit in the 75th.
        let line = format!("N:{}", "张".repeat(30));
        let out = folded(&line);
        let first = out.split("\r\n").next().unwrap();
        assert_eq!(first.len(), 74);
        // An escape that would straddle the limit moves to the next line whole.
        let line = format!("{}\\,", "a".repeat(74));
        assert_eq!(folded(&line), format!("{}\r\n \\,\r\n", "a".repeat(74)));
    }
}
