//! Where log lines go: stderr, through a writer that can neither be forged nor be fatal.
//!
//! - A write that fails (stderr a closed pipe, a full disk) is dropped and counted, never an
//!   error the formatter reports (tracing-subscriber reports it with `eprintln!`, which
//!   panics when stderr is broken). The count of lines lost is written before the next line
//!   that gets through.
//! - Each event is one line: a control character inside it (a newline or an escape sequence
//!   in an application's or a key's name) and the bidirectional override and isolate
//!   characters are written escaped (`\x0a`, `\u{202e}`), so no client can forge a line or
//!   repaint the terminal. ANSI colours, when the daemon writes to a terminal, are the
//!   formatter's own; the formatter escapes escape sequences in field values then.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing_subscriber::fmt::MakeWriter;

/// Makes a [`LineWriter`] per event, all sharing the count of dropped lines.
#[derive(Clone, Debug)]
pub struct LogSink {
    dropped: Arc<AtomicU64>,
    ansi: bool,
}

impl LogSink {
    /// Lines go to stderr; `ansi` says whether the formatter colours them (escape sequences
    /// are then left as they are).
    pub fn stderr(ansi: bool) -> LogSink {
        LogSink {
            dropped: Arc::new(AtomicU64::new(0)),
            ansi,
        }
    }

    /// How many lines were dropped because the write failed.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl<'a> MakeWriter<'a> for LogSink {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> LineWriter<'a> {
        LineWriter { sink: self }
    }
}

/// Writes one formatted event to stderr, escaped; never fails.
#[derive(Debug)]
pub struct LineWriter<'a> {
    sink: &'a LogSink,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let line = escape_line(buf, self.sink.ansi);
        let mut stderr = io::stderr().lock();
        let lost = self.sink.dropped.swap(0, Ordering::Relaxed);
        let notice = match lost {
            0 => Vec::new(),
            n => format!("WARN psc: {n} log lines were lost: the log could not be written\n")
                .into_bytes(),
        };
        let written = stderr
            .write_all(&notice)
            .and_then(|()| stderr.write_all(&line));
        if written.is_err() {
            self.sink.dropped.fetch_add(lost + 1, Ordering::Relaxed);
        }
        // Whatever happened, the line is dealt with: the formatter must not see an error.
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = io::stderr().flush();
        Ok(())
    }
}

/// One event as bytes fit for a log: control characters but the final newline, DEL, C1
/// controls and bidirectional controls escaped; ESC kept when `ansi` (the formatter's own
/// colours).
pub fn escape_line(buf: &[u8], ansi: bool) -> Vec<u8> {
    let (body, end) = match buf.strip_suffix(b"\n") {
        Some(body) => (body, &b"\n"[..]),
        None => (buf, &b""[..]),
    };
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        match c {
            '\x1b' if ansi => out.push(c),
            '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(end);
    bytes
}

/// The bidirectional embedding, override and isolate characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::escape_line;

    #[test]
    fn an_event_stays_one_line_without_escapes() {
        let line = escape_line(
            "app=Direct:a\nFAKE \u{1b}[31mred\u{202e}x\n".as_bytes(),
            false,
        );
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "app=Direct:a\\u{a}FAKE \\u{1b}[31mred\\u{202e}x\n"
        );
        let kept = escape_line("\u{1b}[2mINFO\u{1b}[0m x\n".as_bytes(), true);
        assert_eq!(kept, "\u{1b}[2mINFO\u{1b}[0m x\n".as_bytes());
    }
}
