//! The facade: [`Snapshot`], an opened snapshot as the CLI, the JavaScript API and the tests see
//! it — the records and the search tables of one file, composed.
//!
//! Below it the layers depend one way: the container checks the file and finds its sections,
//! the records layer reads the record sections out of the container, and the search layer
//! ([`crate::search`]) opens its own sections and answers queries from them and the records.
//! None of them knows of this type: it owns what they opened and forwards each call to the
//! layer that answers it (its descriptions for printing are in `present`).

use super::container::Container;
use super::format::SnapshotError;
use super::records::{DepartmentRecord, GroupRecord, MemberRecord, Records};
use crate::search::tables::SearchTables;
use crate::search::{Filter, Hit, Initial, Mention, SearchOptions, Searcher, Totals};

/// An opened snapshot.
pub struct Snapshot {
    records: Records,
    search: SearchTables,
}

impl Snapshot {
    /// Checks `bytes` and opens them, or says what is wrong with them.
    pub fn open(bytes: impl Into<Box<[u8]>>) -> Result<Snapshot, SnapshotError> {
        let container = Container::open(bytes.into().into_vec())?;
        let (records, structure) = Records::open(container)?;
        let search = SearchTables::open(&records, structure)?;
        Ok(Snapshot { records, search })
    }

    /// The search layer over this snapshot: what the search methods below forward to.
    pub fn searcher(&self) -> Searcher<'_> {
        Searcher::new(&self.records, &self.search)
    }

    /// The layout version of the file.
    pub fn format_version(&self) -> u16 {
        self.records.container().format_version()
    }

    /// The whole file.
    pub fn as_bytes(&self) -> &[u8] {
        self.records.bytes()
    }

    /// Every section of the file's table, in its order: the tag and the section's bytes.
    pub fn sections(&self) -> Vec<([u8; 4], &[u8])> {
        self.records.container().sections()
    }

    /// The header and the section table: the bytes that no section holds.
    pub fn header_len(&self) -> usize {
        self.records.container().header_len()
    }

    /// The visibility-class key: equal for every viewer who sees the same thing.
    pub fn class_key(&self) -> &[u8] {
        self.records.container().class_key()
    }

    /// The digest of the directory this snapshot was cut from.
    pub fn directory_etag(&self) -> &[u8] {
        self.records.container().directory_etag()
    }

    /// The organisation's name (the `META` section).
    pub fn corp_name(&self) -> &str {
        self.records.corp_name()
    }

    /// How many departments the snapshot holds, breadcrumb labels included.
    pub fn department_count(&self) -> usize {
        self.records.department_count()
    }

    /// How many members the snapshot holds.
    pub fn member_count(&self) -> usize {
        self.records.member_count()
    }

    /// How many public groups the snapshot holds.
    pub fn group_count(&self) -> usize {
        self.records.group_count()
    }

    /// The department at `position` (0 ≤ position < [`Self::department_count`]).
    pub fn department(&self, position: usize) -> DepartmentRecord<'_> {
        self.records.department(position)
    }

    /// The member at `position` (0 ≤ position < [`Self::member_count`]).
    pub fn member(&self, position: usize) -> MemberRecord<'_> {
        self.records.member(position)
    }

    /// Checks what opening leaves to be checked where it is read: that every member record's
    /// texts decode (docs/snapshot.md#what-opening-checks). A snapshot that opens reads without
    /// a panic either way; this tells one whose writer got a member record wrong, and which.
    pub fn check_member_texts(&self) -> Result<(), SnapshotError> {
        self.records.check_member_texts()
    }

    /// The group at `position` (0 ≤ position < [`Self::group_count`]).
    pub fn group(&self, position: usize) -> GroupRecord<'_> {
        self.records.group(position)
    }

    /// The position of the member with this account. (The first lookup sorts the accounts:
    /// see `search::lookup`.)
    pub fn find_member(&self, userid: &str) -> Option<usize> {
        self.searcher().find_member(userid)
    }

    /// Finds members, departments and groups by whatever the user typed (docs/search.md).
    ///
    /// ```
    /// # use tongxunlu::{model::Directory, visibility::Organisation, snapshot::{self, Snapshot}, search::SearchOptions};
    /// # let dir = Directory::from_json(r#"{"department": [{"id": 1, "name": "公司", "parentid": 0}],
    /// #   "userlist": [{"userid": "zs", "name": "张三", "department": [1], "mobile": "13800138000"}]}"#)?;
    /// # let snap = Snapshot::open(snapshot::build(&dir, &Organisation::new(&dir).view("zs")?).bytes)?;
    /// let hits = snap.search("zhangs", &SearchOptions::default());
    /// assert_eq!(snap.member(hits[0].position).name, "张三");
    /// assert_eq!(hits[0].ranges, [(0, 2)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn search(&self, query: &str, options: &SearchOptions) -> Vec<Hit> {
        self.searcher().search(query, options)
    }

    /// How many members, departments and groups a search for `query` finds in all (see
    /// [`Searcher::count`]).
    pub fn count(&self, query: &str) -> Totals {
        self.searcher().count(query)
    }

    /// Builds now what search would otherwise build at the first query that needs it: the
    /// lookups by account, WeChat id, e-mail and phone digits it derives from the records
    /// (docs/search.md). For a page to call once the directory is on screen, so that no keystroke
    /// waits for them. Calling it again does nothing.
    pub fn prepare_search(&self) {
        self.searcher().prepare();
    }

    /// The letters that have members, A–Z then `#`, with their counts.
    pub fn initials(&self) -> Vec<Initial> {
        self.searcher().initials()
    }

    /// The members filed under `letter` (A–Z, any case, or `#`), in pinyin order, paged.
    pub fn by_initial(&self, letter: char, offset: usize, limit: usize) -> Vec<usize> {
        self.searcher().by_initial(letter, offset, limit)
    }

    /// A department's child departments (in sort order) and the members directly in it, by
    /// their sort number in it, then their rank.
    pub fn children(&self, department: usize) -> (Vec<usize>, Vec<usize>) {
        self.searcher().children(department)
    }

    /// The departments from the topmost down to `department` (path labels included), for a
    /// breadcrumb.
    pub fn breadcrumbs(&self, department: usize) -> Vec<usize> {
        self.searcher().breadcrumbs(department)
    }

    /// The mention being typed at `cursor` (a character offset) in `text`: an `@` followed by
    /// no white space up to the cursor. Suggestions are members only.
    pub fn mentions(&self, text: &str, cursor: usize, limit: usize) -> Option<Mention> {
        self.searcher().mentions(text, cursor, limit)
    }

    /// The members that pass every filter given, in rank order.
    pub fn filter(&self, filter: &Filter) -> Vec<usize> {
        self.searcher().filter(filter)
    }

    /// Every key of the name index the engine derives from the snapshot, family byte first, in
    /// order: for tests that check the keys against an independent reading of the names. Only
    /// with the `internals` feature: nothing in the crate needs it.
    #[cfg(feature = "internals")]
    #[doc(hidden)]
    pub fn index_keys(&self) -> Vec<Vec<u8>> {
        self.searcher().index_keys()
    }

    /// The syllables of a member's name as the snapshot reads it: what search matches against.
    /// Only with the `internals` feature, for the tests and fuzz targets that check the matcher
    /// against it.
    #[cfg(feature = "internals")]
    #[doc(hidden)]
    pub fn member_syllables(&self, position: usize) -> Vec<crate::search::Syllable<'_>> {
        self.searcher().member_syllables(position)
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("bytes", &self.as_bytes().len())
            .field("departments", &self.department_count())
            .field("members", &self.member_count())
            .field("groups", &self.group_count())
            .finish()
    }
}
