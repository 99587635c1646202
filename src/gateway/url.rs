//! Building the appdata URL: host checks, IPv6 brackets and `callId` escaping.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::net::Ipv6Addr;

use super::AgentId;

/// Everything except RFC 3986 "unreserved" characters is escaped, so `#`, `&`, `=`, `+`, `%`
/// and spaces in a call ID reach the gateway as data, never as URL syntax.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a host cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// Nothing entered.
    #[error("{}", t!("host.empty"))]
    Empty,
    /// A URL was pasted instead of a host.
    #[error("{}", t!("host.looks_like_url", given = _0))]
    LooksLikeUrl(String),
    /// Characters no host name contains.
    #[error("{}", t!("host.invalid", given = _0))]
    Invalid(String),
}

/// Checks a host name, IPv4 or IPv6 address (brackets optional) and returns it as it goes
/// into a URL (IPv6 bracketed).
pub fn url_host(host: &str) -> Result<String, HostError> {
    let h = host.trim();
    if h.is_empty() {
        return Err(HostError::Empty);
    }
    if h.contains("://") || h.contains('/') {
        return Err(HostError::LooksLikeUrl(h.to_owned()));
    }
    let unbracketed = h
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(h);
    if unbracketed.parse::<Ipv6Addr>().is_ok() {
        return Ok(format!("[{unbracketed}]"));
    }
    let ok = h
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        || (!h.is_ascii() && !h.chars().any(|c| c.is_whitespace() || c.is_control()));
    if !ok || h.starts_with('.') || h.contains("..") {
        return Err(HostError::Invalid(h.to_owned()));
    }
    Ok(h.to_owned())
}

/// `https://host:port` (IPv6 bracketed).
pub fn base_url(host: &str, port: u16) -> Result<String, HostError> {
    Ok(format!("https://{}:{port}", url_host(host)?))
}

/// Percent-encodes one query value.
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The appdata URL; `callId` is omitted when empty (the agent's current call).
pub fn appdata_url(
    host: &str,
    port: u16,
    agent: AgentId,
    call_id: &str,
    encoded: bool,
) -> Result<String, HostError> {
    let mut url = format!(
        "{}/agentgateway/resource/calldata/{agent}/appdata?isEncodeResult={encoded}",
        base_url(host, port)?
    );
    if !call_id.is_empty() {
        url.push_str("&callId=");
        url.push_str(&encode_query_value(call_id));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent() -> AgentId {
        AgentId::new(1001).unwrap()
    }

    #[test]
    fn builds_the_documented_url() {
        assert_eq!(
            appdata_url("gw.example", 8043, agent(), "1476707884-279", true).unwrap(),
            "https://gw.example:8043/agentgateway/resource/calldata/1001/appdata?isEncodeResult=true&callId=1476707884-279"
        );
        assert_eq!(
            appdata_url("10.0.0.5", 443, agent(), "", false).unwrap(),
            "https://10.0.0.5:443/agentgateway/resource/calldata/1001/appdata?isEncodeResult=false"
        );
    }

    #[test]
    fn escapes_call_ids_and_brackets_ipv6() {
        let url = appdata_url("::1", 8043, agent(), "17000000#04&x=1 +%", false).unwrap();
        assert!(url.starts_with("https://[::1]:8043/"), "{url}");
        assert!(
            url.ends_with("&callId=17000000%2304%26x%3D1%20%2B%25"),
            "{url}"
        );
        assert_eq!(url_host("[fe80::1]").unwrap(), "[fe80::1]");
        assert_eq!(encode_query_value("呼叫"), "%E5%91%BC%E5%8F%AB");
    }

    #[test]
    fn refuses_urls_and_junk_as_hosts() {
        assert_eq!(url_host(" "), Err(HostError::Empty));
        assert!(matches!(
            url_host("https://gw:8043"),
            Err(HostError::LooksLikeUrl(_))
        ));
        assert!(matches!(url_host("gw 1"), Err(HostError::Invalid(_))));
        assert!(matches!(url_host("gw:8043"), Err(HostError::Invalid(_))));
    }
}
