//! Business cards (docs/card.md): a member's contact details as a vCard or a MECARD, and a QR code
//! of either, made from the snapshot the page already holds.
//!
//! # The idea
//!
//! A card is written from a viewer's [`Snapshot`], never from the directory. The snapshot
//! holds only what its viewer may see — a hidden field is simply absent (docs/visibility.md) — so a card
//! cannot show more than the member's page does, and the browser can make cards offline.
//!
//! Making a card has three steps, one module each:
//!
//! 1. [`Card::of`] gathers, once, what a card shows: the name split into family and given
//!    name by the surname table ([`crate::text::surname`]), the alias, the position, the
//!    numbers, the email, the WeChat id, and the organisation — the company, then the path of
//!    the member's first department (breadcrumb labels included).
//! 2. A writer turns the card into text: [`vcard`](mod@vcard) (vCard 3.0, RFC 2426: what "save to phone"
//!    downloads, and what the QR code carries by default) or [`mecard`](mod@mecard) (the denser MECARD
//!    that phone cameras also read).
//! 3. [`qr`] encodes that text's UTF-8 bytes as a QR code and draws it as SVG or as a matrix
//!    of modules for a canvas.
//!
//! ```
//! # use tongxunlu::sample::{generate, Preset, SampleSpec};
//! # use tongxunlu::{snapshot, visibility::Organisation};
//! use tongxunlu::card::{qr, Card};
//! use tongxunlu::snapshot::Snapshot;
//!
//! # let dir = generate(&SampleSpec { members: 50, seed: 1, preset: Preset::Company });
//! # let view = Organisation::new(&dir).view("staff001").unwrap();
//! # let bytes = snapshot::build(&dir, &view).bytes;
//! let snapshot = Snapshot::open(bytes)?;            // what staff001 may see
//! let card = Card::of(&snapshot, "staff001")?;
//! assert_eq!(card.organisation, ["上海顺城物流有限公司", "销售中心", "华东大区", "上海分公司", "大客户部"]);
//! let text = card.vcard();
//! assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
//! assert!(text.contains("\r\nN:张;伟;;;\r\n"));
//!
//! let code = qr::QrCode::encode(text.as_bytes())?;
//! assert!(code.svg().starts_with("<svg"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What a card shows
//!
//! | vCard | MECARD | from the snapshot |
//! |---|---|---|
//! | `FN`, `N` | `N` | name; surname split off (欧阳 + 娜娜; "Anna Müller" → Müller + Anna) |
//! | `NICKNAME` | `NICKNAME` | alias |
//! | `ORG` | `ORG` | company, then the department path (at most [`ORG_LEVELS`] levels) |
//! | `TITLE` | in `NOTE` | position |
//! | `TEL;TYPE=CELL`, `TEL;TYPE=WORK` | `TEL` | mobile, telephone (座机) |
//! | `EMAIL;TYPE=INTERNET` | `EMAIL` | email |
//! | `NOTE` | `NOTE` | WeChat id, as `微信号：…` |
//!
//! A field the snapshot lacks is left out, line and all. The department path keeps the
//! [`ORG_LEVELS`] levels nearest the member: phones show the organisation as a company and one
//! department line, and without a bound a department fifteen levels deep would make a card
//! too long for a QR code.

pub mod mecard;
pub mod qr;
pub mod vcard;

use std::borrow::Cow;

use crate::fields::TextField;
use crate::snapshot::Snapshot;
use crate::text::surname::split_name;

pub use mecard::mecard;
pub use vcard::vcard;

/// The most department levels a card's organisation names, counted from the member's own
/// department upwards. Four covers the sample company's deepest teams
/// (销售中心 › 华东大区 › 上海分公司 › 大客户部).
pub const ORG_LEVELS: usize = 4;

/// Why no card could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// The account is not in the snapshot: unknown, or not visible to its viewer.
    #[error("no member {0:?} in this directory")]
    UnknownMember(String),
    /// The text does not fit in the largest QR code at error-correction level M.
    #[error(
        "the card is {bytes} bytes long; a QR code holds at most {} bytes at error-correction level M",
        qr::MAX_BYTES
    )]
    TooLongForQr {
        /// The length of the text, in UTF-8 bytes.
        bytes: usize,
    },
    /// A card format other than `vcard` or `mecard` was asked for.
    #[error("unknown card format {0:?}; expected vcard or mecard")]
    UnknownFormat(String),
}

/// The two texts a card can be written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// vCard 3.0 (RFC 2426): what phones import, and the QR code's default.
    #[default]
    VCard,
    /// MECARD: fewer bytes for the same person, so a smaller QR code.
    MeCard,
}

impl std::str::FromStr for Format {
    type Err = CardError;

    /// `vcard` or `mecard`, as the CLI and JavaScript spell them.
    fn from_str(s: &str) -> Result<Format, CardError> {
        match s {
            "vcard" => Ok(Format::VCard),
            "mecard" => Ok(Format::MeCard),
            other => Err(CardError::UnknownFormat(other.to_owned())),
        }
    }
}

/// What one member's card shows, borrowed from the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card<'s> {
    /// The name as the directory writes it (`FN`).
    pub name: &'s str,
    /// The surname (张, 欧阳, Müller).
    pub family: &'s str,
    /// The given name (伟, 娜娜, Anna); empty when the name is one word.
    pub given: &'s str,
    /// The alias (别名).
    pub nickname: Option<Cow<'s, str>>,
    /// The company, then the department path from the top down.
    pub organisation: Vec<&'s str>,
    /// The position (职务).
    pub title: Option<Cow<'s, str>>,
    /// The mobile number (手机).
    pub mobile: Option<Cow<'s, str>>,
    /// The work telephone (座机).
    pub telephone: Option<Cow<'s, str>>,
    /// The email address.
    pub email: Option<Cow<'s, str>>,
    /// The WeChat id (微信号), shown in the note.
    pub weixin_id: Option<Cow<'s, str>>,
}

impl<'s> Card<'s> {
    /// The card of the member with account `userid`, as `snapshot`'s viewer may see it.
    pub fn of(snapshot: &'s Snapshot, userid: &str) -> Result<Card<'s>, CardError> {
        let position = snapshot.find_member(userid).ok_or_else(|| CardError::UnknownMember(userid.to_owned()))?;
        Ok(Card::at(snapshot, position))
    }

    /// The card of the member at `position` (0 ≤ position < [`Snapshot::member_count`]).
    pub fn at(snapshot: &'s Snapshot, position: usize) -> Card<'s> {
        let member = snapshot.member(position);
        // A field that is present but blank would only make an empty line.
        let mut fields = member.fields;
        let mut text = |field| {
            let at = fields.iter().position(|(f, _)| *f == field)?;
            Some(fields.swap_remove(at).1).filter(|value| !value.trim().is_empty())
        };
        let (family, given) = split_name(member.name);
        let mut organisation = vec![snapshot.corp_name()];
        if let Some(&(department, _)) = member.departments.first() {
            organisation.extend(department_path(snapshot, department));
        }
        Card {
            name: member.name,
            family,
            given,
            nickname: text(TextField::Alias),
            organisation,
            title: text(TextField::Position),
            mobile: text(TextField::Mobile),
            telephone: text(TextField::Telephone),
            email: text(TextField::Email),
            weixin_id: text(TextField::WeixinId),
        }
    }

    /// The card as vCard 3.0 text; see [`vcard()`].
    pub fn vcard(&self) -> String {
        vcard(self)
    }

    /// The card as MECARD text; see [`mecard()`].
    pub fn mecard(&self) -> String {
        mecard(self)
    }

    /// The card in `format`.
    pub fn write(&self, format: Format) -> String {
        match format {
            Format::VCard => vcard(self),
            Format::MeCard => mecard(self),
        }
    }

    /// The NOTE line's text for the WeChat id, shared by both formats.
    fn weixin_note(&self) -> Option<String> {
        self.weixin_id.as_ref().map(|id| format!("微信号：{id}"))
    }
}

/// The names of the department at `position` and its ancestors, from the top down, without the
/// topmost department (the organisation itself, already named as the company) and at most
/// [`ORG_LEVELS`] of them, the nearest kept.
fn department_path(snapshot: &Snapshot, position: usize) -> Vec<&str> {
    let mut path = Vec::new();
    let mut at = snapshot.department(position);
    while let (Some(parent), true) = (at.parent, path.len() < ORG_LEVELS) {
        path.push(at.name);
        at = snapshot.department(parent);
    }
    path.reverse();
    path
}

/// Writes `value` into `out` with a backslash before each character of `special`, each line
/// break (CRLF, LF or CR) as `newline`, and other control characters left out: neither card
/// format can carry them, and a stray one would end a line early in some readers.
fn escape_into(out: &mut String, value: &str, special: &[char], newline: &str) {
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str(newline);
            }
            c if special.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}
