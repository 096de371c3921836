//! The billing actions the proxy forwards, with Tencent's published per-action rate limits.
//!
//! Only read-only `Describe*` billing actions are forwarded; everything else (writes, other
//! services, even other read actions) is refused before any signing happens. Which actions those
//! are, and their limits (reference §4.2), is core's table [`tcbill_core::api::ACTIONS`], the one
//! the app's fetch plan and core's detection read too.

use tcbill_core::api;

/// One forwardable action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    pub name: &'static str,
    /// Tencent's published limit, requests per second.
    pub per_second: u32,
}

/// Every forwarded action, sorted by name.
pub fn actions() -> Vec<Action> {
    let mut actions: Vec<Action> = api::forwarded().filter_map(forwardable).collect();
    actions.sort_unstable_by_key(|action| action.name);
    actions
}

/// The forwarded action named exactly `name` (case-sensitive, as Tencent's `X-TC-Action` is).
pub fn lookup(name: &str) -> Option<Action> {
    api::action_named(name).and_then(forwardable)
}

fn forwardable(action: &api::Action) -> Option<Action> {
    Some(Action {
        name: action.name,
        per_second: action.per_second?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slow_actions_are_limited_to_five_per_second() {
        let actions = actions();
        let five: Vec<&str> = actions
            .iter()
            .filter(|a| a.per_second == 5)
            .map(|a| a.name)
            .collect();
        assert_eq!(
            five,
            [
                "DescribeBillDetail",
                "DescribeBillResourceSummary",
                "DescribeCostDetail",
                "DescribeDosageCosDetailByDate"
            ]
        );
        assert!(actions
            .iter()
            .all(|a| a.per_second == 5 || a.per_second == 20));
        assert_eq!(actions.len(), 13);
        assert!(
            actions.windows(2).all(|pair| pair[0].name < pair[1].name),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn writes_other_read_actions_and_case_variants_are_not_allowed() {
        assert!(lookup("DescribeBillSummaryByTag").is_some());
        for refused in [
            "PayDeals",
            "DescribeBillDownloadUrl",
            "DescribeMeasureDeductionDetails",
            "describebilldetail",
            "",
            "DescribeBillDetail ",
        ] {
            assert_eq!(lookup(refused), None, "{refused:?}");
        }
    }
}
