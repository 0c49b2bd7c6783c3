//! Synthetic, valid X12 850 interchanges of any size, for benchmarks and
//! memory tests: realistic segment mix, streamed to any writer.

use std::io::{self, Write};

/// Shape of the generated interchange.
#[derive(Clone, Debug)]
pub struct PurchaseOrders {
    /// Purchase orders (transaction sets).
    pub orders: u64,
    /// Line items per order.
    pub lines_per_order: u32,
    /// Transaction sets per functional group.
    pub orders_per_group: u64,
}

/// Writes one 004010 interchange of 850s; returns the bytes written.
pub fn write_purchase_orders<W: Write>(shape: &PurchaseOrders, out: &mut W) -> io::Result<u64> {
    let mut out = Counting {
        inner: out,
        bytes: 0,
    };
    writeln!(out, "ISA*00*          *00*          *ZZ*BUYERCO        *ZZ*SUPPLIERCO     *260101*1200*U*00401*000000001*0*P*>~")?;
    let per_group = shape.orders_per_group.max(1);
    let groups = shape.orders.div_ceil(per_group);
    let mut order = 0u64;
    for g in 1..=groups {
        writeln!(out, "GS*PO*BUYERCO*SUPPLIERCO*20260101*1200*{g}*X*004010~")?;
        let in_group = per_group.min(shape.orders - order);
        for _ in 0..in_group {
            order += 1;
            write_order(&mut out, order, shape.lines_per_order)?;
        }
        writeln!(out, "GE*{in_group}*{g}~")?;
    }
    writeln!(out, "IEA*{groups}*000000001~")?;
    Ok(out.bytes)
}

fn write_order<W: Write>(out: &mut W, order: u64, lines: u32) -> io::Result<()> {
    let control = format!("{:04}", order % 1_000_000_000);
    let mut segments = 0u32;
    let mut seg = |out: &mut W, text: std::fmt::Arguments| -> io::Result<()> {
        segments += 1;
        out.write_fmt(text)?;
        out.write_all(b"~\n")
    };
    seg(out, format_args!("ST*850*{control}"))?;
    seg(out, format_args!("BEG*00*SA*PO{order:08}**20260101"))?;
    seg(out, format_args!("CUR*BY*USD"))?;
    seg(out, format_args!("REF*DP*{:03}", order % 1000))?;
    seg(out, format_args!("REF*IA*VENDOR{}", order % 97))?;
    seg(out, format_args!("PER*BD*PURCHASING DESK*TE*5555550100"))?;
    seg(out, format_args!("ITD*01*3*2**30**60"))?;
    seg(out, format_args!("DTM*002*20260115"))?;
    seg(
        out,
        format_args!(
            "N1*ST*DISTRIBUTION CENTER {}*92*DC{:04}",
            order % 50,
            order % 50
        ),
    )?;
    seg(out, format_args!("N3*100 INDUSTRIAL PARKWAY"))?;
    seg(out, format_args!("N4*SPRINGFIELD*IL*62701*US"))?;
    seg(out, format_args!("N1*BT*ACCOUNTS PAYABLE*92*AP0001"))?;
    for line in 1..=lines {
        let item = (order * 7 + line as u64 * 13) % 1_000_000;
        let qty = 1 + (order + line as u64) % 48;
        let cents = 100 + (order * 7 + line as u64 * 13) % 99_900;
        seg(
            out,
            format_args!(
                "PO1*{line}*{qty}*EA*{}.{:02}*PE*VP*SKU{item:06}*UP*0{:011}*BP*GLOBEX-{item:06}*IN*ACME-ITEM-{item:06}",
                cents / 100,
                cents % 100,
                (order * 31 + line as u64) % 100_000_000_000
            ),
        )?;
        seg(
            out,
            format_args!(
                "PID*F****STAINLESS STEEL WIDGET MODEL {item}, {} IN, BRUSHED FINISH, PACK OF {}",
                4 + item % 20,
                1 + item % 12
            ),
        )?;
        seg(
            out,
            format_args!("PO4*{}*1*EA*{}.5*LB", 1 + item % 24, 1 + item % 40),
        )?;
        seg(
            out,
            format_args!("REF*PD*PROMO-2026-Q{}-{:04}", 1 + item % 4, item % 10_000),
        )?;
        seg(out, format_args!("DTM*002*202602{:02}", 1 + item % 28))?;
    }
    seg(out, format_args!("CTT*{lines}"))?;
    let count = segments + 1;
    out.write_fmt(format_args!("SE*{count}*{control}~\n"))
}

struct Counting<'a, W> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
