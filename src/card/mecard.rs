//! MECARD, the compact contact format for QR codes (NTT DoCoMo's; ZXing-based scanners, among
//! others, turn it into a contact).
//!
//! One line, no header or version, each field `NAME:value;`, and an extra `;` at the end:
//!
//! ```text
//! MECARD:N:欧阳,娜娜;NICKNAME:Nana;TEL:13800138000;TEL:021-61234567;EMAIL:nana@example.com;ORG:上海顺城物流有限公司 技术中心 研发部;NOTE:前端工程师 微信号：ouyang-nana;;
//! ```
//!
//! For the same person it is shorter than the vCard — the name is written once, there are no
//! type parameters and no line ends — so its QR code is often a version or two smaller, and
//! its modules larger on the screen. It also carries less: `N` is "family,given", there is no
//! title field (the position goes into `NOTE`) and the organisation is one text, its levels
//! separated by spaces. Inside a value `\`, `;`, `,` and `:` are escaped with a backslash;
//! a line break becomes a space, as the format has no way to write one.
//!
//! ```
//! use tongxunlu::card::{mecard, Card};
//!
//! let card = Card {
//!     name: "Anna Müller", family: "Müller", given: "Anna", nickname: None,
//!     organisation: vec!["ACME; Inc"], title: None,
//!     mobile: Some("+49 170 1234567".into()), telephone: None, email: None, weixin_id: Some("anna_m".into()),
//! };
//! assert_eq!(mecard(&card), "MECARD:N:Müller,Anna;TEL:+49 170 1234567;ORG:ACME\\; Inc;NOTE:微信号：anna_m;;");
//! ```

use super::{escape_into, Card};

/// The card as MECARD text.
pub fn mecard(card: &Card<'_>) -> String {
    let mut out = String::with_capacity(200);
    out.push_str("MECARD:N:");
    escape(&mut out, card.family);
    if !card.given.is_empty() {
        out.push(',');
        escape(&mut out, card.given);
    }
    out.push(';');
    field(&mut out, "NICKNAME", card.nickname.as_deref().as_slice());
    field(&mut out, "TEL", card.mobile.as_deref().as_slice());
    field(&mut out, "TEL", card.telephone.as_deref().as_slice());
    field(&mut out, "EMAIL", card.email.as_deref().as_slice());
    field(&mut out, "ORG", &card.organisation);
    let weixin = card.weixin_note();
    let note: Vec<&str> = [card.title.as_deref(), weixin.as_deref()].into_iter().flatten().collect();
    field(&mut out, "NOTE", &note);
    out.push(';');
    out
}

/// Writes `KEY:parts;`, the non-empty parts escaped and separated by spaces; nothing when no
/// part has text.
fn field(out: &mut String, key: &str, parts: &[&str]) {
    let mut parts = parts.iter().filter(|part| !part.is_empty());
    let Some(first) = parts.next() else { return };
    out.push_str(key);
    out.push(':');
    escape(out, first);
    for part in parts {
        out.push(' ');
        escape(out, part);
    }
    out.push(';');
}

fn escape(out: &mut String, value: &str) {
    escape_into(out, value, &['\\', ';', ',', ':'], " ");
}
