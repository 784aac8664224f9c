//! The search sections (READ, CHAR, WORD), on a snapshot written by hand: it opens, and search
//! and the A–Z bar work from the name index and the letter order the engine derives from its
//! readings; every rule of every section, broken once, is refused naming the section; what is
//! checked only where it is read (READ records) reads as nothing; sections that format 6 shipped
//! are skipped; and the phone case found by review and fuzzing.

use tongxunlu::fields::TextField;
use tongxunlu::search::{Field, Initial, ResultKind, SearchOptions};
use tongxunlu::snapshot::Snapshot;

use super::assemble::*;
use super::*;

/// A hit as (kind, position, field, highlighted ranges).
type Hit = (ResultKind, usize, Field, Vec<(u32, u32)>);

fn found(s: &Snapshot, query: &str) -> Vec<Hit> {
    s.search(query, &SearchOptions::default()).into_iter().map(|h| (h.kind, h.position, h.field, h.ranges)).collect()
}

/// The (kind, position) of every hit for `query`.
fn found_records(s: &Snapshot, query: &str) -> Vec<(ResultKind, usize)> {
    found(s, query).into_iter().map(|h| (h.0, h.1)).collect()
}

/// The hand-written snapshot with real search sections opens, and the name index derived from its
/// readings works: searching by characters, by pinyin, by initials and by account finds the
/// records whose READ records give the key, highlighted from them, and no other.
#[test]
fn a_hand_written_snapshot_with_search_sections_opens_and_searches() {
    let (records, parts) = hand_written();
    let s = Snapshot::open(with_search(&records, &parts)).unwrap();
    read_everything(&s, true);
    assert_eq!(
        (s.member(0).name, s.find_member("a"), s.find_member("b"), s.find_member("c")),
        ("张三", Some(1), Some(2), Some(0))
    );
    let syllables = s.member_syllables(0);
    assert_eq!(
        syllables.iter().map(|x| (x.text.as_ref(), x.readings.clone(), x.chars.clone())).collect::<Vec<_>>(),
        [("张", vec!["zhang"], 0..1), ("三", vec!["san"], 1..2)]
    );
    const ZHANG_SAN: (ResultKind, usize) = (ResultKind::Member, 0);
    const LI_SI: (ResultKind, usize) = (ResultKind::Member, 1);
    const WANG_FANG: (ResultKind, usize) = (ResultKind::Member, 2);
    // 张三 (zhang san) and no one else, by its characters, its pinyin, its initials, a pinyin
    // prefix and mixed; each an exact or prefix match of the name, highlighted from its READ record.
    for (query, ranges) in [
        ("张", vec![(0, 1)]),
        ("张三", vec![(0, 2)]),
        ("zhang", vec![(0, 1)]),
        ("zhangsan", vec![(0, 2)]),
        ("zs", vec![(0, 2)]),
        ("zha", vec![(0, 1)]),
        ("张s", vec![(0, 2)]),
    ] {
        assert_eq!(found(&s, query), [(ZHANG_SAN.0, ZHANG_SAN.1, Field::Name, ranges)], "{query}");
    }
    // The given name's syllables are keys too (infix): 三, san, 四, si, 芳, fang.
    for (query, who, ranges) in [
        ("三", ZHANG_SAN, vec![(1, 2)]),
        ("san", ZHANG_SAN, vec![(1, 2)]),
        ("si", LI_SI, vec![(1, 2)]),
        ("fang", WANG_FANG, vec![(1, 2)]),
        ("李四", LI_SI, vec![(0, 2)]),
        ("ls", LI_SI, vec![(0, 2)]),
        ("王", WANG_FANG, vec![(0, 1)]),
        ("wf", WANG_FANG, vec![(0, 2)]),
    ] {
        assert_eq!(found(&s, query), [(who.0, who.1, Field::Name, ranges)], "{query}");
    }
    // Keys no one's readings give find no one: 李四 is not 张三 (the probe index format 6 tests
    // shipped said so; the derived index does not), and nobody reads zhao, zw or 赵.
    for query in ["zhao", "zw", "赵", "lisan", "张四", "李三"] {
        assert_eq!(found(&s, query), [], "{query}");
    }
    // 总部 (zong bu) → department 1, which has a READ record, and when the query names it
    // whole, its subtree's members (everyone) follow it by department; the path label 上级 above
    // it has no READ record and is not searchable.
    for query in ["总部", "zongbu", "zb"] {
        let hits = found(&s, query);
        assert_eq!((hits[0].0, hits[0].1, hits[0].2), (ResultKind::Department, 1, Field::Name), "{query}: {hits:?}");
        let mut members: Vec<_> = hits[1..].iter().map(|h| (h.0, h.1, h.2)).collect();
        members.sort_by_key(|h| h.1);
        assert_eq!(members, [0, 1, 2].map(|m| (ResultKind::Member, m, Field::Department)), "{query}: {hits:?}");
    }
    // Named in part, the department alone.
    assert_eq!(found(&s, "总"), [(ResultKind::Department, 1, Field::Name, vec![(0, 1)])]);
    assert_eq!(found(&s, "部"), [(ResultKind::Department, 1, Field::Name, vec![(1, 2)])]);
    for query in ["上级", "上", "shang", "sj"] {
        assert!(found_records(&s, query).iter().all(|&(kind, _)| kind != ResultKind::Department), "{query}");
    }
    // 项目组 → group 0, by characters and by pinyin.
    for query in ["项目", "xiangmu", "mu", "xmz"] {
        assert_eq!(found_records(&s, query).first(), Some(&(ResultKind::Group, 0)), "{query}: {:?}", found(&s, query));
    }
    // Account b → member 2, whose record says so: accounts are looked up in the records.
    let by_account: Vec<_> = found(&s, "b").into_iter().filter(|h| h.2 == Field::Account).map(|h| h.1).collect();
    assert_eq!(by_account, [2]);
    // The A–Z bar, derived from the same readings: 李四 under L, 王芳 under W, 张三 under Z.
    assert_eq!(
        s.initials(),
        [Initial { letter: 'L', count: 1 }, Initial { letter: 'W', count: 1 }, Initial { letter: 'Z', count: 1 }]
    );
    assert_eq!([s.by_initial('L', 0, 9), s.by_initial('W', 0, 9), s.by_initial('Z', 0, 9)], [[1], [2], [0]]);
}

/// The index and the A–Z bar follow the READ records, not what the names' characters would read
/// as in the pinyin tables (which the browser does not have): read 李四 as "wang si" and it is
/// found by wang and ws and no longer by li, and it files under W, after 王芳 (fang < si).
#[test]
fn search_and_the_a_to_z_bar_go_by_the_readings_records() {
    let (records, mut parts) = hand_written();
    let wang = FIRST_WORD + parts.words.iter().position(|w| w == b"wang").unwrap() as u64;
    parts.readings[1][0].2 = vec![wang]; // member 1, 李四: 李 read as wang
    let s = Snapshot::open(with_search(&records, &parts)).unwrap();
    read_everything(&s, true);
    assert_eq!(found_records(&s, "ws"), [(ResultKind::Member, 1)]);
    assert_eq!(found(&s, "wangsi"), [(ResultKind::Member, 1, Field::Name, vec![(0, 2)])]);
    let mut wang_hits = found_records(&s, "wang");
    wang_hits.sort();
    assert_eq!(wang_hits, [(ResultKind::Member, 1), (ResultKind::Member, 2)]);
    assert_eq!(found(&s, "li"), []);
    assert_eq!(found(&s, "ls"), []);
    // By its characters it is found still: the text keys are the syllables' text.
    assert_eq!(found_records(&s, "李"), [(ResultKind::Member, 1)]);
    assert_eq!(s.initials(), [Initial { letter: 'W', count: 2 }, Initial { letter: 'Z', count: 1 }]);
    assert_eq!(s.by_initial('W', 0, 9), [2, 1]);

    // Without any readings, no name is found by pinyin or by characters, and every member files
    // under `#`, in the order of the names' characters (张 U+5F20, 李 U+674E, 王 U+738B).
    let mut bare = parts.clone();
    for record in &mut bare.readings {
        record.clear();
    }
    let s = Snapshot::open(with_search(&records, &bare)).unwrap();
    read_everything(&s, true);
    for query in ["张", "zhang", "zs", "李四", "wang", "总", "项目"] {
        assert_eq!(found(&s, query), [], "{query}");
    }
    assert_eq!(s.initials(), [Initial { letter: '#', count: 3 }]);
    assert_eq!(s.by_initial('#', 0, 9), [0, 1, 2]);
}

/// Members who bear one name file on the A–Z bar in position order, not by account: with 李四
/// (account a, position 1) renamed 张三 and read zhang san, the two 张三 — accounts c and a —
/// file under Z as positions 0 then 1. Both are found by the name's every key.
#[test]
fn members_who_bear_one_name_file_in_position_order() {
    let (mut records, mut parts) = hand_written();
    let members = [member_record("c", "张三", 1), member_record("a", "张三", 1), member_record("b", "王芳", 1)];
    records = replaced(records, MEMB, members.concat());
    parts.readings[1] = parts.readings[0].clone();
    let s = Snapshot::open(with_search(&records, &parts)).unwrap();
    read_everything(&s, true);
    assert_eq!((s.find_member("c"), s.find_member("a")), (Some(0), Some(1)));
    assert_eq!(s.initials(), [Initial { letter: 'W', count: 1 }, Initial { letter: 'Z', count: 2 }]);
    assert_eq!(s.by_initial('Z', 0, 9), [0, 1]);
    assert_eq!(s.by_initial('Z', 1, 9), [1]);
    for query in ["张三", "zhangsan", "zs", "san"] {
        let mut hits = found_records(&s, query);
        hits.sort();
        assert_eq!(hits, [(ResultKind::Member, 0), (ResultKind::Member, 1)], "{query}");
    }
    assert_eq!(found(&s, "ls"), []);
}

/// A snapshot that still holds the sections format 6 shipped — `AZBR`, `FST ` and `POST`, here
/// with contents that would be nonsense as what they once were — opens, reads the same as without
/// them, and search and the A–Z bar ignore them: the engine does not read those tags
/// (`tongxunlu inspect` says "(not read by this engine)").
#[test]
fn sections_that_format_6_shipped_are_not_read() {
    let (records, parts) = hand_written();
    let without = Snapshot::open(with_search(&records, &parts)).unwrap();
    let mut sections = records.clone();
    sections.extend(parts.encode());
    // A well-formed format-6 A–Z bar that files everyone under A, in reverse; an "index" that is
    // not an fst; postings that are all continuation bytes.
    let azbr: Vec<u8> = [3u32].into_iter().chain([0; 26]).chain([2, 1, 0]).flat_map(u32::to_le_bytes).collect();
    let old = [
        (SHIPPED_BEFORE_FORMAT_7[0], azbr),
        (SHIPPED_BEFORE_FORMAT_7[1], b"not an fst at all".to_vec()),
        (SHIPPED_BEFORE_FORMAT_7[2], vec![0xff; 40]),
    ];
    // Where format 6 had them: AZBR before READ, FST and POST after WORD.
    let at_read = sections.iter().position(|(t, _)| *t == READ).unwrap();
    sections.insert(at_read, old[0].clone());
    sections.extend(old[1..].iter().cloned());
    let with = Snapshot::open(assemble(&sections)).unwrap();
    let without_header = |contents: String| contents.split_once('\n').unwrap().1.to_owned();
    assert_eq!(without_header(read_everything(&with, true)), without_header(read_everything(&without, true)));
    assert_eq!(with.initials(), without.initials());
    for query in PROBE_QUERIES.iter().chain(&["李四", "ls", "wf", "项目"]) {
        assert_eq!(
            with.search(query, &SearchOptions::default()),
            without.search(query, &SearchOptions::default()),
            "{query}"
        );
    }
    assert_eq!(found_records(&with, "张"), [(ResultKind::Member, 0)]);
    assert!(with.by_initial('A', 0, 9).is_empty());
    // The same with the old sections empty, and with a real snapshot's sections.
    let mut empty_old = records.clone();
    empty_old.extend(parts.encode());
    empty_old.extend(SHIPPED_BEFORE_FORMAT_7.map(|tag| (tag, Vec::new())));
    let s = Snapshot::open(assemble(&empty_old)).unwrap();
    assert_eq!(found_records(&s, "王芳"), [(ResultKind::Member, 2)]);
    let mut real = sections_of(&base(3).bytes);
    real.extend(old);
    let s = Snapshot::open(assemble(&real)).unwrap();
    let records_of = |contents: &str| contents.split_once('\n').unwrap().1.to_owned();
    assert_eq!(records_of(&read_everything(&s, true)), records_of(&base(3).contents));
}

/// Every rule of every search section, broken once in an otherwise valid snapshot: refused with
/// a Corrupt error naming that section, in one line.
#[test]
fn broken_search_sections_are_named() {
    let (records, good) = hand_written();
    Snapshot::open(with_search(&records, &good)).unwrap();
    type Break = Box<dyn Fn(&mut SearchParts)>;
    let cases: Vec<(&str, Break, &str)> = vec![
        // READ
        (
            "READ without the group's record",
            Box::new(|p| {
                p.readings.pop();
            }),
            "READ",
        ),
        ("READ with a record too many", Box::new(|p| p.readings.push(Vec::new())), "READ"),
        ("READ with a record for the path label", Box::new(|p| p.readings.insert(3, Vec::new())), "READ"),
        ("READ empty", Box::new(|p| p.readings.clear()), "READ"),
        // CHAR
        ("CHAR not in increasing order", Box::new(|p| p.chars.swap(0, 1)), "CHAR"),
        ("CHAR repeating a character", Box::new(|p| p.chars[1].0 = p.chars[0].0), "CHAR"),
        ("CHAR holding a surrogate", Box::new(|p| p.chars.insert(0, (0xd800, vec![FIRST_WORD]))), "CHAR"),
        ("CHAR holding a number past Unicode", Box::new(|p| p.chars.push((0x11_0000, vec![FIRST_WORD]))), "CHAR"),
        ("a CHAR word number past the words", Box::new(|p| p.chars[2].1 = vec![FIRST_WORD, FIRST_WORD + 11]), "CHAR"),
        // WORD
        ("a WORD with an upper-case letter", Box::new(|p| p.words[3] = b"Si".to_vec()), "WORD"),
        ("a WORD with a hyphen", Box::new(|p| p.words[0] = b"zh-ang".to_vec()), "WORD"),
        ("a WORD with a tone mark", Box::new(|p| p.words[0] = "zhāng".as_bytes().to_vec()), "WORD"),
        ("a WORD with a syllable separator", Box::new(|p| p.words[0] = b"zhang'san".to_vec()), "WORD"),
        ("a WORD with a NUL", Box::new(|p| p.words[10] = b"z\0".to_vec()), "WORD"),
        ("an empty WORD", Box::new(|p| p.words[5] = Vec::new()), "WORD"),
        ("a WORD that is not UTF-8", Box::new(|p| p.words[5] = vec![b'f', 0xff]), "WORD"),
        // Words are checked before the characters that number them.
        (
            "fewer words than CHAR numbers",
            Box::new(|p| {
                p.words.pop();
            }),
            "CHAR",
        ),
    ];
    for (what, damage, section) in cases {
        let mut parts = good.clone();
        damage(&mut parts);
        assert_corrupt(what, with_search(&records, &parts), section);
    }

    // Byte-level damage that the parts cannot express.
    type Bytes = fn(&mut Vec<u8>);
    let raw: [(&str, [u8; 4], Bytes, &str); 7] = [
        ("a READ record cut short", READ, |b| b.truncate(b.len() - 1), "READ"),
        ("a READ record longer than the section", READ, |b| b.extend([9, 1]), "READ"),
        ("a CHAR record cut short", CHAR, |b| b.truncate(b.len() - 1), "CHAR"),
        ("a CHAR record whose character runs past it", CHAR, |b| b.extend([1, 0x80]), "CHAR"),
        // 三 with a reading count of 9 and one word number after it.
        ("a CHAR reading count past the record", CHAR, |b| *b = record(&[T::U(0x4e09), T::U(9), T::U(0)]), "CHAR"),
        ("a WORD string running past the section", WORD, |b| b.extend([5, b'a']), "WORD"),
        ("a WORD length past u32", WORD, |b| b.extend([0xff, 0xff, 0xff, 0xff, 0xff, 1]), "WORD"),
    ];
    for (what, tag, damage, section) in raw {
        let mut sections = records.clone();
        sections.extend(good.encode());
        let mut body = sections.iter().find(|(t, _)| *t == tag).unwrap().1.clone();
        damage(&mut body);
        assert_corrupt(what, assemble(&replaced(sections, tag, body)), section);
    }
}

/// What a `READ` record holds is checked where it is read, not when opening (decoding every one
/// would be a third of opening): a record that breaks a rule opens, reads as no syllables, and
/// leaves the other records and searching as they were. Its framing and the number of records
/// are checked when opening (`broken_search_sections_are_named`).
#[test]
fn a_malformed_reading_record_reads_as_no_syllables() {
    let (records, good) = hand_written();
    let intact = Snapshot::open(with_search(&records, &good)).unwrap();
    let syllables = |s: &Snapshot| (0..3).map(|m| s.member_syllables(m).len()).collect::<Vec<_>>();
    assert_eq!(syllables(&intact), [2, 2, 2]);
    type Break = fn(&mut SearchParts);
    // READ records 0–2 are the members', 3 the department's, 4 the group's.
    let cases: [(&str, Break, [usize; 3]); 5] = [
        ("a word number past the words", |p| p.readings[1][0].2[0] = FIRST_WORD + 11, [2, 0, 2]),
        ("a huge word number", |p| p.readings[4][2].2.push(u32::MAX as u64), [2, 2, 2]),
        ("a word number past u32", |p| p.readings[0][0].2[0] = 1 << 40, [0, 2, 2]),
        ("a character range past u32", |p| p.readings[0][1] = (u32::MAX as u64, 1, vec![1]), [0, 2, 2]),
        ("a character start past u32", |p| p.readings[2][1].0 = 1 << 33, [2, 2, 0]),
    ];
    for (what, damage, expected) in cases {
        let mut parts = good.clone();
        damage(&mut parts);
        let s = Snapshot::open(with_search(&records, &parts)).unwrap_or_else(|e| panic!("{what}: {e}"));
        read_everything(&s, true);
        assert_eq!(syllables(&s), expected, "{what}");
        // The derived index has the keys of the records that read, and none of the one that
        // did not: found by initials exactly when its name has syllables.
        for (m, initials) in ["zs", "ls", "wf"].into_iter().enumerate() {
            let hit = found_records(&s, initials).contains(&(ResultKind::Member, m));
            assert_eq!(hit, expected[m] > 0, "{what}: {initials}");
        }
    }
    // Bytes left over after the last record's syllables (the group's).
    let mut sections = records.clone();
    sections.extend(good.encode());
    let mut readings = sections.iter().find(|(t, _)| *t == READ).unwrap().1.clone();
    extra_byte_in_last_record(&mut readings);
    let s = Snapshot::open(assemble(&replaced(sections, READ, readings))).unwrap();
    read_everything(&s, true);
    assert_eq!(syllables(&s), [2, 2, 2], "bytes left over in the group's record");
}

/// The READ record of a member is the member's: with a path label and a listed department, the
/// counts line up (members, then listed departments, then groups), and a snapshot whose labels
/// have records is refused — shown above; here, a snapshot without departments or groups.
#[test]
fn readings_follow_members_then_listed_departments_then_groups() {
    // Only members.
    let members = [member_record("b", "乙", 0), member_record("a", "甲", 0)].concat();
    let bytes = records_snapshot(dept_record(0, "部", 1), members.clone(), vec![]);
    Snapshot::open(bytes).unwrap();
    // The same department listed needs one more record than the minimal parts for a label give.
    let sections = complete(vec![(META, meta("x")), (DEPT, dept_record(0, "部", 1)), (MEMB, members), (GRUP, vec![])]);
    let sections = replaced(sections, DEPT, dept_record(0, "部", 0));
    assert_corrupt("a listed department without its reading", assemble(&sections), "READ");
}

/// The CHAR reader takes a character's number modulo 2^32, where every other number of the
/// format is refused when out of range.
#[test]
fn a_char_number_past_u32_is_refused() {
    let (records, good) = hand_written();
    let mut parts = good.clone();
    parts.chars[0].0 += 1 << 32; // the same character, plus 2^32
    assert_corrupt("a character number past u32", with_search(&records, &parts), "CHAR");
}

/// The CHAR reader leaves a record's extra bytes unread, where every other record reader (READ
/// included, above) refuses them.
#[test]
fn a_char_record_with_bytes_left_over_is_refused() {
    let (records, good) = hand_written();
    let mut sections = records.clone();
    sections.extend(good.encode());
    let mut chars = sections.iter().find(|(t, _)| *t == CHAR).unwrap().1.clone();
    extra_byte_in_last_record(&mut chars);
    assert_corrupt("a CHAR record with bytes left over", assemble(&replaced(sections, CHAR, chars)), "CHAR");
}

/// A member's mobile in full-width digits (which a directory file cannot hold, but a hostile
/// writer's MEMB can): `phone_match` in src/search/engine/highlight.rs counts
/// the ASCII digits of the shown text but finds the match in its width-folded digits, so
/// `ascii_count - national.len()` underflows (a panic in debug builds; in release the skip
/// wraps, `digit_chars` is empty and `digit_chars[at]` panics) — a search that panics on a
/// snapshot that opened.
#[test]
fn full_width_digits_in_a_shown_phone_do_not_panic_search() {
    let good = &base(3).bytes; // rich/boss: boss's mobile is +8613800000001
    let ascii = string("+8613800000001");
    // The same number in full-width digits (U+FF10…).
    let wide_text: String = "+8613800000001"
        .chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect();
    let wide = string(&wide_text);
    let sections: Vec<Section> = sections_of(good)
        .into_iter()
        .map(|(tag, body)| {
            if tag != MEMB {
                return (tag, body);
            }
            let body = record_bodies(&body)
                .into_iter()
                .flat_map(|r| {
                    let at = r.windows(ascii.len()).position(|w| w == ascii);
                    let r = match at {
                        Some(at) => [&r[..at], &wide[..], &r[at + ascii.len()..]].concat(),
                        None => r.to_vec(),
                    };
                    let mut out = Vec::new();
                    leb(r.len() as u64, &mut out);
                    out.extend(r);
                    out
                })
                .collect();
            (tag, body)
        })
        .collect();
    let bytes = assemble(&sections);
    let s = Snapshot::open(bytes.clone()).unwrap();
    let boss = s.find_member("boss").unwrap();
    assert_eq!(s.member(boss).text(TextField::Mobile), Some(wide_text.as_str()));
    let hits = s.search("13800000001", &SearchOptions::default());
    assert!(hits.iter().any(|h| h.kind == ResultKind::Member && h.position == boss), "{hits:?}");
}
