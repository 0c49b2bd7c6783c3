//! Several writes in one round trip. SQLite runs a string of statements
//! in one call; PostgreSQL runs them as data-modifying `WITH` clauses of
//! one statement. Parameters are numbered across the whole batch.

use super::{Backend, Store, Tx};

/// A parameter of a batch.
#[derive(Clone, Debug)]
pub enum Arg {
    /// An integer, or NULL.
    Int(Option<i64>),
    /// A text, or NULL.
    Text(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::Int(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(Some(v.to_string()))
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Some(v))
    }
}

impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        Arg::Text(v)
    }
}

/// The parameters of one query built piece by piece: each [`Params::arg`]
/// returns the placeholder to write, [`Params::bind`] binds them all.
#[derive(Debug, Default)]
pub struct Params(Vec<Arg>);

impl Params {
    /// Adds a parameter; returns its placeholder (`$3`).
    pub fn arg(&mut self, value: impl Into<Arg>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    /// Binds every parameter to `query`, in order.
    pub fn bind<'q>(
        &self,
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for arg in &self.0 {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}

/// Statements (INSERTs and UPDATEs without results) to send together.
#[derive(Debug, Default)]
pub struct Batch {
    statements: Vec<String>,
    args: Vec<Arg>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Adds a parameter; returns its placeholder (`$7`).
    pub fn arg(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// Adds a statement whose placeholders came from [`Batch::arg`].
    pub fn push(&mut self, statement: String) {
        self.statements.push(statement);
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs the batch in the transaction.
    pub async fn run(self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        if self.statements.is_empty() {
            return Ok(());
        }
        let postgres = tx.backend_name() == "PostgreSQL";
        self.query_text(postgres, &mut **tx).await
    }

    /// Runs the batch as a transaction of its own. One statement (or a
    /// PostgreSQL batch, which is one statement) commits by itself, in one
    /// round trip; several SQLite statements go between BEGIN and COMMIT.
    pub async fn commit(self, store: &Store) -> Result<(), sqlx::Error> {
        match (store.backend(), self.statements.len()) {
            (_, 0) => Ok(()),
            (Backend::Postgres, _) => self.query_text(true, store.writer()).await,
            (Backend::Sqlite, 1) => self.query_text(false, store.writer()).await,
            (Backend::Sqlite, _) => {
                let mut tx = store.begin().await?;
                self.run(&mut tx).await?;
                tx.commit().await
            }
        }
    }

    async fn query_text<'c, E>(self, postgres: bool, on: E) -> Result<(), sqlx::Error>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        let sql = match (postgres, self.statements.as_slice()) {
            (_, [one]) => one.clone(),
            (false, all) => all.join(";\n"),
            (true, [init @ .., last]) => {
                let clauses: Vec<String> = init
                    .iter()
                    .enumerate()
                    .map(|(n, s)| format!("w{n} AS ({s})"))
                    .collect();
                format!("WITH {} {last}", clauses.join(", "))
            }
            (true, []) => return Ok(()),
        };
        let mut query = sqlx::query(&sql);
        for arg in self.args {
            query = match arg {
                Arg::Int(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
            };
        }
        query.execute(on).await?;
        Ok(())
    }
}
