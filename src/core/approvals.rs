//! Approvals: rules as data (order total over a limit, over the cost
//! center's remaining budget, a restricted category, the first order to a
//! new ship-to), evaluated at placement into an approval chain; approve and
//! reject commands; budgets consumed on approval and released on cancel.

use super::customers::{
    bind_lineage, budget_locked, company_by_code, company_by_id, holds_role, lineage_in, user_id,
    CompanyRef, Role,
};
use super::orders::{lock_order, transition, OrderRow};
use super::states::{OrderState, Step};
use super::{once, Actor, Core, CoreError};
use crate::store::{now_micros, Micros, Tx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;

/// What an approval rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalRuleKind {
    /// The order's total is over `amount`.
    TotalOver,
    /// What a cost center is charged is over its remaining budget.
    OverBudget,
    /// A line's UNSPSC code starts with `category`.
    RestrictedCategory,
    /// The company never ordered to this ship-to before.
    NewShipTo,
}

impl ApprovalRuleKind {
    fn as_str(self) -> &'static str {
        match self {
            ApprovalRuleKind::TotalOver => "total_over",
            ApprovalRuleKind::OverBudget => "over_budget",
            ApprovalRuleKind::RestrictedCategory => "restricted_category",
            ApprovalRuleKind::NewShipTo => "new_ship_to",
        }
    }
}

/// An approval rule to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApprovalRule {
    /// Its code.
    pub code: String,
    /// Applies to orders of this company and below; all when `None`.
    pub company: Option<String>,
    /// What it looks at.
    pub kind: ApprovalRuleKind,
    /// Who approves.
    pub approver_role: Role,
    /// For `total_over`: the limit.
    pub amount: Option<Decimal>,
    /// For `restricted_category`: the UNSPSC prefix.
    pub category: Option<String>,
    /// Its step in the chain; lower steps approve first.
    pub step: u32,
}

/// One step of an order's approval chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalStep {
    /// Position in the chain.
    pub step: i64,
    /// The rule that asked for it.
    pub rule: String,
    /// Why, in words.
    pub reason: String,
    /// Who approves.
    pub approver_role: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// Their comment or reason.
    pub comment: Option<String>,
}

/// What the rules need of each order line.
pub(crate) struct LineFacts {
    pub sku: String,
    pub unspsc: Option<String>,
    pub amount: Micros,
    pub cost_center: Option<String>,
}

/// An approval the rules ask for.
pub(crate) struct Needed {
    step: i64,
    rule: String,
    reason: String,
    role: String,
}

impl Core {
    /// Creates an approval rule; it applies from the next order on.
    pub async fn create_approval_rule(
        &self,
        by: &Actor,
        rule: &NewApprovalRule,
    ) -> Result<(), CoreError> {
        let needs = match rule.kind {
            ApprovalRuleKind::TotalOver if rule.amount.is_none() => Some("an amount"),
            ApprovalRuleKind::RestrictedCategory if rule.category.is_none() => Some("a category"),
            _ => None,
        };
        if let Some(needs) = needs {
            return Err(CoreError::Invalid(format!(
                "approval rule {} ({}) needs {needs}",
                rule.code,
                rule.kind.as_str()
            )));
        }
        let amount = rule
            .amount
            .map(|a| Micros::from_decimal(a).map_err(|e| CoreError::amount("amount", e)))
            .transpose()?;
        let mut tx = self.store.begin().await?;
        let company = match &rule.company {
            Some(code) => Some(company_by_code(&mut tx, code).await?),
            None => None,
        };
        if let (Some(company), Some(_)) = (&company, by.login()) {
            super::customers::require_role(
                &mut tx,
                by,
                company,
                Role::Admin,
                "change approval rules",
            )
            .await?;
        }
        sqlx::query(
            "INSERT INTO approval_rules (code, company_id, kind, approver_role, amount, category, step) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (code) DO UPDATE SET company_id = excluded.company_id, kind = excluded.kind, approver_role = excluded.approver_role, \
             amount = excluded.amount, category = excluded.category, step = excluded.step",
        )
        .bind(&rule.code)
        .bind(company.as_ref().map(|c| c.id))
        .bind(rule.kind.as_str())
        .bind(rule.approver_role.as_str())
        .bind(amount.map(|a| a.0))
        .bind(&rule.category)
        .bind(i64::from(rule.step))
        .execute(&mut *tx)
        .await?;
        super::pricing::audit(
            &mut tx,
            by,
            "approval_rule",
            &rule.code,
            "set_approval_rule",
            None,
            Some(serde_json::to_string(rule)?),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Approves an order's current step for the roles the approver holds;
    /// the order is approved when no step is left.
    pub async fn approve_order(
        &self,
        key: Option<&str>,
        by: &Actor,
        number: &str,
        comment: Option<&str>,
    ) -> Result<OrderState, CoreError> {
        once!(self, key, "approve_order", |tx| decide(
            &mut tx, by, number, true, comment
        )
        .await)
    }

    /// Rejects an order, with the reason; its reservations are released.
    pub async fn reject_order(
        &self,
        key: Option<&str>,
        by: &Actor,
        number: &str,
        reason: &str,
    ) -> Result<OrderState, CoreError> {
        once!(self, key, "reject_order", |tx| decide(
            &mut tx,
            by,
            number,
            false,
            Some(reason)
        )
        .await)
    }

    /// An order's approval chain.
    pub async fn approvals(&self, number: &str) -> Result<Vec<ApprovalStep>, CoreError> {
        let rows = sqlx::query(
            "SELECT a.step, a.rule_code, a.reason, a.approver_role, a.state, a.decided_by, a.comment FROM approvals a \
             WHERE a.order_id = $1 ORDER BY a.step, a.rule_code",
        )
        .bind(super::orders::order_id(number).unwrap_or(0))
        .fetch_all(self.store.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApprovalStep {
                    step: r.try_get("step")?,
                    rule: r.try_get("rule_code")?,
                    reason: r.try_get("reason")?,
                    approver_role: r.try_get("approver_role")?,
                    state: r.try_get("state")?,
                    decided_by: r.try_get("decided_by")?,
                    comment: r.try_get("comment")?,
                })
            })
            .collect()
    }
}

async fn decide(
    tx: &mut Tx,
    by: &Actor,
    number: &str,
    approve: bool,
    comment: Option<&str>,
) -> Result<OrderState, CoreError> {
    let order = lock_order(tx, number).await?;
    let step = if approve { Step::Approve } else { Step::Reject };
    if order.state != OrderState::PendingApproval {
        return Err(CoreError::IllegalTransition {
            order: number.to_string(),
            state: order.state.to_string(),
            step: step.participle(),
        });
    }
    let login = by.login().ok_or_else(|| CoreError::Forbidden {
        actor: by.as_str().to_string(),
        action: format!("decide approvals of {number} (only users approve)"),
    })?;
    let user = user_id(tx, login).await?;
    let company = company_by_id(tx, order.company_id).await?;
    let pending = sqlx::query("SELECT step, rule_code, approver_role FROM approvals WHERE order_id = $1 AND state = 'pending' ORDER BY step")
        .bind(order.id)
        .fetch_all(&mut **tx)
        .await?;
    let current: i64 = pending
        .first()
        .map(|r| r.try_get("step"))
        .transpose()?
        .unwrap_or(0);
    let mut decided = Vec::new();
    for row in pending
        .iter()
        .filter(|r| r.try_get::<i64, _>("step").ok() == Some(current))
    {
        let role_word: String = row.try_get("approver_role")?;
        let role: Role = serde_json::from_value(serde_json::Value::String(role_word))?;
        if holds_role(tx, user, &company, role).await? {
            decided.push(row.try_get::<String, _>("rule_code")?);
        }
    }
    if decided.is_empty() {
        return Err(CoreError::Forbidden {
            actor: login.to_string(),
            action: format!(
                "decide step {current} of order {number} (needs the role the step names)"
            ),
        });
    }
    let verdict = if approve { "approved" } else { "rejected" };
    for rule in &decided {
        sqlx::query("UPDATE approvals SET state = $1, decided_by = $2, decided_at = $3, comment = $4 WHERE order_id = $5 AND step = $6 AND rule_code = $7")
            .bind(verdict)
            .bind(login)
            .bind(now_micros())
            .bind(comment)
            .bind(order.id)
            .bind(current)
            .bind(rule)
            .execute(&mut **tx)
            .await?;
    }
    let detail = serde_json::json!({ "step": current, "rules": decided, "comment": comment });
    if !approve {
        super::inventory::release(tx, order.id, None).await?;
        return transition(tx, &order, Step::Reject, by, None, detail).await;
    }
    let left =
        sqlx::query("SELECT 1 FROM approvals WHERE order_id = $1 AND state = 'pending' LIMIT 1")
            .bind(order.id)
            .fetch_optional(&mut **tx)
            .await?;
    if left.is_some() {
        super::orders::record_event(tx, &order, "approval step approved", by, None, detail).await?;
        return Ok(order.state);
    }
    charge_budgets(tx, &order).await?;
    transition(tx, &order, Step::Approve, by, None, detail).await
}

/// The approvals an order needs, by the rules of its company and above.
/// An approval rule as evaluation reads it.
pub(crate) struct Rule {
    code: String,
    kind: String,
    role: String,
    amount: Option<i64>,
    category: Option<String>,
    step: i64,
}

/// The approval rules of a company and those above it, in chain order.
pub(crate) async fn rules_for(
    conn: &mut sqlx::AnyConnection,
    company: &CompanyRef,
) -> Result<Vec<Rule>, CoreError> {
    let sql = format!(
        "SELECT code, kind, approver_role, amount, category, step FROM approval_rules \
         WHERE company_id IS NULL OR company_id IN {} ORDER BY step, code",
        lineage_in(1)
    );
    let rows = bind_lineage(sqlx::query(&sql), company)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Rule {
                code: r.try_get("code")?,
                kind: r.try_get("kind")?,
                role: r.try_get("approver_role")?,
                amount: r.try_get("amount")?,
                category: r.try_get("category")?,
                step: r.try_get("step")?,
            })
        })
        .collect()
}

/// What `rules` will ask of a cart of `lines` totalling `total`, said
/// before it is ordered. Only the rules a cart alone decides (total and
/// category); budgets are shown beside the cart, ship-tos come later.
pub(crate) fn foreseen(
    rules: &[Rule],
    total: Micros,
    currency: &str,
    lines: &[LineFacts],
) -> Vec<String> {
    rules
        .iter()
        .filter_map(|rule| {
            let reason = match rule.kind.as_str() {
                "total_over" => {
                    let limit = Micros(rule.amount.unwrap_or(0));
                    (total > limit).then(|| format!("the total {total} {currency} is over {limit}"))
                }
                "restricted_category" => {
                    let category = rule.category.as_deref().unwrap_or_default();
                    let lines: Vec<&str> = lines
                        .iter()
                        .filter(|l| l.unspsc.as_deref().is_some_and(|u| u.starts_with(category)))
                        .map(|l| l.sku.as_str())
                        .collect();
                    (!lines.is_empty())
                        .then(|| format!("{} in restricted category {category}", lines.join(", ")))
                }
                _ => None,
            }?;
            Some(format!(
                "needs approval by a {} ({}): {reason}",
                rule.role, rule.code
            ))
        })
        .collect()
}

/// The approvals an order needs by `rules`; the budget and ship-to rules
/// read the store inside the command's transaction.
pub(crate) async fn evaluate(
    tx: &mut Tx,
    company: &CompanyRef,
    order: &OrderRow,
    lines: &[LineFacts],
    rules: &[Rule],
) -> Result<Vec<Needed>, CoreError> {
    let mut needed = Vec::new();
    for rule in rules {
        let reason = match rule.kind.as_str() {
            "total_over" => {
                let limit = Micros(rule.amount.unwrap_or(0));
                (order.total > limit)
                    .then(|| format!("total {} {} is over {}", order.total, order.currency, limit))
            }
            "over_budget" => over_budget(tx, company, order, lines).await?,
            "restricted_category" => {
                let category = rule.category.clone().unwrap_or_default();
                lines
                    .iter()
                    .find(|l| {
                        l.unspsc
                            .as_deref()
                            .is_some_and(|u| u.starts_with(&category))
                    })
                    .map(|l| format!("{} is in restricted category {category}", l.sku))
            }
            "new_ship_to" => new_ship_to(tx, order).await?,
            _ => None,
        };
        if let Some(reason) = reason {
            needed.push(Needed {
                step: rule.step,
                rule: rule.code.clone(),
                reason,
                role: rule.role.clone(),
            });
        }
    }
    Ok(needed)
}

impl Needed {
    /// The approval a credit hold asks for: an admin of the company
    /// decides first.
    pub(crate) fn credit_hold(reason: String) -> Needed {
        Needed {
            step: 0,
            rule: "CREDIT-LIMIT".into(),
            reason,
            role: Role::Admin.as_str().into(),
        }
    }

    /// Why, in words.
    pub(crate) fn reason(&self) -> &str {
        &self.reason
    }
}

/// Writes the chain.
pub(crate) async fn record_chain(
    tx: &mut Tx,
    order_id: i64,
    needed: &[Needed],
) -> Result<(), CoreError> {
    for n in needed {
        sqlx::query(
            "INSERT INTO approvals (order_id, step, rule_code, reason, approver_role, state) VALUES ($1, $2, $3, $4, $5, 'pending') \
             ON CONFLICT (order_id, step, rule_code) DO UPDATE SET reason = excluded.reason, state = 'pending', \
             decided_by = NULL, decided_at = NULL, comment = NULL",
        )
            .bind(order_id)
            .bind(n.step)
            .bind(&n.rule)
            .bind(&n.reason)
            .bind(&n.role)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// After a change to an approved order: runs its company's rules on the
/// order as it now stands. When one matches, the order goes back to
/// pending approval (its budgets are charged again on approval);
/// otherwise its budgets are charged for the new amounts. Returns the
/// state it is left in.
pub(crate) async fn recheck(
    tx: &mut Tx,
    by: &Actor,
    order: &OrderRow,
    total: Micros,
) -> Result<OrderState, CoreError> {
    let company = company_by_id(tx, order.company_id).await?;
    let rules = rules_for(tx, &company).await?;
    let lines = sqlx::query(
        "SELECT l.sku, p.unspsc, l.amount, l.cost_center FROM order_lines l JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = $1 AND l.status <> 'cancelled'",
    )
    .bind(order.id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| {
        Ok(LineFacts {
            sku: r.try_get("sku")?,
            unspsc: r.try_get("unspsc")?,
            amount: Micros(r.try_get("amount")?),
            cost_center: r.try_get("cost_center")?,
        })
    })
    .collect::<Result<Vec<_>, CoreError>>()?;
    release_budgets(tx, order).await?;
    let now = OrderRow {
        total,
        state: OrderState::Approved,
        ..order.clone()
    };
    let needed = evaluate(tx, &company, &now, &lines, &rules).await?;
    if needed.is_empty() {
        charge_budgets(tx, &now).await?;
        return Ok(OrderState::Approved);
    }
    record_chain(tx, order.id, &needed).await?;
    let reasons: Vec<&str> = needed.iter().map(|n| n.reason()).collect();
    transition(
        tx,
        &now,
        Step::HoldForApproval,
        by,
        None,
        serde_json::json!({ "reasons": reasons }),
    )
    .await
}

/// What each cost center is charged by an order.
fn charges(order: &OrderRow, lines: &[LineFacts]) -> BTreeMap<String, Micros> {
    let mut by_center: BTreeMap<String, Micros> = BTreeMap::new();
    for line in lines {
        if let Some(center) = line
            .cost_center
            .clone()
            .or_else(|| order.cost_center.clone())
        {
            let charge = by_center.entry(center).or_default();
            // Placement refused totals that overflow, so a part cannot.
            charge.0 = charge.0.saturating_add(line.amount.0);
        }
    }
    by_center
}

async fn over_budget(
    tx: &mut Tx,
    company: &CompanyRef,
    order: &OrderRow,
    lines: &[LineFacts],
) -> Result<Option<String>, CoreError> {
    for (center, charge) in charges(order, lines) {
        if let Some(budget) = budget_locked(tx, company.id, &center, order.placed_on).await? {
            let remaining = Micros(budget.amount - budget.consumed);
            if charge > remaining {
                return Ok(Some(format!(
                    "cost center {center} would be charged {charge} {}, over the {remaining} left of its budget",
                    budget.currency
                )));
            }
        }
    }
    Ok(None)
}

async fn new_ship_to(tx: &mut Tx, order: &OrderRow) -> Result<Option<String>, CoreError> {
    let Some(key) = &order.ship_to_key else {
        return Ok(None);
    };
    let seen = sqlx::query(
        "SELECT 1 FROM orders WHERE company_id = $1 AND ship_to_key = $2 AND id <> $3 AND state NOT IN ('rejected', 'cancelled') LIMIT 1",
    )
    .bind(order.company_id)
    .bind(key)
    .bind(order.id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(seen
        .is_none()
        .then(|| format!("first order to ship-to {key}")))
}

/// Consumes the budgets of the cost centers an approved order charges.
pub(crate) async fn charge_budgets(tx: &mut Tx, order: &OrderRow) -> Result<(), CoreError> {
    let lines = sqlx::query(
        "SELECT sku, amount, cost_center FROM order_lines WHERE order_id = $1 AND status <> 'cancelled'",
    )
    .bind(order.id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| {
        Ok(LineFacts {
            sku: r.try_get("sku")?,
            unspsc: None,
            amount: Micros(r.try_get("amount")?),
            cost_center: r.try_get("cost_center")?,
        })
    })
    .collect::<Result<Vec<_>, CoreError>>()?;
    let charged = charge(tx, order, &lines).await?;
    store_charges(tx, order.id, &charged).await
}

/// Consumes what `lines` charge each cost center with a budget for the
/// order's day; returns `(budget id, amount)` to give back on cancel.
pub(crate) async fn charge(
    tx: &mut Tx,
    order: &OrderRow,
    lines: &[LineFacts],
) -> Result<Vec<(i64, i64)>, CoreError> {
    let mut charged = Vec::new();
    for (center, amount) in charges(order, lines) {
        let row = sqlx::query(
            "UPDATE budgets SET consumed = consumed + $1 WHERE id = (SELECT b.id FROM budgets b \
             JOIN cost_centers c ON c.id = b.cost_center_id WHERE c.company_id = $2 AND c.code = $3 \
             AND b.period_start <= $4 AND b.period_end >= $4 ORDER BY b.period_start DESC LIMIT 1) RETURNING id",
        )
        .bind(amount.0)
        .bind(order.company_id)
        .bind(&center)
        .bind(order.placed_on.to_string())
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(row) = row {
            charged.push((row.try_get("id")?, amount.0));
        }
    }
    Ok(charged)
}

/// Gives back what an order consumed of its budgets.
pub(crate) async fn release_budgets(tx: &mut Tx, order: &OrderRow) -> Result<(), CoreError> {
    // Read from the row: a command may have charged anew since it locked it.
    let charges: String = sqlx::query("SELECT budget_charges FROM orders WHERE id = $1")
        .bind(order.id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("budget_charges")?;
    let charged: Vec<(i64, i64)> = serde_json::from_str(&charges)?;
    for (budget, amount) in &charged {
        sqlx::query("UPDATE budgets SET consumed = consumed - $1 WHERE id = $2")
            .bind(amount)
            .bind(budget)
            .execute(&mut **tx)
            .await?;
    }
    store_charges(tx, order.id, &[]).await
}

async fn store_charges(
    tx: &mut Tx,
    order_id: i64,
    charged: &[(i64, i64)],
) -> Result<(), CoreError> {
    sqlx::query("UPDATE orders SET budget_charges = $1 WHERE id = $2")
        .bind(serde_json::to_string(charged)?)
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The day an order's budget period is looked up by.
pub(crate) fn day_of(micros: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}
