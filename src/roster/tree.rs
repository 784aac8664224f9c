//! Departments by path: finding `销售中心->华东大区` in the tree, creating the departments that
//! are missing, and taking those creations back when the row that asked for them is refused.
//!
//! A path is read from the organisation down. Its first name may be the organisation's own (the
//! root department's name) or already its first level: `上海顺城物流有限公司->销售中心` and
//! `销售中心` are the same department. Each later name is looked up among the children of the
//! department before it; a name that is not there is created, with the next free id and a sort
//! number after its existing siblings, so new departments appear in the order the file first
//! names them. Two siblings of the same name make a path through them ambiguous, and the row is
//! refused rather than guessed at.
//!
//! Creations are logged, so that a row can take [`Tree::mark`] before resolving its paths and
//! [`Tree::rollback`] to it if the row is refused: a bad row never leaves departments behind.

use std::collections::HashMap;

use serde_json::Map;

use crate::model::{Department, DepartmentId, ROOT_PARENT};

use super::sheet::clean;

/// Why a department path cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// Two siblings on the path share a name.
    #[error(
        "the path {path:?} is ambiguous: several departments are named {name:?} at that level; \
         rename one of them first"
    )]
    Ambiguous {
        /// The path, as `A->B->C`.
        path: String,
        /// The name several siblings share.
        name: String,
    },
    /// Every department id is taken.
    #[error("no department id is left to give a new department")]
    NoIdLeft,
}

/// The department tree, as far as paths are concerned.
#[derive(Debug)]
pub struct Tree {
    root: DepartmentId,
    root_name: String,
    children: HashMap<(DepartmentId, String), Child>,
    /// The largest sort number among each department's children.
    last_order: HashMap<DepartmentId, u32>,
    next_id: DepartmentId,
    /// The departments created, in order; the tail after a mark is what a rollback removes.
    created: Vec<Department>,
    /// For each creation, the parent's `last_order` before it.
    previous_order: Vec<Option<u32>>,
}

#[derive(Debug, Clone, Copy)]
enum Child {
    One(DepartmentId),
    /// Several siblings share the name.
    Several,
}

/// A point to roll the tree back to.
#[derive(Debug, Clone, Copy)]
pub struct Mark(usize);

impl Tree {
    /// The tree of `departments`, which must have one root (a validated directory does).
    pub fn new(departments: &[Department]) -> Tree {
        let root = departments.iter().find(|d| d.parentid == ROOT_PARENT);
        let mut tree = Tree {
            root: root.map_or(ROOT_PARENT, |d| d.id),
            root_name: root.map_or_else(String::new, |d| clean(&d.name).to_owned()),
            children: HashMap::with_capacity(departments.len()),
            last_order: HashMap::new(),
            next_id: departments.iter().map(|d| d.id).max().unwrap_or(0).saturating_add(1),
            created: Vec::new(),
            previous_order: Vec::new(),
        };
        for d in departments.iter().filter(|d| d.parentid != ROOT_PARENT) {
            tree.children
                .entry((d.parentid, clean(&d.name).to_owned()))
                .and_modify(|c| *c = Child::Several)
                .or_insert(Child::One(d.id));
            let last = tree.last_order.entry(d.parentid).or_insert(0);
            *last = (*last).max(d.order);
        }
        tree
    }

    /// The department `path` names, created (with any missing ancestors) if it does not exist.
    pub fn resolve(&mut self, path: &[String]) -> Result<DepartmentId, TreeError> {
        let levels = match path.split_first() {
            Some((first, rest)) if *first == self.root_name => rest,
            _ => path,
        };
        let mut at = self.root;
        for name in levels {
            at = match self.children.get(&(at, name.clone())) {
                Some(Child::One(id)) => *id,
                Some(Child::Several) => return Err(TreeError::Ambiguous { path: path.join("->"), name: name.clone() }),
                None => self.create(at, name)?,
            };
        }
        Ok(at)
    }

    fn create(&mut self, parent: DepartmentId, name: &str) -> Result<DepartmentId, TreeError> {
        let id = self.next_id;
        self.next_id = id.checked_add(1).ok_or(TreeError::NoIdLeft)?;
        let previous = self.last_order.get(&parent).copied();
        let order = previous.map_or(1, |o| o.saturating_add(1));
        self.last_order.insert(parent, order);
        self.previous_order.push(previous);
        self.children.insert((parent, name.to_owned()), Child::One(id));
        self.created.push(Department {
            id,
            name: name.to_owned(),
            parentid: parent,
            order,
            department_leader: Vec::new(),
            permission: None,
            hidden: false,
            visible_to: None,
            extra: Map::new(),
        });
        Ok(id)
    }

    /// The point a later [`rollback`](Tree::rollback) returns to.
    pub fn mark(&self) -> Mark {
        Mark(self.created.len())
    }

    /// Forgets every department created since `mark`.
    pub fn rollback(&mut self, mark: Mark) {
        while self.created.len() > mark.0 {
            let d = self.created.pop().expect("longer than the mark");
            let previous = self.previous_order.pop().expect("one entry per creation");
            self.children.remove(&(d.parentid, d.name));
            match previous {
                Some(order) => self.last_order.insert(d.parentid, order),
                None => self.last_order.remove(&d.parentid),
            };
            self.next_id = d.id;
        }
    }

    /// How many departments have been created.
    pub fn created_count(&self) -> usize {
        self.created.len()
    }

    /// The departments created, in the order they were.
    pub fn into_created(self) -> Vec<Department> {
        self.created
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(id: u32, name: &str, parentid: u32, order: u32) -> Department {
        Department {
            id,
            name: name.into(),
            parentid,
            order,
            department_leader: vec![],
            permission: None,
            hidden: false,
            visible_to: None,
            extra: Map::new(),
        }
    }

    fn path(p: &str) -> Vec<String> {
        p.split("->").map(str::to_owned).collect()
    }

    #[test]
    fn the_root_name_is_optional_and_missing_levels_are_created_in_order() {
        let mut tree = Tree::new(&[dept(1, "公司", 0, 1), dept(2, "销售部", 1, 5)]);
        assert_eq!(tree.resolve(&path("公司->销售部")), Ok(2));
        assert_eq!(tree.resolve(&path("销售部")), Ok(2));
        assert_eq!(tree.resolve(&path("公司")), Ok(1));
        assert_eq!(tree.resolve(&path("技术部->前端组")), Ok(4));
        assert_eq!(tree.resolve(&path("公司->技术部")), Ok(3));
        let created = tree.into_created();
        let summary: Vec<(u32, &str, u32, u32)> =
            created.iter().map(|d| (d.id, d.name.as_str(), d.parentid, d.order)).collect();
        assert_eq!(summary, [(3, "技术部", 1, 6), (4, "前端组", 3, 1)]);
    }

    #[test]
    fn a_rollback_forgets_the_creations_of_a_refused_row() {
        let mut tree = Tree::new(&[dept(1, "公司", 0, 1)]);
        tree.resolve(&path("甲")).unwrap();
        let mark = tree.mark();
        tree.resolve(&path("乙->丙")).unwrap();
        tree.rollback(mark);
        assert_eq!(tree.resolve(&path("丁")), Ok(3));
        let names: Vec<(String, u32)> = tree.into_created().into_iter().map(|d| (d.name, d.order)).collect();
        assert_eq!(names, [("甲".to_owned(), 1), ("丁".to_owned(), 2)]);
    }

    #[test]
    fn two_siblings_of_one_name_make_a_path_ambiguous() {
        let mut tree = Tree::new(&[dept(1, "公司", 0, 1), dept(2, "销售部", 1, 1), dept(3, "销售部 ", 1, 2)]);
        assert_eq!(
            tree.resolve(&path("销售部->华东")),
            Err(TreeError::Ambiguous { path: "销售部->华东".into(), name: "销售部".into() })
        );
        assert!(tree.resolve(&path("销售部")).unwrap_err().to_string().contains("is ambiguous"));
    }
}
