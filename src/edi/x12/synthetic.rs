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
    io::copy(&mut PurchaseOrderStream::new(shape.clone()), out)
}

/// The same interchange as [`write_purchase_orders`], produced lazily as an
/// `io::Read`: gigabytes of input without a file or the memory to hold it.
pub struct PurchaseOrderStream {
    shape: PurchaseOrders,
    /// Orders written so far.
    order: u64,
    /// Groups opened so far.
    group: u64,
    /// Orders written in the open group.
    in_group: u64,
    finished: bool,
    pending: Vec<u8>,
    taken: usize,
}

impl PurchaseOrderStream {
    /// A stream of the interchange `shape` describes.
    pub fn new(shape: PurchaseOrders) -> Self {
        let mut pending = Vec::new();
        pending.extend_from_slice(
            b"ISA*00*          *00*          *ZZ*BUYERCO        *ZZ*SUPPLIERCO     *260101*1200*U*00401*000000001*0*P*>~\n",
        );
        PurchaseOrderStream {
            shape,
            order: 0,
            group: 0,
            in_group: 0,
            finished: false,
            pending,
            taken: 0,
        }
    }

    /// Appends the next piece (a group header, an order, a trailer) to
    /// `pending`; false when the interchange is complete.
    fn produce(&mut self) -> io::Result<bool> {
        if self.finished {
            return Ok(false);
        }
        let per_group = self.shape.orders_per_group.max(1);
        let out = &mut self.pending;
        if self.in_group > 0 && (self.in_group == per_group || self.order == self.shape.orders) {
            writeln!(out, "GE*{}*{}~", self.in_group, self.group)?;
            self.in_group = 0;
        } else if self.order == self.shape.orders {
            writeln!(out, "IEA*{}*000000001~", self.group)?;
            self.finished = true;
        } else {
            if self.in_group == 0 {
                self.group += 1;
                writeln!(
                    out,
                    "GS*PO*BUYERCO*SUPPLIERCO*20260101*1200*{}*X*004010~",
                    self.group
                )?;
            }
            self.order += 1;
            self.in_group += 1;
            write_order(out, self.order, self.shape.lines_per_order)?;
        }
        Ok(true)
    }
}

impl io::Read for PurchaseOrderStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.taken == self.pending.len() {
            self.pending.clear();
            self.taken = 0;
            if !self.produce()? {
                return Ok(0);
            }
        }
        let available = &self.pending[self.taken..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.taken += n;
        Ok(n)
    }
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
            format_args!("PO4*{}*1*EA**G*{}.5*LB", 1 + item % 24, 1 + item % 40),
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
