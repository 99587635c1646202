//! Seeds the TLS library's random generator on a second thread while `query` starts up.
//!
//! aws-lc seeds its generator once per process from CPU jitter entropy, which takes about
//! 35 ms of busy CPU: the largest single cost of a `query` run, and it used to sit on the
//! critical path at the first TLS handshake. Started as soon as the command line is parsed,
//! it overlaps with loading the system trust store, logging and runtime set-up; the
//! handshake then finds the generator seeded (or waits only for the rest of it).

use std::thread::JoinHandle;

/// The seeding thread; dropping it waits for the thread, so the process never exits while
/// aws-lc is still setting up its global state (its exit-time destructor frees that state).
#[derive(Debug)]
pub struct RngWarmup(Option<JoinHandle<()>>);

impl RngWarmup {
    /// Starts seeding in the background; if no thread can be started the handshake simply
    /// seeds it itself, as it would without this.
    pub fn start() -> Self {
        let handle = std::thread::Builder::new()
            .name("rng-seed".into())
            .spawn(|| {
                let mut byte = [0u8; 1];
                // A failure here would fail the handshake's own request just the same,
                // with a better message there.
                let _ = rustls::crypto::aws_lc_rs::default_provider()
                    .secure_random
                    .fill(&mut byte);
            })
            .ok();
        Self(handle)
    }
}

impl Drop for RngWarmup {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}
