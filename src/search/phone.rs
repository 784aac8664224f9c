//! How a phone number holds the digits of a query, and so how it ranks.
//!
//! People give a number whole, or by its last four digits (尾号: "I'm 8021"), far more often than
//! by its first digits, which in a mobile number are only the carrier's prefix (138, 186) and the
//! region. So of the numbers that hold the digits, the number that *is* them comes first, then
//! those that *end* with them, then those that *begin* with them, then the rest (docs/search.md).
//! At 200,000 members about 180 numbers hold any four digits, and about twenty end with them.
//!
//! A number here is its digits only, as [`phone_digits`](crate::text::normalize::phone_digits)
//! gives them: the national number, without `+86` or punctuation.

/// How a number holds a query's digits, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tier {
    /// The number is the digits.
    Whole,
    /// The number ends with the digits (尾号).
    End,
    /// The number begins with the digits.
    Start,
    /// The digits are elsewhere in the number.
    Inside,
}

/// The best way `number` holds `digits`, and where (the offset of the digits' first digit in
/// `number`); None when it does not hold them. `digits` is not empty.
pub(crate) fn find(number: &str, digits: &str) -> Option<(Tier, usize)> {
    if number == digits {
        Some((Tier::Whole, 0))
    } else if number.ends_with(digits) {
        Some((Tier::End, number.len() - digits.len()))
    } else if number.starts_with(digits) {
        Some((Tier::Start, 0))
    } else {
        number.find(digits).map(|at| (Tier::Inside, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_number_then_its_end_then_its_start_then_the_rest() {
        assert_eq!(find("13800138000", "13800138000"), Some((Tier::Whole, 0)));
        assert_eq!(find("13800138000", "8000"), Some((Tier::End, 7)));
        // Both its start and its end: the end is how people give a number.
        assert_eq!(find("13813801138", "138"), Some((Tier::End, 8)));
        assert_eq!(find("13800138000", "1380"), Some((Tier::Start, 0)));
        assert_eq!(find("13800138000", "0013"), Some((Tier::Inside, 3)));
        assert_eq!(find("13800138000", "9999"), None);
    }
}
