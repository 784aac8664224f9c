//! Where a person's surname ends.
//!
//! # The idea
//!
//! A Chinese name is the surname followed by the given name, written without a space: 张伟 is
//! 张 + 伟. Almost every surname is one character, so "the first character" is right — except
//! for the compound surnames (复姓), which are two characters (欧阳娜娜 is 欧阳 + 娜娜, not 欧 +
//! 阳娜娜) or, for a few Manchu clan names, four (爱新觉罗). No rule tells a compound surname
//! from a single one followed by a given name; only a list does. [`COMPOUND_SURNAMES`] is that
//! list, in simplified and traditional writing, and [`split_name`] tries it before falling back
//! to the first character.
//!
//! Names in Latin letters are the other way round: "Anna Müller" is the given name Anna and
//! the family name Müller, so such a name is split at its last space.
//!
//! ```
//! use tongxunlu::text::surname::split_name;
//!
//! assert_eq!(split_name("张伟"), ("张", "伟"));
//! assert_eq!(split_name("欧阳娜娜"), ("欧阳", "娜娜"));
//! assert_eq!(split_name("司馬懿"), ("司馬", "懿"));
//! assert_eq!(split_name("Anna Müller"), ("Müller", "Anna"));
//! ```

use super::normalize::is_han;

/// The compound surnames (复姓), as (simplified, traditional); both are the same where no
/// character has a traditional form.
///
/// The sixty-odd compound surnames of the 百家姓, then the ones still met today that it lacks
/// (独孤, 纳兰, …) and the two Manchu clan names most often seen in full. Left out on purpose:
/// 乐正 and 贺兰, because a name starting with them is far more often the common surname 乐 or
/// 贺 followed by a given name (乐正明, 贺兰芳) than one of these very rare surnames.
#[rustfmt::skip]
pub const COMPOUND_SURNAMES: &[(&str, &str)] = &[
    // 百家姓
    ("万俟", "萬俟"), ("司马", "司馬"), ("上官", "上官"), ("欧阳", "歐陽"), ("夏侯", "夏侯"),
    ("诸葛", "諸葛"), ("闻人", "聞人"), ("东方", "東方"), ("赫连", "赫連"), ("皇甫", "皇甫"),
    ("尉迟", "尉遲"), ("公羊", "公羊"), ("澹台", "澹臺"), ("公冶", "公冶"), ("宗政", "宗政"),
    ("濮阳", "濮陽"), ("淳于", "淳于"), ("单于", "單于"), ("太叔", "太叔"), ("申屠", "申屠"),
    ("公孙", "公孫"), ("仲孙", "仲孫"), ("轩辕", "軒轅"), ("令狐", "令狐"), ("钟离", "鍾離"),
    ("宇文", "宇文"), ("长孙", "長孫"), ("慕容", "慕容"), ("鲜于", "鮮于"), ("闾丘", "閭丘"),
    ("司徒", "司徒"), ("司空", "司空"), ("亓官", "亓官"), ("司寇", "司寇"), ("子车", "子車"),
    ("颛孙", "顓孫"), ("端木", "端木"), ("巫马", "巫馬"), ("公西", "公西"), ("漆雕", "漆雕"),
    ("壤驷", "壤駟"), ("公良", "公良"), ("拓跋", "拓跋"), ("夹谷", "夾谷"), ("宰父", "宰父"),
    ("谷梁", "穀梁"), ("段干", "段干"), ("百里", "百里"), ("东郭", "東郭"), ("南门", "南門"),
    ("呼延", "呼延"), ("归海", "歸海"), ("羊舌", "羊舌"), ("微生", "微生"), ("梁丘", "梁丘"),
    ("左丘", "左丘"), ("东门", "東門"), ("西门", "西門"), ("南宫", "南宮"), ("第五", "第五"),
    ("伯赏", "伯賞"), ("有琴", "有琴"),
    // Not in the 百家姓, still met today.
    ("独孤", "獨孤"), ("纳兰", "納蘭"), ("达奚", "達奚"), ("耶律", "耶律"), ("完颜", "完顏"),
    ("太史", "太史"), ("尔朱", "爾朱"), ("即墨", "即墨"), ("东里", "東里"), ("公叔", "公叔"),
    ("东野", "東野"), ("斛律", "斛律"),
    // Manchu clan names written in full.
    ("爱新觉罗", "愛新覺羅"), ("叶赫那拉", "葉赫那拉"),
];

/// The compound surname `name` starts with, in the writing `name` uses, if it starts with one.
/// The longest match wins, so a four-character clan name is never cut short. A name that is a
/// compound surname and nothing more (万俟, 长孙) is that surname too: read as two single
/// surnames it would be 万 wan + 俟 qi, and nobody finds it by "moqi" (SPEC §4).
///
/// ```
/// use tongxunlu::text::surname::compound_surname;
///
/// assert_eq!(compound_surname("诸葛亮"), Some("诸葛"));
/// assert_eq!(compound_surname("歐陽修"), Some("歐陽"));
/// assert_eq!(compound_surname("爱新觉罗·溥仪"), Some("爱新觉罗"));
/// assert_eq!(compound_surname("张伟"), None);
/// assert_eq!(compound_surname("万俟"), Some("万俟"));
/// assert_eq!(compound_surname("梁"), None);
/// ```
pub fn compound_surname(name: &str) -> Option<&str> {
    COMPOUND_SURNAMES
        .iter()
        .flat_map(|&(simplified, traditional)| [simplified, traditional])
        .filter(|surname| name.starts_with(surname))
        .max_by_key(|surname| surname.len())
        .map(|surname| &name[..surname.len()])
}

/// Splits a name into (family name, given name), both slices of `name` with the spaces
/// around them trimmed.
///
/// - A name that starts with a Chinese character: the compound surname it starts with (see
///   [`compound_surname`]), else its first character; the rest is the given name. Spaces and
///   a middle dot between the two (欧阳 娜娜, 爱新觉罗·溥仪) are dropped.
/// - Any other name with a space in it: the family name is the last word ("Anna Müller",
///   "Ludwig van Beethoven" → Beethoven).
/// - A single word ("Madonna", or an empty name): all of it is the family name.
///
/// ```
/// use tongxunlu::text::surname::split_name;
///
/// assert_eq!(split_name("上官婉儿"), ("上官", "婉儿"));
/// assert_eq!(split_name("張三"), ("張", "三"));
/// assert_eq!(split_name("欧阳 娜娜"), ("欧阳", "娜娜"));
/// assert_eq!(split_name("Chloé Dubois"), ("Dubois", "Chloé"));
/// assert_eq!(split_name("Madonna"), ("Madonna", ""));
/// ```
pub fn split_name(name: &str) -> (&str, &str) {
    let name = name.trim();
    let Some(first) = name.chars().next() else { return ("", "") };
    if is_han(first) {
        let family = compound_surname(name).unwrap_or(&name[..first.len_utf8()]);
        let given = name[family.len()..].trim_start_matches(|c: char| c.is_whitespace() || c == '·' || c == '•');
        return (family, given);
    }
    match name.rfind(char::is_whitespace) {
        Some(at) => (name[at..].trim_start(), name[..at].trim_end()),
        None => (name, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_compound_surname_splits_whole_in_both_writings() {
        for &(simplified, traditional) in COMPOUND_SURNAMES {
            for surname in [simplified, traditional] {
                let name = format!("{surname}明");
                assert_eq!(split_name(&name), (surname, "明"), "{name}");
            }
        }
    }

    #[test]
    fn the_table_is_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for &(simplified, traditional) in COMPOUND_SURNAMES {
            assert!(seen.insert(simplified), "{simplified} is listed twice");
            assert_eq!(simplified.chars().count(), traditional.chars().count(), "{simplified} / {traditional}");
            assert!(simplified.chars().count() >= 2 && simplified.chars().all(is_han), "{simplified}");
            assert!(traditional.chars().all(is_han), "{traditional}");
        }
        assert!(COMPOUND_SURNAMES.len() >= 75, "the common list has about 80 entries");
    }

    #[test]
    fn single_character_surnames_take_the_first_character() {
        assert_eq!(split_name("王芳"), ("王", "芳"));
        assert_eq!(split_name("单田芳"), ("单", "田芳"));
        assert_eq!(split_name("欧文"), ("欧", "文"), "欧 alone is a surname too");
        assert_eq!(split_name("张"), ("张", ""));
        assert_eq!(split_name("𠮷野"), ("𠮷", "野"), "a character outside the BMP is not cut in half");
    }

    #[test]
    fn latin_names_split_at_the_last_space() {
        assert_eq!(split_name("Anna Müller"), ("Müller", "Anna"));
        assert_eq!(split_name("  Mary  Ann O'Brien "), ("O'Brien", "Mary  Ann"));
        assert_eq!(split_name("Tony"), ("Tony", ""));
        assert_eq!(split_name(""), ("", ""));
        assert_eq!(split_name("   "), ("", ""));
    }
}
