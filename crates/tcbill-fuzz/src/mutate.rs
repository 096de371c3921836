//! The stable harness's mutator: deterministic from a seed, no coverage feedback, tuned to what
//! billing exports break on: numbers at the edges of `Decimal` (28 digits, exponents), quotes
//! and separators that shift CSV fields, line breaks, truncation, and splices of two files.

/// xorshift64*: small, fast and the same on every machine, so a seed replays a run exactly.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Numbers that have broken or could break exact arithmetic and number parsing.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "0.0000000000000000000000000001",
    "1e-28",
    "1e28",
    "5e28",
    "-5e28",
    "1e400",
    "79228162514264337593543950335",
    "-79228162514264337593543950336",
    "99999999999999999999999999999.9",
    "18446744073709551616",
    "1,000,000.000000000",
    "20,000.000000000分钟",
    "1.5GB",
    "NaN",
    "inf",
    "１２３",
    "--1",
    "1.",
    ".5",
    "1e",
    "-",
    "",
];

/// Fragments that move CSV fields and lines, or name things the parsers look for.
const TOKENS: &[&str] = &[
    "\"",
    "\"\"",
    ",",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\u{feff}",
    " ",
    "合计",
    "总计",
    "标签键:env",
    "2025-06-31 25:61:61",
    "1970-01-01 00:00:00",
    "9999-12-31 23:59:59",
    "\u{0}",
    "\u{fffd}",
    "PK\u{3}\u{4}",
    "{\"Response\":{",
    "XFD1048576",
    "A1048576",
    "<c r=\"XFD1048576\" t=\"s\"><v>0</v></c>",
    "--- x.csv\n",
];

/// The numbers and tokens above as a libFuzzer dictionary (`-dict=`), one quoted entry a line,
/// so the coverage-guided fuzzer tries them too.
pub fn libfuzzer_dictionary() -> String {
    let mut out = String::new();
    for entry in NUMBERS
        .iter()
        .chain(TOKENS)
        .filter(|entry| !entry.is_empty())
    {
        out.push('"');
        for &byte in entry.as_bytes() {
            match byte {
                b'"' | b'\\' => out.push_str(&format!("\\{}", byte as char)),
                0x20..=0x7e => out.push(byte as char),
                _ => out.push_str(&format!("\\x{byte:02X}")),
            }
        }
        out.push_str("\"\n");
    }
    out
}

/// Makes mutated copies of corpus entries.
pub struct Mutator {
    rng: Rng,
}

impl Mutator {
    pub fn new(seed: u64) -> Self {
        Mutator {
            rng: Rng::new(seed),
        }
    }

    /// A mutant of a random entry of `corpus` (not empty): one to four stacked mutations.
    pub fn mutant(&mut self, corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = self.rng.pick(corpus).clone();
        for _ in 0..1 + self.rng.below(4) {
            self.mutate(&mut bytes, corpus);
        }
        bytes
    }

    fn mutate(&mut self, bytes: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let rng = &mut self.rng;
        if bytes.is_empty() {
            bytes.extend_from_slice(rng.pick(TOKENS).as_bytes());
            return;
        }
        let at = rng.below(bytes.len());
        match rng.below(10) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = rng.next_u64() as u8,
            2 => {
                let random: Vec<u8> = (0..1 + rng.below(8))
                    .map(|_| rng.next_u64() as u8)
                    .collect();
                bytes.splice(at..at, random);
            }
            3 => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            4 => {
                let end = (at + 1 + rng.below(256)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, copy);
            }
            5 => {
                // Splice: this file's head, another's tail.
                let other = rng.pick(corpus);
                let from = rng.below(other.len() + 1);
                bytes.truncate(at);
                bytes.extend_from_slice(&other[from..]);
            }
            6 | 7 => replace_number(bytes, at, rng.pick(NUMBERS).as_bytes()),
            8 => {
                let token = rng.pick(TOKENS).as_bytes();
                if rng.below(2) == 0 {
                    bytes.splice(at..at, token.iter().copied());
                } else {
                    let end = (at + token.len()).min(bytes.len());
                    bytes.splice(at..end, token.iter().copied());
                }
            }
            _ => bytes.truncate(at),
        }
    }
}

/// Replaces the first run of digits (with its sign, dots and exponent) at or after `at` with
/// `number`; inserts it at `at` when there is none.
fn replace_number(bytes: &mut Vec<u8>, at: usize, number: &[u8]) {
    let is_part =
        |byte: u8| byte.is_ascii_digit() || matches!(byte, b'.' | b'-' | b'+' | b'e' | b'E');
    let Some(start) = bytes[at..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|offset| at + offset)
    else {
        bytes.splice(at..at, number.iter().copied());
        return;
    };
    let start = (0..start)
        .rev()
        .take_while(|&i| is_part(bytes[i]))
        .last()
        .unwrap_or(start);
    let end = (start..bytes.len())
        .find(|&i| !is_part(bytes[i]))
        .unwrap_or(bytes.len());
    bytes.splice(start..end, number.iter().copied());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_mutants() {
        let corpus = vec![b"a,b\n1.5,2\n".to_vec(), b"{\"x\":1}".to_vec()];
        let run = |seed| {
            let mut mutator = Mutator::new(seed);
            (0..50).map(|_| mutator.mutant(&corpus)).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn the_dictionary_escapes_quotes_and_non_ascii() {
        let dictionary = libfuzzer_dictionary();
        assert!(dictionary.starts_with("\"0\"\n\"-0\"\n"));
        assert!(
            dictionary.contains("\n\"\\\"\\\"\"\n"),
            "the token \"\" as \"\\\"\\\"\""
        );
        assert!(
            dictionary.contains("\n\"\\xE5\\x90\\x88\\xE8\\xAE\\xA1\"\n"),
            "合计 as UTF-8 bytes"
        );
    }

    #[test]
    fn a_number_is_replaced_whole() {
        let mut bytes = b"a,-12.5e3,b".to_vec();
        replace_number(&mut bytes, 1, b"5e28");
        assert_eq!(bytes, b"a,5e28,b");
        let mut bytes = b"abc".to_vec();
        replace_number(&mut bytes, 1, b"7");
        assert_eq!(bytes, b"a7bc");
    }
}
