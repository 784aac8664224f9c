//! Closeness to the viewer in the organisation: how results that match equally well are ordered
//! after the viewer's frequent contacts (docs/search.md).
//!
//! At 200,000 members about twenty numbers end with any four digits and a thousand people are
//! called 张伟; the one meant is most often a colleague nearby. So among equal matches the viewer's
//! own department comes first, then the departments below it, then those below its parent, and
//! so on up to the whole organisation.
//!
//! A department's *level* says how far up from one of the viewer's departments the nearest
//! department above both lies: 0 for the viewer's own department, 1 for one below it, 2 for one
//! below its parent (a sibling, or below a sibling), and so on; a member's level is that of the
//! closest of their departments. Levels are a few bits of the ranking key, so the levels of a
//! very deep tree end in one level, [`FAR`], for everything farther.
//!
//! The engine walks candidates in position order and stops once no later position could make
//! the page; closeness breaks that order, a later colleague can rank above an earlier stranger.
//! So a `Closeness` also knows, per level, the last position of a member that close: past it, a
//! walk may assume no better level. The viewer's own department is small and its last position
//! is known exactly; larger levels are spread over all positions anyway, and are not scanned.

use std::sync::{Arc, Mutex};

use super::tables::SearchTables;
use crate::snapshot::records::{Memberships, Records};

/// How many levels the ranking key has room for.
const LEVELS: usize = 16;

/// The level of everything no closer than the viewer's farthest ancestor within reach.
const FAR: u8 = (LEVELS - 1) as u8;

/// Subtrees with more memberships than this are not scanned for their last member: their last
/// position is taken to be the end.
const SCAN_LIMIT: usize = 4096;

/// One viewer's closeness to every department and member of a snapshot.
pub(super) struct Closeness<'t> {
    /// Each member's departments.
    memberships: &'t Memberships,
    levels: Arc<Levels>,
}

/// The levels of one viewer: what [`Closeness`] reads, kept for the viewer's next search (the
/// page searches as one viewer at every keystroke, and working them out is a walk over every
/// department).
pub(crate) struct Levels {
    /// The viewer's position.
    viewer: usize,
    /// The level of each department, by position.
    departments: Vec<u8>,
    /// For each level, the last member position at that level or closer (`u32::MAX` when not
    /// known).
    last: [u32; LEVELS],
}

/// The levels of the viewer searched as last, if any.
pub(crate) type LastViewer = Mutex<Option<Arc<Levels>>>;

impl<'t> Closeness<'t> {
    /// The closeness of everything to the member at position `viewer`.
    pub(super) fn new(records: &Records, tables: &'t SearchTables, viewer: usize) -> Closeness<'t> {
        // (A search that panicked while holding the lock left nothing half-made behind it.)
        let mut last_viewer = tables.last_viewer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let levels = match &*last_viewer {
            Some(levels) if levels.viewer == viewer => levels.clone(),
            _ => last_viewer.insert(Arc::new(Levels::new(records, tables, viewer))).clone(),
        };
        Closeness { memberships: &tables.memberships, levels }
    }

    /// The level of the member at `position`: that of their closest department.
    pub(super) fn member(&self, position: u32) -> u8 {
        self.memberships.of(position as usize).iter().map(|&d| self.department(d)).min().unwrap_or(FAR)
    }

    /// The level of the department at `position`.
    pub(super) fn department(&self, position: u32) -> u8 {
        self.levels.departments.get(position as usize).copied().unwrap_or(FAR)
    }

    /// The closest level any member at `position` or later can have.
    pub(super) fn best_from(&self, position: u32) -> u8 {
        self.levels.last.iter().position(|&last| last >= position).map_or(FAR, |level| level as u8)
    }
}

impl Levels {
    fn new(records: &Records, tables: &SearchTables, viewer: usize) -> Levels {
        let n = records.department_count();
        let mut departments = vec![FAR; n];
        // Members may sit above every level the viewer's departments reach (in no department,
        // or under another top department): the farthest level's last member is not known.
        let mut last = [0; LEVELS];
        last[FAR as usize] = u32::MAX;
        for &own in tables.memberships.of(viewer) {
            let own = own as usize;
            if own >= n {
                continue; // (checked when opening: cannot happen)
            }
            // The viewer's department, then each one above it: each level takes the part of its
            // subtree that the level before did not.
            let mut inner = own..own + 1;
            let mut above = Some(own);
            for level in 1..FAR {
                let Some(a) = above else { break };
                let subtree = a..(tables.subtree_end[a] as usize).min(n);
                for d in (subtree.start..inner.start).chain(inner.end..subtree.end) {
                    departments[d] = departments[d].min(level);
                }
                last[level as usize] = last[level as usize].max(last_member(tables, subtree.clone()));
                inner = subtree;
                // (Parents come before their children: checked when opening, so this ends.)
                above = records.department(a).parent.filter(|&p| p < a);
            }
            departments[own] = 0;
            last[0] = last[0].max(last_member(tables, own..own + 1));
        }
        // A level's last member is at least as late as any closer level's.
        for level in 1..LEVELS {
            last[level] = last[level].max(last[level - 1]);
        }
        Levels { viewer, departments, last }
    }
}

/// The last member position in the departments `range` (a subtree: contiguous in preorder), or
/// `u32::MAX` when the subtree is too large to scan.
fn last_member(tables: &SearchTables, range: std::ops::Range<usize>) -> u32 {
    let starts = &tables.direct_member_starts;
    let members = &tables.direct_members[starts[range.start] as usize..starts[range.end] as usize];
    if members.len() > SCAN_LIMIT {
        return u32::MAX;
    }
    members.iter().copied().max().unwrap_or(0)
}
