//! Prints Base64 + charset decode throughput on a 20 MiB payload next to the base64 crate's
//! raw decode of the same input (the peer). Figures, not assertions: run with
//! `cargo bench --bench decode`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::time::{Duration, Instant};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let line = "客户张伟来电咨询订单 20241125 的退款进度，IVR 路径 1-3-2，坐席工号 1001。\n";
    let text = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let encoded = STANDARD.encode(&gbk);
    let mib = encoded.len() as f64 / (1024.0 * 1024.0);

    let ours = best_of(5, || {
        calldata_inspector::decode::decode_result(&encoded, true, None).map(|d| d.text.len())
    });
    let peer = best_of(5, || STANDARD.decode(encoded.as_bytes()).map(|b| b.len()));

    let rate = |d: Duration| mib / d.as_secs_f64();
    println!("Base64 + charset decode, {mib:.1} MiB of Base64 (GBK Chinese text), best of 5");
    println!("| what | time (ms) | MiB/s |");
    println!("| --- | ---: | ---: |");
    println!(
        "| calldata-inspector decode_result (Base64 + GB18030 detect + structure) | {:.1} | {:.0} |",
        ours.as_secs_f64() * 1e3,
        rate(ours)
    );
    println!(
        "| base64 crate STANDARD.decode (peer, bytes only) | {:.1} | {:.0} |",
        peer.as_secs_f64() * 1e3,
        rate(peer)
    );
    println!(
        "ratio (ours / peer throughput): {:.2}",
        rate(ours) / rate(peer)
    );
}
