//! The application's pure parsing modules, compiled from the main crate's sources so the
//! fuzz targets exercise exactly the code that ships, without building its GUI and network
//! dependencies under coverage instrumentation.

#![allow(dead_code, unused_imports, unused_macros)]

// Messages may be looked up in the catalogues (`t!`) as in the main crate.
#[macro_use]
extern crate rust_i18n;
rust_i18n::i18n!("../../assets/locales", fallback = "en");

#[path = "../../../src/decode/mod.rs"]
pub mod decode;
pub mod gateway;
#[path = "../../../src/secret.rs"]
pub mod secret;
