//! The search sections (AZBR, READ, CHAR, WORD, FST, POST), on a snapshot written by hand:
//! it opens and searches; every rule of every section, broken once, is refused naming the
//! section; what is checked only where it is read (READ records, POST lists) reads as nothing;
//! and the index and phone cases found by review and fuzzing.

use tongxunlu::fields::TextField;
use tongxunlu::search::{Field, ResultKind, SearchOptions};
use tongxunlu::snapshot::Snapshot;

use super::assemble::*;
use super::*;

/// The hand-written snapshot with real search sections opens, and its readings and index work:
/// searching by characters, by pinyin, by initials and by account finds the right records.
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
    /// A hit as (kind, position, field, highlighted ranges).
    type Hit = (ResultKind, usize, Field, Vec<(u32, u32)>);
    let found = |query: &str| -> Vec<Hit> {
        s.search(query, &SearchOptions::default())
            .into_iter()
            .map(|h| (h.kind, h.position, h.field, h.ranges))
            .collect()
    };
    // PROBE_FST: 张 → member 0 (an exact match, highlighted from its READ record), 张三 → the
    // list 0, 1, 3 (member 3 does not exist and is dropped; member 1, 李四, is taken at the
    // index's word, with nothing to highlight).
    let hits = found("张");
    assert_eq!(hits[0], (ResultKind::Member, 0, Field::Name, vec![(0, 1)]));
    assert_eq!(hits.iter().map(|h| (h.0, h.1)).collect::<Vec<_>>(), [(ResultKind::Member, 0), (ResultKind::Member, 1)]);
    assert_eq!(found("zhang")[0], (ResultKind::Member, 0, Field::Name, vec![(0, 1)]));
    assert!(found("zs").iter().all(|h| h.1 < 3));
    // 总 → department 0 (the path label here, which has no READ record): found, with its
    // subtree's members after it.
    let hits = found("总");
    assert_eq!((hits[0].0, hits[0].1, hits[0].3.clone()), (ResultKind::Department, 0, vec![]));
    assert!(hits[1..].iter().all(|h| h.0 == ResultKind::Member && h.2 == Field::Department), "{hits:?}");
    // Account b → member 2, whose record says so: accounts are looked up in the records, and the
    // index's own account keys (family 6, which format 4 wrote: b → member 1) are not read.
    let by_account: Vec<_> = found("b").into_iter().filter(|h| h.2 == Field::Account).map(|h| h.1).collect();
    assert_eq!(by_account, [2]);
}

/// Every rule of every search section, broken once in an otherwise valid snapshot: refused with
/// a Corrupt error naming that section, in one line.
#[test]
fn broken_search_sections_are_named() {
    let (records, good) = hand_written();
    Snapshot::open(with_search(&records, &good)).unwrap();
    type Break = Box<dyn Fn(&mut SearchParts)>;
    let cases: Vec<(&str, Break, &str)> = vec![
        // AZBR
        ("AZBR counts that add up to more", Box::new(|p| p.letter_counts[0] += 1), "AZBR"),
        ("AZBR counts that add up to fewer", Box::new(|p| p.letter_counts[25] = 0), "AZBR"),
        (
            "AZBR counts that add up only when they wrap",
            Box::new(|p| {
                p.letter_counts[0] = u32::MAX;
                p.letter_counts[1] = 1;
            }),
            "AZBR",
        ),
        (
            "AZBR with a position too few",
            Box::new(|p| {
                p.by_letter.pop();
            }),
            "AZBR",
        ),
        ("AZBR with a position too many", Box::new(|p| p.by_letter.push(0)), "AZBR"),
        ("AZBR listing a member twice", Box::new(|p| p.by_letter = vec![1, 1, 0]), "AZBR"),
        ("an AZBR position past the members", Box::new(|p| p.by_letter[2] = 3), "AZBR"),
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
        ("CHAR holding a surrogate", Box::new(|p| p.chars.insert(0, (0xd800, vec![0]))), "CHAR"),
        ("CHAR holding a number past Unicode", Box::new(|p| p.chars.push((0x11_0000, vec![0]))), "CHAR"),
        ("a CHAR word number past the words", Box::new(|p| p.chars[2].1 = vec![0, 11]), "CHAR"),
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
        // FST
        ("FST empty", Box::new(|p| p.index.clear()), "FST "),
        ("FST that is not an fst", Box::new(|p| p.index = b"not an fst at all".to_vec()), "FST "),
        ("FST too short for an fst's header and footer", Box::new(|p| p.index.truncate(35)), "FST "),
        ("FST of a later fst version", Box::new(|p| p.index[0] = 4), "FST "),
        ("FST of version 0", Box::new(|p| p.index[0] = 0), "FST "),
        ("FST of 36 zeros", Box::new(|p| p.index = vec![0; 36]), "FST "),
        (
            "FST whose root address is 0 but which is not empty",
            Box::new(|p| {
                p.index = EMPTY_FST.to_vec();
                p.index[27] = 0;
            }),
            "FST ",
        ),
    ];
    for (what, damage, section) in cases {
        let mut parts = good.clone();
        damage(&mut parts);
        assert_corrupt(what, with_search(&records, &parts), section);
    }

    // Byte-level damage that the parts cannot express.
    type Bytes = fn(&mut Vec<u8>);
    let raw: [(&str, [u8; 4], Bytes, &str); 9] = [
        ("AZBR not a whole number of u32s", AZBR, |b| b.extend([0, 0]), "AZBR"),
        ("AZBR without its counts", AZBR, |b| b.clear(), "AZBR"),
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
        ("a word number past the words", |p| p.readings[1][0].2[0] = 11, [2, 0, 2]),
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
    let sections =
        complete(vec![(META, string("x")), (DEPT, dept_record(0, "部", 1)), (MEMB, members), (GRUP, vec![])]);
    let sections = replaced(sections, DEPT, dept_record(0, "部", 0));
    assert_corrupt("a listed department without its reading", assemble(&sections), "READ");
}

/// POST is not checked when opening: every list is read with bounds checks where a search uses
/// it. Garbage there, behind a well-formed index, gives no panic and no hit past the records.
#[test]
fn postings_are_checked_where_they_are_read() {
    let (records, good) = hand_written();
    for postings in [vec![], vec![0xff; 40], vec![0x80; 3], vec![200, 1, 2, 3], vec![3, 0, 0, 0, 0, 0, 0]] {
        let mut parts = good.clone();
        parts.postings = postings;
        let s = Snapshot::open(with_search(&records, &parts)).unwrap();
        read_everything(&s, true);
    }
}

/// What the opener does not see, because it reads only the index's header and footer: an index
/// whose root address and key count are far past the section. On a 64-bit host `fst::Map::new`
/// accepts it (its own size check is skipped for any non-zero root address); on wasm32 it
/// panics converting the address to a 32-bit usize (`u64_to_usize` in fst 0.4.7's raw/mod.rs),
/// so `Snapshot::open` panics in the browser. check_index could refuse a root address that does
/// not end the section (`root + 21 == len` for fst version 3, or `root == 0 && len == 36`).
#[test]
fn an_index_whose_footer_points_past_it_is_refused() {
    let (records, good) = hand_written();
    let mut parts = good.clone();
    let n = parts.index.len();
    // The footer of an fst v3: key count (u64), root address (u64), checksum (u32).
    parts.index[n - 5] = 1; // the root address's top byte: 2^56 and more
    parts.index[n - 13] = 1; // the key count's top byte
    assert_corrupt("a root address past the index", with_search(&records, &parts), "FST ");
}

/// An fst of another format version would be read with the wrong footer layout (fst 0.4.7
/// reads a version-2 footer 4 bytes off, and searching it panics): the opener refuses it.
#[test]
fn an_index_of_another_fst_version_is_refused() {
    let sections = sections_of(&base(0).bytes);
    let mut index = section_bytes(&base(0).bytes, FST).unwrap().to_vec();
    index[0] = 2; // fst version 3 → 2
    assert_corrupt("an fst of version 2", assemble(&replaced(sections, FST, index)), "FST ");
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
/// writer's MEMB can) behind a well-formed index: `phone_match` in src/search/engine.rs counts
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
    // The index is the builder's, so searching is fair game.
    let hits = s.search("13800000001", &SearchOptions::default());
    assert!(hits.iter().any(|h| h.kind == ResultKind::Member && h.position == boss), "{hits:?}");
}
