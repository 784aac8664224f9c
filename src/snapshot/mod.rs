//! The snapshot: one self-describing binary holding what one visibility class may see (docs/snapshot.md).
//!
//! A server builds a snapshot per *visibility class* — the set of viewers who see exactly the
//! same thing — and the page opens it in the browser. Opening must cost little more than reading
//! the bytes, so records are not parsed into objects: the opener checks the file once, notes
//! where each record starts, and decodes a record only when it is asked for.
//!
//! # Layers
//!
//! The code is in layers that depend one way, each knowing only those below it (as in the fst
//! crate, whose `raw` never sees `Set`):
//!
//! 1. the container — `format` (constants, the varint codec, errors), `container` (the header,
//!    the checksum and the section table, read and written), [`signature`] and [`delta`]: a file
//!    of tagged sections, whatever they hold;
//! 2. the records — `records` (and `records::write`, builder only): the `META`, `DEPT`, `MEMB`
//!    and `GRUP` sections, checked when opened and read on demand. It knows nothing of search;
//! 3. search — [`crate::search`]: its own sections (`READ`, `CHAR`, `WORD`), opened by
//!    `search::tables` against the records; the name index and the A–Z order, which are not in
//!    the file but derived from those sections and the records when first needed
//!    (`search::names`); and every query answered by a [`Searcher`](crate::search::Searcher)
//!    that borrows the records and those tables;
//! 4. the facade — [`Snapshot`] (`facade`), which owns the records and the search tables and
//!    forwards each call to the layer that answers it; `present`, the plain descriptions built
//!    from both; and `build` (builder only), which writes a snapshot by having search order
//!    the members and write its sections, the records layer write the records, and the
//!    container put them together. These are the only places here that name `crate::search`.
//!
//! # Layout (format version 8, [`FORMAT_VERSION`]; all integers little-endian)
//!
//! ```text
//! offset  size  field
//!      0     8  magic: 89 'T' 'X' 'L' 0D 0A 1A 0A  (catches text-mode and truncation mangling,
//!                                                  like PNG's)
//!      8     2  format version (8)
//!     10     2  number of sections, S
//!     12     4  total length of the file in bytes
//!     16     4  checksum: the low 32 bits of the XXH3-64 (seed 0) of every byte from
//!                offset 20 to the end
//!     20    16  visibility-class key: SHA-256 of the section table and sections, first 16 bytes
//!     36     8  directory etag: digest of the whole directory the snapshot was cut from
//!     44  12·S  section table: tag (4 ASCII bytes), offset (u32), length (u32)
//!      …        sections
//! ```
//!
//! Each section's tag appears once; sections lie after the section table, inside the file, and
//! overlap none. The opener finds the sections below by their tags. A section with any other
//! tag is held to the same rules and otherwise ignored — but that is no way for later versions
//! to add sections: the opener reads version 8 only and refuses any other
//! ([`SnapshotError::UnsupportedVersion`]), so a newer layout is refused before its sections are
//! looked at.
//!
//! The sections:
//!
//! - `META`: the organisation's name, then the e-mail domain (strings; the domain may be empty):
//!   a member's address that is their account at this domain is stored empty.
//! - `DEPT`: departments in preorder (parents first, siblings by sort number). Each record:
//!   id, name, parent position + 1 (0 for the topmost), sort number, flags (bit 0: path label
//!   only; the rest zero), headcount, then the leaders as member positions.
//! - `MEMB`: members in their static ranking order (pinned first, then sort number, then pinyin
//!   order), so that a smaller position ranks higher. Each record: the memberships as
//!   (department position, sort number) — first, since they are all that opening reads of a
//!   member — then account, name, flags (bit 0 disabled, bit 1 followed, bit 2 pinned, bits 4–5
//!   gender; the rest zero), a presence mask over the
//!   [`TextField`](crate::fields::TextField)s followed by the present ones (an e-mail address
//!   at the `META` domain whose local part is the account stored empty), then the custom
//!   attributes as (name, value).
//! - `GRUP`: public groups with at least one visible member, in directory order. Each record:
//!   id, name, then the member positions.
//! - the search sections `READ` (the readings of every name), `CHAR` (the readings of each
//!   Chinese character in them) and `WORD` (the reading strings beyond the fixed syllable table
//!   of [`crate::text::syllables`]): see `search::tables`.
//!
//! The search index and the A–Z bar are not sections: up to format 6 they were (`FST `, `POST`,
//! `AZBR`), but they are functions of `READ`, `WORD` and the records, and since they name
//! members by positions that shift when one person joins or leaves, they were almost all of
//! what an update by difference had to send. The engine derives them when first needed
//! (`search::names`).
//!
//! A record section is a sequence of records, each a LEB128 length followed by the record body.
//! Numbers inside records are LEB128 varints; strings are a varint length and UTF-8 bytes.
//!
//! # What opening checks
//!
//! Magic, version (exactly [`FORMAT_VERSION`]), length (a short file is reported as truncated at
//! its length), checksum, then every section: bounds, overlaps and repeated tags, that the known
//! ones are all there; every record of `DEPT` and `GRUP` in full (UTF-8, positions that point
//! at existing records, parents before children); the framing of every `MEMB` record and its
//! memberships; and of the search sections, what makes reading them safe: the framing and
//! number of `READ` records, every `CHAR` and `WORD` entry. A file that
//! fails any check is refused with a [`SnapshotError`] that says what and where; nothing panics
//! and nothing loops on hostile input.
//!
//! Two things are checked where they are read rather than at open, because checking them at open
//! would be a large part of opening's cost: the member records after their memberships (a text
//! that is not UTF-8 reads as U+FFFD; a record whose texts do not decode reads as what it holds
//! up to the fault, the same in every accessor, and [`Snapshot::check_member_texts`], which
//! `tongxunlu inspect` runs, names it), and the contents of a `READ` record (one that does not
//! decode gives its name no syllables, so no keys). Only a buggy or
//! hostile writer can get either wrong behind a matching checksum. Nothing of the index comes
//! from the file, so every byte is checked at open or where it is read, and no file can make
//! the engine panic. A well-formed hostile file can still hold wrong contents: a [`signature`]
//! tells the files of the server that holds the key from anyone else's.

#[cfg(feature = "builder")]
mod build;
pub(crate) mod container;
pub mod delta;
mod facade;
pub(crate) mod format;
mod present;
pub(crate) mod records;
pub mod signature;

#[cfg(feature = "builder")]
pub use build::{build, build_with, Built, NameTable};
pub use facade::Snapshot;
pub use format::{SnapshotError, FORMAT_VERSION, MAGIC};
pub use present::{DepartmentInfo, Fields, GroupInfo, HitInfo, MemberInfo, MembershipInfo, Pairs, Stats};
pub use records::{DepartmentRecord, GroupRecord, MemberRecord};
