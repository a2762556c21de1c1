//! The same call with bare reqwest and serde, for the binary-size comparison.
fn main() {
    let url = std::env::var("URL").unwrap_or_else(|_| "http://127.0.0.1:9".into());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = mitra_bench::bare_client();
    let result = rt.block_on(async {
        client
            .get(format!("{url}/akun/10000"))
            .bearer_auth("t")
            .send()
            .await?
            .json::<mitra_bench::BareEnvelope>()
            .await
    });
    println!("{:?}", result.map(|e| e.data.akun));
}
