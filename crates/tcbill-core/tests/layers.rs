//! Core's layers hold: every module uses only its own layer and those before it, so an import
//! cycle cannot come back (ARCHITECTURE.md, "Layers"). The check reads the source files and
//! follows every `crate::` path (and `super::` between the modules of an ordered layer, and the
//! items a layer's `mod.rs` re-exports back to the module that defines them); doc comments are
//! not code and are skipped. Run it with `cargo test -p tcbill-core --test layers`.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

/// Core's top-level modules, in order: each may use only itself and those before it.
const LAYERS: [&str; 8] = [
    "model", "api", "schema", "input", "dataset", "analysis", "report", "focus",
];

/// Layers whose own modules are ordered too: the layer, its modules in order, and the items of
/// its `mod.rs` those modules may use (anything else there is a re-export of a module).
const ORDERED_LAYERS: [(&str, &[&str], &[&str]); 4] = [
    (
        "model",
        &[
            "sort",
            "currency",
            "number",
            "time",
            "table",
            "diagnostic",
            "kind",
            "parsed_file",
        ],
        &[],
    ),
    (
        "input",
        &[
            "decode",
            "record_scan",
            "simple_record",
            "rows",
            "csv",
            "json",
            "sniff",
            "xlsx",
            "parser",
            "parts",
        ],
        &["SNIFF_LEN"],
    ),
    (
        "analysis",
        &[
            "fixed",
            "share",
            "series",
            "units",
            "products",
            "currency",
            "cost",
            "deductions",
            "packages",
            "usage",
            "checks",
            "compare",
            "alerts",
            "forecast",
        ],
        &[
            "RowRef",
            "named_tables",
            "counted_tables",
            "NOT_EXACT",
            "round_half_up",
        ],
    ),
    // The report is built in mod.rs; its writers come after it.
    (
        "report",
        &["csv_tables", "costs_csv", "digest"],
        &[
            "Report",
            "DeductionReport",
            "CostReport",
            "CurrencyTotal",
            "DuplicateNotice",
            "RoundingNotice",
            "LowerDetailNotice",
        ],
    ),
];

/// What the `mod.rs` of each ordered layer re-exports: `"report::csv_writer"` → `"csv_tables"`,
/// so a path through the re-export is checked against the module that defines the item.
type Reexports = HashMap<String, String>;

/// The `pub use module::{items}` lines of `source`, the `mod.rs` of `layer`.
fn reexports(layer: &str, source: &str) -> Reexports {
    // Statement by statement, so a `pub use` that rustfmt wrapped over lines reads whole.
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ");
    code.split(';')
        .filter_map(|statement| statement.trim().strip_prefix("pub use "))
        .flat_map(expand)
        .filter_map(|path| {
            let (module, item) = path.split_once("::")?;
            let item = item.rsplit(" as ").next()?.trim();
            Some((format!("{layer}::{item}"), module.to_owned()))
        })
        .collect()
}

/// Every `use` tree spelled out: `input::{csv, json}` gives `input::csv` and `input::json`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
        for (at, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[start..at]);
                    start = at + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[start..]);
        return parts
            .into_iter()
            .filter(|part| !part.trim().is_empty())
            .flat_map(expand)
            .collect();
    }
    match tree.split_once("::") {
        None => vec![tree.to_owned()],
        Some((head, rest)) => expand(rest)
            .into_iter()
            .map(|tail| format!("{head}::{tail}"))
            .collect(),
    }
}

/// The paths after each `prefix` (`crate::`, `super::`) in code, braces expanded.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        let mut depth = 0;
        let mut end = rest.len();
        for (offset, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = offset;
                    break;
                }
                '}' => depth -= 1,
                c if depth > 0 || c.is_alphanumeric() || matches!(c, '_' | ':' | '*') => {}
                _ => {
                    end = offset;
                    break;
                }
            }
        }
        paths.extend(expand(rest[..end].trim_end_matches(':')));
    }
    paths
}

/// What `file` (a path under `src/`, such as `input/csv.rs`) uses that its layer may not.
fn violations(file: &str, source: &str, reexported: &Reexports) -> Vec<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| format!("{line}\n"))
        .collect();
    let parts: Vec<&str> = file.trim_end_matches(".rs").split('/').collect();
    let layer = parts[0];
    let Some(rank) = LAYERS.iter().position(|&l| l == layer) else {
        return vec![format!("{file}: `{layer}` is in no layer of LAYERS")];
    };
    let ordered = ORDERED_LAYERS.iter().find(|(name, ..)| *name == layer);
    // A module of an ordered layer (not its mod.rs), and where it stands in the order.
    let module = match (ordered, parts.get(1)) {
        (Some((_, modules, _)), Some(&module)) if module != "mod" => {
            match modules.iter().position(|&m| m == module) {
                Some(position) => Some((module, position)),
                None => return vec![format!("{file}: `{module}` is not in {layer}'s order")],
            }
        }
        _ => None,
    };
    let mut used = paths_after(&code, "crate::");
    if module.is_some() && parts.len() == 2 {
        used.extend(
            paths_after(&code, "super::")
                .iter()
                .map(|p| format!("{layer}::{p}")),
        );
    }
    let mut found = match (ordered, parts.get(1)) {
        (Some((_, modules, _)), Some(&"mod")) => mod_rs_violations(file, layer, modules, &code),
        _ => Vec::new(),
    };
    for path in used {
        let segments: Vec<&str> = path.split("::").collect();
        let Some(used_rank) = LAYERS.iter().position(|&l| l == segments[0]) else {
            found.push(format!("{file}: crate::{path} names no layer"));
            continue;
        };
        if used_rank > rank {
            found.push(format!("{file}: crate::{path} is a later layer"));
            continue;
        }
        let (Some((_, modules, root_items)), Some((own, position)), Some(&target)) =
            (ordered, module, segments.get(1))
        else {
            continue;
        };
        if used_rank != rank || target == "*" || target == "self" {
            continue;
        }
        let target = reexported
            .get(&format!("{layer}::{target}"))
            .map_or(target, String::as_str);
        match modules.iter().position(|&m| m == target) {
            Some(target_position) if target_position > position => found.push(format!(
                "{file}: crate::{path} is after `{own}` in {layer}'s order"
            )),
            Some(_) => {}
            None if root_items.contains(&target) => {}
            None => found.push(format!(
                "{file}: crate::{path} is neither a module of {layer} nor a shared item"
            )),
        }
    }
    found
}

/// The `mod.rs` of an ordered layer comes before its modules: besides declaring and re-exporting
/// them, its code names none (`cost::summarize`, `crate::analysis::cost::Summary`), or a module
/// using its shared items would close a cycle.
fn mod_rs_violations(file: &str, layer: &str, modules: &[&str], code: &str) -> Vec<String> {
    let declaration = |line: &str| {
        let line = line.trim_start();
        ["mod ", "pub mod ", "pub use ", "pub(crate) use "]
            .iter()
            .any(|start| line.starts_with(start))
    };
    let mut found = Vec::new();
    for line in code.lines().filter(|line| !declaration(line)) {
        for module in modules {
            let named = line.match_indices(&format!("{module}::")).any(|(at, _)| {
                let before = &line[..at];
                match before.chars().next_back() {
                    Some(':') => {
                        before.ends_with(&format!("crate::{layer}::")) || before.ends_with("self::")
                    }
                    Some(c) => !(c.is_alphanumeric() || c == '_'),
                    None => true,
                }
            });
            if named
                && !found
                    .iter()
                    .any(|f: &String| f.ends_with(&format!("`{module}`")))
            {
                found.push(format!("{file}: names its own later module `{module}`"));
            }
        }
    }
    found
}

fn sources(dir: &Path, under: &str, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap();
        let relative = if under.is_empty() {
            name.to_owned()
        } else {
            format!("{under}/{name}")
        };
        if path.is_dir() {
            sources(&path, &relative, out);
        } else if name.ends_with(".rs") && relative != "lib.rs" {
            out.push((relative, fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn every_module_uses_only_earlier_layers() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "",
        &mut files,
    );
    files.sort();
    assert!(files.len() > 30, "read {} files", files.len());
    let reexported: Reexports = files
        .iter()
        .filter_map(|(file, source)| Some(reexports(file.strip_suffix("/mod.rs")?, source)))
        .flatten()
        .collect();
    assert_eq!(
        reexported.get("report::csv_writer").map(String::as_str),
        Some("csv_tables")
    );
    let found: Vec<String> = files
        .iter()
        .flat_map(|(file, source)| violations(file, source, &reexported))
        .collect();
    assert!(found.is_empty(), "layer violations:\n{}", found.join("\n"));
}

#[test]
fn the_check_catches_a_later_layer_a_later_module_and_an_unknown_path() {
    let none = Reexports::new();
    let violations = |file: &str, source: &str| violations(file, source, &none);
    assert_eq!(
        violations("model/table.rs", "use crate::input::parse_file;\n"),
        ["model/table.rs: crate::input::parse_file is a later layer"]
    );
    assert_eq!(
        violations(
            "input/csv.rs",
            "use super::{parser::Parser, rows};\nuse crate::input::SNIFF_LEN;\n"
        ),
        ["input/csv.rs: crate::input::parser::Parser is after `csv` in input's order"]
    );
    assert_eq!(
        violations("input/json.rs", "use crate::input::parse_file;\n"),
        ["input/json.rs: crate::input::parse_file is neither a module of input nor a shared item"]
    );
    assert_eq!(
        violations(
            "schema.rs",
            "use crate::{model::kind::InputKind, dataset::Dataset};\nfn f() { crate::time::now() }\n"
        ),
        [
            "schema.rs: crate::dataset::Dataset is a later layer",
            "schema.rs: crate::time::now names no layer"
        ]
    );
    assert_eq!(
        violations("dataset.rs", "//! see [`crate::report`]\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        violations("parser.rs", ""),
        ["parser.rs: `parser` is in no layer of LAYERS"]
    );
}

#[test]
fn a_path_through_a_re_export_is_checked_against_the_module_that_defines_it() {
    let reexported = reexports(
        "report",
        "mod costs_csv;\npub use costs_csv::{costs_csv, CsvDownload};\npub use csv_tables::{\n    csv_writer,\n};\n",
    );
    assert_eq!(
        violations(
            "report/csv_tables.rs",
            "use crate::report::{costs_csv, Report};\n",
            &reexported
        ),
        ["report/csv_tables.rs: crate::report::costs_csv is after `csv_tables` in report's order"]
    );
    assert_eq!(
        violations(
            "report/costs_csv.rs",
            "use crate::report::{csv_writer, DeductionReport};\n",
            &reexported
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        violations("analysis/cost.rs", "use super::checks::run_checks;\n", &reexported),
        ["analysis/cost.rs: crate::analysis::checks::run_checks is after `cost` in analysis's order"]
    );
}

#[test]
fn a_layers_mod_rs_may_declare_and_re_export_its_modules_but_not_use_them() {
    let none = Reexports::new();
    let source = "pub mod cost;\npub use cost::Summary;\nuse crate::model::table::Table;\n\
                  fn f() { cost::summarize(); }\nfn g() -> crate::analysis::checks::Check {}\n";
    assert_eq!(
        violations("analysis/mod.rs", source, &none),
        [
            "analysis/mod.rs: names its own later module `cost`",
            "analysis/mod.rs: names its own later module `checks`"
        ]
    );
    assert_eq!(
        violations(
            "analysis/mod.rs",
            "fn f(d: &Dataset) -> precost::X {}\n",
            &none
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        violations("report/mod.rs", "use crate::focus::export;\n", &none),
        ["report/mod.rs: crate::focus::export is a later layer"]
    );
}
