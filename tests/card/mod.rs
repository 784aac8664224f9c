//! The business card's text (docs/card.md): the vCard keeps the rules of RFC 2426 and reads back
//! through an independent parser (`calcard`) to the member's fields — for the named cards, the
//! longest card and every member of the 5,000-member sample —, the MECARD says the same, and no
//! card holds a field its viewer may not see.
//!
//! The QR codes of these cards are tested in [`qr`].

mod qr;

use serde_json::json;
use tongxunlu::card::{Card, CardError, Format, ORG_LEVELS};
use tongxunlu::fields::TextField;
use tongxunlu::model::FieldRule;
use tongxunlu::snapshot::Snapshot;
use tongxunlu::text::surname::COMPOUND_SURNAMES;

use crate::util::*;

// ---- the rules of RFC 2426 ----------------------------------------------------------------------

/// The properties a card may have and whether their value is structured (components separated
/// by unescaped `;`).
const PROPERTIES: &[(&str, bool)] = &[
    ("BEGIN", false),
    ("VERSION", false),
    ("N", true),
    ("FN", false),
    ("NICKNAME", false),
    ("ORG", true),
    ("TITLE", false),
    ("TEL", false),
    ("EMAIL", false),
    ("NOTE", false),
    ("END", false),
];

/// Checks `text` against the rules of RFC 2426 (and RFC 2425's line format) one by one, with a
/// message that says which rule a card broke.
fn assert_rfc2426(text: &str) {
    let bytes = text.as_bytes();
    assert!(!text.starts_with('\u{feff}'), "a byte-order mark");
    assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "BEGIN and VERSION come first:\n{text}");
    assert!(text.ends_with("\r\nEND:VCARD\r\n"), "END:VCARD and a CRLF come last:\n{text}");
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' => assert!(i > 0 && bytes[i - 1] == b'\r', "a bare LF at byte {i}"),
            b'\r' => assert_eq!(bytes.get(i + 1), Some(&b'\n'), "a bare CR at byte {i}"),
            b'\t' => {}
            0..=0x1F | 0x7F => panic!("control byte {b:#04x} at byte {i}"),
            _ => {}
        }
    }

    // Physical lines: at most 75 octets, each valid UTF-8 on its own (a fold never splits a
    // character), and none ends inside an escape.
    let physical: Vec<&[u8]> = bytes.strip_suffix(b"\r\n").unwrap().split(|&b| b == b'\n').collect();
    let mut logical: Vec<String> = Vec::new();
    for line in physical {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        assert!(line.len() <= 75, "a line of {} octets: {:?}", line.len(), String::from_utf8_lossy(line));
        let line = std::str::from_utf8(line).unwrap_or_else(|e| panic!("a fold split a character: {e}"));
        let trailing_backslashes = line.bytes().rev().take_while(|&b| b == b'\\').count();
        assert!(trailing_backslashes % 2 == 0, "a fold split an escape: {line:?}");
        match line.strip_prefix(' ') {
            Some(continued) => logical.last_mut().expect("the first line is not a continuation").push_str(continued),
            None => logical.push(line.to_owned()),
        }
    }

    let mut seen = Vec::new();
    for line in &logical {
        let (head, value) = line.split_once(':').unwrap_or_else(|| panic!("no colon in {line:?}"));
        let name = head.split(';').next().unwrap();
        let &(_, structured) =
            PROPERTIES.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("unexpected property {name}"));
        seen.push(name);
        // Every backslash starts one of the escapes of RFC 2426 §4 (`\\ \, \; \n`); a `,` or `;`
        // of the text itself is always escaped, and a structured value's separators never are.
        let mut separators = 0;
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => assert!(
                    matches!(chars.next(), Some('\\' | ',' | ';' | 'n')),
                    "a backslash that escapes nothing in {line:?}"
                ),
                ',' => panic!("an unescaped comma in {line:?}"),
                ';' if structured => separators += 1,
                ';' => panic!("an unescaped semicolon in {line:?}"),
                _ => {}
            }
        }
        if name == "N" {
            assert_eq!(separators, 4, "N has five components: {line:?}");
        }
    }
    for required in ["N", "FN", "VERSION"] {
        assert_eq!(seen.iter().filter(|&&n| n == required).count(), 1, "exactly one {required}");
    }
}

// ---- named cards --------------------------------------------------------------------------------

fn vcard_of(snapshot: &Snapshot, userid: &str) -> String {
    Card::of(snapshot, userid).unwrap().vcard()
}

#[test]
fn a_full_card_is_exactly_as_documented() {
    assert_eq!(
        vcard_of(named_snapshot(), "ouyang"),
        "BEGIN:VCARD\r\n\
         VERSION:3.0\r\n\
         N:欧阳;娜娜;;;\r\n\
         FN:欧阳娜娜\r\n\
         NICKNAME:Nana\r\n\
         ORG:上海顺城物流有限公司;技术中心;研发部;前端组\r\n\
         TITLE:前端工程师\r\n\
         TEL;TYPE=CELL:13800138000\r\n\
         TEL;TYPE=WORK:021-61234567\r\n\
         EMAIL;TYPE=INTERNET:nana@example.com\r\n\
         NOTE:微信号：ouyang-nana\r\n\
         END:VCARD\r\n"
    );
}

#[test]
fn special_characters_are_escaped_and_control_characters_dropped() {
    assert_eq!(
        vcard_of(named_snapshot(), "tricky"),
        "BEGIN:VCARD\r\n\
         VERSION:3.0\r\n\
         N:李;\\\\四;;;\r\n\
         FN:李\\\\四\r\n\
         NICKNAME:a\\;b\\,c\r\n\
         ORG:上海顺城物流有限公司;技术中心;研发部;前端组\r\n\
         TITLE:总监\\, 华东区\\; 兼\\\\顾问\\n第二行\\n第三行!\r\n\
         EMAIL;TYPE=INTERNET:x@y.cn\r\n\
         END:VCARD\r\n"
    );
}

#[test]
fn every_named_card_keeps_the_rules_and_reads_back_through_an_independent_parser() {
    let snapshot = named_snapshot();
    for &(userid, what) in NAMED {
        let text = vcard_of(snapshot, userid);
        assert_rfc2426(&text);
        let parsed = parse_vcard(&text).unwrap_or_else(|e| panic!("{userid} ({what}): {e}\n{text}"));
        check_against_record(snapshot, snapshot.find_member(userid).unwrap(), &parsed);
    }
    // What the names exercise, as the parser reads them.
    let n = |userid| parse_vcard(&vcard_of(snapshot, userid)).unwrap().one("N").unwrap();
    assert_eq!(n("ouyang")[..2], ["欧阳", "娜娜"]);
    assert_eq!(n("sima")[..2], ["司馬", "懿"]);
    assert_eq!(n("zhang")[..2], ["張", "學友"]);
    assert_eq!(n("zhuge")[..2], ["诸葛", "亮"]);
    assert_eq!(n("anna")[..2], ["Müller", "Anna"]);
    let fang = parse_vcard(&vcard_of(snapshot, "fang")).unwrap();
    assert_eq!(fang.text("NICKNAME").as_deref(), Some("芳芳🌸✨"));
    let tricky = parse_vcard(&vcard_of(snapshot, "tricky")).unwrap();
    assert_eq!(tricky.text("TITLE").as_deref(), Some("总监, 华东区; 兼\\顾问\n第二行\n第三行!"));
    assert_eq!(tricky.text("FN").as_deref(), Some("李\\四"));
}

#[test]
fn a_deep_department_is_named_by_its_nearest_levels() {
    let card = Card::of(named_snapshot(), "deep").unwrap();
    assert_eq!(ORG_LEVELS, 4);
    assert_eq!(card.organisation, [CORP, "三级", "四级", "五级", "六级"]);
    let anna = Card::of(named_snapshot(), "anna").unwrap();
    assert_eq!(anna.organisation, [CORP, "Sales, EMEA; Europe"]);
    assert!(anna.vcard().contains("\r\nORG:上海顺城物流有限公司;Sales\\, EMEA\\; Europe\r\n"));
}

#[test]
fn the_longest_card_keeps_the_rules_and_reads_back() {
    let snapshot = longest_snapshot();
    let text = vcard_of(snapshot, "longest");
    assert_rfc2426(&text);
    let parsed = parse_vcard(&text).unwrap();
    check_against_record(snapshot, 0, &parsed);
    let lines = text.split("\r\n").count() - 1;
    assert!(lines > 30, "the longest card folds many lines ({lines})");
    println!("the longest vCard: {} bytes in {lines} lines", text.len());
}

// ---- every member of the sample -----------------------------------------------------------------

#[test]
fn every_card_of_the_5k_sample_keeps_the_rules_and_reads_back_through_an_independent_parser() {
    let snapshot = sample_snapshot();
    assert!(snapshot.member_count() > 4800);
    let mut longest = 0;
    for position in 0..snapshot.member_count() {
        let text = Card::at(snapshot, position).vcard();
        assert_rfc2426(&text);
        let parsed = parse_vcard(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        check_against_record(snapshot, position, &parsed);
        longest = longest.max(text.len());
    }
    println!("{} cards; the longest is {longest} bytes", snapshot.member_count());
}

/// Compares what the parser read with the member's record in the snapshot, field by field.
fn check_against_record(snapshot: &Snapshot, position: usize, parsed: &Parsed) {
    let m = snapshot.member(position);
    let who = m.userid;
    // What the card writer must do to a value: line breaks become LF, other controls go.
    let clean =
        |v: &str| v.replace("\r\n", "\n").replace('\r', "\n").replace(|c: char| c.is_control() && c != '\n', "");
    let text = |field| m.text(field).map(clean);

    assert_eq!(parsed.text("VERSION").as_deref(), Some("3.0"), "{who}");
    assert_eq!(parsed.text("FN"), Some(clean(m.name)), "{who}: FN");
    let n = parsed.one("N").unwrap_or_else(|| panic!("{who}: no N"));
    let (family, given) = (&n[0], n.get(1).map_or("", String::as_str));
    assert!(n.iter().skip(2).all(String::is_empty), "{who}: N has only the family and given names: {n:?}");
    if m.name.contains(' ') {
        assert_eq!(format!("{given} {family}"), m.name.trim(), "{who}: a Latin name splits at its last space");
    } else {
        assert_eq!(format!("{family}{given}"), clean(m.name), "{who}: N is the name split in two");
        let compound = COMPOUND_SURNAMES.iter().flat_map(|&(s, t)| [s, t]).find(|s| m.name.starts_with(s));
        match compound {
            Some(surname) if m.name.len() > surname.len() => assert_eq!(family, surname, "{who}: a compound surname"),
            _ => assert_eq!(family.chars().count(), 1, "{who}: a single-character surname"),
        }
    }
    assert_eq!(parsed.text("NICKNAME"), text(TextField::Alias), "{who}: NICKNAME");
    assert_eq!(parsed.text("TITLE"), text(TextField::Position), "{who}: TITLE");
    assert_eq!(
        parsed.all("EMAIL").into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        Vec::from_iter(text(TextField::Email))
    );
    assert_eq!(parsed.text("NOTE"), m.text(TextField::WeixinId).map(|id| format!("微信号：{id}")), "{who}: NOTE");
    let tels = parsed.all("TEL");
    let tel = |kind: &str| {
        tels.iter().filter(|(params, _)| params.iter().any(|p| p == kind)).map(|(_, v)| v.clone()).collect::<Vec<_>>()
    };
    assert_eq!(tel("TYPE=CELL"), Vec::from_iter(text(TextField::Mobile)), "{who}: TEL;TYPE=CELL");
    assert_eq!(tel("TYPE=WORK"), Vec::from_iter(text(TextField::Telephone)), "{who}: TEL;TYPE=WORK");
    assert_eq!(tels.len(), m.text(TextField::Mobile).iter().chain(&m.text(TextField::Telephone)).count(), "{who}: TEL");

    // ORG: the company, then the names on the way down to the first department, the
    // organisation itself (the topmost department) left out, the nearest ORG_LEVELS kept.
    let mut path = Vec::new();
    let mut at = m.departments.first().map(|&(d, _)| d);
    while let Some(d) = at {
        let department = snapshot.department(d);
        if department.parent.is_some() {
            path.push(department.name.to_owned());
        }
        at = department.parent;
    }
    path.truncate(ORG_LEVELS);
    path.push(snapshot.corp_name().to_owned());
    path.reverse();
    assert_eq!(parsed.one("ORG"), Some(path), "{who}: ORG");
}

#[test]
fn the_sample_compound_surnames_are_all_in_the_surname_table() {
    for surname in tongxunlu::sample::COMPOUND_SURNAMES {
        assert!(COMPOUND_SURNAMES.iter().any(|&(s, _)| s == *surname), "{surname} is missing from the table");
    }
    // And each of them, planted in the sample, comes out whole in N.
    let snapshot = sample_snapshot();
    for surname in tongxunlu::sample::COMPOUND_SURNAMES {
        let position = (0..snapshot.member_count())
            .find(|&p| snapshot.member(p).name.starts_with(surname))
            .unwrap_or_else(|| panic!("the sample has no {surname}"));
        let card = Card::at(snapshot, position);
        assert_eq!(card.family, *surname);
        assert!(card.vcard().contains(&format!("\r\nN:{surname};{};;;\r\n", card.given)));
    }
}

// ---- MECARD ---------------------------------------------------------------------------------------

#[test]
fn the_mecard_says_the_same_in_fewer_bytes() {
    let ouyang = Card::of(named_snapshot(), "ouyang").unwrap();
    assert_eq!(
        ouyang.mecard(),
        "MECARD:N:欧阳,娜娜;NICKNAME:Nana;TEL:13800138000;TEL:021-61234567;EMAIL:nana@example.com;\
         ORG:上海顺城物流有限公司 技术中心 研发部 前端组;NOTE:前端工程师 微信号：ouyang-nana;;"
    );
    let tricky = Card::of(named_snapshot(), "tricky").unwrap();
    assert_eq!(
        tricky.mecard(),
        "MECARD:N:李,\\\\四;NICKNAME:a\\;b\\,c;EMAIL:x@y.cn;ORG:上海顺城物流有限公司 技术中心 研发部 前端组;\
         NOTE:总监\\, 华东区\\; 兼\\\\顾问 第二行 第三行!;;"
    );
    assert_eq!(
        Card::of(named_snapshot(), "anna").unwrap().write(Format::MeCard),
        Card::of(named_snapshot(), "anna").unwrap().mecard()
    );
    let snapshot = sample_snapshot();
    for position in 0..snapshot.member_count() {
        let card = Card::at(snapshot, position);
        let mecard = card.mecard();
        assert!(mecard.starts_with("MECARD:N:") && mecard.ends_with(";;"), "{mecard}");
        assert!(!mecard.contains(['\r', '\n']), "{mecard}");
        assert!(mecard.len() < card.vcard().len(), "{mecard}");
    }
}

#[test]
fn formats_are_named_vcard_and_mecard() {
    assert_eq!("vcard".parse(), Ok(Format::VCard));
    assert_eq!("mecard".parse(), Ok(Format::MeCard));
    let err = "jpeg".parse::<Format>().unwrap_err();
    assert_eq!(err.to_string(), "unknown card format \"jpeg\"; expected vcard or mecard");
}

// ---- privacy --------------------------------------------------------------------------------------

/// Every text field a card could show, hidden from other members by the field policy.
fn everything_hidden() -> serde_json::Value {
    let hidden = json!({"visible": false, "editable": true});
    json!({"alias": hidden, "position": hidden, "mobile": hidden, "telephone": hidden,
           "email": hidden, "weixin_id": hidden})
}

#[test]
fn a_card_made_from_another_viewers_snapshot_lacks_the_hidden_fields() {
    let secrets = ["Nana", "前端工程师", "13800138000", "021-61234567", "nana@example.com", "ouyang-nana"];
    // The same directory with every field visible: the card shows all of them, so the test
    // below would notice a leak.
    let open = snapshot_of(&named_directory(json!({})), "zhang");
    let card = Card::of(&open, "ouyang").unwrap();
    for secret in secrets {
        assert!(card.vcard().contains(secret) && card.mecard().contains(secret), "{secret}");
    }

    let closed = snapshot_of(&named_directory(everything_hidden()), "zhang");
    let card = Card::of(&closed, "ouyang").unwrap();
    for text in [card.vcard(), card.mecard()] {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} is in a card made for zhang:\n{text}");
        }
    }
    assert_eq!(
        card.vcard(),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:欧阳;娜娜;;;\r\nFN:欧阳娜娜\r\n\
         ORG:上海顺城物流有限公司;技术中心;研发部;前端组\r\nEND:VCARD\r\n"
    );
}

#[test]
fn no_card_of_the_sample_shows_a_field_the_policy_hides() {
    let mut dir = sample_dir().clone();
    for field in ["mobile", "weixin_id"] {
        dir.field_policy.insert(field.to_owned(), FieldRule { visible: false, editable: true });
    }
    let snapshot = snapshot_of(&dir, "staff001");
    let mut checked = 0;
    for position in 0..snapshot.member_count() {
        let card = Card::at(&snapshot, position);
        let member = dir.userlist.iter().find(|m| m.userid == snapshot.member(position).userid).unwrap();
        let (vcard, mecard) = (card.vcard(), card.mecard());
        // A WeChat id can also be part of a visible email address: that is no evidence.
        let visible = [card.name, &card.email.unwrap_or_default(), &card.telephone.unwrap_or_default()];
        for secret in [member.mobile.as_deref(), member.weixin_id.as_deref()].into_iter().flatten() {
            if visible.iter().any(|v| v.contains(secret)) {
                continue;
            }
            assert!(!vcard.contains(secret) && !mecard.contains(secret), "{secret} of {}", member.userid);
            checked += 1;
        }
        assert!(!vcard.contains("TEL;TYPE=CELL") && !vcard.contains("NOTE:"), "{vcard}");
    }
    assert!(checked > 1000, "only {checked} values checked");
}

#[test]
fn a_member_the_viewer_cannot_see_has_no_card() {
    // dev001 sees only their own team; the executive is not in it.
    let snapshot = snapshot_of(sample_dir(), "dev001");
    assert!(Card::of(&snapshot, "dev001").is_ok());
    let err = Card::of(&snapshot, "exec001").unwrap_err();
    assert_eq!(err, CardError::UnknownMember("exec001".into()));
    assert_eq!(err.to_string(), "no member \"exec001\" in this directory");
}
