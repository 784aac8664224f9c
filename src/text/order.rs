//! Pinyin order and the A–Z letter of a name, from its syllables.
//!
//! The builder reads a name's syllables with the pinyin tables ([`super::pinyin`]); the browser
//! reads them back from a snapshot's `READ` records. Both order names by the same two rules,
//! which live here so that there is one of each: the letter a name files under on the A–Z bar,
//! and the key that sorts names in pinyin order. A syllable is given as where it starts in the
//! name (in characters) and what it sorts by: its first reading, or its text when it has none.

use super::normalize::normalized;

/// The letter a name files under: the first letter of its first syllable's first reading, if
/// the name starts with that syllable (leading spaces aside) and the reading with a letter.
/// `first` is the first syllable's start and its first reading, if it has one.
pub(crate) fn initial(name: &str, first: Option<(usize, Option<&str>)>) -> Option<char> {
    let (start, reading) = first?;
    let first_char = name.chars().position(|c| !c.is_whitespace())?;
    if start != first_char {
        return None; // "(外)张三": the name does not start with a syllable
    }
    let letter = reading?.chars().next()?;
    letter.is_ascii_lowercase().then(|| letter.to_ascii_uppercase())
}

/// A key that sorts names in pinyin order: by the surname's reading, then the given name's
/// readings syllable by syllable (李娜 li·na before 林峰 lin·feng), then by the characters
/// themselves, so that names that read alike (张三, 章三) still have an order. Names that file
/// under no letter (`has_initial` false) sort after Z. `syllables`: what each syllable sorts by.
pub(crate) fn sort_key<'s>(name: &str, has_initial: bool, syllables: impl IntoIterator<Item = &'s str>) -> String {
    // Syllables are separated by U+0001 and the readings end with U+0000: both sort before every
    // letter, so a syllable sorts before its own extensions (li < lin) and a name before the
    // longer names it begins (张三 < 张三丰).
    let mut key = String::with_capacity(4 * name.len() + 16);
    if !has_initial {
        key.push('\u{7F}');
    }
    for (i, s) in syllables.into_iter().enumerate() {
        if i > 0 {
            key.push('\u{1}');
        }
        key.push_str(s);
    }
    key.push('\u{0}');
    key.push_str(&normalized(name));
    key.push('\u{0}');
    key.push_str(name);
    key
}
