//! For users' tests (feature `mock`): what a test asserts about mitra's
//! logs, beside the vendor crates' typed mocks.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (guard, logs) = mitra_core::testing::capture_tracing();
//! tracing::warn!(vendor = "sempoa", "call failed");
//! drop(guard);
//! assert!(logs.text().contains("call failed"));
//! # }
//! ```

use std::sync::{Arc, Mutex};

/// A buffer holding everything tracing wrote while a [`capture_tracing`]
/// guard was alive.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::fmt::Debug for Captured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The text itself may be long; its size says enough here.
        let len = self.0.lock().map(|b| b.len()).unwrap_or(0);
        f.debug_struct("Captured").field("bytes", &len).finish()
    }
}

impl Captured {
    /// The captured text.
    pub fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every tracing event and span field of the current thread at
/// TRACE level until the guard drops. Use it with a current-thread runtime
/// (`#[tokio::test]`), whose tasks all run on the test's thread.
pub fn capture_tracing() -> (tracing::subscriber::DefaultGuard, Captured) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    (tracing::subscriber::set_default(subscriber), captured)
}
