//! Large synthetic ORDERS interchanges (D.96A, syntax 3, UNOC) for
//! benchmarks and memory tests: valid against the shipped guide, with
//! release characters and Latin-1 letters in free text.

use std::io::{self, Write};

/// The shape of a generated interchange.
#[derive(Clone, Copy, Debug)]
pub struct Orders {
    /// Messages to write.
    pub messages: u64,
    /// Order lines per message.
    pub lines_per_message: u32,
}

/// Writes the interchange; returns the bytes written.
pub fn write_orders<W: Write>(shape: &Orders, out: &mut W) -> io::Result<u64> {
    let mut counted = Counted { out, bytes: 0 };
    counted.write_all(
        b"UNA:+.? '\nUNB+UNOC:3+5412345000013:14+4012345500004:14+260105:0930+BENCH1'\n",
    )?;
    let mut message = Vec::with_capacity(4096);
    for n in 1..=shape.messages {
        message.clear();
        write_message(&mut message, n, shape.lines_per_message)?;
        counted.write_all(&message)?;
    }
    writeln!(counted, "UNZ+{}+BENCH1'", shape.messages)?;
    Ok(counted.bytes)
}

fn write_message(out: &mut Vec<u8>, n: u64, lines: u32) -> io::Result<()> {
    writeln!(out, "UNH+{n}+ORDERS:D:96A:UN:EAN008'")?;
    writeln!(out, "BGM+220+PO{n:08}+9'")?;
    writeln!(out, "DTM+137:20260105:102'")?;
    writeln!(out, "DTM+2:20260115:102'")?;
    writeln!(
        out,
        "FTX+AAI+++Lieferung an Tor 3?: bitte klingeln?+ nach Hrn. O?'Brien fragen'"
    )?;
    writeln!(out, "RFF+CT:CONTRACT-2026-01'")?;
    writeln!(
        out,
        "NAD+BY+5412345000013::9++Nordwind Handel GmbH+Hafenstra\u{df}e 12+Hamburg++20457+DE'"
    )?;
    writeln!(out, "NAD+SU+4012345500004::9'")?;
    writeln!(out, "CUX+2:EUR:9'")?;
    for line in 1..=lines {
        writeln!(
            out,
            "LIN+{line}++{:013}:EN'",
            4000862141404u64 + line as u64
        )?;
        writeln!(
            out,
            "IMD+F++:::Schraube M{} x 20?, verzinkt ({line})'",
            4 + line % 8
        )?;
        writeln!(out, "QTY+21:{}:PCE'", 10 * line)?;
        writeln!(out, "PRI+AAA:{}.{:02}'", line % 50, line % 100)?;
    }
    writeln!(out, "UNS+S'")?;
    writeln!(out, "CNT+2:{lines}'")?;
    let segments = 12 + 4 * lines;
    writeln!(out, "UNT+{segments}+{n}'")?;
    // Latin-1 on the wire: the generated text is ASCII but for the ß.
    let latin1: Vec<u8> = String::from_utf8_lossy(out)
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    *out = latin1;
    Ok(())
}

struct Counted<'w, W> {
    out: &'w mut W,
    bytes: u64,
}

impl<W: Write> Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edi::edifact::Validator;
    use crate::edi::guide::Catalog;

    #[test]
    fn generated_orders_are_valid() {
        let mut data = Vec::new();
        let shape = Orders {
            messages: 3,
            lines_per_message: 5,
        };
        write_orders(&shape, &mut data).unwrap();
        let report = Validator::new(Catalog::edifact().unwrap()).validate(&data[..]);
        let issues: Vec<String> = report.all_issues().map(|i| i.to_string()).collect();
        assert!(report.is_valid() && issues.is_empty(), "{issues:#?}");
    }
}
