//! Telling a hand scanner from a person: a scanner types a whole code, then
//! Enter, with a few milliseconds between keys; people take far longer.

/// Longest pause between two keys of one scan. Scanners type a character
/// every 5-30 ms, but a busy tablet may hold one key back for a moment (a
/// page being drawn): one late key must not split a scan.
pub const MAX_GAP_MS: f64 = 250.0;
/// Longest mean pause between the keys of a scan, Enter included. The
/// fastest typists take about 100 ms a key over eight or more keys; a
/// scanner's mean stays under 30 ms even with a late key or two.
pub const MAX_MEAN_GAP_MS: f64 = 45.0;
/// Shortest code worth opening (EAN-8); SKU codes are longer.
pub const MIN_CODE_CHARS: usize = 8;
/// Longest code kept (a SKU has at most 40 characters).
pub const MAX_CODE_CHARS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Keystroke {
    Char(char),
    Enter,
    Other,
}

/// The keys typed so far, with when the first and the last came.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Burst {
    code: String,
    first_at_ms: Option<f64>,
    last_at_ms: Option<f64>,
}

impl Burst {
    pub fn reset(&mut self) {
        self.code.clear();
        self.first_at_ms = None;
        self.last_at_ms = None;
    }

    /// Takes one key at `at_ms`; gives the code when an Enter ends a burst
    /// of code characters typed as fast as a scanner types.
    pub fn key(&mut self, key: Keystroke, at_ms: f64) -> Option<String> {
        let in_time = self
            .last_at_ms
            .is_some_and(|last| at_ms - last <= MAX_GAP_MS);
        match key {
            Keystroke::Char(c) if c.is_ascii_alphanumeric() || c == '-' => {
                if !in_time || self.code.len() >= MAX_CODE_CHARS {
                    self.code.clear();
                    self.first_at_ms = Some(at_ms);
                }
                self.code.push(c);
                self.last_at_ms = Some(at_ms);
                None
            }
            Keystroke::Enter if in_time && self.code.len() >= MIN_CODE_CHARS => {
                let keys = self.code.chars().count() as f64;
                let took = at_ms - self.first_at_ms.unwrap_or(at_ms);
                let scanned = took / keys <= MAX_MEAN_GAP_MS;
                let code = std::mem::take(&mut self.code);
                self.reset();
                scanned.then_some(code)
            }
            _ => {
                self.reset();
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &str, gap_ms: f64) -> Option<String> {
        let mut burst = Burst::default();
        let mut at = 1000.0;
        let mut out = None;
        for c in keys.chars() {
            at += gap_ms;
            let key = if c == '\n' {
                Keystroke::Enter
            } else {
                Keystroke::Char(c)
            };
            out = burst.key(key, at);
        }
        out
    }

    #[test]
    fn a_scanner_burst_gives_its_code() {
        assert_eq!(
            typed("3760000000017\n", 8.0),
            Some("3760000000017".to_string())
        );
    }

    #[test]
    fn a_person_typing_digits_is_not_a_scan() {
        assert_eq!(typed("3760000000017\n", 120.0), None);
        // Even a very fast typist.
        assert_eq!(typed("3760000000017\n", 70.0), None);
    }

    #[test]
    fn a_key_held_back_by_a_busy_tablet_does_not_split_a_scan() {
        let mut burst = Burst::default();
        let mut at = 0.0;
        for (i, c) in "3760000000017".chars().enumerate() {
            at += if i == 5 { 200.0 } else { 6.0 };
            burst.key(Keystroke::Char(c), at);
        }
        assert_eq!(
            burst.key(Keystroke::Enter, at + 6.0),
            Some("3760000000017".to_string())
        );
    }

    #[test]
    fn short_codes_and_other_keys_are_ignored() {
        assert_eq!(typed("1234\n", 8.0), None);
        let mut burst = Burst::default();
        for (i, c) in "37600000".chars().enumerate() {
            burst.key(Keystroke::Char(c), i as f64 * 5.0);
        }
        assert_eq!(burst.key(Keystroke::Other, 45.0), None);
        assert_eq!(burst.key(Keystroke::Enter, 50.0), None);
    }

    #[test]
    fn a_slow_start_then_a_burst_keeps_only_the_burst() {
        let mut burst = Burst::default();
        burst.key(Keystroke::Char('9'), 0.0);
        let mut at = 500.0;
        for c in "3760000000017".chars() {
            burst.key(Keystroke::Char(c), at);
            at += 6.0;
        }
        assert_eq!(
            burst.key(Keystroke::Enter, at),
            Some("3760000000017".to_string())
        );
    }
}
