//! Placing an order, in two halves. `prepare` reads (on any connection,
//! outside the write transaction): who buys, where, through which channel,
//! and each line's product, unit and price. `commit` writes, in the
//! command's transaction: approvals, reservations, budgets, the order, its
//! lines, timeline and notifications, in as few statements as it can,
//! since SQLite has one writer and every statement holds it.

use super::approvals::{charge, evaluate, record_chain, rules_for, LineFacts, Needed, Rule};
use super::catalog::{option_effect, sku_for_item};
use super::customers::{parse_path, CompanyRef};
use super::inventory::{holds_into, reserve, reserve_goods, stock_view, Hold};
use super::notifications::{notifications_into, recipient, Recipient};
use super::offer::{applies_to_buyer, first_missing, flag, offer, offers, Offer};
use super::orders::{lock_exposure, order_number, LinePlaced, OrderPlaced, OrderRow, PlaceOrder};
use super::pricing::resolve;
use super::sellers::MarketRef;
use super::states::OrderState;
use super::{Actor, CoreError, Money};
use crate::document::{OrderLine, Party, ProcurementRefs};
use crate::store::{now_micros, record_into, Arg, Batch, Micros, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

/// Prices agreed in an accepted quote, per line id, with the quote's
/// number; they replace the price lists' answer.
#[derive(Default)]
pub(crate) struct Agreed {
    pub prices: BTreeMap<String, Micros>,
    pub quote: String,
}

/// Who buys, where and through which channel.
pub(crate) struct Context {
    pub company: CompanyRef,
    pub market: MarketRef,
    pub brand_id: i64,
    pub buyer: Option<i64>,
    pub recipient: Recipient,
    pub day: NaiveDate,
    /// Whether a cost center of the company has a budget today (most
    /// have none, and then placement skips the budget statement).
    pub has_budgets: bool,
    /// The nearest credit limit in the hierarchy: (its company's code and
    /// path, the limit).
    pub credit: Option<(String, String, Micros)>,
}

/// A line priced for an order.
pub(crate) struct PricedLine {
    pub line_ref: String,
    pub product: super::ProductRef,
    pub description: String,
    pub quantity: Micros,
    pub unit: String,
    pub base_quantity: Micros,
    pub unit_price: Micros,
    pub buyer_price: Option<Micros>,
    pub amount: Micros,
    pub price_rule: String,
    pub refs: ProcurementRefs,
    /// The configurable options chosen: (option, choice).
    pub options: Vec<(String, String)>,
}

/// What `prepare` read.
pub(crate) struct Prepared {
    pub context: Context,
    pub lines: Vec<PricedLine>,
    pub remarks: Vec<String>,
    pub rules: Vec<Rule>,
}

/// Reads everything placing `place` needs.
pub(crate) async fn prepare(
    conn: &mut AnyConnection,
    by: &Actor,
    place: &PlaceOrder,
    agreed: &Agreed,
) -> Result<Prepared, CoreError> {
    let order = &place.order;
    if order.lines.is_empty() {
        return Err(CoreError::Invalid(format!(
            "order {} has no lines",
            order.id
        )));
    }
    let context = context(conn, by, place).await?;
    if let Some(currency) = order
        .currency
        .as_deref()
        .filter(|c| *c != context.market.currency)
    {
        return Err(CoreError::Invalid(format!(
            "order {}: currency {currency} is not the currency of market {} ({})",
            order.id, context.market.code, context.market.currency
        )));
    }
    let mut items = Vec::with_capacity(order.lines.len());
    for line in &order.lines {
        let sku = sku_for_item(conn, &line.item)
            .await
            .map_err(|e| on_line(line, e))?;
        items.push((sku, line.quantity.unit.clone()));
    }
    let offers = offers(conn, &context.company.code, &context.market.code, &items).await?;
    let mut lines = Vec::with_capacity(order.lines.len());
    let mut remarks = Vec::new();
    for (line, offer) in order.lines.iter().zip(offers) {
        let offer = offer.map_err(|e| on_line(line, e))?;
        let choices = place
            .options
            .get(&line.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let priced = price_offer(
            conn,
            offer,
            context.day,
            line,
            &order.procurement,
            choices,
            agreed,
        )
        .await?;
        remarks.extend(price_remark(line, &priced));
        lines.push(priced);
    }
    let rules = rules_for(conn, &context.company).await?;
    Ok(Prepared {
        context,
        lines,
        remarks,
        rules,
    })
}

async fn context(
    conn: &mut AnyConnection,
    by: &Actor,
    place: &PlaceOrder,
) -> Result<Context, CoreError> {
    let sql = format!(
        "SELECT co.id, co.code, co.name, co.path, co.market_id, m.id AS m_id, m.currency, m.default_price_list, \
         b.id AS brand_id, {open} AS open, {buyer} AS buyer, (SELECT u.id FROM users u WHERE u.login = $5) AS user_id, \
         (SELECT u.email FROM users u WHERE u.login = $5) AS email, {budgets} AS budgets, \
         (SELECT c2.path || ' ' || CAST(c2.credit_limit AS TEXT) || ' ' || c2.code FROM companies c2 \
          WHERE c2.credit_limit IS NOT NULL AND {credit} ORDER BY LENGTH(c2.path) DESC LIMIT 1) AS credit, \
         (SELECT p.identity FROM procurement_identities p JOIN companies pc ON pc.id = p.company_id \
          WHERE p.kind = $6 AND {identity} ORDER BY LENGTH(pc.path) DESC, p.identity LIMIT 1) AS identity \
         FROM companies co JOIN markets m ON m.code = $2 JOIN brands b ON b.code = $3 WHERE co.code = $1",
        open = flag("EXISTS (SELECT 1 FROM channels ch WHERE ch.brand_id = b.id AND ch.market_id = m.id AND ch.kind = $4)"),
        buyer = flag(&format!(
            "EXISTS (SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.login = $5 \
             AND r.role = 'buyer' AND {})",
            applies_to_buyer("r.company_id")
        )),
        identity = applies_to_buyer("p.company_id"),
        credit = applies_to_buyer("c2.id"),
        budgets = flag(
            "EXISTS (SELECT 1 FROM budgets b JOIN cost_centers c ON c.id = b.cost_center_id \
             WHERE c.company_id = co.id AND b.period_start <= $7 AND b.period_end >= $7)"
        ),
    );
    let channel = place.channel.as_str();
    let identity_kind = if channel == "edi" { "edi" } else { "punchout" };
    let row = sqlx::query(&sql)
        .bind(&place.company)
        .bind(&place.market)
        .bind(&place.brand)
        .bind(channel)
        .bind(by.login().unwrap_or(""))
        .bind(identity_kind)
        .bind(chrono::Utc::now().date_naive().to_string())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Err(missing(conn, place).await);
    };
    if row.try_get::<i64, _>("open")? == 0 {
        return Err(CoreError::Invalid(format!(
            "brand {} does not sell through {channel} in market {}",
            place.brand, place.market
        )));
    }
    let buyer = match by.login() {
        None => None,
        Some(login) => {
            let user: Option<i64> = row.try_get("user_id")?;
            let user = user.ok_or_else(|| CoreError::not_found("user", login))?;
            if row.try_get::<i64, _>("buyer")? == 0 {
                return Err(CoreError::Forbidden {
                    actor: login.to_string(),
                    action: format!("place orders for {} (needs the buyer role)", place.company),
                });
            }
            Some(user)
        }
    };
    let path: String = row.try_get("path")?;
    let company = CompanyRef {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        lineage: parse_path(&path),
        market_id: row.try_get("market_id")?,
    };
    Ok(Context {
        recipient: recipient(
            channel,
            company.code.clone(),
            row.try_get("identity")?,
            row.try_get("email")?,
        ),
        company,
        market: MarketRef {
            id: row.try_get("m_id")?,
            code: place.market.clone(),
            currency: row.try_get("currency")?,
            default_price_list: row.try_get("default_price_list")?,
        },
        brand_id: row.try_get("brand_id")?,
        buyer,
        has_budgets: row.try_get::<i64, _>("budgets")? == 1,
        credit: row.try_get::<Option<String>, _>("credit")?.and_then(|c| {
            let mut parts = c.splitn(3, ' ');
            // Paths and numbers hold no spaces; the code, last, may.
            let (path, limit, code) = (parts.next()?, parts.next()?.parse().ok()?, parts.next()?);
            Some((code.to_string(), path.to_string(), Micros(limit)))
        }),
        day: place
            .on
            .or(place.order.issue_date)
            .unwrap_or_else(|| chrono::Utc::now().date_naive()),
    })
}

async fn missing(conn: &mut AnyConnection, place: &PlaceOrder) -> CoreError {
    let lookups = [
        ("companies", "code", "company", place.company.as_str()),
        ("markets", "code", "market", place.market.as_str()),
        ("brands", "code", "brand", place.brand.as_str()),
    ];
    first_missing(conn, &lookups)
        .await
        .unwrap_or_else(|| CoreError::not_found("company", &place.company))
}

/// The sum of the lines' amounts, refused when it overflows the store.
fn order_total(lines: &[PricedLine]) -> Result<Micros, CoreError> {
    lines
        .iter()
        .try_fold(0i64, |sum, l| sum.checked_add(l.amount.0))
        .map(Micros)
        .ok_or_else(too_large)
}

fn too_large() -> CoreError {
    CoreError::Invalid(
        "the order's amounts add up to more than the store can hold (9.2 × 10¹²)".into(),
    )
}

fn on_line(line: &OrderLine, error: CoreError) -> CoreError {
    CoreError::Invalid(format!("line {}: {error}", line.id))
}

/// Prices one line on its own (an order change): `at` is the buyer's
/// company, the market and the day.
pub(crate) async fn price_line(
    conn: &mut AnyConnection,
    at: (&str, &str, NaiveDate),
    line: &OrderLine,
    header: &ProcurementRefs,
    choices: &[(String, String)],
) -> Result<PricedLine, CoreError> {
    let sku = sku_for_item(conn, &line.item)
        .await
        .map_err(|e| on_line(line, e))?;
    let (company, market, day) = at;
    let offer = offer(conn, company, market, &sku, &line.quantity.unit)
        .await
        .map_err(|e| on_line(line, e))?;
    price_offer(conn, offer, day, line, header, choices, &Agreed::default()).await
}

/// Prices one line from its offer: the quantity in base units, our price
/// per ordered unit (with chosen options) and the amount. A price agreed
/// in a quote replaces the price lists' answer.
async fn price_offer(
    conn: &mut AnyConnection,
    offer: Offer,
    day: NaiveDate,
    line: &OrderLine,
    header: &ProcurementRefs,
    choices: &[(String, String)],
    agreed: &Agreed,
) -> Result<PricedLine, CoreError> {
    let on_line = |e: CoreError| on_line(line, e);
    let sku = offer.product.sku.clone();
    if let Some(why) = offer.refusal() {
        return Err(CoreError::Invalid(format!("line {}: {why}", line.id)));
    }
    if line.quantity.value <= Decimal::ZERO {
        return Err(CoreError::Invalid(format!(
            "line {}: quantity {} must be more than zero",
            line.id, line.quantity.value
        )));
    }
    let per_unit = offer.base_units.ok_or_else(|| {
        CoreError::Invalid(format!(
            "line {}: product {sku} is not sold in unit {}",
            line.id, line.quantity.unit
        ))
    })?;
    let amount_error = |e| CoreError::amount(format!("line {}", line.id), e);
    let quantity = Micros::from_decimal(line.quantity.value).map_err(amount_error)?;
    let base_quantity = quantity.times(per_unit).map_err(amount_error)?;
    // A price agreed in a quote stands, whether or not a list has one.
    let (base_price, mut rule) = match agreed.prices.get(&line.id) {
        Some(price) => (
            *price,
            format!(
                "{price} per {} agreed in quote {}",
                offer.product.base_unit, agreed.quote
            ),
        ),
        None => {
            let resolution = resolve(&offer, base_quantity, day).map_err(on_line)?;
            let price = Micros::from_decimal(resolution.unit_price.amount).map_err(amount_error)?;
            (price, resolution.explanation().join("; "))
        }
    };
    let effect = option_effect(conn, &offer.product, choices)
        .await
        .map_err(on_line)?;
    let base_price = Micros(
        base_price
            .0
            .checked_add(effect.0)
            .ok_or_else(|| on_line(too_large()))?,
    );
    if !choices.is_empty() {
        rule.push_str(&format!(
            "; options add {effect} per {}",
            offer.product.base_unit
        ));
    }
    let buyer_price = line
        .price
        .as_ref()
        .map(|p| {
            let per = p.base_quantity.as_ref().map_or(Decimal::ONE, |q| q.value);
            let each = p
                .amount
                .value
                .checked_div(per.max(Decimal::new(1, 6)))
                .ok_or_else(|| {
                    CoreError::Invalid(format!(
                        "line {}: the buyer's price {} is out of range",
                        line.id, p.amount.value
                    ))
                })?;
            Micros::rounded(each).map_err(amount_error)
        })
        .transpose()?;
    let refs = &line.procurement;
    Ok(PricedLine {
        line_ref: line.id.clone(),
        description: line
            .description
            .clone()
            .unwrap_or_else(|| offer.product.name.clone()),
        unit_price: base_price.times(per_unit).map_err(amount_error)?,
        amount: base_price.times(base_quantity).map_err(amount_error)?,
        product: offer.product,
        quantity,
        unit: line.quantity.unit.clone(),
        base_quantity,
        buyer_price,
        price_rule: rule,
        options: choices.to_vec(),
        refs: ProcurementRefs {
            cost_center: refs
                .cost_center
                .clone()
                .or_else(|| header.cost_center.clone()),
            gl_account: refs
                .gl_account
                .clone()
                .or_else(|| header.gl_account.clone()),
            project: refs.project.clone().or_else(|| header.project.clone()),
            ..ProcurementRefs::default()
        },
    })
}

fn price_remark(line: &OrderLine, priced: &PricedLine) -> Option<String> {
    let buyer = priced.buyer_price?;
    (buyer != priced.unit_price).then(|| {
        format!(
            "line {}: the buyer's price {buyer} differs from ours {} ({})",
            line.id, priced.unit_price, priced.price_rule
        )
    })
}

/// Why an order must wait for an admin because the company's open orders
/// and this one exceed the nearest credit limit in its hierarchy (the
/// orders of every unit under the limit's company count).
async fn credit_hold(
    tx: &mut Tx,
    context: &Context,
    total: Micros,
) -> Result<Option<String>, CoreError> {
    let Some((holder, path, limit)) = &context.credit else {
        return Ok(None);
    };
    // Orders under one limit decide one at a time: the limit's company
    // row is locked until the command ends.
    sqlx::query("UPDATE companies SET credit_limit = credit_limit WHERE code = $1")
        .bind(holder)
        .execute(&mut **tx)
        .await?;
    // Each company's open total is kept by triggers (migration 0009); the
    // subtree is the range of paths that start with the holder's.
    let subtree = if tx.backend_name() == "PostgreSQL" {
        "c.path COLLATE \"C\" >= $1 AND c.path COLLATE \"C\" < $2"
    } else {
        "c.path >= $1 AND c.path < $2"
    };
    let open: i64 = sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(e.open_total), 0) AS BIGINT) AS open FROM companies c \
         JOIN company_exposure e ON e.company_id = c.id WHERE {subtree}"
    ))
    .bind(path)
    .bind(path_upper_bound(path))
    .fetch_one(&mut **tx)
    .await?
    .try_get("open")?;
    let currency = &context.market.currency;
    Ok((open + total.0 > limit.0).then(|| {
        format!(
            "credit limit of {holder}: open orders {} + this {total} {currency} are over {limit}",
            Micros(open)
        )
    }))
}

/// The least path above every path that starts with `path` (`/1/5/` →
/// `/1/50`: paths end in `/`, and `0` is the byte after it).
fn path_upper_bound(path: &str) -> String {
    match path.strip_suffix('/') {
        Some(stem) => format!("{stem}0"),
        None => format!("{path}\u{10FFFF}"),
    }
}

/// A ship-to's identity, to tell a new one from a known one.
fn ship_to_key(party: &Party) -> Option<String> {
    if let Some(id) = party.ids.first() {
        return Some(id.value.clone());
    }
    let address = party.address.as_ref();
    let parts = [
        party.name.clone(),
        address.and_then(|a| a.lines.first().cloned()),
        address.and_then(|a| a.postal_code.clone()),
    ];
    let key: Vec<String> = parts.into_iter().flatten().collect();
    (!key.is_empty()).then(|| key.join("|").to_lowercase())
}

/// Writes a prepared order; with `record` (key, command), records the
/// result under the key in the same round trip as the order's lines.
pub(crate) async fn commit(
    tx: &mut Tx,
    by: &Actor,
    place: &PlaceOrder,
    prepared: &Prepared,
    record: Option<(&str, &str)>,
) -> Result<OrderPlaced, CoreError> {
    let Prepared {
        context,
        lines,
        remarks,
        rules,
    } = prepared;
    let total = order_total(lines)?;
    let facts: Vec<LineFacts> = lines
        .iter()
        .map(|l| LineFacts {
            sku: l.product.sku.clone(),
            unspsc: l.product.unspsc.clone(),
            amount: l.amount,
            cost_center: l.refs.cost_center.clone(),
        })
        .collect();
    let at = now_micros();
    let mut draft = OrderRow {
        id: 0,
        number: String::new(),
        state: OrderState::Received,
        company_id: context.company.id,
        market_id: context.market.id,
        channel: place.channel.as_str().to_string(),
        po_number: place.order.id.clone(),
        currency: context.market.currency.clone(),
        total,
        cost_center: place.order.procurement.cost_center.clone(),
        ship_to_key: place.order.ship_to.as_ref().and_then(ship_to_key),
        placed_on: super::approvals::day_of(at),
        budget_charges: "[]".into(),
    };
    lock_exposure(tx, context.company.id).await?;
    let mut needed = evaluate(tx, &context.company, &draft, &facts, rules).await?;
    if let Some(reason) = credit_hold(tx, context, total).await? {
        needed.insert(0, Needed::credit_hold(reason));
    }
    let (reserved, holds) = reserve_all(tx, lines).await?;
    let approved = needed.is_empty();
    let charged = if approved && context.has_budgets {
        charge(tx, &draft, &facts).await?
    } else {
        Vec::new()
    };
    draft.state = if approved {
        OrderState::Approved
    } else {
        OrderState::PendingApproval
    };
    draft.budget_charges = serde_json::to_string(&charged)?;
    let row = insert_order(tx, place, context, draft, at).await?;
    // Lines, holds, timeline and notifications go in one round trip.
    let mut batch = Batch::new();
    lines_into(&mut batch, row.id, 1, lines, &reserved);
    holds_into(&mut batch, row.id, &row.channel, &holds);
    record_chain(tx, row.id, &needed).await?;
    let reasons: Vec<String> = needed.iter().map(|n| n.reason().to_string()).collect();
    let second = if approved {
        (
            "approved",
            serde_json::json!({ "why": "no approval rule applies" }),
        )
    } else {
        (
            "held for approval",
            serde_json::json!({ "reasons": reasons }),
        )
    };
    let events = [
        (
            "received",
            OrderState::Received,
            place.source.as_deref(),
            serde_json::json!({ "po_number": place.order.id, "remarks": remarks }),
        ),
        (second.0, row.state, None, second.1),
    ];
    events_into(&mut batch, row.id, by, &events);
    let notices = [
        ("received", OrderState::Received.as_str()),
        (second.0, row.state.as_str()),
    ];
    notifications_into(
        &mut batch,
        (row.id, &row.number, &row.po_number),
        &context.recipient,
        &notices,
    );
    let placed = OrderPlaced {
        number: row.number.clone(),
        state: row.state,
        total: Money::from_micros(total.0, &context.market.currency),
        lines: lines
            .iter()
            .zip(&reserved)
            .map(|(l, r)| LinePlaced {
                line: l.line_ref.clone(),
                sku: l.product.sku.clone(),
                unit_price: l.unit_price.to_decimal(),
                amount: l.amount.to_decimal(),
                reserved: r.to_decimal(),
                backordered: Micros(l.base_quantity.0 - r.0).to_decimal(),
                price_rule: l.price_rule.clone(),
            })
            .collect(),
        approvals: reasons,
        remarks: remarks.clone(),
    };
    if let Some((key, command)) = record {
        record_into(&mut batch, key, command, &placed)?;
    }
    batch.run(tx).await?;
    Ok(placed)
}

/// Reserves every line, in product order so that two orders never wait on
/// each other's stock rows in opposite order. Returns what each line got
/// and the holds, by line number.
async fn reserve_all(
    tx: &mut Tx,
    lines: &[PricedLine],
) -> Result<(Vec<Micros>, Vec<(i64, Hold)>), CoreError> {
    let mut by_product: Vec<usize> = (0..lines.len()).collect();
    by_product.sort_by_key(|&i| lines[i].product.id);
    let mut reserved = vec![Micros::ZERO; lines.len()];
    let mut holds = Vec::new();
    let is_goods = |i: &usize| lines[*i].product.kind == super::ProductKind::Product;
    let goods: Vec<(usize, &super::ProductRef, Micros)> = by_product
        .iter()
        .filter(|i| is_goods(i))
        .map(|&i| (i, &lines[i].product, lines[i].base_quantity))
        .collect();
    let products: Vec<&super::ProductRef> = goods.iter().map(|(_, p, _)| *p).collect();
    let view = stock_view(tx, &products).await?;
    for (i, got, line_holds) in reserve_goods(tx, &goods, &view).await? {
        reserved[i] = got;
        holds.extend(line_holds.into_iter().map(|h| (i as i64 + 1, h)));
    }
    for i in by_product.into_iter().filter(|i| !is_goods(i)) {
        let (got, line_holds) = reserve(tx, &lines[i].product, lines[i].base_quantity).await?;
        reserved[i] = got;
        holds.extend(line_holds.into_iter().map(|h| (i as i64 + 1, h)));
    }
    Ok((reserved, holds))
}

async fn insert_order(
    tx: &mut Tx,
    place: &PlaceOrder,
    context: &Context,
    mut row: OrderRow,
    at: i64,
) -> Result<OrderRow, CoreError> {
    let order = &place.order;
    let refs = &order.procurement;
    let inserted = sqlx::query(
        "INSERT INTO orders (company_id, buyer_id, brand_id, market_id, channel, state, po_number, currency, total, cost_center, \
         gl_account, project, requisitioner, ship_to, ship_to_key, requested_on, budget_charges, placed_at, updated_at, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19) RETURNING id",
    )
    .bind(context.company.id)
    .bind(context.buyer)
    .bind(context.brand_id)
    .bind(context.market.id)
    .bind(&row.channel)
    .bind(row.state.as_str())
    .bind(&order.id)
    .bind(&row.currency)
    .bind(row.total.0)
    .bind(&refs.cost_center)
    .bind(&refs.gl_account)
    .bind(&refs.project)
    .bind(&refs.requisitioner)
    .bind(order.ship_to.as_ref().map(serde_json::to_string).transpose()?)
    .bind(&row.ship_to_key)
    .bind(order.requested_delivery_date.map(|d| d.to_string()))
    .bind(&row.budget_charges)
    .bind(at)
    .bind(serde_json::to_string(order)?)
    .fetch_one(&mut **tx)
    .await?;
    row.id = inserted.try_get("id")?;
    row.number = order_number(row.id);
    Ok(row)
}

/// Writes lines of an order in one statement, numbered from `first`.
pub(crate) async fn insert_lines(
    tx: &mut Tx,
    order_id: i64,
    first: i64,
    lines: &[PricedLine],
    reserved: &[Micros],
) -> Result<(), CoreError> {
    let mut batch = Batch::new();
    lines_into(&mut batch, order_id, first, lines, reserved);
    Ok(batch.run(tx).await?)
}

/// Adds the INSERT of an order's lines to a batch.
fn lines_into(
    batch: &mut Batch,
    order_id: i64,
    first: i64,
    lines: &[PricedLine],
    reserved: &[Micros],
) {
    let order = batch.arg(order_id);
    let mut rows = Vec::with_capacity(lines.len());
    for (n, (line, got)) in lines.iter().zip(reserved).enumerate() {
        let status = if *got < line.base_quantity {
            "backordered"
        } else {
            "open"
        };
        let values: Vec<Arg> = vec![
            (first + n as i64).into(),
            line.line_ref.clone().into(),
            line.product.id.into(),
            line.product.sku.clone().into(),
            line.description.clone().into(),
            line.quantity.0.into(),
            line.unit.clone().into(),
            line.base_quantity.0.into(),
            line.unit_price.0.into(),
            line.buyer_price.map(|p| p.0).into(),
            line.amount.0.into(),
            line.price_rule.clone().into(),
            status.into(),
            got.0.into(),
            line.refs.cost_center.clone().into(),
            line.refs.gl_account.clone().into(),
            line.refs.project.clone().into(),
            serde_json::to_string(&line.options)
                .unwrap_or_else(|_| "[]".into())
                .into(),
        ];
        let slots: Vec<String> = values.into_iter().map(|v| batch.arg(v)).collect();
        rows.push(format!("({order}, {})", slots.join(", ")));
    }
    batch.push(format!(
        "INSERT INTO order_lines (order_id, line_no, line_ref, product_id, sku, description, quantity, unit, base_quantity, \
         unit_price, buyer_price, amount, price_rule, status, reserved, cost_center, gl_account, project, options) VALUES {}",
        rows.join(", ")
    ));
}

/// Adds events of an order's timeline to a batch.
pub(crate) fn events_into(
    batch: &mut Batch,
    order_id: i64,
    by: &Actor,
    events: &[(&str, OrderState, Option<&str>, serde_json::Value)],
) {
    let (order, at, actor) = (
        batch.arg(order_id),
        batch.arg(now_micros()),
        batch.arg(by.as_str()),
    );
    let rows: Vec<String> = events
        .iter()
        .map(|(event, state, source, detail)| {
            let event = batch.arg(*event);
            let state = batch.arg(state.as_str());
            let source = batch.arg(source.map(str::to_string));
            let detail = batch.arg(detail.to_string());
            format!("({order}, {at}, {event}, {state}, {actor}, {source}, {detail})")
        })
        .collect();
    batch.push(format!(
        "INSERT INTO order_events (order_id, at, event, state, actor, source, detail) VALUES {}",
        rows.join(", ")
    ));
}

#[cfg(test)]
mod tests {
    use super::path_upper_bound;

    #[test]
    fn a_subtree_is_the_range_below_the_upper_bound() {
        let bound = path_upper_bound("/1/5/");
        assert_eq!(bound, "/1/50");
        for inside in ["/1/5/", "/1/5/23/", "/1/5/9/9/"] {
            assert!(inside >= "/1/5/" && inside < bound.as_str(), "{inside}");
        }
        for outside in ["/1/50/", "/1/6/", "/1/", "/1/4/99/"] {
            assert!(
                !(outside >= "/1/5/" && outside < bound.as_str()),
                "{outside}"
            );
        }
    }
}
