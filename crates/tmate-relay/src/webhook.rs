//! Webhook delivery: the relay's webhook events (JSON built by the caller) POSTed, signed and in
//! order, to the relay-wide URLs (`--webhook`) and the URLs hosts set (`tmate-webhook-url`), one
//! bounded queue and one worker task per URL, retried with backoff, over a small HTTP/1.1 client
//! (hyper, rustls on the ring provider, the system's roots).
//!
//! Nothing here may hold up a session: `Webhooks::deliver` only `try_send`s on bounded queues and
//! drops (and counts) what does not fit. Every request, from DNS to the last byte read, runs
//! under one timeout. Outages are logged once when they start and once when they end, never once
//! per event, so a dead receiver cannot flood the log.
//!
//! Deployment note: the sandbox (`sandbox.rs`) takes away TCP connect and file reads outside a
//! cluster; with webhooks on it must leave both (as in a cluster: connect for the receivers,
//! reads for the resolver). The TLS roots are read from /etc/ssl/certs once, by `Webhooks::new`
//! when a relay-wide URL is https, else by `Webhooks::load_tls_roots` or the first https request;
//! call one of the first two before the sandbox is applied.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use ring::hmac;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// Log a URL's change of state: at warn for the operator's relay-wide URLs, at info for
/// host-set ones (a sharing host's receiver being down is that host's business, and a public
/// relay with many hosts must not fill the operator's warnings with it).
macro_rules! url_log {
    ($host_set:expr, $($args:tt)+) => {
        if $host_set {
            tracing::info!($($args)+)
        } else {
            tracing::warn!($($args)+)
        }
    };
}

/// Longest URL accepted (a host-set URL comes from a sharing host: keep what we hold small).
pub const MAX_URL_LEN: usize = 2048;
/// How much of a response body is read (and thrown away) before the connection is dropped:
/// enough for any receiver's "ok", bounded so a receiver cannot make us read forever.
const MAX_RESPONSE_BODY: usize = 64 * 1024;
/// Upper bound on `queue_limit`: tokio's channel panics on absurd capacities, and a million
/// waiting events per URL is already far more than any receiver needs.
const MAX_QUEUE_LIMIT: usize = 1_000_000;
const USER_AGENT: &str = concat!("tmate-ssh-server/", env!("CARGO_PKG_VERSION"));

/// How webhooks are delivered (the relay's `--webhook*` options).
#[derive(Clone)]
pub struct WebhookSettings {
    /// `--webhook-secret`: HMAC-SHA256 key; each request then carries
    /// `X-Tmate-Signature-256: sha256=<hex>` over its body.
    pub secret: Option<Vec<u8>>,
    /// Events waiting per URL; beyond it new events are dropped (and counted).
    pub queue_limit: usize,
    /// One request, from name resolution and connect to the end of the response.
    pub timeout: Duration,
    /// Tries per event before it is given up.
    pub attempts: u32,
    /// Wait before the first retry, doubled before each next one ...
    pub first_backoff: Duration,
    /// ... up to this.
    pub max_backoff: Duration,
    /// Distinct host-set URLs with a live queue at once; events for more are dropped.
    pub max_host_urls: usize,
    /// A host-set URL's worker exits after its queue has been empty this long.
    pub host_idle: Duration,
    /// Whether host-set URLs may reach loopback, private, link-local and other non-public
    /// addresses (checked on the resolved address, so DNS cannot get around it). Off by
    /// default: anyone sharing through the relay could otherwise make it POST into the
    /// operator's own network. Relay-wide URLs are the operator's and are never restricted.
    pub allow_private_host_urls: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            secret: None,
            queue_limit: 1000,
            timeout: Duration::from_secs(10),
            attempts: 8,
            first_backoff: Duration::from_millis(300),
            max_backoff: Duration::from_secs(30),
            max_host_urls: 1000,
            host_idle: Duration::from_secs(60),
            allow_private_host_urls: false,
        }
    }
}

// By hand: the secret must never reach a log through `{:?}`.
impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("secret", &self.secret.as_ref().map(|_| "<set>"))
            .field("queue_limit", &self.queue_limit)
            .field("timeout", &self.timeout)
            .field("attempts", &self.attempts)
            .field("first_backoff", &self.first_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_host_urls", &self.max_host_urls)
            .field("host_idle", &self.host_idle)
            .field("allow_private_host_urls", &self.allow_private_host_urls)
            .finish()
    }
}

/// Counters since start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WebhookStats {
    /// Events a receiver answered with 2xx.
    pub delivered: u64,
    /// Tries after the first (each failed try that is followed by another).
    pub retried: u64,
    /// Events given up: refused (4xx other than 408/429, 3xx) or out of attempts.
    pub failed: u64,
    /// Events never queued: queue full, too many host-set URLs, a bad host-set URL or event type.
    pub dropped: u64,
}

/// The relay's webhook delivery; cheap to clone (one shared state inside).
#[derive(Clone)]
pub struct Webhooks {
    inner: Arc<Inner>,
}

struct Inner {
    /// One per relay-wide URL; their workers live as long as these senders (as `Webhooks`).
    relay: Vec<Queue>,
    /// The relay-wide URLs as given, so a host setting one of them does not get it twice.
    relay_urls: Vec<String>,
    /// Host-set URLs with a live worker, by URL. `deliver` sends while holding the lock and a
    /// worker leaves only while holding it with its queue empty, so no event is ever sent to a
    /// worker that has gone.
    hosts: HostMap,
    shared: Arc<Shared>,
    /// `deliver` may be called from any thread; workers are spawned here.
    runtime: tokio::runtime::Handle,
}

/// Host-set URLs with a live worker, by URL.
type HostMap = Arc<Mutex<HashMap<String, Queue>>>;

/// What workers need: the settings and the counters.
struct Shared {
    key: Option<hmac::Key>,
    queue_limit: usize,
    timeout: Duration,
    attempts: u32,
    first_backoff: Duration,
    max_backoff: Duration,
    max_host_urls: usize,
    host_idle: Duration,
    allow_private_host_urls: bool,
    /// Tests trust their own CA; `None`: the system's roots.
    tls: Option<tokio_rustls::TlsConnector>,
    delivered: AtomicU64,
    retried: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
}

/// The sending end of one URL's queue.
struct Queue {
    tx: mpsc::Sender<Event>,
    state: Arc<QueueState>,
}

struct QueueState {
    /// The URL as logs show it (no query: it may carry a receiver's token).
    label: String,
    /// A host-set URL (logged more quietly, see `url_log`).
    host_set: bool,
    /// Set when the queue overflowed; cleared when it next runs empty, so "queue full" is
    /// logged once per overflow, not once per dropped event.
    overflowing: AtomicBool,
}

/// One event on its way to one URL. Cloned per URL: the body is shared (`Bytes`).
#[derive(Clone)]
struct Event {
    kind: HeaderValue,
    /// `X-Tmate-Delivery`: the same for every retry, so receivers can drop duplicates (a
    /// response lost after the receiver took the event makes us send it again).
    id: HeaderValue,
    body: Bytes,
}

impl Webhooks {
    /// Validate relay-wide URLs (`--webhook`, repeatable) and start one delivery task per URL.
    /// Must be called inside a tokio runtime.
    pub fn new(urls: Vec<String>, settings: WebhookSettings) -> Result<Webhooks, String> {
        Self::with_tls(urls, settings, None)
    }

    fn with_tls(
        urls: Vec<String>,
        settings: WebhookSettings,
        tls: Option<tokio_rustls::TlsConnector>,
    ) -> Result<Webhooks, String> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| "webhooks need a tokio runtime".to_string())?;
        let mut targets: Vec<Target> = Vec::new();
        let mut relay_urls: Vec<String> = Vec::new();
        for url in urls {
            let target = parse_url(&url).map_err(|problem| {
                format!("--webhook {}: {problem}", shorten(without_query(&url)))
            })?;
            // The same URL twice would get every event twice.
            if !relay_urls.contains(&url) {
                targets.push(target);
                relay_urls.push(url);
            }
        }
        // Read the roots now, before the sandbox takes the file system away.
        if tls.is_none()
            && targets.iter().any(|t| t.https)
            && let Err(error) = tls_connector()
        {
            return Err(format!("--webhook: {error}"));
        }
        let shared = Arc::new(Shared {
            key: settings
                .secret
                .as_deref()
                .map(|secret| hmac::Key::new(hmac::HMAC_SHA256, secret)),
            queue_limit: settings.queue_limit.clamp(1, MAX_QUEUE_LIMIT),
            timeout: settings.timeout,
            attempts: settings.attempts.max(1),
            first_backoff: settings.first_backoff,
            max_backoff: settings.max_backoff.max(settings.first_backoff),
            max_host_urls: settings.max_host_urls,
            host_idle: settings.host_idle,
            allow_private_host_urls: settings.allow_private_host_urls,
            delivered: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            tls,
        });
        let relay = targets
            .into_iter()
            .map(|target| start_worker(&runtime, &shared, target, None))
            .collect();
        Ok(Webhooks {
            inner: Arc::new(Inner {
                relay,
                relay_urls,
                hosts: Arc::new(Mutex::new(HashMap::new())),
                shared,
                runtime,
            }),
        })
    }

    /// Whether a URL is acceptable (http:// or https://, a host, an optional port, a path; no
    /// user:password@; ≤ 2048 bytes). Error text names the problem.
    pub fn check_url(url: &str) -> Result<(), String> {
        parse_url(url).map(|_| ())
    }

    /// Queue one event for every relay-wide URL and, when given, for `host_url` (a URL the
    /// sharing host set with tmate-webhook-url, allowed by the operator). Never waits, never
    /// fails the caller: a full queue drops the event (counted, logged once per URL until it
    /// drains), a bad host URL is counted and logged at debug.
    pub fn deliver(&self, event_type: &str, body: bytes::Bytes, host_url: Option<&str>) {
        let inner = &*self.inner;
        let targets = inner.relay.len() + usize::from(host_url.is_some());
        if targets == 0 {
            return;
        }
        let Ok(kind) = HeaderValue::from_str(event_type) else {
            // The caller's bug, not the receiver's: count it where it shows, once per URL.
            tracing::debug!(event_type, "webhook event type is not a valid header value");
            inner.shared.count_dropped(targets);
            return;
        };
        let event = Event {
            kind,
            id: delivery_id(),
            body,
        };
        for queue in &inner.relay {
            queue.offer(event.clone(), &inner.shared);
        }
        if let Some(url) = host_url
            && !inner.relay_urls.iter().any(|relay_url| relay_url == url)
        {
            self.deliver_to_host(url, event);
        }
    }

    fn deliver_to_host(&self, url: &str, event: Event) {
        let inner = &*self.inner;
        let mut hosts = lock(&inner.hosts);
        if let Some(queue) = hosts.get(url) {
            if !queue.tx.is_closed() {
                queue.offer(event, &inner.shared);
                return;
            }
            // Its worker ended without leaving the map (it panicked): start a new one below.
            hosts.remove(url);
        }
        let target = match parse_url(url) {
            Ok(target) => Target {
                public_only: !inner.shared.allow_private_host_urls,
                ..target
            },
            Err(problem) => {
                tracing::debug!(url = %shorten(without_query(url)), %problem, "host webhook URL refused");
                inner.shared.count_dropped(1);
                return;
            }
        };
        if hosts.len() >= inner.shared.max_host_urls {
            tracing::debug!(url = %target.label, "too many host webhook URLs at once; event dropped");
            inner.shared.count_dropped(1);
            return;
        }
        let queue = start_worker(
            &inner.runtime,
            &inner.shared,
            target,
            Some((inner.hosts.clone(), url.to_string())),
        );
        queue.offer(event, &inner.shared);
        hosts.insert(url.to_string(), queue);
    }

    /// Counters: delivered, retried, failed (gave up), dropped (queue full).
    pub fn stats(&self) -> WebhookStats {
        let shared = &self.inner.shared;
        WebhookStats {
            delivered: shared.delivered.load(Ordering::Relaxed),
            retried: shared.retried.load(Ordering::Relaxed),
            failed: shared.failed.load(Ordering::Relaxed),
            dropped: shared.dropped.load(Ordering::Relaxed),
        }
    }

    /// Whether any URL is configured (relay-wide) — lets the caller skip building JSON.
    pub fn has_relay_urls(&self) -> bool {
        !self.inner.relay.is_empty()
    }

    /// Host-set URLs with a live worker now (for metrics and tests).
    pub fn host_urls(&self) -> usize {
        lock(&self.inner.hosts).len()
    }

    /// Read the system's TLS roots now (once per process). `new` does it when a relay-wide URL
    /// is https; call this before the sandbox when only host-set URLs may be https.
    pub fn load_tls_roots() -> Result<(), String> {
        tls_connector().map(|_| ())
    }
}

impl Shared {
    fn count_dropped(&self, events: usize) {
        self.dropped
            .fetch_add(u64::try_from(events).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

impl Queue {
    /// Queue without waiting; a full queue drops the event.
    fn offer(&self, event: Event, shared: &Shared) {
        match self.tx.try_send(event) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                shared.count_dropped(1);
                if !self.state.overflowing.swap(true, Ordering::Relaxed) {
                    url_log!(self.state.host_set, url = %self.state.label,
                        "webhook queue full; dropping events until it drains");
                }
            }
            Err(TrySendError::Closed(_)) => {
                shared.count_dropped(1);
                tracing::debug!(url = %self.state.label, "webhook worker gone; event dropped");
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the map leaves it consistent (single inserts/removes).
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// 128 random bits as 32 lowercase hex digits.
fn delivery_id() -> HeaderValue {
    let bytes: [u8; 16] = rand::random();
    // Hex digits are always a valid header value; the fallback only keeps this panic-free.
    HeaderValue::from_str(&hex(&bytes)).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// At most 100 characters of `s`, for error messages and logs.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 100 {
        s.to_string()
    } else {
        let head: String = s.chars().take(100).collect();
        format!("{head}...")
    }
}

/// A checked URL, split the way a request needs it.
#[derive(Clone, Debug)]
struct Target {
    https: bool,
    /// For DNS and SNI: no brackets around an IPv6 address.
    host: String,
    port: u16,
    /// The `Host` header: host and port as written.
    authority: HeaderValue,
    /// Path and query, at least "/".
    path: String,
    label: String,
    /// Connect only to public addresses (host-set URLs, unless the operator allows otherwise).
    public_only: bool,
}

fn parse_url(url: &str) -> Result<Target, String> {
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

/// Start a URL's worker and return its queue's sending end. `host`: the map and key it must
/// leave when idle (host-set URLs); relay-wide workers run until `Webhooks` is dropped.
fn start_worker(
    runtime: &tokio::runtime::Handle,
    shared: &Arc<Shared>,
    target: Target,
    host: Option<(HostMap, String)>,
) -> Queue {
    let (tx, rx) = mpsc::channel(shared.queue_limit);
    let state = Arc::new(QueueState {
        label: target.label.clone(),
        host_set: host.is_some(),
        overflowing: AtomicBool::new(false),
    });
    runtime.spawn(run_worker(shared.clone(), target, state.clone(), rx, host));
    Queue { tx, state }
}

/// A URL's state as the log has last told it: a change is logged once, steady states never.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Health {
    Good,
    Unreachable,
    Refusing,
}

/// Deliver one URL's queue in order, one event at a time.
async fn run_worker(
    shared: Arc<Shared>,
    target: Target,
    state: Arc<QueueState>,
    mut rx: mpsc::Receiver<Event>,
    host: Option<(HostMap, String)>,
) {
    let mut health = Health::Good;
    loop {
        let event = match &host {
            None => match rx.recv().await {
                Some(event) => event,
                None => return,
            },
            Some((hosts, key)) => match tokio::time::timeout(shared.host_idle, rx.recv()).await {
                Ok(Some(event)) => event,
                Ok(None) => return,
                Err(_idle) => {
                    let mut hosts = lock(hosts);
                    // Under the lock no event can arrive (see `Inner::hosts`); one that came
                    // just before it is delivered first.
                    if rx.is_empty() {
                        hosts.remove(key);
                        tracing::debug!(url = %target.label, "host webhook URL idle; worker ends");
                        return;
                    }
                    continue;
                }
            },
        };
        if rx.is_empty() && state.overflowing.swap(false, Ordering::Relaxed) {
            tracing::info!(url = %target.label, "webhook queue drained");
        }
        deliver_one(&shared, &target, host.is_some(), &event, &mut health).await;
    }
}

/// How one try ended.
enum Outcome {
    Delivered,
    /// Retrying cannot help (the receiver refused the event, or it cannot be sent).
    GiveUp(String),
    Retry(String),
}

fn classify(status: StatusCode) -> Outcome {
    if status.is_success() {
        Outcome::Delivered
    } else if status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        Outcome::Retry(format!("answered {status}"))
    } else {
        // Other 4xx: the receiver refused this event. 3xx: redirects are not followed (the
        // operator should give the final URL); 1xx never reach here (hyper handles them).
        Outcome::GiveUp(format!("answered {status}"))
    }
}

/// Wait before try `attempt + 1`: `first` doubled per failed try, capped, less up to a tenth
/// at random so many relays retrying one receiver do not arrive in step.
fn backoff(first: Duration, max: Duration, attempt: u32) -> Duration {
    use rand::RngExt;
    let doublings = attempt.saturating_sub(1).min(20);
    let wait = first.saturating_mul(1u32 << doublings).min(max);
    let jitter_ms = u64::try_from(wait.as_millis() / 10).unwrap_or(0);
    wait.saturating_sub(Duration::from_millis(
        rand::rng().random_range(0..=jitter_ms),
    ))
}

/// Try one event up to `attempts` times; the event stays at the head of its queue meanwhile.
async fn deliver_one(
    shared: &Shared,
    target: &Target,
    host_set: bool,
    event: &Event,
    health: &mut Health,
) {
    let signature = shared.key.as_ref().and_then(|key| {
        let tag = hmac::sign(key, &event.body);
        HeaderValue::from_str(&format!("sha256={}", hex(tag.as_ref()))).ok()
    });
    let mut attempt = 1u32;
    loop {
        let outcome = match build_request(target, event, signature.as_ref()) {
            Err(problem) => Outcome::GiveUp(problem),
            Ok(request) => {
                match tokio::time::timeout(shared.timeout, post(shared, target, request)).await {
                    Ok(Ok(status)) => classify(status),
                    Ok(Err(outcome)) => outcome,
                    Err(_) => Outcome::Retry(format!("no answer within {:?}", shared.timeout)),
                }
            }
        };
        match outcome {
            Outcome::Delivered => {
                shared.delivered.fetch_add(1, Ordering::Relaxed);
                if *health != Health::Good {
                    url_log!(host_set, url = %target.label, "webhook URL delivering again");
                }
                *health = Health::Good;
                return;
            }
            Outcome::GiveUp(problem) => {
                shared.failed.fetch_add(1, Ordering::Relaxed);
                if *health != Health::Refusing {
                    url_log!(host_set, url = %target.label, %problem,
                        "webhook receiver refuses events; they are given up");
                }
                *health = Health::Refusing;
                return;
            }
            Outcome::Retry(problem) if attempt >= shared.attempts => {
                shared.failed.fetch_add(1, Ordering::Relaxed);
                if *health != Health::Unreachable {
                    url_log!(host_set, url = %target.label, %problem, attempts = shared.attempts,
                        "webhook URL unreachable; events are given up after their tries");
                }
                *health = Health::Unreachable;
                return;
            }
            Outcome::Retry(problem) => {
                shared.retried.fetch_add(1, Ordering::Relaxed);
                // Said at the first failed try of an outage (an operator learns of it while
                // it can still be fixed in time), not once per event or per try.
                if *health == Health::Good {
                    url_log!(host_set, url = %target.label, %problem, attempts = shared.attempts,
                        "webhook URL unreachable; retrying (events are given up after their tries)");
                    *health = Health::Unreachable;
                }
                tracing::debug!(url = %target.label, %problem, attempt, "webhook try failed; will retry");
                tokio::time::sleep(backoff(shared.first_backoff, shared.max_backoff, attempt))
                    .await;
                attempt += 1;
            }
        }
    }
}

fn build_request(
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
async fn post(
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
fn is_public(ip: std::net::IpAddr) -> bool {
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

fn tls_connector() -> Result<tokio_rustls::TlsConnector, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::time::Instant;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Generous: the machine is shared with other builds.
    const DEADLINE: Duration = Duration::from_secs(30);

    fn small() -> WebhookSettings {
        WebhookSettings {
            first_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
            attempts: 3,
            timeout: Duration::from_secs(1),
            ..WebhookSettings::default()
        }
    }

    #[derive(Clone, Copy, Debug)]
    enum Reply {
        Status(u16),
        /// Read the request, then never answer.
        Stall,
    }

    #[derive(Debug)]
    struct Received {
        path: String,
        /// Names lowercased.
        headers: HashMap<String, String>,
        body: Vec<u8>,
    }

    impl Received {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.get(name).map(String::as_str)
        }
    }

    struct Receiver {
        url: String,
        requests: mpsc::Receiver<Received>,
    }

    impl Receiver {
        async fn next(&mut self) -> Received {
            tokio::time::timeout(DEADLINE, self.requests.recv())
                .await
                .expect("a request within the deadline")
                .expect("the receiver is running")
        }
    }

    /// A small HTTP/1.1 receiver on 127.0.0.1: answers `script` in order, then `then`.
    async fn receiver(script: Vec<Reply>, then: Reply) -> Receiver {
        receiver_on(script, then, None).await
    }

    /// The same over TLS with `tls` (the URL then names `localhost`, for SNI by name).
    async fn receiver_on(
        script: Vec<Reply>,
        then: Reply,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = mpsc::channel(64);
        let tls_url = tls.is_some();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let reply = lock(&script).pop_front().unwrap_or(then);
                let tx = tx.clone();
                match tls.clone() {
                    None => drop(tokio::spawn(serve(stream, reply, tx))),
                    Some(acceptor) => drop(tokio::spawn(async move {
                        let accepted = tokio::time::timeout(DEADLINE, acceptor.accept(stream));
                        if let Ok(Ok(stream)) = accepted.await {
                            serve(stream, reply, tx).await;
                        }
                    })),
                }
            }
        });
        let url = match tls_url {
            false => format!("http://{addr}/hook"),
            true => format!("https://localhost:{}/hook", addr.port()),
        };
        Receiver { url, requests: rx }
    }

    async fn serve<S>(mut stream: S, reply: Reply, tx: mpsc::Sender<Received>)
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let Ok(Some(request)) = tokio::time::timeout(DEADLINE, read_request(&mut stream)).await
        else {
            return;
        };
        let _ = tx.send_timeout(request, DEADLINE).await;
        match reply {
            Reply::Status(code) => {
                let answer = format!(
                    "HTTP/1.1 {code} Scripted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
            Reply::Stall => {
                // Hold the connection open, silent, until the client gives up (then EOF).
                let mut sink = [0u8; 64];
                let _ = tokio::time::timeout(DEADLINE, stream.read(&mut sink)).await;
            }
        }
    }

    async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Received> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 || buf.len() > 64 * 1024 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
        let mut lines = head.split("\r\n");
        let request_line = lines.next()?;
        let mut parts = request_line.split(' ');
        assert_eq!(parts.next(), Some("POST"));
        let path = parts.next()?.to_string();
        assert_eq!(parts.next(), Some("HTTP/1.1"));
        let mut headers = HashMap::new();
        for line in lines {
            let (name, value) = line.split_once(':')?;
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
        let length: usize = headers.get("content-length")?.parse().ok()?;
        let mut body = buf[head_end + 4..].to_vec();
        while body.len() < length {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        Some(Received {
            path,
            headers,
            body,
        })
    }

    /// Poll `cond` until it holds; fail the test at the deadline.
    async fn wait_for(what: &str, cond: impl Fn() -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !cond() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[tokio::test]
    async fn signed_request_has_every_header() {
        let mut rx = receiver(vec![], Reply::Status(200)).await;
        let secret = b"s3cret".to_vec();
        let settings = WebhookSettings {
            secret: Some(secret.clone()),
            ..small()
        };
        let hooks = Webhooks::new(vec![rx.url.clone()], settings).expect("webhooks");
        assert!(hooks.has_relay_urls());
        let body = Bytes::from_static(br#"{"type":"session_register"}"#);
        hooks.deliver("session_register", body.clone(), None);
        let got = rx.next().await;
        assert_eq!(got.path, "/hook");
        assert_eq!(got.body, body);
        assert_eq!(got.header("content-type"), Some("application/json"));
        assert_eq!(got.header("user-agent"), Some(USER_AGENT));
        assert!(USER_AGENT.starts_with("tmate-ssh-server/"));
        assert_eq!(got.header("x-tmate-event"), Some("session_register"));
        let id = got.header("x-tmate-delivery").expect("delivery id");
        assert_eq!(id.len(), 32);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert!(got.header("host").is_some());
        let signature = got
            .header("x-tmate-signature-256")
            .expect("signature")
            .strip_prefix("sha256=")
            .expect("sha256= prefix");
        assert!(signature.bytes().all(|b| !b.is_ascii_uppercase()));
        let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
        hmac::verify(&key, &got.body, &unhex(signature)).expect("the signature verifies");
        let wrong = hmac::Key::new(hmac::HMAC_SHA256, b"other");
        assert!(hmac::verify(&wrong, &got.body, &unhex(signature)).is_err());
        wait_for("delivered", || hooks.stats().delivered == 1).await;
        assert_eq!(
            hooks.stats(),
            WebhookStats {
                delivered: 1,
                ..WebhookStats::default()
            }
        );
    }

    #[tokio::test]
    async fn no_signature_without_secret() {
        let mut rx = receiver(vec![], Reply::Status(204)).await;
        let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
        hooks.deliver("session_close", Bytes::from_static(b"{}"), None);
        let got = rx.next().await;
        assert_eq!(got.header("x-tmate-signature-256"), None);
        assert_eq!(got.header("x-tmate-event"), Some("session_close"));
        wait_for("delivered", || hooks.stats().delivered == 1).await;
    }

    #[tokio::test]
    async fn order_is_kept_per_url() {
        let mut rx = receiver(vec![], Reply::Status(200)).await;
        let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
        for n in 0..5 {
            hooks.deliver("n", Bytes::from(format!("{{\"n\":{n}}}")), None);
        }
        for n in 0..5 {
            assert_eq!(rx.next().await.body, format!("{{\"n\":{n}}}").into_bytes());
        }
        wait_for("all delivered", || hooks.stats().delivered == 5).await;
    }

    #[tokio::test]
    async fn server_errors_are_retried_with_the_same_delivery_id() {
        let mut rx = receiver(
            vec![Reply::Status(500), Reply::Status(500)],
            Reply::Status(200),
        )
        .await;
        let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
        hooks.deliver("e", Bytes::from_static(b"{\"a\":1}"), None);
        let first = rx.next().await;
        let second = rx.next().await;
        let third = rx.next().await;
        let id = first.header("x-tmate-delivery").expect("id");
        assert_eq!(second.header("x-tmate-delivery"), Some(id));
        assert_eq!(third.header("x-tmate-delivery"), Some(id));
        assert_eq!(third.body, b"{\"a\":1}");
        wait_for("delivered", || hooks.stats().delivered == 1).await;
        let stats = hooks.stats();
        assert_eq!((stats.retried, stats.failed, stats.dropped), (2, 0, 0));
    }

    #[tokio::test]
    async fn a_refusal_is_given_up_at_once() {
        let mut rx = receiver(vec![Reply::Status(400)], Reply::Status(200)).await;
        let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
        hooks.deliver("e", Bytes::from_static(b"1"), None);
        hooks.deliver("e", Bytes::from_static(b"2"), None);
        // The second event comes next: the first was not tried again.
        assert_eq!(rx.next().await.body, b"1");
        assert_eq!(rx.next().await.body, b"2");
        wait_for("delivered", || hooks.stats().delivered == 1).await;
        let stats = hooks.stats();
        assert_eq!((stats.failed, stats.retried), (1, 0));
    }

    #[tokio::test]
    async fn too_many_requests_is_retried() {
        let mut rx = receiver(vec![Reply::Status(429)], Reply::Status(200)).await;
        let hooks = Webhooks::new(vec![rx.url.clone()], small()).expect("webhooks");
        hooks.deliver("e", Bytes::from_static(b"1"), None);
        rx.next().await;
        rx.next().await;
        wait_for("delivered", || hooks.stats().delivered == 1).await;
        assert_eq!(hooks.stats().retried, 1);
    }

    #[tokio::test]
    async fn a_dead_url_fails_after_its_attempts() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let hooks = Webhooks::new(vec![format!("http://{addr}/x")], small()).expect("webhooks");
        hooks.deliver("e", Bytes::from_static(b"{}"), None);
        wait_for("given up", || hooks.stats().failed == 1).await;
        let stats = hooks.stats();
        assert_eq!((stats.delivered, stats.retried), (0, 2));
    }

    #[tokio::test]
    async fn a_silent_receiver_times_out_and_deliver_does_not_wait() {
        let mut rx = receiver(vec![], Reply::Stall).await;
        let settings = WebhookSettings {
            timeout: Duration::from_millis(300),
            ..small()
        };
        let hooks = Webhooks::new(vec![rx.url.clone()], settings).expect("webhooks");
        let started = Instant::now();
        hooks.deliver("e", Bytes::from_static(b"{}"), None);
        // The worker is now stuck on the silent receiver; delivering more must not wait for it.
        rx.next().await;
        hooks.deliver("e", Bytes::from_static(b"{}"), None);
        let before = Instant::now();
        hooks.deliver("e", Bytes::from_static(b"{}"), None);
        assert!(before.elapsed() < Duration::from_millis(50));
        assert!(started.elapsed() < DEADLINE);
        // Each of the three events: three tries that time out.
        wait_for("all given up", || hooks.stats().failed == 3).await;
        let stats = hooks.stats();
        assert_eq!((stats.delivered, stats.retried), (0, 6));
    }

    #[tokio::test]
    async fn a_full_queue_drops_and_counts() {
        let mut rx = receiver(vec![], Reply::Stall).await;
        let settings = WebhookSettings {
            queue_limit: 2,
            timeout: Duration::from_secs(20),
            ..small()
        };
        let hooks = Webhooks::new(vec![rx.url.clone()], settings).expect("webhooks");
        hooks.deliver("e", Bytes::from_static(b"0"), None);
        // The first is in flight (stalled); two more fill the queue; the rest are dropped.
        rx.next().await;
        for n in 1..=10 {
            let before = Instant::now();
            hooks.deliver("e", Bytes::from(format!("{n}")), None);
            assert!(before.elapsed() < Duration::from_millis(50));
        }
        assert_eq!(hooks.stats().dropped, 8);
    }

    #[tokio::test]
    async fn a_host_url_gets_a_worker_that_ends_when_idle() {
        let mut relay = receiver(vec![], Reply::Status(200)).await;
        let mut host = receiver(vec![], Reply::Status(200)).await;
        let settings = WebhookSettings {
            host_idle: Duration::from_millis(100),
            allow_private_host_urls: true,
            ..small()
        };
        let hooks = Webhooks::new(vec![relay.url.clone()], settings).expect("webhooks");
        assert_eq!(hooks.host_urls(), 0);
        hooks.deliver("e", Bytes::from_static(b"1"), Some(&host.url));
        assert_eq!(hooks.host_urls(), 1);
        let to_relay = relay.next().await;
        let to_host = host.next().await;
        assert_eq!(to_relay.body, b"1");
        assert_eq!(to_host.body, b"1");
        // One event, one id, whichever URL it goes to.
        assert_eq!(
            to_relay.header("x-tmate-delivery"),
            to_host.header("x-tmate-delivery")
        );
        wait_for("both delivered", || hooks.stats().delivered == 2).await;
        wait_for("the idle worker to end", || hooks.host_urls() == 0).await;
        hooks.deliver("e", Bytes::from_static(b"2"), Some(&host.url));
        assert_eq!(host.next().await.body, b"2");
        wait_for("delivered again", || hooks.stats().delivered == 4).await;
        assert_eq!(hooks.stats().dropped, 0);
    }

    #[tokio::test]
    async fn host_urls_are_bounded_and_checked() {
        let mut first = receiver(vec![], Reply::Stall).await;
        let second = receiver(vec![], Reply::Status(200)).await;
        let settings = WebhookSettings {
            max_host_urls: 1,
            timeout: Duration::from_secs(20),
            allow_private_host_urls: true,
            ..small()
        };
        let hooks = Webhooks::new(vec![], settings).expect("webhooks");
        assert!(!hooks.has_relay_urls());
        hooks.deliver("e", Bytes::from_static(b"1"), Some(&first.url));
        first.next().await;
        hooks.deliver("e", Bytes::from_static(b"2"), Some(&second.url));
        assert_eq!(hooks.stats().dropped, 1);
        assert_eq!(hooks.host_urls(), 1);
        hooks.deliver("e", Bytes::from_static(b"3"), Some("ftp://example.com/x"));
        assert_eq!(hooks.stats().dropped, 2);
        hooks.deliver("bad\nevent", Bytes::from_static(b"4"), Some(&first.url));
        assert_eq!(hooks.stats().dropped, 3);
        // Without any URL an event costs nothing and counts nothing.
        hooks.deliver("e", Bytes::from_static(b"5"), None);
        assert_eq!(hooks.stats().dropped, 3);
    }

    #[tokio::test]
    async fn a_host_url_that_is_a_relay_url_gets_the_event_once() {
        let mut rx = receiver(vec![], Reply::Status(200)).await;
        let settings = WebhookSettings {
            allow_private_host_urls: true,
            ..small()
        };
        let hooks =
            Webhooks::new(vec![rx.url.clone(), rx.url.clone()], settings).expect("webhooks");
        hooks.deliver("e", Bytes::from_static(b"1"), Some(&rx.url));
        hooks.deliver("e", Bytes::from_static(b"2"), None);
        assert_eq!(hooks.host_urls(), 0, "no second queue for the same URL");
        assert_eq!(rx.next().await.body, b"1");
        assert_eq!(rx.next().await.body, b"2");
        wait_for("delivered", || hooks.stats().delivered == 2).await;
    }

    #[tokio::test]
    async fn a_host_url_to_a_private_address_is_refused() {
        let mut relay = receiver(vec![], Reply::Status(200)).await;
        let mut host = receiver(vec![], Reply::Status(200)).await;
        // The default: host-set URLs reach public addresses only.
        let hooks = Webhooks::new(vec![relay.url.clone()], small()).expect("webhooks");
        hooks.deliver("e", Bytes::from_static(b"1"), Some(&host.url));
        // The relay-wide URL (the operator's) is not restricted.
        assert_eq!(relay.next().await.body, b"1");
        wait_for(
            "the host URL's event given up, the relay's delivered",
            || {
                let stats = hooks.stats();
                stats.failed == 1 && stats.delivered == 1
            },
        )
        .await;
        let stats = hooks.stats();
        assert_eq!((stats.delivered, stats.retried), (1, 0));
        assert!(
            host.requests.try_recv().is_err(),
            "nothing reached the host URL"
        );
    }

    #[test]
    fn public_addresses() {
        for public in [
            "93.184.215.14",
            "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
            "1.1.1.1",
        ] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
    }

    const TEST_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUGe+XKzAU62IPaGMhZYkdRLfmZNAwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPd2ViaG9vayB0ZXN0IENBMCAXDTI2MTIwNTA4MDAyM1oYDzIx
MjYxMTExMDgwMDIzWjAaMRgwFgYDVQQDDA93ZWJob29rIHRlc3QgQ0EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQbmUZzFaKoF57auXmoVthMpyAM1iDeh6ciUywT
mSSvcilCyp/BM/q4/DRCqwmOIa+jgDMAcsX4YwscLrYSvmtuo2MwYTAdBgNVHQ4E
FgQUZSiC2sri8IWxLx5vKX2AnMjj3p0wHwYDVR0jBBgwFoAUZSiC2sri8IWxLx5v
KX2AnMjj3p0wDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZI
zj0EAwIDSAAwRQIhAPM750BAmV3x/pFkF51OIdTQtgKaYS/uPGyiMftz9CmKAiBK
gTimAd6AFJYy54Dyq8qQ0wdnFaTYPGPAdXGGDbhaIQ==
-----END CERTIFICATE-----
";

    /// For `localhost` and 127.0.0.1, signed by `TEST_CA`, valid 2026-12-05 to 2126.
    const TEST_LEAF: &str = "-----BEGIN CERTIFICATE-----
MIIBxDCCAWugAwIBAgIUG5O8sJwlJvpv3uN4jJ8CEjms2eEwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPd2ViaG9vayB0ZXN0IENBMCAXDTI2MTIwNTA4MDAyM1oYDzIx
MjYxMTExMDgwMDIzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAR5hdhIV2Ne4P5emjwm9C2BqOeJmgmNhVOFPfIVv7BjeaEp
1P7z6nXZ8YnZfSc7BK+XpPltb476e+Bt+pFXsobAo4GSMIGPMAwGA1UdEwEB/wQC
MAAwDgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMBoGA1UdEQQT
MBGCCWxvY2FsaG9zdIcEfwAAATAdBgNVHQ4EFgQUZTXyYYcqRZHcpTV+izDsFW1c
xcswHwYDVR0jBBgwFoAUZSiC2sri8IWxLx5vKX2AnMjj3p0wCgYIKoZIzj0EAwID
RwAwRAIgJnkMq340F3LdW+1Z4V1Zkaiat1R4oqGBisyVR7alqOMCIDQIKDJKVA/D
wfEkQyr+SPrw/ejtLShdTkMg7fJUaCEp
-----END CERTIFICATE-----
";

    /// A test key, used nowhere else.
    const TEST_LEAF_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvYe0e/vx7Ui8ACB+
/nudOFq5IKxRJJl2dmawb8hOg32hRANCAAR5hdhIV2Ne4P5emjwm9C2BqOeJmgmN
hVOFPfIVv7BjeaEp1P7z6nXZ8YnZfSc7BK+XpPltb476e+Bt+pFXsobA
-----END PRIVATE KEY-----
";

    #[allow(deprecated)] // ring's provider: see `load_tls`.
    fn ring() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    fn test_acceptor() -> tokio_rustls::TlsAcceptor {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let leaf = CertificateDer::from_pem_slice(TEST_LEAF.as_bytes()).expect("leaf");
        let key = PrivateKeyDer::from_pem_slice(TEST_LEAF_KEY.as_bytes()).expect("key");
        let config = rustls::ServerConfig::builder_with_provider(ring())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(vec![leaf], key)
            .expect("server config");
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    }

    fn test_connector() -> tokio_rustls::TlsConnector {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(TEST_CA.as_bytes()).expect("ca"))
            .expect("root");
        let config = rustls::ClientConfig::builder_with_provider(ring())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tokio_rustls::TlsConnector::from(Arc::new(config))
    }

    #[tokio::test]
    async fn https_with_a_trusted_certificate() {
        let mut rx = receiver_on(vec![], Reply::Status(200), Some(test_acceptor())).await;
        let secret = b"k".to_vec();
        let settings = WebhookSettings {
            secret: Some(secret.clone()),
            ..small()
        };
        let hooks = Webhooks::with_tls(vec![rx.url.clone()], settings, Some(test_connector()))
            .expect("webhooks");
        hooks.deliver("session_join", Bytes::from_static(b"{\"x\":1}"), None);
        let got = rx.next().await;
        assert_eq!(got.body, b"{\"x\":1}");
        assert_eq!(got.header("x-tmate-event"), Some("session_join"));
        let signature = got
            .header("x-tmate-signature-256")
            .and_then(|s| s.strip_prefix("sha256="))
            .expect("signature");
        let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
        hmac::verify(&key, &got.body, &unhex(signature)).expect("the signature verifies");
        wait_for("delivered", || hooks.stats().delivered == 1).await;
    }

    #[tokio::test]
    async fn https_with_an_untrusted_certificate_fails() {
        let rx = receiver_on(vec![], Reply::Status(200), Some(test_acceptor())).await;
        // The system's roots (or none, on a machine without ca-certificates): the test CA is
        // not among them, so every try fails its handshake.
        let hooks = match Webhooks::new(vec![rx.url.clone()], small()) {
            Ok(hooks) => hooks,
            Err(error) => {
                assert!(error.contains("no TLS root certificates"), "{error}");
                return;
            }
        };
        hooks.deliver("e", Bytes::from_static(b"{}"), None);
        wait_for("given up", || hooks.stats().failed == 1).await;
        let stats = hooks.stats();
        assert_eq!((stats.delivered, stats.retried), (0, 2));
    }

    #[test]
    fn check_url_names_the_problem() {
        assert!(Webhooks::check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(Webhooks::check_url("https://example.com/x").is_ok());
        assert!(Webhooks::check_url("https://example.com").is_ok());
        assert!(Webhooks::check_url("http://[::1]:9000/x?token=a").is_ok());
        let err = |url: &str| Webhooks::check_url(url).expect_err(url);
        assert!(err("ftp://example.com/x").contains("scheme"));
        assert!(err("http:///x").contains("not a URL") || err("http:///x").contains("host"));
        assert!(err("/just/a/path").contains("scheme"));
        assert!(err("https://user:pass@example.com/x").contains("user:password"));
        assert!(err("https://token@example.com/x").contains("user:password"));
        assert!(err("http://example.com:0/x").contains("port"));
        assert!(err("http://exa mple.com/x").contains("spaces"));
        assert!(err("http://example.com/x#frag").contains("fragment"));
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(err(&long).contains("2048"));
    }

    #[test]
    fn targets_split_for_the_request() {
        let t = parse_url("https://[::1]/a?b=c").expect("url");
        assert!(t.https);
        assert_eq!((t.host.as_str(), t.port), ("::1", 443));
        assert_eq!(t.authority, "[::1]");
        assert_eq!(t.path, "/a?b=c");
        assert_eq!(t.label, "https://[::1]/a");
        let t = parse_url("http://example.com").expect("url");
        assert_eq!((t.port, t.path.as_str()), (80, "/"));
    }

    #[tokio::test]
    async fn new_refuses_a_bad_relay_url() {
        let err = Webhooks::new(vec!["ftp://x/y?secret=1".into()], small())
            .err()
            .expect("refused");
        assert!(
            err.contains("ftp://x/y") && !err.contains("secret"),
            "{err}"
        );
    }

    #[test]
    fn new_needs_a_runtime() {
        assert!(Webhooks::new(vec![], WebhookSettings::default()).is_err());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let first = Duration::from_millis(300);
        let max = Duration::from_secs(30);
        for (attempt, full) in [(1, 300), (2, 600), (3, 1200), (8, 30_000), (40, 30_000)] {
            let wait = backoff(first, max, attempt);
            let full = Duration::from_millis(full);
            assert!(
                wait <= full && wait >= full - full / 10,
                "{attempt}: {wait:?}"
            );
        }
    }

    #[test]
    fn status_classes() {
        for (code, retry, give_up) in [
            (200, false, false),
            (204, false, false),
            (400, false, true),
            (404, false, true),
            (408, true, false),
            (429, true, false),
            (500, true, false),
            (503, true, false),
            (301, false, true),
        ] {
            let status = StatusCode::from_u16(code).expect("status");
            let outcome = classify(status);
            assert_eq!(matches!(outcome, Outcome::Retry(_)), retry, "{code}");
            assert_eq!(matches!(outcome, Outcome::GiveUp(_)), give_up, "{code}");
        }
    }

    #[test]
    fn settings_debug_hides_the_secret() {
        let settings = WebhookSettings {
            secret: Some(b"hunter2".to_vec()),
            ..WebhookSettings::default()
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
