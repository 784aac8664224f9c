//! The record sections (DEPT, MEMB, GRUP): a broken record is refused with its section and its
//! number; members are found by account through the account lookup (UIDX), whatever order they
//! are stored in, and a misordered lookup misses but never answers another member.

use tongxunlu::snapshot::Snapshot;

use super::assemble::*;
use super::*;

#[test]
fn broken_records_name_their_section_and_record() {
    let dept = |parent: u64| dept_record(parent, "总部", 0);
    let member = |userid: &str, dept: u64| member_record(userid, "甲", dept);
    // (what, DEPT, MEMB, GRUP, the section the error must name)
    type Case = (&'static str, Vec<u8>, Vec<u8>, Vec<u8>, &'static str);
    let cases: Vec<Case> = vec![
        ("a parent after its child", [dept(0), dept(3)].concat(), vec![], vec![], "DEPT"),
        ("a parent that is the department itself", [dept(0), dept(2)].concat(), vec![], vec![], "DEPT"),
        ("a membership past the departments", dept(0), member("a", 1), vec![], "MEMB"),
        (
            "a leader past the members",
            record(&[T::U(1), T::S("x".into()), T::U(0), T::U(1), T::B(0), T::U(0), T::U(1), T::U(1)]),
            member("a", 0),
            vec![],
            "DEPT",
        ),
        (
            "a group member past the members",
            dept(0),
            member("a", 0),
            record(&[T::U(1), T::S("g".into()), T::U(1), T::U(1)]),
            "GRUP",
        ),
        (
            "a record with bytes left over",
            [dept(0), record(&[T::U(1), T::S("x".into()), T::U(1), T::U(1), T::B(0), T::U(0), T::U(0), T::B(9)])]
                .concat(),
            vec![],
            vec![],
            "DEPT",
        ),
        ("a record cut short", vec![3, 1, 2, b'a'], vec![], vec![], "DEPT"),
        ("a record longer than its section", vec![200, 1], vec![], vec![], "DEPT"),
        ("a member record longer than its section", dept(0), vec![200, 1], vec![], "MEMB"),
        ("a group record cut short", vec![], vec![], vec![5, 1, 1], "GRUP"),
        (
            "a name that is not UTF-8",
            record(&[T::U(1), T::Raw(vec![2, 0xe5, 0xbc]), T::U(0), T::U(1), T::B(0), T::U(0), T::U(0)]),
            vec![],
            vec![],
            "DEPT",
        ),
        (
            "an account that is not UTF-8",
            dept(0),
            record(&[T::Raw(vec![1, 0xff]), T::S("甲".into()), T::B(0), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "an unknown gender",
            dept(0),
            record(&[T::S("a".into()), T::S("甲".into()), T::B(3 << 4), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "a member flag bit no version defines",
            dept(0),
            record(&[T::S("a".into()), T::S("甲".into()), T::B(1 << 3), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "a member flag bit above the gender",
            dept(0),
            record(&[T::S("a".into()), T::S("甲".into()), T::B(1 << 6), T::B(0), T::U(0), T::U(0)]),
            vec![],
            "MEMB",
        ),
        (
            "a department flag bit no version defines",
            record(&[T::U(1), T::S("x".into()), T::U(0), T::U(1), T::B(2), T::U(0), T::U(0)]),
            vec![],
            vec![],
            "DEPT",
        ),
        (
            "a huge leader count",
            record(&[T::U(1), T::S("x".into()), T::U(0), T::U(1), T::B(0), T::U(0), T::U(u32::MAX as u64)]),
            vec![],
            vec![],
            "DEPT",
        ),
        (
            "an id past u32",
            record(&[T::U(1 << 32), T::S("x".into()), T::U(0), T::U(1), T::B(0), T::U(0), T::U(0)]),
            vec![],
            vec![],
            "DEPT",
        ),
    ];
    for (what, departments, members, groups, section) in cases {
        let m = assert_corrupt(what, records_snapshot(departments, members, groups), section);
        assert!(m.contains("record "), "{what}: {m}");
    }
}

/// The order of the account lookup (UIDX) is not checked when opening (that reads every member
/// in random order: about 15 ms in a browser at 200,000 members), so a snapshot whose accounts
/// repeat, or whose UIDX is not in account order, opens; a lookup then answers a member with the
/// account asked for, or none — never another member — and everything else reads as usual.
#[test]
fn a_misordered_account_lookup_misses_but_never_answers_another_member() {
    let lookups = |s: &Snapshot, accounts: &[&str]| -> Vec<Option<usize>> {
        read_everything(s, true);
        accounts.iter().map(|a| s.find_member(a)).collect()
    };
    // Repeated accounts: the lookup lands on one of them.
    let members = [member_record("b", "甲", 0), member_record("a", "乙", 0), member_record("b", "丙", 0)].concat();
    let s = Snapshot::open(records_snapshot(dept_record(0, "部", 0), members, vec![])).unwrap();
    let found = lookups(&s, &["a", "b", "c"]);
    assert_eq!((found[0], found[2]), (Some(1), None));
    assert!(matches!(found[1], Some(0 | 2)), "{found:?}");

    // The hand-written snapshot stores c, a, b; its UIDX [1, 2, 0] lists them by account.
    let (records, good) = hand_written();
    for (what, by_account, expected) in [
        ("UIDX in account order", vec![1, 2, 0], [Some(1), Some(2), Some(0)]),
        // Read as c, a, b: the search for c turns right at a and misses it.
        ("UIDX in stored order", vec![0, 1, 2], [Some(1), Some(2), None]),
        // Read as c, b, a: b is met first; a and c are looked for on the wrong side.
        ("UIDX in reverse account order", vec![0, 2, 1], [None, Some(2), None]),
    ] {
        let mut parts = good.clone();
        parts.by_account = by_account;
        let s = Snapshot::open(with_search(&records, &parts)).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(lookups(&s, &["a", "b", "c"]), expected, "{what}");
    }
}

/// Members in rank order, not account order (the old format's rule) open, and each is found by
/// account through UIDX.
#[test]
fn members_in_any_order_are_found_through_the_account_lookup() {
    let accounts = ["m", "b", "zz", "a", "张三", "ab", "B"];
    let members: Vec<u8> = accounts.iter().flat_map(|a| member_record(a, "甲", 0)).collect();
    let s = Snapshot::open(records_snapshot(dept_record(0, "总部", 0), members, vec![])).unwrap();
    for (i, a) in accounts.iter().enumerate() {
        assert_eq!(s.find_member(a), Some(i), "{a}");
    }
    for absent in ["", "c", "aa", "zzz", "张"] {
        assert_eq!(s.find_member(absent), None, "{absent}");
    }
    read_everything(&s, true);
}
