//! Customers: companies in a hierarchy (group → company → division →
//! buying unit), users with roles scoped to a unit and inherited downward,
//! cost centers with budgets per period, payment terms, and the EDI and
//! punchout identities that name a company on the wire.

use super::money::Money;
use super::sellers::id_of;
use super::{Actor, Core, CoreError};
use crate::store::{Micros, Tx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

/// A level of the customer hierarchy, from the top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyLevel {
    /// A group of companies.
    Group,
    /// A legal company.
    Company,
    /// A division.
    Division,
    /// A buying unit (department, site).
    Unit,
}

impl CompanyLevel {
    fn as_str(self) -> &'static str {
        match self {
            CompanyLevel::Group => "group",
            CompanyLevel::Company => "company",
            CompanyLevel::Division => "division",
            CompanyLevel::Unit => "unit",
        }
    }
}

/// A role a user holds in a unit and every unit below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Places orders and requests quotes.
    Buyer,
    /// Approves or rejects orders.
    Approver,
    /// Manages users, rules and prices of the unit.
    Admin,
}

impl Role {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }
}

/// A company to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCompany {
    /// Its code, unique across the deployment.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: CompanyLevel,
    /// The code of the company above it, if any.
    pub parent: Option<String>,
    /// The market it buys in (inherited from the parent when absent).
    pub market: Option<String>,
    /// Payment terms: net days.
    pub net_days: Option<u32>,
    /// Credit limit, in the market's currency.
    pub credit_limit: Option<rust_decimal::Decimal>,
    /// Whether it may pay by card.
    #[serde(default)]
    pub card_allowed: bool,
}

/// A company as the core uses it: where it sits in the hierarchy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRef {
    /// Row id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The ids from the top of the hierarchy down to this company.
    pub lineage: Vec<i64>,
    /// The market it buys in, if set on it or above.
    pub market_id: Option<i64>,
}

impl CompanyRef {
    /// This company and those above it, nearest first.
    pub fn nearest_first(&self) -> impl Iterator<Item = i64> + '_ {
        self.lineage.iter().rev().copied()
    }

    fn path(&self) -> String {
        lineage_path(&self.lineage)
    }

    /// The lineage as four bound parameters (the hierarchy has four
    /// levels), padded with 0, which no row has: one SQL text for every
    /// company keeps the prepared-statement cache working.
    pub(crate) fn lineage_slots(&self) -> [i64; LINEAGE_SLOTS] {
        let mut slots = [0; LINEAGE_SLOTS];
        let nearest = self.lineage.iter().rev().take(LINEAGE_SLOTS);
        for (slot, id) in slots.iter_mut().zip(nearest) {
            *slot = *id;
        }
        slots
    }

    /// A `LIKE` pattern matching the `path` of this company and every
    /// company below it.
    pub(crate) fn subtree_pattern(&self) -> String {
        format!("{}%", self.path())
    }
}

/// How many levels a hierarchy has.
pub(crate) const LINEAGE_SLOTS: usize = 4;

/// `($n, $n+1, $n+2, $n+3)`: the placeholders [`bind_lineage`] fills.
pub(crate) fn lineage_in(first: usize) -> String {
    let slots: Vec<String> = (first..first + LINEAGE_SLOTS)
        .map(|n| format!("${n}"))
        .collect();
    format!("({})", slots.join(", "))
}

/// Binds a company's lineage to the placeholders of [`lineage_in`].
pub(crate) fn bind_lineage<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    company: &CompanyRef,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for id in company.lineage_slots() {
        query = query.bind(id);
    }
    query
}

fn lineage_path(lineage: &[i64]) -> String {
    let mut path = String::from("/");
    for id in lineage {
        path.push_str(&id.to_string());
        path.push('/');
    }
    path
}

/// The ids in a materialised path (`/1/5/23/`), from the top down.
pub(crate) fn parse_path(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|p| p.parse().ok()).collect()
}

impl Core {
    /// Creates a company under its parent, or returns the existing one.
    pub async fn create_company(
        &self,
        _by: &Actor,
        new: &NewCompany,
    ) -> Result<CompanyRef, CoreError> {
        let mut tx = self.store.begin().await?;
        if let Some(existing) = company_by_code_opt(&mut tx, &new.code).await? {
            tx.rollback().await?;
            return Ok(existing);
        }
        let parent = match &new.parent {
            Some(code) => Some(company_with_level(&mut tx, code).await?),
            None => None,
        };
        if let Some((parent, level)) = &parent {
            if *level >= new.level {
                return Err(CoreError::Invalid(format!(
                    "company {}: a {} cannot sit under {} ({})",
                    new.code,
                    new.level.as_str(),
                    parent.code,
                    level.as_str()
                )));
            }
        }
        let market_id = match &new.market {
            Some(code) => Some(id_of(&mut tx, "markets", "market", code).await?),
            None => parent.as_ref().and_then(|(p, _)| p.market_id),
        };
        let credit_limit = new
            .credit_limit
            .map(|c| Micros::from_decimal(c).map_err(|e| CoreError::amount("credit_limit", e)))
            .transpose()?;
        let id: i64 = sqlx::query(
            "INSERT INTO companies (code, name, level, parent_id, path, market_id, net_days, credit_limit, card_allowed) \
             VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8) RETURNING id",
        )
        .bind(&new.code)
        .bind(&new.name)
        .bind(new.level.as_str())
        .bind(parent.as_ref().map(|(p, _)| p.id))
        .bind(market_id)
        .bind(new.net_days.map(i64::from))
        .bind(credit_limit.map(|c| c.0))
        .bind(i64::from(new.card_allowed))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let mut lineage = parent.map(|(p, _)| p.lineage).unwrap_or_default();
        lineage.push(id);
        sqlx::query("UPDATE companies SET path = $1 WHERE id = $2")
            .bind(lineage_path(&lineage))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(CompanyRef {
            id,
            code: new.code.clone(),
            name: new.name.clone(),
            lineage,
            market_id,
        })
    }

    /// Adds a user to a company.
    pub async fn add_user(
        &self,
        _by: &Actor,
        login: &str,
        name: &str,
        email: Option<&str>,
        company: &str,
    ) -> Result<i64, CoreError> {
        let mut tx = self.store.begin().await?;
        let company = company_by_code(&mut tx, company).await?;
        let row = sqlx::query(
            "INSERT INTO users (login, name, email, company_id) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (login) DO UPDATE SET name = excluded.name, email = excluded.email RETURNING id, company_id",
        )
        .bind(login)
        .bind(name)
        .bind(email)
        .bind(company.id)
        .fetch_one(&mut *tx)
        .await?;
        if row.try_get::<i64, _>("company_id")? != company.id {
            return Err(CoreError::Exists {
                what: "user",
                key: login.to_string(),
            });
        }
        tx.commit().await?;
        Ok(row.try_get("id")?)
    }

    /// Grants a role in a company and every unit below it.
    pub async fn grant_role(
        &self,
        _by: &Actor,
        login: &str,
        company: &str,
        role: Role,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let user = user_id(&mut tx, login).await?;
        let company = company_by_code(&mut tx, company).await?;
        sqlx::query(
            "INSERT INTO user_roles (user_id, company_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(user)
        .bind(company.id)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a user holds a role for a company, granted on it or above.
    pub async fn has_role(
        &self,
        login: &str,
        company: &str,
        role: Role,
    ) -> Result<bool, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let user = user_id(&mut conn, login).await?;
        let company = company_by_code(&mut conn, company).await?;
        holds_role(&mut conn, user, &company, role).await
    }

    /// Creates a cost center of a company.
    pub async fn create_cost_center(
        &self,
        _by: &Actor,
        company: &str,
        code: &str,
        name: &str,
    ) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        let company = company_by_code(&mut tx, company).await?;
        sqlx::query(
            "INSERT INTO cost_centers (company_id, code, name) VALUES ($1, $2, $3) \
             ON CONFLICT (company_id, code) DO UPDATE SET name = excluded.name",
        )
        .bind(company.id)
        .bind(code)
        .bind(name)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a cost center's budget for a period; what was consumed stays.
    pub async fn set_budget(
        &self,
        _by: &Actor,
        company: &str,
        cost_center: &str,
        period: (NaiveDate, NaiveDate),
        amount: &Money,
    ) -> Result<(), CoreError> {
        if period.1 < period.0 {
            return Err(CoreError::Invalid(format!(
                "budget of {cost_center}: the period ends ({}) before it starts ({})",
                period.1, period.0
            )));
        }
        let micros =
            Micros::from_decimal(amount.amount).map_err(|e| CoreError::amount("budget", e))?;
        let mut tx = self.store.begin().await?;
        let company = company_by_code(&mut tx, company).await?;
        let center = cost_center_id(&mut tx, company.id, cost_center).await?;
        sqlx::query(
            "INSERT INTO budgets (cost_center_id, period_start, period_end, currency, amount) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (cost_center_id, period_start) DO UPDATE SET period_end = excluded.period_end, \
             currency = excluded.currency, amount = excluded.amount",
        )
        .bind(center)
        .bind(period.0.to_string())
        .bind(period.1.to_string())
        .bind(&amount.currency)
        .bind(micros.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A cost center's budget on a day: (amount, consumed).
    pub async fn budget(
        &self,
        company: &str,
        cost_center: &str,
        on: NaiveDate,
    ) -> Result<Option<(Money, Money)>, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let company = company_by_code(&mut conn, company).await?;
        Ok(budget_on(&mut conn, company.id, cost_center, on)
            .await?
            .map(|b| {
                (
                    Money::from_micros(b.amount, &b.currency),
                    Money::from_micros(b.consumed, &b.currency),
                )
            }))
    }

    /// Registers an EDI or punchout identity (`ZZ:ACMEBUYER`,
    /// `NetworkID:AN01000000001`) as naming a company.
    pub async fn add_procurement_identity(
        &self,
        _by: &Actor,
        company: &str,
        kind: super::ChannelKind,
        identity: &str,
    ) -> Result<(), CoreError> {
        let kind = match kind {
            super::ChannelKind::Edi => "edi",
            super::ChannelKind::Punchout => "punchout",
            other => {
                return Err(CoreError::Invalid(format!(
                    "procurement identities are for edi and punchout, not {}",
                    other.as_str()
                )))
            }
        };
        let mut tx = self.store.begin().await?;
        let company = company_by_code(&mut tx, company).await?;
        let row = sqlx::query(
            "INSERT INTO procurement_identities (company_id, kind, identity) VALUES ($1, $2, $3) \
             ON CONFLICT (kind, identity) DO UPDATE SET kind = excluded.kind RETURNING company_id",
        )
        .bind(company.id)
        .bind(kind)
        .bind(identity)
        .fetch_one(&mut *tx)
        .await?;
        if row.try_get::<i64, _>("company_id")? != company.id {
            return Err(CoreError::Exists {
                what: "procurement identity",
                key: identity.to_string(),
            });
        }
        tx.commit().await?;
        Ok(())
    }

    /// The company an EDI or punchout identity names.
    pub async fn company_for_identity(
        &self,
        kind: super::ChannelKind,
        identity: &str,
    ) -> Result<CompanyRef, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        let row = sqlx::query("SELECT c.code FROM procurement_identities p JOIN companies c ON c.id = p.company_id WHERE p.kind = $1 AND p.identity = $2")
            .bind(kind.as_str())
            .bind(identity)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| CoreError::not_found("procurement identity", identity))?;
        let code: String = row.try_get("code")?;
        company_by_code(&mut conn, &code).await
    }

    /// A company by code.
    pub async fn company(&self, code: &str) -> Result<CompanyRef, CoreError> {
        let mut conn = self.store.reader().acquire().await?;
        company_by_code(&mut conn, code).await
    }
}

const COMPANY_COLUMNS: &str = "id, code, name, path, market_id, level";

fn company_from_row(row: &sqlx::any::AnyRow) -> Result<CompanyRef, CoreError> {
    Ok(CompanyRef {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        lineage: parse_path(&row.try_get::<String, _>("path")?),
        market_id: row.try_get("market_id")?,
    })
}

async fn company_by_code_opt(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<CompanyRef>, CoreError> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE code = $1");
    let row = sqlx::query(&sql).bind(code).fetch_optional(conn).await?;
    row.as_ref().map(company_from_row).transpose()
}

/// A company by code, or `NotFound`.
pub(crate) async fn company_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<CompanyRef, CoreError> {
    company_by_code_opt(conn, code)
        .await?
        .ok_or_else(|| CoreError::not_found("company", code))
}

/// A company by id.
pub(crate) async fn company_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<CompanyRef, CoreError> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| CoreError::not_found("company", id.to_string()))?;
    company_from_row(&row)
}

async fn company_with_level(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<(CompanyRef, CompanyLevel), CoreError> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE code = $1");
    let row = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| CoreError::not_found("company", code))?;
    let level: String = row.try_get("level")?;
    let level = serde_json::from_value(serde_json::Value::String(level))?;
    Ok((company_from_row(&row)?, level))
}

/// A user's id by login.
pub(crate) async fn user_id(conn: &mut AnyConnection, login: &str) -> Result<i64, CoreError> {
    let row = sqlx::query("SELECT id FROM users WHERE login = $1")
        .bind(login)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| CoreError::not_found("user", login))?;
    Ok(row.try_get("id")?)
}

/// Whether a user holds a role on the company or above it.
pub(crate) async fn holds_role(
    conn: &mut AnyConnection,
    user: i64,
    company: &CompanyRef,
    role: Role,
) -> Result<bool, CoreError> {
    let sql = format!(
        "SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2 AND company_id IN {} LIMIT 1",
        lineage_in(3)
    );
    let query = sqlx::query(&sql).bind(user).bind(role.as_str());
    let found = bind_lineage(query, company).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// Refuses when the actor is a user lacking the role; partners and the
/// system act under their connector's authority.
pub(crate) async fn require_role(
    tx: &mut Tx,
    by: &Actor,
    company: &CompanyRef,
    role: Role,
    action: &str,
) -> Result<Option<i64>, CoreError> {
    let Some(login) = by.login() else {
        return Ok(None);
    };
    let user = user_id(tx, login).await?;
    if !holds_role(tx, user, company, role).await? {
        return Err(CoreError::Forbidden {
            actor: login.to_string(),
            action: format!(
                "{action} for {} (needs the {} role)",
                company.code,
                role.as_str()
            ),
        });
    }
    Ok(Some(user))
}

async fn cost_center_id(
    conn: &mut AnyConnection,
    company: i64,
    code: &str,
) -> Result<i64, CoreError> {
    let row = sqlx::query("SELECT id FROM cost_centers WHERE company_id = $1 AND code = $2")
        .bind(company)
        .bind(code)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| CoreError::not_found("cost center", code))?;
    Ok(row.try_get("id")?)
}

/// A budget row.
pub(crate) struct Budget {
    pub currency: String,
    pub amount: i64,
    pub consumed: i64,
}

/// The budget of a company's cost center covering a day, locked for the
/// rest of the transaction (on PostgreSQL a second command deciding on
/// the same budget waits, then reads what the first consumed).
pub(crate) async fn budget_locked(
    tx: &mut Tx,
    company: i64,
    cost_center: &str,
    on: NaiveDate,
) -> Result<Option<Budget>, CoreError> {
    let row = sqlx::query(
        "UPDATE budgets SET consumed = consumed WHERE id = (SELECT b.id FROM budgets b \
         JOIN cost_centers c ON c.id = b.cost_center_id WHERE c.company_id = $1 AND c.code = $2 \
         AND b.period_start <= $3 AND b.period_end >= $3 ORDER BY b.period_start DESC LIMIT 1) \
         RETURNING currency, amount, consumed",
    )
    .bind(company)
    .bind(cost_center)
    .bind(on.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| {
        Ok(Budget {
            currency: r.try_get("currency")?,
            amount: r.try_get("amount")?,
            consumed: r.try_get("consumed")?,
        })
    })
    .transpose()
}

/// The budget of a company's cost center covering a day.
pub(crate) async fn budget_on(
    conn: &mut AnyConnection,
    company: i64,
    cost_center: &str,
    on: NaiveDate,
) -> Result<Option<Budget>, CoreError> {
    let day = on.to_string();
    let row = sqlx::query(
        "SELECT b.currency, b.amount, b.consumed FROM budgets b JOIN cost_centers c ON c.id = b.cost_center_id \
         WHERE c.company_id = $1 AND c.code = $2 AND b.period_start <= $3 AND b.period_end >= $3 \
         ORDER BY b.period_start DESC LIMIT 1",
    )
    .bind(company)
    .bind(cost_center)
    .bind(&day)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Budget {
            currency: r.try_get("currency")?,
            amount: r.try_get("amount")?,
            consumed: r.try_get("consumed")?,
        })
    })
    .transpose()
}
