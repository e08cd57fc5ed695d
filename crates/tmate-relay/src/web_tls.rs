//! HTTPS for the web viewer (`--web-tls-cert`, `--web-tls-key`): the certificate chain and key
//! read from PEM files, checked to belong together, and swapped on SIGHUP without touching the
//! connections already open (each keeps the configuration it started with).

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Where the certificate chain and its key live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The web viewer's TLS configuration, replaceable while the relay runs.
pub struct Reloadable {
    files: TlsFiles,
    current: RwLock<Arc<ServerConfig>>,
}

impl Reloadable {
    /// Load `files`; the error names the file and what is wrong with it.
    pub fn load(files: TlsFiles) -> Result<Reloadable, String> {
        let config = server_config(&files)?;
        Ok(Reloadable {
            files,
            current: RwLock::new(Arc::new(config)),
        })
    }

    /// Read the files again; on an error the configuration in force stays.
    pub fn reload(&self) -> Result<(), String> {
        let config = server_config(&self.files)?;
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(config);
        Ok(())
    }

    /// An acceptor with the configuration in force now.
    pub fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(
            self.current
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        )
    }
}

fn server_config(files: &TlsFiles) -> Result<ServerConfig, String> {
    let cert_name = files.cert.display();
    let key_name = files.key.display();
    let cert_pem = std::fs::read(&files.cert)
        .map_err(|e| format!("--web-tls-cert: cannot read {cert_name}: {e}"))?;
    let key_pem = std::fs::read(&files.key)
        .map_err(|e| format!("--web-tls-key: cannot read {key_name}: {e}"))?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--web-tls-cert: {cert_name}: not a PEM certificate chain ({e})"))?;
    if chain.is_empty() {
        return Err(format!(
            "--web-tls-cert: {cert_name} holds no certificate (expected -----BEGIN CERTIFICATE-----)"
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| format!("--web-tls-key: {key_name}: not a PEM private key ({e})"))?;
    #[allow(
        deprecated,
        reason = "the ring provider is the one russh and redis already use here; the post-quantum key exchange needs aws-lc-rs, a C build"
    )]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => format!(
                "--web-tls-key: {key_name} is not the key of the certificate in {cert_name}"
            ),
            other => format!("--web-tls-cert/--web-tls-key: {cert_name}, {key_name}: {other}"),
        })?;
    // HTTP/1.1 only: the viewer's WebSocket upgrades over it (not over HTTP/2).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
