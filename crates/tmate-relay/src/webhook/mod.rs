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
//!
//! This file holds the public API, the queues, the per-URL workers and their retry and
//! logging policy; `http.rs` the HTTP side (checked URLs, the request, connect, TLS);
//! `tests.rs` the unit tests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::HeaderValue;
use ring::hmac;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

mod http;

use http::{Target, build_request, parse_url, post, tls_connector};

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
/// Upper bound on `queue_limit`: tokio's channel panics on absurd capacities, and a million
/// waiting events per URL is already far more than any receiver needs.
const MAX_QUEUE_LIMIT: usize = 1_000_000;

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

#[cfg(test)]
mod tests;
