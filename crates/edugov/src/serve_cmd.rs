//! `edugov serve`: the web application on the SQLite file. With `--demo`
//! it first fills an empty database with the demo city and its printed
//! demo accounts; a real deployment has no account until `edugov user add`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use registry::AreaLevel;
use store::AccountStore;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Demo: generate the demo city if the database is empty, and create the demo accounts
    #[arg(long)]
    demo: bool,
    /// Size of the demo city when one is generated (1.0 ≈ 1.3 million students)
    #[arg(long, default_value_t = 1.0, requires = "demo")]
    scale: f64,
    /// Mark cookies Secure (when served behind HTTPS)
    #[arg(long)]
    secure_cookies: bool,
    /// Seconds a client has to send a request's headers; also how long an idle keep-alive connection is kept
    #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds to read and answer a request (every page but the import)
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Seconds to upload, queue and run one import in the browser
    #[arg(long, default_value_t = 1800, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    import_timeout: u64,
    /// Connections served at once (kept below the open-files limit); more wait to be accepted
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: u64,
    /// Imports run at once from the browser, each on its own database connection
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=16))]
    import_slots: u64,
    /// Imports that may wait for a slot; more are asked to try later
    #[arg(long, default_value_t = 8)]
    import_queue: u64,
    /// Password checks at once (default: half the cores, at least one)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    hash_slots: Option<u64>,
    /// Logins that may wait for a password check; more are answered 429 at once
    #[arg(long, default_value_t = 16)]
    hash_queue: u64,
    /// A reverse proxy (address or CIDR block) whose X-Forwarded-For gives the client's address; repeatable
    #[arg(long, value_name = "CIDR")]
    trusted_proxy: Vec<String>,
    /// Policy numbers and the publication rule (min_published_schools) as
    /// TOML, as for `edugov indicators --rules`; default: rules.md's
    #[arg(long)]
    rules: Option<std::path::PathBuf>,
}

impl ServeArgs {
    /// The web server's limits from the flags.
    fn config(&self) -> anyhow::Result<web::ServerConfig> {
        let defaults = web::ServerConfig::default();
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let trusted_proxies = self
            .trusted_proxy
            .iter()
            .map(|text| {
                let text = text.trim();
                text.parse::<ipnet::IpNet>()
                    .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        anyhow::anyhow!("--trusted-proxy：“{text}”不是 IP 地址或 CIDR 网段（如 10.0.0.0/8）")
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(web::ServerConfig {
            header_timeout: Duration::from_secs(self.header_timeout),
            request_timeout: Duration::from_secs(self.request_timeout),
            import_timeout: Duration::from_secs(self.import_timeout),
            max_connections: count(self.max_connections),
            import_slots: count(self.import_slots),
            import_queue: count(self.import_queue),
            hash_slots: self.hash_slots.map_or(defaults.hash_slots, count),
            hash_queue: count(self.hash_queue),
            trusted_proxies,
            ..defaults
        })
    }
}

pub fn run(db: &store::DatabaseUrl, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let rules = crate::indicators_cmd::load_rules(args.rules.as_deref())?;
    let mut store = crate::open_store(db)?;
    if args.demo && store.school_years()?.is_empty() {
        drop(store);
        crate::demo_cmd::run(
            db,
            crate::demo_cmd::DemoArgs {
                scale: args.scale,
                seed: 42,
            },
        )?;
        store = crate::open_store(db)?;
    }
    let schools = store.schools()?;
    let city = match schools.first().and_then(|s| s.county.ancestor(AreaLevel::City)) {
        Some(city) => city,
        None => match store.users()?.iter().find_map(|u| u.scope.area().ancestor(AreaLevel::City)) {
            Some(code) => code,
            None => bail!(
                "数据库 {} 中既没有学校也没有账号：先用 `edugov user add --role city_admin --scope <市代码>` 建立管理员，或用 --demo 运行演示城市",
                db
            ),
        },
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
        Arc::new(web::AppState::open_with(db.clone(), city, args.secure_cookies, config)?.with_rules(rules));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        // Compute the indicators before the first visitor: this also builds
        // any missing snapshot caches (about a second a year, once).
        state.indicators(None).await.context("无法计算指标")?;
        web::serve(state, args.addr, |addr| {
            println!("edugov 已启动：http://{addr}/   （Ctrl-C 停止）");
            let open_files = web::server::raise_open_files_limit();
            println!(
                "打开文件数上限 {}，同时最多 {} 个连接",
                open_files.map_or_else(|| "未知".to_owned(), |n| n.to_string()),
                web::server::connection_limit(args.max_connections as usize, open_files)
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
