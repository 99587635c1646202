//! The HTTPS client for `GET …/calldata/{agentid}/appdata`.

use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

use super::classify::{Target, classify};
use super::error::{ConfigError, GatewayError, TransportError};
use super::{AgentId, RawReply, TlsOptions, url};
use crate::secret::Guid;

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Host name or IP address (IPv6 with or without brackets).
    pub host: String,
    /// HTTPS port (gateway default 8043).
    pub port: u16,
    /// Certificates to trust.
    pub tls: TlsOptions,
    /// Limit for establishing the TCP + TLS connection.
    pub connect_timeout: Duration,
    /// Limit for the whole request, body included.
    pub timeout: Duration,
    /// Largest body accepted; a bigger one is refused without being read.
    pub max_body: u64,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: super::DEFAULT_PORT,
            tls: TlsOptions::default(),
            connect_timeout: super::DEFAULT_TIMEOUT,
            timeout: super::DEFAULT_TIMEOUT,
            max_body: super::DEFAULT_MAX_BODY,
        }
    }
}

/// One appdata query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDataRequest {
    /// The agent whose call is read.
    pub agent: AgentId,
    /// The call ID; empty = the agent's current call (the parameter is then omitted).
    pub call_id: String,
    /// Ask for Base64 (`isEncodeResult=true`).
    pub encoded: bool,
}

/// A configured client; cheap to clone, reuses connections.
#[derive(Debug, Clone)]
pub struct GatewayClient {
    http: reqwest::Client,
    cfg: ClientConfig,
}

impl GatewayClient {
    /// Checks the host and TLS options and builds the HTTPS client. Sends nothing.
    pub fn new(cfg: ClientConfig) -> Result<Self, GatewayError> {
        url::url_host(&cfg.host).map_err(ConfigError::from)?;
        if cfg.timeout.is_zero() || cfg.connect_timeout.is_zero() {
            return Err(ConfigError::ZeroTimeout.into());
        }
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(super::CONTENT_TYPE));
        let builder = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("calldata-inspector/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry the Guid header to wherever it points; never follow.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(cfg.connect_timeout.min(cfg.timeout))
            .timeout(cfg.timeout);
        let builder = super::tls::apply(builder, &cfg.tls)?;
        let http = builder
            .build()
            .map_err(|e| ConfigError::Client(describe_build_error(&e)))?;
        Ok(Self { http, cfg })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }

    /// The URL a request goes to (no secret in it).
    pub fn appdata_url(&self, req: &AppDataRequest) -> String {
        // The host was validated in `new`.
        url::appdata_url(
            &self.cfg.host,
            self.cfg.port,
            req.agent,
            &req.call_id,
            req.encoded,
        )
        .unwrap_or_default()
    }

    /// Sends the query and reads the whole body (up to the cap). `Err` only when no complete
    /// HTTP response arrived; any status, retcode or body is returned for
    /// [`RawReply::interpret`]. Dropping the future cancels the request.
    pub async fn query_appdata(
        &self,
        req: &AppDataRequest,
        guid: &Guid,
    ) -> Result<RawReply, TransportError> {
        let url = self.appdata_url(req);
        self.send_url(reqwest::Method::GET, url, Some(guid), None)
            .await
    }

    /// Any agentgateway request: `path_and_query` starts with `/` (e.g.
    /// `/agentgateway/resource/onlineagent/1001`), the base URL comes from the config. Same
    /// headers, TLS, timeouts, size cap and error classification as [`Self::query_appdata`];
    /// the `Guid` header is sent only when `guid` is given (sign-in sends none).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        guid: Option<&Guid>,
        body: Option<Vec<u8>>,
    ) -> Result<RawReply, TransportError> {
        let base = url::base_url(&self.cfg.host, self.cfg.port).unwrap_or_default();
        let path = if path_and_query.starts_with('/') {
            path_and_query.to_owned()
        } else {
            format!("/{path_and_query}")
        };
        self.send_url(method, format!("{base}{path}"), guid, body)
            .await
    }

    async fn send_url(
        &self,
        method: reqwest::Method,
        url: String,
        guid: Option<&Guid>,
        body: Option<Vec<u8>>,
    ) -> Result<RawReply, TransportError> {
        let target = Target {
            host: &self.cfg.host,
            port: self.cfg.port,
            connect_timeout: self.cfg.connect_timeout,
            timeout: self.cfg.timeout,
        };
        let mut request = self.http.request(method, &url);
        if let Some(guid) = guid {
            let mut value =
                HeaderValue::from_str(guid.expose()).map_err(|_| TransportError::Other {
                    detail: t!("error.guid_header").into_owned(),
                })?;
            value.set_sensitive(true);
            request = request.header("Guid", value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let started = Instant::now();
        let mut resp = request.send().await.map_err(|e| classify(&e, target))?;
        let status = resp.status().as_u16();
        let content_type = header_string(resp.headers(), "content-type");
        let set_guid = resp
            .headers()
            .get_all("set-guid")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Guid::new(v).ok())
            .next_back();
        let limit_mib = self.cfg.max_body.div_ceil(1024 * 1024);
        if resp.content_length().is_some_and(|n| n > self.cfg.max_body) {
            return Err(TransportError::TooLarge { limit_mib });
        }
        let capacity = resp.content_length().unwrap_or(0).min(self.cfg.max_body);
        let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e, target))? {
            if body.len() as u64 + chunk.len() as u64 > self.cfg.max_body {
                return Err(TransportError::TooLarge { limit_mib });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawReply {
            status,
            body,
            content_type,
            set_guid,
            elapsed: started.elapsed(),
            url,
        })
    }
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn describe_build_error(e: &reqwest::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        parts.push(s.to_string());
        src = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_set_up_is_a_usage_error_and_sends_nothing() {
        let e = GatewayClient::new(ClientConfig {
            host: "https://gw".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = GatewayClient::new(ClientConfig {
            host: "gw".into(),
            timeout: Duration::ZERO,
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn url_omits_empty_call_id() {
        let c = GatewayClient::new(ClientConfig {
            host: "::1".into(),
            ..Default::default()
        })
        .unwrap();
        let req = AppDataRequest {
            agent: AgentId::new(1001).unwrap(),
            call_id: String::new(),
            encoded: true,
        };
        assert_eq!(
            c.appdata_url(&req),
            "https://[::1]:8043/agentgateway/resource/calldata/1001/appdata?isEncodeResult=true"
        );
    }
}
