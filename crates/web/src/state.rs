//! What every request shares: a small pool of SQLite connections for
//! reads, the imports' own bounded queue and connections, the bound on
//! password hashing, the server's limits ([`ServerConfig`]) and the computed
//! indicators, rebuilt when the registry's revision moves.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicators::{Computed, Rules};
use registry::snapshot::YearSnapshot;
use registry::AreaCode;
use store::prelude::*;
use store::DatabaseUrl;
use tokio::sync::Mutex;

use crate::views::{OverviewData, SchoolRecords};

/// The limits that keep the server reachable (issue 10, points 4 and 6);
/// `edugov serve` sets them from its flags (docs/web.md lists them).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Connections a server keeps open for pages, the API and sessions
    /// (`edugov serve --pool-size`, `pool_size` in the settings). SQLite in
    /// WAL mode serves many readers at once and serialises writes itself;
    /// on PostgreSQL each is a server connection, so pool size × servers
    /// must stay below `max_connections` (docs/deploy.md). Imports have
    /// their own ([`ServerConfig::import_slots`]), so a queue of large files
    /// cannot take these (issue 10, point 4).
    pub pool_size: usize,
    /// Time a client has to send a request's headers; also how long an idle
    /// keep-alive connection is kept (hyper starts the same timer while it
    /// waits for the next request). Slow or idle connections are closed.
    pub header_timeout: Duration,
    /// Time to read a request's body and answer it, for every route but the import.
    pub request_timeout: Duration,
    /// The same for an upload to `/import` (a county's file, waiting in the queue too).
    pub import_timeout: Duration,
    /// Connections served at once; more wait to be accepted. Kept below the
    /// open-files limit ([`crate::server::connection_limit`]), so accepting
    /// never fails for want of file descriptors.
    pub max_connections: usize,
    /// Imports that run at once, each with its own database connection.
    pub import_slots: usize,
    /// Imports that may wait for a slot; more are refused ("try later").
    pub import_queue: usize,
    /// An import that waited this long for its slot says so on its result page.
    pub import_wait_note: Duration,
    /// Password checks (argon2id, ~60 ms of a core and 19 MiB each) at once.
    pub hash_slots: usize,
    /// Logins that may wait for a hashing slot; more answer 429 at once.
    pub hash_queue: usize,
    /// How long a login waits for a hashing slot before answering 429.
    pub hash_wait: Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed ([`crate::client`]).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How failed logins are slowed down.
    pub login_policy: accounts::Policy,
    /// What an uploaded file may hold (README, "Import limits").
    pub read_limits: import_export::ReadLimits,
    /// How many transfer requests an officer's upload may file.
    pub transfer_limits: import_export::TransferLimits,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ServerConfig {
            pool_size: 4,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            import_timeout: Duration::from_secs(30 * 60),
            max_connections: 4096,
            import_slots: 1,
            import_queue: 8,
            import_wait_note: Duration::from_secs(1),
            // Half the cores (at least one): hashing never takes every core
            // from signed-in users' pages.
            hash_slots: (cores / 2).max(1),
            hash_queue: 16,
            hash_wait: Duration::from_secs(5),
            trusted_proxies: Vec::new(),
            login_policy: accounts::Policy::default(),
            read_limits: import_export::ReadLimits::default(),
            transfer_limits: import_export::TransferLimits::default(),
        }
    }
}

/// A pooled connection, lent to one blocking thread at a time. When the
/// pool goes (the server stops, its state is dropped in its runtime) each
/// is closed on a thread of its own: closing a PostgreSQL connection blocks
/// on the client's own small runtime, which panics on a thread that drives
/// one.
struct Conn(Option<Box<dyn Store>>);

impl std::ops::Deref for Conn {
    type Target = dyn Store;

    fn deref(&self) -> &(dyn Store + 'static) {
        self.0
            .as_deref()
            .unwrap_or_else(|| unreachable!("taken only when dropped"))
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut (dyn Store + 'static) {
        self.0
            .as_deref_mut()
            .unwrap_or_else(|| unreachable!("taken only when dropped"))
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let Some(store) = self.0.take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::Builder::new()
                .name("edugov-close".to_owned())
                .spawn(move || drop(store));
        }
    }
}

/// Why a bounded queue refused to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// This many are already running or waiting.
    QueueFull(usize),
    /// Waited the longest allowed.
    TimedOut,
}

/// Counts a waiter while it waits (also when its request is dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    /// Joins a queue that holds at most `max` waiters.
    fn join(counter: &'a AtomicUsize, max: usize) -> Result<Waiting<'a>, usize> {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < max).then_some(n + 1))
            .map(|_| Waiting(counter))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A client's login in flight ([`AppState::login_turn`]); the turn ends
/// when it is dropped.
pub struct LoginTurn {
    clients: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    client: String,
}

impl Drop for LoginTurn {
    fn drop(&mut self) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.remove(&self.client);
        }
    }
}

pub struct AppState {
    pub db: DatabaseUrl,
    pool: deadpool::unmanaged::Pool<Conn>,
    /// The imports' connections: one per import slot.
    import_pool: deadpool::unmanaged::Pool<Conn>,
    imports_waiting: AtomicUsize,
    /// Uploads being received or imported: each holds its file in memory
    /// (up to the upload limit), so only as many as the import slots and
    /// queue can take are read at all.
    uploads: Arc<tokio::sync::Semaphore>,
    hashing: tokio::sync::Semaphore,
    hashes_waiting: AtomicUsize,
    /// Clients with a login being checked: one at a time each, so parallel
    /// guesses cannot all pass the throttle before any failure is recorded.
    logins_in_flight: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    pub config: ServerConfig,
    indicators: Mutex<Option<Arc<Indicators>>>,
    /// The city the registry covers.
    pub city: AreaCode,
    /// Whether session cookies carry `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// The demo mark as last read (`X-Edugov-Demo` on every answer).
    pub demo: DemoMark,
    /// Recent imports' error reports (bounded).
    pub reports: std::sync::Mutex<crate::reports::Reports>,
    /// The policy numbers, and the publication rule
    /// (`min_published_schools`), indicators are computed and shown with.
    rules: Rules,
    /// The current forecast ([`AppState::forecast`]), kept while the
    /// registry, the projects and the date are the same.
    forecast: Mutex<Option<Arc<CurrentForecast>>>,
    /// Admission inputs versions and runs as loaded ([`AppState::admission_inputs`],
    /// [`AppState::admission_run`]): stored once and never changed, so kept
    /// by id while there is room (a city's run is megabytes of JSON to read
    /// and parse; a page of its candidates should not read it again).
    admission_inputs: quick_cache::sync::Cache<i64, Arc<admission::Inputs>>,
    admission_runs: quick_cache::sync::Cache<i64, Arc<LoadedRun>>,
    /// Each inputs version's check report and the policy it was checked with.
    admission_checks: quick_cache::sync::Cache<i64, AdmissionCheck>,
}

/// A version's check: the policy used and the report.
pub type AdmissionCheck = (Arc<admission::Policy>, Arc<admission::CheckReport>);

/// Check reports kept (each at most `CheckReport::MAX_PROBLEMS` rows).
const CACHED_ADMISSION_CHECKS: usize = 64;

/// A stored admission run with what every page of it needs, made once when
/// it is loaded: its inputs, the city-wide summary (`admission::summarize`,
/// the quota cost with it) and the candidates by examination number.
pub struct LoadedRun {
    pub run: store::admission::AdmissionRun,
    pub inputs: Arc<admission::Inputs>,
    pub summary: admission::Summary,
    /// Examination number → index into `inputs.candidates`.
    pub by_id: HashMap<String, u32>,
}

impl LoadedRun {
    /// A candidate's index by examination number.
    pub fn candidate(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }
}

/// Admission inputs versions a server keeps at once (a province's is some
/// 150 MB parsed; a city's a few).
const CACHED_ADMISSION_INPUTS: usize = 4;
/// Runs kept at once (each holds its inputs too, shared with the above).
const CACHED_ADMISSION_RUNS: usize = 8;

/// The forecast of the city as the registry stands today: every standard
/// scenario and the backtest (`forecast::Run::make`), or why none could be
/// made (too little history). Made once per registry revision, set of
/// construction projects and date, as the indicators are per revision.
pub struct CurrentForecast {
    pub revision: i64,
    pub today: chrono::NaiveDate,
    /// A fingerprint of the construction projects (the pipeline): saving
    /// projects does not move the registry's revision.
    pub projects: u64,
    pub run: Result<forecast::Run, forecast::ForecastError>,
}

/// Every school year's snapshot and the catalogue computed from them.
pub struct Indicators {
    pub revision: i64,
    pub computed: Computed,
    pub snapshots: Vec<YearSnapshot>,
    /// Overviews already assembled, by area and year: they depend only on
    /// the computed values, so they live (and are dropped) with them.
    pub overviews: std::sync::Mutex<HashMap<(String, u16), Arc<OverviewData>>>,
    /// Schools' records by code and year (the parts of a school's page that
    /// are not a page of students), for the same reason; bounded, as a
    /// city has thousands of schools and some have hundreds of teachers.
    pub schools: quick_cache::sync::Cache<(String, u16), Arc<SchoolRecords>>,
}

impl Indicators {
    /// The overview of an area and year, assembled on first use and kept
    /// with the computed indicators (pages and `/api/overview` share it).
    pub fn overview(&self, area: &AreaCode, year: registry::SchoolYear) -> Arc<OverviewData> {
        let key = (area.as_str().to_owned(), year.0);
        if let Some(found) = self.overviews.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return found;
        }
        let assembled = Arc::new(OverviewData::assemble(&self.computed, area, year));
        if let Ok(mut m) = self.overviews.lock() {
            m.insert(key, assembled.clone());
        }
        assembled
    }
}

/// What the server last read of the demo mark, for answers that have no
/// [`crate::auth::Ctx`] (the `X-Edugov-Demo` header on every answer); every request's
/// context reads it afresh.
#[derive(Debug, Default)]
pub struct DemoMark(std::sync::atomic::AtomicU8);

impl DemoMark {
    const REAL: u8 = 1;
    const DEMO: u8 = 2;

    pub fn set(&self, demo: bool) {
        let value = if demo { Self::DEMO } else { Self::REAL };
        self.0.store(value, std::sync::atomic::Ordering::Relaxed);
    }

    /// `None` until a request has read it.
    pub fn get(&self) -> Option<bool> {
        match self.0.load(std::sync::atomic::Ordering::Relaxed) {
            Self::REAL => Some(false),
            Self::DEMO => Some(true),
            _ => None,
        }
    }
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

/// A fingerprint of the construction projects as stored (their every
/// field), to tell whether the forecast's pipeline is still current.
fn projects_fingerprint(projects: &[plans::Project]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    format!("{projects:?}").hash(&mut hasher);
    hasher.finish()
}

impl AppState {
    /// With the default [`ServerConfig`].
    pub fn open(db: DatabaseUrl, city: AreaCode, secure_cookies: bool) -> Result<AppState, StateError> {
        AppState::open_with(db, city, secure_cookies, ServerConfig::default())
    }

    pub fn open_with(
        db: DatabaseUrl,
        city: AreaCode,
        secure_cookies: bool,
        config: ServerConfig,
    ) -> Result<AppState, StateError> {
        let open = |n: usize| -> Result<_, StateError> {
            let stores = (0..n)
                .map(|_| store::open(&db).map(|s| Conn(Some(s))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(deadpool::unmanaged::Pool::from(stores))
        };
        let config = ServerConfig {
            import_slots: config.import_slots.max(1),
            pool_size: config.pool_size.max(1),
            hash_slots: config.hash_slots.max(1),
            ..config
        };
        Ok(AppState {
            pool: open(config.pool_size)?,
            import_pool: open(config.import_slots)?,
            imports_waiting: AtomicUsize::new(0),
            uploads: Arc::new(tokio::sync::Semaphore::new(
                config.import_slots + config.import_queue,
            )),
            hashing: tokio::sync::Semaphore::new(config.hash_slots),
            hashes_waiting: AtomicUsize::new(0),
            logins_in_flight: Arc::default(),
            config,
            db,
            indicators: Mutex::new(None),
            city,
            secure_cookies,
            demo: Default::default(),
            reports: Default::default(),
            rules: Rules::default(),
            forecast: Mutex::new(None),
            admission_inputs: quick_cache::sync::Cache::new(CACHED_ADMISSION_INPUTS),
            admission_runs: quick_cache::sync::Cache::new(CACHED_ADMISSION_RUNS),
            admission_checks: quick_cache::sync::Cache::new(CACHED_ADMISSION_CHECKS),
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
        f: impl FnOnce(&mut dyn Store) -> T + Send + 'static,
    ) -> Result<T, StateError> {
        let mut store = self.pool.get().await.map_err(|_| StateError::Pool)?;
        tokio::task::spawn_blocking(move || {
            let result = f(&mut **store);
            drop(store);
            result
        })
        .await
        .map_err(|e| StateError::Task(e.to_string()))
    }

    /// Runs an import `f` on one of the imports' own connections, after
    /// waiting its turn in their queue; the reads' connections stay free.
    /// Returns how long it waited too. Refused at once when
    /// [`ServerConfig::import_queue`] imports already wait.
    /// The client's turn to have a login checked, or `None` while another
    /// of its logins is in flight (the caller answers 429). The throttle
    /// reads the client's recorded failures before the password is checked
    /// and records the failure after: without this, parallel guesses from one
    /// client would all be checked before the first failure counted.
    pub fn login_turn(&self, client: &str) -> Option<LoginTurn> {
        let mut clients = self.logins_in_flight.lock().ok()?;
        clients.insert(client.to_owned()).then(|| LoginTurn {
            clients: self.logins_in_flight.clone(),
            client: client.to_owned(),
        })
    }

    /// A place for one upload, taken before its body is read; `None` when
    /// as many uploads as the import slots and queue hold are in flight
    /// (the caller answers 503), so uploads cannot exhaust memory.
    pub fn upload_permit(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.uploads.clone().try_acquire_owned().ok()
    }

    pub async fn import<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Store) -> T + Send + 'static,
    ) -> Result<Result<(T, Duration), Busy>, StateError> {
        let queued = Instant::now();
        let store = {
            let Ok(_waiting) = Waiting::join(&self.imports_waiting, self.config.import_queue) else {
                return Ok(Err(Busy::QueueFull(
                    self.config.import_queue + self.config.import_slots,
                )));
            };
            self.import_pool.get().await.map_err(|_| StateError::Pool)?
        };
        let waited = queued.elapsed();
        let mut store = store;
        let result = tokio::task::spawn_blocking(move || {
            let result = f(&mut **store);
            drop(store);
            result
        })
        .await
        .map_err(|e| StateError::Task(e.to_string()))?;
        Ok(Ok((result, waited)))
    }

    /// Runs a password check `f` on a blocking thread, at most
    /// [`ServerConfig::hash_slots`] at once and without a database
    /// connection. A login that finds [`ServerConfig::hash_queue`] others
    /// waiting, or waits longer than [`ServerConfig::hash_wait`], is refused
    /// ([`Busy`]), so a flood of logins neither queues for ever nor takes
    /// the cores signed-in users' pages need (issue 10, point 6).
    pub async fn hash<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Result<T, Busy>, StateError> {
        let permit = {
            let Ok(_waiting) = Waiting::join(&self.hashes_waiting, self.config.hash_queue) else {
                return Ok(Err(Busy::QueueFull(self.config.hash_queue)));
            };
            match tokio::time::timeout(self.config.hash_wait, self.hashing.acquire()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(_)) => return Err(StateError::Pool),
                Err(_) => return Ok(Err(Busy::TimedOut)),
            }
        };
        let result = tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| StateError::Task(e.to_string()));
        drop(permit);
        Ok(Ok(result?))
    }

    /// As [`AppState::blocking`], for store calls.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Store) -> Result<T, store::StoreError> + Send + 'static,
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

    /// The current forecast of the city ([`CurrentForecast`]), fresh:
    /// remade (once, whoever asks first; others wait for it) when the
    /// registry's revision, the projects or `today` moved. The history is
    /// aggregated by the store (`forecast_history`, about a second at full
    /// scale); the scenarios and the backtest run on a blocking thread
    /// without holding a connection.
    pub async fn forecast(
        &self,
        known_revision: Option<i64>,
        today: chrono::NaiveDate,
    ) -> Result<Arc<CurrentForecast>, StateError> {
        let (revision, projects) = self
            .with_store(move |s| {
                let revision = match known_revision {
                    Some(revision) => revision,
                    None => s.registry_revision()?,
                };
                Ok((revision, projects_fingerprint(&s.projects()?)))
            })
            .await?;
        let mut cached = self.forecast.lock().await;
        if let Some(current) = cached
            .as_ref()
            .filter(|c| c.revision == revision && c.projects == projects && c.today == today)
        {
            return Ok(current.clone());
        }
        let history = self.with_store(move |s| s.forecast_history(today)).await?;
        let made_at = (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc();
        let label = format!("{}年学位预测", chrono::Datelike::year(&today));
        let run = tokio::task::spawn_blocking(move || {
            forecast::Run::make(&label, made_at, "", history, forecast::Scenario::standard_set())
        })
        .await
        .map_err(|e| StateError::Task(e.to_string()))?;
        let fresh = Arc::new(CurrentForecast {
            revision,
            today,
            projects,
            run,
        });
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    /// An admission inputs version, from the cache or the store; `None`
    /// when there is no such version.
    pub async fn admission_inputs(
        &self,
        id: store::AdmissionInputsId,
    ) -> Result<Option<Arc<admission::Inputs>>, StateError> {
        if let Some(found) = self.admission_inputs.get(&id.0) {
            return Ok(Some(found));
        }
        let Some(inputs) = self.with_store(move |s| s.admission_inputs(id)).await? else {
            return Ok(None);
        };
        let inputs = Arc::new(inputs);
        self.admission_inputs.insert(id.0, inputs.clone());
        Ok(Some(inputs))
    }

    /// An admission run with its inputs and summary ([`LoadedRun`]), from
    /// the cache or the store; `None` when there is no such run (or its
    /// inputs version is gone, which the store does not allow).
    pub async fn admission_run(
        &self,
        id: store::AdmissionRunId,
    ) -> Result<Option<Arc<LoadedRun>>, StateError> {
        if let Some(found) = self.admission_runs.get(&id.0) {
            return Ok(Some(found));
        }
        let Some(run) = self.with_store(move |s| s.admission_run(id)).await? else {
            return Ok(None);
        };
        let Some(inputs) = self.admission_inputs(run.summary.inputs).await? else {
            return Ok(None);
        };
        let loaded = tokio::task::spawn_blocking(move || {
            let summary = admission::summarize(&inputs, &run.policy, &run.outcome);
            let by_id = inputs
                .candidates
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.0.clone(), i as u32))
                .collect();
            LoadedRun {
                run,
                inputs,
                summary,
                by_id,
            }
        })
        .await
        .map_err(|e| StateError::Task(e.to_string()))?;
        let loaded = Arc::new(loaded);
        self.admission_runs.insert(id.0, loaded.clone());
        Ok(Some(loaded))
    }

    /// A version's check as last made ([`AppState::keep_admission_check`]).
    pub fn admission_check(&self, id: store::AdmissionInputsId) -> Option<AdmissionCheck> {
        self.admission_checks.get(&id.0)
    }

    /// Keeps a version's check: its inputs never change; the policy it was
    /// checked with is the newest run's on it, so a new run drops it.
    pub fn keep_admission_check(&self, id: store::AdmissionInputsId, check: AdmissionCheck) {
        self.admission_checks.insert(id.0, check);
    }

    /// Forgets a version's check (a run on it may bring another policy).
    pub fn forget_admission_check(&self, id: store::AdmissionInputsId) {
        self.admission_checks.remove(&id.0);
    }
}
