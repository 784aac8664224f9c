//! The ranking key: one `u64` per match, smaller first, whose bits from the top down are the
//! parts of the ranking the module doc of [`super`] lists — band, place, way, complete before
//! partial, first reading before another, the result's kind, the viewer's frequent contacts,
//! closeness to the viewer, and the position — so that comparing two keys compares two matches,
//! and the best rank a whole band or place can have is a number ([`rank_floor`]) that a search
//! can hold against the page's worst to skip work. The score a result shows is derived from
//! its key.

use serde::Serialize;

use super::super::matcher::How;
use super::super::phone::Tier;
use super::ResultKind;

/// How a result matched, best first within its band (see [`Way::band`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    /// By the characters of the name.
    Name,
    /// By full pinyin (the last syllable may be a prefix).
    Pinyin,
    /// By a word of the Latin name or nickname.
    Alias,
    /// By the first letter of every syllable (initials).
    Initials,
    /// By any other mix of reading prefixes ("zhsan", "zhs" for 张三).
    Abbreviation,
    /// Fuzzy pinyin (模糊音): z/zh, c/ch, s/sh, l/n, an/ang, en/eng, in/ing.
    Fuzzy,
    /// By the account, WeChat id or email.
    Identifier,
    /// By digits of a mobile or telephone number.
    Phone,
    /// As a member of a department the query names.
    InDepartment,
    /// One letter inserted, deleted, replaced, or two neighbours swapped.
    Typo,
}

/// Every way with its band (see [`Way::band`]), best first: the order of the ranking key's way
/// bits, which is [`Way`]'s declaration order (a test holds them together). A new way of
/// matching is a variant and a row here; the key and the score follow from the row.
const WAYS: [(Way, u8); 10] = [
    (Way::Name, 0),
    (Way::Pinyin, 0),
    (Way::Alias, 0),
    (Way::Initials, 0),
    (Way::Abbreviation, 1),
    (Way::Fuzzy, 1),
    (Way::Identifier, 1),
    (Way::Phone, 1),
    (Way::InDepartment, 1),
    (Way::Typo, 2),
];

// The score gives each way one decimal digit, and the key four bits.
const _: () = assert!(WAYS.len() <= 10);

impl Way {
    /// Every way, best first within its band.
    #[cfg(test)]
    pub(super) fn all() -> impl Iterator<Item = Way> {
        WAYS.iter().map(|&(way, _)| way)
    }

    /// The first part of the ranking key: every syllable taken one plain way (the name, its
    /// pinyin, the alias, the initials) before other abbreviations, fuzzy pinyin and
    /// identifiers. Typing "jishu" means 技术部 more surely than it abbreviates 姜思慧 (ji·s·hu),
    /// though that covers her whole name; "sc" means 孙晨 by initials more surely than the
    /// inside of Michael Schmidt. Typos come last of all (docs/search.md): a guess at what was meant.
    pub fn band(self) -> u8 {
        WAYS[self as usize].1
    }
}

/// The parts of a ranking key, from its top bits down: band (2 bits), place (2), way (4),
/// partial (1), secondary (1), kind (2), the frequency rank (16), the closeness level (4) and
/// the position (32).
const BAND_SHIFT: u32 = 62;
const PLACE_SHIFT: u32 = 60;
const WAY_SHIFT: u32 = 56;
const PARTIAL_SHIFT: u32 = 55;
const SECONDARY_SHIFT: u32 = 54;
const KIND_SHIFT: u32 = 52;
const FREQUENCY_SHIFT: u32 = 36;
const CLOSENESS_SHIFT: u32 = 32;

pub(super) fn place_of(rank: u64) -> Place {
    ((rank >> PLACE_SHIFT) & 0b11) as Place
}

pub(super) fn way_of(rank: u64) -> Way {
    // Ranks are made only by `Quality::key`, from a `Way`: the index is always one of them.
    WAYS[((rank >> WAY_SHIFT) & 0xf) as usize].0
}

/// The band of the matches of a query of several words that only its first word, narrowed by
/// the others, finds: after every band a [`Way`] has.
pub(super) const WORDS_BAND: u8 = 3;

/// The best rank any match in this band and place can have.
pub(super) fn rank_floor(band: u8, place: Place) -> u64 {
    (u64::from(band) << BAND_SHIFT) | (u64::from(place) << PLACE_SHIFT)
}

impl From<How> for Way {
    fn from(how: How) -> Way {
        match how {
            How::Name => Way::Name,
            How::Pinyin => Way::Pinyin,
            How::Initials => Way::Initials,
            How::Abbreviation => Way::Abbreviation,
        }
    }
}

/// Where a match stands: [`EXACT`], [`PREFIX`] or [`INFIX`].
pub(super) type Place = u8;
pub(super) const EXACT: Place = 0;
pub(super) const PREFIX: Place = 1;
pub(super) const INFIX: Place = 2;

/// How good a match is: the parts of its rank that the match decides.
#[derive(Debug, Clone, Copy)]
pub(super) struct Quality {
    /// The way's own band, but for the members of a department (see [`Quality::following`]).
    pub(super) band: u8,
    pub(super) place: Place,
    pub(super) way: Way,
    /// The query ends inside a reading rather than with it (see the module doc).
    pub(super) partial: bool,
    /// Matched by reading a heteronym other than its first way (see the module doc).
    pub(super) secondary: bool,
}

impl Quality {
    pub(super) fn new(place: Place, way: Way) -> Quality {
        Quality { band: way.band(), place, way, partial: false, secondary: false }
    }

    /// The match as made through a reading key that reads a heteronym its first way or not.
    pub(super) fn read(self, secondary: bool) -> Quality {
        Quality { secondary, ..self }
    }

    /// A phone number's match, by how it holds the digits (see [`super::phone`]).
    pub(super) fn phone(tier: Tier) -> Quality {
        let (place, partial) = match tier {
            Tier::Whole => (EXACT, false),
            Tier::End => (PREFIX, false),
            Tier::Start => (PREFIX, true),
            Tier::Inside => (INFIX, true),
        };
        Quality { partial, ..Quality::new(place, Way::Phone) }
    }

    /// The members of a department the query names follow it (输入部门，显示部门所有成员): a
    /// department named by its characters or pinyin ("二组", "erzu") is what was searched for,
    /// so its members come right after it, before the departments that only hold the name
    /// (收货二组). Named by initials, it may as well be people's initials ("lz": 六组, 李正, 李志强),
    /// so its members wait in the abbreviations' band.
    pub(super) fn following(department: u64) -> Quality {
        let band = match way_of(department) {
            Way::Name | Way::Pinyin => band_of(department),
            _ => Way::InDepartment.band(),
        };
        Quality { band, ..Quality::new(place_of(department), Way::InDepartment) }
    }

    /// The ranking key of a match this good of the result `kind` at `position`, in `band`
    /// (the quality's own, or [`WORDS_BAND`]), for a viewer to whom it is a frequent contact of
    /// that rank (`u16::MAX` for none) and at that closeness `level` (see `search::closeness`).
    pub(super) fn key(self, band: u8, kind: ResultKind, frequency: u16, level: u8, position: u32) -> u64 {
        rank_floor(band, self.place)
            | ((self.way as u64) << WAY_SHIFT)
            | (u64::from(self.partial) << PARTIAL_SHIFT)
            | (u64::from(self.secondary) << SECONDARY_SHIFT)
            | ((kind as u64) << KIND_SHIFT)
            | (u64::from(frequency) << FREQUENCY_SHIFT)
            | (u64::from(level) << CLOSENESS_SHIFT)
            | u64::from(position)
    }
}

/// A result's score (see [`Hit::score`](super::Hit::score)): its band, place and way, from its
/// ranking key.
pub(super) fn score(rank: u64) -> u32 {
    let band = (rank >> BAND_SHIFT) as u32;
    let place = u32::from(place_of(rank));
    let way = way_of(rank) as u32;
    1000 * (3 - band) + 100 * (3 - place) + 10 * (9 - way)
}

/// The band of a ranking key.
pub(super) fn band_of(rank: u64) -> u8 {
    (rank >> BAND_SHIFT) as u8
}
