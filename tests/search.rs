//! Search (docs/search.md): a labelled table of queries per way of finding someone, noise that must not
//! be found, ranking order, and properties that hold for every member of a sample.

use proptest::prelude::*;
use serde_json::json;
use tongxunlu::fields::TextField;
use tongxunlu::model::Directory;
use tongxunlu::search::{
    align, align_fuzzy, typo_align, Field, How, QueryUnit, ResultKind, SearchOptions, Total, Way, COUNT_LIMIT,
};
use tongxunlu::snapshot::{MemberRecord, Snapshot};
use tongxunlu::text::normalize::phone_digits;

use crate::util::*;

/// A directory whose names cover the hard cases: polyphonic and compound surnames, heteronyms,
/// traditional characters, Latin names, aliases.
fn people() -> Directory {
    let mut departments = vec![
        department(1, "上海顺城物流有限公司", 0, 1),
        department(2, "技术部", 1, 1),
        department(3, "销售部", 1, 2),
        department(4, "单证组", 3, 1),
    ];
    departments[1]["department_leader"] = json!(["lisi"]);
    let mut value = directory(
        departments,
        vec![
            with(
                member("zhangsan", "张三", &[2]),
                json!({"alias": "Tony", "mobile": "13800138000", "weixin_id": "tony_zs"}),
            ),
            with(member("zhangsanfeng", "张三丰", &[2]), json!({"mobile": "13912345678"})),
            with(member("lisi", "李四", &[2]), json!({"mobile": "+86 137-0000-1111", "telephone": "021-61234567"})),
            member("shanxiong", "单雄", &[3]),
            member("zengguofan", "曾国藩", &[3]),
            member("ouyangnana", "欧阳娜娜", &[3]),
            member("zhangwei", "張偉", &[3]),
            with(member("david", "David Smith", &[3]), json!({"email": "david.smith@example.com"})),
            member("xuming", "许明", &[4]),
            member("zhuli", "朱丽", &[4]),
            member("guangming", "广明", &[4]),
            member("zhangle", "张乐", &[4]),
            with(member("wangfang", "王芳", &[4]), json!({"pinned": true})),
        ],
    );
    value["group"] = json!([{"id": 1, "name": "新品项目组", "userid": ["zhangsan", "david"]}]);
    parse(value)
}

fn open(dir: &Directory) -> Snapshot {
    snapshot_of(dir, "zhangsan")
}

/// The accounts (or department/group names) of the results, in order.
fn found(snap: &Snapshot, query: &str) -> Vec<String> {
    snap.search(query, &SearchOptions { limit: 50, ..SearchOptions::default() })
        .iter()
        .map(|hit| match hit.kind {
            ResultKind::Member => snap.member(hit.position).userid.to_owned(),
            ResultKind::Department => format!("dept:{}", snap.department(hit.position).name),
            ResultKind::Group => format!("group:{}", snap.group(hit.position).name),
        })
        .collect()
}

#[test]
fn labelled_queries_find_their_member_first() {
    let snap = open(&people());
    // (query, expected first result, the way it is found)
    let table = [
        ("张三", "zhangsan", "name"),
        ("張三", "zhangsan", "traditional query"),
        ("张伟", "zhangwei", "traditional name, simplified query"),
        ("zhangsan", "zhangsan", "full pinyin"),
        ("zhang san", "zhangsan", "pinyin with a space"),
        ("ZHANGSAN", "zhangsan", "upper case"),
        ("ｚｈａｎｇｓａｎ", "zhangsan", "full-width letters"),
        ("zs", "zhangsan", "initials"),
        ("zhangs", "zhangsan", "pinyin prefix"),
        ("zhsan", "zhangsan", "mixed abbreviation"),
        ("张s", "zhangsan", "character then letters"),
        ("zhang三", "zhangsan", "letters then character"),
        ("张w", "zhangwei", "character then letters, traditional name"),
        ("zsf", "zhangsanfeng", "three initials"),
        ("shanx", "shanxiong", "单 read the surname way"),
        ("zengguofan", "zengguofan", "曾 read zeng"),
        ("oyn", "ouyangnana", "compound surname initials"),
        ("ouyangnana", "ouyangnana", "compound surname"),
        ("zhangyue", "zhangle", "heteronym 乐 as yue"),
        ("zhangle", "zhangle", "heteronym 乐 as le"),
        ("david", "david", "Latin name"),
        ("smith", "david", "Latin family name"),
        ("tony", "zhangsan", "alias"),
        ("13800138000", "zhangsan", "full mobile"),
        ("0138", "zhangsan", "mobile infix"),
        ("+86 138 0013 8000", "zhangsan", "mobile with +86 and spaces"),
        ("6123456", "lisi", "telephone infix"),
        ("tony_zs", "zhangsan", "WeChat id"),
        ("david.smith@", "david", "email prefix"),
        ("zhangsanf", "zhangsanfeng", "account prefix"),
        ("zangsan", "zhangsan", "fuzzy z/zh"),
        ("wanfan", "wangfang", "fuzzy an/ang"),
        ("zhnagsan", "zhangsan", "typo: neighbours swapped"),
        ("wangfangg", "wangfang", "typo: a letter too many"),
        ("davdi", "david", "typo in a Latin name"),
    ];
    let mut wrong = Vec::new();
    for (query, expected, way) in table {
        let results = found(&snap, query);
        if results.first().map(String::as_str) != Some(expected) {
            wrong.push(format!("{query:?} ({way}): expected {expected} first, got {results:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn fuzzy_pinyin_ranks_below_exact_and_typos_last() {
    let snap = open(&people());
    let hits = snap.search("shan", &SearchOptions { limit: 50, ..SearchOptions::default() });
    let way_of = |userid: &str| {
        hits.iter().find(|h| h.kind == ResultKind::Member && snap.member(h.position).userid == userid).map(|h| h.way)
    };
    let members: Vec<&str> =
        hits.iter().filter(|h| h.kind == ResultKind::Member).map(|h| snap.member(h.position).userid).collect();
    assert_eq!(members[0], "shanxiong");
    assert_eq!(way_of("shanxiong"), Some(Way::Pinyin));
    // 张三's 三 is san: "shan" finds it by s/sh, below the exact match.
    assert_eq!(way_of("zhangsan"), Some(Way::Fuzzy));
    assert_eq!(hits[hits.len() - 1].way.band(), hits.iter().map(|h| h.way.band()).max().unwrap());

    let hits = snap.search("zhnagsan", &SearchOptions::default());
    assert!(hits.iter().all(|h| h.way == Way::Typo), "only typos match zhnagsan");
    assert_eq!(hits[0].ranges, [(0, 2)], "the typo highlights the syllables it reaches");
    // Four letters are too few for a typo.
    assert!(found(&snap, "wnag").is_empty());
    // The letter being typed is not taken for the typo: "zhangw" is 張偉 on the way, not every 张
    // with its w dropped or changed; a typo before it still counts.
    assert_eq!(found(&snap, "zhangw"), ["zhangwei"]);
    assert_eq!(found(&snap, "zhnagw"), ["zhangwei"]);
}

/// Typos are a fallback: a query that finds anyone any other way gets none mixed in ("zhangw"
/// lists the 张w people and nobody named 郑), and one that finds nobody gets them.
#[test]
fn typos_only_when_nothing_else_matches() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1)],
        vec![member("zhangwei", "张伟", &[1]), member("zhengwei", "郑伟", &[1]), member("zhangwen", "张文", &[1])],
    ));
    let snap = snapshot_of(&dir, "zhangwei");
    let mut zhangw = found(&snap, "zhangw");
    zhangw.sort();
    assert_eq!(zhangw, ["zhangwei", "zhangwen"]);
    assert_eq!(found(&snap, "zhangwei"), ["zhangwei"], "郑伟 is one letter from zhangwei, but 张伟 is found");
    let hits = snap.search("zhagnwei", &SearchOptions::default());
    assert_eq!(hits.len(), 1);
    assert_eq!((snap.member(hits[0].position).userid, hits[0].way), ("zhangwei", Way::Typo));
}

/// A query of several words finds the members every word describes: the first word (or, when it
/// finds no one, the next) by any way, each other one by the name, a department on the member's
/// path, the position, a phone number or an identifier. They rank after every match of the query
/// as one word.
#[test]
fn several_words_narrow_the_first_word_s_members() {
    let dir = parse(directory(
        vec![
            department(1, "公司", 0, 1),
            department(2, "销售中心", 1, 1),
            department(3, "上海分公司", 2, 1),
            department(4, "技术中心", 1, 2),
        ],
        vec![
            with(member("zw_sales", "张伟", &[3]), json!({"position": "客户经理", "mobile": "13811112222"})),
            with(member("zw_tech", "张伟", &[4]), json!({"position": "工程师", "mobile": "13833334444"})),
            with(member("wf_sales", "王芳", &[3]), json!({"position": "销售经理"})),
            with(member("wf_tech", "王芳", &[4]), json!({"position": "测试"})),
            member("zhangsan", "张三", &[4]),
            member("zhangsanfeng", "张三丰", &[3]),
        ],
    ));
    let snap = snapshot_of(&dir, "zw_sales");
    // By a department on the path (by its characters, or its pinyin), the position, a phone
    // number's digits, the account.
    assert_eq!(found(&snap, "张伟 销售"), ["zw_sales"]);
    assert_eq!(found(&snap, "zw 上海"), ["zw_sales"]);
    assert_eq!(found(&snap, "zw shanghai"), ["zw_sales"]);
    assert_eq!(found(&snap, "王芳 经理"), ["wf_sales"]);
    assert_eq!(found(&snap, "张伟 4444"), ["zw_tech"]);
    assert_eq!(found(&snap, "张 zw_t"), ["zw_tech"]);
    // A department first: its members, narrowed by the name.
    let mut tech = found(&snap, "技术中心 张");
    tech.sort();
    assert_eq!(tech, ["zhangsan", "zw_tech"]);
    // By a later word's pinyin in the name, and more than two words.
    assert_eq!(found(&snap, "zhang 丰"), ["zhangsanfeng"]);
    assert_eq!(found(&snap, "wang 测试"), ["wf_tech"]);
    assert_eq!(found(&snap, "张 技术 工程"), ["zw_tech"]);
    // A first word that finds no one by itself (分公司 is only inside a department's name, which
    // lists the department, not its members): the next word is searched, narrowed by the first,
    // and highlighted.
    assert_eq!(found(&snap, "分公司 王芳"), ["wf_sales"]);
    let hit = &snap.search("分公司 王芳", &SearchOptions::default())[0];
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Name, vec![(0, 2)]));
    // A word that describes nobody leaves nothing.
    assert!(found(&snap, "张伟 北京").is_empty());
    assert!(found(&snap, "北京 张伟").is_empty());
    // The query as one word first: "zhang san" is 张三, then 张三丰; 张 people in 三… come after.
    assert_eq!(found(&snap, "zhang san")[..2], ["zhangsan", "zhangsanfeng"]);
    // The highlight is the first word's.
    let hit = &snap.search("张伟 销售", &SearchOptions::default())[0];
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Name, vec![(0, 2)]));
}

/// Nor is it at the end of a name: "zhangw" is not 彭文长 (长 read zhang) and an extra w, though
/// "wangfangg" is 王芳 and an extra g.
#[test]
fn a_typo_at_the_last_letter_fits_only_a_whole_name() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1)],
        vec![
            member("pengwenzhang", "彭文长", &[1]),
            member("zhangwei", "张伟", &[1]),
            member("wangfang", "王芳", &[1]),
        ],
    ));
    let snap = snapshot_of(&dir, "zhangwei");
    assert_eq!(found(&snap, "zhangw"), ["zhangwei"]);
    assert_eq!(found(&snap, "wangfangg"), ["wangfang"]);
    // A typo inside the query still finds the name from a later syllable.
    assert_eq!(found(&snap, "wenzhnag"), ["pengwenzhang"]);
}

#[test]
fn departments_and_groups_are_found_and_members_follow() {
    let snap = open(&people());
    let results = found(&snap, "技术部");
    assert_eq!(results[0], "dept:技术部");
    for member in ["zhangsan", "zhangsanfeng", "lisi"] {
        assert!(results.contains(&member.to_string()), "{member} follows 技术部: {results:?}");
    }
    assert_eq!(found(&snap, "jishu")[0], "dept:技术部");
    assert_eq!(found(&snap, "xinpin")[0], "group:新品项目组");
    // 单证组 reads dan, not shan: it is a department, not a surname.
    assert_eq!(found(&snap, "danzheng")[0], "dept:单证组");
}

/// A company is searched by its brand, which its name holds after a place: 恒通 names 上海恒通包装
/// 材料有限公司 and brings its people, as 上海 does; 有限公司, which ends every company's name, lists
/// the companies but not everyone in them.
#[test]
fn two_characters_inside_a_department_name_bring_its_members_but_not_its_generic_ending() {
    let dir = parse(directory(
        vec![
            department(1, "顺城物流有限公司", 0, 1),
            department(2, "上海恒通包装材料有限公司", 1, 1),
            department(3, "宁波远洋货运有限公司", 1, 2),
        ],
        vec![
            member("boss", "老板", &[1]),
            member("liuxiu", "刘秀", &[2]),
            member("chenhao", "陈浩", &[2]),
            member("wangqiang", "王强", &[3]),
        ],
    ));
    let snap = snapshot_of(&dir, "boss");
    for query in ["恒通", "上海", "恒通包装", "上海恒通包装材料有限公司"] {
        let mut results = found(&snap, query);
        assert_eq!(results[0], "dept:上海恒通包装材料有限公司", "{query}");
        results[1..].sort();
        assert_eq!(results[1..], ["chenhao", "liuxiu"], "{query}");
    }
    let companies = found(&snap, "有限公司");
    assert!(companies.iter().all(|r| r.starts_with("dept:")), "{companies:?}");
    assert_eq!(companies.len(), 3);
    // One character is not a name: 恒 lists the department only.
    assert_eq!(found(&snap, "恒"), ["dept:上海恒通包装材料有限公司"]);
}

#[test]
fn u_umlaut_spellings_and_tone_marks_find_what_v_finds() {
    let dir = parse(directory(
        vec![department(1, "示例公司", 0, 1)],
        vec![
            member("lvbu", "吕布", &[1]),
            member("lvelei", "略磊", &[1]),
            member("nvying", "女英", &[1]),
            member("nvehua", "虐华", &[1]),
            member("luyu", "陆羽", &[1]),
            member("juan", "居安", &[1]),
            member("muller", "Anna Müller", &[1]),
            member("zhangli", "张丽", &[1]),
        ],
    ));
    let snap = snapshot_of(&dir, "zhangli");
    // SPEC §4: ü may be typed v, ü, u where unambiguous (lue, nue, ju, qu, xu, yu) or yu (lyu, nyu).
    for (query, expected) in [
        ("lvbu", "lvbu"),
        ("lübu", "lvbu"),
        ("lyubu", "lvbu"),
        ("lǚbù", "lvbu"),
        ("lyu", "lvbu"),
        ("lüe", "lvelei"),
        ("lue", "lvelei"),
        ("luelei", "lvelei"),
        ("lve", "lvelei"),
        ("nü", "nvying"),
        ("nyuying", "nvying"),
        ("nǚyīng", "nvying"),
        ("nue", "nvehua"),
        ("nüehua", "nvehua"),
        ("lùyǔ", "luyu"),
        ("jūān", "juan"),
        ("zhāngli", "zhangli"),
        ("müller", "muller"),
        ("muller", "muller"),
    ] {
        let results = found(&snap, query);
        assert_eq!(results.first().map(String::as_str), Some(expected), "{query:?}: {results:?}");
    }
    // u after l is lu, not lü: 陆 is not 吕.
    assert!(!found(&snap, "lubu").contains(&"lvbu".to_owned()), "{:?}", found(&snap, "lubu"));
    // The other tone marks of SPEC §4 fold too: ǹ, ḿ, ê.
    for (marked, plain) in [("ǹg", "ng"), ("ḿ", "m"), ("zhê", "zhe")] {
        assert_eq!(found(&snap, marked), found(&snap, plain), "{marked}");
    }
}

#[test]
fn rare_readings_make_no_noise() {
    let snap = open(&people());
    // (query, the member it must not find)
    for (query, absent) in [("h", "xuming"), ("hu", "xuming"), ("s", "zhuli"), ("shu", "zhuli"), ("a", "guangming")] {
        let results = found(&snap, query);
        assert!(!results.contains(&absent.to_string()), "{query:?} found {absent}: {results:?}");
    }
    // And queries that match nothing find nothing.
    for query in ["zsx", "qqq", "99999", "张三丰丰", ""] {
        assert_eq!(found(&snap, query), Vec::<String>::new(), "{query:?}");
    }
}

#[test]
fn ranking_follows_spec_order() {
    let snap = open(&people());
    // Exact before prefix: 张三 is the whole of "zhangsan"; 张三丰 only starts with it.
    let results = found(&snap, "zhangsan");
    assert_eq!(&results[..2], ["zhangsan", "zhangsanfeng"]);
    // Prefix before infix: "san" starts nobody's name but is inside 张三 and 张三丰.
    let results = found(&snap, "zhang");
    let zhangsan = results.iter().position(|r| r == "zhangsan").unwrap();
    assert!(results[..zhangsan].iter().all(|r| r.starts_with("zhang")), "{results:?}");
    // Name before pinyin before initials at the same place.
    let hits = snap.search("张", &SearchOptions::default());
    assert!(hits.iter().all(|h| h.field == Field::Name));
    // Pinned first among equals: 王芳 is pinned; "w" finds 王芳 before anyone else it finds.
    assert_eq!(found(&snap, "w")[0], "wangfang");
    // Frequent contacts lift a result among equals.
    let options = SearchOptions { limit: 10, frequent: vec![("zhangle".into(), 5.0)], ..SearchOptions::default() };
    let hits = snap.search("zh", &options);
    assert_eq!(snap.member(hits[0].position).userid, "zhangle");
}

/// Among equally good matches, the viewer's colleagues come first, the closest first: the same
/// department, then one below it, then the nearest department above both — for people and for
/// departments of the same name; frequent contacts still come before closeness, and a search
/// without a viewer (or with one the snapshot does not hold) keeps the static order.
#[test]
fn colleagues_closer_to_the_viewer_rank_first_among_equals() {
    let dir = parse(directory(
        vec![
            department(1, "公司", 0, 1),
            department(2, "华北", 1, 1),
            department(3, "北京", 2, 1),
            department(4, "六组", 3, 1),
            department(5, "天津", 2, 2),
            department(6, "六组", 5, 1),
            department(7, "华南", 1, 2),
            department(8, "六组", 7, 1),
            department(9, "一组", 4, 1),
        ],
        vec![
            // In the static order (pinned first) the farthest 张伟 comes first.
            with(member("zw-south", "张伟", &[8]), json!({"pinned": true, "mobile": "13800001234"})),
            member("zw-tianjin", "张伟", &[6]),
            with(member("zw-team", "张伟", &[4]), json!({"mobile": "13900001234"})),
            member("zw-below", "张伟", &[9]),
            member("zw-top", "张伟", &[1]),
            member("viewer", "李明", &[4]),
            member("tianjin-viewer", "赵敏", &[5]),
            with(member("other", "王芳", &[3, 8]), json!({"mobile": "13700001234"})),
        ],
    ));
    let snap = snapshot_of(&dir, "viewer");
    let search = |query: &str, viewer: Option<&str>, frequent: &[&str]| -> Vec<String> {
        let options = SearchOptions {
            limit: 20,
            viewer: viewer.map(str::to_owned),
            frequent: frequent.iter().map(|&f| (f.to_owned(), 1.0)).collect(),
            ..SearchOptions::default()
        };
        snap.search(query, &options)
            .iter()
            .map(|h| match h.kind {
                ResultKind::Member => snap.member(h.position).userid.to_owned(),
                _ => snap.department(h.position).id.to_string(),
            })
            .collect()
    };
    // The viewer's own team, then the team below it, then Tianjin (below the parent's parent),
    // then the south, then the company's own level (the department above everyone).
    let by_closeness = ["zw-team", "zw-below", "zw-tianjin", "zw-south", "zw-top"];
    assert_eq!(search("张伟", Some("viewer"), &[]), by_closeness);
    assert_eq!(search("zw", Some("viewer"), &[])[..5], by_closeness);
    // A frequent contact still comes first; the rest by closeness.
    assert_eq!(
        search("张伟", Some("viewer"), &["zw-top"]),
        ["zw-top", "zw-team", "zw-below", "zw-tianjin", "zw-south"]
    );
    // 尾号: three numbers end with 1234; the viewer's team's first, then 王芳, who is in 北京
    // (just above the viewer's team) as well as in the south.
    assert_eq!(search("1234", Some("viewer"), &[]), ["zw-team", "other", "zw-south"]);
    // Departments of the same name: the viewer's own 六组 first, then Tianjin's, then the south's.
    let departments = search("六组", Some("viewer"), &[]);
    assert_eq!(departments[..3], ["4", "6", "8"]);
    // Seen from Tianjin: Tianjin's 六组 below, then the rest of 华北, then the pinned 张伟 of
    // the south and the company's own, who are as far as each other.
    let from_tianjin = search("张伟", Some("tianjin-viewer"), &[]);
    assert_eq!(from_tianjin[0], "zw-tianjin");
    assert_eq!(from_tianjin[3..], ["zw-south", "zw-top"]);
    // And back: each search is the viewer's own, whoever searched before.
    assert_eq!(search("张伟", Some("viewer"), &[]), by_closeness);
    // No viewer, or one the snapshot does not hold: the static order (pinned first).
    let static_order = search("张伟", None, &[]);
    assert_eq!(static_order[0], "zw-south");
    assert_eq!(search("张伟", Some("nobody"), &[]), static_order);
}

/// Among matches that docs/search.md ranks alike, the plainer reading of what was typed comes first:
/// initials before other abbreviations, a query that ends with a whole reading before one that
/// ends inside it, a heteronym's first reading before another, people before departments, and
/// initials of the whole name before the inside of a Latin name.
#[test]
fn plain_readings_of_the_query_rank_first() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1), department(2, "六组", 1, 1)],
        vec![
            member("boss", "老板", &[1]),
            with(member("zhangshu", "张淑", &[2]), json!({"pinned": true})),
            member("zhouhuasheng", "周华胜", &[2]),
            member("wangchengang", "王晨刚", &[2]),
            member("wangcheng", "王成", &[2]),
            member("lizheng", "李正", &[1]),
            member("schmidt", "Michael Schmidt", &[1]),
            member("sunchen", "孙晨", &[1]),
            member("zhangle", "张乐", &[1]),
            member("zhangyu", "张宇", &[1]),
            member("zhanfei", "詹飞", &[1]),
            with(member("yueyi", "乐一", &[1]), json!({"pinned": true})),
        ],
    ));
    let snap = snapshot_of(&dir, "boss");
    let ways = |query: &str| -> Vec<(String, Way)> {
        snap.search(query, &SearchOptions { limit: 50, ..SearchOptions::default() })
            .iter()
            .map(|hit| match hit.kind {
                ResultKind::Member => (snap.member(hit.position).userid.to_owned(), hit.way),
                _ => (format!("dept:{}", snap.department(hit.position).name), hit.way),
            })
            .collect()
    };
    // 张淑 is pinned, but "zhs" spells 周华胜's initials and only abbreviates 张淑.
    assert_eq!(ways("zhs")[..2], [("zhouhuasheng".into(), Way::Initials), ("zhangshu".into(), Way::Abbreviation)]);
    // "wangcheng" spells 王成 whole and only begins 王晨刚's gang.
    assert_eq!(found(&snap, "wangcheng")[..2], ["wangcheng", "wangchengang"]);
    assert!(ways("wangcheng").iter().all(|(_, way)| *way == Way::Pinyin));
    // "lz" spells the initials of 李正 and of the department 六组: the person first, then the
    // department, then its members (in_department).
    let lz = ways("lz");
    assert_eq!(lz[..2], [("lizheng".into(), Way::Initials), ("dept:六组".into(), Way::Initials)]);
    assert!(lz[2..].iter().all(|(_, way)| *way == Way::InDepartment), "{lz:?}");
    // 乐 reads le first and yue too: "zhangy" begins 张宇's yu, read its first way, and 张乐's
    // yue, read another, though 张乐 comes first in pinyin order.
    assert_eq!(found(&snap, "zhangy")[..2], ["zhangyu", "zhangle"]);
    // Initials of a whole name before a word begun inside a Latin name.
    assert_eq!(found(&snap, "sc")[..2], ["sunchen", "schmidt"]);
    // Ending inside a first syllable: "zhan" is 詹's whole reading and only begins 张's, pinned
    // as 张淑 is; "l" begins 李's li, and 乐's le, which is not that surname's first reading
    // (yue), pinned as 乐一 is.
    assert_eq!(found(&snap, "zhan")[..2], ["zhanfei", "zhangshu"]);
    let l = found(&snap, "l");
    let at = |userid: &str| l.iter().position(|u| u == userid);
    assert!(at("lizheng").is_some() && at("lizheng") < at("yueyi"), "{l:?}");
}

/// Names with digits in them (销售12部) are found by their text, digits and all, and highlighted.
#[test]
fn names_with_digits_are_found_by_their_text() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1), department(2, "销售1部", 1, 1), department(3, "销售12部", 1, 2)],
        vec![member("boss", "老板", &[1]), member("wangfang", "王芳", &[3])],
    ));
    let snap = snapshot_of(&dir, "boss");
    let results = found(&snap, "销售12部");
    assert_eq!(results, ["dept:销售12部", "wangfang"]);
    // Two characters or more of a department's name bring its members too.
    assert_eq!(found(&snap, "销售1"), ["dept:销售1部", "dept:销售12部", "wangfang"]);
    let hits = snap.search("销售 12", &SearchOptions::default());
    assert_eq!((hits[0].field, hits[0].ranges.clone()), (Field::Name, vec![(0, 4)]));
}

/// Digits and Latin words in a name are part of it (SPEC §4): 张伟2 is found as 张伟 is, the
/// class 一年级2班 by 2班, and a query may begin with digits.
#[test]
fn digits_in_names_are_typed_as_they_stand() {
    let dir = parse(directory(
        vec![department(1, "实验小学", 0, 1), department(2, "3号仓库", 1, 1), department(3, "一年级2班", 1, 2)],
        vec![
            member("boss", "老板", &[1]),
            member("zhangwei2", "张伟2", &[2]),
            member("tony2", "Tony2", &[2]),
            member("teacher", "李老师", &[3]),
        ],
    ));
    let snap = snapshot_of(&dir, "boss");
    for query in ["张伟2", "张伟", "zw", "zhangwei", "zhangwei2", "zw2", "wei", "wei2", "伟2"] {
        assert_eq!(found(&snap, query).first().map(String::as_str), Some("zhangwei2"), "{query}");
    }
    for query in ["tony", "tony2", "to"] {
        assert_eq!(found(&snap, query).first().map(String::as_str), Some("tony2"), "{query}");
    }
    for query in ["3号仓库", "3号", "仓库", "3hao", "3h"] {
        assert_eq!(found(&snap, query).first().map(String::as_str), Some("dept:3号仓库"), "{query}");
    }
    assert_eq!(found(&snap, "2班"), ["dept:一年级2班"], "a class by its number");
    assert_eq!(found(&snap, "yinianji2ban")[0], "dept:一年级2班");
    // The highlight covers the digits typed.
    let hits = snap.search("zw2", &SearchOptions::default());
    assert_eq!((hits[0].way, hits[0].ranges.clone()), (Way::Initials, vec![(0, 3)]));
    let hits = snap.search("2班", &SearchOptions::default());
    assert_eq!(hits[0].ranges, [(3, 5)]);
}

/// The query set asks for names and departments with digits the way people type them — 张伟2 by
/// "zw2", the class 一年级2班 by "yinianji2ban" — and the engine puts the answers first: the
/// person, or the class and then its members.
#[test]
fn the_query_set_asks_for_names_and_departments_with_digits() {
    let dir = parse(directory(
        vec![department(1, "实验小学", 0, 1), department(2, "一年级2班", 1, 1), department(3, "二年级2班", 1, 2)],
        vec![
            member("boss", "老板", &[1]),
            member("zhangwei2", "张伟2", &[2]),
            member("zhangwei", "张伟", &[2]),
            member("lilaoshi", "李老师", &[3]),
        ],
    ));
    let snap = snapshot_of(&dir, "boss");
    let cases = tongxunlu::search::queries::query_set(snap.searcher(), 1);
    let of_kind = |kind: &str| -> Vec<_> { cases.iter().filter(|c| c.kind == kind).collect() };
    let names = of_kind("name with digits");
    assert_eq!(names.len(), 1, "{cases:?}");
    assert_eq!((names[0].query.as_str(), names[0].answers.clone()), ("zw2", vec!["zhangwei2".to_owned()]));
    let classes = of_kind("department with digits");
    let first_class: Vec<_> = classes.iter().filter(|c| c.query == "yinianji2ban").collect();
    assert_eq!(first_class.len(), 2, "both members of 一年级2班 are asked for by it: {classes:?}");
    assert_eq!(first_class[0].answers, ["zhangwei", "zhangwei2"], "in snapshot order");
    assert!(classes.iter().any(|c| c.query == "ernianji2ban" && c.expect == "lilaoshi"), "{classes:?}");
    for case in names.into_iter().chain(classes) {
        let results = found(&snap, &case.query);
        let mut first: Vec<&String> =
            results.iter().filter(|r| !r.starts_with("dept:")).take(case.answers.len()).collect();
        first.sort();
        let mut answers: Vec<&String> = case.answers.iter().collect();
        answers.sort();
        assert_eq!(first, answers, "{case:?}: {results:?}");
    }
    assert_eq!(found(&snap, "yinianji2ban")[0], "dept:一年级2班");
}

/// A compound surname is one surname also when it is the whole name; a surname read an unusual
/// way is found by the character's usual reading too, after the names read that way.
#[test]
fn surnames_by_their_surname_reading_first_and_other_readings_after() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1)],
        vec![
            member("boss", "老板", &[1]),
            member("moqi", "万俟", &[1]),
            member("shanxiongxin", "单雄信", &[1]),
            member("danxin", "丹心", &[1]),
            member("dan", "但雄新", &[1]),
            member("zengwei", "曾伟", &[1]),
            member("cenwei", "岑伟", &[1]),
            member("naiwen", "能文", &[1]),
        ],
    ));
    let snap = snapshot_of(&dir, "boss");
    assert_eq!(found(&snap, "moqi"), ["moqi"]);
    assert_eq!(found(&snap, "wanqi"), Vec::<String>::new(), "万俟 is not read wan qi");
    assert_eq!(found(&snap, "shanxiongxin"), ["shanxiongxin"]);
    // 但雄新 is read dan the usual way: it ranks before 单雄信, read dan as a second reading.
    assert_eq!(found(&snap, "danxiongxin"), ["dan", "shanxiongxin"]);
    assert_eq!(found(&snap, "danxx"), ["dan", "shanxiongxin"]);
    assert_eq!(found(&snap, "dan"), ["danxin", "dan", "shanxiongxin"]);
    // 曾 read ceng as its second reading, before 岑 cen, reached only by fuzzy en/eng.
    assert_eq!(found(&snap, "cengwei"), ["zengwei", "cenwei"]);
    assert_eq!(found(&snap, "zengwei"), ["zengwei"]);
    assert_eq!(found(&snap, "neng"), ["naiwen"]);
    assert_eq!(found(&snap, "nai")[0], "naiwen");
}

/// Fuzzy pinyin is for syllables the user spells: never on a lone initial.
#[test]
fn fuzzy_pinyin_never_on_a_lone_initial() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1)],
        vec![member("boss", "老板", &[1]), member("ningh", "杨宁欢", &[1]), member("lih", "杨力辉", &[1])],
    ));
    let snap = snapshot_of(&dir, "boss");
    assert_eq!(found(&snap, "ylh"), ["lih"]);
    assert_eq!(found(&snap, "ynh"), ["ningh"]);
    assert_eq!(found(&snap, "yangnh"), ["ningh"]);
    assert_eq!(found(&snap, "yangl"), ["lih"]);
    // Two letters or more of the syllable: l/n are one sound, ranked below the exact match.
    assert_eq!(found(&snap, "yangli"), ["lih", "ningh"]);
    assert_eq!(found(&snap, "yanglinghuan"), ["ningh"]);
    let hits = snap.search("yanglinghuan", &SearchOptions::default());
    assert_eq!(hits[0].way, Way::Fuzzy);
}

#[test]
fn results_say_which_field_matched_and_where() {
    let snap = open(&people());
    let first = |q: &str| snap.search(q, &SearchOptions::default()).into_iter().next().unwrap();
    let hit = first("zs");
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Name, vec![(0, 2)]));
    let hit = first("三丰");
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Name, vec![(1, 3)]));
    let hit = first("nana");
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Name, vec![(2, 4)]));
    let hit = first("0138"); // 1380【0138】000
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Mobile, vec![(4, 8)]));
    let hit = first("6123"); // 021-【6123】4567
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Telephone, vec![(4, 8)]));
    let hit = first("tony");
    assert_eq!((hit.field, hit.ranges.clone()), (Field::Alias, vec![(0, 4)]));
}

/// Of the numbers that hold the digits, the number that is them comes first, then those that end
/// with them (尾号: how people give a number), then those that begin with them, then the rest;
/// each ranks by the best of a member's numbers, and the highlight is where that number holds them.
#[test]
fn phone_numbers_rank_whole_then_by_their_end_then_start_then_inside() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1)],
        vec![
            with(member("inside", "甲", &[1]), json!({"mobile": "13980211234"})),
            with(member("start", "乙", &[1]), json!({"mobile": "8021 5678"})),
            with(member("end", "丙", &[1]), json!({"mobile": "13912348021"})),
            with(member("whole", "丁", &[1]), json!({"telephone": "8021"})),
            // Inside its mobile, at the end of its telephone: it ranks and highlights by the end.
            with(member("both", "戊", &[1]), json!({"mobile": "13980215555", "telephone": "021-6666 8021"})),
        ],
    ));
    let snap = snapshot_of(&dir, "inside");
    assert_eq!(found(&snap, "8021"), ["whole", "end", "both", "start", "inside"]);
    let hits = snap.search("8021", &SearchOptions::default());
    let both = hits.iter().find(|h| snap.member(h.position).userid == "both").unwrap();
    assert_eq!((both.field, both.ranges.clone()), (Field::Telephone, vec![(9, 13)]));
    // Three digits: 尾号 too, from the numbers' endings of three; then the rest.
    let mut ending = found(&snap, "021");
    let inside = ending.split_off(3);
    ending.sort();
    assert_eq!((ending, inside.len()), (vec!["both".to_owned(), "end".into(), "whole".into()], 2));
}

/// Three digits are looked up as the start of a run of four or as a number's last three; longer
/// queries by their runs of four, checked when they are longer than one run.
#[test]
fn phone_digits_at_a_number_s_end_and_in_repeated_runs() {
    let snap = open(&people());
    let sorted = |q: &str| {
        let mut found = found(&snap, q);
        found.sort();
        found
    };
    // 1380013【8000】: "000" only at its end; 137【0000】1111 inside.
    assert_eq!(sorted("000"), ["lisi", "zhangsan"]);
    assert_eq!(sorted("8000"), ["zhangsan"]);
    assert_eq!(sorted("567"), ["lisi", "zhangsanfeng"], "021-61234【567】, 1391234【567】8");
    // 1370000【1111】 holds the run 1111, but not five ones.
    assert_eq!(sorted("1111"), ["lisi"]);
    assert!(sorted("11111").is_empty());
    assert!(sorted("999").is_empty());
}

/// Accounts, WeChat ids, e-mails and phone numbers are looked up in tables the engine derives from
/// the records: a number that is the query ranks first, then numbers that begin with it, then
/// the rest; a number of three digits is found whole; identifiers match from their start
/// whatever their case, and a lookup by account is exact.
#[test]
fn identifiers_and_numbers_are_found_from_the_records() {
    let dir = parse(directory(
        vec![department(1, "公司", 0, 1)],
        vec![
            with(member("a1", "甲", &[1]), json!({"mobile": "13800138000"})),
            with(member("a2", "乙", &[1]), json!({"telephone": "0571-1380 0138 00"})),
            with(member("a3", "丙", &[1]), json!({"mobile": "1380013800"})),
            with(
                member("Boss.Li", "丁", &[1]),
                json!({"telephone": "110", "weixin_id": "Li_Boss", "email": "Li@Example.com"}),
            ),
            with(member("a5", "戊", &[1]), json!({"email": "boss@example.com"})),
        ],
    ));
    let snap = snapshot_of(&dir, "a1");
    // Whole, then at a number's end (0571-【1380 0138 00】), then from the start.
    assert_eq!(found(&snap, "1380013800"), ["a3", "a2", "a1"]);
    assert_eq!(found(&snap, "138 0013 8000"), ["a1"]);
    assert_eq!(found(&snap, "110"), ["Boss.Li"]);
    let first = |q: &str| snap.search(q, &SearchOptions::default()).into_iter().next().map(|h| h.field);
    assert_eq!(first("boss.l"), Some(Field::Account));
    assert_eq!(first("li_b"), Some(Field::WeixinId));
    assert_eq!(first("li@ex"), Some(Field::Email));
    let mut bosses = found(&snap, "boss");
    bosses.sort();
    assert_eq!(bosses, ["Boss.Li", "a5"]);
    let position = |account: &str| snap.find_member(account).map(|p| snap.member(p).userid.to_owned());
    assert_eq!(position("Boss.Li").as_deref(), Some("Boss.Li"));
    assert_eq!((position("boss.li"), position("Boss"), position("")), (None, None, None));
}

/// Past COUNT_LIMIT results a count says "at least"; below it, exactly, and paging by offset
/// goes through all of them.
#[test]
fn totals_are_exact_up_to_the_count_limit() {
    let members: Vec<_> = (0..COUNT_LIMIT + 100).map(|i| member(&format!("w{i}"), "王伟", &[1])).collect();
    let dir = parse(directory(vec![department(1, "公司", 0, 1), department(2, "王伟组", 1, 1)], members));
    let snap = snapshot_of(&dir, "w0");
    let totals = snap.count("王伟");
    assert!(!totals.member.exact);
    assert_eq!(totals.member.count + totals.department.count, COUNT_LIMIT);
    let totals = snap.count("王伟组");
    assert_eq!((totals.member, totals.department), (Total { count: 0, exact: true }, Total { count: 1, exact: true }));
    let last_page =
        snap.search("王伟", &SearchOptions { limit: 50, offset: COUNT_LIMIT + 60, ..SearchOptions::default() });
    assert_eq!(last_page.len(), 41, "1,100 members and the department 王伟组, 60 of them before this page's start");
}

#[test]
fn paging_returns_consecutive_slices_of_one_order() {
    let snap = open(&people());
    let all = snap.search("z", &SearchOptions { limit: 100, ..SearchOptions::default() });
    assert!(all.len() >= 5);
    let page = |offset, limit| snap.search("z", &SearchOptions { limit, offset, ..SearchOptions::default() });
    assert_eq!(page(0, 2), all[..2]);
    assert_eq!(page(2, 2), all[2..4]);
    assert_eq!(page(all.len(), 5), []);
}

#[test]
fn hidden_fields_are_not_searchable() {
    let mut value: serde_json::Value = serde_json::from_str(&people().to_json_pretty()).unwrap();
    value["field_policy"] = json!({"mobile": {"visible": false}});
    let snap = open(&parse(value));
    assert!(found(&snap, "13800138000").is_empty());
    assert!(found(&snap, "0138").is_empty());
}

fn sample_snapshot() -> (Directory, Snapshot) {
    let dir = tongxunlu::sample::generate(&tongxunlu::sample::SampleSpec {
        members: 1500,
        seed: 3,
        preset: tongxunlu::sample::Preset::Company,
    });
    let snap = snapshot_of(&dir, "exec001");
    (dir, snap)
}

/// Whether the page `options` ask for is that slice of the whole ranking under the same options.
fn page_is_a_slice(snap: &Snapshot, query: &str, options: SearchOptions) -> Result<(), TestCaseError> {
    let all = snap.search(query, &SearchOptions { limit: usize::MAX, offset: 0, ..options.clone() });
    let expected: Vec<_> = all.into_iter().skip(options.offset).take(options.limit).collect();
    prop_assert_eq!(snap.search(query, &options), expected, "{:?} {:?}", query, options);
    Ok(())
}

fn finds(snap: &Snapshot, query: &str, userid: &str) -> bool {
    snap.search(query, &SearchOptions { limit: usize::MAX, ..SearchOptions::default() })
        .iter()
        .any(|h| h.kind == ResultKind::Member && snap.member(h.position).userid == userid)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A member is found by their name or initials and one more word that describes them: a
    /// department on their path, their position, the last digits of their mobile. Every member
    /// such a query finds by its first word alone is described by the second.
    #[test]
    fn a_second_word_finds_the_member_it_describes(pick in 0usize..1500, which in 0usize..3, initials in any::<bool>()) {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let position = pick % snap.member_count();
            let member = snap.member(position);
            let mut path = Vec::new();
            let mut at = member.departments.first().map(|&(d, _)| d);
            while let Some(d) = at {
                path.push(snap.department(d).name.to_owned());
                at = snap.department(d).parent;
            }
            let position_text = member.text(tongxunlu::fields::TextField::Position).map(str::to_owned);
            let mobile = member.text(tongxunlu::fields::TextField::Mobile).map(|m| phone_digits(m)[m.len().min(7)..].to_owned());
            let second = match which {
                0 => path.get(pick % path.len().max(1)).cloned(),
                1 => position_text,
                _ => mobile.filter(|m| m.len() >= 3),
            };
            let Some(second) = second else { return Ok(()) };
            let first = if initials {
                snap.member_syllables(position).iter().filter_map(|s| s.readings.first().and_then(|r| r.get(..1))).collect()
            } else {
                member.name.to_owned()
            };
            let query = format!("{first} {second}");
            prop_assert!(finds(snap, &query, member.userid), "{} not found by {:?}", member.name, query);
            // Those found by the first word alone (the band below every other, score under
            // 1000) are described by the second: its text in their name, position, a department
            // on their path, or a phone number.
            for hit in snap.search(&query, &SearchOptions { limit: usize::MAX, ..SearchOptions::default() }) {
                if hit.score >= 1000 {
                    continue;
                }
                let found = snap.member(hit.position);
                let mut texts: Vec<String> = vec![found.name.to_owned()];
                texts.extend(found.fields.iter().map(|(_, text)| phone_digits(text)));
                texts.extend(found.fields.iter().map(|(_, text)| text.to_string()));
                let mut at: Vec<usize> = found.departments.iter().map(|&(d, _)| d).collect();
                while let Some(d) = at.pop() {
                    texts.push(snap.department(d).name.to_owned());
                    at.extend(snap.department(d).parent);
                }
                prop_assert!(texts.iter().any(|t| t.contains(&second)), "{:?} finds {}", query, found.name);
            }
            Ok(())
        })?;
    }

    /// A search's totals are its results counted by kind: exactly while there are fewer than
    /// COUNT_LIMIT, and "at least" the first COUNT_LIMIT's beyond.
    #[test]
    fn totals_count_every_result_of_each_kind(query in "[a-z]{1,3}|[张王李陈]|1[0-9]{2,3}|[a-z]{2} [a-z]{1,2}") {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let all = snap.search(&query, &SearchOptions { limit: usize::MAX, ..SearchOptions::default() });
            let totals = snap.count(&query);
            let of = |kind: ResultKind| all.iter().filter(|h| h.kind == kind).count();
            if all.len() < COUNT_LIMIT {
                prop_assert!(totals.member.exact && totals.department.exact && totals.group.exact);
                prop_assert_eq!(
                    (totals.member.count, totals.department.count, totals.group.count),
                    (of(ResultKind::Member), of(ResultKind::Department), of(ResultKind::Group)),
                    "{:?}", query
                );
            } else {
                prop_assert!(!totals.member.exact);
                prop_assert_eq!(totals.member.count + totals.department.count + totals.group.count, COUNT_LIMIT);
                let first = &all[..COUNT_LIMIT];
                prop_assert_eq!(totals.member.count, first.iter().filter(|h| h.kind == ResultKind::Member).count());
            }
            Ok(())
        })?;
    }

    /// Every member is found by their exact name, full pinyin, initials and full mobile.
    #[test]
    fn every_member_is_found_every_way(pick in 0usize..1500) {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let position = pick % snap.member_count();
            let member = snap.member(position);
            let syllables = snap.member_syllables(position);
            let full: String = syllables.iter().filter_map(|s| s.readings.first().copied()).collect();
            let initials: String = syllables.iter().filter_map(|s| s.readings.first().and_then(|r| r.get(..1))).collect();
            prop_assert!(finds(snap, member.name, member.userid), "name {}", member.name);
            prop_assert!(finds(snap, &full, member.userid), "{} by {full}", member.name);
            prop_assert!(finds(snap, &initials, member.userid), "{} by {initials}", member.name);
            if let Some(mobile) = member.text(tongxunlu::fields::TextField::Mobile) {
                prop_assert!(finds(snap, mobile, member.userid), "{} by {mobile}", member.name);
            }
            Ok(())
        })?;
    }

    /// A page is exactly that slice of the whole ranking: keeping only the page's best results
    /// and skipping the phases that cannot reach it (infix, fuzzy, typo) changes nothing, with
    /// or without frequent contacts and a viewer to be close to.
    #[test]
    fn a_page_is_a_slice_of_the_whole_ranking(
        query in "[a-z]{1,7}|[张王李陈三伟芳明][a-z]{0,3}|1[0-9]{2,5}",
        offset in 0usize..30,
        limit in 1usize..30,
        frequent in proptest::collection::vec((0usize..1500, 1u8..10), 0..4),
        viewer in proptest::option::of(0usize..1500),
    ) {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let frequent: Vec<(String, f64)> = frequent
                .iter()
                .map(|&(p, w)| (snap.member(p % snap.member_count()).userid.to_owned(), f64::from(w)))
                .collect();
            let viewer = viewer.map(|p| snap.member(p % snap.member_count()).userid.to_owned());
            page_is_a_slice(snap, &query, SearchOptions { limit, offset, frequent, viewer })
        })?;
    }

    /// The same with a viewer, on the broad queries whose long lists closeness makes a search
    /// read on past where the static order would stop: the viewer's colleagues come from
    /// anywhere in them.
    #[test]
    fn a_page_is_a_slice_of_the_whole_ranking_seen_by_a_viewer(
        query in "[a-z]{1,2}|[张王李陈]|1[0-9]{2,3}|[0-9]{4}",
        offset in 0usize..10,
        limit in 1usize..10,
        viewer in 0usize..1500,
    ) {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let viewer = Some(snap.member(viewer % snap.member_count()).userid.to_owned());
            page_is_a_slice(snap, &query, SearchOptions { limit, offset, viewer, ..SearchOptions::default() })
        })?;
    }

    /// A run of digits finds exactly the members whose visible mobile or telephone holds it,
    /// whatever its length (three digits are looked up differently from four, and four from
    /// more), and highlights where.
    #[test]
    fn phone_digits_find_exactly_the_numbers_that_hold_them(
        pick in 0usize..1500,
        from in 0usize..11,
        len in 3usize..9,
        random in "[0-9]{3,6}",
    ) {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let member = snap.member(pick % snap.member_count());
            let mobile = phone_digits(member.text(TextField::Mobile).unwrap_or_default());
            let taken = mobile.get(from.min(mobile.len().saturating_sub(len))..).and_then(|m| m.get(..len));
            for digits in taken.into_iter().chain([random.as_str()]) {
                let holds = |m: &MemberRecord| {
                    [TextField::Mobile, TextField::Telephone]
                        .iter()
                        .any(|&f| m.text(f).is_some_and(|shown| phone_digits(shown).contains(digits)))
                };
                let expected: Vec<usize> = (0..snap.member_count()).filter(|&p| holds(&snap.member(p))).collect();
                let hits = snap.search(digits, &SearchOptions { limit: usize::MAX, ..SearchOptions::default() });
                let mut by_phone: Vec<usize> = hits
                    .iter()
                    .filter(|h| matches!(h.field, Field::Mobile | Field::Telephone))
                    .map(|h| h.position)
                    .collect();
                // In the order of how the best of each member's numbers holds the digits: whole,
                // at the end, at the start, inside.
                let tier = |p: usize| {
                    let member = snap.member(p);
                    [TextField::Mobile, TextField::Telephone]
                        .iter()
                        .filter_map(|&f| member.text(f).map(phone_digits))
                        .filter_map(|n| {
                            if n == digits { Some(0) } else if n.ends_with(digits) { Some(1) }
                            else if n.starts_with(digits) { Some(2) } else if n.contains(digits) { Some(3) } else { None }
                        })
                        .min()
                };
                let tiers: Vec<_> = by_phone.iter().map(|&p| tier(p)).collect();
                prop_assert!(tiers.windows(2).all(|w| w[0] <= w[1]), "{} ranks {:?}", digits, tiers);
                by_phone.sort_unstable();
                prop_assert_eq!(&by_phone, &expected, "{}", digits);
                for hit in hits.iter().filter(|h| matches!(h.field, Field::Mobile | Field::Telephone)) {
                    let field = if hit.field == Field::Mobile { TextField::Mobile } else { TextField::Telephone };
                    let shown: Vec<char> = snap.member(hit.position).text(field).unwrap_or_default().chars().collect();
                    let (start, end) = hit.ranges[0];
                    let covered = phone_digits(&shown[start as usize..end as usize].iter().collect::<String>());
                    prop_assert_eq!(covered, digits);
                }
            }
            Ok(())
        })?;
    }

    /// A query of letters finds every member whose name `align` matches, and where the name is
    /// what it matched, by align's way and place: the `FIRST_READING` lists and the walk of the
    /// reading keys, which leaves those lists' names alone, together miss and misrank none.
    #[test]
    fn letters_find_every_name_that_align_matches(query in "[a-z]{1,4}|[zcs]h[a-z]{0,3}") {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let units = QueryUnit::parse(&query);
            let hits = snap.search(&query, &SearchOptions { limit: usize::MAX, ..SearchOptions::default() });
            let members: std::collections::HashMap<usize, &tongxunlu::search::Hit> =
                hits.iter().filter(|h| h.kind == ResultKind::Member).map(|h| (h.position, h)).collect();
            for position in 0..snap.member_count() {
                let Some(found) = align(&units, &snap.member_syllables(position)) else { continue };
                let name = snap.member(position).name;
                let hit = members.get(&position);
                prop_assert!(hit.is_some(), "{:?} does not find {}", query, name);
                let hit = hit.unwrap();
                if hit.field == Field::Name {
                    let way = match found.how {
                        How::Name => Way::Name,
                        How::Pinyin => Way::Pinyin,
                        How::Initials => Way::Initials,
                        How::Abbreviation => Way::Abbreviation,
                    };
                    let place = 3 - (hit.score / 100 % 10) as u8;
                    prop_assert_eq!((hit.way, place), (way, found.place()), "{:?}: {}", query, name);
                }
            }
            Ok(())
        })?;
    }

    /// A query never returns a member whose name (or the field it names) does not match it.
    #[test]
    fn every_name_hit_really_matches(query in "[a-z]{1,8}|[张王李赵三伟芳明]{1,2}") {
        thread_local! { static SAMPLE: (Directory, Snapshot) = sample_snapshot(); }
        SAMPLE.with(|(_, snap)| {
            let units = QueryUnit::parse(&query);
            let hits = snap.search(&query, &SearchOptions { limit: 200, ..SearchOptions::default() });
            prop_assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "{query:?}: scores out of order");
            for hit in hits {
                if hit.kind == ResultKind::Member && hit.field == Field::Name {
                    let syllables = snap.member_syllables(hit.position);
                    let name = snap.member(hit.position).name;
                    let exact = align(&units, &syllables);
                    match hit.way {
                        Way::Fuzzy => {
                            prop_assert!(exact.is_none(), "{query:?}: {name} matches exactly, not fuzzily");
                            prop_assert!(align_fuzzy(&units, &syllables).is_some(), "{query:?} returned {name} (fuzzy)");
                        }
                        Way::Typo => {
                            prop_assert!(typo_align(&query, &syllables).is_some(), "{query:?} returned {name} (typo)");
                        }
                        _ => prop_assert!(exact.is_some(), "{query:?} returned {name}"),
                    }
                    prop_assert!(!hit.ranges.is_empty(), "{query:?}: {name} without ranges");
                }
            }
            Ok(())
        })?;
    }
}

#[test]
fn the_a_to_z_bar_files_surnames_the_surname_way() {
    let snap = open(&people());
    let initials = snap.initials();
    let count = |l: char| initials.iter().find(|i| i.letter == l).map_or(0, |i| i.count);
    assert_eq!(initials.iter().map(|i| i.count).sum::<usize>(), snap.member_count());
    // 张三 张三丰 張偉 张乐 曾国藩 朱丽: 曾 files under Z, not C.
    assert_eq!(count('Z'), 6);
    assert_eq!(count('C'), 0);
    // 单雄 under S (shan), not D; David Smith under D.
    assert_eq!(count('S'), 1);
    assert_eq!(count('D'), 1);
    let names =
        |letter| snap.by_initial(letter, 0, 50).into_iter().map(|p| snap.member(p).name.to_owned()).collect::<Vec<_>>();
    // Pinyin order within a letter: zeng < zhang < zhu; 张乐 (le) < 张三 (san) < 张三丰 < 張偉 (wei).
    assert_eq!(names('Z'), ["曾国藩", "张乐", "张三", "张三丰", "張偉", "朱丽"]);
    assert_eq!(names('z'), names('Z'));
    assert_eq!(snap.by_initial('Z', 4, 10).len(), 2);
    assert!(names('Q').is_empty());
}

#[test]
fn browsing_lists_children_members_and_breadcrumbs() {
    let snap = open(&people());
    let position = |name: &str| (0..snap.department_count()).find(|&d| snap.department(d).name == name).unwrap();
    let (children, members) = snap.children(position("销售部"));
    assert_eq!(children, [position("单证组")]);
    let names: Vec<_> = members.iter().map(|&m| snap.member(m).userid).collect();
    assert_eq!(names.len(), 5, "{names:?}");
    // Five directly in 销售部 and five in 单证组 below it.
    assert_eq!(snap.department(position("销售部")).headcount, 10);
    let crumbs: Vec<_> = snap.breadcrumbs(position("单证组")).into_iter().map(|d| snap.department(d).name).collect();
    assert_eq!(crumbs, ["上海顺城物流有限公司", "销售部", "单证组"]);
}

#[test]
fn mentions_find_the_query_before_the_cursor() {
    let snap = open(&people());
    let text = "请 @zhangs 看一下";
    let cursor = text.chars().position(|c| c == ' ').unwrap() + "@zhangs".chars().count() + 1;
    let mention = snap.mentions(text, cursor, 5).unwrap();
    assert_eq!((mention.start, mention.end, mention.query.as_str()), (2, 9, "zhangs"));
    assert_eq!(snap.member(mention.suggestions[0]).userid, "zhangsan");
    // No @ before the cursor, or white space after it: no mention.
    assert_eq!(snap.mentions("你好 zhang", 8, 5), None);
    assert_eq!(snap.mentions("@zhang san", 10, 5), None);
}

#[test]
fn filters_combine() {
    let mut value: serde_json::Value = serde_json::from_str(&people().to_json_pretty()).unwrap();
    for (i, m) in value["userlist"].as_array_mut().unwrap().iter_mut().enumerate() {
        m["gender"] = json!(if i % 2 == 0 { "1" } else { "2" });
        m["birthday"] = json!(format!("1990-{:02}-15", i % 12 + 1));
        m["status"] = json!(if i % 3 == 0 { 4 } else { 1 });
    }
    let snap = open(&parse(value));
    use tongxunlu::fields::Gender;
    use tongxunlu::search::Filter;
    let all = snap.filter(&Filter::default());
    assert_eq!(all.len(), snap.member_count());
    let march = snap.filter(&Filter { birthday_month: Some(3), ..Filter::default() });
    assert!(march.iter().all(|&m| snap
        .member(m)
        .text(tongxunlu::fields::TextField::Birthday)
        .unwrap()
        .starts_with("1990-03")));
    assert_eq!(march.len(), 1); // of the 13 members only the third has month 3
    let women_not_following =
        snap.filter(&Filter { gender: Some(Gender::Female), followed: Some(false), ..Filter::default() });
    assert!(!women_not_following.is_empty());
    assert!(women_not_following.iter().all(|&m| snap.member(m).gender == Gender::Female && !snap.member(m).followed));
    let department = (0..snap.department_count()).find(|&d| snap.department(d).name == "单证组").unwrap();
    assert_eq!(snap.filter(&Filter { department: Some(department), ..Filter::default() }).len(), 5);
}
