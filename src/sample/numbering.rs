//! Names of numbered departments, as a growing company gives them: 销售六部, 前端二组, 三班.

/// `names[i]`, or past the end the `i - len + 1`-th numbered name (`销售一部`, `销售二部`, …).
pub(super) fn nth_or(names: &[&str], i: usize, numbered: impl Fn(usize) -> String) -> String {
    match names.get(i) {
        Some(name) => (*name).to_owned(),
        None => numbered(i - names.len() + 1),
    }
}

/// The `i`-th team of a level: its own names first, then the same names again numbered, as a
/// growing company calls its second front-end team 前端二组.
pub(super) fn nth_team(names: &[&str], i: usize) -> String {
    let name = names[i % names.len()];
    let round = i / names.len();
    if round == 0 {
        return name.to_owned();
    }
    let stem = name.strip_suffix('组').unwrap_or(name);
    format!("{stem}{}组", chinese_number(round + 1))
}

/// 1 → 一, 12 → 十二, 40 → 四十; from 100 on, Arabic digits (as in 第120组).
pub(super) fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        20..=99 if n % 10 == 0 => format!("{}十", DIGITS[n / 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 2, 10, 11, 19, 20, 21, 40, 99, 120].map(chinese_number).into();
        assert_eq!(got, ["一", "二", "十", "十一", "十九", "二十", "二十一", "四十", "九十九", "120"]);
    }

    #[test]
    fn team_names_repeat_numbered() {
        let names = ["前端组", "后端组"];
        let got: Vec<String> = (0..5).map(|i| nth_team(&names, i)).collect();
        assert_eq!(got, ["前端组", "后端组", "前端二组", "后端二组", "前端三组"]);
        assert_eq!(nth_or(&["大客户部"], 2, |k| format!("销售{}部", chinese_number(k))), "销售二部");
    }
}
