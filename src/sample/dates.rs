//! Birthdays and hire dates: plausible for the member's age, and as of [`TODAY`], never the
//! clock.

use rand::Rng;

use super::builder::Builder;

/// The date a sample is "as of": no hire date is later, and nothing depends on the clock.
pub const TODAY: &str = "2025-06-30";
const TODAY_YEAR: u16 = 2025;
const TODAY_MONTH: u32 = 6;
/// Hire dates start when the organisation was founded.
const FOUNDED: u16 = 2006;

impl Builder {
    /// A birth year between 1965 and 2003, most often in the mid-1980s.
    pub(super) fn birth_year(&mut self) -> u16 {
        1965 + self.rng.random_range(0..=19) + self.rng.random_range(0..=19)
    }

    /// A birth year between 1962 and 1982, for heads and executives.
    pub(super) fn senior_birth_year(&mut self) -> u16 {
        1962 + self.rng.random_range(0..=10) + self.rng.random_range(0..=10)
    }

    /// A hire date after the member turned 20 and after the company was founded, not after
    /// [`TODAY`].
    pub(super) fn hire_date(&mut self, born: u16) -> String {
        let earliest = (born + 20).clamp(FOUNDED, TODAY_YEAR);
        let year = self.rng.random_range(earliest..=TODAY_YEAR);
        let last_month = if year == TODAY_YEAR { TODAY_MONTH } else { 12 };
        self.date(year, last_month)
    }

    /// A valid `YYYY-MM-DD` in `year`, no later than `last_month`.
    pub(super) fn date(&mut self, year: u16, last_month: u32) -> String {
        let month = self.rng.random_range(1..=last_month);
        let day = self.rng.random_range(1..=days_in_month(year, month));
        format!("{year:04}-{month:02}-{day:02}")
    }
}

/// The days of `month` (1–12) in `year`, leap years counted.
fn days_in_month(year: u16, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_agrees_with_its_year_and_month() {
        assert!(TODAY.starts_with(&format!("{TODAY_YEAR:04}-{TODAY_MONTH:02}-")), "{TODAY}");
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
    }
}
