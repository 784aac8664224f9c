//! The search index inside a snapshot: one fst map from keys to targets, and a postings area.
//!
//! Every way of finding something (docs/search.md) becomes a *family* of keys; a key's first byte names
//! its family, so one fst holds them all and a search walks only its family's subtree:
//!
//! | family | key (after the family byte) | target |
//! |---|---|---|
//! | `NAME_START` / `NAME_INFIX` | the normalised name from its first / a later syllable | member |
//! | `READING_START` / `READING_INFIX` | the readings of the name's syllables from the first / a later one, joined by `'`: the first reading of each (a surname's surname reading, a heteronym's most common one) | member |
//! | the same, ending in [`SECONDARY_READING`] | the same, one key per other combination of heteronym readings (`zhang'yue` for 张乐) | member |
//! | `ALIAS` | the alias's words as readings, from each word | member |
//! | `ACCOUNT`, `WEIXIN`, `EMAIL` | the lower-cased value | member |
//! | `PHONE` | every run of [`PHONE_RUN`] digits of a visible mobile or telephone, and its last digits but one (the number's end, for queries of three digits) | member |
//! | `PHONE_FULL` | all the digits of a visible mobile or telephone | member |
//! | `DEPARTMENT_*`, `GROUP_*` | as the four name families | department / group |
//! | `FIRST_READING` | every prefix of each reading of a name's first syllable, and whether it is the whole reading and the syllable's first (see [`first_reading_key`]) | member |
//!
//! A key's value is either one target (`target << 1 | 1`, the common case: most names are
//! unique) or the offset of a postings list (`offset << 1`): a varint count, then the targets in
//! increasing order as varint gaps. Targets are positions in the snapshot; members are stored in
//! their static ranking order, so a smaller position ranks higher.

use crate::snapshot::format::Reader;

/// The key families. Each is the first byte of its keys.
pub(crate) mod family {
    pub const NAME_START: u8 = 1;
    pub const NAME_INFIX: u8 = 2;
    pub const READING_START: u8 = 3;
    pub const READING_INFIX: u8 = 4;
    pub const ALIAS: u8 = 5;
    pub const ACCOUNT: u8 = 6;
    pub const WEIXIN: u8 = 7;
    pub const EMAIL: u8 = 8;
    /// Every run of four digits of a phone number, and its last three.
    pub const PHONE: u8 = 9;
    /// The whole digits of a phone number, for prefixes.
    pub const PHONE_FULL: u8 = 10;
    pub const DEPARTMENT_NAME_START: u8 = 11;
    pub const DEPARTMENT_NAME_INFIX: u8 = 12;
    pub const DEPARTMENT_READING_START: u8 = 13;
    pub const DEPARTMENT_READING_INFIX: u8 = 14;
    pub const GROUP_NAME_START: u8 = 15;
    pub const GROUP_NAME_INFIX: u8 = 16;
    pub const GROUP_READING_START: u8 = 17;
    pub const GROUP_READING_INFIX: u8 = 18;
    /// Members by how the first reading of their name begins: see [`super::first_reading_key`].
    pub const FIRST_READING: u8 = 19;
}

/// The key of a `FIRST_READING` list: the members whose name goes on past its first syllable,
/// and whose first syllable has a reading that `prefix` begins (`complete`: that is the whole
/// reading; `secondary`: not the syllable's first). A query of letters that ends inside a name's
/// first syllable ("z", "zhan", "wang") matches every name in these lists alike — by pinyin,
/// from the start, partial unless complete — and ranks them by position, which is the order a
/// list holds them in: the page is their first few, where walking the reading keys would go
/// through every name that begins so (tens of thousands for "z" at 200,000 members).
pub(crate) fn first_reading_key(prefix: &[u8], complete: bool, secondary: bool) -> Vec<u8> {
    // The class ends the key: a byte below any letter, so prefixes never collide.
    let class = u8::from(complete) | u8::from(secondary) << 1;
    [prefix, &[class]].concat()
}

/// Ends the reading keys that read some heteronym other than its first way: they match alike,
/// and rank below the first readings among matches otherwise equal. (A mark at the end rather
/// than a family of their own, so that a walk goes down the shared syllables once.)
pub(crate) const SECONDARY_READING: u8 = 0x01;

/// The digits in a `PHONE` key. Runs of four rather than three: a run of three is held by one
/// number in a hundred (nearly 2,000 at 200,000 members), and a query of seven digits would
/// intersect such lists; a run of four, by one in a thousand. A query of three digits finds its
/// holders as the start of a run of four, or as the last three digits of a number (which the
/// index holds for that), by the keys it begins. The index is about 4 bytes per member larger
/// for it, gzipped.
pub(crate) const PHONE_RUN: usize = 4;

/// Separates the syllables of a reading key, as in "xi'an".
pub(crate) const SYLLABLE_SEPARATOR: u8 = b'\'';

/// The targets a key's value stands for.
pub(crate) enum Targets<'a> {
    One(u32),
    List { reader: Reader<'a>, left: usize, previous: u32 },
}

impl<'a> Targets<'a> {
    /// Decodes a value; `postings` is the postings area. Values are checked when a snapshot is
    /// opened, so decoding cannot fail afterwards; a bad value yields no targets.
    pub(crate) fn of(value: u64, postings: &'a [u8]) -> Targets<'a> {
        if value & 1 == 1 {
            return Targets::One((value >> 1) as u32);
        }
        let offset = (value >> 1) as usize;
        let mut reader = Reader::new(postings.get(offset..).unwrap_or_default());
        let left = reader.count().unwrap_or(0);
        Targets::List { reader, left, previous: 0 }
    }
}

impl Targets<'_> {
    /// How many targets are left, known before any is read.
    pub(crate) fn len(&self) -> usize {
        match self {
            Targets::One(_) => 1,
            Targets::List { left, .. } => *left,
        }
    }
}

impl Iterator for Targets<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match self {
            Targets::One(target) => {
                let target = *target;
                *self = Targets::List { reader: Reader::new(&[]), left: 0, previous: 0 };
                Some(target)
            }
            Targets::List { reader, left, previous } => {
                if *left == 0 {
                    return None;
                }
                *left -= 1;
                let gap = reader.index().ok()? as u32;
                *previous = previous.checked_add(gap)?;
                Some(*previous)
            }
        }
    }
}

#[cfg(feature = "builder")]
pub(crate) use builder::IndexBuilder;

#[cfg(feature = "builder")]
mod builder {
    use crate::snapshot::format::Writer;

    /// Collects (key, target) pairs and writes the fst and the postings area.
    #[derive(Default)]
    pub(crate) struct IndexBuilder {
        pairs: Vec<(Vec<u8>, u32)>,
    }

    impl IndexBuilder {
        pub(crate) fn add(&mut self, family: u8, key: &[u8], target: u32) {
            let mut full = Vec::with_capacity(key.len() + 1);
            full.push(family);
            full.extend_from_slice(key);
            self.pairs.push((full, target));
        }

        /// The fst bytes and the postings bytes.
        pub(crate) fn finish(mut self) -> (Vec<u8>, Vec<u8>) {
            self.pairs.sort_unstable();
            self.pairs.dedup();
            let mut map = fst::MapBuilder::memory();
            let mut postings = Writer::default();
            let mut i = 0;
            while i < self.pairs.len() {
                let key = &self.pairs[i].0;
                let end = i + self.pairs[i..].iter().take_while(|(k, _)| k == key).count();
                let value = if end - i == 1 {
                    (u64::from(self.pairs[i].1) << 1) | 1
                } else {
                    let offset = postings.bytes.len() as u64;
                    postings.uint((end - i) as u64);
                    let mut previous = 0;
                    for (_, target) in &self.pairs[i..end] {
                        postings.uint(u64::from(target - previous));
                        previous = *target;
                    }
                    offset << 1
                };
                map.insert(key, value).expect("keys are inserted sorted and unique");
                i = end;
            }
            (map.into_inner().expect("writing to memory cannot fail"), postings.bytes)
        }
    }
}
