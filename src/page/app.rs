//! The page: header, tabs, and the wiring between the views and the parsing worker.

use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use web_sys::File;
use yew::prelude::*;

use crate::page::files::drop_zone::DropZone;
use crate::page::files::fetch_panel::{FetchForm, FetchPanel};
use crate::page::files::file_table::FileTable;
use crate::page::files::sample;
use crate::page::i18n::{Lang, Strings};
use crate::page::money::Precision;
use crate::page::parsing::ParsingWorker;
use crate::page::routing::Sinks;
use crate::page::state::loaded_files::{FileStatus, FilesAction, LoadedFiles};
use crate::page::state::report_view::{ReportDigest, SharedReport};
use crate::page::state::view_state::{Tab, ViewState};
use crate::page::views::compare::Compare;
use crate::page::views::costs::{Costs, CurrencyChoice, DrillDownAction, DrillDownState, Grouping, OpenRows, Trend};
use crate::page::views::filters::FilterPanelProps;
use crate::page::views::overview::Overview;
use crate::page::views::packages::{DeductionTable, Packages};
use crate::page::views::usage::{Usage, UsagePoints};
use crate::protocol::{CostFilters, FetchAction, FileId, Request, RowsFor, ToWorker};
use tcbill_core::analysis::compare::{Comparison, Level};
use tcbill_core::analysis::cost::{Dimension, Summary};
use tcbill_core::analysis::deductions::DeductionFilter;

#[component]
pub fn App() -> Html {
    let view = use_state(|| ViewState::from_fragment(&current_fragment()));
    let lang = view.lang.unwrap_or_else(Lang::from_browser);
    let text = lang.strings();
    let files = use_reducer(LoadedFiles::default);
    let report = use_state(|| None::<SharedReport>);
    let summary = use_state(|| None::<Summary>);
    let trend = use_state(|| None::<Summary>);
    // The currency the Costs tab shows when the rows have several.
    let currency = use_state(|| None::<String>);
    // The values a new cost filter can pick from: its dimension and the values present.
    let filter_values = use_state(|| None::<(Dimension, Vec<String>)>);
    let drill_down = use_reducer(DrillDownState::default);
    // The Compare tab's comparison (under the filters, drivers at the level chosen), its monthly
    // trend, and the rows of the driver opened.
    let comparison = use_state(|| None::<(Level, Comparison)>);
    let monthly = use_state(|| None::<Summary>);
    let driver_rows = use_reducer(DrillDownState::default);
    // The rows of the alert opened on Overview.
    let alert_rows = use_reducer(DrillDownState::default);
    let deduction_table = use_reducer(DeductionTable::default);
    // Which deduction rows the Packages tab shows; the Overview's failed checks link with one.
    let deduction_filter = use_state(DeductionFilter::default);
    let usage_points = use_state(|| None::<UsagePoints>);
    // Whether the worker derives bandwidth from traffic (it rebuilds the report when this changes).
    let bandwidth = use_state(|| false);
    // Per row table, the label of the group whose rows were asked for, until the worker answers.
    let drill_group = use_mut_ref(HashMap::<RowsFor, String>::new);
    let ids = use_memo((), |_| IdSource::default());
    // Whether the parsing worker could not be loaded (a page offline since before its first use).
    let worker_unreachable = use_state(|| false);
    let worker = {
        let sinks = Sinks {
            files: files.dispatcher(),
            report: report.setter(),
            summary: summary.setter(),
            trend: trend.setter(),
            filter_values: filter_values.setter(),
            drill_down: drill_down.dispatcher(),
            driver_rows: driver_rows.dispatcher(),
            alert_rows: alert_rows.dispatcher(),
            drill_group: drill_group.clone(),
            deduction_table: deduction_table.dispatcher(),
            usage_points: usage_points.setter(),
            comparison: comparison.setter(),
            monthly: monthly.setter(),
        };
        let unreachable = worker_unreachable.setter();
        use_memo((), move |_| {
            ParsingWorker::start(
                Callback::from(move |message| sinks.route(message)),
                Callback::from(move |failed| unreachable.set(failed)),
            )
        })
    };
    let send: SendToWorker = {
        let worker = worker.clone();
        Rc::new(move |message: ToWorker| worker.send(message))
    };

    // Keep the URL fragment and the document language in step with the view.
    use_effect_with((*view).clone(), move |view| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&view.to_fragment());
            if let Some(root) = window.document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", if lang == Lang::Zh { "zh-CN" } else { "en" });
            }
        }
    });
    // Once the files given are read, the page shows the answer, unless the user picked a tab.
    {
        let (view, has_report) = (view.clone(), report.is_some());
        use_effect_with(files.answers, move |answers| {
            if *answers > 0 && has_report && view.tab != Tab::Overview {
                view.set(ViewState { tab: Tab::Overview, ..(*view).clone() });
            }
        });
    }
    // The Packages tab, a new report or another filter asks the worker for the deduction rows.
    {
        let send = send.clone();
        let key = (report.clone(), (*deduction_filter).clone(), view.tab == Tab::Packages);
        use_effect_with(key, move |(report, filter, shown)| {
            if report.is_some() && *shown {
                send(ToWorker::Request(Request::Deductions { filter: filter.clone() }));
            }
        });
    }
    // A new report or a new grouping asks the worker for the cost summary.
    {
        let send = send.clone();
        let key = (report.clone(), view.group_by.clone(), view.filters.clone());
        use_effect_with(key, move |(report, group_by, filters)| {
            if report.is_some() {
                let (group_by, filters) = (group_by.clone(), filters.clone());
                send(ToWorker::Request(Request::Summarize { group_by, filters }));
            }
        });
    }
    // ... and for the trend of the filtered rows, when the Costs tab shows it (a pass over every row).
    {
        let send = send.clone();
        let key = (report.clone(), view.trend.clone(), view.filters.clone(), view.tab == Tab::Costs);
        use_effect_with(key, move |(report, by, filters, shown)| {
            if report.is_some() && *shown {
                send(ToWorker::Request(Request::Trend { by: by.clone(), filters: filters.clone() }));
            }
        });
    }

    // ... and, when the Compare tab shows, for the comparison and the monthly trend.
    {
        let send = send.clone();
        let key = (report.clone(), view.level, view.filters.clone(), view.months_by.clone(), view.tab == Tab::Compare);
        use_effect_with(key, move |(report, level, filters, months_by, shown)| {
            if report.is_some() && *shown {
                send(ToWorker::Request(Request::Compare { level: *level, filters: filters.clone() }));
                send(ToWorker::Request(Request::MonthlyTrend { by: months_by.clone(), filters: filters.clone() }));
            }
        });
    }

    let on_files = {
        let (dispatcher, ids, send) = (files.dispatcher(), ids.clone(), send.clone());
        Callback::from(move |picked: Vec<File>| {
            for file in picked {
                let id = ids.next();
                dispatcher.dispatch(FilesAction::Added { id, name: file.name(), size: file.size() as u64 });
                send(ToWorker::Parse { id, file });
            }
        })
    };
    let on_fetch = {
        let (dispatcher, ids, send) = (files.dispatcher(), ids.clone(), send.clone());
        Callback::from(move |form: FetchForm| {
            dispatcher.dispatch(FilesAction::PullStarted);
            let actions = form
                .entries
                .into_iter()
                .map(|entry| {
                    let id = ids.next();
                    dispatcher.dispatch(FilesAction::Pulling { id, name: entry.name.clone() });
                    FetchAction { id, entry }
                })
                .collect();
            let (proxy_url, token) = (form.proxy_url, form.token);
            send(ToWorker::Request(Request::Fetch { proxy_url, token, actions }));
        })
    };
    // A button that asks the worker for one thing (a download).
    let on_click_request = |request: Request| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send(ToWorker::Request(request.clone())))
    };
    let on_download_fetched = on_click_request(Request::ExportFetched);
    // The download offers what the worker holds: actions pulled and parsed, not since removed.
    let has_fetched = files.files.iter().any(|file| file.pulled && matches!(file.status, FileStatus::Parsed(_)));
    let pulls: Vec<_> = files.files.iter().filter(|file| !file.in_file_table()).cloned().collect();
    let on_load_sample = {
        let on_files = on_files.clone();
        Callback::from(move |_: MouseEvent| sample::load(on_files.clone()))
    };
    let request = |make: fn(FileId) -> Request| {
        let send = send.clone();
        Callback::from(move |id: FileId| send(ToWorker::Request(make(id))))
    };
    let on_cancel = request(|id| Request::Cancel { id });
    let on_remove = {
        let (dispatcher, remove) = (files.dispatcher(), request(|id| Request::Remove { id }));
        Callback::from(move |id: FileId| {
            dispatcher.dispatch(FilesAction::Removed(id));
            remove.emit(id);
        })
    };
    let on_download_report = on_click_request(Request::ExportReport);
    let on_download_csv_zip = on_click_request(Request::ExportReportCsvZip);
    let on_download_focus = on_click_request(Request::ExportFocusCsv);
    let on_export_csv = {
        let (send, group_by, filters) = (send.clone(), view.group_by.clone(), view.filters.clone());
        let currency = (*currency).clone();
        Callback::from(move |()| {
            let (group_by, filters, currency) = (group_by.clone(), filters.clone(), currency.clone());
            send(ToWorker::Request(Request::ExportSummaryCsv { group_by, filters, currency }))
        })
    };
    let on_drill_down = {
        let (send, drill_group, within) = (send.clone(), drill_group.clone(), view.filters.clone());
        Callback::from(move |(filters, group): (CostFilters, String)| {
            drill_group.borrow_mut().insert(RowsFor::Costs, group);
            send(ToWorker::Request(Request::DrillDown { filters, within: within.clone() }));
        })
    };
    let on_cost_rows = use_rows_window(send.clone(), RowsFor::Costs);
    let on_driver_window = use_rows_window(send.clone(), RowsFor::Compare);
    let on_alert_window = use_rows_window(send.clone(), RowsFor::Alerts);
    let on_driver_rows = {
        let (send, drill_group) = (send.clone(), drill_group.clone());
        Callback::from(move |(currency, driver, caption): (String, usize, String)| {
            drill_group.borrow_mut().insert(RowsFor::Compare, caption);
            send(ToWorker::Request(Request::DriverRows { currency, driver }));
        })
    };
    let on_alert_rows = {
        let (send, drill_group) = (send.clone(), drill_group.clone());
        use_callback((), move |(alert, caption): (usize, String), ()| {
            drill_group.borrow_mut().insert(RowsFor::Alerts, caption);
            send(ToWorker::Request(Request::AlertRows { alert }));
        })
    };
    let on_close_alert_rows = {
        let alert_rows = alert_rows.dispatcher();
        use_callback((), move |(), ()| alert_rows.dispatch(DrillDownAction::Closed))
    };
    let on_close_driver_rows = {
        let driver_rows = driver_rows.dispatcher();
        Callback::from(move |()| driver_rows.dispatch(DrillDownAction::Closed))
    };
    let on_periods = {
        let (send, driver_rows) = (send.clone(), driver_rows.dispatcher());
        Callback::from(move |(a, b): (String, String)| {
            driver_rows.dispatch(DrillDownAction::Closed);
            send(ToWorker::Request(Request::ComparePeriods { a, b }));
        })
    };
    let on_level = {
        let (view, driver_rows) = (view.clone(), driver_rows.dispatcher());
        Callback::from(move |level| {
            // The rows shown belong to a driver of the old level.
            driver_rows.dispatch(DrillDownAction::Closed);
            view.set(ViewState { level, ..(*view).clone() });
        })
    };
    let on_months_by = {
        let view = view.clone();
        Callback::from(move |months_by: Dimension| view.set(ViewState { months_by, ..(*view).clone() }))
    };
    let on_open_compare = {
        let set_view = view.setter();
        use_callback((*view).clone(), move |(), view| set_view.set(ViewState { tab: Tab::Compare, ..view.clone() }))
    };
    let on_close_drill_down = {
        let drill_down = drill_down.dispatcher();
        Callback::from(move |()| drill_down.dispatch(DrillDownAction::Closed))
    };
    let on_deduction_filter = {
        let deduction_filter = deduction_filter.setter();
        use_callback((), move |filter, ()| deduction_filter.set(filter))
    };
    let on_download_findings = {
        let send = send.clone();
        use_callback((), move |check: String, ()| send(ToWorker::Request(Request::ExportFindingsCsv { check })))
    };
    let on_show_deductions = {
        let (deduction_filter, set_view) = (deduction_filter.setter(), view.setter());
        use_callback((*view).clone(), move |filter: DeductionFilter, view| {
            deduction_filter.set(filter);
            set_view.set(ViewState { tab: Tab::Packages, ..view.clone() });
        })
    };
    let on_deduction_rows = {
        let send = send.clone();
        use_callback((), move |range: Range<u64>, ()| {
            send(ToWorker::Request(Request::DeductionRows { start: range.start, len: range.end - range.start }))
        })
    };
    let on_usage_series = {
        let send = send.clone();
        Callback::from(move |series| send(ToWorker::Request(Request::UsagePoints { series })))
    };
    let on_bandwidth = {
        let (send, bandwidth) = (send.clone(), bandwidth.clone());
        Callback::from(move |enabled| {
            bandwidth.set(enabled);
            send(ToWorker::Request(Request::BandwidthFromTraffic { enabled }));
        })
    };
    let update_view = |change: Rc<dyn Fn(&mut ViewState)>| {
        let view = view.clone();
        move || {
            let mut next = (*view).clone();
            change(&mut next);
            view.set(next);
        }
    };
    let on_group_by = {
        let view = view.clone();
        Callback::from(move |group_by: Vec<Dimension>| {
            let mut next = (*view).clone();
            next.group_by = group_by;
            view.set(next);
        })
    };
    let on_filters = {
        let (view, drill_down, driver_rows) = (view.clone(), drill_down.dispatcher(), driver_rows.dispatcher());
        Callback::from(move |filters: CostFilters| {
            // The rows shown were selected under the old filters.
            drill_down.dispatch(DrillDownAction::Closed);
            driver_rows.dispatch(DrillDownAction::Closed);
            let mut next = (*view).clone();
            next.filters = filters;
            view.set(next);
        })
    };
    let on_currency = {
        let currency = currency.clone();
        Callback::from(move |code: String| currency.set(Some(code)))
    };
    let on_trend_by = {
        let view = view.clone();
        Callback::from(move |by: Dimension| {
            let mut next = (*view).clone();
            next.trend = by;
            view.set(next);
        })
    };
    let on_filter_dimension = {
        let (send, filters) = (send.clone(), view.filters.clone());
        Callback::from(move |dimension: Dimension| {
            send(ToWorker::Request(Request::FilterValues { dimension, filters: filters.clone() }))
        })
    };
    let on_precision = {
        let view = view.clone();
        Callback::from(move |event: Event| {
            let id = event.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let mut next = (*view).clone();
            next.precision = Precision::from_id(&id).unwrap_or_default();
            view.set(next);
        })
    };
    let on_switch_language = {
        let switch = update_view(Rc::new(move |v: &mut ViewState| {
            v.lang = Some(if lang == Lang::En { Lang::Zh } else { Lang::En });
        }));
        Callback::from(move |_: MouseEvent| switch())
    };

    // What the Costs and Compare tabs share: the filters and the currency shown.
    let filtering = |report: &ReportDigest| FilterPanelProps {
        tag_keys: report.tag_keys.clone(),
        filters: view.filters.clone(),
        filter_values: (*filter_values).clone(),
        on_filters: on_filters.clone(),
        on_filter_dimension: on_filter_dimension.clone(),
    };
    let currency_choice = CurrencyChoice { shown: (*currency).clone(), on_pick: on_currency };

    let tab_button = |tab: Tab| {
        let select = update_view(Rc::new(move |v: &mut ViewState| v.tab = tab));
        let picked = files.dispatcher();
        let select = move || {
            picked.dispatch(FilesAction::TabPicked);
            select();
        };
        let selected = view.tab == tab;
        html! {
            <button type="button" role="tab" id={format!("tab-{}", tab.id())} aria-selected={selected.to_string()}
                aria-controls="panel" class={classes!("tab", selected.then_some("selected"))}
                onclick={Callback::from(move |_: MouseEvent| select())}>
                { tab_label(tab, text) }
            </button>
        }
    };
    let panel = match (view.tab, report.as_ref()) {
        (Tab::Files, _) => html! {
            <>
                if *worker_unreachable {
                    <p class="error" role="alert">{ text.worker_failed }</p>
                }
                <DropZone {on_files} />
                <div class="actions">
                    <button type="button" class="button" onclick={on_load_sample}>{ text.load_sample }</button>
                </div>
                <FileTable files={files.files.clone()} on_cancel={on_cancel.clone()} {on_remove} />
                <FetchPanel {on_fetch} on_download={on_download_fetched} {has_fetched} {pulls}
                    stopped={files.pull_stopped.clone()} {on_cancel} />
            </>
        },
        (_, None) => html! { <p class="muted">{ text.load_files_first }</p> },
        (Tab::Overview, Some(report)) => html! {
            <Overview report={report.clone()} {on_download_findings} {on_show_deductions} {on_open_compare}
                alert_rows={alert_rows.0.clone()} {on_alert_rows} on_rows={on_alert_window} {on_close_alert_rows} />
        },
        (Tab::Costs, Some(report)) => html! {
            <Costs summary={(*summary).clone()}
                grouping={Grouping { group_by: view.group_by.clone(), on_change: on_group_by }}
                filtering={filtering(report)}
                trend={Trend { summary: (*trend).clone(), by: view.trend.clone(), on_by: on_trend_by }}
                currency={currency_choice.clone()}
                rows={OpenRows { drill_down: drill_down.0.clone(), on_rows: on_cost_rows, on_close: on_close_drill_down }}
                {on_drill_down} {on_export_csv} />
        },
        (Tab::Compare, Some(report)) => html! {
            <Compare months={report.billing_months().iter().map(ToString::to_string).collect::<Vec<_>>()} comparison={(*comparison).clone()} {on_periods}
                level={view.level} {on_level} filtering={filtering(report)} currency={currency_choice}
                rows={OpenRows { drill_down: driver_rows.0.clone(), on_rows: on_driver_window, on_close: on_close_driver_rows }}
                {on_driver_rows} monthly={(*monthly).clone()} months_by={view.months_by.clone()} {on_months_by} />
        },
        (Tab::Packages, Some(report)) => html! {
            <Packages report={report.clone()} table={Rc::new((*deduction_table).clone())}
                filter={(*deduction_filter).clone()} on_filter={on_deduction_filter} on_rows={on_deduction_rows} />
        },
        (Tab::Usage, Some(report)) => html! {
            <Usage
                series={report.usage.to_vec()}
                points={(*usage_points).clone()}
                on_series={on_usage_series}
                bandwidth={*bandwidth}
                {on_bandwidth}
            />
        },
    };

    html! {
        <ContextProvider<Lang> context={lang}>
        <ContextProvider<Precision> context={view.precision}>
            <header class="masthead">
                <h1>{ "tcbill" }</h1>
                <p class="tagline">{ text.tagline }</p>
                <label class="precision">{ text.precision_label }{ " " }
                    <select id="precision" name="precision" onchange={on_precision}>
                        { for Precision::ALL.into_iter().map(|precision| html! {
                            <option value={precision.id()} selected={precision == view.precision}>
                                { if precision == Precision::Exact { text.precision_exact } else { precision.id() } }
                            </option>
                        }) }
                    </select>
                </label>
                <button type="button" class="link-button language" onclick={on_switch_language}>
                    { text.other_language }
                </button>
            </header>
            <main data-answer-due={files.answer_due.then_some("true")}>
                <nav class="tabs" role="tablist">
                    { for Tab::ALL.into_iter().map(tab_button) }
                    if report.is_some() {
                        <button type="button" class="button secondary download" onclick={on_download_report}>
                            { text.download_report }
                        </button>
                        <button type="button" class="button secondary download" onclick={on_download_csv_zip}>
                            { text.download_csv_zip }
                        </button>
                        <button type="button" class="button secondary download" onclick={on_download_focus}>
                            { text.download_focus }
                        </button>
                    }
                </nav>
                <div id="panel" role="tabpanel" aria-labelledby={format!("tab-{}", view.tab.id())}>
                    { panel }
                </div>
            </main>
        </ContextProvider<Precision>>
        </ContextProvider<Lang>>
    }
}

/// Sends a message to the parsing worker (held until it listens).
type SendToWorker = Rc<dyn Fn(ToWorker)>;

/// The callback asking the worker for a window of `table`'s rows. Made once (the worker is the
/// page's for good), so a view holding it is not re-rendered for a new one on each app render.
#[hook]
fn use_rows_window(send: SendToWorker, table: RowsFor) -> Callback<Range<u64>> {
    use_callback(table, move |range: Range<u64>, &table| {
        send(ToWorker::Request(Request::Rows { table, start: range.start, len: range.end - range.start }))
    })
}

fn tab_label(tab: Tab, text: &Strings) -> &'static str {
    match tab {
        Tab::Files => text.tab_files,
        Tab::Overview => text.tab_overview,
        Tab::Costs => text.tab_costs,
        Tab::Compare => text.tab_compare,
        Tab::Packages => text.tab_packages,
        Tab::Usage => text.tab_usage,
    }
}

fn current_fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Hands out page-unique file ids, so the worker's reports can name their file.
#[derive(Default)]
struct IdSource(Cell<FileId>);

impl IdSource {
    fn next(&self) -> FileId {
        let id = self.0.get();
        self.0.set(id + 1);
        id
    }
}
