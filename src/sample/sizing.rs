//! Sizing the organisation: how many children a level gets, and how a count is shared out so
//! that the parts add up exactly.

/// Takes up to `want` from `rest`; returns how many were taken.
pub(super) fn take(rest: &mut usize, want: usize) -> usize {
    let got = want.min(*rest);
    *rest -= got;
    got
}

/// How many children a level gets so that `levels` more levels fan out about equally: the
/// smallest `k` with `k^levels >= budget`, at most `cap` and at most `budget`. Integer
/// arithmetic, so the tree never depends on how a platform rounds a floating-point root.
pub(super) fn fanout(budget: usize, levels: u32, cap: usize) -> usize {
    let mut k = 1usize;
    while k.checked_pow(levels).is_some_and(|p| p < budget) {
        k += 1;
    }
    k.min(cap).min(budget).max(1)
}

/// Splits `total` into parts proportional to `weights` by largest remainder, so the parts add
/// up to `total` exactly. Equal weights are assumed when they are all zero.
pub(super) fn apportion(total: usize, weights: &[f64]) -> Vec<usize> {
    let mut parts = vec![0; weights.len()];
    if weights.is_empty() {
        return parts;
    }
    let sum: f64 = weights.iter().sum();
    let weight = |i: usize| {
        if sum > 0.0 {
            weights[i] / sum
        } else {
            1.0 / weights.len() as f64
        }
    };
    let mut given = 0;
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, part) in parts.iter_mut().enumerate() {
        let exact = total as f64 * weight(i);
        *part = exact.floor() as usize;
        given += *part;
        remainders.push((exact - exact.floor(), i));
    }
    remainders.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // The remainders are each below one, so one round almost always suffices; the loop only
    // guards against floating-point slack.
    let mut left = total.saturating_sub(given);
    while left > 0 {
        for &(_, i) in remainders.iter().take(left) {
            parts[i] += 1;
        }
        left = left.saturating_sub(remainders.len());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fanout_is_the_ceiling_root() {
        assert_eq!(fanout(1, 4, 10), 1);
        assert_eq!(fanout(8, 3, 10), 2);
        assert_eq!(fanout(9, 3, 10), 3);
        assert_eq!(fanout(100, 2, 10), 10);
        assert_eq!(fanout(101, 2, 10), 10, "capped");
        assert_eq!(fanout(3, 1, usize::MAX), 3);
        assert_eq!(fanout(0, 2, 5), 1);
    }

    #[test]
    fn apportion_adds_up_exactly() {
        for total in [0, 1, 7, 100, 12345] {
            let weights = [0.3, 1.7, 0.0, 2.2, 0.9, 1e-9];
            assert_eq!(apportion(total, &weights).iter().sum::<usize>(), total);
            assert_eq!(apportion(total, &[0.0, 0.0]).iter().sum::<usize>(), total);
        }
        assert_eq!(apportion(10, &[1.0, 1.0]), vec![5, 5]);
        assert_eq!(apportion(3, &[2.0, 1.0]), vec![2, 1]);
    }
}
