//! `edugov serve`: the web application on the database the settings name
//! (`crate::settings`). With `--demo`
//! it first fills an empty database with the demo city and its printed
//! demo accounts; a real deployment has no account until `edugov user add`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use registry::AreaLevel;
use store::AccountStore;

/// The flags of `edugov serve`. Those that are settings (every one but
/// `--demo`, `--scale`, `--rules` and `--print-settings`) have no default
/// here: an absent flag leaves the configuration file's or environment's
/// value, else the built-in default (`crate::settings`).
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Demo: generate the demo city if the database is empty, and create the demo accounts
    #[arg(long)]
    demo: bool,
    /// Size of the demo city when one is generated (1.0 ≈ 1.3 million students)
    #[arg(long, default_value_t = 1.0, requires = "demo")]
    scale: f64,
    /// Print the effective settings and where each came from, then exit
    #[arg(long)]
    print_settings: bool,
    /// The city served (e.g. 3701); default: the city of the stored schools or accounts
    #[arg(long)]
    city: Option<String>,
    /// Database connections kept for pages, the API and sessions [default: 4]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pool_size: Option<u64>,
    /// Mark cookies Secure (when served behind HTTPS)
    #[arg(long)]
    secure_cookies: bool,
    /// Seconds a client has to send a request's headers; also how long an idle keep-alive connection is kept [default: 10]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: Option<u64>,
    /// Seconds to read and answer a request (every page but the import) [default: 60]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: Option<u64>,
    /// Seconds to upload, queue and run one import in the browser [default: 1800]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    import_timeout: Option<u64>,
    /// Connections served at once (kept below the open-files limit); more wait to be accepted [default: 4096]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: Option<u64>,
    /// Imports run at once from the browser, each on its own database connection [default: 1]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=16))]
    import_slots: Option<u64>,
    /// Imports that may wait for a slot; more are asked to try later [default: 8]
    #[arg(long)]
    import_queue: Option<u64>,
    /// Password checks at once [default: half the cores, at least one]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    hash_slots: Option<u64>,
    /// Logins that may wait for a password check; more are answered 429 at once [default: 16]
    #[arg(long)]
    hash_queue: Option<u64>,
    /// A reverse proxy (address or CIDR block) whose X-Forwarded-For gives the client's address; repeatable
    #[arg(long, value_name = "CIDR")]
    trusted_proxy: Vec<String>,
    /// Policy numbers and the publication rule (min_published_schools) as
    /// TOML, as for `edugov indicators --rules`; default: rules.md's
    #[arg(long)]
    rules: Option<std::path::PathBuf>,
}

impl ServeArgs {
    /// The flags given that are settings.
    pub fn flags(&self) -> crate::settings::Flags {
        let mut flags: crate::settings::Flags = [
            ("server.addr", self.addr.map(|a| a.to_string())),
            ("city", self.city.clone()),
            ("pool_size", self.pool_size.map(|n| n.to_string())),
            (
                "server.secure_cookies",
                self.secure_cookies.then(|| "true".to_owned()),
            ),
            (
                "server.header_timeout",
                self.header_timeout.map(|n| n.to_string()),
            ),
            (
                "server.request_timeout",
                self.request_timeout.map(|n| n.to_string()),
            ),
            (
                "server.import_timeout",
                self.import_timeout.map(|n| n.to_string()),
            ),
            (
                "server.max_connections",
                self.max_connections.map(|n| n.to_string()),
            ),
            ("server.import_slots", self.import_slots.map(|n| n.to_string())),
            ("server.import_queue", self.import_queue.map(|n| n.to_string())),
            ("server.hash_slots", self.hash_slots.map(|n| n.to_string())),
            ("server.hash_queue", self.hash_queue.map(|n| n.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect();
        if !self.trusted_proxy.is_empty() {
            flags.push(("server.trusted_proxies", self.trusted_proxy.join(",")));
        }
        flags
    }
}

pub fn run(settings: &crate::settings::Settings, args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.print_settings {
        settings.print();
        return Ok(ExitCode::SUCCESS);
    }
    let db = &settings.database();
    let config = settings.server_config()?;
    let (addr, secure_cookies) = (settings.addr()?, settings.secure_cookies()?);
    let max_connections = config.max_connections;
    let rules = crate::indicators_cmd::load_rules(args.rules.as_deref())?;
    let mut store = crate::open_store(db)?;
    if args.demo && store.school_years()?.is_empty() {
        drop(store);
        crate::demo_cmd::run(
            db,
            crate::demo_cmd::DemoArgs {
                scale: args.scale,
                seed: 42,
                today: None,
            },
        )?;
        store = crate::open_store(db)?;
    }
    let schools = store.schools()?;
    let city = match settings.city()? {
        Some(city) => city,
        None => city_of_data(&*store, &schools, db)?,
    };
    let mut printed = Vec::new();
    if args.demo {
        // The demo accounts: a county officer of 历城区 (or the first county)
        // and a school officer of that county's first school.
        let county = schools
            .iter()
            .find(|s| s.county.as_str() == "370112")
            .or(schools.first())
            .map(|s| s.county.clone())
            .context("演示城市没有学校")?;
        let school = schools
            .iter()
            .find(|s| s.county == county)
            .context("演示区县没有学校")?;
        let accounts = accounts::demo_accounts(&city, &county, &school.code, &school.county);
        accounts::install_demo_accounts(&mut store, &accounts, chrono::Utc::now())?;
        printed = accounts;
    } else if store.users()?.is_empty() {
        eprintln!("注意：还没有任何账号。用 `edugov user add --username admin --role city_admin --scope {city}` 建立第一个管理员。");
    }
    drop(store);

    let state =
        Arc::new(web::AppState::open_with(db.clone(), city, secure_cookies, config)?.with_rules(rules));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        // Compute the indicators before the first visitor: this also builds
        // any missing snapshot caches (about a second a year, once).
        state.indicators(None).await.context("无法计算指标")?;
        web::serve(state, addr, |addr| {
            println!("edugov 已启动：http://{addr}/   （Ctrl-C 停止）");
            let open_files = web::server::raise_open_files_limit();
            println!(
                "打开文件数上限 {}，同时最多 {} 个连接",
                open_files.map_or_else(|| "未知".to_owned(), |n| n.to_string()),
                web::server::connection_limit(max_connections, open_files)
            );
            if !printed.is_empty() {
                println!("演示账号（仅限演示城市）：");
                for a in &printed {
                    println!(
                        "  {:<16} 密码 {:<20} {}（{}）",
                        a.username,
                        a.password,
                        a.display_name,
                        a.role.label_zh()
                    );
                }
            }
        })
        .await
        .context("服务器出错")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The city of the stored schools, else of the accounts: what a server
/// serves when the settings name no city.
fn city_of_data(
    store: &dyn store::Store,
    schools: &[registry::School],
    db: &store::DatabaseUrl,
) -> anyhow::Result<registry::AreaCode> {
    if let Some(city) = schools.first().and_then(|s| s.county.ancestor(AreaLevel::City)) {
        return Ok(city);
    }
    match store.users()?.iter().find_map(|u| u.scope.area().ancestor(AreaLevel::City)) {
        Some(code) => Ok(code),
        None => bail!(
            "数据库 {} 中既没有学校也没有账号：先用 `edugov user add --role city_admin --scope <市代码>` 建立管理员，或用 --demo 运行演示城市（也可用 --city 或设置 city 指定本市）",
            db
        ),
    }
}
