//! Writing a snapshot from a [`View`]: the builder's side of the facade, which composes the
//! layers — the search layer orders the members and writes its sections, the records layer
//! writes the records in that order, and the container puts header and sections together.

use super::container::ContainerWriter;
use super::format::hex;
use super::records;
use crate::model::Directory;
use crate::search;
pub use crate::search::build::NameTable;
use crate::visibility::View;

/// A built snapshot and its visibility-class key.
pub struct Built {
    /// The snapshot file.
    pub bytes: Vec<u8>,
    /// Equal for every viewer who sees exactly the same thing, so a server can cache and a CDN
    /// can serve one snapshot per class.
    pub class_key: [u8; 16],
}

impl Built {
    /// The visibility-class key in lower-case hexadecimal: a cache key or file name.
    pub fn class_key_hex(&self) -> String {
        hex(&self.class_key)
    }
}

/// Writes the snapshot of `view`, which must have been made from `directory`.
///
/// The output depends only on the view's contents, never on who the viewer is or when it was
/// built, so equal views give byte-identical snapshots.
pub fn build(directory: &Directory, view: &View) -> Built {
    build_with(directory, view, &NameTable::of_view(directory, view))
}

/// [`build`] with the readings of the directory's names read already (see [`NameTable`]): what a
/// server that builds the snapshots of many classes of one directory version calls, reading
/// each name once for them all. `names` must have been made from `directory` by
/// [`NameTable::new`]. The bytes are those [`build`] writes.
pub fn build_with(directory: &Directory, view: &View, names: &NameTable) -> Built {
    // Members are stored in their static ranking order (see `search::build::member_order`).
    let names = search::build::NameReadings::new(names, view);
    let order = search::build::member_order(directory, view, &names);
    // The search sections are made first, though they come last in the file: the container's
    // section table is sized by their count.
    let search_sections = search::build::sections(directory, view, &order, names);

    // The file is written in place: the header and section table are filled in at the end.
    let mut file = ContainerWriter::new(records::write::SECTION_COUNT + search_sections.len());
    records::write::sections(&mut file, directory, view, &order);
    // Each search section is let go once copied.
    for (tag, body) in search_sections {
        file.section(tag, |w| w.bytes.extend_from_slice(&body));
    }
    let (bytes, class_key) = file.finish(&view.directory_etag);
    Built { bytes, class_key }
}
