//! Bad input: truncated messages wait, wrongly typed ones are refused with a reason, oversized or
//! too deep ones break the stream before anything is allocated for them, unknown types are kept
//! as `Unknown`, and nothing panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use proptest::prelude::*;
use tmate_proto::msgpack::FrameError;
use tmate_proto::*;

fn host_decoder() -> HostDecoder {
    HostDecoder::new(DecoderConfig::host_stream())
}

fn decode_one(bytes: &[u8]) -> Result<HostMessage, DecodeError> {
    let mut decoder = host_decoder();
    decoder.feed(bytes);
    decoder.next_message().expect("a complete message")
}

fn reason(error: DecodeError) -> String {
    error.to_string()
}

/// Every proper prefix of every captured message is "need more", never an error or a message.
fn check_truncations<M: WireMessage>(direction: &str, json_direction: &str, config: DecoderConfig) {
    for name in common::CAPTURES {
        let bytes = common::stream(name, direction);
        for want in common::expected(name, json_direction).iter().take(40) {
            let frame = &bytes[want.off..want.off + want.len];
            for cut in 0..frame.len() {
                let mut decoder = Decoder::<M>::new(config);
                decoder.feed(&frame[..cut]);
                assert!(
                    decoder.next_message().is_none(),
                    "{name}: a {} cut at {cut} of {} gave a result",
                    want.type_name,
                    frame.len()
                );
                assert!(!decoder.is_broken());
                decoder.feed(&frame[cut..]);
                assert!(
                    matches!(decoder.next_message(), Some(Ok(_))),
                    "{name}: a {} completed after a cut at {cut}",
                    want.type_name
                );
            }
        }
    }
}

#[test]
fn truncated_at_every_byte_waits_for_more() {
    check_truncations::<HostMessage>("host-to-server", "h2s", DecoderConfig::host_stream());
    check_truncations::<ServerMessage>("server-to-host", "s2h", DecoderConfig::server_stream());
}

#[test]
fn wrong_field_types_name_the_field() {
    let cases: &[(&[u8], &str)] = &[
        // [2, "x", "y"]: pane id is a string
        (
            b"\x93\x02\xa1x\xa1y",
            "bad PTY_DATA message: field `pane_id` is str, expected int",
        ),
        // [2, 0, 5]: data is an int
        (
            b"\x93\x02\x00\x05",
            "bad PTY_DATA message: field `data` is int, expected str",
        ),
        // [2, 0]: data missing
        (
            b"\x92\x02\x00",
            "bad PTY_DATA message: missing field `data`",
        ),
        // [1, 80, 23, 5, 0]: windows is not an array
        (
            b"\x95\x01\x50\x17\x05\x00",
            "bad SYNC_LAYOUT message: field `windows` is int, expected array",
        ),
        // [1, 80, 23, [[0, "sh", [[0, 80]], 0]], 0]: a pane with two fields
        (
            b"\x95\x01\x50\x17\x91\x94\x00\xa2sh\x91\x92\x00\x50\x00\x00",
            "bad SYNC_LAYOUT message: missing field `pane sy`",
        ),
        // [12]: EXEC_CMD without a command
        (b"\x91\x0c", "bad EXEC_CMD message: no command name"),
        // [12, "bind-key", 3]
        (
            b"\x93\x0c\xa8bind-key\x03",
            "bad EXEC_CMD message: field `argv` is int, expected str",
        ),
        // [11, [[0, 1, [0, 0, []], 7]]]: saved grid neither nil nor array
        (
            b"\x92\x0b\x91\x94\x00\x01\x93\x00\x00\x90\x07",
            "bad SNAPSHOT message: field `saved` is int, expected nil or array",
        ),
        // [11, [[0, -1, ...]]]: negative screen mode
        (
            b"\x92\x0b\x91\x94\x00\xff\x93\x00\x00\x90\xc0",
            "bad SNAPSHOT message: field `mode` is -1, which is negative",
        ),
        // [6, 0, [1, 0, 0]]: copy state cut short
        (
            b"\x93\x06\x00\x93\x01\x00\x00",
            "bad SYNC_COPY_MODE message: missing field `cy`",
        ),
        // 5: not an array
        (b"\x05", "bad message: is int, expected array"),
        // []: empty
        (b"\x90", "bad message: empty array"),
        // ["x"]: type not an int
        (b"\x91\xa1x", "bad message: type is str, expected int"),
        // [2, 2^64-1, ""]: pane id does not fit int64
        (
            b"\x93\x02\xcf\xff\xff\xff\xff\xff\xff\xff\xff\xa0",
            "bad PTY_DATA message: field `pane_id` is 18446744073709551615, which does not fit in int64",
        ),
        // a map as a message
        (b"\x81\x00\x00", "bad message: is map, expected array"),
    ];
    for (bytes, want) in cases {
        let error = decode_one(bytes).expect_err("must be refused");
        assert!(
            !error.is_stream_broken(),
            "{want}: one bad message must not break the stream"
        );
        assert_eq!(reason(error), *want);
    }
}

/// A bad message is skipped and the next one decodes.
#[test]
fn stream_continues_after_a_bad_message() {
    let mut decoder = host_decoder();
    decoder.feed(b"\x93\x02\xa1x\xa1y\x91\x09");
    assert!(matches!(decoder.next_message(), Some(Err(_))));
    assert_eq!(decoder.next_message(), Some(Ok(HostMessage::Ready)));
    assert_eq!(decoder.next_message(), None);
}

#[test]
fn unknown_types_are_kept_not_fatal() {
    let mut decoder = host_decoder();
    // [99, 1, "x"] then [9]
    decoder.feed(b"\x93\x63\x01\xa1x\x91\x09");
    assert_eq!(
        decoder.next_message(),
        Some(Ok(HostMessage::Unknown {
            msg_type: 99,
            raw: b"\x93\x63\x01\xa1x".to_vec()
        }))
    );
    assert_eq!(decoder.next_message(), Some(Ok(HostMessage::Ready)));
    let mut server = ServerDecoder::new(DecoderConfig::server_stream());
    server.feed(b"\x92\xd0\x9c\xc0"); // [-100, nil]
    assert!(matches!(
        server.next_message(),
        Some(Ok(ServerMessage::Unknown { msg_type: -100, .. }))
    ));
    // Unknown messages re-encode to their original bytes.
    let unknown = HostMessage::Unknown {
        msg_type: 99,
        raw: b"\x93\x63\x01\xa1x".to_vec(),
    };
    assert_eq!(unknown.encode(), b"\x93\x63\x01\xa1x");
}

/// A declared length beyond the limit is refused from the header alone: the decoder holds five
/// bytes, not four gigabytes.
#[test]
fn huge_declared_lengths_fail_at_the_header() {
    let config = DecoderConfig {
        max_message_size: 17 * 1024,
        max_depth: 16,
    };
    let cases: &[&[u8]] = &[
        b"\x93\x02\x00\xdb\xff\xff\xff\xff",     // str32 of 4 GiB
        b"\x93\x02\x00\xc6\x7f\xff\xff\xff",     // bin32
        b"\x93\x02\x00\xda\x44\x01",             // str16 of 17409 > 17 KiB - header
        b"\xdd\xff\xff\xff\xff",                 // array32 of 4 billion elements
        b"\x93\x01\x00\xdf\x00\x01\x00\x00",     // map32 of 65536 pairs
        b"\x93\x02\x00\xc9\xff\xff\xff\xff\x01", // ext32
    ];
    for bytes in cases {
        let mut decoder = HostDecoder::new(config);
        decoder.feed(bytes);
        let error = decoder
            .next_message()
            .expect("refused at once")
            .unwrap_err();
        assert!(error.is_stream_broken(), "{bytes:x?}: {error}");
        assert!(
            matches!(
                error,
                DecodeError::Frame(
                    FrameError::TooLarge { .. } | FrameError::TooManyElements { .. }
                )
            ),
            "{bytes:x?}: {error}"
        );
        assert!(decoder.is_broken());
        assert_eq!(decoder.buffered(), 0);
        // A broken stream stays quiet and ignores further input.
        decoder.feed(b"\x91\x09");
        assert_eq!(decoder.next_message(), None);
    }
}

/// The size limit applies to the message as it grows, not only to single strings.
#[test]
fn many_small_pieces_over_the_limit_fail() {
    let config = DecoderConfig {
        max_message_size: 1024,
        max_depth: 16,
    };
    let mut decoder = HostDecoder::new(config);
    // [12, "x"*100 ... ] with 20 strings of 100 bytes: 2 KiB in total.
    let mut bytes = vec![0xdc, 0x00, 21, 0x0c];
    for _ in 0..20 {
        bytes.push(0xd9);
        bytes.push(100);
        bytes.extend(std::iter::repeat_n(b'x', 100));
    }
    let mut result = None;
    for chunk in bytes.chunks(50) {
        decoder.feed(chunk);
        if let Some(r) = decoder.next_message() {
            result = Some(r);
            break;
        }
    }
    let error = result.expect("refused before the end").unwrap_err();
    assert!(matches!(
        error,
        DecodeError::Frame(FrameError::TooLarge { limit: 1024, .. })
    ));
    // Exactly at the limit is fine.
    let ok = HostMessage::PtyData {
        pane_id: 0,
        data: RawStr(vec![b'y'; 1024 - 6]),
    }
    .encode();
    assert_eq!(ok.len(), 1024);
    let mut decoder = HostDecoder::new(config);
    decoder.feed(&ok);
    assert!(matches!(
        decoder.next_message(),
        Some(Ok(HostMessage::PtyData { .. }))
    ));
}

#[test]
fn deep_nesting_is_refused() {
    let mut bytes = vec![0x91u8; 10_000];
    bytes.push(0x00);
    let mut decoder = host_decoder();
    decoder.feed(&bytes);
    let error = decoder.next_message().unwrap().unwrap_err();
    assert_eq!(error, DecodeError::Frame(FrameError::TooDeep { limit: 16 }));
    // Within the limit is fine (and then it is just a message of an unknown shape).
    let mut decoder = host_decoder();
    let mut ok = vec![0x91u8; 16];
    ok.push(0x00);
    decoder.feed(&ok);
    assert!(matches!(
        decoder.next_message(),
        Some(Err(DecodeError::Invalid { .. }))
    ));
}

#[test]
fn reserved_marker_breaks_the_stream() {
    let mut decoder = host_decoder();
    decoder.feed(b"\x92\x02\xc1");
    assert_eq!(
        decoder.next_message(),
        Some(Err(DecodeError::Frame(FrameError::ReservedMarker)))
    );
}

/// Floats, booleans and ext values where tmate never puts them are type errors, not crashes.
#[test]
fn other_msgpack_types_are_type_errors() {
    let cases: &[&[u8]] = &[
        b"\x93\x02\xca\x00\x00\x00\x00\xa0", // float pane id
        b"\x93\x02\xc3\xa0",                 // bool pane id
        b"\x93\x02\xd4\x01\x02\xa0",         // fixext pane id
        b"\x93\x02\x00\xc0",                 // nil data
    ];
    for bytes in cases {
        let error = decode_one(bytes).unwrap_err();
        assert!(
            matches!(
                error,
                DecodeError::Invalid {
                    message: "PTY_DATA",
                    ..
                }
            ),
            "{error}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Arbitrary bytes in arbitrary pieces never panic, and the decoder's memory stays bounded
    /// by the limit plus the last piece.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), seed in 1u64..u64::MAX) {
        let config = DecoderConfig { max_message_size: 256, max_depth: 8 };
        let mut host = HostDecoder::new(config);
        let mut server = ServerDecoder::new(config);
        for (start, end) in common::split_points(bytes.len(), seed, 40) {
            host.feed(&bytes[start..end]);
            server.feed(&bytes[start..end]);
            for message in (&mut host).flatten() {
                let again: HostMessage = decode_frame(&message.encode(), DecoderConfig::host_stream())
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(again, message);
            }
            for message in (&mut server).flatten() {
                let again: ServerMessage = decode_frame(&message.encode(), DecoderConfig::server_stream())
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(again, message);
            }
            prop_assert!(host.buffered() <= 256 + 40);
            prop_assert!(server.buffered() <= 256 + 40);
        }
    }

    /// Whatever decodes also re-encodes and decodes to the same message.
    #[test]
    fn decoded_messages_round_trip(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
        let mut decoder = host_decoder();
        decoder.feed(&bytes);
        for message in (&mut decoder).flatten() {
            let again: HostMessage = decode_frame(&message.encode(), DecoderConfig::host_stream())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again, message);
        }
    }
}
