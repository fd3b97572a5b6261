//! MD5 of a message body, as SQS returns it in `MD5OfBody` (a checksum for transport, not
//! for security). The simulated world answers with it, and the redrive journal records it
//! to recognise a body. Small enough to write out rather than add a dependency.

const SHIFTS: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// floor(|sin(i + 1)| * 2^32), computed once rather than tabled.
fn constants() -> [u32; 64] {
    let mut k = [0u32; 64];
    for (i, slot) in k.iter_mut().enumerate() {
        *slot = ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32;
    }
    k
}

/// The lowercase hex MD5 digest of `data`.
pub fn md5_hex(data: &[u8]) -> String {
    let k = constants();
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut message = data.to_vec();
    let bit_length = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_length.to_le_bytes());
    for block in message.chunks_exact(64) {
        let mut words = [0u32; 16];
        for (word, bytes) in words.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a
                .wrapping_add(f)
                .wrapping_add(k[i])
                .wrapping_add(words[g])
                .rotate_left(SHIFTS[i]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    state
        .iter()
        .flat_map(|word| word.to_le_bytes())
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The MD5 of a message's attributes as SQS computes `MD5OfMessageAttributes`: per
/// attribute, sorted by name, the name, the data type, a transport byte (1 string or number,
/// 2 binary) and the value, each but the byte preceded by its length (4 bytes, big-endian).
/// With the body's MD5 it recognises a message sent again under a new id.
pub fn message_attributes_md5(
    attributes: &std::collections::BTreeMap<String, super::message::AttributeValue>,
) -> String {
    fn put(data: &mut Vec<u8>, bytes: &[u8]) {
        data.extend_from_slice(&(u32::try_from(bytes.len()).unwrap_or(u32::MAX)).to_be_bytes());
        data.extend_from_slice(bytes);
    }
    let mut data = Vec::new();
    for (name, value) in attributes {
        put(&mut data, name.as_bytes());
        put(&mut data, value.data_type.as_bytes());
        match (&value.binary_value, &value.string_value) {
            (Some(binary), _) => {
                data.push(2);
                put(&mut data, binary);
            }
            (None, text) => {
                data.push(1);
                put(&mut data, text.as_deref().unwrap_or_default().as_bytes());
            }
        }
    }
    md5_hex(&data)
}

#[cfg(test)]
mod tests {
    use super::md5_hex;

    #[test]
    fn matches_the_rfc_1321_test_suite() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            md5_hex(b"message digest"),
            "f96b697d7cb7938d525a2f31aaf161d0"
        );
        assert_eq!(
            md5_hex(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            ),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn message_attributes_hash_as_sqs_encodes_them() {
        use super::message_attributes_md5;
        use crate::domain::message::AttributeValue;
        let mut attributes = std::collections::BTreeMap::new();
        attributes.insert("n".to_string(), AttributeValue::number("7"));
        attributes.insert("kind".to_string(), AttributeValue::string("retry"));
        // Worked out by hand from the encoding (Python's hashlib over the same bytes).
        assert_eq!(
            message_attributes_md5(&attributes),
            "05f2f9271de91d84022d7017f289d6cc"
        );
        attributes.insert("kind".to_string(), AttributeValue::string("retrx"));
        assert_ne!(
            message_attributes_md5(&attributes),
            "05f2f9271de91d84022d7017f289d6cc"
        );
    }
}
