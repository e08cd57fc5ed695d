//! The operator's listener (`--metrics-addr`): `/metrics` (Prometheus text), `/healthz` (the
//! process answers) and `/readyz` (it should get traffic: serving, Redis reachable in a
//! cluster, not draining). Separate from the web viewer, so it can stay on a private address.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::Shared;

/// Serve until `stop` changes.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(shared);
    let stopped = async move {
        let _ = stop.changed().await;
    };
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(stopped)
        .await
    {
        tracing::warn!(%error, "metrics listener stopped");
    }
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::metrics::render(&shared),
    )
        .into_response()
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// 200 with `ready`, or 503 with the reasons, one per line (a load balancer reads the code, a
/// person the text).
async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    let reasons = not_ready(&shared);
    if reasons.is_empty() {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", reasons.join("; ")),
        )
            .into_response()
    }
}

/// Why this node should not get new traffic now; empty when it should.
pub fn not_ready(shared: &Shared) -> Vec<&'static str> {
    let mut reasons = Vec::new();
    if !shared.serving.load(Ordering::Relaxed) {
        reasons.push("starting");
    }
    if shared.draining.load(Ordering::Relaxed) {
        reasons.push("draining");
    }
    if shared
        .cluster
        .as_ref()
        .is_some_and(|cluster| !cluster.redis_reachable())
    {
        reasons.push("Redis unreachable");
    }
    reasons
}
