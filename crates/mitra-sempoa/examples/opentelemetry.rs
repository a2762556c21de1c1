//! Wiring mitra's spans into OpenTelemetry: `tracing-opentelemetry` over the
//! OpenTelemetry SDK, with the stdout exporter (swap in `opentelemetry-otlp`'s
//! exporter to send them to a collector). Each call is one client span named
//! `GET /akun/{kode}` with OpenTelemetry's HTTP client attributes, one child
//! span per attempt, and failures at WARN on the `fmt` layer.
//!
//! Try it against the offline sandbox:
//!
//! ```sh
//! cargo run -p mitra-cli -- sandbox --port 8787 &   # prints Sempoa's URL and token
//! MITRA_SEMPOA_BASE_URL=http://127.0.0.1:8787/sempoa MITRA_SEMPOA_TOKEN=<token> \
//!   cargo run -p mitra-sempoa --example opentelemetry
//! ```

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(opentelemetry_stdout::SpanExporter::default())
        .build();
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("my-service")))
        // Failed calls (WARN) and retries (INFO) in the log as well.
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(tracing_subscriber::filter::LevelFilter::INFO),
        )
        .init();

    let client = mitra_sempoa::Client::from_env()?;
    match client.get_akun("10000").await {
        Ok(account) => println!("{} {}", account.code, account.name),
        Err(error) => println!("failed: {error}"),
    }
    provider.shutdown()?;
    Ok(())
}
