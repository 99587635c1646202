//! "Copy as command": the same query as a `calldata-inspector query` line and a `curl` line,
//! built by the CLI's own formatter so the GUID never appears (`Guid: ***`, `CALLDATA_GUID`).

use super::app::Form;
use crate::cli::{QueryLine, curl_command_line, query_command_line};
use crate::worker::QuerySummary;

/// Both command lines, one per line.
pub fn lines(
    summary: &QuerySummary,
    form: &Form,
    charset: Option<&'static encoding_rs::Encoding>,
) -> String {
    let timeout_secs = form
        .timeout
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|t| *t != crate::gateway::DEFAULT_TIMEOUT.as_secs());
    let line = QueryLine {
        host: summary.host.clone(),
        port: summary.port,
        agent: summary.agent.clone(),
        call_id: summary.call_id.clone(),
        encoded: summary.encoded,
        // The demo trusts a CA held in memory only; there is no file to name.
        ca_file: Some(form.ca_file.trim())
            .filter(|f| !f.is_empty() && !form.demo)
            .map(Into::into),
        insecure: form.insecure && !form.demo,
        timeout_secs,
        charset: charset.map(|e| e.name().to_owned()),
        output: None,
    };
    format!(
        "{}\n{}\n",
        query_command_line(&line),
        curl_command_line(&line)
    )
}
