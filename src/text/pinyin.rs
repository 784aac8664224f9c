//! Readings (pinyin) of names: what a person may type to find a name, its A–Z letter, and its
//! place in pinyin order. Builder only: the snapshot carries what the page needs.
//!
//! # The idea
//!
//! A name is read one syllable per Chinese character (张三 → zhang + san) and one per Latin word
//! ("David Smith" → david + smith). Each syllable has a few *readings* — toneless lowercase ASCII,
//! ü written `v` as every pinyin input method has it (吕 → lv) — and a search matches a syllable
//! by a prefix of any of them. So the readings decide both recall (张乐 must be found by "zhangyue"
//! as well as "zhangle") and noise (许 must not be found by "h").
//!
//! # Which readings a character has: the curation rule
//!
//! 1. A character has its most common reading: the first one pinyin-data (the `pinyin` crate)
//!    lists, unless rule 2 says otherwise.
//! 2. The characters of [`CURATED`] have exactly the readings listed there, most common first.
//!    It holds the common heteronyms (多音字), each with the readings people actually type
//!    (长 chang/zhang, 行 xing/hang, 乐 le/yue, 厦 xia/sha, …), and the few characters whose first
//!    dictionary reading is not the one people use (卜 is bu, pinyin-data lists bo first).
//! 3. Every other dictionary reading is dropped. 许 hu, 朱 shu, 广 an and 大 tai are real
//!    dictionary readings, and they are the most common complaint about pinyin matchers: they make
//!    "h" find every 许. 大 keeps dai (大夫) because it is in the table.
//!
//! The table can only choose among pinyin-data's readings, never invent one (a test checks).
//! Latin letters and digits are their own reading; other characters have none.
//!
//! # Surnames
//!
//! The surname of a Chinese name (found by [`split_name`], compound surnames included) is read the
//! surname way first: [`SURNAME_READINGS`] for the single-character surnames whose surname reading
//! is not the character's first (单 shan, 曾 zeng, 解 xie, 区 ou, 仇 qiu, 朴 piao, 查 zha, 乐 yue,
//! …), followed by the character's other readings, since people who do not know the surname way
//! read 单 dan; any other single-character surname has the character's first reading only.
//! [`COMPOUND_SURNAME_READINGS`] reads the compound surnames read unusually (尉迟 yu chi, 万俟
//! mo qi, 长孙 zhang sun, 单于 chan yu, 澹台 tan tai), each other one is read by each
//! character's first reading (欧阳 ou yang). A compound surname is one syllable per
//! character, all marked [`Syllable::surname`].
//!
//! # Latin names
//!
//! A Latin word's reading is the word normalised and folded to ASCII: accents dropped (Chloé →
//! chloe, Müller → muller — ü becomes u here, since nobody types v for a German name), ß → ss,
//! æ → ae, ø → o, and apostrophes removed inside a word (O'Brien → obrien).
//!
//! ```
//! use tongxunlu::text::pinyin::{name_readings, surname_initial};
//!
//! let readings: Vec<Vec<String>> = name_readings("单乐").into_iter().map(|s| s.readings).collect();
//! assert_eq!(readings, [vec!["shan", "dan"], vec!["le", "yue"]]);
//! assert_eq!(surname_initial("曾伟"), Some('Z'));
//! ```

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use pinyin::ToPinyin;
use unicode_normalization::UnicodeNormalization;

use super::normalize::{is_han, normalize, to_simplified};
use super::surname::split_name;

/// One syllable of a name: a Chinese character, or a Latin word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syllable {
    /// The normalised character (张 for 張), or the normalised Latin word ("tony", "müller").
    pub text: String,
    /// What may be typed for it, preferred first; empty for a character with no known reading.
    pub readings: Vec<String>,
    /// The characters it covers in the original name, counted in `char`s, for highlighting.
    pub chars: Range<usize>,
    /// Whether it is (part of) the family name.
    pub surname: bool,
}

/// The common heteronyms (多音字) and their readings people type, most common first; and the
/// characters whose first dictionary reading is not the one people use (rule 2 of the module doc).
#[rustfmt::skip]
pub const CURATED: &[(char, &[&str])] = &[
    // Heteronyms met in names, surnames and place names.
    ('长', &["chang", "zhang"]), ('重', &["zhong", "chong"]), ('行', &["xing", "hang"]),
    ('朝', &["chao", "zhao"]), ('乐', &["le", "yue"]), ('和', &["he", "huo"]), ('都', &["du", "dou"]),
    ('传', &["chuan", "zhuan"]), ('藏', &["cang", "zang"]), ('调', &["diao", "tiao"]),
    ('茜', &["qian", "xi"]), ('莘', &["xin", "shen"]), ('蔚', &["wei", "yu"]), ('尉', &["wei", "yu"]),
    ('单', &["dan", "shan"]), ('曾', &["zeng", "ceng"]), ('解', &["jie", "xie"]), ('区', &["qu", "ou"]),
    ('仇', &["chou", "qiu"]), ('朴', &["pu", "piao"]), ('查', &["cha", "zha"]), ('盖', &["gai", "ge"]),
    ('缪', &["miao", "miu"]), ('翟', &["zhai", "di"]), ('覃', &["qin", "tan"]), ('万', &["wan", "mo"]),
    ('大', &["da", "dai"]), ('晟', &["sheng", "cheng"]), ('盛', &["sheng", "cheng"]),
    ('柏', &["bai", "bo"]), ('薄', &["bao", "bo"]), ('秘', &["mi", "bi"]), ('宓', &["mi", "fu"]),
    ('牟', &["mou", "mu"]), ('员', &["yuan", "yun"]), ('宿', &["su", "xiu"]), ('召', &["zhao", "shao"]),
    ('折', &["zhe", "she"]), ('颉', &["jie", "xie"]), ('炅', &["jiong", "gui"]), ('娜', &["na", "nuo"]),
    ('隽', &["juan", "jun"]), ('筠', &["yun", "jun"]), ('浚', &["jun", "xun"]), ('珩', &["heng", "hang"]),
    ('焘', &["tao", "dao"]), ('靓', &["jing", "liang"]), ('玟', &["wen", "min"]), ('芾', &["fei", "fu"]),
    ('莎', &["sha", "suo"]), ('莞', &["guan", "wan"]), ('厦', &["xia", "sha"]), ('蚌', &["bang", "beng"]),
    ('六', &["liu", "lu"]), ('番', &["fan", "pan"]), ('涌', &["yong", "chong"]), ('堡', &["bao", "pu"]),
    ('泌', &["mi", "bi"]), ('蔓', &["man", "wan"]), ('纤', &["xian", "qian"]), ('省', &["sheng", "xing"]),
    ('强', &["qiang", "jiang"]), ('奇', &["qi", "ji"]), ('降', &["jiang", "xiang"]),
    ('乘', &["cheng", "sheng"]), ('枞', &["cong", "zong"]), ('铅', &["qian", "yan"]), ('荥', &["xing", "ying"]),
    ('蕃', &["fan", "bo"]), ('栎', &["li", "yue"]),
    // Heteronyms of everyday words, met in department and group names (银行, 会计, 音乐, 出差).
    ('会', &["hui", "kuai"]), ('校', &["xiao", "jiao"]), ('系', &["xi", "ji"]), ('参', &["can", "shen"]),
    ('差', &["cha", "chai"]), ('便', &["bian", "pian"]), ('屏', &["ping", "bing"]), ('给', &["gei", "ji"]),
    ('还', &["hai", "huan"]), ('巷', &["xiang", "hang"]), ('角', &["jiao", "jue"]), ('觉', &["jue", "jiao"]),
    ('卡', &["ka", "qia"]), ('率', &["lv", "shuai"]), ('模', &["mo", "mu"]), ('度', &["du", "duo"]),
    ('得', &["de", "dei"]), ('的', &["de", "di"]), ('地', &["di", "de"]), ('了', &["le", "liao"]),
    ('着', &["zhe", "zhao", "zhuo"]), ('落', &["luo", "la", "lao"]), ('露', &["lu", "lou"]),
    ('绿', &["lv", "lu"]), ('没', &["mei", "mo"]), ('脉', &["mai", "mo"]), ('弹', &["tan", "dan"]),
    ('称', &["cheng", "chen"]), ('亲', &["qin", "qing"]), ('圈', &["quan", "juan"]), ('色', &["se", "shai"]),
    ('塞', &["sai", "se"]), ('什', &["shen", "shi"]), ('似', &["si", "shi"]), ('伺', &["si", "ci"]),
    ('拓', &["tuo", "ta"]), ('提', &["ti", "di"]), ('尾', &["wei", "yi"]), ('削', &["xue", "xiao"]),
    ('血', &["xue", "xie"]), ('吓', &["xia", "he"]), ('钥', &["yao", "yue"]), ('约', &["yue", "yao"]),
    ('择', &["ze", "zhai"]), ('扎', &["zha", "za"]), ('轧', &["ya", "zha"]), ('粘', &["nian", "zhan"]),
    ('弄', &["nong", "long"]), ('劲', &["jin", "jing"]), ('壳', &["ke", "qiao"]), ('剥', &["bo", "bao"]),
    ('泊', &["bo", "po"]), ('刹', &["sha", "cha"]), ('禅', &["chan", "shan"]), ('颤', &["chan", "zhan"]),
    ('匙', &["chi", "shi"]), ('畜', &["chu", "xu"]), ('攒', &["zan", "cuan"]), ('佛', &["fo", "fu"]),
    ('茄', &["qie", "jia"]),
    // One reading, but not pinyin-data's first.
    ('卜', &["bu"]), ('阚', &["kan"]),
];

/// Single-character surnames whose surname reading is not the character's first reading, or
/// that have two surname readings (乐 Yuè and Lè); most common first.
#[rustfmt::skip]
pub const SURNAME_READINGS: &[(char, &[&str])] = &[
    // The ones docs/search.md names.
    ('单', &["shan"]), ('曾', &["zeng"]), ('解', &["xie"]), ('区', &["ou"]), ('仇', &["qiu"]),
    ('朴', &["piao"]), ('查', &["zha"]), ('乐', &["yue", "le"]), ('覃', &["qin", "tan"]),
    ('盖', &["ge", "gai"]), ('缪', &["miao"]), ('翟', &["zhai"]),
    // Rarer ones.
    ('重', &["chong"]), ('藏', &["zang"]), ('蔚', &["yu", "wei"]), ('莘', &["shen"]), ('秘', &["bi"]),
    ('种', &["chong"]), ('员', &["yun"]), ('繁', &["po"]), ('折', &["she"]), ('召', &["shao"]),
    ('能', &["nai"]), ('洗', &["xian"]), ('薄', &["bo"]), ('炅', &["gui"]), ('乜', &["nie"]),
    ('祭', &["zhai"]), ('句', &["gou"]), ('隗', &["wei", "kui"]), ('角', &["jue"]), ('佴', &["nai"]),
    ('颉', &["xie"]), ('宓', &["mi", "fu"]), ('郇', &["huan", "xun"]), ('牟', &["mou", "mu"]),
    ('行', &["xing", "hang"]),
];

/// Compound surnames whose characters are not read by their first readings, one reading per
/// character.
#[rustfmt::skip]
pub const COMPOUND_SURNAME_READINGS: &[(&str, &[&str])] = &[
    ("尉迟", &["yu", "chi"]), ("万俟", &["mo", "qi"]), ("长孙", &["zhang", "sun"]),
    ("单于", &["chan", "yu"]), ("澹台", &["tan", "tai"]), ("子车", &["zi", "ju"]),
];

static CURATED_BY_CHAR: LazyLock<HashMap<char, &[&str]>> = LazyLock::new(|| CURATED.iter().copied().collect());
static SURNAME_BY_CHAR: LazyLock<HashMap<char, &[&str]>> = LazyLock::new(|| SURNAME_READINGS.iter().copied().collect());

/// The readings of one character, preferred first (the curation rule of the module doc). The
/// character is normalised first, so 張 reads as 张 and Ａ as a.
///
/// ```
/// use tongxunlu::text::pinyin::readings;
///
/// assert_eq!(readings('张'), ["zhang"]);
/// assert_eq!(readings('乐'), ["le", "yue"]);
/// assert_eq!(readings('许'), ["xu"]);
/// assert_eq!(readings('吕'), ["lv"]);
/// assert_eq!(readings('Ｔ'), ["t"]);
/// assert!(readings('。').is_empty());
/// ```
pub fn readings(c: char) -> Vec<&'static str> {
    readings_of_normalized(normalize_char(c))
}

/// [`readings`] of a character already normalised.
fn readings_of_normalized(c: char) -> Vec<&'static str> {
    if let Some(curated) = CURATED_BY_CHAR.get(&c) {
        return curated.to_vec();
    }
    if c.is_ascii_alphanumeric() {
        return ascii_reading(c).into_iter().collect();
    }
    c.to_pinyin().map(|p| typed(p.plain())).into_iter().collect()
}

/// The syllables of a person's name, in order, with the surname read the surname way (see the
/// module doc). Traditional characters are read as their simplified forms; characters that are
/// neither Chinese nor Latin (spaces, punctuation, other scripts) make no syllable.
///
/// ```
/// use tongxunlu::text::pinyin::name_readings;
///
/// let syllables = name_readings("歐陽娜娜");
/// let texts: Vec<&str> = syllables.iter().map(|s| s.text.as_str()).collect();
/// assert_eq!(texts, ["欧", "阳", "娜", "娜"]);
/// assert_eq!(syllables[1].readings, ["yang"]);
/// assert!(syllables[0].surname && syllables[1].surname && !syllables[2].surname);
///
/// let syllables = name_readings("李 Tony");
/// assert_eq!((syllables[1].text.as_str(), syllables[1].chars.clone()), ("tony", 2..6));
/// ```
pub fn name_readings(name: &str) -> Vec<Syllable> {
    let (normalized, units) = normalized_units(name);
    let mut syllables = syllables(&units);
    let (family, _) = split_name(&normalized);
    if family.is_empty() {
        return syllables;
    }
    // split_name answers a slice of its argument; where it lies says which characters it took.
    let start = family.as_ptr() as usize - normalized.as_ptr() as usize;
    let family_chars = original_chars(&units, start..start + family.len());
    for s in &mut syllables {
        s.surname = family_chars.start <= s.chars.start && s.chars.end <= family_chars.end;
    }
    read_surname(&mut syllables);
    add_u_spellings(&mut syllables);
    syllables
}

/// The syllables of any other text (a department or group name): every character read by
/// [`readings`], no surname.
///
/// ```
/// use tongxunlu::text::pinyin::text_readings;
///
/// let readings: Vec<Vec<String>> = text_readings("重庆银行").into_iter().map(|s| s.readings).collect();
/// assert_eq!(readings, [vec!["zhong", "chong"], vec!["qing"], vec!["yin"], vec!["xing", "hang"]]);
/// ```
pub fn text_readings(text: &str) -> Vec<Syllable> {
    let mut syllables = syllables(&normalized_units(text).1);
    add_u_spellings(&mut syllables);
    syllables
}

/// The other ways people spell ü after l and n, added after a Chinese syllable's readings (which
/// write it `v`, as input methods do): `lue`/`nue`, as pinyin itself writes 略 and 虐 (no other
/// syllable is spelled so), and `lyu`/`nyu`, the passport spelling of 吕 and 女. (After j, q, x
/// and y pinyin writes ü as u already: 去 is qu.) Typed `ü`, a query reads it as v after l and n
/// (src/search/matcher.rs).
///
/// ```
/// use tongxunlu::text::pinyin::name_readings;
///
/// let readings: Vec<Vec<String>> = name_readings("吕略").into_iter().map(|s| s.readings).collect();
/// assert_eq!(readings, [vec!["lv", "lyu"], vec!["lve", "lue"]]);
/// ```
fn add_u_spellings(syllables: &mut [Syllable]) {
    for syllable in syllables.iter_mut().filter(|s| s.text.chars().all(is_han)) {
        let spelled: Vec<String> = syllable
            .readings
            .iter()
            .filter_map(|r| match r.as_str() {
                "lv" => Some("lyu".to_owned()),
                "nv" => Some("nyu".to_owned()),
                "lve" => Some("lue".to_owned()),
                "nve" => Some("nue".to_owned()),
                _ => None,
            })
            .collect();
        for spelling in spelled {
            if !syllable.readings.contains(&spelling) {
                syllable.readings.push(spelling);
            }
        }
    }
}

/// The letter A–Z a name files under in the A–Z bar, or `None` for the `#` bucket.
///
/// A Chinese name files under the first letter of its surname reading (曾 under Z, 单 under S,
/// 欧阳 under O). A Latin name files under its first letter as displayed ("David Smith" under
/// D), as WeChat Work and DingTalk file them: people look a colleague up by the name they see
/// first. A name that starts with anything else (a digit, a sign, another script) is `None`.
///
/// ```
/// use tongxunlu::text::pinyin::surname_initial;
///
/// assert_eq!(surname_initial("单田芳"), Some('S'));
/// assert_eq!(surname_initial("David Smith"), Some('D'));
/// assert_eq!(surname_initial("123"), None);
/// ```
pub fn surname_initial(name: &str) -> Option<char> {
    initial(name, &name_readings(name))
}

/// [`surname_initial`] of a name already read: `syllables` is its [`name_readings`].
pub(crate) fn initial(name: &str, syllables: &[Syllable]) -> Option<char> {
    let first = syllables.first().map(|s| (s.chars.start, s.readings.first().map(String::as_str)));
    super::order::initial(name, first)
}

/// A key that sorts names in pinyin order (see [`super::order::sort_key`]): by the surname's
/// reading, then the given name's readings syllable by syllable (李娜 li·na before 林峰
/// lin·feng), then by the characters themselves. Names of the `#` bucket ([`surname_initial`]
/// is `None`) sort after Z.
///
/// ```
/// use tongxunlu::text::pinyin::pinyin_sort_key;
///
/// let mut names = ["张三", "曾伟", "李娜", "林峰", "安娜"];
/// names.sort_by_key(|name| pinyin_sort_key(name));
/// assert_eq!(names, ["安娜", "李娜", "林峰", "曾伟", "张三"]);
/// ```
pub fn pinyin_sort_key(name: &str) -> String {
    sort_key(name, &name_readings(name))
}

/// [`pinyin_sort_key`] of a name already read: `syllables` is its [`name_readings`]. (The
/// snapshot builder reads each name once and takes its key, letter and index keys from that.)
pub(crate) fn sort_key(name: &str, syllables: &[Syllable]) -> String {
    let by = syllables.iter().map(|s| s.readings.first().unwrap_or(&s.text).as_str());
    super::order::sort_key(name, initial(name, syllables).is_some(), by)
}

/// One character of a normalised text, and where it came from.
struct Unit {
    c: char,
    /// Its index, in `char`s, in the original text.
    at: usize,
    /// Its byte offset in the normalised text.
    byte: usize,
}

/// The text normalised character by character, so that every character of the result knows
/// which original character it came from (NFKC may turn one into several: ㈱ → (株)).
fn normalized_units(text: &str) -> (String, Vec<Unit>) {
    let mut normalized = String::with_capacity(text.len());
    let mut units = Vec::with_capacity(text.len());
    let mut push = |c: char, at: usize| {
        units.push(Unit { c, at, byte: normalized.len() });
        normalized.push(c);
    };
    for (at, original) in text.chars().enumerate() {
        if is_plain(original) {
            push(to_simplified(original.to_ascii_lowercase()), at);
        } else {
            normalize(original.encode_utf8(&mut [0; 4])).chars().for_each(|c| push(c, at));
        }
    }
    (normalized, units)
}

/// Whether `normalize` does no more to `c` than lower-case and simplify it: true of ASCII and the
/// unified ideographs, which are most of every name. Lets the builder skip the general path.
fn is_plain(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// The original characters that the normalised bytes `bytes` came from.
fn original_chars(units: &[Unit], bytes: Range<usize>) -> Range<usize> {
    let mut covered = units.iter().filter(|u| bytes.contains(&u.byte)).map(|u| u.at);
    let first = covered.next().unwrap_or(0);
    first..covered.next_back().unwrap_or(first) + 1
}

/// A syllable per Chinese character and per Latin word, read by [`readings`].
fn syllables(units: &[Unit]) -> Vec<Syllable> {
    let mut out = Vec::new();
    let mut word: Option<(Syllable, String)> = None; // the Latin word being read, and its reading
    let finish = |word: &mut Option<(Syllable, String)>, out: &mut Vec<Syllable>| {
        if let Some((mut syllable, reading)) = word.take() {
            syllable.readings = vec![reading];
            out.push(syllable);
        }
    };
    for u in units {
        let ascii = ascii_fold(u.c);
        if !ascii.is_empty() {
            let (syllable, reading) =
                word.get_or_insert_with(|| (syllable_at(u, String::new(), vec![]), String::new()));
            syllable.text.push(u.c);
            syllable.chars.end = u.at + 1;
            reading.push_str(&ascii);
        } else if let Some((syllable, _)) = word.as_mut().filter(|_| is_apostrophe(u.c)) {
            syllable.text.push(u.c); // O'Brien is one word, typed "obrien"
        } else {
            finish(&mut word, &mut out);
            if is_han(u.c) {
                let readings = readings_of_normalized(u.c).into_iter().map(str::to_owned).collect();
                out.push(syllable_at(u, u.c.to_string(), readings));
            }
        }
    }
    finish(&mut word, &mut out);
    out
}

fn syllable_at(u: &Unit, text: String, readings: Vec<String>) -> Syllable {
    Syllable { text, readings, chars: u.at..u.at + 1, surname: false }
}

/// Gives the Chinese syllables of the family name their surname readings.
fn read_surname(syllables: &mut [Syllable]) {
    let family: Vec<&mut Syllable> = syllables.iter_mut().filter(|s| s.surname && s.text.chars().all(is_han)).collect();
    let text: String = family.iter().map(|s| s.text.as_str()).collect();
    let compound = COMPOUND_SURNAME_READINGS.iter().find(|(surname, _)| *surname == text);
    let single = SURNAME_BY_CHAR.get(&text.chars().next().unwrap_or_default()).filter(|_| family.len() == 1);
    for (i, s) in family.into_iter().enumerate() {
        match (compound, single) {
            (Some((_, readings)), _) => s.readings = vec![readings[i].to_owned()],
            (None, Some(readings)) => {
                // The character's other readings follow, for those who do not know the surname
                // way: 单雄信 is found by "danxiongxin" too, after everyone read as typed.
                let others = std::mem::take(&mut s.readings).into_iter().filter(|r| !readings.contains(&r.as_str()));
                s.readings = readings.iter().map(|&r| r.to_owned()).chain(others).collect();
            }
            (None, None) => s.readings.truncate(1),
        }
    }
}

/// What a (normalised) Latin letter or digit is typed as (é → e, ß → ss); empty for anything else.
fn ascii_fold(c: char) -> String {
    if c.is_ascii_alphanumeric() {
        return c.to_ascii_lowercase().to_string();
    }
    if !c.is_alphanumeric() || is_han(c) {
        return String::new();
    }
    // Letters without a decomposition into ASCII plus accents.
    let special = match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'đ' | 'ð' => "d",
        'ł' => "l",
        'þ' => "th",
        'ı' => "i",
        _ => "",
    };
    if !special.is_empty() {
        return special.to_owned();
    }
    // é is e + a combining accent: keep the letter, drop the accent. A letter of another script
    // has no ASCII part at all and so is not Latin.
    let decomposed: String = std::iter::once(c).nfd().collect();
    if decomposed.chars().all(|d| d.is_ascii() || unicode_normalization::char::is_combining_mark(d)) {
        decomposed.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
    } else {
        String::new()
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// `c` normalised, if that is one character (張 → 张, Ａ → a), else `c` itself.
fn normalize_char(c: char) -> char {
    let normalized = normalize(c.encode_utf8(&mut [0; 4]));
    let mut chars = normalized.chars();
    match (chars.next(), chars.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

/// The reading of an ASCII letter or digit: itself, lower case.
fn ascii_reading(c: char) -> Option<&'static str> {
    const ALPHANUMERIC: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    let at = ALPHANUMERIC.find(c.to_ascii_lowercase())?;
    Some(&ALPHANUMERIC[at..at + 1])
}

/// A pinyin-data reading as people type it: ü as v (lü → lv), ê as e.
fn typed(plain: &'static str) -> &'static str {
    match plain {
        "lü" => "lv",
        "lüe" => "lve",
        "nü" => "nv",
        "nüe" => "nve",
        "ê" => "e",
        _ => plain,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use pinyin::ToPinyinMulti;

    use super::*;

    /// Every reading pinyin-data has for `c`, typed.
    fn dictionary_readings(c: char) -> Vec<&'static str> {
        c.to_pinyin_multi().map(|m| m.into_iter().map(|p| typed(p.plain())).collect()).unwrap_or_default()
    }

    #[test]
    fn curated_readings_are_dictionary_readings() {
        let tables = [CURATED, SURNAME_READINGS];
        for &(c, readings) in tables.iter().flat_map(|t| t.iter()) {
            let dictionary = dictionary_readings(c);
            for r in readings {
                assert!(dictionary.contains(r), "{c}: {r} is not among pinyin-data's {dictionary:?}");
            }
        }
        for &(surname, readings) in COMPOUND_SURNAME_READINGS {
            assert_eq!(surname.chars().count(), readings.len(), "{surname}");
            for (c, r) in surname.chars().zip(readings.iter()) {
                assert!(dictionary_readings(c).contains(r), "{surname}: {c} {r}");
            }
        }
    }

    #[test]
    fn the_tables_list_each_character_once_and_every_reading_once() {
        for table in [CURATED, SURNAME_READINGS] {
            let mut seen = HashSet::new();
            for &(c, readings) in table {
                assert!(seen.insert(c), "{c} is listed twice");
                assert!(!readings.is_empty(), "{c}");
                assert_eq!(readings.iter().collect::<HashSet<_>>().len(), readings.len(), "{c}: {readings:?}");
            }
        }
    }

    /// A curated entry with one reading only makes sense where it corrects pinyin-data's first.
    #[test]
    fn single_curated_readings_correct_the_first_dictionary_reading() {
        for &(c, readings) in CURATED.iter().filter(|(_, r)| r.len() == 1) {
            assert_ne!(dictionary_readings(c).first(), readings.first(), "{c} needs no entry");
        }
    }

    #[test]
    fn every_reading_of_every_character_is_lowercase_ascii() {
        for c in (0..=0x3FFFF).filter_map(char::from_u32) {
            for r in dictionary_readings(c) {
                assert!(!r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase()), "{c}: {r:?}");
            }
        }
    }

    #[test]
    fn plain_characters_normalise_as_normalize_does() {
        for c in (0..=0xFFFF).filter_map(char::from_u32).filter(|&c| is_plain(c)) {
            assert_eq!(
                normalize(&c.to_string()),
                to_simplified(c.to_ascii_lowercase()).to_string(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn latin_letters_fold_to_ascii_and_other_scripts_do_not() {
        assert_eq!(ascii_fold('é'), "e");
        assert_eq!(ascii_fold('ü'), "u");
        assert_eq!(ascii_fold('ß'), "ss");
        assert_eq!(ascii_fold('7'), "7");
        assert_eq!(ascii_fold('ж'), "");
        assert_eq!(ascii_fold('张'), "");
        assert_eq!(ascii_fold('-'), "");
    }
}
