//! Knowledge about Chinese text that several parts of the engine share.
//!
//! - [`surname`]: which characters of a name are the surname — the compound surnames (欧阳,
//!   司马, …) in simplified and traditional writing, and [`surname::split_name`], which the
//!   business card uses for its `N` line and which name readings use to read a surname the
//!   surname way.
//! - [`normalize`]: the one normalisation both sides apply (docs/search.md): NFKC, full-width to
//!   half-width, lower case, traditional to simplified; phone digits. Compiled everywhere, since
//!   the browser normalises what the user types.
//! - `order`: the A–Z letter of a name and its pinyin sort key, from its syllables — shared by
//!   the builder, which reads names with the pinyin tables, and the browser, which derives the
//!   A–Z bar's order from a snapshot's readings.
//! - [`syllables`]: the table of pinyin syllables by which every snapshot numbers its readings
//!   alike (part of the snapshot format).
//! - `pinyin` (feature `builder`): the curated readings of characters and names, the A–Z letter
//!   and the pinyin sort key. Never in the browser build: the snapshot carries what the page needs.
//!
//! Each module is a table first and a few small functions over it, so that the data can be read
//! (and reviewed by someone who knows the names) without reading code.

pub mod normalize;
pub(crate) mod order;
#[cfg(feature = "builder")]
pub mod pinyin;
pub mod surname;
pub mod syllables;
