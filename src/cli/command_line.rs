//! "Copy as command": a query as a `calldata-inspector query` line and as a `curl` line, quoted
//! for a POSIX shell. Neither ever holds the GUID: the first relies on `CALLDATA_GUID`, the
//! second shows `Guid: ***` for the user to fill in.

use std::path::PathBuf;

use crate::gateway::{self, AgentId};

/// The non-secret parts of a query, as typed (the agent may not be validated yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLine {
    /// Gateway host.
    pub host: String,
    /// Gateway port.
    pub port: u16,
    /// Agent ID as typed.
    pub agent: String,
    /// Call ID ("" = the agent's current call).
    pub call_id: String,
    /// `--encoded`.
    pub encoded: bool,
    /// `--ca-file`.
    pub ca_file: Option<PathBuf>,
    /// `--insecure`.
    pub insecure: bool,
    /// `--timeout` (None = the default).
    pub timeout_secs: Option<u64>,
    /// `--charset` (None = detect).
    pub charset: Option<String>,
    /// `--output` (None = the default, decoded).
    pub output: Option<String>,
}

impl Default for QueryLine {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: gateway::DEFAULT_PORT,
            agent: String::new(),
            call_id: String::new(),
            encoded: false,
            ca_file: None,
            insecure: false,
            timeout_secs: None,
            charset: None,
            output: None,
        }
    }
}

impl From<&super::QueryArgs> for QueryLine {
    fn from(a: &super::QueryArgs) -> Self {
        Self {
            host: a.host.clone(),
            port: a.port,
            agent: a.agent.to_string(),
            call_id: a.call_id.clone(),
            encoded: a.encoded,
            ca_file: a.ca_file.clone(),
            insecure: a.insecure,
            timeout_secs: (a.timeout != gateway::DEFAULT_TIMEOUT.as_secs()).then_some(a.timeout),
            charset: a.charset.map(|e| e.name().to_owned()),
            output: (a.output != super::OutputFormat::Decoded).then(|| a.output.name().to_owned()),
        }
    }
}

/// Quotes one word for a POSIX shell: bare when it is safe, else in single quotes.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b':' | b',' | b'+' | b'@' | b'%' | b'=')
        })
        // A leading '=' or '~' could be expanded by some shells; quote those too.
        && !s.starts_with(['=', '~']);
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `--flag value`, or `--flag=value` when the value starts with '-' (so it is not read as a flag).
fn flag(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    if value.starts_with('-') {
        out.push_str(&shell_quote(&format!("{name}={value}")));
    } else {
        out.push_str(name);
        out.push(' ');
        out.push_str(&shell_quote(value));
    }
}

/// The `calldata-inspector query …` line; the GUID is expected in `CALLDATA_GUID`.
pub fn query_command_line(q: &QueryLine) -> String {
    let mut s = String::from("calldata-inspector query");
    flag(&mut s, "--host", q.host.trim());
    flag(&mut s, "--port", &q.port.to_string());
    flag(&mut s, "--agent", q.agent.trim());
    if !q.call_id.is_empty() {
        flag(&mut s, "--call-id", &q.call_id);
    }
    if q.encoded {
        s.push_str(" --encoded");
    }
    if let Some(o) = &q.output {
        flag(&mut s, "--output", o);
    }
    if let Some(ca) = &q.ca_file {
        flag(&mut s, "--ca-file", &ca.to_string_lossy());
    }
    if q.insecure {
        s.push_str(" --insecure");
    }
    if let Some(t) = q.timeout_secs {
        flag(&mut s, "--timeout", &t.to_string());
    }
    if let Some(c) = &q.charset {
        flag(&mut s, "--charset", c);
    }
    s
}

/// The same request as a `curl` line with the GUID masked as `***`.
pub fn curl_command_line(q: &QueryLine) -> String {
    let url = match q.agent.trim().parse::<AgentId>() {
        Ok(agent) => gateway::url::appdata_url(&q.host, q.port, agent, &q.call_id, q.encoded).ok(),
        Err(_) => None,
    }
    .unwrap_or_else(|| {
        // Unvalidated input still gets a faithful (if doomed) URL rather than nothing.
        let mut u = format!(
            "https://{}:{}/agentgateway/resource/calldata/{}/appdata?isEncodeResult={}",
            q.host.trim(),
            q.port,
            gateway::url::encode_query_value(q.agent.trim()),
            q.encoded
        );
        if !q.call_id.is_empty() {
            u.push_str("&callId=");
            u.push_str(&gateway::url::encode_query_value(&q.call_id));
        }
        u
    });
    let mut s = String::from("curl -sS");
    let secs = q.timeout_secs.unwrap_or(gateway::DEFAULT_TIMEOUT.as_secs());
    s.push_str(&format!(" --max-time {secs}"));
    if q.insecure {
        s.push_str(" -k");
    } else if let Some(ca) = &q.ca_file {
        s.push_str(" --cacert ");
        s.push_str(&shell_quote(&ca.to_string_lossy()));
    }
    s.push_str(" -H 'Guid: ***'");
    s.push_str(" -H ");
    s.push_str(&shell_quote(&format!(
        "Content-Type: {}",
        gateway::CONTENT_TYPE
    )));
    s.push(' ');
    s.push_str(&shell_quote(&url));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> QueryLine {
        QueryLine {
            host: "gw.example".into(),
            agent: "1001".into(),
            call_id: "17000000#04&x=1 it's".into(),
            encoded: true,
            ca_file: Some("/etc/ca dir/gw.pem".into()),
            ..Default::default()
        }
    }

    #[test]
    fn quoting_is_posix_safe() {
        assert_eq!(shell_quote("abc-1.2"), "abc-1.2");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_quote("~x"), "'~x'");
    }

    #[test]
    fn query_line_round_trips_through_the_parser() {
        let s = query_command_line(&line());
        assert_eq!(
            s,
            r"calldata-inspector query --host gw.example --port 8043 --agent 1001 --call-id '17000000#04&x=1 it'\''s' --encoded --ca-file '/etc/ca dir/gw.pem'"
        );
        let dash = QueryLine {
            call_id: "-5".into(),
            ..line()
        };
        assert!(query_command_line(&dash).contains(" --call-id=-5"));
    }

    #[test]
    fn curl_line_masks_the_guid() {
        let s = curl_command_line(&line());
        assert!(s.contains("-H 'Guid: ***'"), "{s}");
        assert!(s.contains("--cacert '/etc/ca dir/gw.pem'"), "{s}");
        assert!(
            s.ends_with("'https://gw.example:8043/agentgateway/resource/calldata/1001/appdata?isEncodeResult=true&callId=17000000%2304%26x%3D1%20it%27s'"),
            "{s}"
        );
        let insecure = QueryLine {
            insecure: true,
            ..line()
        };
        assert!(curl_command_line(&insecure).contains(" -k "));
    }
}
