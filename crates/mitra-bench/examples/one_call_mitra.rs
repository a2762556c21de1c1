//! One Sempoa call through mitra, for the binary-size comparison
//! (`scripts/binary-size.sh`). Needs a server at $URL.
fn main() {
    let url = std::env::var("URL").unwrap_or_else(|_| "http://127.0.0.1:9".into());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = mitra_sempoa::Client::builder()
        .base_url(url)
        .token("t")
        .build()
        .unwrap();
    println!(
        "{:?}",
        rt.block_on(client.get_akun("10000")).map(|a| a.name)
    );
}
