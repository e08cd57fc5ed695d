//! Build script: brings the browser terminal's npm assets (xterm.js and its addons, pinned in
//! web/package-lock.json) into OUT_DIR so the relay embeds them; installs them with `npm ci`
//! when web/node_modules is missing. Our own page files are embedded straight from web/.
#![allow(
    clippy::panic,
    reason = "a build script fails by panicking with its reason"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// (file in web/node_modules, name under /assets/).
const NPM_ASSETS: &[(&str, &str)] = &[
    ("@xterm/xterm/lib/xterm.js", "xterm.js"),
    ("@xterm/xterm/css/xterm.css", "xterm.css"),
    ("@xterm/addon-fit/lib/addon-fit.js", "addon-fit.js"),
    ("@xterm/addon-webgl/lib/addon-webgl.js", "addon-webgl.js"),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let web = manifest.join("../../web");
    println!(
        "cargo:rerun-if-changed={}",
        web.join("package-lock.json").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        web.join("package.json").display()
    );
    let modules = web.join("node_modules");
    let missing = NPM_ASSETS
        .iter()
        .any(|(file, _)| !modules.join(file).is_file());
    if missing {
        install(&web);
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    for (file, name) in NPM_ASSETS {
        let from = modules.join(file);
        println!("cargo:rerun-if-changed={}", from.display());
        if let Err(error) = std::fs::copy(&from, out.join(name)) {
            panic!("cannot copy {}: {error}", from.display());
        }
    }
}

/// `npm ci` the pinned front-end packages (runtime ones only; the test driver's are installed by
/// scripts/test).
fn install(web: &Path) {
    let status = Command::new("npm")
        .args(["ci", "--omit=dev", "--no-audit", "--no-fund"])
        .current_dir(web)
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => panic!(
            "`npm ci` in {} failed ({status}); the browser terminal's assets come from npm",
            web.display()
        ),
        Err(error) => panic!(
            "cannot run npm ({error}): install Node.js and npm, then build again (the browser \
             terminal's assets come from npm, pinned in web/package-lock.json)"
        ),
    }
}
