//! The record sections (DEPT, MEMB, GRUP): a broken record is refused with its section and its
//! number; members are found by account, whatever order they are stored in, and never another
//! member for an account.

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
        ("a member's memberships cut short", dept(0), record(&[T::U(2), T::U(0), T::U(0), T::U(0)]), vec![], "MEMB"),
        ("a member's sort number past u32", dept(0), record(&[T::U(1), T::U(0), T::U(1 << 32)]), vec![], "MEMB"),
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

/// Opening reads a member record's memberships alone: the rest (account, name, flags, text
/// fields, custom attributes) is checked where it is read (docs/snapshot.md#what-opening-checks).
/// A record whose texts do not decode opens and reads, in every accessor and search, as what it
/// holds up to the fault — U+FFFD for an account or name not reached — and
/// `check_member_texts` (what `tongxunlu inspect` runs) names it.
#[test]
fn member_texts_that_do_not_decode_read_up_to_the_fault_and_are_named_by_the_check() {
    let texts = |flags: u8, rest: &[T]| {
        let mut items = vec![T::U(1), T::U(0), T::U(0), T::S("a".into()), T::S("甲".into()), T::B(flags), T::B(0)];
        items.extend(rest.iter().cloned());
        record(&items)
    };
    // (what, the record, the name it reads with)
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("an unknown gender", texts(3 << 4, &[T::U(0)]), "甲"),
        ("a member flag bit no version defines", texts(1 << 3, &[T::U(0)]), "甲"),
        ("a member flag bit above the gender", texts(1 << 6, &[T::U(0)]), "甲"),
        ("bytes left over", texts(0, &[T::U(0), T::B(7)]), "甲"),
        ("a text past the record's end", texts(0, &[T::U(1), T::U(9)]), "甲"),
        ("a name past the record's end", record(&[T::U(1), T::U(0), T::U(0), T::S("a".into()), T::U(9)]), "\u{FFFD}"),
    ];
    for (what, member, name) in cases {
        let s = Snapshot::open(records_snapshot(dept_record(0, "部", 0), member, vec![]))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        read_everything(&s, true);
        let m = s.member(0);
        assert_eq!((m.userid, m.name, m.departments.as_slice()), ("a", name, &[(0, 0)][..]), "{what}");
        assert_eq!((m.pinned, m.disabled, m.fields.len()), (false, false, 0), "{what}");
        let e = s.check_member_texts().expect_err(what).to_string();
        assert!(e.contains("MEMB") && e.contains("record 0"), "{what}: {e}");
    }
    let good = Snapshot::open(records_snapshot(dept_record(0, "部", 0), member_record("a", "甲", 0), vec![])).unwrap();
    good.check_member_texts().unwrap();
}

/// A member's texts are checked to be UTF-8 when read rather than when the snapshot is opened
/// (docs/snapshot.md#what-opening-checks): a record whose account, name or attribute is not
/// UTF-8 opens, reads that text as U+FFFD and every other as stored, and nothing panics,
/// whichever accessor or search reads it.
#[test]
fn member_texts_that_are_not_utf8_read_as_the_replacement_character() {
    let broken = |bytes: &[u8]| T::Raw([&[bytes.len() as u8], bytes].concat());
    let members = [
        record(&[T::U(0), broken(&[0xff, b'a']), T::S("甲".into()), T::B(0), T::B(0), T::U(0)]),
        record(&[T::U(1), T::U(0), T::U(7), T::S("b".into()), broken(&[0xe5, 0xbc]), T::B(0), T::B(0), T::U(0)]),
        record(&[
            T::U(1),
            T::U(0),
            T::U(0),
            T::S("c".into()),
            T::S("丙".into()),
            T::B(0),
            T::B(0),
            T::U(1),
            T::S("工号".into()),
            broken(&[0xc0, 0x80]),
        ]),
    ]
    .concat();
    let s = Snapshot::open(records_snapshot(dept_record(0, "部", 0), members, vec![])).unwrap();
    read_everything(&s, true);
    assert_eq!(s.member(2).extattr, [("工号", "\u{FFFD}")]);
    assert_eq!((s.member(0).userid, s.member(0).name), ("\u{FFFD}", "甲"));
    assert_eq!((s.member(1).userid, s.member(1).name), ("b", "\u{FFFD}"));
    assert_eq!((s.member(2).userid, s.member(2).name), ("c", "丙"));
    assert_eq!((s.find_member("b"), s.find_member("c")), (Some(1), Some(2)));
    let e = s.check_member_texts().unwrap_err().to_string();
    assert!(e.contains("MEMB") && e.contains("record 0") && e.contains("UTF-8"), "{e}");
}

/// Accounts that repeat (only a buggy or hostile writer stores two members with one account)
/// open; a lookup then answers a member with the account asked for, never another, and accounts
/// that differ in case only are told apart.
#[test]
fn a_lookup_by_account_answers_that_account_or_nothing() {
    let members = [
        member_record("b", "甲", 0),
        member_record("a", "乙", 0),
        member_record("b", "丙", 0),
        member_record("A", "丁", 0),
        member_record("ab", "戊", 0),
    ]
    .concat();
    let s = Snapshot::open(records_snapshot(dept_record(0, "部", 0), members, vec![])).unwrap();
    read_everything(&s, true);
    let found: Vec<Option<usize>> = ["a", "b", "A", "ab", "AB", "c", ""].iter().map(|a| s.find_member(a)).collect();
    assert_eq!((found[0], found[2], found[3]), (Some(1), Some(3), Some(4)), "{found:?}");
    assert!(matches!(found[1], Some(0 | 2)), "{found:?}");
    assert_eq!(&found[4..], [None, None, None]);
}

/// Members in rank order, not account order (the old format's rule) open, and each is found by
/// account.
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
