//! The window in English and Simplified Chinese (tests/ui_app/i18n.rs). A test binary of its
//! own: switching the process-wide language must not reach the other window tests.

#[allow(dead_code)]
#[path = "ui_app/common.rs"]
mod common;
#[path = "ui_app/i18n.rs"]
mod i18n;
