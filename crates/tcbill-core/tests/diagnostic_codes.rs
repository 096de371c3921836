//! The common diagnostics carry a code with what a page needs to say them in its own language,
//! next to the English sentence and the place (line, column) they always had.

use tcbill_core::model::diagnostic::DiagnosticCode;
use tcbill_core::parse_file;

const HEADER: &str = "Product Name,Component Name,Transaction ID,Total Cost (Including Tax)\n";

/// Line, column, English sentence and code of one diagnostic.
type Said = (Option<u64>, Option<String>, String, Option<DiagnosticCode>);

/// Line, column, English and code of each diagnostic of `name`.
fn said(name: &str, bytes: &[u8]) -> Vec<Said> {
    parse_file(name, bytes)
        .into_iter()
        .flat_map(|file| file.diagnostics)
        .map(|d| (d.line, d.column, d.message, d.says))
        .collect()
}

#[test]
fn a_bad_number_and_a_short_row_have_codes_with_their_values() {
    let csv = format!("{HEADER}CVM,CPU,tx1,12.3.4\nCVM,CPU,tx2,5e28\nCVM,CPU\n");
    assert_eq!(
        said("bill.csv", csv.as_bytes()),
        [
            (
                Some(2),
                Some("Total Cost (Including Tax)".to_owned()),
                "\"12.3.4\" is not a number".to_owned(),
                Some(DiagnosticCode::NotANumber {
                    text: "12.3.4".to_owned()
                })
            ),
            (
                Some(3),
                Some("Total Cost (Including Tax)".to_owned()),
                "\"5e28\" is too large to compute with exactly (tcbill accepts numbers below 10^16)"
                    .to_owned(),
                Some(DiagnosticCode::TooLarge {
                    text: "5e28".to_owned()
                })
            ),
            (
                Some(4),
                Some("Component Name".to_owned()),
                "expected 4 fields, found 2: the row ends after this column".to_owned(),
                Some(DiagnosticCode::FieldCount {
                    expected: 4,
                    found: 2
                })
            ),
        ]
    );
}

#[test]
fn a_broken_quote_an_empty_file_and_an_unknown_kind_have_codes() {
    let csv = format!("{HEADER}CVM,\"CPU,tx1,1.00\nCVM,CPU,tx2,2.00\n");
    let codes: Vec<_> = said("bill.csv", csv.as_bytes())
        .into_iter()
        .map(|d| d.3)
        .collect();
    assert_eq!(codes, [Some(DiagnosticCode::BrokenQuote { rows: 1 })]);
    assert_eq!(said("empty.csv", b"")[0].3, Some(DiagnosticCode::EmptyFile));
    assert_eq!(
        said("notes.csv", b"a,b\n1,2\n")[0].3,
        Some(DiagnosticCode::UnknownKind)
    );
}
