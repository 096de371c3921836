//! The UI's two languages. Every string a person reads is a field of [`Strings`], so a
//! missing translation is a compile error, not a blank in the page.
//!
//! Billing terms stay as the console shows them (资源包, 抵扣系数, ...) in both languages: users
//! match them against the console.

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The language the browser prefers, defaulting to English for anything but Chinese.
    pub fn from_browser() -> Lang {
        let preferred = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
        Lang::from_tag(&preferred).unwrap_or(Lang::En)
    }

    /// Reads a language tag such as `zh-CN` or `en` (as in `navigator.language` or the URL).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// Every UI string, in one language.
pub struct Strings {
    pub tagline: &'static str,
    /// Label of the button that switches to the *other* language.
    pub other_language: &'static str,
    pub drop_region: &'static str,
    pub drop_title: &'static str,
    pub drop_hint: &'static str,
    pub choose_files: &'static str,
    pub load_sample: &'static str,
    pub no_files: &'static str,
    pub files_loaded: fn(usize) -> String,
    pub col_file: &'static str,
    pub col_size: &'static str,
    pub col_kind: &'static str,
    pub col_rows_read: &'static str,
    pub col_accepted: &'static str,
    pub col_rejected: &'static str,
    pub col_actions: &'static str,
    pub remove: &'static str,
    pub cancel: &'static str,
    pub cancelled: &'static str,
    pub cannot_read: &'static str,
    pub reading: &'static str,
    pub rows: &'static str,
    pub of: &'static str,
    pub problems: fn(usize) -> String,
    pub zip_pack: fn(usize) -> String,
    pub worker_failed: &'static str,
}

pub static EN: Strings = Strings {
    tagline: "Tencent Cloud bill analyzer. Your files are read in this browser tab and never uploaded.",
    other_language: "中文",
    drop_region: "Drop billing files here",
    drop_title: "Drop Tencent Cloud billing exports here",
    drop_hint: "CSV, ZIP bill packs, XLSX or API JSON — many files at once.",
    choose_files: "Choose files…",
    load_sample: "Load sample data",
    no_files: "No files loaded yet.",
    files_loaded: |n| if n == 1 { "1 file loaded".to_owned() } else { format!("{n} files loaded") },
    col_file: "File",
    col_size: "Size",
    col_kind: "Detected kind",
    col_rows_read: "Rows read",
    col_accepted: "Accepted",
    col_rejected: "Rejected",
    col_actions: "Actions",
    remove: "Remove",
    cancel: "Cancel",
    cancelled: "cancelled",
    cannot_read: "cannot read the file",
    reading: "Reading",
    rows: "rows",
    of: "of",
    problems: |n| if n == 1 { "1 problem".to_owned() } else { format!("{n} problems") },
    zip_pack: |n| format!("ZIP bill pack ({n} files)"),
    worker_failed: "The parsing worker could not start, so files cannot be read",
};

pub static ZH: Strings = Strings {
    tagline: "腾讯云账单分析。文件只在本浏览器标签页内读取，从不上传。",
    other_language: "English",
    drop_region: "将账单文件拖放到此处",
    drop_title: "将腾讯云账单导出文件拖放到此处",
    drop_hint: "支持 CSV、ZIP 账单包、XLSX 和 API JSON，可一次拖入多个文件。",
    choose_files: "选择文件…",
    load_sample: "加载示例数据",
    no_files: "尚未加载文件。",
    files_loaded: |n| format!("已加载 {n} 个文件"),
    col_file: "文件",
    col_size: "大小",
    col_kind: "识别类型",
    col_rows_read: "读取行数",
    col_accepted: "有效行",
    col_rejected: "拒绝行",
    col_actions: "操作",
    remove: "移除",
    cancel: "取消",
    cancelled: "已取消",
    cannot_read: "无法读取文件",
    reading: "正在读取",
    rows: "行",
    of: "/",
    problems: |n| format!("{n} 个问题"),
    zip_pack: |n| format!("ZIP 账单包（{n} 个文件）"),
    worker_failed: "解析线程无法启动，暂时不能读取文件",
};
