//! Plain, serialisable descriptions of a snapshot's records, with positions resolved to ids and
//! names: what `tongxunlu inspect --json` prints and what JavaScript receives, from one place.
//! Part of the facade: a search result is described from the records it points at.

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::facade::Snapshot;
use super::format::hex;
use super::records::MemberRecord;
use crate::fields::{Gender, TextField};
use crate::search::{Field, Hit, ResultKind, Way};

/// The counts and identity of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// The layout version of the file.
    pub format_version: u16,
    /// The size of the file.
    pub bytes: usize,
    /// The visibility-class key, in hexadecimal.
    pub class_key: String,
    /// The digest of the directory the snapshot was cut from, in hexadecimal.
    pub directory_etag: String,
    /// The organisation's name.
    pub corp_name: String,
    /// Departments listed with their members.
    pub departments: usize,
    /// Departments present only as breadcrumb steps.
    pub labels: usize,
    /// Members, disabled ones included.
    pub members: usize,
    /// Public groups.
    pub groups: usize,
}

/// A department, under the directory file's keys, its parent and leaders by id and account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DepartmentInfo<'s> {
    /// The department's id.
    pub id: u32,
    /// The displayed name.
    pub name: &'s str,
    /// The parent's id; None for the topmost department.
    pub parentid: Option<u32>,
    /// The sort number among its siblings.
    pub order: u32,
    /// Only a step of a breadcrumb: the viewer sees its name, not its members or other children.
    pub label: bool,
    /// Visible members in the subtree, each counted once.
    pub headcount: u32,
    /// The accounts of the department's heads.
    pub leaders: Vec<&'s str>,
}

/// A member, under the directory file's keys, with their departments' ids and names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberInfo<'s> {
    /// The account.
    pub userid: &'s str,
    /// The displayed name.
    pub name: &'s str,
    /// The text fields present, under the directory file's keys.
    #[serde(flatten)]
    pub fields: Fields<'s>,
    /// The gender; left out when unknown or not visible.
    #[serde(skip_serializing_if = "Gender::is_unknown")]
    pub gender: Gender,
    /// Still listed, but cannot sign in.
    pub disabled: bool,
    /// Follows the organisation's app (关注).
    pub followed: bool,
    /// Pinned (置顶).
    pub pinned: bool,
    /// The departments of the member that the snapshot holds.
    pub departments: Vec<MembershipInfo<'s>>,
    /// The visible custom attributes; left out when there are none.
    #[serde(skip_serializing_if = "Pairs::is_empty")]
    pub extattr: Pairs<'s>,
}

/// One department a member belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MembershipInfo<'s> {
    /// The department's id.
    pub id: u32,
    /// The department's name.
    pub name: &'s str,
    /// The member's sort number in that department.
    pub order: u32,
}

/// A public group, its members by account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupInfo<'s> {
    /// The group's id.
    pub id: u32,
    /// The displayed name.
    pub name: &'s str,
    /// The accounts of its visible members.
    pub members: Vec<&'s str>,
}

/// One search result, as the CLI prints it and JavaScript receives it (docs/cli.md, docs/javascript.md).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HitInfo<'s> {
    /// A member, a department or a group.
    pub kind: ResultKind,
    /// The member's account (members only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userid: Option<&'s str>,
    /// The department's or group's id (departments and groups only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The name of the member, department or group.
    pub name: &'s str,
    /// The field that matched.
    pub field: Field,
    /// How it matched: `name`, `pinyin`, `alias`, `initials`, `fuzzy`, `identifier`, `phone`,
    /// `in_department` or `typo`.
    pub way: Way,
    /// The matched field's displayed text, which `ranges` index by character.
    pub text: Cow<'s, str>,
    /// Half-open character ranges of `text` to highlight.
    pub ranges: Vec<(u32, u32)>,
    /// Match quality, higher is better (see [`Hit::score`]).
    pub score: u32,
}

/// A member's present text fields, serialised as `key: value` entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'s>(pub Vec<(&'static str, Cow<'s, str>)>);

/// Name/value pairs in their stored order, serialised as a map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairs<'s>(pub Vec<(&'s str, &'s str)>);

impl Pairs<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn serialize_pairs<S: Serializer, K: Serialize, V: Serialize>(
    pairs: &[(K, V)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(&self.0, serializer)
    }
}

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(&self.0, serializer)
    }
}

impl Snapshot {
    /// The snapshot's counts and identity.
    pub fn stats(&self) -> Stats {
        let labels = (0..self.department_count()).filter(|&d| self.department(d).is_label).count();
        Stats {
            format_version: self.format_version(),
            bytes: self.as_bytes().len(),
            class_key: hex(self.class_key()),
            directory_etag: hex(self.directory_etag()),
            corp_name: self.corp_name().to_owned(),
            departments: self.department_count() - labels,
            labels,
            members: self.member_count(),
            groups: self.group_count(),
        }
    }

    /// The department at `position`, described (0 ≤ position < [`Self::department_count`]).
    pub fn department_info(&self, position: usize) -> DepartmentInfo<'_> {
        let d = self.department(position);
        DepartmentInfo {
            id: d.id,
            name: d.name,
            parentid: d.parent.map(|p| self.department(p).id),
            order: d.order,
            label: d.is_label,
            headcount: d.headcount,
            leaders: d.leaders.iter().map(|&m| self.member(m).userid).collect(),
        }
    }

    /// The member at `position`, described (0 ≤ position < [`Self::member_count`]).
    pub fn member_info(&self, position: usize) -> MemberInfo<'_> {
        let MemberRecord { userid, name, gender, disabled, followed, pinned, fields, departments, extattr } =
            self.member(position);
        MemberInfo {
            userid,
            name,
            fields: Fields(fields.into_iter().map(|(f, v)| (f.key(), v)).collect()),
            gender,
            disabled,
            followed,
            pinned,
            departments: departments
                .into_iter()
                .map(|(d, order)| {
                    let d = self.department(d);
                    MembershipInfo { id: d.id, name: d.name, order }
                })
                .collect(),
            extattr: Pairs(extattr),
        }
    }

    /// A search result, described: its name, ids and the text its ranges index.
    pub fn hit_info(&self, hit: &Hit) -> HitInfo<'_> {
        let (userid, id, name, text) = match hit.kind {
            ResultKind::Member => {
                let m = self.member(hit.position);
                let (userid, name) = (m.userid, m.name);
                let field = match hit.field {
                    Field::Name | Field::Department => None,
                    Field::Account => None,
                    Field::Alias => Some(TextField::Alias),
                    Field::WeixinId => Some(TextField::WeixinId),
                    Field::Email => Some(TextField::Email),
                    Field::Mobile => Some(TextField::Mobile),
                    Field::Telephone => Some(TextField::Telephone),
                };
                let text = match (hit.field, field) {
                    (Field::Account, _) => Cow::Borrowed(userid),
                    (_, None) => Cow::Borrowed(name),
                    (_, Some(wanted)) => {
                        m.fields.into_iter().find(|(f, _)| *f == wanted).map(|(_, v)| v).unwrap_or_default()
                    }
                };
                (Some(userid), None, name, text)
            }
            ResultKind::Department => {
                let d = self.department(hit.position);
                (None, Some(d.id), d.name, Cow::Borrowed(d.name))
            }
            ResultKind::Group => {
                let g = self.group(hit.position);
                (None, Some(g.id), g.name, Cow::Borrowed(g.name))
            }
        };
        HitInfo {
            kind: hit.kind,
            userid,
            id,
            name,
            field: hit.field,
            way: hit.way,
            text,
            ranges: hit.ranges.clone(),
            score: hit.score,
        }
    }

    /// The group at `position`, described (0 ≤ position < [`Self::group_count`]).
    pub fn group_info(&self, position: usize) -> GroupInfo<'_> {
        let g = self.group(position);
        GroupInfo { id: g.id, name: g.name, members: g.members.iter().map(|&m| self.member(m).userid).collect() }
    }
}
