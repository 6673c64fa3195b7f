//! What outputs say about ranged inputs: the ranges in the run's identity, and the notes under the table.

use crate::report::lang::Lang;
use crate::scenario::ranges::dist::{plain, Wording};
use crate::scenario::ranges::{Dist, Input, Kind, Space};
use serde::Serialize;

/// One ranged input as outputs record it.
#[derive(Debug, Clone, Serialize)]
pub struct RangeInfo {
    pub key: String,
    /// The range in words: `uniform 0.4 to 0.8`.
    pub range: String,
    /// The central value, which a run without `--draws` uses.
    pub central: String,
}

/// The ranges of a space, in its order.
pub fn ranges(space: &Space) -> Vec<RangeInfo> {
    space
        .inputs
        .iter()
        .map(|input| RangeInfo {
            key: input.key.clone(),
            range: input.describe(),
            central: input.text_at(input.central_u()),
        })
        .collect()
}

/// An input's range in the words of `lang`: in English as `validate` writes it (`triangular 14 to 45, mode 30`),
/// in Danish with Danish words, decimal commas, thousands points and dates (`trekantfordelt 14 til 45; typetal
/// 30`), the parts separated by semicolons so that a decimal comma cannot be read as one.
pub fn describe(input: &Input, lang: Lang) -> String {
    describe_dist(&input.dist, input.kind, lang)
}

fn describe_dist(dist: &Dist, kind: Kind, lang: Lang) -> String {
    if lang == Lang::En {
        return dist.describe(kind);
    }
    let number = move |x: f64| {
        let text = x.to_string();
        match text.split_once('.') {
            Some((_, decimals)) => lang.decimal(x, decimals.len()),
            None => lang.thousands(x),
        }
    };
    let date = move |date: chrono::NaiveDate| lang.date(date);
    let value = move |value: &toml::Value| match value {
        toml::Value::Integer(i) => number(*i as f64),
        toml::Value::Float(x) => number(*x),
        toml::Value::Datetime(_) => {
            let text = plain(value);
            chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_or(text, date)
        }
        other => plain(other),
    };
    let wording = Wording {
        uniform: lang.text("range_uniform"),
        triangular: lang.text("range_triangular"),
        normal: lang.text("range_normal"),
        lognormal: lang.text("range_lognormal"),
        to: lang.text("range_to"),
        mode: lang.text("range_mode"),
        one_of: lang.text("range_one_of"),
        weights: lang.text("range_weights"),
        separator: "; ",
        number: &number,
        date: &date,
        value: &value,
    };
    dist.describe_in(kind, &wording)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_danish_range_has_danish_words_and_numbers() {
        let triangular = Dist::Triangular {
            low: 14.0,
            mode: 30.5,
            high: 1450.0,
        };
        assert_eq!(
            describe_dist(&triangular, Kind::Number, Lang::Da),
            "trekantfordelt 14 til 1.450; typetal 30,5"
        );
        assert_eq!(
            describe_dist(&triangular, Kind::Number, Lang::En),
            "triangular 14 to 1450, mode 30.5"
        );
        let dates = Dist::OneOf {
            values: ["2020-08-31", "2020-12-31"]
                .map(|d| toml::Value::Datetime(d.parse().unwrap()))
                .to_vec(),
            weights: vec![0.25, 0.75],
        };
        assert_eq!(
            describe_dist(&dates, Kind::AsGiven, Lang::Da),
            "en af 31. august 2020; 31. december 2020; vægte 0,25; 0,75"
        );
        let uniform = Dist::Uniform {
            low: 0.4,
            high: 0.8,
        };
        assert_eq!(
            describe_dist(&uniform, Kind::Number, Lang::Da),
            "ligefordelt 0,4 til 0,8"
        );
    }
}
