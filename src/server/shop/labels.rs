//! The shop's words in the market's language: English, and German for
//! the German-speaking markets the demo and our first buyers use. A
//! language without its own labels gets the English ones. Labels with a
//! `{n}` take a value through [`fill`].

/// Every label of the shop pages.
pub struct Labels {
    pub catalog: &'static str,
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub search_words: &'static str,
    pub sort_by: &'static str,
    pub relevance: &'static str,
    pub name: &'static str,
    pub part_number: &'static str,
    pub quick_order: &'static str,
    pub order_history: &'static str,
    pub cart: &'static str,
    pub filters: &'static str,
    pub facet_counts: &'static str,
    pub brand: &'static str,
    pub category: &'static str,
    pub clear_filters: &'static str,
    pub products_found: &'static str,
    pub frequently_bought: &'static str,
    pub ordered_times: &'static str,
    pub part: &'static str,
    pub contract_price: &'static str,
    pub price_on_request: &'static str,
    pub quantity: &'static str,
    pub unit: &'static str,
    pub add_to_cart: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub how_price_found: &'static str,
    pub quantity_prices: &'static str,
    pub from: &'static str,
    pub price_per: &'static str,
    pub available: &'static str,
    pub not_in_stock: &'static str,
    pub lead_time: &'static str,
    pub in_bundle: &'static str,
    pub details: &'static str,
    pub product: &'static str,
    pub price: &'static str,
    pub amount: &'static str,
    pub total: &'static str,
    pub remove: &'static str,
    pub inspect_only: &'static str,
    pub budget_of: &'static str,
    pub budget_remaining: &'static str,
    pub budget_left: &'static str,
    pub over_budget: &'static str,
    pub requisition: &'static str,
    pub deliver_to: &'static str,
    pub update_cart: &'static str,
    pub transfer_cart: &'static str,
    pub return_to: &'static str,
    pub quick_lines: &'static str,
    pub quick_file: &'static str,
    pub quick_rest_in_cart: &'static str,
}

/// English.
pub const EN: Labels = Labels {
    catalog: "Catalog",
    search: "Search",
    search_placeholder: "Name, part number …",
    search_words: "Search words",
    sort_by: "Sort by",
    relevance: "Relevance",
    name: "Name",
    part_number: "Part number",
    quick_order: "Quick order",
    order_history: "Order history",
    cart: "Cart",
    filters: "Filters",
    facet_counts: "Counts of the best {n} matches",
    brand: "Brand",
    category: "Category",
    clear_filters: "Clear filters",
    products_found: "{n} products",
    frequently_bought: "Frequently bought",
    ordered_times: "ordered {n} times",
    part: "Part",
    contract_price: "your contract price",
    price_on_request: "price on request",
    quantity: "Quantity",
    unit: "Unit",
    add_to_cart: "Add to cart",
    previous: "Previous",
    next: "Next",
    how_price_found: "How this price is found",
    quantity_prices: "Quantity prices",
    from: "From",
    price_per: "Price per {n}",
    available: "{n} available",
    not_in_stock: "Not in stock",
    lead_time: "lead time {n} days",
    in_bundle: "In this bundle",
    details: "Details",
    product: "Product",
    price: "Price",
    amount: "Amount",
    total: "Total",
    remove: "Remove",
    inspect_only: "This cart is shown for inspection; it cannot be changed.",
    budget_of: "Budget of cost center {n}",
    budget_remaining: "remaining; this cart uses",
    budget_left: "left after it.",
    over_budget: "This cart is over the remaining budget.",
    requisition: "Requisition",
    deliver_to: "Deliver to",
    update_cart: "Update cart",
    transfer_cart: "Transfer cart to your procurement system",
    return_to: "Return to your procurement system",
    quick_lines: "One line per product: part number, quantity and, if not the base unit, the unit",
    quick_file: "Or load a CSV file",
    quick_rest_in_cart: "The other lines are in your cart.",
};

/// German.
pub const DE: Labels = Labels {
    catalog: "Katalog",
    search: "Suchen",
    search_placeholder: "Name, Artikelnummer …",
    search_words: "Suchbegriffe",
    sort_by: "Sortieren nach",
    relevance: "Relevanz",
    name: "Name",
    part_number: "Artikelnummer",
    quick_order: "Schnellbestellung",
    order_history: "Bestellungen",
    cart: "Warenkorb",
    filters: "Filter",
    facet_counts: "Anzahlen der besten {n} Treffer",
    brand: "Marke",
    category: "Kategorie",
    clear_filters: "Filter aufheben",
    products_found: "{n} Artikel",
    frequently_bought: "Häufig bestellt",
    ordered_times: "{n}-mal bestellt",
    part: "Art.-Nr.",
    contract_price: "Ihr Vertragspreis",
    price_on_request: "Preis auf Anfrage",
    quantity: "Menge",
    unit: "Einheit",
    add_to_cart: "In den Warenkorb",
    previous: "Zurück",
    next: "Weiter",
    how_price_found: "Wie dieser Preis zustande kommt",
    quantity_prices: "Staffelpreise",
    from: "Ab",
    price_per: "Preis je {n}",
    available: "{n} verfügbar",
    not_in_stock: "Nicht auf Lager",
    lead_time: "Lieferzeit {n} Tage",
    in_bundle: "In diesem Set",
    details: "Details",
    product: "Artikel",
    price: "Preis",
    amount: "Betrag",
    total: "Summe",
    remove: "Entfernen",
    inspect_only: "Dieser Warenkorb wird nur angezeigt; er kann nicht geändert werden.",
    budget_of: "Budget der Kostenstelle {n}",
    budget_remaining: "verbleibend; dieser Warenkorb braucht",
    budget_left: "bleiben danach.",
    over_budget: "Dieser Warenkorb übersteigt das verbleibende Budget.",
    requisition: "Bedarfsmeldung",
    deliver_to: "Lieferadresse",
    update_cart: "Warenkorb aktualisieren",
    transfer_cart: "Warenkorb an Ihr Beschaffungssystem übergeben",
    return_to: "Zurück zu Ihrem Beschaffungssystem",
    quick_lines:
        "Eine Zeile je Artikel: Artikelnummer, Menge und, wenn nicht die Basiseinheit, die Einheit",
    quick_file: "Oder eine CSV-Datei laden",
    quick_rest_in_cart: "Die übrigen Zeilen liegen im Warenkorb.",
};

/// The order history's labels.
pub struct HistoryLabels {
    pub order_history: &'static str,
    pub back: &'static str,
    pub order: &'static str,
    pub state: &'static str,
    pub any: &'static str,
    pub po_number: &'static str,
    pub part_number: &'static str,
    pub cost_center: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub filter: &'static str,
    pub none_match: &'static str,
    pub placed: &'static str,
    pub buyer: &'static str,
    pub total: &'static str,
    pub older: &'static str,
    pub reorder: &'static str,
    pub company: &'static str,
    pub project: &'static str,
    pub requisitioner: &'static str,
    pub lines: &'static str,
    pub line: &'static str,
    pub ordered: &'static str,
    pub price: &'static str,
    pub amount: &'static str,
    pub status: &'static str,
    pub confirmed: &'static str,
    pub by: &'static str,
    pub shipped: &'static str,
    pub invoiced: &'static str,
    pub shipments: &'static str,
    pub nothing_shipped: &'static str,
    pub ship_notice: &'static str,
    pub shipped_on: &'static str,
    pub carrier: &'static str,
    pub tracking: &'static str,
    pub invoices: &'static str,
    pub no_invoice: &'static str,
    pub invoice: &'static str,
    pub date: &'static str,
    pub timeline: &'static str,
    /// The order states as shown, in the order of [`ORDER_STATES`].
    pub states: [&'static str; 12],
}

/// The order states as stored, in the order of [`HistoryLabels::states`].
pub const ORDER_STATES: [&str; 12] = [
    "received",
    "pending_approval",
    "approved",
    "rejected",
    "sent",
    "acknowledged",
    "declined",
    "partially_shipped",
    "shipped",
    "invoiced",
    "closed",
    "cancelled",
];

/// English.
pub const HISTORY_EN: HistoryLabels = HistoryLabels {
    order_history: "Order history",
    back: "← Order history",
    order: "Order",
    state: "State",
    any: "Any",
    po_number: "PO number",
    part_number: "Part number",
    cost_center: "Cost center",
    from: "From",
    to: "To",
    filter: "Filter",
    none_match: "No orders match.",
    placed: "Placed",
    buyer: "Buyer",
    total: "Total",
    older: "Older orders",
    reorder: "Reorder",
    company: "Company",
    project: "Project",
    requisitioner: "Requisitioner",
    lines: "Lines",
    line: "Line",
    ordered: "Ordered",
    price: "Price",
    amount: "Amount",
    status: "Status",
    confirmed: "Confirmed",
    by: "by",
    shipped: "Shipped",
    invoiced: "Invoiced",
    shipments: "Shipments",
    nothing_shipped: "Nothing has shipped yet.",
    ship_notice: "Ship notice",
    shipped_on: "Shipped on",
    carrier: "Carrier",
    tracking: "Tracking",
    invoices: "Invoices",
    no_invoice: "No invoice yet.",
    invoice: "Invoice",
    date: "Date",
    timeline: "Timeline",
    states: [
        "Received",
        "Pending approval",
        "Approved",
        "Rejected",
        "Sent to supplier",
        "Acknowledged",
        "Declined",
        "Partially shipped",
        "Shipped",
        "Invoiced",
        "Closed",
        "Cancelled",
    ],
};

/// German.
pub const HISTORY_DE: HistoryLabels = HistoryLabels {
    order_history: "Bestellungen",
    back: "← Bestellungen",
    order: "Bestellung",
    state: "Status",
    any: "Alle",
    po_number: "Bestellnummer",
    part_number: "Artikelnummer",
    cost_center: "Kostenstelle",
    from: "Von",
    to: "Bis",
    filter: "Filtern",
    none_match: "Keine passenden Bestellungen.",
    placed: "Bestellt am",
    buyer: "Besteller",
    total: "Summe",
    older: "Ältere Bestellungen",
    reorder: "Erneut bestellen",
    company: "Firma",
    project: "Projekt",
    requisitioner: "Anforderer",
    lines: "Positionen",
    line: "Pos.",
    ordered: "Bestellt",
    price: "Preis",
    amount: "Betrag",
    status: "Status",
    confirmed: "Bestätigt",
    by: "bis",
    shipped: "Versandt",
    invoiced: "Berechnet",
    shipments: "Sendungen",
    nothing_shipped: "Noch nichts versandt.",
    ship_notice: "Lieferavis",
    shipped_on: "Versandt am",
    carrier: "Spediteur",
    tracking: "Sendungsnummer",
    invoices: "Rechnungen",
    no_invoice: "Noch keine Rechnung.",
    invoice: "Rechnung",
    date: "Datum",
    timeline: "Verlauf",
    states: [
        "Eingegangen",
        "Wartet auf Freigabe",
        "Freigegeben",
        "Abgelehnt",
        "An Lieferanten gesandt",
        "Bestätigt",
        "Vom Lieferanten abgelehnt",
        "Teilweise versandt",
        "Versandt",
        "Berechnet",
        "Abgeschlossen",
        "Storniert",
    ],
};

fn is_german(lang: &str) -> bool {
    lang == "de" || lang.starts_with("de-")
}

/// The labels of a language (`de`, `de-AT`, …); English for any other.
pub fn labels(lang: &str) -> &'static Labels {
    if is_german(lang) {
        &DE
    } else {
        &EN
    }
}

/// The order history's labels of a language; English for any other.
pub fn history_labels(lang: &str) -> &'static HistoryLabels {
    if is_german(lang) {
        &HISTORY_DE
    } else {
        &HISTORY_EN
    }
}

impl HistoryLabels {
    /// A stored order state as shown (the stored word when unknown).
    pub fn state_label<'a>(&self, state: &'a str) -> &'a str {
        ORDER_STATES
            .iter()
            .position(|s| *s == state)
            .map_or(state, |n| self.states[n])
    }
}

/// A label with its `{n}` filled in.
pub fn fill(label: &str, n: impl std::fmt::Display) -> String {
    label.replace("{n}", &n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_market_language_picks_its_labels_and_others_get_english() {
        assert_eq!(labels("de").cart, "Warenkorb");
        assert_eq!(labels("de-AT").cart, "Warenkorb");
        assert_eq!(labels("fr").cart, "Cart");
        assert_eq!(fill(labels("de").products_found, 3), "3 Artikel");
    }
}
