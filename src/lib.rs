//! calldata-inspector: inspect the call-associated data a Huawei CC-Gateway holds for a call.
//!
//! Data flows one way: the UI (`ui`) sends requests to the `worker`, which talks to the
//! gateway (`gateway`) and decodes (`decode`) off the UI thread, and answers with events.
//! The embedded `simulator` is the gateway every test and the `--demo` mode talk to.

// `t!("key")` anywhere in the crate looks text up in the catalogues under assets/locales
// (see `i18n`); a key missing in Chinese falls back to English rather than showing the key.
#[macro_use]
extern crate rust_i18n;
rust_i18n::i18n!("assets/locales", fallback = "en");

pub mod build_info;
pub mod cli;
pub mod crash;
pub mod decode;
pub mod export;
pub mod gateway;
pub mod i18n;
pub mod keystore;
pub mod logging;
pub mod profiles;
pub mod ratelimit;
pub mod secret;
pub mod simulator;
pub mod ui;
pub mod worker;
