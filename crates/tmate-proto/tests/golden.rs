//! Golden tests: the real tmate 2.4 client's conversations with the original relay, decoded from
//! every split of the byte stream, compared message by message with the recorded `.jsonl`, and
//! re-encoded to the exact same bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::{CAPTURES, encoded_json, expected, records, split_points, stream};
use tmate_proto::{Decoder, DecoderConfig, HostMessage, ServerMessage, WireMessage, decode_frame};

/// Feed `chunks` of `bytes` and collect every message; fail on any error.
fn decode_chunks<M: WireMessage + std::fmt::Debug>(
    bytes: &[u8],
    chunks: &[(usize, usize)],
    config: DecoderConfig,
) -> Vec<M> {
    let mut decoder = Decoder::<M>::new(config);
    let mut out = Vec::new();
    for &(start, end) in chunks {
        decoder.feed(&bytes[start..end]);
        for message in &mut decoder {
            out.push(message.unwrap_or_else(|e| panic!("decode error at byte {end}: {e}")));
        }
    }
    assert_eq!(
        decoder.buffered(),
        0,
        "bytes left over at the end of the stream"
    );
    out
}

/// Check one direction of one capture against its `.jsonl` lines.
fn check_direction<M: WireMessage + std::fmt::Debug + PartialEq>(
    name: &str,
    file_direction: &str,
    json_direction: &str,
    config: DecoderConfig,
    is_unknown: impl Fn(&M) -> bool,
) {
    let bytes = stream(name, file_direction);
    let expected = expected(name, json_direction);
    assert!(
        !expected.is_empty(),
        "{name} {json_direction}: no expected messages"
    );

    // The recorded read boundaries, then many random splits, then one byte at a time.
    let recorded: Vec<(usize, usize)> = records(name, file_direction)
        .iter()
        .scan(0, |pos, (_, data)| {
            let start = *pos;
            *pos += data.len();
            Some((start, *pos))
        })
        .collect();
    let reference: Vec<M> = decode_chunks(&bytes, &recorded, config);
    assert_eq!(
        reference.len(),
        expected.len(),
        "{name} {json_direction}: message count"
    );

    for (index, (message, want)) in reference.iter().zip(&expected).enumerate() {
        let context = format!(
            "{name} {json_direction} message {index} at byte {}",
            want.off
        );
        assert!(
            !is_unknown(message),
            "{context}: decoded as unknown: {message:?}"
        );
        assert_eq!(message.type_name(), want.type_name, "{context}: type");
        let original = &bytes[want.off..want.off + want.len];
        let encoded = message.encode();
        assert_eq!(encoded, original, "{context}: re-encoding differs");
        assert_eq!(encoded_json(&encoded), want.msg, "{context}: content");
        // Decoding the frame alone gives the same message.
        let alone: M = decode_frame(original, config).unwrap();
        assert_eq!(&alone, message, "{context}: single-frame decode");
    }
    // Messages are back to back: the expected offsets tile the whole stream.
    let covered: usize = expected.iter().map(|e| e.len).sum();
    assert_eq!(
        covered,
        bytes.len(),
        "{name} {json_direction}: gaps in the stream"
    );

    for seed in 1..=12u64 {
        let max_chunk = [1, 2, 3, 7, 64, 4096][(seed % 6) as usize];
        let chunks = split_points(bytes.len(), seed * 7919, max_chunk);
        let split: Vec<M> = decode_chunks(&bytes, &chunks, config);
        assert_eq!(
            split, reference,
            "{name} {json_direction}: split seed {seed}"
        );
    }
    let bytewise: Vec<(usize, usize)> = (0..bytes.len()).map(|i| (i, i + 1)).collect();
    assert_eq!(
        decode_chunks::<M>(&bytes, &bytewise, config),
        reference,
        "{name} {json_direction}: byte by byte"
    );
}

fn check_capture(name: &str) {
    check_direction::<HostMessage>(
        name,
        "host-to-server",
        "h2s",
        DecoderConfig::host_stream(),
        |m| matches!(m, HostMessage::Unknown { .. }),
    );
    check_direction::<ServerMessage>(
        name,
        "server-to-host",
        "s2h",
        DecoderConfig::server_stream(),
        |m| matches!(m, ServerMessage::Unknown { .. }),
    );
}

#[test]
fn startup() {
    check_capture("startup");
}

#[test]
fn host_activity() {
    check_capture("host_activity");
}

#[test]
fn viewer_input() {
    check_capture("viewer_input");
}

#[test]
fn reconnect_first_connection() {
    check_capture("reconnect.conn1");
}

#[test]
fn reconnect_second_connection() {
    check_capture("reconnect.conn2");
}

#[test]
fn big_output() {
    check_capture("big_output");
}

#[test]
fn every_capture_is_covered() {
    let dir = common::fixtures_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".host-to-server.bin").map(str::to_string)
        })
        .collect();
    names.sort();
    let mut known: Vec<String> = CAPTURES.iter().map(|s| s.to_string()).collect();
    known.sort();
    assert_eq!(names, known, "a capture in {} has no test", dir.display());
}

/// The typed fields carry what the spec says (not only bytes that round-trip).
#[test]
fn typed_fields_of_captured_messages() {
    let bytes = stream("host_activity", "host-to-server");
    let messages =
        decode_chunks::<HostMessage>(&bytes, &[(0, bytes.len())], DecoderConfig::host_stream());
    assert_eq!(
        messages[0],
        HostMessage::Header {
            protocol: 6,
            version: Some("2.4.0".into())
        }
    );
    assert_eq!(
        messages[1],
        HostMessage::ExecCmd {
            argv: vec!["bind-key".into(), "C-b".into(), "send-prefix".into()]
        }
    );
    let split = messages
        .iter()
        .find_map(|m| match m {
            HostMessage::SyncLayout(layout)
                if layout.windows.first().is_some_and(|w| w.panes.len() == 2) =>
            {
                Some(layout.clone())
            }
            _ => None,
        })
        .expect("a layout with a split window");
    let panes = &split.windows[0].panes;
    assert_eq!((panes[0].id, panes[0].sx, panes[0].xoff), (0, 40, 0));
    assert_eq!((panes[1].id, panes[1].sx, panes[1].xoff), (1, 39, 41));
    assert_eq!(split.windows[0].active_pane_id, 1);
    assert!(messages.iter().any(|m| matches!(
        m,
        HostMessage::PtyData { pane_id: 0, data } if data.as_bytes().windows(5).any(|w| w == b"hello")
    )));
    assert_eq!(messages.last(), Some(&HostMessage::Fin));

    let snapshot = stream("reconnect.conn2", "host-to-server");
    let messages = decode_chunks::<HostMessage>(
        &snapshot,
        &[(0, snapshot.len())],
        DecoderConfig::host_stream(),
    );
    let panes = messages
        .iter()
        .find_map(|m| match m {
            HostMessage::Snapshot(panes) => Some(panes.clone()),
            _ => None,
        })
        .expect("a snapshot after the reconnect");
    assert_eq!(panes.len(), 1);
    assert_eq!((panes[0].pane_id, panes[0].mode), (0, 1041));
    assert_eq!((panes[0].grid.cx, panes[0].grid.cy), (10, 2));
    assert_eq!(panes[0].grid.lines[1].text, "before-drop");
    assert_eq!(panes[0].grid.lines[1].attrs, vec![2056; 11]);
    assert_eq!(panes[0].saved, None);
}
