//! A member's ways of being reached: a unique account, a unique mobile with a real carrier
//! prefix, a desk phone in the department's city, a WeChat id.

use rand::seq::IndexedRandom;
use rand::Rng;

use super::builder::Builder;

impl Builder {
    /// A unique account: the name's ASCII and a three-digit counter (`zhangwei001`).
    pub(super) fn account(&mut self, base: &str) -> String {
        let n = match self.accounts.get_mut(base) {
            Some(n) => {
                *n += 1;
                *n
            }
            None => {
                self.accounts.insert(base.to_owned(), 1);
                1
            }
        };
        format!("{base}{n:03}")
    }

    /// A mobile not handed out before, with a real carrier prefix. Most are plain 11 digits; a
    /// few are written with `+86 ` or in 3-4-4 groups, as people type them.
    pub(super) fn mobile(&mut self) -> String {
        let number = loop {
            let prefix = *MOBILE_PREFIXES.choose(&mut self.rng).expect("not empty");
            let number = prefix * 100_000_000 + self.rng.random_range(0..100_000_000);
            if self.mobiles.insert(number) {
                break number;
            }
        };
        let digits = number.to_string();
        match self.rng.random_range(0..1000) {
            0..25 => format!("+86 {digits}"),
            25..40 => format!("{} {} {}", &digits[..3], &digits[3..7], &digits[7..]),
            _ => digits,
        }
    }

    /// A desk phone (座机) in the department's city, sometimes with an extension.
    pub(super) fn telephone(&mut self, area: &str) -> String {
        // Cities with a three-digit area code have eight-digit numbers; others seven or eight.
        let local = if area.len() == 3 || self.rng.random_bool(0.5) {
            self.rng.random_range(50_000_000..90_000_000)
        } else {
            self.rng.random_range(2_000_000..9_000_000)
        };
        if self.rng.random_bool(0.1) {
            format!("{area}-{local}-{}", self.rng.random_range(100..10_000))
        } else {
            format!("{area}-{local}")
        }
    }

    /// A WeChat id in one of the shapes people choose. Every shape starts with a letter, so
    /// none is all digits.
    pub(super) fn weixin_id(&mut self, base: &str, alias: Option<&str>, born: u16) -> String {
        match (self.rng.random_range(0..4), alias) {
            (0, _) => {
                // WeChat's own default id.
                const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
                let tail: String =
                    (0..12).map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char).collect();
                format!("wxid_{tail}")
            }
            (1, _) => format!("{base}{:02}", born % 100),
            (2, Some(alias)) => {
                format!("{}{}", alias.to_ascii_lowercase(), self.rng.random_range(10..10_000))
            }
            _ => format!("{base}_{}", self.rng.random_range(100..1000)),
        }
    }
}

/// 中国移动, 联通, 电信 and 广电 prefixes.
#[rustfmt::skip]
const MOBILE_PREFIXES: &[u64] = &[
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156,
    157, 158, 159, 166, 170, 171, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186,
    187, 188, 189, 191, 192, 198, 199,
];
