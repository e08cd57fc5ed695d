//! The web front: the browser terminal page for `<base>/t/<token>`, its assets (embedded at build
//! time from web/ and the pinned npm packages), and the WebSocket that makes a browser a viewer
//! like any SSH one (same compositor, same input path, same read-only rule).

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::Connected;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::IncomingStream;
use rand::RngExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

use crate::cluster::Located;
use crate::cluster::link::{self, Forward};
use crate::registry::Found;
use crate::session::{Clipboard, Session};
use crate::ssh::ConnectionCount;
use crate::viewer::{self, ViewerInput, ViewerOutput, ViewerSetup};
use crate::{Shared, token};

/// Close code telling the page the session is over (do not reconnect).
const CLOSE_ENDED: u16 = 4000;
/// Largest message a browser may send (a paste arrives in pieces of this at most).
const MAX_MESSAGE: usize = 64 * 1024;
/// How long a new page may take to report its size before it is drawn at 80x24.
const SIZE_WAIT: Duration = Duration::from_secs(5);

const INDEX_HTML: &str = include_str!("../../../web/index.html");
const APP_JS: &str = include_str!("../../../web/app.js");
const APP_CSS: &str = include_str!("../../../web/app.css");
const XTERM_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/xterm.js"));
const XTERM_CSS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/xterm.css"));
const FIT_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/addon-fit.js"));
const WEBGL_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/addon-webgl.js"));

/// Scripts only from this origin; styles also inline (xterm.js sets element styles); the socket
/// only to this origin; nothing may frame the page.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; \
                   form-action 'none'; frame-ancestors 'none'";

/// The web viewer's listener: every HTTP connection is counted like an SSH one (in all and per
/// address, `ConnectionCount`) for as long as it is open, WebSockets included; one over a limit
/// is closed at accept, before any request is read. With `--web-tls-cert` each connection's
/// TLS handshake runs in its own task (bounded by `TLS_HANDSHAKE_LIMIT`), so a slow client
/// never holds up the others' accepts.
pub struct CountedListener {
    inner: TcpListener,
    shared: Arc<Shared>,
    handshakes: tokio::task::JoinSet<Option<(CountedStream, SocketAddr)>>,
}

/// Time a browser has to finish its TLS handshake.
const TLS_HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

impl CountedListener {
    pub fn new(inner: TcpListener, shared: Arc<Shared>) -> CountedListener {
        CountedListener {
            inner,
            shared,
            handshakes: tokio::task::JoinSet::new(),
        }
    }
}

impl axum::serve::Listener for CountedListener {
    type Io = CountedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (CountedStream, SocketAddr) {
        loop {
            tokio::select! {
                // axum's accept backs off on errors (out of descriptors) by itself.
                (io, addr) = axum::serve::Listener::accept(&mut self.inner) => {
                    let Some(count) = ConnectionCount::acquire(&self.shared, addr) else {
                        continue;
                    };
                    self.shared.metrics.accepted(crate::metrics::Transport::web);
                    let Some(tls) = &self.shared.web_tls else {
                        return (CountedStream { io: WebIo::Plain(io), _count: count }, addr);
                    };
                    let acceptor = tls.acceptor();
                    let shared = self.shared.clone();
                    self.handshakes.spawn(async move {
                        match tokio::time::timeout(TLS_HANDSHAKE_LIMIT, acceptor.accept(io)).await {
                            Ok(Ok(stream)) => Some((
                                CountedStream { io: WebIo::Tls(Box::new(stream)), _count: count },
                                addr,
                            )),
                            Ok(Err(error)) => {
                                tracing::debug!(%addr, %error, "TLS handshake failed");
                                shared.metrics.handshake_failures.inc();
                                None
                            }
                            Err(_) => {
                                tracing::debug!(%addr, "TLS handshake timed out");
                                shared.metrics.handshake_failures.inc();
                                None
                            }
                        }
                    });
                }
                Some(done) = self.handshakes.join_next(), if !self.handshakes.is_empty() => {
                    if let Ok(Some(accepted)) = done {
                        return accepted;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A web connection's bytes: plain HTTP, or HTTPS with `--web-tls-cert`.
enum WebIo {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

/// A web connection and its place in the connection counts (given back when it is dropped).
pub struct CountedStream {
    io: WebIo,
    _count: ConnectionCount,
}

impl AsyncRead for CountedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            WebIo::Plain(io) => Pin::new(io).poll_read(cx, buf),
            WebIo::Tls(io) => Pin::new(io.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().io {
            WebIo::Plain(io) => Pin::new(io).poll_write(cx, buf),
            WebIo::Tls(io) => Pin::new(io.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            WebIo::Plain(io) => Pin::new(io).poll_flush(cx),
            WebIo::Tls(io) => Pin::new(io.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().io {
            WebIo::Plain(io) => Pin::new(io).poll_shutdown(cx),
            WebIo::Tls(io) => Pin::new(io.as_mut()).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().io {
            WebIo::Plain(io) => Pin::new(io).poll_write_vectored(cx, bufs),
            WebIo::Tls(io) => Pin::new(io.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            WebIo::Plain(io) => io.is_write_vectored(),
            WebIo::Tls(io) => io.is_write_vectored(),
        }
    }
}

/// The peer's address, as handlers see it (`ConnectInfo<PeerAddr>`).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, CountedListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, CountedListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/t/{*token}", get(page))
        .route("/assets/{name}", get(asset))
        .route("/ws/{*token}", get(socket))
        .with_state(shared)
}

fn with_security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

async fn home() -> Response {
    with_security_headers(
        (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "tmate relay: open a session link (/t/TOKEN) shown by the host.\n",
        )
            .into_response(),
    )
}

/// An unknown token is answered after the address's wrong-token penalty and a random 50-200 ms,
/// like over SSH, so guessing is as slow here and timing does not tell whether it ever existed.
/// An address with too many queued guesses gets 429 at once.
async fn not_found(shared: &Shared, addr: SocketAddr) -> Response {
    if !shared.penalize_guess(addr.ip()).await {
        shared.metrics.refused(crate::metrics::Limit::token_guesses);
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    }
    shared.metrics.wrong_tokens.inc();
    let (low, high) = shared.config.invalid_token_delay;
    let delay = rand::rng().random_range(low..=high.max(low));
    tokio::time::sleep(delay).await;
    with_security_headers(
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Invalid or expired session token\n",
        )
            .into_response(),
    )
}

/// Where a link's session is served from.
enum Target {
    Here(Found),
    /// On another node of the cluster (`cluster::link`).
    Remote {
        addr: String,
        token: String,
        restricted: bool,
    },
}

impl Target {
    fn restricted(&self) -> bool {
        match self {
            Target::Here(found) => found.session.lock().bindings.restricted,
            Target::Remote { restricted, .. } => *restricted,
        }
    }
}

/// A token nobody serves, or a cluster that cannot be asked.
enum Miss {
    Unknown,
    RegistryDown,
}

async fn lookup(shared: &Shared, candidate: &str) -> Result<Target, Miss> {
    if !token::is_well_formed(candidate) {
        return Err(Miss::Unknown);
    }
    if let Some(found) = shared.registry.lookup(candidate) {
        return Ok(Target::Here(found));
    }
    let Some(cluster) = &shared.cluster else {
        return Err(Miss::Unknown);
    };
    match cluster.locate(candidate).await {
        Located::Remote { owner, addr } => Ok(Target::Remote {
            addr,
            token: candidate.to_string(),
            restricted: owner.restricted,
        }),
        Located::Nowhere => Err(Miss::Unknown),
        Located::Unknown(_) => Err(Miss::RegistryDown),
    }
}

/// The answer to a link nobody here can serve.
async fn missed(shared: &Shared, miss: Miss, addr: SocketAddr) -> Response {
    match miss {
        Miss::Unknown => not_found(shared, addr).await,
        Miss::RegistryDown => with_security_headers(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "This relay node cannot reach the cluster's registry to find that session; try \
                 again in a moment.\n",
            )
                .into_response(),
        ),
    }
}

/// Sessions that restrict viewers with authorized keys are not served on the web: a browser
/// has no SSH key to show, and the token alone must not get around the host's key list.
fn web_refused(target: &Target) -> Option<Response> {
    if !target.restricted() {
        return None;
    }
    Some(with_security_headers(
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "This session only lets in SSH viewers with an authorized key; join it with ssh.\n",
        )
            .into_response(),
    ))
}

async fn page(
    State(shared): State<Arc<Shared>>,
    Path(candidate): Path<String>,
    ConnectInfo(PeerAddr(addr)): ConnectInfo<PeerAddr>,
) -> Response {
    let target = match lookup(&shared, &candidate).await {
        Ok(target) => target,
        Err(miss) => return missed(&shared, miss, addr).await,
    };
    if let Some(refused) = web_refused(&target) {
        return refused;
    }
    with_security_headers(
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            INDEX_HTML,
        )
            .into_response(),
    )
}

async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind): (Body, &str) = match name.as_str() {
        "app.js" => (APP_JS.into(), "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS.into(), "text/css; charset=utf-8"),
        "xterm.js" => (XTERM_JS.into(), "text/javascript; charset=utf-8"),
        "xterm.css" => (XTERM_CSS.into(), "text/css; charset=utf-8"),
        "addon-fit.js" => (FIT_JS.into(), "text/javascript; charset=utf-8"),
        "addon-webgl.js" => (WEBGL_JS.into(), "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    with_security_headers(([(header::CONTENT_TYPE, kind)], body).into_response())
}

/// Whether a WebSocket's `Origin` is this relay: the public base URL's origin, or the origin of
/// the host the browser asked for. A missing Origin (a non-browser client) is allowed: the check
/// stops other web pages from driving a user's session, which always send one.
fn origin_allowed(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if let Some(base) = shared.config.web_base_url()
        && origin == origin_of(&base)
    {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{authority}")
}

async fn socket(
    State(shared): State<Arc<Shared>>,
    Path(candidate): Path<String>,
    ConnectInfo(PeerAddr(addr)): ConnectInfo<PeerAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&shared, &headers) {
        return (StatusCode::FORBIDDEN, "WebSocket from another origin\n").into_response();
    }
    let target = match lookup(&shared, &candidate).await {
        Ok(target) => target,
        Err(miss) => return missed(&shared, miss, addr).await,
    };
    if let Some(refused) = web_refused(&target) {
        return refused;
    }
    if let Target::Here(found) = &target
        && found.session.lock().viewers.len() >= shared.config.limits.viewers_per_session
    {
        shared
            .metrics
            .refused(crate::metrics::Limit::viewers_per_session);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "This session has too many viewers\n",
        )
            .into_response();
    }
    upgrade
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| run_web_viewer(shared, target, socket, addr))
}

/// Whether the page's size report asks to count in the session's size: `"fit":false` from a
/// touch page that shows the session at the session's size; absent (older pages) or `true`.
fn parse_fit(text: &str) -> bool {
    let Some(at) = text.find("\"fit\"") else {
        return true;
    };
    let rest = text.get(at + 5..).unwrap_or_default().trim_start();
    !rest
        .strip_prefix(':')
        .is_some_and(|v| v.trim_start().starts_with("false"))
}

/// The page's size report: `{"cols":N,"rows":M}`.
fn parse_size(text: &str) -> Option<(u16, u16)> {
    let number = |key: &str| -> Option<u16> {
        let at = text.find(&format!("\"{key}\""))? + key.len() + 2;
        let rest = text.get(at..)?.trim_start().strip_prefix(':')?.trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits
            .parse::<u16>()
            .ok()
            .filter(|v| *v > 0)
            .map(|v| v.min(4096))
    };
    Some((number("cols")?, number("rows")?))
}

/// One browser viewer: its size, then frames out and keys in until either side ends.
async fn run_web_viewer(
    shared: Arc<Shared>,
    target: Target,
    mut socket: WebSocket,
    addr: SocketAddr,
) {
    let Some((size, fit, early_input)) = first_size(&mut socket).await else {
        return;
    };
    let (frames_tx, mut frames) = mpsc::channel::<bytes::Bytes>(1);
    let output = ViewerOutput::Web(frames_tx);
    let watched = match &target {
        Target::Here(found) => Some(Watched::new(found.session.clone(), found.read_only)),
        Target::Remote { .. } => None,
    };
    let Some(input) = start_viewer(&shared, target, &mut socket, addr, (size, fit), output).await
    else {
        return;
    };
    for bytes in early_input {
        if input.send(ViewerInput::Data(bytes)).await.is_err() {
            return;
        }
    }
    let mut page = Page {
        socket,
        input,
        fit,
        watched,
    };
    carry(&shared, &mut page, &mut frames).await;
}

/// Draw at the page's real size from the first frame (and tell the host that size, not a
/// guess): wait briefly for its report. Returns the size (80x24 without a report) and the
/// keys that came before it; None when the socket ended.
async fn first_size(socket: &mut WebSocket) -> Option<((u16, u16), bool, Vec<Vec<u8>>)> {
    let mut size = (80, 24);
    let mut fit = true;
    let mut early_input = Vec::new();
    let deadline = tokio::time::Instant::now() + SIZE_WAIT;
    loop {
        match tokio::time::timeout_at(deadline, socket.recv()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                if let Some(reported) = parse_size(text.as_str()) {
                    size = reported;
                    fit = parse_fit(text.as_str());
                    break;
                }
            }
            Ok(Some(Ok(Message::Binary(bytes)))) => early_input.push(bytes.to_vec()),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) => return None,
            Err(_) => break,
        }
    }
    Some((size, fit, early_input))
}

/// The viewer's task: here, or a link to the node that owns the session. Returns where its
/// input goes; None when there is no viewer (the page is told why when a node cannot be
/// reached).
async fn start_viewer(
    shared: &Arc<Shared>,
    target: Target,
    socket: &mut WebSocket,
    addr: SocketAddr,
    (size, fit): ((u16, u16), bool),
    output: ViewerOutput,
) -> Option<mpsc::Sender<ViewerInput>> {
    match target {
        Target::Here(found) => Some(viewer::spawn(ViewerSetup {
            viewer_id: shared.next_viewer_id(),
            read_only: found.read_only,
            session: found.session,
            cols: size.0,
            rows: size.1,
            addr: Some(addr),
            output,
            timing: shared.config.viewer_timing,
            shared: shared.clone(),
            transport: crate::metrics::Transport::web,
            key: None,
            sizing: fit,
        })),
        Target::Remote {
            addr: owner, token, ..
        } => {
            let cluster = shared.cluster.clone()?;
            let forward = Forward {
                token,
                addr,
                cols: size.0,
                rows: size.1,
                key: None,
            };
            match link::open(&owner, &cluster.host_key, &forward).await {
                Ok(open) => Some(link::spawn(
                    open,
                    output,
                    shared.config.viewer_timing.stall_limit,
                    shared.clone(),
                )),
                Err(error) => {
                    tracing::warn!(peer = %addr, error = %error.0, "cannot forward a web viewer");
                    let text = format!("\r\n{}\r\n", error.0);
                    let _ = socket.send(Message::Binary(text.into_bytes().into())).await;
                    let _ = socket
                        .send(Message::Close(Some(CloseFrame {
                            code: CLOSE_ENDED,
                            reason: "the session's relay node cannot be reached".into(),
                        })))
                        .await;
                    None
                }
            }
        }
    }
}

/// A connected page: its socket, where its keys go, and what it is shown besides the terminal.
struct Page {
    socket: WebSocket,
    input: mpsc::Sender<ViewerInput>,
    /// Whether its size counts in the session's size (`parse_fit`).
    fit: bool,
    /// The session, when it is served here (a page forwarded to another node gets only the
    /// terminal).
    watched: Option<Watched>,
}

/// Keys and size reports from the page to the viewer, its frames to the page, until either
/// side ends; the session's state (`Watched`) as JSON text messages besides.
async fn carry(shared: &Shared, page: &mut Page, frames: &mut mpsc::Receiver<bytes::Bytes>) {
    loop {
        let state_due = page.watched.as_ref().and_then(Watched::due);
        tokio::select! {
            received = page.socket.recv() => match received {
                Some(Ok(Message::Binary(bytes))) => {
                    shared.metrics.bytes(crate::metrics::Direction::viewer_in, bytes.len());
                    if page.input.send(ViewerInput::Data(bytes.to_vec())).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    if !page.size_report(text.as_str()).await {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            frame = frames.recv() => match frame {
                Some(bytes) => {
                    if page.socket.send(Message::Binary(bytes)).await.is_err() {
                        break;
                    }
                }
                // The viewer is done (session ended, detached, or stalled).
                None => {
                    let _ = page.socket
                        .send(Message::Close(Some(CloseFrame {
                            code: CLOSE_ENDED,
                            reason: "the session ended".into(),
                        })))
                        .await;
                    break;
                }
            },
            changed = watched_change(page.watched.as_mut()) => {
                if let Some(text) = changed && page.socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            () = sleep_until_opt(state_due) => {
                let text = page.watched.as_mut().and_then(Watched::state_message);
                if let Some(text) = text && page.socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
        }
    }
}

impl Page {
    /// A size report: the viewer's new size, and whether it counts in the session's size.
    /// Returns false when the viewer is gone.
    async fn size_report(&mut self, text: &str) -> bool {
        let Some((cols, rows)) = parse_size(text) else {
            return true;
        };
        let fit = parse_fit(text);
        let mut messages = vec![ViewerInput::Resize { cols, rows }];
        if fit != self.fit {
            self.fit = fit;
            // Leaving the negotiation first, joining it last: the host is resized once.
            if fit {
                messages.push(ViewerInput::Sizing(true));
            } else {
                messages.insert(0, ViewerInput::Sizing(false));
            }
        }
        for message in messages {
            if self.input.send(message).await.is_err() {
                return false;
            }
        }
        true
    }
}

/// Shortest time between two state messages to a page while the session changes.
const STATE_INTERVAL: Duration = Duration::from_millis(100);

/// What a page shows of a session besides its terminal: who is here (`presence`), the title,
/// the session's size (touch pages show it at that size), and, for read-write pages only, the
/// clipboard text panes set with OSC 52.
struct Watched {
    session: Arc<Session>,
    changed: watch::Receiver<u64>,
    /// None for read-only pages: they are never offered the clipboard.
    clipboard: Option<watch::Receiver<Clipboard>>,
    /// The last state message sent.
    sent: String,
    /// Something changed since it was sent.
    dirty: bool,
    /// When the next state message may go.
    next: tokio::time::Instant,
}

impl Watched {
    fn new(session: Arc<Session>, read_only: bool) -> Watched {
        let changed = session.subscribe();
        let clipboard = (!read_only).then(|| {
            let mut clipboard = session.subscribe_clipboard();
            // Text copied before the page came is not offered.
            clipboard.borrow_and_update();
            clipboard
        });
        Watched {
            session,
            changed,
            clipboard,
            sent: String::new(),
            dirty: true,
            next: tokio::time::Instant::now(),
        }
    }

    /// When a state message is due, if one may be.
    fn due(&self) -> Option<tokio::time::Instant> {
        self.dirty.then_some(self.next)
    }

    /// The state message, when it differs from the last one sent.
    fn state_message(&mut self) -> Option<String> {
        self.dirty = false;
        self.next = tokio::time::Instant::now() + STATE_INTERVAL;
        let (presence, title, size, prefix) = {
            let state = self.session.lock();
            let prefix = state.bindings.prefix_keys()[0];
            (state.presence(), state.title(), state.shown_size(), prefix)
        };
        // The prefix as the page shows it on its key and the bytes that key sends (the relay
        // reads them back as that key, as from an SSH viewer's terminal).
        let prefix = prefix.and_then(|key| {
            let modes = tmate_proto::keys::PaneKeyModes {
                xterm_keys: true,
                ..Default::default()
            };
            let bytes = tmate_proto::keys::pane_key_bytes(key, modes)?;
            Some(serde_json::json!({"name": key.name(), "keys": String::from_utf8(bytes).ok()?}))
        });
        let message = serde_json::json!({
            "type": "state",
            "presence": {
                "ssh_rw": presence.ssh_rw,
                "ssh_ro": presence.ssh_ro,
                "web_rw": presence.web_rw,
                "web_ro": presence.web_ro,
            },
            "title": title,
            "prefix": prefix,
            "cols": size.map(|s| s.0),
            "rows": size.map(|s| s.1),
        })
        .to_string();
        if message == self.sent {
            return None;
        }
        self.sent.clone_from(&message);
        Some(message)
    }
}

/// The next change of a watched session: None after a change of what it shows (a state
/// message is then due), or the clipboard message to send. Never returns without one.
async fn watched_change(watched: Option<&mut Watched>) -> Option<String> {
    let Some(watched) = watched else {
        return std::future::pending().await;
    };
    /// Which source woke the page.
    enum Woke {
        Changed(bool),
        Clipboard(bool),
    }
    let woke = {
        let Watched {
            changed, clipboard, ..
        } = &mut *watched;
        let copied = async {
            match clipboard.as_mut() {
                Some(clipboard) => clipboard.changed().await.is_ok(),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = changed.changed() => Woke::Changed(result.is_ok()),
            ok = copied => Woke::Clipboard(ok),
        }
    };
    match woke {
        Woke::Changed(true) => {
            watched.dirty = true;
            None
        }
        // The session is gone: the viewer's end closes the page.
        Woke::Changed(false) => std::future::pending().await,
        Woke::Clipboard(false) => {
            watched.clipboard = None;
            None
        }
        Woke::Clipboard(true) => {
            let text = watched
                .clipboard
                .as_mut()
                .map(|c| c.borrow_and_update().text.clone())?;
            Some(serde_json::json!({"type": "clipboard", "text": &*text}).to_string())
        }
    }
}

async fn sleep_until_opt(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_reports() {
        assert_eq!(parse_size(r#"{"cols":120,"rows":40}"#), Some((120, 40)));
        assert_eq!(
            parse_size(r#"{ "rows" : 30, "cols" : 100 }"#),
            Some((100, 30))
        );
        assert_eq!(parse_size(r#"{"cols":0,"rows":40}"#), None);
        assert_eq!(parse_size(r#"{"cols":99999999,"rows":40}"#), None);
        assert_eq!(parse_size("garbage"), None);
        assert!(parse_fit(r#"{"cols":1,"rows":2}"#));
        assert!(parse_fit(r#"{"cols":1,"rows":2,"fit":true}"#));
        assert!(!parse_fit(r#"{"cols":1,"rows":2,"fit":false}"#));
        assert!(!parse_fit(r#"{"fit" : false,"cols":1,"rows":2}"#));
        assert_eq!(
            origin_of("https://relay.example.com/x/y"),
            "https://relay.example.com"
        );
    }
}
