//! Simulation time: an integer day index, and the working-day calendar.
//!
//! Day 0 is the first simulated day (the first warm-up day when there is a warm-up). Dates appear only at the
//! edges: when a scenario is read and when results are written.

use crate::scenario::HolidayRule;
use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A simulated day: 0 is the first simulated day; persons in the initial stock arrived on negative days.
pub type Day = i32;

/// Danish public holidays of a year: the fixed ones, the Easter-dependent ones, and Store Bededag (the fourth
/// Friday after Easter) for years before 2024, when it was abolished.
pub fn danish_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed =
        |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("valid fixed holiday");
    let mut days = vec![fixed(1, 1), fixed(12, 25), fixed(12, 26)];
    if let Ok(easter) = computus::gregorian(year) {
        let easter = NaiveDate::from_ymd_opt(easter.year, easter.month, easter.day)
            .expect("computus gives a valid date");
        let offset = |days: i64| easter + chrono::Duration::days(days);
        days.extend([
            offset(-3), // Skærtorsdag
            offset(-2), // Langfredag
            easter,     // Påskedag
            offset(1),  // 2. påskedag
            offset(39), // Kristi himmelfartsdag
            offset(49), // Pinsedag
            offset(50), // 2. pinsedag
        ]);
        if year < 2024 {
            days.push(offset(26)); // Store bededag
        }
    }
    days.sort();
    days
}

/// Which simulated days are working days (meetings are held) and how days map to dates.
#[derive(Debug, Clone)]
pub struct Calendar {
    origin: NaiveDate,
    working: Vec<bool>,
}

impl Calendar {
    /// A calendar of `days` days from `origin`: Monday to Friday, less the public holidays of `holidays` and the
    /// `closed` dates.
    pub fn new(
        origin: NaiveDate,
        days: usize,
        holidays: HolidayRule,
        closed: &[NaiveDate],
    ) -> Self {
        let last = origin + Days::new(days.saturating_sub(1) as u64);
        let mut off: Vec<NaiveDate> = closed.to_vec();
        if holidays == HolidayRule::Denmark {
            for year in origin.year()..=last.year() {
                off.extend(danish_holidays(year));
            }
        }
        off.sort();
        let working = (0..days)
            .map(|i| {
                let date = origin + Days::new(i as u64);
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
                    && off.binary_search(&date).is_err()
            })
            .collect();
        Calendar { origin, working }
    }

    pub fn len(&self) -> usize {
        self.working.len()
    }

    pub fn is_empty(&self) -> bool {
        self.working.is_empty()
    }

    pub fn is_working(&self, day: Day) -> bool {
        usize::try_from(day)
            .ok()
            .and_then(|i| self.working.get(i))
            .copied()
            .unwrap_or(false)
    }

    pub fn date(&self, day: Day) -> NaiveDate {
        if day >= 0 {
            self.origin + Days::new(day as u64)
        } else {
            self.origin - Days::new(day.unsigned_abs() as u64)
        }
    }

    pub fn day(&self, date: NaiveDate) -> Day {
        (date - self.origin).num_days() as Day
    }

    pub fn working_days_between(&self, from: Day, to: Day) -> usize {
        (from..=to).filter(|d| self.is_working(*d)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn holidays_2020_match_the_official_list() {
        // 2020: Easter Sunday 12 April; Store Bededag 8 May; Kristi himmelfart 21 May; Pinse 31 May / 1 June.
        let expected = [
            date(2020, 1, 1),
            date(2020, 4, 9),
            date(2020, 4, 10),
            date(2020, 4, 12),
            date(2020, 4, 13),
            date(2020, 5, 8),
            date(2020, 5, 21),
            date(2020, 5, 31),
            date(2020, 6, 1),
            date(2020, 12, 25),
            date(2020, 12, 26),
        ];
        assert_eq!(danish_holidays(2020), expected);
    }

    #[test]
    fn store_bededag_is_gone_from_2024() {
        // 2023: Easter 9 April, Store Bededag 5 May. 2024: Easter 31 March, no Store Bededag (26 April is a workday).
        assert!(danish_holidays(2023).contains(&date(2023, 5, 5)));
        assert!(!danish_holidays(2024).contains(&date(2024, 4, 26)));
        assert_eq!(danish_holidays(2024).len(), 10);
    }

    #[test]
    fn working_days_of_2020() {
        // 262 weekdays in 2020, of which 8 are holidays (Jan 1, 3 Easter weekdays, Store Bededag, Kristi himmelfart,
        // 2. pinsedag, Dec 25; Dec 26 and Pinsedag fall on weekends).
        let calendar = Calendar::new(date(2020, 1, 1), 366, HolidayRule::Denmark, &[]);
        assert_eq!(calendar.working_days_between(0, 365), 262 - 8);
        let none = Calendar::new(
            date(2020, 1, 1),
            366,
            HolidayRule::None,
            &[date(2020, 12, 24)],
        );
        assert_eq!(none.working_days_between(0, 365), 261);
        assert_eq!(
            calendar.date(calendar.day(date(2020, 3, 12))),
            date(2020, 3, 12)
        );
    }
}
