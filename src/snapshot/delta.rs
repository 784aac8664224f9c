//! Updates by difference: a server-made patch that turns the snapshot a page holds into the
//! current one (docs/snapshot.md#differences).
//!
//! When the directory changes, a page that holds its class's previous snapshot should fetch what
//! changed, not the whole file, and must end with exactly the bytes a fresh build gives. The
//! server knows both versions, so it makes the patch: [`diff`] describes the new bytes as pieces
//! copied from the old ones and the bytes in between given literally; the page runs [`apply`].
//! Nothing here knows what a snapshot holds: both sides are opaque byte strings, so the patch
//! is as small as the format lets a change stay local.
//!
//! # The patch
//!
//! ```text
//! magic     8 bytes: 89 'T' 'X' 'L' 'D' 'I' 'F', then the patch format version (1)
//! base      varint length, then the 32-byte SHA-256 of the bytes the patch applies to
//! result    varint length, then the 32-byte SHA-256 of the bytes it makes
//! ops       a sequence of operations, each starting with a varint h:
//!             h = 0           the end; nothing may follow
//!             h = 2·len       copy len bytes of the base, from an offset given next as a
//!                             zig-zag varint relative to the end of the previous copy (0 at
//!                             the start), so that copies that follow each other cost a byte
//!             h = 2·len + 1   insert the len (≥ 1) bytes that follow
//! ```
//!
//! Varints are the snapshot's unsigned LEB128. The result is the operations' output in order.
//!
//! # What applying checks
//!
//! [`apply`] runs where the bytes arrive, eventually in the browser, which has no SHA-256 of its
//! own in the WebAssembly build (the page checks the digests with WebCrypto): it checks the
//! patch's structure, that the base has the length the patch was made for, that every copy lies
//! inside the base, and that the operations make exactly the declared result length — in a first
//! pass that allocates nothing, so that the result is allocated once, at its checked size. The
//! declared length is also capped at twice the base and patch together ([`result_limit`]): only
//! a result repeating the base over and over could need more, and [`diff`] writes such a result
//! literally instead, so that a short patch cannot ask for gigabytes. Every malformed, truncated
//! or hostile patch is a [`DeltaError`] naming the byte of the patch where it went wrong, never a
//! panic; both passes are linear in the patch and the result. [`apply_checked`] (builder only)
//! also compares both SHA-256 digests.
//!
//! # How the differ finds matches
//!
//! It indexes the base by a hash of every aligned block of [`BLOCK`] bytes, then rolls a hash of
//! the same width over the result one byte at a time. Where the window's hash names a block
//! whose bytes are the window's, the match is grown forward and backward as far as the bytes
//! agree, written as a copy, and the scan resumes after it. Any common run of at least twice the
//! block size holds a whole aligned block and is found; shorter ones are given literally. So no
//! copy is shorter than a block, several times what a copy costs to write (its header and
//! offset, and the header of the literal after it). Time is linear: each result byte is hashed
//! once and compared a bounded number of times.
//!
//! The index keeps one block per fingerprint, in open addressing at most four fifths full, behind
//! a Bloom filter that turns away most windows of a changed region with one memory access: the
//! scan of a region that matches nothing costs a hash and a filter probe per byte, and its time
//! goes mostly to those probes and to filling the table, both random accesses into memory of
//! about half the base's size (filling it sorts the blocks by slot first, which for a moment
//! takes about as much again, so that the table is written in order). The output depends only
//! on the two inputs.

#[cfg(feature = "builder")]
use sha2::{Digest, Sha256};

#[cfg(feature = "builder")]
use super::format::{hex, Writer};
use super::format::{Malformed, Reader};

/// The first seven bytes of every patch; the eighth is [`PATCH_VERSION`].
pub const PATCH_MAGIC: [u8; 7] = [0x89, b'T', b'X', b'L', b'D', b'I', b'F'];
/// The patch format version this crate writes and reads.
pub const PATCH_VERSION: u8 = 1;

/// The width of the blocks the differ indexes the base by: a common run of twice this (less a
/// byte) is always found. Chosen by measuring the 50,000- and 200,000-member samples' snapshots
/// before and after a 1% change (benches/edit_directory.py): narrower blocks found barely more
/// to copy and took up to twice as long, with an index twice as large; wider ones were faster
/// on the largest files but left more to send literally.
#[cfg(feature = "builder")]
pub const BLOCK: usize = 32;

const DIGEST_LEN: usize = 32;

/// Why a patch cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeltaError {
    /// The bytes do not start with [`PATCH_MAGIC`].
    #[error("not a tongxunlu patch (its first bytes are not the patch magic)")]
    NotAPatch,
    /// The patch is of a version other than [`PATCH_VERSION`].
    #[error("patch format version {found} is not supported (this engine reads version {PATCH_VERSION})")]
    UnsupportedVersion {
        /// The version byte of the patch.
        found: u8,
    },
    /// The patch breaks its own rules at byte `at`.
    #[error("patch corrupted at byte {at}: {what}")]
    Corrupt {
        /// Where in the patch: the start of the field or operation that is wrong, or the end of
        /// the patch when it ends early.
        at: usize,
        /// What is wrong there.
        what: Damage,
    },
    /// The base is not as long as the one the patch was made from.
    #[error("patch was made from a base of {expected} bytes, not from this one of {found}")]
    BaseLength {
        /// The base length the patch declares.
        expected: u64,
        /// The length of the base given.
        found: usize,
    },
    /// The base's SHA-256 is not the one the patch was made from ([`apply_checked`]).
    #[error("patch was made from another base (SHA-256 {expected}, not {found})")]
    BaseDigest {
        /// The digest the patch declares, in hexadecimal.
        expected: String,
        /// The digest of the base given.
        found: String,
    },
    /// The bytes the patch made do not have the SHA-256 it declares ([`apply_checked`]).
    #[error("patch made bytes whose SHA-256 is {found}, not the {expected} it declares")]
    ResultDigest {
        /// The digest the patch declares, in hexadecimal.
        expected: String,
        /// The digest of what it made.
        found: String,
    },
}

/// What is wrong at a place in a patch (see [`DeltaError::Corrupt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    /// The patch ends inside its header, inside an operation, or before its end marker.
    #[error("the patch ends early")]
    EndsEarly,
    /// A varint holds more than 64 bits.
    #[error("a number is longer than 64 bits")]
    NumberTooLong,
    /// An insertion of no bytes (not something a differ writes).
    #[error("an insertion of no bytes")]
    EmptyInsertion,
    /// A copy starts before the base or ends after it.
    #[error("a copy reaches outside the base")]
    CopyOutsideBase,
    /// The operations make more bytes than the declared result length.
    #[error("the operations make more than the declared result length")]
    ResultOverrun,
    /// The operations end before making the declared result length.
    #[error("the operations end short of the declared result length")]
    ResultShort,
    /// The declared result length is more than [`result_limit`] allows for this base and patch.
    #[error("a declared result of {declared} bytes is more than the {limit} a patch this size may make")]
    ResultTooLarge {
        /// The result length the header declares.
        declared: u64,
        /// The most a patch of this length may make from a base of the declared length.
        limit: u64,
    },
    /// Bytes follow the end marker.
    #[error("bytes after the end marker")]
    BytesAfterEnd,
}

impl Damage {
    /// The damage a varint or field read reports: it ran past the end, or is too long.
    fn of(m: Malformed) -> Damage {
        match m {
            Malformed::NumberTooLong => Damage::NumberTooLong,
            _ => Damage::EndsEarly,
        }
    }
}

/// What a patch says about itself, and what its operations add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchInfo {
    /// The length of the base the patch was made from.
    pub base_len: u64,
    /// That base's SHA-256.
    pub base_sha256: [u8; DIGEST_LEN],
    /// The length of the result.
    pub result_len: u64,
    /// The result's SHA-256.
    pub result_sha256: [u8; DIGEST_LEN],
    /// How many copy operations.
    pub copies: usize,
    /// How many insert operations.
    pub insertions: usize,
    /// The bytes the copies take from the base.
    pub copied: u64,
    /// The bytes the insertions give literally.
    pub inserted: u64,
}

/// The largest result a patch of `patch_len` bytes may declare for a base of `base_len`: twice
/// the two together. Bytes come from the base or from the patch, so only a result that repeats
/// the base again and again could need more; [`diff`] writes that one literally, which always
/// fits.
pub fn result_limit(base_len: u64, patch_len: u64) -> u64 {
    base_len.saturating_add(patch_len).saturating_mul(2)
}

/// One operation of a patch, its copy offset resolved.
enum Op<'a> {
    /// Where in the base and how many bytes: within the declared base length, which `info`
    /// trusts before it is compared with a real base, so possibly beyond what `usize` holds.
    Copy {
        start: u64,
        len: u64,
    },
    Insert(&'a [u8]),
}

/// Reads a patch's operations, checking each against the declared base length.
#[derive(Clone)]
struct Ops<'a> {
    reader: Reader<'a>,
    base_len: u64,
    /// Where in the base the previous copy ended: copy offsets are relative to it.
    copy_end: u64,
}

/// A [`DeltaError::Corrupt`] at `at`.
fn corrupt(at: usize, what: Damage) -> DeltaError {
    DeltaError::Corrupt { at, what }
}

impl<'a> Ops<'a> {
    fn uint(&mut self) -> Result<u64, DeltaError> {
        let at = self.reader.position();
        self.reader.uint().map_err(|m| corrupt(at, Damage::of(m)))
    }

    fn digest(&mut self) -> Result<[u8; DIGEST_LEN], DeltaError> {
        let at = self.reader.position();
        let bytes = self.reader.bytes(DIGEST_LEN).map_err(|m| corrupt(at, Damage::of(m)))?;
        Ok(bytes.try_into().expect("DIGEST_LEN bytes were read"))
    }

    /// The next operation and where it starts, or None at the end marker.
    fn next_op(&mut self) -> Result<Option<(usize, Op<'a>)>, DeltaError> {
        let at = self.reader.position();
        let head = self.uint()?;
        let len = head >> 1;
        if head == 0 {
            return Ok(None);
        }
        if head & 1 == 1 {
            // A length past the patch's end cannot be read, whatever its size.
            let len = usize::try_from(len).map_err(|_| corrupt(at, Damage::EndsEarly))?;
            if len == 0 {
                return Err(corrupt(at, Damage::EmptyInsertion));
            }
            let bytes = self.reader.bytes(len).map_err(|m| corrupt(at, Damage::of(m)))?;
            return Ok(Some((at, Op::Insert(bytes))));
        }
        let delta = unzigzag(self.uint()?);
        let start = i128::from(self.copy_end) + i128::from(delta);
        let end = start + i128::from(len);
        if start < 0 || end > i128::from(self.base_len) {
            return Err(corrupt(at, Damage::CopyOutsideBase));
        }
        // Within the declared base length, a u64.
        self.copy_end = end as u64;
        Ok(Some((at, Op::Copy { start: start as u64, len })))
    }
}

/// The header of `patch` and a reader of its operations.
fn read_header(patch: &[u8]) -> Result<(PatchInfo, Ops<'_>), DeltaError> {
    let magic = &patch[..patch.len().min(PATCH_MAGIC.len())];
    if magic != &PATCH_MAGIC[..magic.len()] {
        return Err(DeltaError::NotAPatch);
    }
    let Some(&version) = patch.get(PATCH_MAGIC.len()) else {
        return Err(corrupt(patch.len(), Damage::EndsEarly));
    };
    if version != PATCH_VERSION {
        return Err(DeltaError::UnsupportedVersion { found: version });
    }
    let mut ops = Ops { reader: Reader::new(patch), base_len: 0, copy_end: 0 };
    ops.reader.bytes(PATCH_MAGIC.len() + 1).expect("the magic and version are there");
    let base_len = ops.uint()?;
    let base_sha256 = ops.digest()?;
    let length_at = ops.reader.position();
    let result_len = ops.uint()?;
    let result_sha256 = ops.digest()?;
    let limit = result_limit(base_len, patch.len() as u64);
    if result_len > limit || usize::try_from(result_len).is_err() {
        return Err(corrupt(length_at, Damage::ResultTooLarge { declared: result_len, limit }));
    }
    ops.base_len = base_len;
    let info = PatchInfo {
        base_len,
        base_sha256,
        result_len,
        result_sha256,
        copies: 0,
        insertions: 0,
        copied: 0,
        inserted: 0,
    };
    Ok((info, ops))
}

/// Reads `patch` through and checks everything that can be checked without the base: the
/// header, every operation, copies against the declared base length, the result length, the
/// end. Allocates nothing.
pub fn info(patch: &[u8]) -> Result<PatchInfo, DeltaError> {
    let (info, ops) = read_header(patch)?;
    count(info, ops)
}

/// Goes through the operations, adding them up into `info` and checking that they make exactly
/// the declared result length and that the end marker ends the patch.
fn count(mut info: PatchInfo, mut ops: Ops<'_>) -> Result<PatchInfo, DeltaError> {
    let mut made: u64 = 0;
    while let Some((at, op)) = ops.next_op()? {
        let len = match op {
            Op::Copy { len, .. } => {
                info.copies += 1;
                len
            }
            Op::Insert(bytes) => {
                info.insertions += 1;
                bytes.len() as u64
            }
        };
        // A hostile header may declare a base of any length, and copies as long: the sum is
        // checked before it can overflow, and the two below are parts of it.
        made = match made.checked_add(len) {
            Some(made) if made <= info.result_len => made,
            _ => return Err(corrupt(at, Damage::ResultOverrun)),
        };
        match op {
            Op::Copy { .. } => info.copied += len,
            Op::Insert(_) => info.inserted += len,
        }
    }
    let end = ops.reader.position();
    if made < info.result_len {
        return Err(corrupt(end - 1, Damage::ResultShort));
    }
    if !ops.reader.is_empty() {
        return Err(corrupt(end, Damage::BytesAfterEnd));
    }
    Ok(info)
}

/// The bytes `patch` makes from `base`, after checking the patch through (see the module doc);
/// the SHA-256 digests are not checked: [`apply_checked`] does that.
pub fn apply(base: &[u8], patch: &[u8]) -> Result<Vec<u8>, DeltaError> {
    let (header, ops) = read_header(patch)?;
    if header.base_len != base.len() as u64 {
        return Err(DeltaError::BaseLength { expected: header.base_len, found: base.len() });
    }
    // The checking pass reads a copy of the operations' reader, so the making pass starts where
    // it started.
    let info = count(header, ops.clone())?;
    // Checked against the limit and the operations, so the allocation is what they make.
    let mut out = Vec::with_capacity(info.result_len as usize);
    let mut ops = ops;
    while let Some((_, op)) = ops.next_op()? {
        match op {
            // Inside the base, whose length the header's was checked against.
            Op::Copy { start, len } => out.extend_from_slice(&base[start as usize..(start + len) as usize]),
            Op::Insert(bytes) => out.extend_from_slice(bytes),
        }
    }
    Ok(out)
}

/// [`apply`], checking first that `base` is the patch's base by its SHA-256, and then that the
/// result has the declared SHA-256.
#[cfg(feature = "builder")]
pub fn apply_checked(base: &[u8], patch: &[u8]) -> Result<Vec<u8>, DeltaError> {
    let (header, _) = read_header(patch)?;
    let base_digest: [u8; DIGEST_LEN] = Sha256::digest(base).into();
    if base_digest != header.base_sha256 {
        return Err(DeltaError::BaseDigest { expected: hex(&header.base_sha256), found: hex(&base_digest) });
    }
    let out = apply(base, patch)?;
    let digest: [u8; DIGEST_LEN] = Sha256::digest(&out).into();
    if digest != header.result_sha256 {
        return Err(DeltaError::ResultDigest { expected: hex(&header.result_sha256), found: hex(&digest) });
    }
    Ok(out)
}

#[cfg(feature = "builder")]
fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

// ---- the differ -------------------------------------------------------------------------------

/// The patch that turns `base` into `result` (see the module doc for how it finds matches). The
/// same inputs always give the same patch.
#[cfg(feature = "builder")]
pub fn diff(base: &[u8], result: &[u8]) -> Vec<u8> {
    let mut patch = Encoder::new(base, result);
    if let Some(index) = BlockIndex::new(base, BLOCK) {
        index.matches(result, |at, copy| patch.copy(result, at, copy));
    }
    let patch = patch.finish(result);
    if result.len() as u64 <= result_limit(base.len() as u64, patch.len() as u64) {
        return patch;
    }
    // A result repeating the base more often than apply lets a patch declare: given literally,
    // the patch is longer than the result, which is then within the limit.
    Encoder::new(base, result).finish(result)
}

/// Writes a patch: the header, then the operations as the matcher finds them, merging a copy
/// that continues the one before it.
#[cfg(feature = "builder")]
struct Encoder {
    out: Writer,
    /// Where the literal bytes not yet written start in the result.
    literal_from: usize,
    /// The last copy found, not yet written: the next may continue it.
    pending: Option<std::ops::Range<usize>>,
    /// Where in the base the last written copy ended.
    copy_end: usize,
}

#[cfg(feature = "builder")]
impl Encoder {
    fn new(base: &[u8], result: &[u8]) -> Encoder {
        let mut out = Writer::default();
        out.bytes.extend_from_slice(&PATCH_MAGIC);
        out.byte(PATCH_VERSION);
        for bytes in [base, result] {
            out.uint(bytes.len() as u64);
            out.bytes.extend_from_slice(&Sha256::digest(bytes));
        }
        Encoder { out, literal_from: 0, pending: None, copy_end: 0 }
    }

    /// Makes `result[at..]` start with the base's `copy`, after the result's bytes since the
    /// last copy, which come literally.
    fn copy(&mut self, result: &[u8], at: usize, copy: std::ops::Range<usize>) {
        if at == self.literal_from {
            if let Some(pending) = self.pending.as_mut().filter(|p| p.end == copy.start) {
                pending.end = copy.end;
                self.literal_from += copy.len();
                return;
            }
        }
        self.flush();
        self.insert(&result[self.literal_from..at]);
        self.literal_from = at + copy.len();
        self.pending = Some(copy);
    }

    fn flush(&mut self) {
        if let Some(copy) = self.pending.take() {
            self.out.uint((copy.len() as u64) << 1);
            self.out.uint(zigzag(copy.start as i64 - self.copy_end as i64));
            self.copy_end = copy.end;
        }
    }

    fn insert(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.out.uint(((bytes.len() as u64) << 1) | 1);
            self.out.bytes.extend_from_slice(bytes);
        }
    }

    /// The patch, after the rest of `result` given literally and the end marker.
    fn finish(mut self, result: &[u8]) -> Vec<u8> {
        self.flush();
        self.insert(&result[self.literal_from..]);
        self.out.uint(0);
        self.out.bytes
    }
}

/// The random word each byte value stands for in the rolling hash (splitmix64's sequence from
/// 0: fixed, so that patches are the same on every machine).
#[cfg(feature = "builder")]
const BYTE_WORDS: [u64; 256] = {
    let mut words = [0; 256];
    let mut state: u64 = 0;
    let mut i = 0;
    while i < 256 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        words[i] = z ^ (z >> 31);
        i += 1;
    }
    words
};

/// The filter's size: with two bits per block in one word, one window in a hundred that the
/// base does not have gets past it (measured on snapshots; eight bits let three times as many
/// through, and the time went up).
#[cfg(feature = "builder")]
const FILTER_BITS_PER_BLOCK: usize = 16;

/// How many of the hash's high bits the blocks are sorted by before they are filed: enough that
/// the slots of one group of blocks lie within a few pages of the table.
#[cfg(feature = "builder")]
const SORT_BITS: u32 = 12;

/// The base's aligned blocks by the hash of their bytes.
#[cfg(feature = "builder")]
struct BlockIndex<'a> {
    base: &'a [u8],
    block: usize,
    /// Open addressing, at most half full: a block's fingerprint (high half) and its number
    /// plus one (low half; 0 is an empty slot). One block per fingerprint, the first.
    slots: Vec<u64>,
    slot_shift: u32,
    /// A Bloom filter with two bits per block, both in one word: most windows of a changed
    /// region are turned away here, with one memory access, before reaching the table.
    filter: Vec<u64>,
    filter_shift: u32,
}

#[cfg(feature = "builder")]
impl<'a> BlockIndex<'a> {
    /// The index of `base`'s blocks of `block` bytes, or None when the base has no whole block.
    fn new(base: &'a [u8], block: usize) -> Option<BlockIndex<'a>> {
        // A block number plus one must fit the slot's 32 bits.
        let blocks = (base.len() / block).min(u32::MAX as usize - 1);
        if blocks == 0 {
            return None;
        }
        // At most four fifths full, so that a probe ends within a cache line or two (and
        // always ends: there are more slots than blocks).
        let slot_bits = (blocks + blocks / 4 + 1).next_power_of_two().trailing_zeros();
        let filter_words = (blocks * FILTER_BITS_PER_BLOCK).div_ceil(64).next_power_of_two().trailing_zeros();
        let mut index = BlockIndex {
            base,
            block,
            slots: vec![0; 1 << slot_bits],
            slot_shift: 64 - slot_bits,
            filter: vec![0; 1 << filter_words],
            filter_shift: 64 - filter_words,
        };
        // Filed in the order of their slots rather than of the blocks, so that the writes into
        // the table and the filter move through memory instead of jumping about it (filing in
        // block order took twice as long on large bases): one counting sort by the hash's high
        // bits, which is stable, so the first block of a fingerprint still comes first.
        let hashes: Vec<u64> = base.chunks_exact(block).take(blocks).map(|bytes| mix(hash(bytes))).collect();
        let sort_bits = slot_bits.min(SORT_BITS);
        let group = |mixed: u64| (mixed >> (64 - sort_bits)) as usize;
        let mut next = vec![0; 1 << sort_bits];
        for &mixed in &hashes {
            next[group(mixed)] += 1;
        }
        let mut start = 0;
        for count in &mut next {
            (*count, start) = (start, start + *count);
        }
        let (mut sorted, mut numbers) = (vec![0; blocks], vec![0u32; blocks]);
        for (number, &mixed) in hashes.iter().enumerate() {
            let at = &mut next[group(mixed)];
            (sorted[*at], numbers[*at]) = (mixed, number as u32);
            *at += 1;
        }
        drop(hashes);
        for (mixed, number) in sorted.into_iter().zip(numbers) {
            index.insert(mixed, number as usize);
        }
        Some(index)
    }

    /// Walks the probe sequence of a mixed hash: the number of the block filed under its
    /// fingerprint, or else the empty slot where the walk ended.
    fn probe(&self, mixed: u64) -> Result<usize, usize> {
        let fingerprint = mixed as u32;
        let mask = self.slots.len() - 1;
        let mut slot = (mixed >> self.slot_shift) as usize;
        loop {
            let entry = self.slots[slot];
            if entry == 0 {
                return Err(slot);
            }
            if (entry >> 32) as u32 == fingerprint {
                return Ok((entry as u32 - 1) as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Files block `number`, whose mixed hash is `mixed`, unless a block with the same
    /// fingerprint is there already.
    fn insert(&mut self, mixed: u64, number: usize) {
        let (word, bits) = self.filter_bits(mixed);
        self.filter[word] |= bits;
        if let Err(slot) = self.probe(mixed) {
            self.slots[slot] = (u64::from(mixed as u32) << 32) | (number as u64 + 1);
        }
    }

    /// Where a mixed hash's two bits are in the filter: a word, and the bits within it.
    #[inline]
    fn filter_bits(&self, mixed: u64) -> (usize, u64) {
        // `wrapping_shr`: a filter of one word shifts by 64.
        let word = mixed.wrapping_shr(self.filter_shift) as usize & (self.filter.len() - 1);
        (word, 1 << (mixed & 63) | 1 << ((mixed >> 6) & 63))
    }

    /// Whether the filter lets a window of this hash through to the table.
    #[inline]
    fn may_have(&self, hash: u64) -> bool {
        let (word, bits) = self.filter_bits(mix(hash));
        self.filter[word] & bits == bits
    }

    /// Where the base block whose bytes are `window`'s starts, if the table has one, given the
    /// window's hash.
    fn find(&self, hash: u64, window: &[u8]) -> Option<usize> {
        let start = self.probe(mix(hash)).ok()? * self.block;
        (self.base[start..start + self.block] == *window).then_some(start)
    }

    /// Scans `result` for runs the base holds and calls `found(at, copy)` for each, in order:
    /// `result[at..]` starts with the base's `copy`.
    fn matches(&self, result: &[u8], mut found: impl FnMut(usize, std::ops::Range<usize>)) {
        let block = self.block;
        if result.len() < block {
            return;
        }
        let outgoing = outgoing_words(block);
        // Where the bytes not yet matched start: a match grows backward no further.
        let mut unmatched = 0;
        // The window at `at` and its hash.
        let mut at = 0;
        let mut hash = hash(&result[..block]);
        loop {
            if let Some(start) = self.may_have(hash).then(|| self.find(hash, &result[at..at + block])).flatten() {
                let back = common_suffix(&self.base[..start], &result[unmatched..at]);
                let forward = block + common_prefix(&self.base[start + block..], &result[at + block..]);
                found(at - back, start - back..start + forward);
                at += forward;
                unmatched = at;
                if at + block > result.len() {
                    return;
                }
                hash = self::hash(&result[at..at + block]);
                continue;
            }
            if at + block >= result.len() {
                return;
            }
            hash = roll(hash, &outgoing, result[at], result[at + block]);
            at += 1;
        }
    }
}

/// The hash of `bytes` that the scan rolls (a cyclic polynomial, "buzhash"): the XOR of each
/// byte's word rotated by its distance from the end. Unlike a polynomial hash mod 2⁶⁴, every
/// byte of the window reaches every bit, and rolling it is a rotation and two XORs.
#[cfg(feature = "builder")]
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |h, &b| h.rotate_left(1) ^ BYTE_WORDS[usize::from(b)])
}

/// For each byte value, its word as it leaves a window of `block` bytes (at most 64, so that no
/// two bytes of a window share a rotation).
#[cfg(feature = "builder")]
fn outgoing_words(block: usize) -> [u64; 256] {
    BYTE_WORDS.map(|w| w.rotate_left(block as u32))
}

/// The hash of a window moved on by one byte: `gone` left it, `new` came in.
#[cfg(feature = "builder")]
#[inline]
fn roll(hash: u64, outgoing: &[u64; 256], gone: u8, new: u8) -> u64 {
    hash.rotate_left(1) ^ (outgoing[usize::from(gone)] ^ BYTE_WORDS[usize::from(new)])
}

/// A hash with its bits stirred, since the filter and the table use bits from both ends and
/// the rolling hash is linear.
#[cfg(feature = "builder")]
#[inline]
fn mix(hash: u64) -> u64 {
    let x = (hash ^ (hash >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 29)
}

/// Eight bytes as a little-endian word.
#[cfg(feature = "builder")]
fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().expect("chunks of eight bytes"))
}

/// How many bytes `a` and `b` have in common from their starts.
#[cfg(feature = "builder")]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    common_run(a, b, false)
}

/// How many bytes `a` and `b` have in common from their ends.
#[cfg(feature = "builder")]
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    common_run(a, b, true)
}

/// How many bytes `a` and `b` have in common from their starts, or from their ends when
/// `backward`, compared a word at a time: runs of megabytes are common.
#[cfg(feature = "builder")]
#[inline]
fn common_run(a: &[u8], b: &[u8], backward: bool) -> usize {
    let n = a.len().min(b.len());
    // The same number of bytes of each, from the end they are compared from.
    let (a, b) = if backward { (&a[a.len() - n..], &b[b.len() - n..]) } else { (&a[..n], &b[..n]) };
    // Where the i-th byte compared is.
    let place = |i: usize| if backward { n - 1 - i } else { i };
    let mut same = 0;
    while same + 8 <= n {
        let at = if backward { n - same - 8 } else { same };
        let differ = word(&a[at..at + 8]) ^ word(&b[at..at + 8]);
        if differ != 0 {
            // Little-endian: the first byte of a word is its lowest.
            let equal = if backward { differ.leading_zeros() } else { differ.trailing_zeros() };
            return same + (equal / 8) as usize;
        }
        same += 8;
    }
    same + (same..n).take_while(|&i| a[place(i)] == b[place(i)]).count()
}

#[cfg(all(test, feature = "builder"))]
mod tests {
    use super::*;

    #[test]
    fn zigzag_round_trips_at_the_extremes() {
        for value in [0, 1, -1, 63, -64, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(value)), value);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
    }

    #[test]
    fn common_runs_are_measured_across_word_boundaries() {
        let a: Vec<u8> = (0..40).collect();
        for cut in 0..40 {
            let mut b = a.clone();
            b[cut] ^= 0xff;
            assert_eq!(common_prefix(&a, &b), cut);
            assert_eq!(common_suffix(&a, &b), 39 - cut);
        }
        assert_eq!(common_prefix(&a, &a[..17]), 17);
        assert_eq!(common_suffix(&a[..17], &a[..17]), 17);
        assert_eq!(common_suffix(&a[3..], &a), 37);
    }

    #[test]
    fn the_rolled_hash_is_the_hash_of_the_window() {
        let bytes: Vec<u8> = (0..200u32).map(|i| (i * 7919 % 251) as u8).collect();
        let block = 32;
        let outgoing = outgoing_words(block);
        let mut h = hash(&bytes[..block]);
        for at in 0..bytes.len() - block {
            assert_eq!(h, hash(&bytes[at..at + block]), "at {at}");
            h = roll(h, &outgoing, bytes[at], bytes[at + block]);
        }
    }
}
