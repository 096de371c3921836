//! Where each message from the worker goes: the piece of page state it updates. Kept apart from
//! the component so that [`super::app`] declares state and lays out the page, and this match is
//! the one place that reads [`FromWorker`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use tcbill_core::analysis::compare::{Comparison, Level};
use tcbill_core::analysis::cost::{Dimension, Summary};
use yew::prelude::*;

use crate::page::export::download::save_blob;
use crate::page::state::loaded_files::{FilesAction, LoadedFiles};
use crate::page::state::report_view::SharedReport;
use crate::page::views::costs::{DrillDown, DrillDownAction, DrillDownState};
use crate::page::views::packages::{DeductionTable, DeductionTableAction};
use crate::page::views::row_table::RowWindow;
use crate::page::views::usage::UsagePoints;
use crate::protocol::{FromWorker, RowsFor};

/// The handles on the page state that worker messages update.
pub(super) struct Sinks {
    pub files: UseReducerDispatcher<LoadedFiles>,
    pub report: UseStateSetter<Option<SharedReport>>,
    pub summary: UseStateSetter<Option<Summary>>,
    pub trend: UseStateSetter<Option<Summary>>,
    pub filter_values: UseStateSetter<Option<(Dimension, Vec<String>)>>,
    pub drill_down: UseReducerDispatcher<DrillDownState>,
    pub driver_rows: UseReducerDispatcher<DrillDownState>,
    pub alert_rows: UseReducerDispatcher<DrillDownState>,
    /// Per row table, the label of the group whose rows were asked for, until the worker answers.
    pub drill_group: Rc<RefCell<HashMap<RowsFor, String>>>,
    pub deduction_table: UseReducerDispatcher<DeductionTable>,
    pub usage_points: UseStateSetter<Option<UsagePoints>>,
    pub comparison: UseStateSetter<Option<(Level, Comparison)>>,
    pub monthly: UseStateSetter<Option<Summary>>,
}

impl Sinks {
    /// The rows go to the table they were selected for.
    fn rows_for(&self, table: RowsFor) -> &UseReducerDispatcher<DrillDownState> {
        match table {
            RowsFor::Costs => &self.drill_down,
            RowsFor::Compare => &self.driver_rows,
            RowsFor::Alerts => &self.alert_rows,
        }
    }

    /// Updates the page state `message` is about.
    pub fn route(&self, message: FromWorker<'static>) {
        match message {
            FromWorker::Report { digest } => {
                // The worker forgot the old rows with the old dataset.
                self.drill_down.dispatch(DrillDownAction::Closed);
                self.driver_rows.dispatch(DrillDownAction::Closed);
                self.alert_rows.dispatch(DrillDownAction::Closed);
                self.deduction_table.dispatch(DeductionTableAction::Cleared);
                self.usage_points.set(None);
                self.report.set(Some(SharedReport::from(*digest)));
                self.files.dispatch(FilesAction::Reported);
            }
            FromWorker::DrillDown { table, count, columns } => {
                self.rows_for(table).dispatch(DrillDownAction::Selected(DrillDown {
                    group: self.drill_group.borrow().get(&table).cloned().unwrap_or_default(),
                    count,
                    columns,
                    window: RowWindow::default(),
                }))
            }
            FromWorker::Rows { table, start, rows } => {
                self.rows_for(table).dispatch(DrillDownAction::Window(RowWindow { start, rows }))
            }
            FromWorker::Comparison { level, comparison } => self.comparison.set(comparison.map(|view| (level, view))),
            FromWorker::MonthlyTrend { summary } => self.monthly.set(Some(summary)),
            FromWorker::Summary { summary } => self.summary.set(Some(summary)),
            FromWorker::Download { file_name, file } => file.iter().for_each(|file| save_blob(&file_name, file)),
            FromWorker::Deductions { count } => self.deduction_table.dispatch(DeductionTableAction::Selected { count }),
            FromWorker::DeductionRows { start, rows } => {
                self.deduction_table.dispatch(DeductionTableAction::Window { start, rows })
            }
            FromWorker::UsagePoints { series, points } => self.usage_points.set(Some(UsagePoints { series, points })),
            FromWorker::Trend { summary } => self.trend.set(Some(summary)),
            FromWorker::FilterValues { dimension, values } => self.filter_values.set(Some((dimension, values))),
            file_report => self.files.dispatch(FilesAction::Worker(file_report)),
        }
    }
}
