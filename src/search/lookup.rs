//! Members by their identifiers and phone numbers: lookups derived from the member records.
//!
//! Three ways of finding a member match a field's text from its start — the account, the WeChat
//! id and the e-mail address — and phone numbers match by any three digits or more they hold.
//! Up to format 4 a snapshot carried all of these as families of its fst, and they were nearly
//! half of what a phone downloaded (at 200,000 members 47 of 114 bytes per member, gzipped): a
//! million keys of high entropy and 2.3 million phone-run targets. Yet each is a function of the
//! records the snapshot holds anyway. So since format 5 they do not travel: the engine derives
//! them the first time a query needs them, and keeps them.
//!
//! - [`SortedKeys`]: the members sorted by one field's folded text (then by position). A
//!   prefix is a range found by binary search, and within the range the members that share one
//!   whole key are adjacent and in position order — the order [`Targets`] promise, which lets
//!   gathering stop at the first that cannot make the page. Only positions are kept; a key is
//!   read from the records when compared, so a table costs four bytes a member.
//! - [`PhoneRuns`]: for each run of four digits (10,000 of them) and each ending of three (1,000),
//!   the members whose numbers hold it, and for each run of four the members whose numbers
//!   begin with it and those whose numbers end with it (尾号), as gap-coded lists in position
//!   order (the postings format of [`super::index`]). Every phone query takes its candidates
//!   from them.
//!
//! Each is built apart, from one reading of the member records, when first needed — or all at
//! once when the caller has time to spare ([`Lookups::prepare`]).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::engine::Field;
use super::index::Targets;
use crate::fields::TextField;
use crate::snapshot::format::push_varint;
use crate::snapshot::records::Records;
use crate::text::normalize::{normalized, phone_digits};

/// The digits of a run. Runs of four rather than three: a run of three is held by one number in
/// a hundred (nearly 2,000 at 200,000 members), and a query of seven digits would intersect such
/// lists; a run of four, by one in a thousand. A query of three digits finds its holders as the
/// start of a run of four, or as the ending of a number, which the lookup holds for that.
pub(crate) const PHONE_RUN: usize = 4;

/// The text fields that hold phone numbers.
pub(crate) const PHONE_FIELDS: [TextField; 2] = [TextField::Mobile, TextField::Telephone];

/// The fields a member is found by from their start, each with its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Identifier {
    Account,
    WeixinId,
    Email,
}

impl Identifier {
    pub(crate) const ALL: [Identifier; 3] = [Identifier::Account, Identifier::WeixinId, Identifier::Email];

    /// The value of this identifier of the member at `position`, as a query would be folded to
    /// match it; None when the member has none.
    fn key(self, records: &Records, position: usize) -> Option<Cow<'_, [u8]>> {
        let text = match self {
            Identifier::Account => Cow::Borrowed(records.member_account(position)),
            Identifier::WeixinId => records.member_text(position, TextField::WeixinId)?,
            Identifier::Email => records.member_text(position, TextField::Email)?,
        };
        Some(match text {
            Cow::Borrowed(text) => folded(text),
            Cow::Owned(text) => Cow::Owned(folded(&text).into_owned()),
        })
    }

    /// The field a result found by this identifier matched in.
    pub(crate) fn field(self) -> Field {
        match self {
            Identifier::Account => Field::Account,
            Identifier::WeixinId => Field::WeixinId,
            Identifier::Email => Field::Email,
        }
    }
}

/// The derived lookups of one snapshot, each built when first asked for (or by
/// [`Lookups::prepare`]).
#[derive(Default)]
pub(crate) struct Lookups {
    identifiers: [OnceLock<SortedKeys>; 3],
    phone_runs: OnceLock<PhoneRuns>,
}

impl Lookups {
    /// Calls `f(whole, targets)` for each distinct `which` value that begins with `prefix`
    /// (folded as queries are), `whole` when it is `prefix` itself.
    pub(crate) fn each_identifier<'s>(
        &'s self,
        records: &'s Records,
        which: Identifier,
        prefix: &str,
        f: impl FnMut(bool, Targets<'s>),
    ) {
        self.table(records, which).each_prefix(records, which, prefix.as_bytes(), f);
    }

    /// The position of the member whose account is `userid`, exactly.
    pub(crate) fn find_account(&self, records: &Records, userid: &str) -> Option<usize> {
        let wanted = folded(userid);
        let accounts = &self.table(records, Identifier::Account).positions;
        let key = |position: u32| Identifier::Account.key(records, position as usize).unwrap_or_default();
        let first = accounts.partition_point(|&p| key(p) < wanted);
        // Accounts that differ in case only fold alike: the one asked for is among them.
        accounts[first..]
            .iter()
            .take_while(|&&p| key(p) == wanted)
            .map(|&p| p as usize)
            .find(|&p| records.member_account(p) == userid)
    }

    /// The runs of phone digits: see [`PhoneRuns`].
    pub(crate) fn phone_runs(&self, records: &Records) -> &PhoneRuns {
        self.phone_runs.get_or_init(|| PhoneRuns::build(records))
    }

    /// Builds every lookup not built yet, for a caller with time to spare now (a page once it
    /// has shown the directory) rather than at the first keystroke that needs one.
    pub(crate) fn prepare(&self, records: &Records) {
        for which in Identifier::ALL {
            self.table(records, which);
        }
        self.phone_runs(records);
    }

    /// One identifier's table, each built apart (the account's first of all, for lookups by
    /// account), so that no more is built, nor held at once while building, than is asked for.
    fn table(&self, records: &Records, which: Identifier) -> &SortedKeys {
        self.identifiers[which as usize].get_or_init(|| {
            let mut keys = KeysToSort::default();
            for position in 0..records.member_count() {
                if let Some(key) = which.key(records, position) {
                    keys.push(&key, position as u32);
                }
            }
            keys.sort()
        })
    }
}

/// `text` as queries are folded (see [`normalized`]).
fn folded(text: &str) -> Cow<'_, [u8]> {
    match normalized(text) {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    }
}

/// The members of a table being built, each with its key.
///
/// Each is stored as its key followed by the member's position in four big-endian bytes, so
/// that plain byte order is the table's order: by key, then by position. That holds while the
/// byte after a key sorts below any byte a longer key could go on with there: the position's
/// first byte is zero for the first 2^24 members, and keys hold no NUL. Past either limit
/// (16.7 million members; a NUL in an account, WeChat id or e-mail, which nothing in the
/// directory file forbids) a key may sort after a longer one it begins, and a lookup may miss a
/// member — a wrong answer, never a panic. Sorting byte strings also shares its code with the
/// rest of the engine, which the browser build's size budget counts.
#[derive(Default)]
struct KeysToSort {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl KeysToSort {
    fn push(&mut self, key: &[u8], position: u32) {
        self.bytes.extend_from_slice(key);
        self.bytes.extend_from_slice(&position.to_be_bytes());
        self.ends.push(self.bytes.len());
    }

    fn sort(self) -> SortedKeys {
        let mut keys: Vec<&[u8]> = Vec::with_capacity(self.ends.len());
        let mut start = 0;
        for &end in &self.ends {
            keys.push(&self.bytes[start..end]);
            start = end;
        }
        keys.sort_unstable();
        let position = |key: &[u8]| u32::from_be_bytes(key[key.len() - 4..].try_into().expect("four bytes"));
        SortedKeys { positions: keys.into_iter().map(position).collect() }
    }
}

/// The members that have one identifier, sorted by it, then by position.
struct SortedKeys {
    positions: Vec<u32>,
}

impl SortedKeys {
    fn each_prefix<'s>(
        &'s self,
        records: &'s Records,
        which: Identifier,
        prefix: &[u8],
        mut f: impl FnMut(bool, Targets<'s>),
    ) {
        let key = |position: u32| which.key(records, position as usize).unwrap_or_default();
        let mut at = self.positions.partition_point(|&p| key(p).as_ref() < prefix);
        while at < self.positions.len() {
            let this = key(self.positions[at]);
            if !this.starts_with(prefix) {
                break;
            }
            let same = 1 + self.positions[at + 1..].iter().take_while(|&&p| key(p) == this).count();
            f(this.len() == prefix.len(), Targets::of_positions(&self.positions[at..at + same]));
            at += same;
        }
    }
}

/// Members by the runs of digits their phone numbers hold: for each run of [`PHONE_RUN`]
/// digits, each ending of one digit fewer (for queries of three digits), and each beginning and
/// each ending of [`PHONE_RUN`] digits, a gap-coded list of member positions, increasing, each
/// member once.
pub(crate) struct PhoneRuns {
    /// List `i` is `lists[starts[i]..starts[i + 1]]`; slots 0–9999 hold runs of four digits by
    /// their value, the next 1,000 endings of three, the next 10,000 beginnings of four, the
    /// last 10,000 endings of four.
    starts: Vec<u32>,
    counts: Vec<u32>,
    lists: Vec<u8>,
}

const RUN_SLOTS: usize = 10_000;
const ENDING_SLOTS: usize = 1_000;
const FIRST_BEGINNING: usize = RUN_SLOTS + ENDING_SLOTS;
const FIRST_ENDING: usize = FIRST_BEGINNING + RUN_SLOTS;

impl PhoneRuns {
    fn build(records: &Records) -> PhoneRuns {
        let slots = FIRST_ENDING + RUN_SLOTS;
        let mut lists = vec![Vec::new(); slots];
        let mut counts = vec![0u32; slots];
        // The last member added to each list, plus one (0: none yet).
        let mut last = vec![0u32; slots];
        let mut add = |slot: usize, position: u32| {
            if last[slot] == position + 1 {
                return; // another run of the same number, or the member's other number
            }
            // Gaps as postings hold them: the first from zero, each next from the one before.
            let gap = if last[slot] == 0 { position } else { position + 1 - last[slot] };
            push_varint(&mut lists[slot], u64::from(gap));
            counts[slot] += 1;
            last[slot] = position + 1;
        };
        for position in 0..records.member_count() {
            records.each_member_text(position, &PHONE_FIELDS, |_, text| {
                let digits = phone_digits(text);
                let digits = digits.as_bytes();
                for run in digits.windows(PHONE_RUN) {
                    add(number(run), position as u32);
                }
                if let Some(end) = digits.len().checked_sub(PHONE_RUN - 1) {
                    add(RUN_SLOTS + number(&digits[end..]), position as u32);
                }
                if let Some(beginning) = digits.get(..PHONE_RUN) {
                    add(FIRST_BEGINNING + number(beginning), position as u32);
                }
                if let Some(end) = digits.len().checked_sub(PHONE_RUN) {
                    add(FIRST_ENDING + number(&digits[end..]), position as u32);
                }
            });
        }
        let mut starts = Vec::with_capacity(slots + 1);
        let mut bytes = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for list in &lists {
            starts.push(bytes.len() as u32);
            bytes.extend_from_slice(list);
        }
        starts.push(bytes.len() as u32);
        PhoneRuns { starts, counts, lists: bytes }
    }

    /// The members whose numbers hold `run`, four ASCII digits; None when nobody's does.
    pub(crate) fn holding(&self, run: &[u8]) -> Option<Targets<'_>> {
        self.list(number(run))
    }

    /// The members whose numbers begin with `run`, four ASCII digits; None when nobody's does.
    pub(crate) fn starting(&self, run: &[u8]) -> Option<Targets<'_>> {
        self.list(FIRST_BEGINNING + number(run))
    }

    /// The members whose numbers end with `digits`, three ASCII digits or more, and some whose
    /// numbers do not (those that end with only their last four); None when nobody's does.
    pub(crate) fn ending(&self, digits: &[u8]) -> Option<Targets<'_>> {
        match digits.len().checked_sub(PHONE_RUN) {
            None => self.list(RUN_SLOTS + number(digits)),
            Some(end) => self.list(FIRST_ENDING + number(&digits[end..])),
        }
    }

    /// The lists that together hold exactly the members whose numbers hold `digits` (three
    /// ASCII digits) as the start of a run of four or as their ending; `from_start`, the lists
    /// that hold those whose numbers begin with them, and some that do not (a number of three
    /// digits is held by its ending only).
    pub(crate) fn holding_three(&self, digits: &[u8], from_start: bool) -> Vec<Targets<'_>> {
        let value = number(digits);
        let first_run = if from_start { FIRST_BEGINNING } else { 0 };
        (0..10)
            .map(|last| first_run + value * 10 + last)
            .chain([RUN_SLOTS + value])
            .filter_map(|slot| self.list(slot))
            .collect()
    }

    fn list(&self, slot: usize) -> Option<Targets<'_>> {
        let count = *self.counts.get(slot).filter(|&&count| count > 0)?;
        let bytes = &self.lists[self.starts[slot] as usize..self.starts[slot + 1] as usize];
        Some(Targets::of_gaps(bytes, count as usize))
    }
}

/// The value of a run of ASCII digits.
fn number(digits: &[u8]) -> usize {
    digits.iter().fold(0, |n, d| n * 10 + usize::from(d.wrapping_sub(b'0')).min(9))
}
