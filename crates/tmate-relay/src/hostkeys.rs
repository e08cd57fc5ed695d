//! The relay's SSH host keys: loaded from a keys directory under the original tmate-ssh-server's
//! file names (OpenSSH format, as ssh-keygen writes them), created there when missing, and
//! described for clients (SHA256 fingerprints and the `~/.tmate.conf` lines).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::{KeypairData, RsaKeypair};
use russh::keys::{Algorithm, HashAlg, PrivateKey};

pub const ED25519_FILE: &str = "ssh_host_ed25519_key";
pub const RSA_FILE: &str = "ssh_host_rsa_key";
/// RSA size for a newly created key (what `ssh-keygen -t rsa` makes today).
const RSA_BITS: usize = 3072;

/// The host keys a relay serves, ed25519 first: every tmate client since 2.3 prefers it, and the
/// relay then never signs with RSA (whose implementation has a known timing side channel,
/// RUSTSEC-2023-0071) unless an old client asks for it.
#[derive(Clone)]
pub struct HostKeys {
    pub ed25519: PrivateKey,
    pub rsa: Option<PrivateKey>,
}

/// What happened to each key file on start-up, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    Loaded(PathBuf),
    Created(PathBuf),
}

impl HostKeys {
    /// Load `DIR/ssh_host_ed25519_key` and `DIR/ssh_host_rsa_key`, creating the directory and any
    /// missing key (mode 0600).
    pub fn load_or_create(dir: &Path) -> Result<(HostKeys, Vec<KeyOrigin>)> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the keys directory {}", dir.display()))?;
        let mut origins = Vec::new();
        let ed25519 = load_or_create_one(&dir.join(ED25519_FILE), &mut origins, || {
            PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
                .context("cannot generate an ed25519 key")
        })?;
        let rsa = load_or_create_one(&dir.join(RSA_FILE), &mut origins, || {
            let keypair = RsaKeypair::random(&mut rand::rng(), RSA_BITS)
                .context("cannot generate an RSA key")?;
            PrivateKey::new(KeypairData::from(keypair), "").context("cannot build the RSA key")
        })?;
        if ed25519.algorithm() != Algorithm::Ed25519 {
            anyhow::bail!("{} is not an ed25519 key", dir.join(ED25519_FILE).display());
        }
        if !matches!(rsa.algorithm(), Algorithm::Rsa { .. }) {
            anyhow::bail!("{} is not an RSA key", dir.join(RSA_FILE).display());
        }
        Ok((
            HostKeys {
                ed25519,
                rsa: Some(rsa),
            },
            origins,
        ))
    }

    /// An ed25519-only key set made in memory (tests, throwaway relays).
    pub fn ephemeral() -> Result<HostKeys> {
        Ok(HostKeys {
            ed25519: PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
                .context("cannot generate an ed25519 key")?,
            rsa: None,
        })
    }

    /// The keys in the order offered to clients.
    pub fn to_vec(&self) -> Vec<PrivateKey> {
        std::iter::once(self.ed25519.clone())
            .chain(self.rsa.clone())
            .collect()
    }

    /// `SHA256:...` as `ssh-keygen -l` prints it and tmate checks it.
    pub fn ed25519_fingerprint(&self) -> String {
        self.ed25519
            .public_key()
            .fingerprint(HashAlg::Sha256)
            .to_string()
    }

    pub fn rsa_fingerprint(&self) -> Option<String> {
        self.rsa
            .as_ref()
            .map(|k| k.public_key().fingerprint(HashAlg::Sha256).to_string())
    }

    /// The lines a tmate user puts in `~/.tmate.conf` to use this relay.
    /// Every key's fingerprint on one line (`ed25519 SHA256:... rsa SHA256:...`): the cluster
    /// compares it between nodes.
    pub fn fingerprints_line(&self) -> String {
        let mut line = format!("ed25519 {}", self.ed25519_fingerprint());
        if let Some(rsa) = self.rsa_fingerprint() {
            line.push_str(&format!(" rsa {rsa}"));
        }
        line
    }

    pub fn tmate_conf(&self, host: &str, port: u16) -> String {
        let mut conf =
            format!("set -g tmate-server-host {host}\nset -g tmate-server-port {port}\n");
        if let Some(rsa) = self.rsa_fingerprint() {
            conf.push_str(&format!("set -g tmate-server-rsa-fingerprint {rsa}\n"));
        }
        conf.push_str(&format!(
            "set -g tmate-server-ed25519-fingerprint {}\n",
            self.ed25519_fingerprint()
        ));
        conf
    }
}

fn load_or_create_one(
    path: &Path,
    origins: &mut Vec<KeyOrigin>,
    create: impl FnOnce() -> Result<PrivateKey>,
) -> Result<PrivateKey> {
    if path.exists() {
        let key = russh::keys::load_secret_key(path, None)
            .with_context(|| format!("cannot read the host key {}", path.display()))?;
        origins.push(KeyOrigin::Loaded(path.to_path_buf()));
        return Ok(key);
    }
    let key = create()?;
    key.write_openssh_file(path, LineEnding::LF)
        .with_context(|| format!("cannot write the host key {}", path.display()))?;
    let public = key
        .public_key()
        .to_openssh()
        .context("cannot encode the public key")?;
    let public_path = path.with_extension("pub");
    std::fs::write(&public_path, format!("{public}\n"))
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    origins.push(KeyOrigin::Created(path.to_path_buf()));
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are created in the original's file names, in OpenSSH format that ssh-keygen reads
    /// (when it is installed), loaded back unchanged, and described for ~/.tmate.conf.
    #[test]
    fn keys_are_created_then_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let (created, origins) = HostKeys::load_or_create(dir.path()).unwrap();
        assert!(matches!(
            &origins[..],
            [KeyOrigin::Created(_), KeyOrigin::Created(_)]
        ));
        let (loaded, origins) = HostKeys::load_or_create(dir.path()).unwrap();
        assert!(matches!(
            &origins[..],
            [KeyOrigin::Loaded(_), KeyOrigin::Loaded(_)]
        ));
        assert_eq!(created.ed25519_fingerprint(), loaded.ed25519_fingerprint());
        assert_eq!(created.rsa_fingerprint(), loaded.rsa_fingerprint());
        assert!(created.ed25519_fingerprint().starts_with("SHA256:"));
        let conf = loaded.tmate_conf("relay.example.com", 2222);
        assert!(conf.contains("set -g tmate-server-host relay.example.com\n"));
        assert!(conf.contains("set -g tmate-server-port 2222\n"));
        assert!(conf.contains(&format!(
            "set -g tmate-server-ed25519-fingerprint {}\n",
            loaded.ed25519_fingerprint()
        )));
        if let Ok(out) = std::process::Command::new("ssh-keygen")
            .arg("-l")
            .arg("-f")
            .arg(dir.path().join(ED25519_FILE))
            .output()
        {
            let printed = String::from_utf8_lossy(&out.stdout);
            assert!(printed.contains(&loaded.ed25519_fingerprint()), "{printed}");
        }
        // A file of the wrong type is refused with a clear error.
        std::fs::copy(dir.path().join(RSA_FILE), dir.path().join(ED25519_FILE)).unwrap();
        let error = HostKeys::load_or_create(dir.path())
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("is not an ed25519 key"), "{error}");
    }
}
