//! `tmate` command line: tmux's global flags (-S, -L, -f, -2, -u, -v, -V, -c), tmate 2.4's
//! (-F foreground, -k api key, -n/-r session names, -a authorized keys), then a command.

use std::path::PathBuf;

fn usage() -> i32 {
    eprintln!(
        "usage: tmate [-2CFlquvV] [-c shell-command] [-f file] [-L socket-name] [-S socket-path] \
         [-k api-key] [-n session-name] [-r session-name-ro] [-a authorized-keys]\n             \
         [--share-on ADDR:PORT [--host NAME] [--web-on ADDR:PORT|off]] [command [flags]]"
    );
    1
}

/// Our long options, before tmux's flags: sharing through the built-in relay beyond this
/// machine in one flag. Each becomes a `set-option` of the embedded relay (`uplink::embedded`),
/// applied after the config files like tmate's own CLI options.
#[derive(Default)]
struct ShareOptions {
    /// `--share-on ADDR:PORT`: the built-in relay's SSH listener (`tmate-relay-listen`); the
    /// web viewer listens on the next port unless `--web-on` says otherwise.
    listen: Option<String>,
    /// `--host NAME`: the name viewers type (`tmate-relay-host`).
    host: Option<String>,
    /// `--web-on ADDR:PORT` or `off` (`tmate-relay-web-listen`).
    web: Option<String>,
}

impl ShareOptions {
    /// Take `--share-on`, `--host`, `--web-on` (also as `--flag=value`) from the front of
    /// the arguments; an error names the flag.
    fn take(
        &mut self,
        args: &mut std::iter::Peekable<impl Iterator<Item = String>>,
    ) -> Result<(), String> {
        while let Some(a) = args.peek().cloned() {
            let (name, inline) = match a.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            let slot = match name.as_str() {
                "--share-on" => &mut self.listen,
                "--host" => &mut self.host,
                "--web-on" => &mut self.web,
                _ => break,
            };
            args.next();
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))?;
            *slot = Some(value);
        }
        Ok(())
    }

    /// The `set-option` commands for the server, after the config files.
    fn commands(self) -> Result<Vec<String>, String> {
        if self.listen.is_none() && (self.host.is_some() || self.web.is_some()) {
            return Err("--host and --web-on go with --share-on ADDR:PORT".into());
        }
        let Some(listen) = self.listen else {
            return Ok(Vec::new());
        };
        let ssh: std::net::SocketAddr = listen.parse().map_err(|_| {
            format!("--share-on: not an address:port: {listen} (e.g. 0.0.0.0:2222)")
        })?;
        let web = match self.web.as_deref() {
            Some("off") => String::new(),
            Some(web) => {
                web.parse::<std::net::SocketAddr>()
                    .map_err(|_| format!("--web-on: not an address:port or off: {web}"))?;
                web.to_string()
            }
            None => {
                let port = if ssh.port() == 0 {
                    0
                } else {
                    ssh.port().wrapping_add(1)
                };
                std::net::SocketAddr::new(ssh.ip(), port).to_string()
            }
        };
        let mut out = Vec::new();
        let mut set = |name: &str, value: String| {
            out.extend(["set-option".into(), name.into(), value, ";".into()]);
        };
        // An empty server host: the built-in relay, even when a config names another relay.
        set("tmate-server-host", String::new());
        set("tmate-relay-listen", ssh.to_string());
        set("tmate-relay-web-listen", web);
        if let Some(host) = self.host {
            set("tmate-relay-host", host);
        }
        Ok(out)
    }
}

/// The command line, read.
#[derive(Default)]
struct Cli {
    share: ShareOptions,
    /// -S
    socket: Option<PathBuf>,
    /// -L
    label: Option<String>,
    /// -c
    shell_command: Option<String>,
    /// -f
    config: Option<PathBuf>,
    /// -F
    foreground: bool,
    /// -C once (control mode), twice (`-CC`: raw terminal, output in a DCS).
    control: u8,
    /// tmate's CLI options (-k, -n, -r, -a) as `set-option NAME VALUE`, in the order given.
    cli_options: Vec<(&'static str, String)>,
    /// The command after the flags.
    argv: Vec<String>,
}

/// Read the flags; None after -V (the version is printed). Exits with the usage on a bad one.
fn parse_args() -> Option<Cli> {
    let mut args = std::env::args().skip(1).peekable();
    let mut cli = Cli::default();
    loop {
        if let Err(e) = cli.share.take(&mut args) {
            eprintln!("tmate: {e}");
            std::process::exit(usage());
        }
        let Some(a) = args.peek().cloned() else {
            break;
        };
        if a == "--" {
            args.next();
            break;
        }
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) else {
            break;
        };
        args.next();
        let mut chars = flags.chars();
        while let Some(c) = chars.next() {
            match c {
                '2' | 'u' | 'v' | 'l' | 'q' | 'D' | 'N' | 'd' => {}
                'C' => cli.control = cli.control.saturating_add(1).min(2),
                'F' => cli.foreground = true,
                'V' => {
                    // The tmux version whose commands we follow, in tmux's form: scripts and
                    // plugins read `-V` to choose what to run (oh-my-tmux parses the number
                    // after the name, tpm cuts the second word). Our own version shows in
                    // `tmate -S SOCKET` mismatch messages.
                    println!("tmate {}", tmate::TMUX_VERSION);
                    return None;
                }
                'S' | 'L' | 'f' | 'c' | 'k' | 'n' | 'r' | 'a' => {
                    let rest: String = chars.by_ref().collect();
                    let value = if rest.is_empty() {
                        args.next()
                    } else {
                        Some(rest)
                    };
                    let Some(value) = value else {
                        std::process::exit(usage())
                    };
                    match c {
                        'S' => cli.socket = Some(PathBuf::from(value)),
                        'L' => cli.label = Some(value),
                        'c' => cli.shell_command = Some(value),
                        'k' => cli.cli_options.push(("tmate-api-key", value)),
                        'n' => cli.cli_options.push(("tmate-session-name", value)),
                        'r' => cli.cli_options.push(("tmate-session-name-ro", value)),
                        'a' => cli.cli_options.push(("tmate-authorized-keys", value)),
                        _ => cli.config = Some(PathBuf::from(value)),
                    }
                }
                _ => std::process::exit(usage()),
            }
        }
    }
    cli.argv = args.collect();
    Some(cli)
}

/// The `set-option` commands the server runs after the config files: tmate's CLI options
/// (tmux.c tmate_load_cli_options, in its order), the sharing options, -F.
fn server_prefix(
    mut cli_options: Vec<(&'static str, String)>,
    share: ShareOptions,
    foreground: bool,
) -> Vec<String> {
    cli_options.sort_by_key(|(name, _)| {
        [
            "tmate-api-key",
            "tmate-session-name",
            "tmate-session-name-ro",
            "tmate-authorized-keys",
        ]
        .iter()
        .position(|n| n == name)
    });
    let mut prefix: Vec<String> = Vec::new();
    for (name, value) in cli_options {
        prefix.extend(["set-option".into(), name.into(), value, ";".into()]);
    }
    match share.commands() {
        Ok(commands) => prefix.extend(commands),
        Err(e) => {
            eprintln!("tmate: {e}");
            std::process::exit(usage());
        }
    }
    if foreground {
        prefix.extend([
            "set-option".into(),
            "tmate-set".into(),
            "foreground=true".into(),
            ";".into(),
        ]);
    }
    prefix
}

fn main() {
    let Some(cli) = parse_args() else {
        return;
    };
    let Cli {
        share,
        socket,
        label,
        shell_command,
        config,
        foreground,
        control,
        cli_options,
        argv,
    } = cli;
    let prefix = server_prefix(cli_options, share, foreground);
    if let Some(cmd) = shell_command {
        let err = std::os::unix::process::CommandExt::exec(
            std::process::Command::new("/bin/sh").arg("-c").arg(cmd),
        );
        eprintln!("{err}");
        std::process::exit(1);
    }
    // As tmux: without -S or -L, a client inside a pane ($TMUX) talks to that pane's server.
    let socket = socket.or_else(|| label.is_none().then(tmate::wire::socket_from_env).flatten());
    let socket = match socket {
        Some(s) => s,
        None => match tmate::wire::socket_path(label.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        },
    };
    if argv.first().map(String::as_str) == Some("__server") {
        tmate::fdio::close_inherited_on_exec();
        let code = runtime().block_on(tmate::client::serve(&socket, config.as_deref()));
        std::process::exit(code);
    }
    // The server is reached (and, for commands that may, started) before the client's runtime
    // exists: a server is forked from this process, which must then have one thread only.
    let stream = tmate::server_start::connect_or_start(
        &socket,
        tmate::client::starts_server(&argv),
        config.as_deref(),
        |listener, config| tmate::client::run_forked_server(&socket, listener, config),
    );
    let runtime = runtime();
    let code = if control > 0 {
        runtime.block_on(tmate::control_client::run(
            &socket, stream, prefix, argv, control,
        ))
    } else if foreground {
        runtime.block_on(tmate::client::foreground(&socket, stream, prefix, argv))
    } else {
        runtime.block_on(tmate::client::run_with(&socket, stream, prefix, argv))
    };
    // The stdin reader may sit in a blocking read; do not wait for it.
    std::process::exit(code);
}

/// One thread, as tmux's server and client: a task woken on another worker (a pane's output
/// waking its client's redraw) cost each keystroke's echo a cross-CPU wake-up, measured at
/// ~50 us of its ~300. The embedded relay runs on threads of its own (`uplink::embedded`).
fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
