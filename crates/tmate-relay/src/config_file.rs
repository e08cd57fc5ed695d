//! `--config FILE`: every flag of `tmate-ssh-server` from a TOML file whose keys are the flags'
//! long names (`web-port = 8080`, `webhook = ["https://..."]`); flags on the command line
//! override the file. The file is turned into arguments in front of the command line, so clap
//! checks its values exactly as it checks flags (one set of rules, one set of messages).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, Command};

/// Keys the file cannot set: the file itself, and the flags that only print.
const NOT_IN_FILE: &[&str] = &["config", "help", "version"];

/// `argv` with the settings of its `--config FILE` (when given) inserted after the program
/// name. `Ok(argv)` unchanged when there is no `--config` or the command line itself does not
/// parse (clap then reports that error as usual).
pub fn merge(command: Command, argv: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let Ok(matches) = command.clone().try_get_matches_from(argv.iter()) else {
        return Ok(argv);
    };
    if matches.subcommand().is_some() {
        return Ok(argv);
    }
    let Some(path) = matches.get_one::<PathBuf>("config") else {
        return Ok(argv);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--config: cannot read {}: {e}", path.display()))?;
    let given_on_command_line =
        |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    let from_file = arguments(&command, path, &text, &given_on_command_line)?;
    let mut merged = Vec::with_capacity(argv.len() + from_file.len());
    let mut rest = argv.into_iter();
    merged.extend(rest.next());
    merged.extend(from_file);
    merged.extend(rest);
    Ok(merged)
}

/// The arguments `text` (the file at `path`) stands for, skipping the flags `overridden` says
/// the command line gives.
fn arguments(
    command: &Command,
    path: &Path,
    text: &str,
    overridden: &dyn Fn(&str) -> bool,
) -> Result<Vec<OsString>, String> {
    let file = path.display();
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| format!("--config {file}: {}", e.to_string().trim_end()))?;
    let mut unknown = Vec::new();
    let mut args = Vec::new();
    for (key, value) in &table {
        let id = key.replace('-', "_");
        let Some(arg) = command
            .get_arguments()
            .find(|arg| arg.get_id() == id.as_str() && !NOT_IN_FILE.contains(&id.as_str()))
        else {
            unknown.push(key.clone());
            continue;
        };
        if overridden(&id) {
            continue;
        }
        let flag = flag_spelling(arg);
        push_setting(&mut args, arg, &flag, value)
            .map_err(|problem| format!("--config {file}: {key}: {problem}"))?;
    }
    if !unknown.is_empty() {
        return Err(format!(
            "--config {file}: unknown key{} {} (keys are the flags' long names, as in \
             `tmate-ssh-server --help`: port, keys, web-port, ...)",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", ")
        ));
    }
    Ok(args)
}

/// How the flag is written on a command line: its long name when it has one, else `-x`.
fn flag_spelling(arg: &Arg) -> String {
    match (arg.get_long(), arg.get_short()) {
        (Some(long), _) => format!("--{long}"),
        (None, Some(short)) => format!("-{short}"),
        (None, None) => format!("--{}", arg.get_id()),
    }
}

fn push_setting(
    args: &mut Vec<OsString>,
    arg: &Arg,
    flag: &str,
    value: &toml::Value,
) -> Result<(), String> {
    match arg.get_action() {
        ArgAction::SetTrue => match value {
            toml::Value::Boolean(true) => args.push(flag.into()),
            toml::Value::Boolean(false) => {}
            _ => return Err("expected true or false".into()),
        },
        ArgAction::Count => match value {
            toml::Value::Integer(times @ 0..=10) => {
                for _ in 0..*times {
                    args.push(flag.into());
                }
            }
            toml::Value::Integer(_) => return Err("expected a count from 0 to 10".into()),
            _ => return Err("expected a number (how many times the flag is given)".into()),
        },
        ArgAction::Append => match value {
            toml::Value::Array(items) => {
                for item in items {
                    args.push(flag.into());
                    args.push(scalar(item)?.into());
                }
            }
            other => {
                args.push(flag.into());
                args.push(scalar(other)?.into());
            }
        },
        _ => {
            args.push(flag.into());
            args.push(scalar(value)?.into());
        }
    }
    Ok(())
}

/// A single value as the command line would spell it.
fn scalar(value: &toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(text) => Ok(text.clone()),
        toml::Value::Integer(number) => Ok(number.to_string()),
        toml::Value::Float(number) => Ok(number.to_string()),
        toml::Value::Boolean(flag) => Ok(flag.to_string()),
        _ => Err("expected a string, a number or true/false".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command() -> Command {
        Command::new("relay")
            .arg(
                Arg::new("config")
                    .long("config")
                    .value_parser(clap::value_parser!(PathBuf)),
            )
            .arg(
                Arg::new("port")
                    .short('p')
                    .value_parser(clap::value_parser!(u16)),
            )
            .arg(Arg::new("web_port").long("web-port"))
            .arg(Arg::new("no_web").long("no-web").action(ArgAction::SetTrue))
            .arg(Arg::new("verbose").short('v').action(ArgAction::Count))
            .arg(
                Arg::new("webhook")
                    .long("webhook")
                    .action(ArgAction::Append),
            )
    }

    fn args(text: &str, overridden: &[&str]) -> Result<Vec<String>, String> {
        let overridden = |id: &str| overridden.contains(&id);
        arguments(&command(), Path::new("relay.toml"), text, &overridden).map(|args| {
            args.into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        })
    }

    #[test]
    fn keys_become_the_flags_they_name() {
        let got = args(
            "port = 22\nweb-port = 8080\nno_web = true\nverbose = 2\nwebhook = [\"http://a/\", \"http://b/\"]\n",
            &[],
        );
        assert_eq!(
            got.unwrap(),
            [
                "--no-web",
                "-p",
                "22",
                "-v",
                "-v",
                "--web-port",
                "8080",
                "--webhook",
                "http://a/",
                "--webhook",
                "http://b/"
            ]
        );
    }

    #[test]
    fn the_command_line_overrides_the_file() {
        assert_eq!(
            args("port = 22\nweb-port = 1\n", &["port"]).unwrap(),
            ["--web-port", "1"]
        );
    }

    #[test]
    fn unknown_keys_are_named() {
        let error = args("port = 22\nprot = 2\nwebport = 3\n", &[]).unwrap_err();
        assert!(error.contains("unknown keys prot, webport"), "{error}");
        let error = args("config = \"x\"\n", &[]).unwrap_err();
        assert!(error.contains("unknown key config"), "{error}");
    }

    #[test]
    fn wrong_types_and_syntax_are_named() {
        let error = args("no-web = \"yes\"\n", &[]).unwrap_err();
        assert!(error.contains("no-web: expected true or false"), "{error}");
        let error = args("port = [1, 2]\n", &[]).unwrap_err();
        assert!(error.contains("port: expected a string"), "{error}");
        let error = args("port = \n", &[]).unwrap_err();
        assert!(error.starts_with("--config relay.toml: "), "{error}");
    }

    #[test]
    fn merged_arguments_go_before_the_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relay.toml");
        std::fs::write(&path, "port = 22\nweb-port = 9\n").unwrap();
        let argv: Vec<OsString> = ["relay", "--config", path.to_str().unwrap(), "-p", "2222"]
            .iter()
            .map(OsString::from)
            .collect();
        let merged = merge(command(), argv).unwrap();
        let matches = command().try_get_matches_from(merged).unwrap();
        assert_eq!(matches.get_one::<u16>("port"), Some(&2222));
        assert_eq!(
            matches.get_one::<String>("web_port").map(String::as_str),
            Some("9")
        );
    }
}
