//! Fuzz target: arbitrary bytes, cut into arbitrary pieces, through both stream decoders. Every
//! decoded message must re-encode to bytes that decode to the same message, and the decoder must
//! never hold more than one message's limit plus the last piece.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmate_proto::{Decoder, DecoderConfig, HostMessage, ServerMessage, WireMessage, decode_frame};

const LIMIT: usize = 4096;

fn run<M: WireMessage + PartialEq + std::fmt::Debug>(data: &[u8], piece: usize) {
    let config = DecoderConfig {
        max_message_size: LIMIT,
        max_depth: 12,
    };
    let mut decoder = Decoder::<M>::new(config);
    for chunk in data.chunks(piece) {
        decoder.feed(chunk);
        for message in (&mut decoder).flatten() {
            let bytes = message.encode();
            let again: M = decode_frame(&bytes, DecoderConfig::host_stream())
                .unwrap_or_else(|e| panic!("re-encoded {message:?} does not decode: {e}"));
            assert_eq!(again, message);
        }
        assert!(decoder.buffered() <= LIMIT + piece);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let piece = usize::from(first % 64) + 1;
    run::<HostMessage>(rest, piece);
    run::<ServerMessage>(rest, piece);
});
