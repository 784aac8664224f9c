//! People's names, as a Chinese directory search must cope with them: surnames drawn by census
//! frequency, the polyphonic and compound surnames planted in every large sample, heteronyms in
//! given names, some names in traditional characters, some Latin names, English aliases.

use rand::distr::Distribution;
use rand::seq::IndexedRandom;
use rand::Rng;

use super::builder::Builder;
use crate::model::Gender;

/// The polyphonic surnames every sample of 1,000 generated members or more contains, each read
/// the surname way (单 Shàn, not dān).
pub const POLYPHONIC_SURNAMES: &[&str] = &["单", "曾", "解", "区", "仇", "朴", "查", "乐", "覃", "盖", "缪", "翟"];

/// The compound (two-character) surnames every sample of 1,000 generated members or more
/// contains.
pub const COMPOUND_SURNAMES: &[&str] = &["欧阳", "司马", "诸葛", "上官", "尉迟", "万俟", "长孙", "东方"];

/// A generated name and the ASCII the account is made from.
pub(super) struct Person {
    pub(super) name: String,
    /// Pinyin-ish ASCII of the name (`zhangwei`, `davidsmith`).
    pub(super) base: String,
    pub(super) gender: Gender,
    pub(super) alias: Option<&'static str>,
    /// The Chinese surname, for a child's name; `None` for a Latin name.
    pub(super) surname: Option<&'static str>,
}

/// The given-name characters of one script (simplified or traditional), and how often people
/// who write their names in it go by an English alias.
struct Script {
    male: &'static [(&'static str, &'static str)],
    female: &'static [(&'static str, &'static str)],
    alias: f64,
}

const SIMPLIFIED: Script = Script { male: MALE_GIVEN, female: FEMALE_GIVEN, alias: 0.15 };
/// Hong Kong and Taiwan colleagues often go by an English name.
const TRADITIONAL: Script = Script { male: TRADITIONAL_MALE_GIVEN, female: TRADITIONAL_FEMALE_GIVEN, alias: 0.4 };

impl Builder {
    /// Chooses which generated people carry each polyphonic and compound surname once, so that
    /// every sample of 1,000 generated members or more has all of them. Smaller samples rely on
    /// the surnames' own (small) frequencies.
    pub(super) fn plant_rare_surnames(&mut self, generated: usize) {
        let rare: Vec<usize> = POLYPHONIC_SURNAMES
            .iter()
            .chain(COMPOUND_SURNAMES)
            .map(|r| SURNAMES.iter().position(|s| s.0 == *r).expect("every rare surname is in SURNAMES"))
            .collect();
        if generated < 1000 {
            return;
        }
        let slots = rand::seq::index::sample(&mut self.rng, generated, rare.len());
        self.planted = slots.into_iter().zip(rare).collect();
    }

    /// A new person's name: ~1% Latin, ~2% traditional characters, the rest simplified, with a
    /// surname drawn by census frequency (or planted, see `plant_rare_surnames`).
    pub(super) fn person(&mut self, gender: Option<Gender>) -> Person {
        let gender = gender.unwrap_or_else(|| match self.rng.random_range(0..100) {
            0..52 => Gender::Male,
            52..99 => Gender::Female,
            _ => Gender::Unknown,
        });
        let ordinal = self.people;
        self.people += 1;
        if let Some(&s) = self.planted.get(&ordinal) {
            return self.han_person(SURNAMES[s].0, SURNAMES[s].1, gender, &SIMPLIFIED);
        }
        match self.rng.random_range(0..1000) {
            0..10 => self.latin_person(gender),
            10..30 => self.traditional_person(gender),
            _ => {
                let (surname, ascii, _) = SURNAMES[self.surname_weights.sample(&mut self.rng)];
                self.han_person(surname, ascii, gender, &SIMPLIFIED)
            }
        }
    }

    /// 張偉, 陳淑芬: a traditional surname and traditional given-name characters. Every surname
    /// in the table is written differently in simplified characters, so every such name has at
    /// least one traditional-only character.
    fn traditional_person(&mut self, gender: Gender) -> Person {
        let &(surname, ascii) = TRADITIONAL_SURNAMES.choose(&mut self.rng).expect("not empty");
        self.han_person(surname, ascii, gender, &TRADITIONAL)
    }

    /// `surname` and a given name in `script`'s characters for `gender` (either set when the
    /// gender is unknown), sometimes with an English alias.
    fn han_person(&mut self, surname: &'static str, ascii: &str, gender: Gender, script: &Script) -> Person {
        let chars = match gender {
            Gender::Male => script.male,
            Gender::Female => script.female,
            Gender::Unknown if self.rng.random_bool(0.5) => script.male,
            Gender::Unknown => script.female,
        };
        let (given, given_ascii) = self.given_name(chars, 0.2);
        let alias = self.rng.random_bool(script.alias).then(|| self.english_name(gender));
        Person {
            name: format!("{surname}{given}"),
            base: format!("{ascii}{given_ascii}"),
            gender,
            alias,
            surname: Some(surname),
        }
    }

    fn latin_person(&mut self, gender: Gender) -> Person {
        let firsts = if gender == Gender::Female { LATIN_FEMALE } else { LATIN_MALE };
        let &(first, first_ascii) = firsts.choose(&mut self.rng).expect("not empty");
        let &(last, last_ascii) = LATIN_SURNAMES.choose(&mut self.rng).expect("not empty");
        Person {
            name: format!("{first} {last}"),
            base: format!("{first_ascii}{last_ascii}"),
            gender,
            alias: None,
            surname: None,
        }
    }

    /// A given name of one character (with probability `single`) or two, and its ASCII.
    fn given_name(&mut self, chars: &[(&str, &str)], single: f64) -> (String, String) {
        let len = if self.rng.random_bool(single) { 1 } else { 2 };
        let mut given = String::new();
        let mut ascii = String::new();
        for _ in 0..len {
            let &(c, a) = chars.choose(&mut self.rng).expect("not empty");
            given.push_str(c);
            ascii.push_str(a);
        }
        (given, ascii)
    }

    fn english_name(&mut self, gender: Gender) -> &'static str {
        let names = if gender == Gender::Female { ENGLISH_FEMALE } else { ENGLISH_MALE };
        self.pick(names)
    }

    /// A pupil's name: the father's surname when given, else one drawn by frequency, and one of
    /// the given names popular for children born after 2013.
    pub(super) fn child_name(&mut self, surname: Option<&str>) -> String {
        let surname = surname.unwrap_or_else(|| SURNAMES[self.surname_weights.sample(&mut self.rng)].0);
        format!("{surname}{}", self.pick(CHILD_GIVEN_NAMES))
    }
}

/// Surnames, their ASCII and their approximate share of the population in hundredths of a
/// percent (王 7.25%). The top hundred follow the census; the polyphonic and compound surnames
/// after them are rarer, and are planted as well (see `plant_rare_surnames`).
#[rustfmt::skip]
pub(super) const SURNAMES: &[(&str, &str, u32)] = &[
    ("王", "wang", 725), ("李", "li", 719), ("张", "zhang", 683), ("刘", "liu", 538),
    ("陈", "chen", 453), ("杨", "yang", 308), ("黄", "huang", 223), ("赵", "zhao", 219),
    ("吴", "wu", 205), ("周", "zhou", 197), ("徐", "xu", 158), ("孙", "sun", 154),
    ("马", "ma", 136), ("朱", "zhu", 128), ("胡", "hu", 125), ("郭", "guo", 118),
    ("何", "he", 116), ("林", "lin", 113), ("高", "gao", 108), ("罗", "luo", 95),
    ("郑", "zheng", 94), ("梁", "liang", 87), ("谢", "xie", 79), ("宋", "song", 76),
    ("唐", "tang", 74), ("许", "xu", 71), ("韩", "han", 70), ("冯", "feng", 70),
    ("邓", "deng", 68), ("曹", "cao", 62), ("彭", "peng", 61), ("曾", "zeng", 59),
    ("肖", "xiao", 58), ("田", "tian", 56), ("董", "dong", 54), ("袁", "yuan", 50),
    ("潘", "pan", 49), ("于", "yu", 48), ("蒋", "jiang", 47), ("蔡", "cai", 46),
    ("余", "yu", 45), ("杜", "du", 44), ("叶", "ye", 43), ("程", "cheng", 42),
    ("苏", "su", 40), ("魏", "wei", 39), ("吕", "lv", 38), ("丁", "ding", 37),
    ("任", "ren", 36), ("沈", "shen", 35), ("姚", "yao", 34), ("卢", "lu", 33),
    ("姜", "jiang", 32), ("崔", "cui", 31), ("钟", "zhong", 30), ("谭", "tan", 29),
    ("陆", "lu", 28), ("汪", "wang", 27), ("范", "fan", 26), ("金", "jin", 25),
    ("石", "shi", 24), ("廖", "liao", 23), ("贾", "jia", 22), ("夏", "xia", 21),
    ("韦", "wei", 21), ("付", "fu", 20), ("方", "fang", 20), ("白", "bai", 19),
    ("邹", "zou", 19), ("孟", "meng", 18), ("熊", "xiong", 18), ("秦", "qin", 17),
    ("邱", "qiu", 17), ("江", "jiang", 17), ("尹", "yin", 16), ("薛", "xue", 16),
    ("闫", "yan", 15), ("段", "duan", 15), ("雷", "lei", 15), ("侯", "hou", 14),
    ("龙", "long", 14), ("史", "shi", 14), ("陶", "tao", 13), ("黎", "li", 13),
    ("贺", "he", 13), ("顾", "gu", 12), ("毛", "mao", 12), ("郝", "hao", 12),
    ("龚", "gong", 11), ("邵", "shao", 11), ("万", "wan", 11), ("钱", "qian", 11),
    ("严", "yan", 10), ("覃", "qin", 10), ("武", "wu", 10), ("戴", "dai", 10),
    ("莫", "mo", 9), ("孔", "kong", 9), ("向", "xiang", 9), ("汤", "tang", 9),
    // Polyphonic: the surname reading differs from the everyday one.
    ("单", "shan", 6), ("解", "xie", 4), ("区", "ou", 3), ("仇", "qiu", 3),
    ("朴", "piao", 4), ("查", "zha", 3), ("乐", "yue", 3), ("盖", "ge", 3),
    ("缪", "miao", 3), ("翟", "zhai", 6),
    // Compound.
    ("欧阳", "ouyang", 3), ("司马", "sima", 2), ("诸葛", "zhuge", 1), ("上官", "shangguan", 1),
    ("尉迟", "yuchi", 1), ("万俟", "moqi", 1), ("长孙", "zhangsun", 1), ("东方", "dongfang", 1),
];

/// Given-name characters; 长 重 行 朝 乐 和 are heteronyms.
#[rustfmt::skip]
const MALE_GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("刚", "gang"), ("平", "ping"), ("辉", "hui"),
    ("鹏", "peng"), ("华", "hua"), ("飞", "fei"), ("鑫", "xin"), ("波", "bo"), ("斌", "bin"),
    ("宇", "yu"), ("浩", "hao"), ("凯", "kai"), ("健", "jian"), ("俊", "jun"), ("帆", "fan"),
    ("旭", "xu"), ("宁", "ning"), ("龙", "long"), ("林", "lin"), ("建", "jian"), ("国", "guo"),
    ("志", "zhi"), ("文", "wen"), ("博", "bo"), ("晨", "chen"), ("轩", "xuan"), ("子", "zi"),
    ("天", "tian"), ("泽", "ze"), ("一", "yi"), ("家", "jia"), ("振", "zhen"), ("海", "hai"),
    ("东", "dong"), ("峰", "feng"), ("成", "cheng"), ("亮", "liang"), ("鸿", "hong"), ("毅", "yi"),
    ("嘉", "jia"), ("德", "de"), ("永", "yong"), ("新", "xin"), ("云", "yun"), ("胜", "sheng"),
    ("宏", "hong"), ("晓", "xiao"), ("长", "chang"), ("重", "chong"), ("行", "xing"),
    ("朝", "zhao"), ("和", "he"), ("乐", "le"),
];

#[rustfmt::skip]
const FEMALE_GIVEN: &[(&str, &str)] = &[
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"),
    ("娟", "juan"), ("霞", "xia"), ("秀", "xiu"), ("玲", "ling"), ("燕", "yan"), ("婷", "ting"),
    ("雪", "xue"), ("慧", "hui"), ("颖", "ying"), ("琳", "lin"), ("洁", "jie"), ("倩", "qian"),
    ("晶", "jing"), ("欣", "xin"), ("怡", "yi"), ("佳", "jia"), ("梦", "meng"), ("雨", "yu"),
    ("璐", "lu"), ("萍", "ping"), ("红", "hong"), ("淑", "shu"), ("芬", "fen"), ("桂", "gui"),
    ("兰", "lan"), ("英", "ying"), ("莉", "li"), ("薇", "wei"), ("丹", "dan"), ("悦", "yue"),
    ("诗", "shi"), ("涵", "han"), ("思", "si"), ("琪", "qi"), ("晓", "xiao"), ("月", "yue"),
    ("冰", "bing"), ("春", "chun"), ("玉", "yu"), ("珍", "zhen"), ("美", "mei"), ("彤", "tong"),
    ("可", "ke"), ("馨", "xin"), ("蕾", "lei"), ("露", "lu"), ("欢", "huan"), ("乐", "le"),
    ("和", "he"), ("朝", "zhao"),
];

/// Traditional surnames, each written differently in simplified characters.
#[rustfmt::skip]
const TRADITIONAL_SURNAMES: &[(&str, &str)] = &[
    ("張", "zhang"), ("陳", "chen"), ("劉", "liu"), ("黃", "huang"), ("楊", "yang"),
    ("趙", "zhao"), ("吳", "wu"), ("許", "xu"), ("鄭", "zheng"), ("謝", "xie"), ("羅", "luo"),
    ("葉", "ye"), ("蘇", "su"), ("鍾", "zhong"), ("賴", "lai"), ("盧", "lu"), ("馮", "feng"),
    ("蕭", "xiao"), ("孫", "sun"), ("歐陽", "ouyang"), ("司馬", "sima"),
];

#[rustfmt::skip]
const TRADITIONAL_MALE_GIVEN: &[(&str, &str)] = &[
    ("偉", "wei"), ("強", "qiang"), ("國", "guo"), ("華", "hua"), ("傑", "jie"), ("豪", "hao"),
    ("龍", "long"), ("鴻", "hong"), ("榮", "rong"), ("銘", "ming"), ("東", "dong"), ("興", "xing"),
    ("賢", "xian"), ("學", "xue"), ("進", "jin"), ("輝", "hui"), ("駿", "jun"), ("澤", "ze"),
    ("倫", "lun"), ("樂", "le"), ("長", "chang"), ("德", "de"), ("明", "ming"), ("志", "zhi"),
];

#[rustfmt::skip]
const TRADITIONAL_FEMALE_GIVEN: &[(&str, &str)] = &[
    ("淑", "shu"), ("芬", "fen"), ("麗", "li"), ("美", "mei"), ("玲", "ling"), ("婷", "ting"),
    ("儀", "yi"), ("慧", "hui"), ("鳳", "feng"), ("雲", "yun"), ("燕", "yan"), ("穎", "ying"),
    ("詩", "shi"), ("婉", "wan"), ("瑩", "ying"), ("馨", "xin"), ("蓮", "lian"), ("靜", "jing"),
    ("曉", "xiao"), ("雯", "wen"), ("萱", "xuan"), ("寶", "bao"), ("嬌", "jiao"), ("華", "hua"),
];

#[rustfmt::skip]
const LATIN_MALE: &[(&str, &str)] = &[
    ("David", "david"), ("Michael", "michael"), ("James", "james"), ("Thomas", "thomas"),
    ("Peter", "peter"), ("Daniel", "daniel"), ("John", "john"), ("Lukas", "lukas"),
    ("Pierre", "pierre"), ("Marco", "marco"), ("Carlos", "carlos"), ("Ivan", "ivan"),
];

#[rustfmt::skip]
const LATIN_FEMALE: &[(&str, &str)] = &[
    ("Anna", "anna"), ("Sarah", "sarah"), ("Maria", "maria"), ("Laura", "laura"),
    ("Julia", "julia"), ("Emma", "emma"), ("Sophie", "sophie"), ("Olivia", "olivia"),
    ("Chloé", "chloe"), ("Elena", "elena"), ("Hannah", "hannah"), ("Lucy", "lucy"),
];

#[rustfmt::skip]
const LATIN_SURNAMES: &[(&str, &str)] = &[
    ("Smith", "smith"), ("Müller", "muller"), ("Johnson", "johnson"), ("Brown", "brown"),
    ("Schmidt", "schmidt"), ("Wilson", "wilson"), ("Martin", "martin"), ("Dubois", "dubois"),
    ("Rossi", "rossi"), ("García", "garcia"), ("Kim", "kim"), ("Nguyen", "nguyen"),
    ("Fischer", "fischer"), ("Taylor", "taylor"), ("Williams", "williams"), ("Novak", "novak"),
    ("Lefèvre", "lefevre"), ("O'Brien", "obrien"),
];

#[rustfmt::skip]
const ENGLISH_MALE: &[&str] = &[
    "Tony", "Jack", "Kevin", "Eric", "Jason", "Leo", "Alan", "Frank", "Jerry", "Peter", "Steven",
    "Vincent", "Ray", "Sam", "Louis", "Andy", "Mike", "Bruce",
];

#[rustfmt::skip]
const ENGLISH_FEMALE: &[&str] = &[
    "Lily", "Amy", "Coco", "Vicky", "Cindy", "Grace", "Sunny", "Ivy", "Bella", "Helen", "Wendy",
    "Cherry", "Emily", "Nancy", "Jessica", "Tina", "Joyce", "Anna",
];

#[rustfmt::skip]
const CHILD_GIVEN_NAMES: &[&str] = &[
    "子轩", "梓涵", "浩宇", "一诺", "欣怡", "宇轩", "诗涵", "梓萱", "雨桐", "子墨", "俊熙", "若汐",
    "沐宸", "梓睿", "语桐", "思远", "嘉怡", "浩然", "可馨", "明轩", "乐瑶", "子涵",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_consistent() {
        for rare in POLYPHONIC_SURNAMES.iter().chain(COMPOUND_SURNAMES) {
            assert!(SURNAMES.iter().any(|s| s.0 == *rare), "{rare} missing from SURNAMES");
        }
        for table in [MALE_GIVEN, FEMALE_GIVEN, TRADITIONAL_MALE_GIVEN, TRADITIONAL_FEMALE_GIVEN] {
            for (c, ascii) in table {
                assert_eq!(c.chars().count(), 1, "{c}");
                assert!(ascii.bytes().all(|b| b.is_ascii_lowercase()), "{ascii}");
            }
        }
        for (s, ascii, w) in SURNAMES {
            assert!(*w > 0 && ascii.bytes().all(|b| b.is_ascii_lowercase()), "{s}");
        }
        for (s, _) in TRADITIONAL_SURNAMES {
            assert!(!SURNAMES.iter().any(|t| t.0 == *s), "{s} is also simplified");
        }
    }
}
