//! The HTML of the order history: the filtered list and an order's page
//! with its lines, shipments (carrier and tracking), invoices and
//! timeline. The same pages serve a punchout session (with "Reorder") and
//! a signed-in buyer outside punchout.

use super::history::HistoryForm;
use super::labels::{history_labels, HistoryLabels, ORDER_STATES};
use super::pages::{layout, money, query_string, Nav};
use crate::core::{HistoryPage, OrderView};
use maud::{html, Markup};

/// A moment (microseconds since the epoch) as a UTC date and time.
fn moment(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// An order's link under the pages' base path.
pub fn order_link(base: &str, number: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(number, percent_encoding::NON_ALPHANUMERIC);
    format!("{base}/{encoded}")
}

/// Where the button sends a reorder, with the form's token.
pub struct Reorder {
    /// The session's form token.
    pub csrf: String,
}

fn reorder_form(t: &HistoryLabels, reorder: Option<&Reorder>, number: &str) -> Markup {
    html! {
        @if let Some(r) = reorder {
            form method="post" action="/shop/reorder" {
                input type="hidden" name="csrf" value=(r.csrf);
                input type="hidden" name="number" value=(number);
                button type="submit" { (t.reorder) }
            }
        }
    }
}

fn filter_form(t: &HistoryLabels, base: &str, form: &HistoryForm) -> Markup {
    let text = |id: &str, label: &str, value: &Option<String>, kind: &str| {
        html! {
            label for=(id) { (label) } " "
            input id=(id) name=(id) type=(kind) value=(value.clone().unwrap_or_default());
            " "
        }
    };
    html! {
        form method="get" action=(base) id="filters" {
            label for="state" { (t.state) } " "
            select id="state" name="state" {
                option value="" { (t.any) }
                @for (word, label) in ORDER_STATES.iter().zip(t.states) {
                    option value=(word) selected[form.state.as_deref() == Some(*word)] { (label) }
                }
            }
            " "
            (text("po", t.po_number, &form.po, "text"))
            (text("sku", t.part_number, &form.sku, "text"))
            (text("cost_center", t.cost_center, &form.cost_center, "text"))
            (text("from", t.from, &form.from, "date"))
            (text("to", t.to, &form.to, "date"))
            button type="submit" { (t.filter) }
        }
    }
}

/// The order list: filters, one row per order, the link to older ones.
pub fn orders(
    nav: Nav<'_>,
    base: &str,
    form: &HistoryForm,
    found: &HistoryPage,
    reorder: Option<&Reorder>,
) -> String {
    let older = found.next.map(|cursor| {
        let mut pairs = form.pairs();
        pairs.push(("after".into(), cursor.token()));
        format!("{base}?{}", query_string(&pairs))
    });
    let lang = nav.lang().to_string();
    let t = history_labels(&lang);
    let body = html! {
        h1 { (t.order_history) }
        (filter_form(t, base, form))
        @if found.rows.is_empty() {
            p id="no-orders" { (t.none_match) }
        } @else {
            table id="orders" {
                tr { th { (t.order) } th { (t.po_number) } th { (t.placed) } th { (t.state) } th { (t.buyer) }
                     th { (t.cost_center) } th { (t.total) } @if reorder.is_some() { th {} } }
                @for row in &found.rows {
                    tr data-order=(row.number) {
                        td { a href=(order_link(base, &row.number)) { (row.number) } }
                        td { (row.po_number) }
                        td { (moment(row.placed_at)) }
                        td.state { (t.state_label(&row.state)) }
                        td { (row.buyer.clone().unwrap_or_default()) }
                        td { (row.cost_center.clone().unwrap_or_default()) }
                        td { (money(row.total.amount, &row.total.currency, &lang)) }
                        @if reorder.is_some() { td { (reorder_form(t, reorder, &row.number)) } }
                    }
                }
            }
        }
        @if let Some(link) = older { p { a href=(link) id="older" { (t.older) } } }
    };
    layout(t.order_history, &lang, nav, body)
}

fn lines_table(t: &HistoryLabels, lang: &str, view: &OrderView) -> Markup {
    let currency = &view.total.currency;
    html! {
        table id="lines" {
            tr { th { (t.line) } th { (t.part_number) } th { (t.ordered) } th { (t.price) } th { (t.amount) }
                 th { (t.status) } th { (t.confirmed) } th { (t.shipped) } th { (t.invoiced) } }
            @for line in &view.lines {
                tr data-sku=(line.sku) {
                    td { (line.line) }
                    td { (line.sku) @for (o, c) in &line.options { br; small { (o) ": " (c) } } }
                    td { (line.quantity.normalize()) " " (line.unit) }
                    td { (money(line.unit_price, currency, lang)) }
                    td { (money(line.amount, currency, lang)) }
                    td { (line.status) }
                    td { @if let Some(q) = line.confirmed { (q.normalize()) }
                         @if let Some(on) = &line.confirmed_on { " " (t.by) " " (on) } }
                    td.shipped { (line.shipped.normalize()) }
                    td { (line.invoiced.normalize()) }
                }
            }
            tr { th colspan="4" { (t.total) } th id="order-total" { (money(view.total.amount, currency, lang)) } th colspan="4" {} }
        }
    }
}

fn fulfilment(t: &HistoryLabels, lang: &str, view: &OrderView) -> Markup {
    html! {
        h2 { (t.shipments) }
        @if view.shipments.is_empty() { p { (t.nothing_shipped) } } @else {
            table id="shipments" {
                tr { th { (t.ship_notice) } th { (t.shipped_on) } th { (t.carrier) } th { (t.tracking) } }
                @for s in &view.shipments {
                    tr {
                        td { (s.reference) }
                        td { (s.shipped_on.clone().unwrap_or_default()) }
                        td { (s.carrier.clone().unwrap_or_default()) }
                        td.tracking { (s.tracking.join(", ")) }
                    }
                }
            }
        }
        h2 { (t.invoices) }
        @if view.invoices.is_empty() { p { (t.no_invoice) } } @else {
            table id="invoices" {
                tr { th { (t.invoice) } th { (t.date) } th { (t.amount) } }
                @for i in &view.invoices {
                    tr {
                        td { (i.reference) }
                        td { (i.issued_on.clone().unwrap_or_default()) }
                        td { @if let Some(a) = &i.amount { (money(a.amount, &a.currency, lang)) } }
                    }
                }
            }
        }
    }
}

fn timeline(t: &HistoryLabels, view: &OrderView) -> Markup {
    html! {
        h2 { (t.timeline) }
        ol id="timeline" {
            @for entry in &view.timeline {
                li data-event=(entry.event) {
                    time { (moment(entry.at)) } " · " (entry.event) " → " (t.state_label(&entry.state))
                    @if let Some(tracking) = entry.detail.get("tracking").and_then(|t| t.as_array()).filter(|t| !t.is_empty()) {
                        " · " (t.tracking) " "
                        (tracking.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join(", "))
                    }
                }
            }
        }
    }
}

/// One order: references, lines, shipments, invoices, timeline.
pub fn order(nav: Nav<'_>, base: &str, view: &OrderView, reorder: Option<&Reorder>) -> String {
    let lang = nav.lang().to_string();
    let t = history_labels(&lang);
    let refs = &view.procurement;
    let body = html! {
        p { a href=(base) { (t.back) } }
        h1 { (t.order) " " (view.number) }
        dl id="order-facts" {
            dt { (t.po_number) } dd { (view.po_number) }
            dt { (t.state) } dd id="order-state" { (t.state_label(view.state.as_str())) }
            dt { (t.company) } dd { (view.company) }
            @if let Some(c) = &refs.cost_center { dt { (t.cost_center) } dd { (c) } }
            @if let Some(p) = &refs.project { dt { (t.project) } dd { (p) } }
            @if let Some(r) = &refs.requisitioner { dt { (t.requisitioner) } dd { (r) } }
        }
        (reorder_form(t, reorder, &view.number))
        h2 { (t.lines) }
        (lines_table(t, &lang, view))
        (fulfilment(t, &lang, view))
        (timeline(t, view))
    };
    layout(&format!("{} {}", t.order, view.number), &lang, nav, body)
}
