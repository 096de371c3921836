//! The billing API actions tcbill knows, in one table.
//!
//! Three programs read it: core's detection names each saved response by the action that produced
//! it, the signing proxy forwards exactly the actions with a rate limit here (read-only `Describe*`
//! calls, at Tencent's published per-action limit, reference §4.2), and the app offers to pull
//! the actions with a [`Paging`] (how many rows a page holds, reference §4.3). Declaring an
//! action once keeps the three from drifting: an action the app pulls is always one the proxy
//! forwards and one detection recognises. [`plan`] turns a date range into the requests.

pub mod plan;

use crate::model::kind::ApiAction;

/// How an action is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// One response for the month: `BeginTime` = `EndTime` = `yyyy-mm`.
    MonthSummary,
    /// `Month` with `Offset`/`Limit`, `limit` being the action's maximum. A page shorter than
    /// `limit` is the last (`Total` is cached for 24 hours and may be short, so it is not trusted).
    Offset { limit: u64 },
    /// One response per window of at most [`plan::USAGE_WINDOW_DAYS`]: `StartDate`/`EndDate`.
    DayWindows,
}

/// One billing API action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    /// The `X-TC-Action` name, case-sensitive.
    pub name: &'static str,
    /// Tencent's published limit in requests per second, for a read-only action the proxy
    /// forwards; `None` for an action the proxy refuses (another service's API).
    pub per_second: Option<u32>,
    /// How the app pulls the action; `None` for one it does not offer.
    pub paging: Option<Paging>,
    /// What detection calls a saved response of the action; `None` for one tcbill reads no rows
    /// from (a total without lines).
    pub detected_as: Option<ApiAction>,
}

const fn action(
    name: &'static str,
    per_second: Option<u32>,
    paging: Option<Paging>,
    detected_as: Option<ApiAction>,
) -> Action {
    Action {
        name,
        per_second,
        paging,
        detected_as,
    }
}

/// Every action, the ones the app pulls first, in the order its form offers them.
pub const ACTIONS: &[Action] = &[
    action(
        "DescribeBillSummaryByProduct",
        Some(20),
        Some(Paging::MonthSummary),
        Some(ApiAction::DescribeBillSummaryByProduct),
    ),
    action(
        "DescribeBillSummaryByRegion",
        Some(20),
        Some(Paging::MonthSummary),
        Some(ApiAction::DescribeBillSummaryByRegion),
    ),
    action(
        "DescribeBillSummaryByPayMode",
        Some(20),
        Some(Paging::MonthSummary),
        Some(ApiAction::DescribeBillSummaryByPayMode),
    ),
    action(
        "DescribeBillSummaryByProject",
        Some(20),
        Some(Paging::MonthSummary),
        Some(ApiAction::DescribeBillSummaryByProject),
    ),
    action(
        "DescribeBillSummaryByTag",
        Some(20),
        Some(Paging::MonthSummary),
        Some(ApiAction::DescribeBillSummaryByTag),
    ),
    action(
        "DescribeBillDetail",
        Some(5),
        Some(Paging::Offset { limit: 300 }),
        Some(ApiAction::DescribeBillDetail),
    ),
    action(
        "DescribeCostDetail",
        Some(5),
        Some(Paging::Offset { limit: 100 }),
        Some(ApiAction::DescribeCostDetail),
    ),
    action(
        "DescribeDosageDetailByDate",
        Some(20),
        Some(Paging::DayWindows),
        Some(ApiAction::DescribeDosageDetailByDate),
    ),
    action("DescribeBillSummary", Some(20), None, None),
    action(
        "DescribeBillResourceSummary",
        Some(5),
        None,
        Some(ApiAction::DescribeBillResourceSummary),
    ),
    action(
        "DescribeCostSummaryByProduct",
        Some(20),
        None,
        Some(ApiAction::DescribeCostSummaryByProduct),
    ),
    action(
        "DescribeDosageCosDetailByDate",
        Some(5),
        None,
        Some(ApiAction::DescribeDosageCosDetailByDate),
    ),
    action(
        "DescribeDosageDetailList",
        Some(20),
        None,
        Some(ApiAction::DescribeDosageDetailList),
    ),
    // Other services' APIs whose responses users save and drop; the proxy does not sign for them.
    action(
        "DescribeMeasureDeductionDetails",
        None,
        None,
        Some(ApiAction::DescribeMeasureDeductionDetails),
    ),
    action(
        "DescribeMeasureConsoleDeductionDetails",
        None,
        None,
        Some(ApiAction::DescribeMeasureDeductionDetails),
    ),
    action(
        "DescribeMeasureDeductionDetailFlow",
        None,
        None,
        Some(ApiAction::DescribeMeasureDeductionDetailFlow),
    ),
    action(
        "DescribeModelRouterResourcePackageDeduction",
        None,
        None,
        Some(ApiAction::DescribeModelRouterResourcePackageDeduction),
    ),
    action(
        "ExportResourcePackageDeductDetails",
        None,
        None,
        Some(ApiAction::ExportResourcePackageDeductDetails),
    ),
];

/// The action named exactly `name` (case-sensitive, as Tencent's `X-TC-Action` is).
pub fn action_named(name: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|action| action.name == name)
}

/// The actions the signing proxy forwards.
pub fn forwarded() -> impl Iterator<Item = &'static Action> {
    ACTIONS.iter().filter(|action| action.per_second.is_some())
}

/// The actions the app pulls, in the order its form offers them.
pub fn pulled() -> impl Iterator<Item = &'static Action> {
    ACTIONS.iter().filter(|action| action.paging.is_some())
}

/// How `name` is pulled; `None` for an action tcbill does not pull.
pub fn paging(name: &str) -> Option<Paging> {
    action_named(name)?.paging
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_is_declared_once() {
        let mut names: Vec<&str> = ACTIONS.iter().map(|action| action.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ACTIONS.len());
    }

    #[test]
    fn what_the_app_pulls_the_proxy_forwards_and_detection_names() {
        for action in pulled() {
            assert!(action.per_second.is_some(), "{}", action.name);
            assert!(action.detected_as.is_some(), "{}", action.name);
        }
        let names: Vec<&str> = pulled().map(|action| action.name).collect();
        assert_eq!(
            names,
            [
                "DescribeBillSummaryByProduct",
                "DescribeBillSummaryByRegion",
                "DescribeBillSummaryByPayMode",
                "DescribeBillSummaryByProject",
                "DescribeBillSummaryByTag",
                "DescribeBillDetail",
                "DescribeCostDetail",
                "DescribeDosageDetailByDate",
            ]
        );
        assert_eq!(
            paging("DescribeBillDetail"),
            Some(Paging::Offset { limit: 300 })
        );
        assert_eq!(
            paging("DescribeCostDetail"),
            Some(Paging::Offset { limit: 100 })
        );
        assert_eq!(paging("DescribeBillResourceSummary"), None);
    }

    #[test]
    fn every_detected_action_is_in_the_table() {
        // Listing the variants through a match makes a new variant fail to compile here until
        // it is added to the list, and so checked against the table.
        let variant = |action: ApiAction| match action {
            ApiAction::DescribeDosageDetailByDate
            | ApiAction::DescribeDosageCosDetailByDate
            | ApiAction::DescribeDosageDetailList
            | ApiAction::DescribeCostDetail
            | ApiAction::DescribeBillDetail
            | ApiAction::DescribeBillResourceSummary
            | ApiAction::DescribeBillSummaryByProduct
            | ApiAction::DescribeBillSummaryByPayMode
            | ApiAction::DescribeBillSummaryByRegion
            | ApiAction::DescribeBillSummaryByProject
            | ApiAction::DescribeBillSummaryByTag
            | ApiAction::DescribeCostSummaryByProduct
            | ApiAction::DescribeMeasureDeductionDetails
            | ApiAction::DescribeMeasureDeductionDetailFlow
            | ApiAction::DescribeModelRouterResourcePackageDeduction
            | ApiAction::ExportResourcePackageDeductDetails => Some(action),
            ApiAction::Error | ApiAction::Other => None,
        };
        let detected = [
            ApiAction::DescribeDosageDetailByDate,
            ApiAction::DescribeDosageCosDetailByDate,
            ApiAction::DescribeDosageDetailList,
            ApiAction::DescribeCostDetail,
            ApiAction::DescribeBillDetail,
            ApiAction::DescribeBillResourceSummary,
            ApiAction::DescribeBillSummaryByProduct,
            ApiAction::DescribeBillSummaryByPayMode,
            ApiAction::DescribeBillSummaryByRegion,
            ApiAction::DescribeBillSummaryByProject,
            ApiAction::DescribeBillSummaryByTag,
            ApiAction::DescribeCostSummaryByProduct,
            ApiAction::DescribeMeasureDeductionDetails,
            ApiAction::DescribeMeasureDeductionDetailFlow,
            ApiAction::DescribeModelRouterResourcePackageDeduction,
            ApiAction::ExportResourcePackageDeductDetails,
        ];
        for action in detected.into_iter().filter_map(variant) {
            let named = ACTIONS
                .iter()
                .find(|entry| entry.detected_as == Some(action));
            let named = named.map(|entry| entry.name);
            assert!(
                named.is_some_and(|name| action.label().contains(name)),
                "{action:?}"
            );
        }
    }

    #[test]
    fn only_billing_describe_actions_are_forwarded() {
        let mut forwarded: Vec<&str> = forwarded().map(|action| action.name).collect();
        forwarded.sort_unstable();
        assert_eq!(
            forwarded,
            [
                "DescribeBillDetail",
                "DescribeBillResourceSummary",
                "DescribeBillSummary",
                "DescribeBillSummaryByPayMode",
                "DescribeBillSummaryByProduct",
                "DescribeBillSummaryByProject",
                "DescribeBillSummaryByRegion",
                "DescribeBillSummaryByTag",
                "DescribeCostDetail",
                "DescribeCostSummaryByProduct",
                "DescribeDosageCosDetailByDate",
                "DescribeDosageDetailByDate",
                "DescribeDosageDetailList",
            ]
        );
        assert_eq!(action_named("describebilldetail"), None);
        assert_eq!(
            action_named("DescribeMeasureDeductionDetails")
                .unwrap()
                .per_second,
            None
        );
    }
}
