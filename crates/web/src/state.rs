//! What every request shares: a small pool of SQLite connections and the
//! computed indicators, rebuilt when the registry's revision moves.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use indicators::{Computed, Rules};
use registry::snapshot::YearSnapshot;
use registry::AreaCode;
use store::{SqliteStore, Store};
use tokio::sync::Mutex;

/// Connections a server keeps open. SQLite in WAL mode serves many readers
/// at once; writes (imports, sessions) are serialised by SQLite itself.
const CONNECTIONS: usize = 4;

pub struct AppState {
    pub db: PathBuf,
    pool: deadpool::unmanaged::Pool<SqliteStore>,
    indicators: Mutex<Option<Arc<Indicators>>>,
    /// The city the registry covers.
    pub city: AreaCode,
    /// Whether session cookies carry `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Recent imports' error reports (bounded).
    pub reports: std::sync::Mutex<crate::reports::Reports>,
    /// The policy numbers, and the publication rule
    /// (`min_published_schools`), indicators are computed and shown with.
    rules: Rules,
}

/// Every school year's snapshot and the catalogue computed from them.
pub struct Indicators {
    pub revision: i64,
    pub computed: Computed,
    pub snapshots: Vec<YearSnapshot>,
    /// Overviews already assembled, by area and year: they depend only on
    /// the computed values, so they live (and are dropped) with them.
    pub overviews: std::sync::Mutex<HashMap<(String, u16), Arc<crate::pages::overview::OverviewData>>>,
    /// Schools' records by code and year (the parts of a school's page that
    /// are not a page of students), for the same reason; bounded, as a
    /// city has thousands of schools and some have hundreds of teachers.
    pub schools: quick_cache::sync::Cache<(String, u16), Arc<crate::pages::school::SchoolRecords>>,
}

/// Schools whose records a server keeps at once (a large school's are about
/// 100 KB).
const CACHED_SCHOOLS: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("数据库连接池不可用")]
    Pool,
    #[error("后台任务失败：{0}")]
    Task(String),
}

impl AppState {
    pub fn open(db: PathBuf, city: AreaCode, secure_cookies: bool) -> Result<AppState, StateError> {
        let mut stores = Vec::with_capacity(CONNECTIONS);
        for _ in 0..CONNECTIONS {
            stores.push(SqliteStore::open(&db)?);
        }
        Ok(AppState {
            db,
            pool: deadpool::unmanaged::Pool::from(stores),
            indicators: Mutex::new(None),
            city,
            secure_cookies,
            reports: Default::default(),
            rules: Rules::default(),
        })
    }

    /// Computes indicators with these rules (`edugov serve --rules FILE`)
    /// instead of the defaults.
    pub fn with_rules(mut self, rules: Rules) -> AppState {
        self.rules = rules;
        self
    }

    /// Runs `f` with a connection on a blocking thread (rusqlite is
    /// synchronous); the caller handles what `f` returns.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut SqliteStore) -> T + Send + 'static,
    ) -> Result<T, StateError> {
        let mut store = self.pool.get().await.map_err(|_| StateError::Pool)?;
        tokio::task::spawn_blocking(move || {
            let result = f(&mut store);
            drop(store);
            result
        })
        .await
        .map_err(|e| StateError::Task(e.to_string()))
    }

    /// As [`AppState::blocking`], for store calls.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut SqliteStore) -> Result<T, store::StoreError> + Send + 'static,
    ) -> Result<T, StateError> {
        Ok(self.blocking(f).await??)
    }

    /// The computed indicators, fresh: rebuilt (once, whoever asks first)
    /// when an import has moved the registry's revision. `known_revision`
    /// is the one a request's context read with its session
    /// ([`crate::auth::Ctx::revision`]), which saves a page one trip to a
    /// blocking thread; without it the revision is read here.
    pub async fn indicators(&self, known_revision: Option<i64>) -> Result<Arc<Indicators>, StateError> {
        let revision = match known_revision {
            Some(revision) => revision,
            None => self.with_store(|s| s.registry_revision()).await?,
        };
        let mut cached = self.indicators.lock().await;
        if let Some(current) = cached.as_ref().filter(|c| c.revision == revision) {
            return Ok(current.clone());
        }
        let rules = self.rules.clone();
        let fresh = self
            .with_store(move |s| {
                let years = s.school_years()?;
                let snapshots = years
                    .iter()
                    .map(|y| s.year_snapshot(*y))
                    .collect::<Result<Vec<_>, _>>()?;
                let computed = Computed::new(&snapshots, rules);
                Ok(Indicators {
                    revision,
                    computed,
                    snapshots,
                    overviews: Default::default(),
                    schools: quick_cache::sync::Cache::new(CACHED_SCHOOLS),
                })
            })
            .await?;
        let fresh = Arc::new(fresh);
        *cached = Some(fresh.clone());
        Ok(fresh)
    }
}
