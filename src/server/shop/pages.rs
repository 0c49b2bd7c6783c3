//! The shop's HTML. maud escapes every interpolated value; the pages
//! use plain forms and links, so they work without JavaScript and with a
//! keyboard, and each control has a label.

use super::labels::{fill, labels};
use super::Shopper;
use crate::core::{CartQuote, CatalogSearch, MarketView, ProductSheet, SearchPage, Suggestion};
use crate::gateway::accounts::AccountSession;
use maud::{html, Markup, DOCTYPE};
use rust_decimal::Decimal;

/// The requisition fields a cart carries into the procurement system.
pub const REQUISITION_FIELDS: &[&str] = &["CostCenter", "ProjectCode", "Comments"];

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#222}\
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;background:#17324d;color:#fff}\
header a{color:#fff}main{padding:1rem;max-width:70rem;margin:auto}\
.layout{display:grid;grid-template-columns:14rem 1fr;gap:1.5rem}\
.hits{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem}\
.hit{border:1px solid #ccd;border-radius:6px;padding:.7rem}.img{height:5rem;background:#eef;display:flex;\
align-items:center;justify-content:center;color:#667;border-radius:4px}.price{font-weight:600}\
.contract{color:#0a6b2d;font-size:.85rem}.warn{color:#8a4b00}.error{color:#a00}\
table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #dde;text-align:left}\
meter{width:16rem}";

/// What the search page shows.
pub struct SearchView<'a> {
    /// The search as run.
    pub search: &'a CatalogSearch,
    /// The page number, from 0.
    pub page: u32,
    /// Hits per page.
    pub page_size: u32,
    /// What was found.
    pub found: &'a SearchPage,
    /// What the company buys most.
    pub frequent: &'a [Suggestion],
}

/// What the cart page shows.
pub struct CartView<'a> {
    /// The cart priced.
    pub quote: &'a CartQuote,
    /// The cost center's budget: (cost center, amount, consumed).
    pub budget: Option<(String, Decimal, Decimal)>,
    /// A message about the last action.
    pub notice: Option<String>,
}

/// An amount as the market's language writes it (decimal comma in
/// German), at least two decimals, never rounded away.
pub fn money(amount: Decimal, currency: &str, lang: &str) -> String {
    let mut shown = amount.normalize();
    if shown.scale() < 2 {
        shown.rescale(2);
    }
    let text = shown.to_string();
    let text = if lang == "de" {
        text.replace('.', ",")
    } else {
        text
    };
    format!("{text} {currency}")
}

/// A party as one line: name, street, postal code and city, country.
fn address_line(party: &crate::document::Party) -> String {
    let mut parts: Vec<String> = party.name.iter().cloned().collect();
    if let Some(a) = &party.address {
        parts.extend(a.lines.iter().cloned());
        let place: Vec<&str> = [a.postal_code.as_deref(), a.city.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !place.is_empty() {
            parts.push(place.join(" "));
        }
        parts.extend(a.country.iter().cloned());
    }
    parts.join(", ")
}

/// A product page's path, the SKU as one path segment.
fn product_link(sku: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(sku, percent_encoding::NON_ALPHANUMERIC);
    format!("/shop/product/{encoded}")
}

pub(super) fn lang(market: &MarketView) -> &str {
    market.languages.first().map_or("en", String::as_str)
}

/// The bar at the top of a page: the shop's (within a punchout session),
/// the signed-in buyer's (order history), or none.
pub(super) enum Nav<'a> {
    /// A page outside any session.
    Bare,
    /// A punchout session's page.
    Shop(&'a Shopper),
    /// A signed-in buyer's page, with the sign-out form's token.
    Account(&'a AccountSession, &'a str),
}

impl Nav<'_> {
    /// The language of the page: the punchout market's, else English.
    pub(super) fn lang(&self) -> &str {
        match self {
            Nav::Shop(shopper) => lang(&shopper.market),
            Nav::Bare | Nav::Account(..) => "en",
        }
    }
}

fn nav_bar(nav: &Nav<'_>) -> Markup {
    match nav {
        Nav::Bare => html! {},
        Nav::Shop(shopper) => {
            let t = labels(lang(&shopper.market));
            html! {
            header {
                a href="/shop" { (t.catalog) }
                form method="get" action="/shop" role="search" {
                    label for="q" { (t.search) } " "
                    input id="q" name="q" type="search" placeholder=(t.search_placeholder);
                    " " button type="submit" { (t.search) }
                }
                a href="/shop/quick" { (t.quick_order) }
                a href="/shop/orders" { (t.order_history) }
                a href="/shop/cart" id="cart-link" { (t.cart) " (" (shopper.session.cart.len()) ")" }
                span { (shopper.session.user_name.clone().or(shopper.session.user_email.clone()).unwrap_or_default())
                       " · " (shopper.session.company) }
            }
            }
        }
        Nav::Account(account, csrf) => html! {
            header {
                a href="/account/orders" { "Orders" }
                span id="signed-in" { (account.label) " · " (account.company) }
                form method="post" action="/account/logout" {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Sign out" }
                }
            }
        },
    }
}

pub(super) fn layout(title: &str, lang: &str, nav: Nav<'_>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · edigate shop" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                (nav_bar(&nav))
                main { (body) }
            }
        }
    }
    .into_string()
}

/// A page that only says something.
pub fn message(title: &str, text: &str) -> String {
    message_in(Nav::Bare, title, text)
}

/// A page that only says something, with a session's bar.
pub(super) fn message_in(nav: Nav<'_>, title: &str, text: &str) -> String {
    layout(
        title,
        "en",
        nav,
        html! { h1 { (title) } p id="message" { (text) } },
    )
}

fn search_link(search: &CatalogSearch, change: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = vec![("q".into(), search.text.clone())];
    if let Some(b) = &search.brand {
        pairs.push(("brand".into(), b.clone()));
    }
    if let Some(c) = &search.category {
        pairs.push(("category".into(), c.clone()));
    }
    if let Some((k, v)) = &search.attribute {
        pairs.push(("attr".into(), format!("{k}={v}")));
    }
    pairs.push(("sort".into(), search.sort.as_str().into()));
    for (name, value) in change {
        pairs.retain(|(n, _)| n != name);
        if !value.is_empty() {
            pairs.push(((*name).into(), (*value).into()));
        }
    }
    format!("/shop?{}", query_string(&pairs))
}

/// Name/value pairs as a URL's query, every value percent-encoded.
pub(super) fn query_string(pairs: &[(String, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(n, v)| {
            format!(
                "{n}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect();
    query.join("&")
}

/// The catalog: search form, facets, hits with the buyer's prices.
pub fn search(shopper: &Shopper, view: &SearchView<'_>, csrf: &str) -> String {
    let (search, found) = (view.search, view.found);
    let lang = lang(&shopper.market);
    let t = labels(lang);
    let editable = shopper.session.editable();
    let body = html! {
        h1 { (t.catalog) }
        form method="get" action="/shop" {
            label for="q2" { (t.search_words) } " "
            input id="q2" name="q" type="search" value=(search.text);
            " " label for="sort" { (t.sort_by) } " "
            select id="sort" name="sort" {
                @for (value, label) in [("relevance", t.relevance), ("name", t.name), ("sku", t.part_number)] {
                    option value=(value) selected[search.sort.as_str() == value] { (label) }
                }
            }
            " " button type="submit" { (t.search) }
        }
        div.layout {
            aside aria-label=(t.filters) {
                @if found.facets_partial { p { small { (fill(t.facet_counts, crate::core::CANDIDATES)) } } }
                h2 { (t.brand) }
                ul { @for f in &found.brands {
                    li { a href=(search_link(search, &[("brand", &f.value)])) { (f.label) } " (" (f.count) ")" }
                } }
                h2 { (t.category) }
                ul { @for f in &found.categories {
                    li { a href=(search_link(search, &[("category", &f.value)])) { "UNSPSC " (f.label) } " (" (f.count) ")" }
                } }
                @for (name, values) in &found.attributes {
                    h2 { (name) }
                    ul { @for f in values {
                        li { a href=(search_link(search, &[("attr", &format!("{name}={}", f.value))])) { (f.label) } " (" (f.count) ")" }
                    } }
                }
                @if search.brand.is_some() || search.category.is_some() || search.attribute.is_some() {
                    p { a href=(search_link(search, &[("brand", ""), ("category", ""), ("attr", "")])) { (t.clear_filters) } }
                }
            }
            section aria-label=(t.catalog) {
                p id="hit-count" { (fill(t.products_found, found.total)) }
                @if !view.frequent.is_empty() {
                    h2 { (t.frequently_bought) }
                    ul id="frequent" { @for s in view.frequent {
                        li { a href=(product_link(&s.sku)) { (s.sku) } " — " (fill(t.ordered_times, s.orders)) }
                    } }
                }
                ul.hits { @for hit in &found.hits {
                    li.hit data-sku=(hit.product.sku) {
                        div.img aria-hidden="true" { (hit.product.name.chars().next().unwrap_or('?')) }
                        h3 { a href=(product_link(&hit.product.sku)) { (hit.product.name) } }
                        div { (t.part) " " (hit.product.sku) " · " (hit.brand) }
                        @match &hit.price {
                            Some(p) => {
                                div.price { (money(p.amount, &p.currency, lang)) " / " (hit.product.base_unit) }
                                @if hit.contract { div.contract { (t.contract_price) } }
                            }
                            None => div.warn { (t.price_on_request) }
                        }
                        @if editable {
                            form method="post" action="/shop/cart/add" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="sku" value=(hit.product.sku);
                                input type="hidden" name="back" value=(search_link(search, &[]));
                                label for={"qty-" (hit.product.sku)} { (t.quantity) } " "
                                input id={"qty-" (hit.product.sku)} name="quantity" type="number" min="0" step="any" value="1" size="4";
                                " " button type="submit" { (t.add_to_cart) }
                            }
                        }
                    }
                } }
                nav aria-label="Pages" {
                    @if view.page > 0 && view.page <= 1_000 {
                        a href=(search_link(search, &[("page", &(view.page - 1).to_string())])) { (t.previous) } " "
                    }
                    @if (u64::from(view.page) + 1) * u64::from(view.page_size) < found.total && view.page < 1_000 {
                        a href=(search_link(search, &[("page", &(view.page + 1).to_string())])) { (t.next) }
                    }
                }
            }
        }
    };
    layout(t.catalog, lang, Nav::Shop(shopper), body)
}

/// One product: the buyer's price with its tiers and explanation,
/// availability, options and bundle contents.
pub fn product(shopper: &Shopper, sheet: &ProductSheet, csrf: &str) -> String {
    let market = &shopper.market;
    let lang = lang(market);
    let t = labels(lang);
    let p = &sheet.product;
    let lead = sheet
        .attributes
        .get("lead_time_days")
        .map(|v| v.to_string().trim_matches('"').to_string());
    let body = html! {
        h1 { (p.name) }
        p { (t.part) " " (p.sku) " · " (sheet.brand)
            @if let Some(gtin) = &sheet.gtin { " · GTIN " (gtin) } }
        @match &sheet.price {
            Some(price) => {
                p.price id="price" { (money(price.unit_price.amount, &price.unit_price.currency, lang)) " / " (p.base_unit) }
                @if price.winner.company.is_some() { p.contract { (t.contract_price) } }
                details { summary { (t.how_price_found) }
                    ul { @for line in price.explanation() { li { (line) } } } }
                @if sheet.tiers.len() > 1 {
                    table id="tiers" { caption { (t.quantity_prices) }
                        tr { th { (t.from) } th { (fill(t.price_per, &p.base_unit)) } }
                        @for (from, price_each) in &sheet.tiers {
                            tr { td { (from.normalize()) } td { (money(*price_each, &market.currency, lang)) } }
                        }
                    }
                }
            }
            None => p.warn { (t.price_on_request) }
        }
        p id="availability" {
            @if sheet.availability.available > Decimal::ZERO {
                (fill(t.available, format!("{} {}", sheet.availability.available.normalize(), p.base_unit)))
            } @else { (t.not_in_stock) }
            @if let Some(days) = &lead { " · " (fill(t.lead_time, days)) }
        }
        @if !sheet.parts.is_empty() {
            h2 { (t.in_bundle) }
            ul { @for (sku, name, qty) in &sheet.parts { li { (qty.normalize()) " × " (name) " (" (sku) ")" } } }
        }
        @if let Some(map) = sheet.attributes.as_object().filter(|m| !m.is_empty()) {
            table { caption { (t.details) } @for (k, v) in map { tr { th { (k) } td { (v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())) } } } }
        }
        @if shopper.session.editable() {
            form method="post" action="/shop/cart/add" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="sku" value=(p.sku);
                @let names: Vec<&str> = { let mut names: Vec<&str> = sheet.options.iter().map(|o| o.option.as_str()).collect(); names.dedup(); names };
                @for name in names {
                    label for={"opt-" (name)} { (name) } " "
                    select id={"opt-" (name)} name={"opt_" (name)} {
                        option value="" { "—" }
                        @for o in sheet.options.iter().filter(|o| o.option == name) {
                            option value=(o.choice) { (o.choice) " (" (if o.price_effect >= Decimal::ZERO { "+" } else { "" }) (money(o.price_effect, &market.currency, lang)) ")" }
                        }
                    } " "
                }
                label for="quantity" { (t.quantity) } " "
                input id="quantity" name="quantity" type="number" min="0" step="any" value="1" size="5";
                " " label for="unit" { (t.unit) } " "
                select id="unit" name="unit" {
                    @for (unit, base) in &sheet.units {
                        option value=(unit) { (unit) @if *base != Decimal::ONE { " (" (base.normalize()) " " (p.base_unit) ")" } }
                    }
                }
                " " button type="submit" { (t.add_to_cart) }
            }
        }
    };
    layout(&p.name, lang, Nav::Shop(shopper), body)
}

/// The cart: lines priced by the core, the budget indicator, approvals
/// the order will need, requisition fields, and the transfer.
pub fn cart(shopper: &Shopper, view: &CartView<'_>, csrf: &str) -> String {
    let lang = lang(&shopper.market);
    let t = labels(lang);
    let session = &shopper.session;
    let quote = view.quote;
    let editable = session.editable();
    let body = html! {
        h1 { (t.cart) }
        @if let Some(to) = &session.ship_to { p id="ship-to" { (t.deliver_to) ": " (address_line(to)) } }
        @if let Some(notice) = &view.notice { p.error id="notice" role="alert" { (notice) } }
        @if !editable && !session.transferred { p { (t.inspect_only) } }
        form method="post" action="/shop/cart/update" id="cart-form" {
            input type="hidden" name="csrf" value=(csrf);
            table id="cart" {
                tr { th { (t.product) } th { (t.quantity) } th { (t.unit) } th { (t.price) } th { (t.amount) } th {} }
                @for (n, line) in quote.lines.iter().enumerate() {
                    tr data-sku=(line.item.sku) {
                        td { (line.name) br; small { (line.item.sku)
                            @for (o, c) in &line.item.options { " · " (o) ": " (c) } }
                            @if let Some(problem) = &line.problem { br; span.error { (problem) } } }
                        td { @if editable {
                                label for={"qty_" (n)} hidden { (t.quantity) " " (line.item.sku) }
                                input id={"qty_" (n)} name={"qty_" (n)} type="number" min="0" step="any" value=(line.item.quantity.normalize()) size="5";
                            } @else { (line.item.quantity.normalize()) } }
                        td { (line.item.unit) }
                        td { @if let Some(p) = line.unit_price { (money(p, &quote.currency, lang)) } }
                        td.amount { @if let Some(a) = line.amount { (money(a, &quote.currency, lang)) } }
                        td { @if editable { button type="submit" name="remove" value=(n) { (t.remove) } } }
                    }
                }
                tr { th colspan="4" { (t.total) } th id="total" { (money(quote.total, &quote.currency, lang)) } th {} }
            }
            @if let Some((center, amount, consumed)) = &view.budget {
                @let remaining = *amount - *consumed;
                @let after = remaining - quote.total;
                section id="budget" aria-label="Budget" {
                    h2 { (fill(t.budget_of, center)) }
                    meter min="0" max=(amount) value=(*consumed + quote.total) {}
                    p { span id="budget-remaining" { (money(remaining, &quote.currency, lang)) } " " (t.budget_remaining) " "
                        span id="budget-cart" { (money(quote.total, &quote.currency, lang)) } "; "
                        span id="budget-after" { (money(after, &quote.currency, lang)) } " " (t.budget_left) }
                    @if after < Decimal::ZERO { p.warn id="over-budget" { (t.over_budget) } }
                }
            }
            @if !quote.approvals.is_empty() {
                ul id="approvals" { @for a in &quote.approvals { li.warn { (a) } } }
            }
            h2 { (t.requisition) }
            @for name in REQUISITION_FIELDS {
                p { label for={"req-" (name)} { (name) } " "
                    input id={"req-" (name)} name=(name) value=(session.requisition.get(*name).cloned().unwrap_or_default()) disabled[!editable]; }
            }
            @if editable { button type="submit" id="update" { (t.update_cart) } }
        }
        @if !session.transferred {
            form method="post" action="/shop/transfer" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" id="transfer" { @if editable { (t.transfer_cart) } @else { (t.return_to) } }
            }
        }
    };
    layout(t.cart, lang, Nav::Shop(shopper), body)
}

/// Quick order: paste or load `SKU,quantity[,unit]` lines.
pub fn quick(shopper: &Shopper, csrf: &str, text: &str, problems: &[String]) -> String {
    let lang = lang(&shopper.market);
    let t = labels(lang);
    let body = html! {
        h1 { (t.quick_order) }
        @if !problems.is_empty() {
            ul id="problems" role="alert" { @for p in problems { li.error { (p) } } }
            p { (t.quick_rest_in_cart) }
        }
        form method="post" action="/shop/quick" {
            input type="hidden" name="csrf" value=(csrf);
            p { label for="lines" { (t.quick_lines) } }
            textarea id="lines" name="lines" rows="10" cols="50" { (text) }
            p { label for="file" { (t.quick_file) } " " input id="file" type="file" accept=".csv,text/csv,text/plain"; }
            button type="submit" { (t.add_to_cart) }
        }
        script { (maud::PreEscaped("document.getElementById('file').addEventListener('change',e=>{const f=e.target.files[0];if(f){f.text().then(t=>{document.getElementById('lines').value=t;});}});")) }
    };
    layout(t.quick_order, lang, Nav::Shop(shopper), body)
}

#[cfg(test)]
mod tests {
    use super::money;
    use rust_decimal::Decimal;

    #[test]
    fn money_keeps_every_decimal_and_writes_the_market_mark() {
        assert_eq!(money(Decimal::new(85, 1), "EUR", "de"), "8,50 EUR");
        assert_eq!(money(Decimal::new(12345, 4), "USD", "en"), "1.2345 USD");
        assert_eq!(money(Decimal::from(3), "USD", "en"), "3.00 USD");
    }
}
