//! The HTTP side of webhook delivery: the checked URL (`Target`, `parse_url`), the request
//! built from an event, and one POST on a new connection (resolve and connect, refusing
//! non-public addresses where asked; TLS by rustls with the system's roots, loaded once;
//! HTTP/1.1 on hyper, the response's body bounded).

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::{Event, MAX_URL_LEN, Outcome, Shared};

/// How much of a response body is read (and thrown away) before the connection is dropped:
/// enough for any receiver's "ok", bounded so a receiver cannot make us read forever.
const MAX_RESPONSE_BODY: usize = 64 * 1024;
pub(super) const USER_AGENT: &str = concat!("tmate-ssh-server/", env!("CARGO_PKG_VERSION"));

/// A checked URL, split the way a request needs it.
#[derive(Clone, Debug)]
pub(super) struct Target {
    pub(super) https: bool,
    /// For DNS and SNI: no brackets around an IPv6 address.
    pub(super) host: String,
    pub(super) port: u16,
    /// The `Host` header: host and port as written.
    pub(super) authority: HeaderValue,
    /// Path and query, at least "/".
    pub(super) path: String,
    pub(super) label: String,
    /// Connect only to public addresses (host-set URLs, unless the operator allows otherwise).
    pub(super) public_only: bool,
}

pub(super) fn parse_url(url: &str) -> Result<Target, String> {
    if url.len() > MAX_URL_LEN {
        return Err(format!("longer than {MAX_URL_LEN} bytes"));
    }
    if url.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err("contains spaces or control characters".to_string());
    }
    if url.contains('#') {
        return Err("has a #fragment".to_string());
    }
    let uri: hyper::Uri = url.parse().map_err(|e| format!("not a URL ({e})"))?;
    let https = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("http") => false,
        Some(s) if s.eq_ignore_ascii_case("https") => true,
        Some(other) => return Err(format!("scheme {other}: only http:// and https://")),
        None => return Err("no scheme: it must start with http:// or https://".to_string()),
    };
    let authority = uri.authority().ok_or_else(|| "no host".to_string())?;
    if authority.as_str().contains('@') {
        return Err(
            "user:password@ is not allowed (requests are signed with --webhook-secret instead)"
                .to_string(),
        );
    }
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err("no host".to_string());
    }
    let port = match authority.port_u16() {
        Some(0) => return Err("port 0".to_string()),
        Some(port) => port,
        None if authority.as_str().ends_with(':') => return Err("empty port".to_string()),
        None if https => 443,
        None => 80,
    };
    let path = match uri.path_and_query().map(|p| p.as_str()) {
        Some(p) if p.starts_with('/') => p.to_string(),
        Some(p) if !p.is_empty() => return Err("the path must start with /".to_string()),
        _ => "/".to_string(),
    };
    let authority_header = HeaderValue::from_str(authority.as_str())
        .map_err(|_| "the host is not a valid Host header".to_string())?;
    let scheme = if https { "https" } else { "http" };
    Ok(Target {
        https,
        host: host.to_string(),
        port,
        label: format!("{scheme}://{}{}", authority.as_str(), uri.path()),
        public_only: false,
        authority: authority_header,
        path,
    })
}

pub(super) fn build_request(
    target: &Target,
    event: &Event,
    signature: Option<&HeaderValue>,
) -> Result<Request<Full<Bytes>>, String> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(target.path.as_str())
        .header(header::HOST, target.authority.clone())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, USER_AGENT)
        .header("x-tmate-event", event.kind.clone())
        .header("x-tmate-delivery", event.id.clone())
        // One request per connection: say so, so neither side keeps it open.
        .header(header::CONNECTION, "close");
    if let Some(signature) = signature {
        builder = builder.header("x-tmate-signature-256", signature.clone());
    }
    builder
        .body(Full::new(event.body.clone()))
        .map_err(|e| format!("cannot build the request: {e}"))
}

/// One POST on a new connection (events are rare: a pool would only hold sockets open for
/// nothing). The caller bounds it with the timeout. `Err`: `Retry` or `GiveUp`.
pub(super) async fn post(
    shared: &Shared,
    target: &Target,
    request: Request<Full<Bytes>>,
) -> Result<StatusCode, Outcome> {
    let tcp = connect(target).await?;
    if target.https {
        let connector = match (&shared.tls, TLS.get()) {
            (Some(connector), _) => connector.clone(),
            (None, Some(loaded)) => loaded.clone().map_err(Outcome::Retry)?,
            // First https request and nobody loaded the roots: read them off the runtime's
            // worker threads (hundreds of files).
            (None, None) => tokio::task::spawn_blocking(tls_connector)
                .await
                .map_err(|e| Outcome::Retry(format!("loading TLS roots: {e}")))?
                .map_err(Outcome::Retry)?,
        };
        let name = rustls::pki_types::ServerName::try_from(target.host.clone()).map_err(|e| {
            Outcome::GiveUp(format!("{} is not a TLS server name: {e}", target.host))
        })?;
        let tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| Outcome::Retry(format!("TLS: {e}")))?;
        exchange(tls, request).await.map_err(Outcome::Retry)
    } else {
        exchange(tcp, request).await.map_err(Outcome::Retry)
    }
}

async fn connect(target: &Target) -> Result<TcpStream, Outcome> {
    let addrs = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| Outcome::Retry(format!("cannot resolve {}: {e}", target.host)))?;
    let mut last = None;
    let mut refused = None;
    // Each address in turn; the overall timeout bounds the lot.
    for addr in addrs {
        if target.public_only && !is_public(addr.ip()) {
            refused = Some(addr);
            continue;
        }
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                // The request goes out in one or two writes: don't let Nagle hold the second.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = Some(format!("connect {addr}: {e}")),
        }
    }
    Err(match (last, refused) {
        (Some(problem), _) => Outcome::Retry(problem),
        // Only non-public addresses: retrying this event will not change that.
        (None, Some(addr)) => Outcome::GiveUp(format!(
            "{} resolves to {}, not a public address",
            target.host,
            addr.ip()
        )),
        (None, None) => Outcome::Retry(format!("{} resolves to no address", target.host)),
    })
}

/// Whether `ip` is an ordinary public unicast address (not loopback, private, link-local,
/// shared, documentation, benchmarking, reserved or multicast; IPv6 forms of IPv4 addresses
/// judged as the IPv4 address).
pub(super) fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::{IpAddr, Ipv4Addr};
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                // 100.64.0.0/10: carrier-grade NAT, often the operator's own network.
                || (a == 100 && (64..128).contains(&b))
                // 198.18.0.0/15: benchmarking.
                || (a == 198 && (18..20).contains(&b))
                // 192.0.0.0/24: protocol assignments.
                || (a == 192 && b == 0 && c == 0))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let [s0, s1, s2, s3, s4, s5, hi, lo] = v6.segments();
            // 64:ff9b::/96 (NAT64) carries an IPv4 address in its low 32 bits.
            if [s0, s1, s2, s3, s4, s5] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let v4 = Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
                return is_public(IpAddr::V4(v4));
            }
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // 2001:db8::/32: documentation.
                || (s0 == 0x2001 && s1 == 0x0db8)
                // fec0::/10: site-local (deprecated, still private where used).
                || s0 & 0xffc0 == 0xfec0)
        }
    }
}

/// Send the request and read the answer's status (and up to 64 KiB of its body, discarded).
async fn exchange<S>(io: S, request: Request<Full<Bytes>>) -> Result<StatusCode, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::Builder::new()
        // Some receivers (old frameworks) match header names by case: send them as documented.
        .title_case_headers(true)
        // Bounds what a receiver can make us buffer for its response head.
        .max_buf_size(MAX_RESPONSE_BODY)
        .handshake::<_, Full<Bytes>>(TokioIo::new(io))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    let answer = async move {
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("HTTP: {e}"))?;
        let status = response.status();
        let mut body = response.into_body();
        let mut read = 0usize;
        while read <= MAX_RESPONSE_BODY {
            match body.frame().await {
                Some(Ok(frame)) => read += frame.data_ref().map_or(0, Bytes::len),
                // The status is what counts; a body cut short changes nothing.
                Some(Err(_)) | None => break,
            }
        }
        Ok::<_, String>(status)
    };
    // The connection is driven here rather than spawned, so the caller's timeout drops it too.
    let mut conn = std::pin::pin!(conn);
    let mut answer = std::pin::pin!(answer);
    let mut conn_done = false;
    loop {
        tokio::select! {
            biased;
            status = &mut answer => return status,
            ended = &mut conn, if !conn_done => {
                conn_done = true;
                // A clean end may come just before the answer future sees its last frame.
                if let Err(e) = ended {
                    return Err(format!("HTTP: {e}"));
                }
            }
        }
    }
}

/// The TLS client, built once per process from the system's roots.
static TLS: OnceLock<Result<tokio_rustls::TlsConnector, String>> = OnceLock::new();

pub(super) fn tls_connector() -> Result<tokio_rustls::TlsConnector, String> {
    TLS.get_or_init(load_tls).clone()
}

fn load_tls() -> Result<tokio_rustls::TlsConnector, String> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let why = found
            .errors
            .first()
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        return Err(format!(
            "no TLS root certificates found (install ca-certificates){why}"
        ));
    }
    // rustls deprecates ring's provider for lacking post-quantum key exchange; the alternative
    // (aws-lc-rs) adds a C and cmake build, and the relay already carries ring (as cluster/store.rs
    // does for rediss://).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}
