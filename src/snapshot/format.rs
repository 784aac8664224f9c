//! The pieces of the layout that the builder and the reader share: constants, the header, the
//! varint/string codec, and the error types.

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = [0x89, b'T', b'X', b'L', b'\r', b'\n', 0x1a, b'\n'];
/// The layout version this crate writes and reads.
pub const FORMAT_VERSION: u16 = 8;

pub(crate) const HEADER_LEN: usize = 44;
pub(crate) const SECTION_ENTRY_LEN: usize = 12;
/// Where the checksummed part of the file starts (just after the checksum itself).
pub(crate) const CHECKSUMMED_FROM: usize = 20;
pub(crate) const CLASS_KEY: std::ops::Range<usize> = 20..36;
pub(crate) const ETAG: std::ops::Range<usize> = 36..44;

pub(crate) const TAG_META: [u8; 4] = *b"META";
pub(crate) const TAG_DEPARTMENTS: [u8; 4] = *b"DEPT";
pub(crate) const TAG_MEMBERS: [u8; 4] = *b"MEMB";
pub(crate) const TAG_GROUPS: [u8; 4] = *b"GRUP";

pub(crate) const DEPARTMENT_IS_LABEL: u8 = 1;
pub(crate) const MEMBER_DISABLED: u8 = 1;
pub(crate) const MEMBER_FOLLOWED: u8 = 1 << 1;
pub(crate) const MEMBER_PINNED: u8 = 1 << 2;
pub(crate) const MEMBER_GENDER_SHIFT: u8 = 4;
/// Bits 0–2 and the two gender bits; the others must be zero.
pub(crate) const MEMBER_KNOWN_FLAGS: u8 =
    MEMBER_DISABLED | MEMBER_FOLLOWED | MEMBER_PINNED | (0b11 << MEMBER_GENDER_SHIFT);

/// Why a byte string is not a snapshot this crate can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// The bytes do not start with [`MAGIC`].
    #[error("not a tongxunlu snapshot (its first bytes are not the snapshot magic)")]
    NotASnapshot,
    /// The file ends before the length its header (or the header itself) calls for.
    #[error("snapshot truncated at byte {at} of {expected}")]
    Truncated {
        /// Where the bytes end: the length of the file.
        at: usize,
        /// The length the header gives, or the header's own length when the file ends before
        /// the length field.
        expected: usize,
    },
    /// The file goes on past the length its header gives.
    #[error("snapshot has {} unexpected bytes after its end at byte {expected}", .length - .expected)]
    TrailingBytes {
        /// The length of the file.
        length: usize,
        /// The length the header gives.
        expected: usize,
    },
    /// The header names a layout version other than [`FORMAT_VERSION`]: an older one, which
    /// only a rebuild can turn into one this engine reads, or a newer one, which needs a newer
    /// engine (the page and the server disagree).
    #[error("{}", if *found < FORMAT_VERSION {
        format!("snapshot format {found} is no longer read; rebuild it")
    } else {
        format!("snapshot format {found} is newer than this engine reads (format {FORMAT_VERSION}); update the engine")
    })]
    UnsupportedVersion {
        /// The version in the header.
        found: u16,
    },
    /// The checksum in the header is not that of the bytes it covers ([`checksum`]): damaged in
    /// transit or storage.
    #[error("snapshot corrupted: checksum mismatch (stored {stored:08x}, computed {computed:08x})")]
    ChecksumMismatch {
        /// The checksum the header holds.
        stored: u32,
        /// The checksum of the bytes from offset 20 to the end.
        computed: u32,
    },
    /// The checksum matched but the contents break the layout (a buggy or hostile writer).
    #[error("snapshot corrupted: {section}: {detail}")]
    Corrupt {
        /// Where: a section's tag (`MEMB`, `READ`…), `header` or `section table`.
        section: &'static str,
        /// What, starting with the record or entry when there is one (`record 3: a string is
        /// not valid UTF-8`).
        detail: String,
    },
}

impl SnapshotError {
    /// A [`SnapshotError::Corrupt`] of `section`.
    pub(crate) fn corrupt(section: &'static str, detail: impl Into<String>) -> SnapshotError {
        SnapshotError::Corrupt { section, detail: detail.into() }
    }

    /// A [`SnapshotError::Corrupt`] of record `record` of `section`.
    pub(crate) fn in_record(section: &'static str, record: usize, what: Malformed) -> SnapshotError {
        SnapshotError::corrupt(section, format!("record {record}: {what}"))
    }
}

/// The checksum a snapshot's header holds of its bytes from [`CHECKSUMMED_FROM`] on: the low 32
/// bits of their XXH3-64 (seed 0).
///
/// XXH3 rather than the CRC-32 of formats up to 5: it catches the same accidental damage, which
/// is all a checksum is for (a signature guards against intent), in half the time in the
/// browser build, where checking the CRC-32 was a quarter of opening a large directory; and its
/// code is a fraction of the size of the CRC's tables.
pub(crate) fn checksum(bytes: &[u8]) -> u32 {
    xxhash_rust::xxh3::xxh3_64(bytes) as u32
}

/// Appends `value` to `bytes` as an LEB128 varint.
pub(crate) fn push_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push((value as u8) | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

/// Appends LEB128 varints and length-prefixed strings to a buffer.
#[cfg(feature = "builder")]
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) bytes: Vec<u8>,
}

#[cfg(feature = "builder")]
impl Writer {
    pub(crate) fn uint(&mut self, value: u64) {
        push_varint(&mut self.bytes, value);
    }

    pub(crate) fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// Appends `body` as one record of a record section: its length, then its bytes.
    pub(crate) fn record(&mut self, body: &Writer) {
        self.uint(body.bytes.len() as u64);
        self.bytes.extend_from_slice(&body.bytes);
    }
}

/// Reads what [`Writer`] wrote, failing (never panicking) on anything malformed.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// What is wrong inside one record; the caller adds which section and record (see
/// [`SnapshotError::in_record`]). The messages are part of [`SnapshotError::Corrupt`]'s detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Malformed {
    /// A varint's continuation bytes go on past the end of the record.
    #[error("a number runs past the end")]
    NumberPastEnd,
    /// A varint holds more than 64 bits.
    #[error("a number is longer than 64 bits")]
    NumberTooLong,
    /// A position, length or count does not fit in 32 bits.
    #[error("a number is out of range")]
    NumberOutOfRange,
    /// The record ends where a flag byte is due.
    #[error("a flag byte runs past the end")]
    FlagPastEnd,
    /// A string or byte field is longer than what is left of the record.
    #[error("a field runs past the end")]
    FieldPastEnd,
    /// A string's bytes are not UTF-8.
    #[error("a string is not valid UTF-8")]
    NotUtf8,
    /// A list claims more items than there are bytes left to hold them.
    #[error("a count is larger than the bytes that follow")]
    CountTooLarge,
    /// The record is longer than what its fields use.
    #[error("the record has bytes left over")]
    LeftOver,
    /// A department's id does not fit in 32 bits.
    #[error("a department id is out of range")]
    DepartmentIdOutOfRange,
    /// A group's id does not fit in 32 bits.
    #[error("a group id is out of range")]
    GroupIdOutOfRange,
    /// A sort number does not fit in 32 bits.
    #[error("a sort number is out of range")]
    SortNumberOutOfRange,
    /// A headcount does not fit in 32 bits.
    #[error("a headcount is out of range")]
    HeadcountOutOfRange,
    /// A department's flag byte sets bits this version does not define.
    #[error("a department has flag bits this version does not define")]
    UnknownDepartmentFlags,
    /// A member's flag byte sets bits this version does not define.
    #[error("a member has flag bits this version does not define")]
    UnknownMemberFlags,
    /// A member's gender bits hold no known gender.
    #[error("an unknown gender code")]
    UnknownGender,
    /// A department's parent is not an earlier department.
    #[error("a department comes before its parent")]
    ParentAfterChild,
    /// A member position at or past the number of members.
    #[error("a member position points past the members")]
    MemberOutOfRange,
    /// A department position at or past the number of departments.
    #[error("a department position points past the departments")]
    DepartmentOutOfRange,
    /// A `CHAR` record's character is not a Unicode scalar value.
    #[error("not a character")]
    NotACharacter,
    /// The `CHAR` records are not sorted by character, each once.
    #[error("characters are not in increasing order")]
    CharactersOutOfOrder,
    /// A reading's word number is at or past the number of `WORD` entries.
    #[error("a word number is out of range")]
    WordOutOfRange,
    /// A syllable's character range ends past `u32::MAX`.
    #[error("a character range is out of range")]
    CharacterRangeOutOfRange,
    /// A `READ` record asked for by a number the section does not have.
    #[error("no such record")]
    NoSuchRecord,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.at
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// Inlined for its one-byte case: most numbers (lengths, positions, counts, postings gaps)
    /// fit in one byte, and opening and search read millions of them. (In the browser build it
    /// costs 1.1 KB gzipped; 200,000 members were ready in 66 ms with it, 82 ms without.)
    #[inline]
    pub(crate) fn uint(&mut self) -> Result<u64, Malformed> {
        match self.bytes.get(self.at) {
            Some(&first) if first < 0x80 => {
                self.at += 1;
                Ok(u64::from(first))
            }
            _ => self.long_uint(),
        }
    }

    fn long_uint(&mut self) -> Result<u64, Malformed> {
        let mut value = 0;
        let mut shift = 0;
        loop {
            let byte = *self.bytes.get(self.at).ok_or(Malformed::NumberPastEnd)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                // The tenth byte holds bit 63 alone.
                return if shift == 63 && byte > 1 { Err(Malformed::NumberTooLong) } else { Ok(value) };
            }
            shift += 7;
            if shift > 63 {
                return Err(Malformed::NumberTooLong);
            }
        }
    }

    #[inline]
    pub(crate) fn index(&mut self) -> Result<usize, Malformed> {
        let value = self.uint()?;
        usize::try_from(value).ok().filter(|&v| v <= u32::MAX as usize).ok_or(Malformed::NumberOutOfRange)
    }

    pub(crate) fn byte(&mut self) -> Result<u8, Malformed> {
        let byte = *self.bytes.get(self.at).ok_or(Malformed::FlagPastEnd)?;
        self.at += 1;
        Ok(byte)
    }

    pub(crate) fn bytes(&mut self, len: usize) -> Result<&'a [u8], Malformed> {
        let end = self.at.checked_add(len).filter(|&e| e <= self.bytes.len()).ok_or(Malformed::FieldPastEnd)?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub(crate) fn str(&mut self) -> Result<&'a str, Malformed> {
        std::str::from_utf8(self.str_bytes()?).map_err(|_| Malformed::NotUtf8)
    }

    /// The bytes of a string, for where they were checked to be UTF-8 before.
    pub(crate) fn str_bytes(&mut self) -> Result<&'a [u8], Malformed> {
        let len = self.index()?;
        self.bytes(len)
    }

    /// A count of items that each take at least one byte, checked against the bytes left so
    /// that a hostile count cannot make a caller reserve gigabytes.
    pub(crate) fn count(&mut self) -> Result<usize, Malformed> {
        let n = self.index()?;
        if n > self.bytes.len() - self.at {
            return Err(Malformed::CountTooLarge);
        }
        Ok(n)
    }
}

/// Where each length-prefixed record of a record section starts, and the section's end: record
/// `i`, its length prefix included, is `bytes[starts[i]..starts[i + 1]]`. An error names the
/// section (`name`) and the record that breaks the framing.
/// `expected` is how many records there should be, to reserve room for: capped by what the
/// section can hold, so that a hostile count costs nothing.
pub(crate) fn record_starts(
    bytes: &[u8],
    section: std::ops::Range<usize>,
    name: &'static str,
    expected: usize,
) -> Result<Vec<u32>, SnapshotError> {
    let mut reader = Reader::new(&bytes[section.clone()]);
    let mut starts = Vec::with_capacity(expected.min(section.len()) + 1);
    while !reader.is_empty() {
        let record = starts.len();
        starts.push((section.start + reader.position()) as u32);
        let len = reader.index().map_err(|e| SnapshotError::in_record(name, record, e))?;
        reader.bytes(len).map_err(|e| SnapshotError::in_record(name, record, e))?;
    }
    starts.push(section.end as u32);
    Ok(starts)
}

/// Lower-case hexadecimal, for keys and etags.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

pub(crate) fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

#[cfg(all(test, feature = "builder"))]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_at_their_boundaries() {
        for value in [0, 1, 127, 128, 16_383, 16_384, u32::MAX as u64, u64::MAX] {
            let mut w = Writer::default();
            w.uint(value);
            let mut r = Reader::new(&w.bytes);
            assert_eq!(r.uint(), Ok(value));
            assert!(r.is_empty());
        }
    }

    #[test]
    fn overlong_varints_are_refused() {
        let eleven_continuations = [0xff; 11];
        assert!(Reader::new(&eleven_continuations).uint().is_err());
        // Ten bytes whose last carries bits beyond the 64th.
        let mut too_big = [0xff; 10];
        too_big[9] = 0x02;
        assert!(Reader::new(&too_big).uint().is_err());
        // Cut after the first byte, and after the ninth.
        assert_eq!(Reader::new(&[0x80]).uint(), Err(Malformed::NumberPastEnd));
        assert_eq!(Reader::new(&[0xff; 9]).uint(), Err(Malformed::NumberPastEnd));
    }

    #[test]
    fn strings_that_run_past_the_end_are_refused() {
        let mut w = Writer::default();
        w.str("张三");
        let cut = &w.bytes[..w.bytes.len() - 1];
        assert_eq!(Reader::new(cut).str(), Err(Malformed::FieldPastEnd));
        // Half of a UTF-8 character.
        assert_eq!(Reader::new(&[2, 0xe5, 0xbc]).str(), Err(Malformed::NotUtf8));
    }
}
