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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_lines_name_the_query_but_never_the_guid() {
        let secret = "5e1f0c2a-7b7d-4c1e-9d11-0a0b0c0d0e0f.AgentGateway7";
        let form = Form {
            host: "gw.example".into(),
            port: "8043".into(),
            agent: "1001".into(),
            ca_file: "/etc/ca.pem".into(),
            timeout: "30".into(),
            guid: secret.into(),
            ..Form::default()
        };
        let summary = QuerySummary {
            host: "gw.example".into(),
            port: 8043,
            agent: "1001".into(),
            call_id: "17000000#04&x=1".into(),
            encoded: true,
        };
        let out = lines(&summary, &form, Some(encoding_rs::GBK));
        assert!(!out.contains(secret), "{out}");
        let mut it = out.lines();
        let cli = it.next().unwrap();
        assert!(
            cli.starts_with("calldata-inspector query --host gw.example"),
            "{cli}"
        );
        assert!(
            cli.contains("--call-id '17000000#04&x=1'") && cli.contains("--encoded"),
            "{cli}"
        );
        assert!(
            cli.contains("--ca-file /etc/ca.pem") && cli.contains("--timeout 30"),
            "{cli}"
        );
        assert!(cli.contains("--charset GBK"), "{cli}");
        let curl = it.next().unwrap();
        assert!(
            curl.starts_with("curl ") && curl.contains("'Guid: ***'"),
            "{curl}"
        );
        assert!(curl.contains("callId=17000000%2304%26x%3D1"), "{curl}");
    }
}
