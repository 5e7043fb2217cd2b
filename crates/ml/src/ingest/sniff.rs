//! A look at the first bytes: empty, binary, or CSV with which delimiter.

use std::io::{Cursor, Read};

use super::IngestError;

/// How many bytes are inspected before parsing starts.
const SNIFF_BYTES: usize = 8 * 1024;

/// The inspected prefix, to be read again before the rest of the source.
pub(crate) struct Sniffed {
    pub(crate) prefix: Cursor<Vec<u8>>,
    pub(crate) delimiter: u8,
}

/// Reads up to [`SNIFF_BYTES`] and classifies them.
///
/// Binary input (a NUL byte, or more than 1% control characters other than
/// tab/CR/LF) is [`IngestError::NotCsv`]. The delimiter is whichever of `,`,
/// `;` and tab is most frequent in the header line (a spreadsheet set to a
/// Portuguese locale saves with `;`).
pub(crate) fn sniff<R: Read>(reader: &mut R) -> Result<Sniffed, IngestError> {
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    reader.by_ref().take(SNIFF_BYTES as u64).read_to_end(&mut prefix)?;
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&prefix);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    let controls = text.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')).count();
    if text.contains(&0) || controls * 100 > text.len() {
        return Err(IngestError::NotCsv);
    }
    let header = text.split(|&b| b == b'\n').find(|line| !line.trim_ascii().is_empty()).unwrap_or(text);
    let delimiter =
        [b',', b';', b'\t'].into_iter().max_by_key(|d| header.iter().filter(|&b| b == d).count()).unwrap_or(b',');
    if !header.contains(&delimiter) || std::str::from_utf8(header).is_err() {
        return Err(IngestError::NotCsv);
    }
    Ok(Sniffed { prefix: Cursor::new(prefix), delimiter })
}

/// A byte that text never contains: NUL, or a control character other than
/// tab, CR and LF (form feed and the like included). Bytes above 0x7F are
/// allowed: rows that are not UTF-8 are read as Latin-1 and counted as repaired.
fn is_binary(byte: u8) -> bool {
    byte == 0x7f || (byte < 0x20 && !matches!(byte, b'\t' | b'\r' | b'\n'))
}

/// Reads the whole input once, without keeping it, and refuses it if any byte
/// is binary. Run before ingestion, so a file that is CSV at the start and
/// binary further on writes nothing.
pub fn scan_for_binary<R: Read>(mut reader: R) -> Result<(), IngestError> {
    let mut buffer = vec![0u8; 64 * 1024];
    let (mut offset, mut line) = (0u64, 1u64);
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(IngestError::Io(e)),
        };
        let chunk = &buffer[..read];
        if let Some(at) = chunk.iter().position(|&b| is_binary(b)) {
            line += chunk[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(IngestError::Binary { line, offset: offset + at as u64 });
        }
        line += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        offset += read as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_anywhere_is_found_with_its_line() {
        let mut data = b"PatientId,Age\n1,2\n3,4\n".to_vec();
        assert!(scan_for_binary(&data[..]).is_ok());
        data.extend_from_slice(b"5,\x006\n");
        assert!(matches!(scan_for_binary(&data[..]), Err(IngestError::Binary { line: 4, offset: 24 })));
        assert!(scan_for_binary("Bairro,S\u{e3}o Pedro\n".as_bytes()).is_ok(), "accents are text");
        assert!(scan_for_binary(&b"Bairro,S\xe3o Pedro\n"[..]).is_ok(), "Latin-1 is text");
    }

    #[test]
    fn blank_input_is_empty() {
        assert!(matches!(sniff(&mut &b" \n\r\n"[..]), Err(IngestError::Empty)));
        assert!(matches!(sniff(&mut &b""[..]), Err(IngestError::Empty)));
    }

    #[test]
    fn binary_input_is_not_csv() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        assert!(matches!(sniff(&mut &png[..]), Err(IngestError::NotCsv)));
        assert!(matches!(sniff(&mut &b"just one line of prose"[..]), Err(IngestError::NotCsv)));
    }

    #[test]
    fn semicolon_files_are_recognised() {
        let sniffed = sniff(&mut &b"PatientId;Age\n1;2\n"[..]).expect("csv");
        assert_eq!(sniffed.delimiter, b';');
    }
}
