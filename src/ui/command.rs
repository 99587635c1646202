//! "Copy as command": the same query as a `calldata-inspector query` line and a `curl` line,
//! with the GUID always masked as `***`.

use super::app::Form;
use crate::worker::QuerySummary;

/// Both command lines, one per line.
pub fn lines(summary: &QuerySummary, form: &Form) -> String {
    // TEMP until cli::query_command_line lands.
    let mut cli = format!(
        "calldata-inspector query --host {} --port {} --agent {} --call-id '{}'",
        summary.host, summary.port, summary.agent, summary.call_id
    );
    if summary.encoded {
        cli.push_str(" --encoded");
    }
    if form.insecure {
        cli.push_str(" --insecure");
    }
    let curl = format!(
        "curl -H 'Guid: ***' -H 'Content-Type: application/json; charset=UTF-8' 'https://{}:{}/agentgateway/resource/calldata/{}/appdata?isEncodeResult={}&callId={}'",
        summary.host, summary.port, summary.agent, summary.encoded, summary.call_id
    );
    format!("{cli}\n{curl}\n")
}
