//! What the user is looking at, kept in the URL fragment
//! (`#tab=costs&by=product,tag:env&lang=zh&f=region:%E5%B9%BF%E5%B7%9E&trend=month`) so a view can be
//! bookmarked or shared. `digits=4` (or `exact`) is how many decimals amounts show. The fragment never holds amounts (a filter names a value, such as a project):
//! reopening the link shows the same view once the same files are dropped again.

use tcbill_core::analysis::compare::Level;
use tcbill_core::analysis::cost::Dimension;

use crate::page::i18n::Lang;
use crate::page::money::Precision;
use crate::protocol::CostFilters;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Files,
    Overview,
    Costs,
    Compare,
    Packages,
    Usage,
}

impl Tab {
    pub const ALL: [Tab; 6] = [Tab::Files, Tab::Overview, Tab::Costs, Tab::Compare, Tab::Packages, Tab::Usage];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Files => "files",
            Tab::Overview => "overview",
            Tab::Costs => "costs",
            Tab::Compare => "compare",
            Tab::Packages => "packages",
            Tab::Usage => "usage",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewState {
    pub tab: Tab,
    /// Cost dimensions, one or two (`by=product,tag:env` in the URL).
    pub group_by: Vec<Dimension>,
    /// Set when the user chose a language; otherwise the browser's applies.
    pub lang: Option<Lang>,
    /// The Costs tab's filters, `(dimension, value)`, one `f=` part each.
    pub filters: CostFilters,
    /// The cost trend's period: [`Dimension::Day`] (the default) or [`Dimension::Month`].
    pub trend: Dimension,
    /// Decimals of the amounts shown (2 by default; downloads always keep every digit).
    pub precision: Precision,
    /// How finely the Compare tab lists drivers (`level=product`; resources by default).
    pub level: Level,
    /// The dimension of the Compare tab's monthly trend (`months_by=region`; product by default).
    pub months_by: Dimension,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            tab: Tab::Files,
            group_by: vec![Dimension::Product],
            lang: None,
            filters: Vec::new(),
            trend: Dimension::Day,
            precision: Precision::default(),
            level: Level::default(),
            months_by: Dimension::Product,
        }
    }
}

impl ViewState {
    /// Reads a fragment (with or without the leading `#`); unknown parts are ignored.
    pub fn from_fragment(fragment: &str) -> ViewState {
        let mut state = ViewState::default();
        for pair in fragment.trim_start_matches('#').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| js_sys::decode_uri_component(text).map(String::from).ok();
            // A filter's dimension and value are encoded each, so the `:` between them is the only raw one.
            if key == "f" {
                let parts = value.split_once(':').and_then(|(d, v)| Some((decode(d)?.parse().ok()?, decode(v)?)));
                state.filters.extend(parts);
                continue;
            }
            let value = decode(value).unwrap_or_default();
            match key {
                "tab" => {
                    if let Some(tab) = Tab::ALL.into_iter().find(|t| t.id() == value) {
                        state.tab = tab;
                    }
                }
                "by" => {
                    // Only names core reads as a [`Dimension`]; none left keeps the default.
                    let group_by: Vec<Dimension> =
                        value.split(',').filter_map(|name| name.parse().ok()).take(2).collect();
                    if !group_by.is_empty() {
                        state.group_by = group_by;
                    }
                }
                "lang" => state.lang = Lang::from_tag(&value),
                "trend" if value == "month" => state.trend = Dimension::Month,
                "digits" => state.precision = Precision::from_id(&value).unwrap_or_default(),
                "level" => state.level = value.parse().unwrap_or_default(),
                "months_by" => state.months_by = value.parse().unwrap_or(Dimension::Product),
                _ => {}
            }
        }
        state
    }

    pub fn to_fragment(&self) -> String {
        let names: Vec<String> = self.group_by.iter().map(Dimension::to_string).collect();
        let by: String = js_sys::encode_uri_component(&names.join(",")).into();
        let mut fragment = format!("#tab={}&by={by}", self.tab.id());
        if let Some(lang) = self.lang {
            fragment.push_str("&lang=");
            fragment.push_str(lang.tag());
        }
        for (dimension, value) in &self.filters {
            let encode = |text: &str| String::from(js_sys::encode_uri_component(text));
            fragment.push_str(&format!("&f={}:{}", encode(&dimension.to_string()), encode(value)));
        }
        if self.trend == Dimension::Month {
            fragment.push_str("&trend=month");
        }
        if self.level != Level::default() {
            fragment.push_str("&level=");
            fragment.push_str(self.level.as_str());
        }
        if self.months_by != Dimension::Product {
            fragment.push_str("&months_by=");
            fragment.push_str(&String::from(js_sys::encode_uri_component(&self.months_by.to_string())));
        }
        if self.precision != Precision::default() {
            fragment.push_str("&digits=");
            fragment.push_str(self.precision.id());
        }
        fragment
    }
}
