//! Round trips: every message variant, with arbitrary field values, encodes and decodes back to
//! itself, whole and in any split of the stream.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use proptest::collection::vec;
use proptest::prelude::*;
use tmate_proto::*;

fn raw() -> impl Strategy<Value = RawStr> {
    // Any bytes (invalid UTF-8 included), sometimes long enough for str16/str32 headers.
    prop_oneof![
        4 => vec(any::<u8>(), 0..40).prop_map(RawStr),
        1 => vec(any::<u8>(), 200..70_000).prop_map(RawStr),
    ]
}

fn short_raw() -> impl Strategy<Value = RawStr> {
    vec(any::<u8>(), 0..24).prop_map(RawStr)
}

fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        -40i64..300,
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        Just(-1),
        Just(65_535),
        Just(65_536),
        Just(4_294_967_296),
    ]
}

fn layout() -> impl Strategy<Value = Layout> {
    let pane =
        (int(), int(), int(), int(), int()).prop_map(|(id, sx, sy, xoff, yoff)| LayoutPane {
            id,
            sx,
            sy,
            xoff,
            yoff,
        });
    let window = (int(), short_raw(), vec(pane, 0..4), int()).prop_map(
        |(idx, name, panes, active_pane_id)| LayoutWindow {
            idx,
            name,
            panes,
            active_pane_id,
        },
    );
    (int(), int(), vec(window, 0..4), int()).prop_map(|(sx, sy, windows, active_window_idx)| {
        Layout {
            sx,
            sy,
            windows,
            active_window_idx,
        }
    })
}

fn copy_mode() -> impl Strategy<Value = Option<CopyModeState>> {
    let selection = proptest::option::of((int(), int(), any::<bool>()).prop_map(
        |(x, y_from_bottom, rectangle)| CopySelection {
            x,
            y_from_bottom,
            rectangle,
        },
    ));
    let input = proptest::option::of((int(), short_raw(), short_raw()).prop_map(
        |(kind, prompt, input)| CopyInput {
            kind,
            prompt,
            input,
        },
    ));
    proptest::option::of(
        (any::<bool>(), int(), int(), int(), selection, input).prop_map(
            |(backing, oy, cx, cy, selection, input)| CopyModeState {
                backing,
                oy,
                cx,
                cy,
                selection,
                input,
            },
        ),
    )
}

fn grid() -> impl Strategy<Value = SnapshotGrid> {
    let line = (short_raw(), vec(any::<u64>(), 0..10))
        .prop_map(|(text, attrs)| SnapshotLine { text, attrs });
    (int(), int(), vec(line, 0..6)).prop_map(|(cx, cy, lines)| SnapshotGrid { cx, cy, lines })
}

fn host_message() -> impl Strategy<Value = HostMessage> {
    let snapshot = (int(), any::<u64>(), grid(), proptest::option::of(grid())).prop_map(
        |(pane_id, mode, grid, saved)| PaneSnapshot {
            pane_id,
            mode,
            grid,
            saved,
        },
    );
    prop_oneof![
        (int(), proptest::option::of(short_raw()))
            .prop_map(|(protocol, version)| HostMessage::Header { protocol, version }),
        layout().prop_map(HostMessage::SyncLayout),
        (int(), raw()).prop_map(|(pane_id, data)| HostMessage::PtyData { pane_id, data }),
        raw().prop_map(|command| HostMessage::ExecCmdStr { command }),
        (int(), raw()).prop_map(|(client_id, cause)| HostMessage::FailedCmd { client_id, cause }),
        (short_raw(), short_raw()).prop_map(|(left, right)| HostMessage::Status { left, right }),
        (int(), copy_mode())
            .prop_map(|(pane_id, state)| HostMessage::SyncCopyMode { pane_id, state }),
        (int(), raw()).prop_map(|(pane_id, text)| HostMessage::WriteCopyMode { pane_id, text }),
        Just(HostMessage::Fin),
        Just(HostMessage::Ready),
        raw().prop_map(|data| HostMessage::Reconnect { data }),
        vec(snapshot, 0..3).prop_map(HostMessage::Snapshot),
        vec(short_raw(), 1..8).prop_map(|argv| HostMessage::ExecCmd { argv }),
        (
            short_raw(),
            short_raw(),
            short_raw(),
            short_raw(),
            short_raw()
        )
            .prop_map(|(sysname, nodename, release, version, machine)| {
                HostMessage::Uname {
                    sysname,
                    nodename,
                    release,
                    version,
                    machine,
                }
            }),
    ]
}

fn server_message() -> impl Strategy<Value = ServerMessage> {
    prop_oneof![
        raw().prop_map(|message| ServerMessage::Notify { message }),
        int().prop_map(|key| ServerMessage::LegacyPaneKey { key }),
        (int(), int()).prop_map(|(sx, sy)| ServerMessage::Resize { sx, sy }),
        (int(), raw())
            .prop_map(|(client_id, command)| ServerMessage::ExecCmdStr { client_id, command }),
        (short_raw(), raw()).prop_map(|(name, value)| ServerMessage::SetEnv { name, value }),
        Just(ServerMessage::Ready),
        (int(), any::<u64>()).prop_map(|(pane_id, key)| ServerMessage::PaneKey {
            pane_id,
            key: KeyCode(key)
        }),
        (int(), vec(short_raw(), 1..8))
            .prop_map(|(client_id, argv)| ServerMessage::ExecCmd { client_id, argv }),
    ]
}

/// Encode all, decode from the given split, and compare.
fn round_trip<M: WireMessage + PartialEq + std::fmt::Debug>(
    messages: &[M],
    config: DecoderConfig,
    seed: u64,
) -> Result<(), TestCaseError> {
    let bytes: Vec<u8> = messages.iter().flat_map(WireMessage::encode).collect();
    let mut decoder = Decoder::<M>::new(config);
    let mut decoded = Vec::new();
    for (start, end) in common::split_points(bytes.len(), seed, 97) {
        decoder.feed(&bytes[start..end]);
        for message in &mut decoder {
            decoded.push(message.map_err(|e| TestCaseError::fail(e.to_string()))?);
        }
    }
    prop_assert_eq!(decoder.buffered(), 0);
    prop_assert_eq!(decoded.as_slice(), messages);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn host_messages_round_trip(messages in vec(host_message(), 1..6), seed in 1u64..u64::MAX) {
        round_trip(&messages, DecoderConfig::host_stream(), seed)?;
    }

    #[test]
    fn server_messages_round_trip(messages in vec(server_message(), 1..6), seed in 1u64..u64::MAX) {
        round_trip(&messages, DecoderConfig::server_stream(), seed)?;
    }

    /// The framer finds exactly the encoded length of any message, however it is fed.
    #[test]
    fn encoded_length_is_one_frame(message in host_message()) {
        let bytes = message.encode();
        let decoded: HostMessage = decode_frame(&bytes, DecoderConfig::host_stream())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(decoded, message);
    }
}

/// One hand-written example of every variant whose bytes the spec gives (appendix B), decoded and
/// re-encoded byte for byte.
#[test]
fn appendix_b_bytes() {
    let host: &[(&[u8], HostMessage)] = &[(
        b"\x93\x00\x06\xa52.4.0",
        HostMessage::Header {
            protocol: 6,
            version: Some("2.4.0".into()),
        },
    )];
    let server: &[(&[u8], ServerMessage)] = &[
        (
            b"\x92\x00\xbcNote: hello from fake server",
            ServerMessage::Notify {
                message: "Note: hello from fake server".into(),
            },
        ),
        (
            b"\x93\x04\xa9tmate_ssh\xa7ssh X@y",
            ServerMessage::SetEnv {
                name: "tmate_ssh".into(),
                value: "ssh X@y".into(),
            },
        ),
        (b"\x91\x05", ServerMessage::Ready),
        (
            b"\x93\x02\x64\x1e",
            ServerMessage::Resize { sx: 100, sy: 30 },
        ),
        (
            b"\x93\x02\xff\xff",
            ServerMessage::Resize { sx: -1, sy: -1 },
        ),
        (
            b"\x93\x06\xff\x65",
            ServerMessage::PaneKey {
                pane_id: -1,
                key: KeyCode(u64::from(b'e')),
            },
        ),
        (
            b"\x93\x06\xff\xcf\x00\x00\x10\x00\x00\x00\x00\x41",
            ServerMessage::PaneKey {
                pane_id: -1,
                key: KeyCode::UP,
            },
        ),
        (
            b"\x93\x07\x01\xaanew-window",
            ServerMessage::ExecCmd {
                client_id: 1,
                argv: vec!["new-window".into()],
            },
        ),
        (b"\x92\x01\x78", ServerMessage::LegacyPaneKey { key: 0x78 }),
    ];
    for (bytes, message) in host {
        let decoded: HostMessage = decode_frame(bytes, DecoderConfig::host_stream()).unwrap();
        assert_eq!(&decoded, message);
        assert_eq!(message.encode(), *bytes);
    }
    for (bytes, message) in server {
        let decoded: ServerMessage = decode_frame(bytes, DecoderConfig::server_stream()).unwrap();
        assert_eq!(&decoded, message);
        assert_eq!(message.encode(), *bytes, "{message:?}");
    }
    // The reconnect burst starts with HEADER then RECONNECT.
    let reconnect = HostMessage::Reconnect {
        data: "RDATA-0".into(),
    };
    assert_eq!(reconnect.encode(), b"\x92\x0a\xa7RDATA-0");
}

/// Integers take msgpack-c's smallest form at every width boundary, and any width decodes.
#[test]
fn integer_widths_match_msgpack_c() {
    let cases: &[(i64, &[u8])] = &[
        (0, b"\x00"),
        (127, b"\x7f"),
        (128, b"\xcc\x80"),
        (255, b"\xcc\xff"),
        (256, b"\xcd\x01\x00"),
        (65_536, b"\xce\x00\x01\x00\x00"),
        (4_294_967_296, b"\xcf\x00\x00\x00\x01\x00\x00\x00\x00"),
        (-1, b"\xff"),
        (-32, b"\xe0"),
        (-33, b"\xd0\xdf"),
        (-129, b"\xd1\xff\x7f"),
        (-32_769, b"\xd2\xff\xff\x7f\xff"),
        (i64::MIN, b"\xd3\x80\x00\x00\x00\x00\x00\x00\x00"),
    ];
    for (value, int_bytes) in cases {
        let message = HostMessage::PtyData {
            pane_id: *value,
            data: "".into(),
        };
        let mut expected = vec![0x93, 0x02];
        expected.extend_from_slice(int_bytes);
        expected.push(0xa0);
        assert_eq!(message.encode(), expected, "pane id {value}");
    }
    // A wide encoding of a small number (which msgpack-c never emits) still decodes.
    let wide = b"\x93\x02\xd3\x00\x00\x00\x00\x00\x00\x00\x05\xa0";
    let decoded: HostMessage = decode_frame(wide, DecoderConfig::host_stream()).unwrap();
    assert_eq!(
        decoded,
        HostMessage::PtyData {
            pane_id: 5,
            data: "".into()
        }
    );
    // bin where str is expected is accepted, as tmate's own decoder does.
    let bin = b"\x93\x02\x00\xc4\x02hi";
    let decoded: HostMessage = decode_frame(bin, DecoderConfig::host_stream()).unwrap();
    assert_eq!(
        decoded,
        HostMessage::PtyData {
            pane_id: 0,
            data: "hi".into()
        }
    );
}
