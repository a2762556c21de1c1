//! `loop_calls <bare|mitra> <n>`: n sequential calls against a local
//! server, for instruction counts (`perf stat -e instructions:u`).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[2].parse().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = mitra_bench::Server::start().await;
        let bare = mitra_bench::bare_client();
        let mitra = mitra_bench::sempoa(&server.url);
        for _ in 0..n {
            match args[1].as_str() {
                "bare" => drop(mitra_bench::bare_get_akun(&bare, &server.url).await),
                _ => drop(mitra.get_akun("10000").await.unwrap()),
            }
        }
    });
}
