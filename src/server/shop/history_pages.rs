//! The HTML of the order history: the filtered list and an order's page
//! with its lines, shipments (carrier and tracking), invoices and
//! timeline. The same pages serve a punchout session (with "Reorder") and
//! a signed-in buyer outside punchout.

use super::history::HistoryForm;
use super::pages::{layout, money, query_string, Nav};
use crate::core::{HistoryPage, OrderView};
use maud::{html, Markup};

/// The states a buyer can filter by, as stored and as shown.
const STATES: &[(&str, &str)] = &[
    ("received", "Received"),
    ("pending_approval", "Pending approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("sent", "Sent to supplier"),
    ("acknowledged", "Acknowledged"),
    ("declined", "Declined"),
    ("partially_shipped", "Partially shipped"),
    ("shipped", "Shipped"),
    ("invoiced", "Invoiced"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
];

fn state_label(state: &str) -> &str {
    STATES
        .iter()
        .find(|(word, _)| *word == state)
        .map_or(state, |(_, label)| label)
}

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
pub struct Reorder<'a> {
    /// The session's form token.
    pub csrf: &'a str,
}

fn reorder_form(reorder: Option<&Reorder<'_>>, number: &str) -> Markup {
    html! {
        @if let Some(r) = reorder {
            form method="post" action="/shop/reorder" {
                input type="hidden" name="csrf" value=(r.csrf);
                input type="hidden" name="number" value=(number);
                button type="submit" { "Reorder" }
            }
        }
    }
}

fn filter_form(base: &str, form: &HistoryForm) -> Markup {
    let text = |id: &str, label: &str, value: &Option<String>, kind: &str| {
        html! {
            label for=(id) { (label) } " "
            input id=(id) name=(id) type=(kind) value=(value.clone().unwrap_or_default());
            " "
        }
    };
    html! {
        form method="get" action=(base) id="filters" {
            label for="state" { "State" } " "
            select id="state" name="state" {
                option value="" { "Any" }
                @for (word, label) in STATES {
                    option value=(word) selected[form.state.as_deref() == Some(*word)] { (label) }
                }
            }
            " "
            (text("po", "PO number", &form.po, "text"))
            (text("sku", "Part number", &form.sku, "text"))
            (text("cost_center", "Cost center", &form.cost_center, "text"))
            (text("from", "From", &form.from, "date"))
            (text("to", "To", &form.to, "date"))
            button type="submit" { "Filter" }
        }
    }
}

/// The order list: filters, one row per order, the link to older ones.
pub fn orders(
    nav: Nav<'_>,
    base: &str,
    form: &HistoryForm,
    found: &HistoryPage,
    reorder: Option<&Reorder<'_>>,
) -> String {
    let older = found.next.map(|cursor| {
        let mut pairs = form.pairs();
        pairs.push(("after".into(), cursor.token()));
        format!("{base}?{}", query_string(&pairs))
    });
    let body = html! {
        h1 { "Order history" }
        (filter_form(base, form))
        @if found.rows.is_empty() {
            p id="no-orders" { "No orders match." }
        } @else {
            table id="orders" {
                tr { th { "Order" } th { "PO number" } th { "Placed" } th { "State" } th { "Buyer" }
                     th { "Cost center" } th { "Total" } @if reorder.is_some() { th {} } }
                @for row in &found.rows {
                    tr data-order=(row.number) {
                        td { a href=(order_link(base, &row.number)) { (row.number) } }
                        td { (row.po_number) }
                        td { (moment(row.placed_at)) }
                        td.state { (state_label(&row.state)) }
                        td { (row.buyer.clone().unwrap_or_default()) }
                        td { (row.cost_center.clone().unwrap_or_default()) }
                        td { (money(row.total.amount, &row.total.currency, "en")) }
                        @if reorder.is_some() { td { (reorder_form(reorder, &row.number)) } }
                    }
                }
            }
        }
        @if let Some(link) = older { p { a href=(link) id="older" { "Older orders" } } }
    };
    layout("Order history", "en", nav, body)
}

fn lines_table(view: &OrderView) -> Markup {
    let currency = &view.total.currency;
    html! {
        table id="lines" {
            tr { th { "Line" } th { "Part number" } th { "Ordered" } th { "Price" } th { "Amount" }
                 th { "Status" } th { "Confirmed" } th { "Shipped" } th { "Invoiced" } }
            @for line in &view.lines {
                tr data-sku=(line.sku) {
                    td { (line.line) }
                    td { (line.sku) }
                    td { (line.quantity.normalize()) " " (line.unit) }
                    td { (money(line.unit_price, currency, "en")) }
                    td { (money(line.amount, currency, "en")) }
                    td { (line.status) }
                    td { @if let Some(q) = line.confirmed { (q.normalize()) }
                         @if let Some(on) = &line.confirmed_on { " by " (on) } }
                    td.shipped { (line.shipped.normalize()) }
                    td { (line.invoiced.normalize()) }
                }
            }
            tr { th colspan="4" { "Total" } th id="order-total" { (money(view.total.amount, currency, "en")) } th colspan="4" {} }
        }
    }
}

fn fulfilment(view: &OrderView) -> Markup {
    html! {
        h2 { "Shipments" }
        @if view.shipments.is_empty() { p { "Nothing has shipped yet." } } @else {
            table id="shipments" {
                tr { th { "Ship notice" } th { "Shipped on" } th { "Carrier" } th { "Tracking" } }
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
        h2 { "Invoices" }
        @if view.invoices.is_empty() { p { "No invoice yet." } } @else {
            table id="invoices" {
                tr { th { "Invoice" } th { "Date" } th { "Amount" } }
                @for i in &view.invoices {
                    tr {
                        td { (i.reference) }
                        td { (i.issued_on.clone().unwrap_or_default()) }
                        td { @if let Some(a) = &i.amount { (money(a.amount, &a.currency, "en")) } }
                    }
                }
            }
        }
    }
}

fn timeline(view: &OrderView) -> Markup {
    html! {
        h2 { "Timeline" }
        ol id="timeline" {
            @for entry in &view.timeline {
                li data-event=(entry.event) {
                    time { (moment(entry.at)) } " · " (entry.event) " → " (state_label(&entry.state))
                    @if let Some(tracking) = entry.detail.get("tracking").and_then(|t| t.as_array()).filter(|t| !t.is_empty()) {
                        " · tracking "
                        (tracking.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join(", "))
                    }
                }
            }
        }
    }
}

/// One order: references, lines, shipments, invoices, timeline.
pub fn order(nav: Nav<'_>, base: &str, view: &OrderView, reorder: Option<&Reorder<'_>>) -> String {
    let refs = &view.procurement;
    let body = html! {
        p { a href=(base) { "← Order history" } }
        h1 { "Order " (view.number) }
        dl id="order-facts" {
            dt { "PO number" } dd { (view.po_number) }
            dt { "State" } dd id="order-state" { (state_label(view.state.as_str())) }
            dt { "Company" } dd { (view.company) }
            @if let Some(c) = &refs.cost_center { dt { "Cost center" } dd { (c) } }
            @if let Some(p) = &refs.project { dt { "Project" } dd { (p) } }
            @if let Some(r) = &refs.requisitioner { dt { "Requisitioner" } dd { (r) } }
        }
        (reorder_form(reorder, &view.number))
        h2 { "Lines" }
        (lines_table(view))
        (fulfilment(view))
        (timeline(view))
    };
    layout(&format!("Order {}", view.number), "en", nav, body)
}
