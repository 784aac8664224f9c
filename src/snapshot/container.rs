//! The container: a snapshot file as a checked header and a table of tagged sections, without
//! knowing what any section holds.
//!
//! Opening ([`Container::open`]) takes a signature block off, then checks the magic, the
//! version, the length, the checksum and the section table (see the module doc of
//! [`crate::snapshot`]); the layers above find their sections here by tag. Writing
//! ([`ContainerWriter`], builder only) is the same layout the other way: sections appended one
//! by one, then the header and the section table filled in around them.

use std::ops::Range;

use super::format::*;

/// A checked snapshot file and where its sections lie.
pub(crate) struct Container {
    /// A `Vec` rather than a boxed slice: cutting a signature block off the end must not
    /// reallocate (and so perhaps copy) the whole file to drop its last 80 bytes.
    bytes: Vec<u8>,
    version: u16,
    sections: SectionTable,
}

/// The sections of a file: each one's tag and byte range, in the order of the section table.
type SectionTable = Vec<([u8; 4], Range<usize>)>;

impl Container {
    /// Checks the header and the section table of `bytes`, or says what is wrong with them.
    pub(crate) fn open(mut bytes: Vec<u8>) -> Result<Container, SnapshotError> {
        // A signed file is the snapshot and then a signature block, which opening takes off
        // without verifying it: that is for whoever holds the key (signature.rs).
        bytes.truncate(super::signature::snapshot_len(&bytes));
        let header = check_header(&bytes)?;
        let sections = read_section_table(&bytes, header.section_count)?;
        Ok(Container { bytes, version: header.version, sections })
    }

    /// The byte range of the section tagged `tag` (`name` is the tag as text, for errors), or
    /// the error that it is missing.
    pub(crate) fn section(&self, tag: [u8; 4], name: &'static str) -> Result<Range<usize>, SnapshotError> {
        self.sections
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, r)| r.clone())
            .ok_or_else(|| SnapshotError::corrupt(name, "the section is missing"))
    }

    /// The layout version of the file.
    pub(crate) fn format_version(&self) -> u16 {
        self.version
    }

    /// The whole file.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Every section of the file's table, in its order: the tag and the section's bytes.
    pub(crate) fn sections(&self) -> Vec<([u8; 4], &[u8])> {
        self.sections.iter().map(|(tag, range)| (*tag, &self.bytes[range.clone()])).collect()
    }

    /// The header and the section table: the bytes that no section holds.
    pub(crate) fn header_len(&self) -> usize {
        HEADER_LEN + SECTION_ENTRY_LEN * self.sections.len()
    }

    /// The visibility-class key.
    pub(crate) fn class_key(&self) -> &[u8] {
        &self.bytes[CLASS_KEY]
    }

    /// The digest of the directory the file was cut from.
    pub(crate) fn directory_etag(&self) -> &[u8] {
        &self.bytes[ETAG]
    }
}

struct Header {
    version: u16,
    section_count: usize,
}

fn check_header(bytes: &[u8]) -> Result<Header, SnapshotError> {
    let magic_seen = bytes.len().min(MAGIC.len());
    if bytes.is_empty() || bytes[..magic_seen] != MAGIC[..magic_seen] {
        return Err(SnapshotError::NotASnapshot);
    }
    // Until the length field (bytes 12..16) is there, all that is known is the header's size.
    if bytes.len() < 16 {
        return Err(SnapshotError::Truncated { at: bytes.len(), expected: HEADER_LEN });
    }
    let version = u16_at(bytes, 8);
    if version != FORMAT_VERSION {
        return Err(SnapshotError::UnsupportedVersion { found: version });
    }
    let expected = u32_at(bytes, 12) as usize;
    if expected < HEADER_LEN {
        return Err(SnapshotError::corrupt(
            "header",
            format!("the total length {expected} is shorter than the header itself"),
        ));
    }
    if bytes.len() < expected {
        return Err(SnapshotError::Truncated { at: bytes.len(), expected });
    }
    if bytes.len() > expected {
        return Err(SnapshotError::TrailingBytes { length: bytes.len(), expected });
    }
    let stored = u32_at(bytes, 16);
    let computed = checksum(&bytes[CHECKSUMMED_FROM..]);
    if stored != computed {
        return Err(SnapshotError::ChecksumMismatch { stored, computed });
    }
    Ok(Header { version, section_count: u16_at(bytes, 10) as usize })
}

fn read_section_table(bytes: &[u8], count: usize) -> Result<SectionTable, SnapshotError> {
    let table_end = HEADER_LEN + count * SECTION_ENTRY_LEN;
    let bad = |detail: String| SnapshotError::corrupt("section table", detail);
    if table_end > bytes.len() {
        return Err(bad(format!("{count} sections do not fit in {} bytes", bytes.len())));
    }
    let mut sections: SectionTable = Vec::with_capacity(count);
    for i in 0..count {
        let at = HEADER_LEN + i * SECTION_ENTRY_LEN;
        let tag = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        let offset = u32_at(bytes, at + 4) as usize;
        let len = u32_at(bytes, at + 8) as usize;
        // Computed in u64: on wasm32 a usize sum of two u32 fields can wrap.
        let end = offset as u64 + len as u64;
        if offset < table_end || end > bytes.len() as u64 {
            return Err(bad(format!("section {i} ({}) lies outside the file", tag.escape_ascii())));
        }
        let range = offset..offset + len;
        if let Some((other, _)) =
            sections.iter().find(|(t, r)| *t == tag || (r.start < range.end && range.start < r.end))
        {
            return Err(bad(format!(
                "section {i} ({}) overlaps or repeats section {}",
                tag.escape_ascii(),
                other.escape_ascii()
            )));
        }
        sections.push((tag, range));
    }
    Ok(sections)
}

/// A snapshot file being written in place: room for the header and section table first, each
/// section appended after them, and the header filled in at the end.
#[cfg(feature = "builder")]
pub(crate) struct ContainerWriter {
    file: Writer,
    /// (tag, offset, length) of each section written.
    table: Vec<([u8; 4], usize, usize)>,
}

#[cfg(feature = "builder")]
impl ContainerWriter {
    /// A file of `count` sections.
    pub(crate) fn new(count: usize) -> ContainerWriter {
        ContainerWriter {
            file: Writer { bytes: vec![0; HEADER_LEN + SECTION_ENTRY_LEN * count] },
            table: Vec::with_capacity(count),
        }
    }

    /// Appends a section, written by `write`.
    pub(crate) fn section(&mut self, tag: [u8; 4], write: impl FnOnce(&mut Writer)) {
        let offset = self.file.bytes.len();
        write(&mut self.file);
        self.table.push((tag, offset, self.file.bytes.len() - offset));
    }

    /// Fills in the section table and the header: the file, and its visibility-class key.
    pub(crate) fn finish(self, directory_etag: &[u8]) -> (Vec<u8>, [u8; 16]) {
        use sha2::{Digest, Sha256};

        let mut bytes = self.file.bytes;
        let total = bytes.len();
        assert!(total <= u32::MAX as usize, "a snapshot of {total} bytes exceeds the 4 GiB the format addresses");
        for (i, (tag, offset, len)) in self.table.iter().enumerate() {
            let entry = HEADER_LEN + SECTION_ENTRY_LEN * i;
            bytes[entry..entry + 4].copy_from_slice(tag);
            bytes[entry + 4..entry + 8].copy_from_slice(&(*offset as u32).to_le_bytes());
            bytes[entry + 8..entry + 12].copy_from_slice(&(*len as u32).to_le_bytes());
        }
        bytes[..8].copy_from_slice(&MAGIC);
        bytes[8..10].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes[10..12].copy_from_slice(&(self.table.len() as u16).to_le_bytes());
        bytes[12..16].copy_from_slice(&(total as u32).to_le_bytes());
        // The class key digests the section table and the sections: everything after the header.
        let mut class_key = [0u8; 16];
        class_key.copy_from_slice(&Sha256::digest(&bytes[HEADER_LEN..])[..16]);
        bytes[CLASS_KEY].copy_from_slice(&class_key);
        bytes[ETAG].copy_from_slice(directory_etag);
        let checksum = checksum(&bytes[CHECKSUMMED_FROM..]);
        bytes[16..20].copy_from_slice(&checksum.to_le_bytes());
        (bytes, class_key)
    }
}
