//! The JSON report of one query: what `query --output json` prints and the GUI exports.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

/// One query's result with its metadata. Holds no credential by construction: there is no
/// field a GUID could go into.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Gateway host.
    pub host: String,
    /// Gateway port.
    pub port: u16,
    /// Agent ID queried.
    pub agent: u32,
    /// Call ID queried ("" = the agent's current call).
    pub call_id: String,
    /// Whether `isEncodeResult=true` was sent.
    pub encoded: bool,
    /// HTTP status of the reply.
    pub http_status: u16,
    /// The gateway's retcode.
    pub retcode: String,
    /// The gateway's message.
    pub message: String,
    /// Charset the data was decoded with.
    pub charset: String,
    /// Length of the decoded data bytes.
    pub bytes: usize,
    /// SHA-256 (hex) of the decoded data bytes.
    pub sha256: String,
    /// The decoded data as text.
    pub data: String,
    /// Round-trip time in milliseconds.
    pub elapsed_ms: u64,
    /// When the report was made (RFC 3339, UTC).
    pub time: String,
    /// calldata-inspector version that made it.
    pub tool_version: String,
}

impl Report {
    /// The report as pretty JSON followed by a newline.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The current time as RFC 3339 UTC with seconds, e.g. `2026-11-25T06:10:00Z`.
pub fn now_rfc3339() -> String {
    rfc3339_of(SystemTime::now())
}

/// `t` as RFC 3339 UTC with seconds (the epoch for a time before it).
pub fn rfc3339_of(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// Formats seconds since the Unix epoch as RFC 3339 UTC with seconds.
fn rfc3339(secs: u64) -> String {
    let t = i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_has_the_contract_fields_and_no_credential() {
        let r = Report {
            host: "gw".into(),
            port: 8043,
            agent: 1001,
            call_id: "17000000#04&x=1".into(),
            encoded: true,
            http_status: 200,
            retcode: "0".into(),
            message: String::new(),
            charset: "GBK".into(),
            bytes: 4,
            sha256: sha256_hex("中文".as_bytes()),
            data: "中文".into(),
            elapsed_ms: 12,
            time: now_rfc3339(),
            tool_version: "0.1.0".into(),
        };
        let v: serde_json::Value = serde_json::from_slice(&r.to_json_bytes()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for k in [
            "host",
            "port",
            "agent",
            "call_id",
            "encoded",
            "retcode",
            "message",
            "charset",
            "bytes",
            "sha256",
            "data",
            "http_status",
            "elapsed_ms",
            "time",
            "tool_version",
        ] {
            assert!(keys.contains(&k), "missing {k}");
        }
        assert!(!keys.iter().any(|k| k.to_ascii_lowercase().contains("guid")));
        assert_eq!(v["data"], "中文");
        assert!(r.to_json_bytes().ends_with(b"}\n"));
    }

    #[test]
    fn time_and_hash_formats() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_796_000_000), "2026-11-30T00:53:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
