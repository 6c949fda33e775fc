//! Integration tests of the web application: the real server (`web::serve`
//! on port 0, in process) on a small demo city, driven over HTTP with
//! `reqwest` as a browser would (cookies kept, redirects not followed).
//!
//! Modules: `matrix` (every route × every role), `hostile` (escaping, CSRF,
//! replayed sessions, SQL-looking searches), `api`
//! (health, OpenAPI), `freshness` (imports through the browser and the
//! values after them), `admin` (users and audit log paged), `limits` (body
//! sizes, page numbers), `language` (errors and labels in English),
//! `reports` (an import's error report), `behind` (the schools behind a
//! figure, drill-down context, exports of every year, print heading), `reachable` (timeouts, the
//! connection limit, imports on their own queue), `throttle` (logins slowed
//! per client, bounded hashing, weak passwords, the last administrator),
//! `trust` (the demo banner, the header's scope name, the refusal's way back),
//! `charts` (units, school years, policy lines, axes and changes in 个百分点),
//! `school_page` (the school page's summary, sections, pagers, search and
//! export), `import_page` (a refused file said plainly, the form in place
//! with htmx, one more pupil in one file), `plan_pages` (work plans:
//! the plan tree and its filters, a task's rule, reports sent back and
//! accepted, 挂牌督办 and 销号, scope of a county officer, the projects'
//! 开工率 and 完工率; `plan_fixture` writes the plan), `forecast` (学位预测:
//! the stage charts, a county officer's county alone, saved runs, the workbook),
//! `admission` (中考招生: scope, masking and audit, the run form, sign-off once,
//! corrections and re-runs).
//! One test binary keeps link time down.
//!
//! The demo city (scale 0.01) is built once per run, with one extra school
//! named `<script>alert(1)</script>` and the printed demo accounts, in a
//! SQLite file under `CARGO_TARGET_TMPDIR` or, with
//! `EDUGOV_TEST_BACKEND=postgres` and `EDUGOV_TEST_PG`, in a PostgreSQL
//! database (`db`). Tests that only read share one server on a copy of it;
//! tests that write start their own server on their own copy.

// Test helpers panic on purpose: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod admission;
mod api;
mod behind;
mod charts;
mod db;
mod disclosure;
mod forecast;
mod freshness;
mod hostile;
mod import_page;
mod in_runtime;
mod language;
mod limits;
mod matrix;
mod plan_fixture;
mod plan_pages;
mod reachable;
mod reports;
mod school_page;
mod throttle;
mod transfers;
mod trust;
mod two_servers;
mod unmasked;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use db::TestDb;
use registry::{AreaCode, SchoolYear};
use store::prelude::*;
use store::{ApplyOptions, ApplyOutcome};

pub const CITY: &str = "3701";
/// The county of the county officer and of the school officer's school.
pub const COUNTY: &str = "370112";
/// Another county: out of both officers' scope.
pub const OTHER_COUNTY: &str = "370102";
pub const XSS_NAME: &str = "<script>alert(1)</script>";
/// What every refused HTML page and API answer says, in Chinese and in English.
pub const FORBIDDEN: &str = "无权访问";
pub const FORBIDDEN_EN: &str = "Forbidden: this is outside your scope";

/// Whether an answer is the refusal page (or the API's refusal), in either language.
pub fn is_refusal(text: &str) -> bool {
    text.contains(FORBIDDEN) || text.contains(FORBIDDEN_EN)
}

/// The demo city built once, and the places the tests point at.
pub struct Fixture {
    pub dir: PathBuf,
    /// Never opened by a server: every server runs on a copy.
    pub base: TestDb,
    /// The latest year's teachers, exported unmasked as CSV (importable again).
    pub teachers_csv: PathBuf,
    /// The school officer's school (the first school of 370112).
    pub own_school: String,
    /// Another school of 370112, in the same township as `own_school`.
    pub sibling_school: String,
    pub sibling_name: String,
    /// A school of 370102.
    pub foreign_school: String,
    pub foreign_name: String,
    /// The township of `own_school` (in 370112), where `sibling_school` and
    /// `xss_school` have been moved too.
    pub township: String,
    /// A township of 370102.
    pub foreign_township: String,
    /// A school of 370112 renamed `<script>alert(1)</script>`, and its township.
    pub xss_school: String,
    pub xss_township: String,
    /// Every school of 370112 (before the XSS school) and of 370102.
    pub county_schools: Vec<String>,
    pub foreign_schools: Vec<String>,
    /// A pending transfer request: a pupil of 370102 asked for by the
    /// county officer of 370112, for `own_school`.
    pub pending_transfer: i64,
    /// The work plan, its reports and the 青岛 projects (`plan_fixture`).
    pub plan: plan_fixture::PlanFixture,
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture)
}

fn build_fixture() -> Fixture {
    // Under target/tmp, replaced on every run, so nothing piles up in /tmp.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-it");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let base = match db::backend() {
        db::Backend::Sqlite => TestDb::Sqlite(dir.join("base.db")),
        db::Backend::Postgres(cluster) => cluster.create(None),
    };
    let city = demo::DemoCity::generate(&demo::DemoConfig {
        scale: 0.01,
        ..demo::DemoConfig::default()
    })
    .unwrap();
    let mut store = base.open();
    let years = city.school_years();
    for year in &years {
        let outcome = store
            .apply(&city.school_year(*year), ApplyOptions::default(), &mut |_, _| {})
            .unwrap();
        assert!(matches!(outcome, ApplyOutcome::Committed(_)), "{year:?}");
    }
    let latest: SchoolYear = *years.last().unwrap();

    let schools = store.schools().unwrap();
    let in_county = |county: &'static str| schools.iter().filter(move |s| s.county.as_str() == county);
    // The school officer's school, a sibling and the hostile school: the
    // first three of 370112. At this scale a township holds one school, so
    // the other two move into the officer's township, where the officer must
    // see its own row only.
    let mut ordered: Vec<&registry::School> = in_county(COUNTY).filter(|s| s.township.is_some()).collect();
    ordered.sort_by_key(|s| s.code.as_str().to_owned());
    let (own, mut sibling, mut hostile) = (ordered[0].clone(), ordered[1].clone(), ordered[2].clone());
    let township = own.township.clone().unwrap();
    sibling.township = Some(township.clone());
    hostile.township = Some(township.clone());
    let foreign = in_county(OTHER_COUNTY)
        .find(|s| s.township.is_some())
        .unwrap()
        .clone();
    let foreign_township = foreign.township.clone().unwrap();
    let codes = |county: &'static str| -> Vec<String> {
        in_county(county).map(|s| s.code.as_str().to_owned()).collect()
    };
    let (county_schools, foreign_schools) = (codes(COUNTY), codes(OTHER_COUNTY));

    // The hostile school: a school of 370112, with its classes, teachers and
    // students, renamed to markup.
    let mut xss = hostile.clone();
    xss.name = XSS_NAME.to_owned();
    let changes = registry::ChangeSet {
        schools: vec![sibling.clone(), xss],
        ..registry::ChangeSet::default()
    };
    store
        .apply(&changes, ApplyOptions::default(), &mut |_, _| {})
        .unwrap();

    let code = |text: &str| AreaCode::parse(text).unwrap();
    let accounts = accounts::demo_accounts(&code(CITY), &code(COUNTY), &own.code, &own.county);
    accounts::install_demo_accounts(&mut *store, &accounts, chrono::Utc::now()).unwrap();

    let teachers_csv = dir.join("teachers.csv");
    import_export::export(
        &*store,
        import_export::Entity::Teachers,
        Some(latest),
        import_export::Format::Csv,
        &teachers_csv,
        import_export::PersonalData::Clear,
    )
    .unwrap();
    // A pending request, as the county officer's import would file it.
    let mut pupil = None;
    store
        .for_each_student(latest, &mut |s, e| {
            if pupil.is_none() && e.school == foreign.code {
                pupil = Some((s, e));
            }
        })
        .unwrap();
    let (student, enrolment) = pupil.unwrap();
    let from = registry::transfer::Placement {
        school_year: latest,
        school: foreign.code.clone(),
        stage: enrolment.stage,
        grade: Some(enrolment.grade),
    };
    let request = store::NewTransfer {
        row: store::TransferRow::Student(
            student,
            registry::Enrolment {
                school: own.code.clone(),
                class_name: None,
                ..enrolment
            },
        ),
        to_county: own.county.clone(),
        from,
        from_county: code(OTHER_COUNTY),
        source: "学生.csv 第 2 行".into(),
        requested_by: "demo-county".into(),
        requested_at: chrono::Utc::now(),
    };
    store
        .apply_with_transfers(
            &registry::ChangeSet::default(),
            ApplyOptions::default(),
            &[request],
            &mut |_, _| {},
        )
        .unwrap();
    let pending_transfer = store
        .transfers(&store::TransferQuery {
            limit: 1,
            ..store::TransferQuery::default()
        })
        .unwrap()[0]
        .id;
    let plan = plan_fixture::write(&mut *store, &years);
    // Warm the snapshot cache, as `edugov serve` does, so every copy starts warm.
    for year in &years {
        store.year_snapshot(*year).unwrap();
    }
    drop(store);

    Fixture {
        dir,
        base,
        teachers_csv,
        own_school: own.code.as_str().to_owned(),
        sibling_school: sibling.code.as_str().to_owned(),
        sibling_name: sibling.name,
        foreign_school: foreign.code.as_str().to_owned(),
        foreign_name: foreign.name,
        township: township.as_str().to_owned(),
        foreign_township: foreign_township.as_str().to_owned(),
        xss_school: hostile.code.as_str().to_owned(),
        xss_township: hostile.township.as_ref().unwrap().as_str().to_owned(),
        county_schools,
        foreign_schools,
        pending_transfer,
        plan,
    }
}

impl Fixture {
    /// A store on the demo city as built, for tests that count behind the
    /// server's back (read only). On PostgreSQL a copy made once: nobody
    /// may be connected to the base while servers' copies are made of it.
    pub fn base_store(&self) -> Box<dyn Store> {
        static READER: OnceLock<TestDb> = OnceLock::new();
        match &self.base {
            TestDb::Sqlite(_) => self.base.open(),
            TestDb::Postgres { .. } => READER
                .get_or_init(|| self.base.copy(self.dir.join("reader.db")))
                .open(),
        }
    }
}

/// A running server on its own copy of the demo database.
pub struct Server {
    pub addr: SocketAddr,
    /// Shared with its [`Server::twin`]s; dropped (on PostgreSQL) with the last.
    pub db: Arc<TestDb>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    /// A new server on a fresh copy of the demo database (for tests that write).
    pub fn fresh(name: &str) -> Server {
        Server::fresh_with(name, web::ServerConfig::default())
    }

    /// A new server on a fresh copy, with its own limits.
    pub fn fresh_with(name: &str, config: web::ServerConfig) -> Server {
        static COPIES: AtomicUsize = AtomicUsize::new(0);
        let fixture = fixture();
        let n = COPIES.fetch_add(1, Ordering::SeqCst);
        let db = fixture.base.copy(fixture.dir.join(format!("{name}-{n}.db")));
        Server::start(Arc::new(db), config)
    }

    /// A second server process on this server's database, as two behind
    /// one load balancer: its own state, pools and caches.
    pub fn twin(&self, config: web::ServerConfig) -> Server {
        Server::start(self.db.clone(), config)
    }

    fn start(db: Arc<TestDb>, config: web::ServerConfig) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(
            web::AppState::open_with(db.url(), AreaCode::parse(CITY).unwrap(), false, config).unwrap(),
        );
        let (tx, rx) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            let served = web::serve(state, "127.0.0.1:0".parse().unwrap(), move |addr| {
                let _ = tx.send(addr);
            })
            .await;
            if let Err(err) = served {
                eprintln!("server stopped: {err}");
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        Server {
            addr,
            db,
            runtime: Some(runtime),
        }
    }

    /// A second connection to the server's database, to look behind its back.
    pub fn store(&self) -> Box<dyn Store> {
        self.db.open()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The server the read-only tests share (sessions are written, nothing else).
pub fn shared() -> &'static Server {
    static SHARED: OnceLock<Server> = OnceLock::new();
    SHARED.get_or_init(|| Server::fresh("shared"))
}

/// The roles of the matrix, each with the demo account that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Admin,
    Analyst,
    County,
    School,
    Public,
}

impl Who {
    pub const ALL: [Who; 5] = [Who::Admin, Who::Analyst, Who::County, Who::School, Who::Public];

    pub fn label(self) -> &'static str {
        match self {
            Who::Admin => "city_admin",
            Who::Analyst => "city_analyst",
            Who::County => "county_officer",
            Who::School => "school_officer",
            Who::Public => "public",
        }
    }

    /// Username and password of the demo account (`None`: the public).
    pub fn credentials(self) -> Option<(&'static str, &'static str)> {
        match self {
            Who::Admin => Some(("demo-admin", "demo-admin-2024!")),
            Who::Analyst => Some(("demo-analyst", "demo-analyst-2024!")),
            Who::County => Some(("demo-county", "demo-county-2024!")),
            Who::School => Some(("demo-school", "demo-school-2024!")),
            Who::Public => None,
        }
    }
}

/// One answer, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    pub fn location(&self) -> Option<String> {
        self.header("location")
    }
}

/// A browser: its own cookie jar, no redirects followed, synchronous calls
/// over a small runtime of its own.
pub struct Browser {
    pub base: String,
    jar: Arc<reqwest::cookie::Jar>,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Browser {
    pub fn new(server: &Server) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Browser {
            base: format!("http://{}", server.addr),
            jar,
            http,
            runtime,
        }
    }

    /// A browser signed in as `who` (the public: a browser that never signed in).
    pub fn as_role(server: &Server, who: Who) -> Browser {
        let browser = Browser::new(server);
        if let Some((username, password)) = who.credentials() {
            let resp = browser.login(username, password);
            assert_eq!(resp.status, 303, "login as {username}: {}", resp.text());
        }
        browser
    }

    /// A client with this browser's cookies and no redirects followed.
    pub fn bare_with_cookies(&self) -> reqwest::Client {
        self.http.clone()
    }

    /// A client of this browser's runtime with no cookie jar and no
    /// redirects followed: for requests with hand-written headers.
    pub fn bare(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn send(&self, request: reqwest::RequestBuilder) -> Resp {
        self.runtime.block_on(async {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.unwrap().to_vec();
            Resp {
                status,
                headers,
                bytes,
            }
        })
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send(self.http.get(self.url(path)))
    }

    pub fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(self.http.post(self.url(path)).form(form))
    }

    /// The status of a form post, or `None` when the server closed the
    /// connection before the client had written the whole body (a server
    /// refusing a body too large answers and hangs up without reading it).
    pub fn try_post_form(&self, path: &str, form: &[(&str, &str)]) -> Option<u16> {
        let request = self.http.post(self.url(path)).form(form);
        let sent = self.runtime.block_on(async { request.send().await });
        match sent {
            Ok(response) => Some(response.status().as_u16()),
            Err(e) if e.is_request() && !e.is_timeout() => None,
            Err(e) => panic!("POST {path}: {e}"),
        }
    }

    /// An upload as the import page's form sends it.
    pub fn post_upload(&self, csrf: Option<&str>, file_name: &str, content: &str, commit: bool) -> Resp {
        let mut form = reqwest::multipart::Form::new();
        if let Some(csrf) = csrf {
            form = form.text("csrf", csrf.to_owned());
        }
        if commit {
            form = form.text("commit", "1");
        }
        let part = reqwest::multipart::Part::bytes(content.as_bytes().to_vec())
            .file_name(file_name.to_owned())
            .mime_str("text/csv")
            .unwrap();
        form = form.part("file", part);
        self.send(self.http.post(self.url("/import")).multipart(form))
    }

    /// Signs in as a browser does: the login page (its CSRF cookie and
    /// hidden field), then the form.
    ///
    /// Tests sign in from one address at once, and the server checks one
    /// login of a client at a time (429 to the others): a busy answer is
    /// tried again, as a person would click again.
    pub fn login(&self, username: &str, password: &str) -> Resp {
        for _ in 0..50 {
            let page = self.get("/login");
            assert_eq!(page.status, 200);
            let csrf = hidden_csrf(&page.text()).expect("the login form has a csrf field");
            let resp = self.post_form(
                "/login",
                &[("username", username), ("password", password), ("csrf", &csrf)],
            );
            let busy = resp.status == 429 && resp.text().contains("正在登录的人太多");
            if !busy {
                return resp;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server stayed busy for {username}'s login")
    }

    /// The session's CSRF token, from the logout form in any page's header.
    pub fn csrf(&self) -> String {
        let page = self.get("/indicators");
        assert_eq!(page.status, 200);
        hidden_csrf(&page.text()).expect("a signed-in page carries the session's csrf token")
    }

    /// The value of a cookie the server set, if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// Puts a cookie in this browser's jar, as if this server had set it.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let url: reqwest::Url = self.base.parse().unwrap();
        self.jar.add_cookie_str(&format!("{name}={value}; Path=/"), &url);
    }

    /// `GET /api/me`: (signed in, username).
    pub fn me(&self) -> (bool, String) {
        let me = self.get("/api/me").json();
        (
            me["signed_in"].as_bool().unwrap(),
            me["principal"]["username"].as_str().unwrap().to_owned(),
        )
    }
}

/// The value of the first hidden `name="csrf"` input of a page.
pub fn hidden_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\"")?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value[..value.find('"')?].to_owned())
}

/// The number in a heading such as `<h2>学生 (123)</h2>`.
pub fn heading_count(html: &str, label: &str) -> Option<u64> {
    let start = html.find(&format!("<h2>{label} ("))? + label.len() + 6;
    let end = start + html[start..].find(')')?;
    html[start..end].parse().ok()
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `n` uploads to `/import` by `browser` that send their headers and the
/// first MiB of a 100 MB body, then nothing: each holds an import slot or
/// a place in the queue while its stream is open.
pub fn hold_uploads(server: &Server, browser: &Browser, csrf: &str, n: usize) -> Vec<std::net::TcpStream> {
    use std::io::Write;
    let cookie = format!("edugov_session={}", browser.cookie("edugov_session").unwrap());
    let boundary = "edugov-test-boundary";
    let head = format!(
        "POST /import HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 100000000\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
    );
    (0..n)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&vec![b'a'; 1 << 20]).unwrap();
            stream
        })
        .collect()
}
