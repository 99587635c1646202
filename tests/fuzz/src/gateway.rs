//! The reply envelope and what it depends on, from the main crate's `gateway` module.

#[path = "../../../src/gateway/agent.rs"]
mod agent;
#[path = "../../../src/gateway/envelope.rs"]
pub mod envelope;
#[path = "../../../src/gateway/error.rs"]
pub mod error;
#[path = "../../../src/gateway/retcode.rs"]
pub mod retcode;
#[path = "../../../src/gateway/url.rs"]
pub mod url;

pub use agent::{AgentId, AgentIdError};
pub use envelope::RawReply;
