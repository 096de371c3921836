//! The billing actions the proxy forwards, with Tencent's published per-action rate limits.
//!
//! Only read-only `Describe*` actions that tcbill reads are listed; everything else (writes, other
//! services, even other read actions) is refused before any signing happens. Limits are from the
//! reference, section 4.2 (cloud.tencent.com/document/api/555/19170 and the per-action pages).

/// One forwardable action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    pub name: &'static str,
    /// Tencent's published limit, requests per second.
    pub per_second: u32,
}

const fn action(name: &'static str, per_second: u32) -> Action {
    Action { name, per_second }
}

/// Every allowed action, sorted by name.
pub const ACTIONS: &[Action] = &[
    action("DescribeBillDetail", 5),
    action("DescribeBillResourceSummary", 5),
    action("DescribeBillSummary", 20),
    action("DescribeBillSummaryByPayMode", 20),
    action("DescribeBillSummaryByProduct", 20),
    action("DescribeBillSummaryByProject", 20),
    action("DescribeBillSummaryByRegion", 20),
    action("DescribeBillSummaryByTag", 20),
    action("DescribeCostDetail", 5),
    action("DescribeCostSummaryByProduct", 20),
    action("DescribeDosageCosDetailByDate", 5),
    action("DescribeDosageDetailByDate", 20),
    action("DescribeDosageDetailList", 20),
];

/// The allowed action named exactly `name` (case-sensitive, as Tencent's `X-TC-Action` is).
pub fn lookup(name: &str) -> Option<Action> {
    ACTIONS
        .iter()
        .copied()
        .find(|candidate| candidate.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slow_actions_are_limited_to_five_per_second() {
        let five: Vec<&str> = ACTIONS
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
        assert!(ACTIONS
            .iter()
            .all(|a| a.per_second == 5 || a.per_second == 20));
        assert!(
            ACTIONS.windows(2).all(|pair| pair[0].name < pair[1].name),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn writes_other_read_actions_and_case_variants_are_not_allowed() {
        assert!(lookup("DescribeBillSummaryByTag").is_some());
        for refused in [
            "PayDeals",
            "DescribeBillDownloadUrl",
            "describebilldetail",
            "",
            "DescribeBillDetail ",
        ] {
            assert_eq!(lookup(refused), None, "{refused:?}");
        }
    }
}
