//! A spinner on stderr while a slow request (RSA key generation) runs, drawn only when stderr
//! is a terminal, so scripts and logs capturing stderr never see it.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The frames, one every [`FRAME`].
const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
const FRAME: Duration = Duration::from_millis(100);

/// A running spinner; dropping it stops it and erases its line.
#[derive(Debug)]
pub(crate) struct Spinner {
    running: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl Spinner {
    /// Starts drawing `message` with a spinner when stderr is a terminal; otherwise does
    /// nothing.
    pub(crate) fn start(message: &'static str) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner { running: None };
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || spin(message, &flag));
        Spinner {
            running: Some((stop, thread)),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.running.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }
}

/// Redraws the line until told to stop, then clears it. A terminal that refuses the writes
/// only loses the decoration.
fn spin(message: &str, stop: &AtomicBool) {
    let mut stderr = std::io::stderr();
    for frame in FRAMES.iter().cycle() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let _ = write!(stderr, "\r{frame} {message}");
        let _ = stderr.flush();
        std::thread::sleep(FRAME);
    }
    // Carriage return, then erase the whole line.
    let _ = write!(stderr, "\r\x1b[2K");
    let _ = stderr.flush();
}
