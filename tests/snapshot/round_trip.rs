//! (d) Round trip: a snapshot the builder wrote opens and reads back what the view says — the base
//! snapshots, and (a property) random valid directories and viewers, every member found by account
//! and by name. Its proptest regressions are in round_trip.proptest-regressions.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};
use tongxunlu::fields::{Gender, TextField};
use tongxunlu::model::{Directory, PolicyField};
use tongxunlu::search::{Field, ResultKind, SearchOptions};
use tongxunlu::snapshot::{self, Snapshot, FORMAT_VERSION};
use tongxunlu::visibility::{DepartmentRole, Organisation};

use super::*;

#[test]
fn every_base_snapshot_opens_and_reads_back() {
    for b in bases() {
        let s = Snapshot::open(b.bytes.clone()).unwrap();
        assert!(s.member_count() > 0 && s.department_count() > 0, "{}", b.what);
        assert_eq!(read_everything(&s, true), b.contents);
        // Members are stored in rank order, not by account; the account lookup finds each one.
        for i in 0..s.member_count() {
            assert_eq!(s.find_member(s.member(i).userid), Some(i), "{}: member {i}", b.what);
        }
        // Every search section is there, in the builder's order after the record sections, and
        // nothing else: no index, postings or A–Z order (the engine derives them).
        let tags: Vec<[u8; 4]> = sections_of(&b.bytes).into_iter().map(|(t, _)| t).collect();
        assert_eq!(tags[4..], SEARCH_TAGS, "{}", b.what);
    }
}

/// The A–Z bar of a built snapshot, which the engine derives from the names' readings (format 7
/// ships no order), is what the builder's pinyin tables say: every member filed exactly once,
/// under their name's `surname_initial` (or `#`), in `pinyin_sort_key` order within the letter,
/// and members who bear the same name in position order. Checked on the 5,000-member sample
/// company, whose names repeat, on every base snapshot, and on names at the edges of the order.
#[test]
fn the_a_to_z_bar_files_every_member_once_in_pinyin_order() {
    use tongxunlu::text::pinyin::{pinyin_sort_key, surname_initial};
    let check = |s: &Snapshot, what: &str| -> usize {
        // The oracle: each letter's members sorted by (pinyin key, position).
        let mut expected: std::collections::BTreeMap<char, Vec<(String, usize)>> = Default::default();
        for p in 0..s.member_count() {
            let name = s.member(p).name;
            expected.entry(surname_initial(name).unwrap_or('#')).or_default().push((pinyin_sort_key(name), p));
        }
        let mut repeated = 0;
        let mut filed = vec![0; s.member_count()];
        let initials = s.initials();
        let letters: Vec<char> = initials.iter().map(|i| i.letter).collect();
        let mut bar_order: Vec<char> = expected.keys().copied().collect();
        bar_order.sort_by_key(|&l| (l == '#', l)); // A–Z, then `#`
        assert_eq!(letters, bar_order, "{what}");
        for initial in &initials {
            let mut members = expected.remove(&initial.letter).unwrap();
            members.sort();
            repeated += members.windows(2).filter(|w| s.member(w[0].1).name == s.member(w[1].1).name).count();
            let expected: Vec<usize> = members.iter().map(|&(_, p)| p).collect();
            assert_eq!(initial.count, expected.len(), "{what}: {initial:?}");
            let got = s.by_initial(initial.letter, 0, usize::MAX);
            if got != expected {
                let names = |ps: &[usize]| ps.iter().map(|&p| s.member(p).name.to_owned()).collect::<Vec<_>>();
                panic!("{what}: {}: {:?}\n expected {:?}", initial.letter, names(&got), names(&expected));
            }
            for p in got {
                filed[p] += 1;
            }
        }
        assert!(filed.iter().all(|&n| n == 1), "{what}");
        repeated
    };
    let sample = crate::util::sample_snapshot();
    let repeated = check(sample, "sample(5000, seed 1)/exec001");
    // Enough bearers of one name that "in position order" was tested.
    assert!(repeated > 10, "only {repeated} members share a name with the one before them");
    for b in bases() {
        check(&Snapshot::open(b.bytes.clone()).unwrap(), &b.what);
    }
    // Names at the edges of the order: digits and marks in and around them, Latin names in
    // every case and width, accents, a name that starts with no syllable, heteronyms, a
    // character outside the BMP, spaces, and names borne twice.
    let names = [
        "张三2",
        "张三1",
        "张三Ⅱ",
        "Tony Wang",
        "tony wang",
        "ＴＯＮＹ",
        "(外)张三",
        " 李四",
        "张·三",
        "欧阳娜娜",
        "曾",
        "单",
        "王 芳",
        "王芳",
        "王芳 ",
        "123",
        "张3",
        "張三",
        "张三",
        "Li Lei",
        "li lei",
        "LI Lei",
        "阿Q",
        "Q阿",
        "ａ",
        "a",
        "A",
        "_x",
        "x_",
        "𠀋",
        "〇",
        "张 三",
        "张三",
        "张-三",
        "Ann-Li",
        "ann li",
        "Émile",
        "emile",
        "Zoë",
        "zoe",
        "李娜",
        "林峰",
        "李纳",
        "行",
        "重庆",
        "长孙无忌",
        "乐乐",
        "1张",
        "张1",
        "王芳",
    ];
    let members = names.iter().enumerate().map(|(i, name)| crate::util::member(&format!("m{i}"), name, &[1])).collect();
    let dir = crate::util::parse(crate::util::directory(vec![crate::util::department(1, "总部", 0, 1)], members));
    let s = crate::util::snapshot_of(&dir, "m0");
    assert_eq!(s.member_count(), names.len());
    assert_eq!(check(&s, "names at the edges"), 2, "张三 and 王芳 are borne twice");
}

// ---- a small random valid directory -----------------------------------------------------------

const DEPARTMENT_NAMES: [&str; 8] =
    ["总部", "销售中心", "技术部", "前端组", "Platform", "华东大区", "一年级1班", "供应商"];
const MEMBER_NAMES: [&str; 8] = ["张三", "李四", "王芳", "欧阳娜娜", "Tony Wang", "赵敏", "司马光", "单"];

#[derive(Debug, Clone)]
struct DepartmentSpec {
    parent: Index,
    order: u32,
    permission: Option<&'static str>,
    hidden: bool,
    visible_to_member: Option<Index>,
    visible_to_department: Option<Index>,
    leader: Option<Index>,
    name: Index,
}

#[derive(Debug, Clone)]
struct MemberSpec {
    prefix: char,
    name: Index,
    departments: Vec<(Index, u32)>,
    with_order: bool,
    status: u8,
    gender: u8,
    followed: Option<bool>,
    pinned: bool,
    hidden: bool,
    visible_to: Option<Index>,
    /// alias, position, email, telephone, weixin_id, birthday, hire_date
    fields: [bool; 7],
    extattr: Option<u16>,
}

#[derive(Debug, Clone)]
pub(super) struct DirectorySpec {
    departments: Vec<DepartmentSpec>,
    members: Vec<MemberSpec>,
    groups: Vec<Vec<Index>>,
    hidden_fields: Vec<bool>,
    viewer: Index,
}

pub(super) fn directory_spec() -> impl Strategy<Value = DirectorySpec> {
    let department = (
        any::<Index>(),
        0u32..4,
        prop_oneof![3 => Just(None), 1 => Just(Some("all")), 1 => Just(Some("department")), 1 => Just(Some("subdepartment"))],
        prop::bool::weighted(0.15),
        prop::option::weighted(0.5, any::<Index>()),
        prop::option::weighted(0.5, any::<Index>()),
        prop::option::weighted(0.3, any::<Index>()),
        any::<Index>(),
    )
        .prop_map(|(parent, order, permission, hidden, visible_to_member, visible_to_department, leader, name)| DepartmentSpec {
            parent,
            order,
            permission,
            hidden,
            visible_to_member,
            visible_to_department,
            leader,
            name,
        });
    let member = (
        prop::sample::select(vec!['a', 'b', 'm', 'z', '0']),
        any::<Index>(),
        prop::collection::vec((any::<Index>(), 0u32..5), 1..4),
        any::<bool>(),
        prop_oneof![6 => Just(1u8), 1 => Just(2), 1 => Just(4), 1 => Just(5)],
        0u8..3,
        prop::option::of(any::<bool>()),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.1),
        prop::option::of(any::<Index>()),
        prop::array::uniform7(any::<bool>()),
        prop::option::of(any::<u16>()),
    )
        .prop_map(
            |(
                prefix,
                name,
                departments,
                with_order,
                status,
                gender,
                followed,
                pinned,
                hidden,
                visible_to,
                fields,
                extattr,
            )| {
                MemberSpec {
                    prefix,
                    name,
                    departments,
                    with_order,
                    status,
                    gender,
                    followed,
                    pinned,
                    hidden,
                    visible_to,
                    fields,
                    extattr,
                }
            },
        );
    (
        prop::collection::vec(department, 1..9),
        prop::collection::vec(member, 1..14),
        prop::collection::vec(prop::collection::vec(any::<Index>(), 0..5), 0..4),
        prop::collection::vec(prop::bool::weighted(0.2), PolicyField::ALL.len()),
        any::<Index>(),
    )
        .prop_map(|(departments, members, groups, hidden_fields, viewer)| DirectorySpec {
            departments,
            members,
            groups,
            hidden_fields,
            viewer,
        })
}

impl DirectorySpec {
    fn userid(&self, i: usize) -> String {
        format!("{}{i}", self.members[i].prefix)
    }

    /// The directory, and a viewer who may sign in (made so when the chosen one may not).
    pub(super) fn build(&self) -> (Directory, String) {
        let n = self.departments.len();
        let m = self.members.len();
        let id = |i: usize| 100 + 7 * i as u32; // not positions, not contiguous from 1
        let departments: Vec<Value> = self
            .departments
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let mut v = json!({
                    "id": id(i),
                    "name": DEPARTMENT_NAMES[d.name.index(DEPARTMENT_NAMES.len())],
                    "parentid": if i == 0 { 0 } else { id(d.parent.index(i)) },
                    "order": d.order,
                });
                if let Some(p) = d.permission {
                    v["permission"] = json!(p);
                }
                if let Some(l) = &d.leader {
                    v["department_leader"] = json!([self.userid(l.index(m))]);
                }
                if d.hidden && i > 0 {
                    v["hidden"] = json!(true);
                    let mut to = Map::new();
                    if let Some(u) = &d.visible_to_member {
                        to.insert("userid".into(), json!([self.userid(u.index(m))]));
                    }
                    if let Some(dep) = &d.visible_to_department {
                        to.insert("department".into(), json!([id(dep.index(n))]));
                    }
                    v["visible_to"] = Value::Object(to);
                }
                v
            })
            .collect();
        let viewer = self.viewer.index(m);
        let members: Vec<Value> = self
            .members
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let userid = self.userid(i);
                let mut depts: Vec<u32> = Vec::new();
                let mut orders = Vec::new();
                for (d, o) in &s.departments {
                    let d = id(d.index(n));
                    if !depts.contains(&d) {
                        depts.push(d);
                        orders.push(*o);
                    }
                }
                let status = if i == viewer && !matches!(s.status, 1 | 4) { 1 } else { s.status };
                let mut v = json!({
                    "userid": userid,
                    "name": MEMBER_NAMES[s.name.index(MEMBER_NAMES.len())],
                    "department": depts,
                    "mobile": format!("+86138{i:08}"),
                    "gender": s.gender.to_string(),
                    "status": status,
                });
                if s.with_order {
                    v["order"] = json!(orders);
                }
                if let Some(f) = s.followed {
                    v["followed"] = json!(f);
                }
                if s.pinned {
                    v["pinned"] = json!(true);
                }
                if s.hidden {
                    v["hidden"] = json!(true);
                    if let Some(u) = &s.visible_to {
                        v["visible_to"] = json!({"userid": [self.userid(u.index(m))]});
                    }
                }
                let values = [
                    ("alias", json!(format!("A{i}"))),
                    ("position", json!("客户经理")),
                    // Mostly the account at one domain, which the snapshot stores empty, but
                    // also at another domain and under another name, which it stores whole.
                    (
                        "email",
                        json!(match i % 4 {
                            2 => format!("{userid}@corp.cn"),
                            3 => format!("mail{i}@example.com"),
                            _ => format!("{userid}@example.com"),
                        }),
                    ),
                    ("telephone", json!(format!("021-6{i:07}"))),
                    ("weixin_id", json!(format!("wx_{userid}"))),
                    ("birthday", json!("1990-02-28")),
                    ("hire_date", json!("2016-04-25")),
                ];
                for (present, (key, value)) in s.fields.iter().zip(values) {
                    if *present {
                        v[key] = value;
                    }
                }
                if let Some(n) = s.extattr {
                    v["extattr"] = json!({"工号": format!("{n:06}"), "座位": "A-1"});
                }
                v
            })
            .collect();
        let groups: Vec<Value> = self
            .groups
            .iter()
            .enumerate()
            .map(|(g, members)| {
                let mut ids: Vec<String> = Vec::new();
                for u in members {
                    let id = self.userid(u.index(m));
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                json!({"id": 50 - g, "name": format!("项目组{g}"), "userid": ids})
            })
            .collect();
        let mut policy = Map::new();
        for (field, hidden) in PolicyField::ALL.iter().zip(&self.hidden_fields) {
            if *hidden {
                policy.insert(field.key().into(), json!({"visible": false}));
            }
        }
        let value = json!({
            "corp_name": "随机公司",
            "department": departments,
            "userlist": members,
            "group": groups,
            "field_policy": policy,
        });
        let dir = Directory::from_value(value.clone()).unwrap_or_else(|e| panic!("{e:#}\n{value:#}"));
        (dir, self.userid(viewer))
    }
}

// ---- the property -----------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// (d) What a random valid directory's snapshot reads back is what the view says; every
    /// member is found by account and by name.
    #[test]
    fn snapshots_read_back_what_the_view_says(spec in directory_spec()) {
        let (dir, viewer) = spec.build();
        let view = Organisation::new(&dir).view(&viewer).unwrap();
        let built = snapshot::build(&dir, &view);
        let s = Snapshot::open(built.bytes.clone()).unwrap();
        read_everything(&s, true);

        prop_assert_eq!(s.as_bytes(), &built.bytes[..]);
        prop_assert_eq!(s.class_key(), &built.class_key[..]);
        prop_assert_eq!(s.directory_etag(), &view.directory_etag[..]);
        prop_assert_eq!(s.corp_name(), dir.corp_name.as_str());
        prop_assert_eq!(s.format_version(), FORMAT_VERSION);
        prop_assert_eq!(s.department_count(), view.departments.len());
        prop_assert_eq!(s.member_count(), view.members.len());
        prop_assert_eq!(s.group_count(), view.groups.len());

        let shows = |f: PolicyField| view.visible_fields.contains(&f);
        let userid_at = |v: usize| dir.userlist[view.members[v].member].userid.as_str();
        // The e-mail domain that `META` names comes from the addresses the viewer may see: none
        // reaches a snapshot whose viewer may not see addresses.
        s.check_member_texts().unwrap();
        if !shows(PolicyField::Text(TextField::Email)) {
            for domain in ["example.com", "corp.cn"] {
                prop_assert!(!built.bytes.windows(domain.len()).any(|w| w == domain.as_bytes()), "{domain}");
            }
        }

        // Members are stored in their static rank order, not the view's: where each view member
        // is stored, by the account lookup. Every one is found, each at its own position.
        let n = view.members.len();
        let mut position = Vec::with_capacity(n);
        for v in 0..n {
            let found = s.find_member(userid_at(v));
            prop_assert!(found.is_some(), "{} is not found by account", userid_at(v));
            position.push(found.unwrap());
        }
        let mut sorted = position.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "the account lookup is not a permutation");
        // The static rank: pinned first, then the sort number in the first department (then
        // pinyin order and account, which this test does not recompute).
        let rank = |p: usize| {
            let r = s.member(p);
            (!r.pinned, r.departments.first().map_or(0, |&(_, order)| order))
        };
        for p in 1..n {
            prop_assert!(rank(p - 1) <= rank(p), "members {} and {} are out of rank order", p - 1, p);
        }
        let positions = |views: &[usize]| views.iter().map(|&v| position[v]).collect::<Vec<_>>();

        for (i, vd) in view.departments.iter().enumerate() {
            let d = &dir.department[vd.department];
            let r = s.department(i);
            prop_assert_eq!(r.id, d.id);
            prop_assert_eq!(r.name, d.name.as_str());
            prop_assert_eq!(r.parent, vd.parent);
            prop_assert_eq!(r.order, d.order);
            prop_assert_eq!(r.is_label, vd.role == DepartmentRole::PathLabel);
            prop_assert_eq!(r.headcount, vd.headcount);
            prop_assert_eq!(&r.leaders, &positions(&vd.leaders));
            if r.is_label {
                prop_assert!(r.leaders.is_empty());
            }
            let info = s.department_info(i);
            prop_assert_eq!(info.parentid, vd.parent.map(|p| dir.department[view.departments[p].department].id));
            prop_assert_eq!(info.leaders, vd.leaders.iter().map(|&v| userid_at(v)).collect::<Vec<_>>());
        }

        for (v, vm) in view.members.iter().enumerate() {
            let m = &dir.userlist[vm.member];
            let i = position[v];
            let r = s.member(i);
            prop_assert_eq!(r.userid, m.userid.as_str());
            prop_assert_eq!(r.name, m.name.as_str());
            prop_assert_eq!(r.gender, if shows(PolicyField::Gender) { m.gender } else { Gender::Unknown });
            prop_assert_eq!(r.disabled, m.status == tongxunlu::model::Status::Disabled);
            prop_assert_eq!(r.followed, m.is_followed());
            prop_assert_eq!(r.pinned, m.pinned);
            let fields: Vec<(TextField, &str)> = TextField::ALL
                .into_iter()
                .filter(|&f| shows(PolicyField::Text(f)))
                .filter_map(|f| m.text(f).map(|v| (f, v)))
                .collect();
            let read: Vec<(TextField, &str)> = r.fields.iter().map(|(f, v)| (*f, v.as_ref())).collect();
            prop_assert_eq!(&read, &fields);
            prop_assert_eq!(&r.departments, &vm.memberships);
            let extattr: Vec<(&str, &str)> = if shows(PolicyField::Extattr) {
                m.extattr.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
            } else {
                Vec::new()
            };
            prop_assert_eq!(&r.extattr, &extattr);
            let info = s.member_info(i);
            let memberships: Vec<(u32, &str, u32)> = vm
                .memberships
                .iter()
                .map(|&(p, order)| {
                    let d = &dir.department[view.departments[p].department];
                    (d.id, d.name.as_str(), order)
                })
                .collect();
            prop_assert_eq!(info.departments.iter().map(|d| (d.id, d.name, d.order)).collect::<Vec<_>>(), memberships);
            // Every membership is in a listed department, with the member's own sort number.
            for &(p, order) in &vm.memberships {
                let d = &dir.department[view.departments[p].department];
                prop_assert_eq!(view.departments[p].role, DepartmentRole::Listed);
                prop_assert_eq!(order, m.order_in(d.id));
            }

            // Search finds the member by name and by account, at the member's position; the
            // name's readings are there to match against.
            prop_assert!(!s.member_syllables(i).is_empty(), "{} has no syllables", m.name);
            let hits = s.search(&m.name, &SearchOptions::default());
            prop_assert!(
                hits.iter().any(|h| h.kind == ResultKind::Member && h.position == i && h.field == Field::Name),
                "search({:?}) does not find {} at {}: {:?}", m.name, m.userid, i, hits
            );
            // (Found by the alias when the alias is the account's letters, "A0" for a0.)
            let hits = s.search(&m.userid, &SearchOptions::default());
            let by_alias = |field: Field| field == Field::Alias && m.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&m.userid));
            prop_assert!(
                hits.iter().any(|h| h.kind == ResultKind::Member && h.position == i && (h.field == Field::Account || by_alias(h.field))),
                "search({:?}) does not find the account at {}: {:?}", m.userid, i, hits
            );
        }

        for (i, vg) in view.groups.iter().enumerate() {
            let g = &dir.group[vg.group];
            let r = s.group(i);
            prop_assert_eq!(r.id, g.id);
            prop_assert_eq!(r.name, g.name.as_str());
            prop_assert_eq!(&r.members, &positions(&vg.members));
            prop_assert_eq!(s.group_info(i).members, vg.members.iter().map(|&v| userid_at(v)).collect::<Vec<_>>());
        }

        // Members the view leaves out are not found, by account or by search, and nobody is
        // listed twice.
        for m in &dir.userlist {
            let visible = view.members.iter().any(|vm| dir.userlist[vm.member].userid == m.userid);
            prop_assert_eq!(s.find_member(&m.userid).is_some(), visible, "{}", m.userid);
            if !visible {
                let hits = s.search(&m.userid, &SearchOptions { limit: 100, ..SearchOptions::default() });
                prop_assert!(
                    hits.iter().all(|h| h.kind != ResultKind::Member || s.member(h.position).userid != m.userid),
                    "a hidden member found by account"
                );
            }
        }
        prop_assert!(s.find_member(&viewer).is_some(), "the viewer sees themself");

        let stats = s.stats();
        let labels = view.departments.iter().filter(|d| d.role == DepartmentRole::PathLabel).count();
        prop_assert_eq!(stats.labels, labels);
        prop_assert_eq!(stats.departments, view.departments.len() - labels);
        prop_assert_eq!(stats.members, view.members.len());
        prop_assert_eq!(stats.groups, view.groups.len());
        prop_assert_eq!(stats.bytes, built.bytes.len());
        prop_assert_eq!(stats.class_key, built.class_key_hex());

        // Building again gives the same bytes.
        prop_assert_eq!(snapshot::build(&dir, &view).bytes, built.bytes);
    }
}

/// A server reads a directory's names once for all its classes (`NameTable::new`); a single build
/// reads only its view's. The bytes must not depend on which: for viewers throughout a sample
/// company and school (many classes, Latin names among them, whose words lie beyond the syllable
/// table and are numbered per snapshot), `build_with` a table of the whole directory writes
/// exactly what `build` writes.
#[test]
fn a_name_table_of_the_whole_directory_builds_the_same_bytes() {
    use tongxunlu::sample::{generate, Preset, SampleSpec};
    use tongxunlu::snapshot::{build_with, NameTable};
    for (preset, members) in [(Preset::Company, 400), (Preset::School, 120)] {
        let dir = generate(&SampleSpec { members, seed: 3, preset });
        let org = Organisation::new(&dir);
        let table = NameTable::new(&dir);
        let mut classes = std::collections::BTreeSet::new();
        for member in dir.userlist.iter().step_by(3) {
            let Ok(view) = org.view(&member.userid) else { continue };
            let built = snapshot::build(&dir, &view);
            assert_eq!(build_with(&dir, &view, &table).bytes, built.bytes, "{preset:?}, {}", member.userid);
            classes.insert(built.class_key);
        }
        assert!(classes.len() >= 3, "{preset:?}: {} classes", classes.len());
    }
}
