//! The pinyin syllables every snapshot numbers alike.
//!
//! A snapshot's name readings (`READ`) and character readings (`CHAR`) name each reading by a
//! number. Word numbers below [`SYLLABLES`]`.len()` are the syllables of this table; the words
//! of a snapshot's `WORD` section (Latin words, runs of digits, any reading this table lacks)
//! follow. Numbering the syllables by a fixed table rather than by the directory keeps a
//! reading's number when the directory changes: numbered by the directory, one person who
//! leaves and was the only one to read a character some way renumbered every later reading,
//! and with them most of `READ`, which an update by difference then had to send again.
//!
//! The table is part of the snapshot format: a syllable's number never changes, and a syllable
//! added is appended, in a new format version (an older engine would read its number as a word
//! of `WORD`). It holds every reading the builder's pinyin tables give a
//! character (a test in `tests/text.rs` checks that), the syllables met most in names first, so
//! that the common ones are one-byte varints, then the rest in alphabetical order.

/// The syllables, numbered by their place (see the module doc).
#[rustfmt::skip]
pub const SYLLABLES: [&str; 415] = [
    "li", "zhang", "wang", "chen", "liu", "yue", "xin", "zhao", "yu", "jia", "hong", "he", "yi",
    "chao", "xu", "lin", "yang", "xiao", "wei", "lu", "yan", "jie", "ying", "le", "jing", "hui",
    "guo", "lei", "jun", "yong", "jian", "huo", "bo", "zhen", "ping", "huang", "jiang", "wu",
    "liang", "feng", "zhou", "han", "tian", "dong", "peng", "shi", "sun", "cheng", "zhong", "fan",
    "long", "xue", "ma", "xia", "fang", "hao", "meng", "si", "hua", "tao", "qian", "de", "ming",
    "ting", "qiang", "yun", "xing", "ze", "wen", "zhu", "zhi", "chang", "fen", "xuan", "huan",
    "ling", "mei", "na", "nuo", "shu", "kai", "ke", "sheng", "ning", "bing", "chong", "gui", "qi",
    "hang", "lou", "bin", "gang", "min", "juan", "fei", "hu", "hai", "xiu", "dan", "tong", "lan",
    "zi", "chun", "gao", "luo", "zheng", "xie", "tang", "song", "deng", "zeng", "cao", "ye", "pan",
    "yuan", "du", "su", "cai", "lv", "tan", "ding", "ren", "yao", "shen", "cui", "jin", "qin",
    "liao", "fu", "qiu", "bai", "zou", "xiong", "wan", "yin", "duan", "hou", "gong", "ou", "mao",
    "shao", "gu", "dai", "mo", "xiang", "kong", "lai", "rong", "zhai", "bao", "xian", "lun",
    "shan", "lian", "ge", "jiao", "gai", "piao", "zha", "miao", "chi", "guan", "shang", "a", "ai",
    "an", "ang", "ao", "ba", "ban", "bang", "bei", "ben", "beng", "bi", "bian", "biang", "biao",
    "bie", "bu", "ca", "can", "cang", "ce", "cei", "cen", "ceng", "cha", "chai", "chan", "che",
    "chou", "chu", "chua", "chuai", "chuan", "chuang", "chui", "chuo", "ci", "cong", "cou", "cu",
    "cuan", "cun", "cuo", "da", "dang", "dao", "dei", "den", "di", "dian", "diao", "die", "din",
    "diu", "dou", "dui", "dun", "duo", "e", "ei", "en", "eng", "er", "fa", "fiao", "fo", "fou",
    "ga", "gan", "gei", "gen", "geng", "gou", "gua", "guai", "guang", "gun", "ha", "hei", "hen",
    "heng", "hm", "huai", "hun", "ji", "jiong", "jiu", "ju", "jue", "ka", "kan", "kang", "kao",
    "ken", "keng", "kou", "ku", "kua", "kuai", "kuan", "kuang", "kui", "kun", "kuo", "la", "lang",
    "lao", "leng", "lia", "lie", "lo", "luan", "lve", "m", "mai", "man", "mang", "me", "men", "mi",
    "mian", "mie", "miu", "mou", "mu", "n", "nai", "nan", "nang", "nao", "ne", "nei", "nen",
    "neng", "ni", "nian", "niang", "niao", "nie", "nin", "niu", "nong", "nou", "nu", "nuan", "nun",
    "nv", "nve", "o", "pa", "pai", "pang", "pao", "pei", "pen", "pi", "pian", "pie", "pin", "po",
    "pou", "pu", "qia", "qiao", "qie", "qing", "qiong", "qu", "quan", "que", "qun", "ran", "rang",
    "rao", "re", "reng", "ri", "rou", "ru", "rua", "ruan", "rui", "run", "ruo", "sa", "sai", "san",
    "sang", "sao", "se", "sen", "seng", "sha", "shai", "she", "shou", "shua", "shuai", "shuan",
    "shuang", "shui", "shun", "shuo", "sou", "suan", "sui", "suo", "ta", "tai", "te", "teng", "ti",
    "tiao", "tie", "tou", "tu", "tuan", "tui", "tun", "tuo", "wa", "wai", "weng", "wo", "wong",
    "xi", "xun", "ya", "yo", "you", "za", "zai", "zan", "zang", "zao", "zei", "zen", "zhan", "zhe",
    "zhua", "zhuai", "zhuan", "zhuang", "zhui", "zhun", "zhuo", "zong", "zu", "zuan", "zui", "zun",
    "zuo",
];

/// The number of a syllable of [`SYLLABLES`], if it is one.
#[cfg(feature = "builder")]
pub fn syllable_number(word: &str) -> Option<u32> {
    static BY_WORD: std::sync::OnceLock<std::collections::HashMap<&'static str, u32>> = std::sync::OnceLock::new();
    let by_word = BY_WORD.get_or_init(|| SYLLABLES.iter().enumerate().map(|(n, &s)| (s, n as u32)).collect());
    by_word.get(word).copied()
}
