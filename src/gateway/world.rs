//! A world file: brands, markets, customers, catalog, prices, stock and API
//! tokens as data, applied through the core's commands. `serve` applies
//! the demo world (`demo/world.toml`) to an empty store, so a fresh machine
//! has someone to trade with; tests and new installations write their own.

use crate::core::{
    Actor, ChannelKind, CompanyLevel, Core, CoreError, NewApprovalRule, NewCompany, NewMarket,
    NewPriceList, NewProduct, Role,
};
use crate::store::Store;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::Path;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    #[serde(default)]
    brands: Vec<Brand>,
    #[serde(default)]
    markets: Vec<NewMarket>,
    #[serde(default)]
    channels: Vec<Channels>,
    #[serde(default)]
    companies: Vec<NewCompany>,
    #[serde(default)]
    users: Vec<User>,
    #[serde(default)]
    identities: Vec<Identity>,
    #[serde(default)]
    warehouses: Vec<Warehouse>,
    #[serde(default)]
    products: Vec<NewProduct>,
    #[serde(default)]
    price_lists: Vec<PriceList>,
    #[serde(default)]
    assortments: Vec<Assortment>,
    #[serde(default)]
    budgets: Vec<Budget>,
    #[serde(default)]
    stock: Vec<Stock>,
    #[serde(default)]
    approval_rules: Vec<NewApprovalRule>,
    #[serde(default)]
    tokens: Vec<Token>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Brand {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Channels {
    brand: String,
    market: String,
    kinds: Vec<ChannelKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct User {
    login: String,
    name: String,
    #[serde(default)]
    email: Option<String>,
    company: String,
    #[serde(default)]
    roles: Vec<Role>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Identity {
    company: String,
    kind: ChannelKind,
    identity: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Warehouse {
    code: String,
    name: String,
    #[serde(default)]
    brand: Option<String>,
}

// No `deny_unknown_fields`: serde cannot check them across `flatten`.
#[derive(Debug, Deserialize)]
struct PriceList {
    #[serde(flatten)]
    list: NewPriceList,
    #[serde(default)]
    prices: Vec<Price>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Price {
    sku: String,
    price: Decimal,
    #[serde(default)]
    from_quantity: Decimal,
}

/// A shared catalog and the companies limited to it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Assortment {
    code: String,
    name: String,
    skus: Vec<String>,
    #[serde(default)]
    companies: Vec<String>,
}

/// A cost center with its budget for a period.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Budget {
    company: String,
    cost_center: String,
    name: String,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    amount: Decimal,
    currency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stock {
    warehouse: String,
    sku: String,
    on_hand: Decimal,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Token {
    label: String,
    /// The token itself: only in demo and test worlds, whose tokens are
    /// public anyway. Production tokens are made with `edigate token`.
    token: String,
    /// The company it is scoped to; staff (the seller) when absent.
    #[serde(default)]
    company: Option<String>,
}

/// Why a world file does not apply.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// Not readable or not valid TOML for a world.
    #[error("{file}:{line}: {message}")]
    File {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A command refused an entry.
    #[error("{file}: {what}: {error}")]
    Command {
        /// The file.
        file: String,
        /// The entry.
        what: String,
        /// What the core said.
        error: CoreError,
    },
}

impl World {
    /// Reads a world file.
    pub fn read(path: &Path) -> Result<World, WorldError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| WorldError::File {
            file: file.clone(),
            line: 0,
            message: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| WorldError::File {
            line: e
                .span()
                .map_or(0, |s| text[..s.start].matches('\n').count() + 1),
            file,
            message: e.message().to_string(),
        })
    }

    /// Applies every entry, in dependency order. `file` names the source in
    /// errors.
    pub async fn apply(&self, core: &Core, file: &str) -> Result<(), WorldError> {
        let by = Actor::system("world");
        let fail = |what: String| refused(file, what);
        for b in &self.brands {
            core.create_brand(&by, &b.code, &b.name)
                .await
                .map_err(fail(format!("brand {}", b.code)))?;
        }
        for m in &self.markets {
            core.create_market(&by, m)
                .await
                .map_err(fail(format!("market {}", m.code)))?;
        }
        for c in &self.channels {
            for kind in &c.kinds {
                core.open_channel(&by, &c.brand, &c.market, *kind)
                    .await
                    .map_err(fail(format!("channel {} {}", c.brand, c.market)))?;
            }
        }
        self.apply_customers(core, &by, file).await?;
        self.apply_catalog(core, &by, file).await?;
        for r in &self.approval_rules {
            core.create_approval_rule(&by, r)
                .await
                .map_err(fail(format!("approval rule {}", r.code)))?;
        }
        for t in &self.tokens {
            create_token(core.store(), &t.label, &t.token, t.company.as_deref())
                .await
                .map_err(|e| fail(format!("token {}", t.label))(e.into()))?;
        }
        Ok(())
    }

    async fn apply_customers(&self, core: &Core, by: &Actor, file: &str) -> Result<(), WorldError> {
        let fail = |what: String| refused(file, what);
        let mut companies: Vec<&NewCompany> = self.companies.iter().collect();
        companies.sort_by_key(|c| level_rank(c.level));
        for c in companies {
            core.create_company(by, c)
                .await
                .map_err(fail(format!("company {}", c.code)))?;
        }
        for u in &self.users {
            core.add_user(by, &u.login, &u.name, u.email.as_deref(), &u.company)
                .await
                .map_err(fail(format!("user {}", u.login)))?;
            for role in &u.roles {
                core.grant_role(by, &u.login, &u.company, *role)
                    .await
                    .map_err(fail(format!("user {}", u.login)))?;
            }
        }
        for i in &self.identities {
            core.add_procurement_identity(by, &i.company, i.kind, &i.identity)
                .await
                .map_err(fail(format!("identity {}", i.identity)))?;
        }
        Ok(())
    }

    async fn apply_catalog(&self, core: &Core, by: &Actor, file: &str) -> Result<(), WorldError> {
        let fail = |what: String| refused(file, what);
        for w in &self.warehouses {
            core.create_warehouse(by, &w.code, &w.name, w.brand.as_deref())
                .await
                .map_err(fail(format!("warehouse {}", w.code)))?;
        }
        // Parts before the bundles made of them.
        let mut products: Vec<&NewProduct> = self.products.iter().collect();
        products.sort_by_key(|p| !p.parts.is_empty());
        for p in products {
            core.create_product(by, p)
                .await
                .map_err(fail(format!("product {}", p.sku)))?;
        }
        for l in &self.price_lists {
            core.create_price_list(by, &l.list)
                .await
                .map_err(fail(format!("price list {}", l.list.code)))?;
            for p in &l.prices {
                core.set_price(by, &l.list.code, &p.sku, p.from_quantity, p.price)
                    .await
                    .map_err(fail(format!("price {} {}", l.list.code, p.sku)))?;
            }
        }
        for a in &self.assortments {
            let skus: Vec<&str> = a.skus.iter().map(String::as_str).collect();
            core.create_assortment(by, &a.code, &a.name, &skus)
                .await
                .map_err(fail(format!("assortment {}", a.code)))?;
            for company in &a.companies {
                core.assign_assortment(by, company, &a.code)
                    .await
                    .map_err(fail(format!("assortment {} of {company}", a.code)))?;
            }
        }
        for b in &self.budgets {
            let what = || format!("budget {} of {}", b.cost_center, b.company);
            core.create_cost_center(by, &b.company, &b.cost_center, &b.name)
                .await
                .map_err(fail(what()))?;
            let amount = crate::core::Money::new(b.amount, &b.currency);
            core.set_budget(by, &b.company, &b.cost_center, (b.from, b.to), &amount)
                .await
                .map_err(fail(what()))?;
        }
        for s in &self.stock {
            core.set_on_hand(by, &s.warehouse, &s.sku, s.on_hand, None)
                .await
                .map_err(fail(format!("stock {} {}", s.warehouse, s.sku)))?;
        }
        Ok(())
    }
}

/// Turns a core error into one naming the file and the entry.
fn refused(file: &str, what: String) -> impl FnOnce(CoreError) -> WorldError + '_ {
    move |error| WorldError::Command {
        file: file.to_string(),
        what,
        error,
    }
}

fn level_rank(level: CompanyLevel) -> u8 {
    match level {
        CompanyLevel::Group => 0,
        CompanyLevel::Company => 1,
        CompanyLevel::Division => 2,
        CompanyLevel::Unit => 3,
    }
}

/// Whether the store holds no brand yet (a fresh installation).
pub async fn is_empty(store: &Store) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM brands")
        .fetch_one(store.reader())
        .await?
        .try_get("n")?;
    Ok(n == 0)
}

/// Stores an API token's digest (never the token) with its scope.
pub async fn create_token(
    store: &Store,
    label: &str,
    token: &str,
    company: Option<&str>,
) -> Result<(), sqlx::Error> {
    let mut tx = store.begin().await?;
    sqlx::query(
        "INSERT INTO api_tokens (digest, label, company, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (digest) DO UPDATE SET label = excluded.label, company = excluded.company",
    )
    .bind(super::auth::digest(token))
    .bind(label)
    .bind(company)
    .bind(crate::store::now_micros())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
