//! One sort for core and the web app. Each `sort_by` of the standard library is compiled anew for
//! its element type and comparator (its stable sort is several KB of wasm per copy), and core and
//! the page sorted at eighteen places; these functions sort a permutation of indices through one
//! `dyn` comparator instead, so the sort is compiled once per wasm, which keeps the download smaller
//! (BENCHMARKS.md, "Initial load"). None of these sorts is on the parsing path. Stable, like
//! `slice::sort_by`, so every result is the one `sort_by` gives.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`, as `items.sort_by(compare)` does.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let mut order = sorted_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    permute(items, &mut order);
}

/// Sorts `items` stably by `key`, as `items.sort_by_key(key)` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` stably, as `items.sort()` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The indices `0..len` in the order `compare` puts the items at them, equal items in index order.
fn sorted_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges `items` so that position `i` holds the item that was at `order[i]`, following each
/// cycle of the permutation with swaps (no copies, no `Clone`). Leaves `order` the identity.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            items.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny generator, so the test needs no dependency: the same cases every run.
    fn numbers(seed: u64, len: usize) -> Vec<u64> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                state >> 60
            })
            .collect()
    }

    #[test]
    fn every_result_is_the_standard_stable_sorts() {
        for len in [0, 1, 2, 3, 7, 20, 33, 100, 1000] {
            for seed in 0..20 {
                // Pairs of (key, original position): equal keys must keep their order.
                let items: Vec<(u64, usize)> = numbers(seed, len).into_iter().zip(0..).collect();
                let mut expected = items.clone();
                expected.sort_by_key(|b| std::cmp::Reverse(b.0));
                let mut sorted = items.clone();
                sort_by(&mut sorted, |a, b| b.0.cmp(&a.0));
                assert_eq!(sorted, expected, "len {len}, seed {seed}");

                let mut expected = items.clone();
                expected.sort_by_key(|item| item.0);
                let mut sorted = items.clone();
                sort_by_key(&mut sorted, |item| item.0);
                assert_eq!(sorted, expected);

                let mut expected = items.clone();
                expected.sort();
                let mut sorted = items;
                sort(&mut sorted);
                assert_eq!(sorted, expected);
            }
        }
    }

    #[test]
    fn items_that_are_not_clone_are_moved_not_copied() {
        let mut names: Vec<String> = ["b", "c", "a", "b"]
            .iter()
            .map(|name| name.to_string())
            .collect();
        sort_by(&mut names, |a, b| a.cmp(b));
        assert_eq!(names, ["a", "b", "b", "c"]);
    }
}
