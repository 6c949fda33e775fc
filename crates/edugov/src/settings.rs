//! Settings from one place: the database, the city, the connection pool, the
//! web server's limits and the import limits, each read in one order —
//! built-in defaults, then the configuration file (`--config edugov.toml`
//! or `EDUGOV_CONFIG`), then the environment (`EDUGOV_*`), then the command
//! line's flags; the last one given wins. `edugov settings` (and `edugov
//! serve --print-settings`) prints every value with where it came from.
//!
//! Why here, in the binary, and not a crate of its own: files, the
//! environment and flags are the binary's business; the libraries take
//! typed values (`web::ServerConfig`, `import_export::ReadLimits` and
//! `TransferLimits`, `store::DatabaseUrl`) and their `Default`s are the
//! built-in defaults, so no number is written twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use registry::AreaCode;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(&'static str),
    Flag(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("默认"),
            Source::File(path) => write!(f, "配置文件 {}", path.display()),
            Source::Env(name) => write!(f, "环境变量 {name}"),
            Source::Flag(flag) => write!(f, "命令行 {flag}"),
        }
    }
}

/// One setting: its name in the file (`[section] key` is `section.key`),
/// its environment variable and flag, and what it is.
struct Key {
    name: &'static str,
    env: &'static str,
    flag: &'static str,
    what: &'static str,
}

const fn key(name: &'static str, env: &'static str, flag: &'static str, what: &'static str) -> Key {
    Key {
        name,
        env,
        flag,
        what,
    }
}

/// Every setting, in the order `edugov settings` prints them.
const KEYS: &[Key] = &[
    key(
        "database",
        "EDUGOV_DB",
        "--db",
        "数据库（SQLite 文件或 postgres:// URL）",
    ),
    key(
        "city",
        "EDUGOV_CITY",
        "--city",
        "本市代码（默认：从数据库中的学校或账号得出）",
    ),
    key(
        "pool_size",
        "EDUGOV_POOL_SIZE",
        "--pool-size",
        "网页读取用的数据库连接数",
    ),
    key("server.addr", "EDUGOV_ADDR", "--addr", "监听地址"),
    key(
        "server.secure_cookies",
        "EDUGOV_SECURE_COOKIES",
        "--secure-cookies",
        "Cookie 仅限 HTTPS",
    ),
    key(
        "server.header_timeout",
        "EDUGOV_HEADER_TIMEOUT",
        "--header-timeout",
        "请求头超时（秒）",
    ),
    key(
        "server.request_timeout",
        "EDUGOV_REQUEST_TIMEOUT",
        "--request-timeout",
        "请求超时（秒）",
    ),
    key(
        "server.import_timeout",
        "EDUGOV_IMPORT_TIMEOUT",
        "--import-timeout",
        "网页导入超时（秒）",
    ),
    key(
        "server.max_connections",
        "EDUGOV_MAX_CONNECTIONS",
        "--max-connections",
        "同时服务的连接数",
    ),
    key(
        "server.import_slots",
        "EDUGOV_IMPORT_SLOTS",
        "--import-slots",
        "同时运行的导入（各占一个数据库连接）",
    ),
    key(
        "server.import_queue",
        "EDUGOV_IMPORT_QUEUE",
        "--import-queue",
        "排队等待的导入",
    ),
    key(
        "server.hash_slots",
        "EDUGOV_HASH_SLOTS",
        "--hash-slots",
        "同时校验的密码",
    ),
    key(
        "server.hash_queue",
        "EDUGOV_HASH_QUEUE",
        "--hash-queue",
        "排队等待校验的登录",
    ),
    key(
        "server.trusted_proxies",
        "EDUGOV_TRUSTED_PROXIES",
        "--trusted-proxy",
        "可信反向代理（逗号分隔）",
    ),
    key(
        "import.max_file_mb",
        "EDUGOV_IMPORT_MAX_FILE_MB",
        "--max-file-mb",
        "导入文件大小（MB）",
    ),
    key(
        "import.max_sheet_mb",
        "EDUGOV_IMPORT_MAX_SHEET_MB",
        "--max-sheet-mb",
        "单个工作表解压后大小（MB）",
    ),
    key(
        "import.max_part_mb",
        "EDUGOV_IMPORT_MAX_PART_MB",
        "--max-part-mb",
        "工作簿其他部件解压后大小（MB）",
    ),
    key(
        "import.max_cell_chars",
        "EDUGOV_IMPORT_MAX_CELL_CHARS",
        "--max-cell-chars",
        "单元格字符数",
    ),
    key(
        "import.max_columns",
        "EDUGOV_IMPORT_MAX_COLUMNS",
        "--max-columns",
        "列数",
    ),
    key(
        "import.max_rows",
        "EDUGOV_IMPORT_MAX_ROWS",
        "--max-rows",
        "每表数据行数",
    ),
    key(
        "import.max_line_kb",
        "EDUGOV_IMPORT_MAX_LINE_KB",
        "--max-line-kb",
        "CSV 单行大小（KB）",
    ),
    key(
        "import.transfers_per_file",
        "EDUGOV_IMPORT_TRANSFERS_PER_FILE",
        "--transfers-per-file",
        "一个文件可提出的转学申请",
    ),
    key(
        "import.pending_transfers_per_user",
        "EDUGOV_IMPORT_PENDING_TRANSFERS_PER_USER",
        "--pending-transfers-per-user",
        "一个账号待处理的转学申请",
    ),
];

const MIB: u64 = 1024 * 1024;

/// The built-in defaults, as text, taken from the libraries' own defaults.
fn defaults() -> BTreeMap<&'static str, String> {
    let server = web::ServerConfig::default();
    let read = import_export::ReadLimits::default();
    let transfers = import_export::TransferLimits::default();
    [
        ("database", "edugov.db".to_owned()),
        ("pool_size", server.pool_size.to_string()),
        ("server.addr", "127.0.0.1:8080".to_owned()),
        ("server.secure_cookies", "false".to_owned()),
        (
            "server.header_timeout",
            server.header_timeout.as_secs().to_string(),
        ),
        (
            "server.request_timeout",
            server.request_timeout.as_secs().to_string(),
        ),
        (
            "server.import_timeout",
            server.import_timeout.as_secs().to_string(),
        ),
        ("server.max_connections", server.max_connections.to_string()),
        ("server.import_slots", server.import_slots.to_string()),
        ("server.import_queue", server.import_queue.to_string()),
        ("server.hash_slots", server.hash_slots.to_string()),
        ("server.hash_queue", server.hash_queue.to_string()),
        ("server.trusted_proxies", String::new()),
        ("import.max_file_mb", (read.max_file_bytes / MIB).to_string()),
        ("import.max_sheet_mb", (read.max_sheet_bytes / MIB).to_string()),
        ("import.max_part_mb", (read.max_part_bytes / MIB).to_string()),
        ("import.max_cell_chars", read.max_cell_chars.to_string()),
        ("import.max_columns", read.max_columns.to_string()),
        ("import.max_rows", read.max_rows.to_string()),
        ("import.max_line_kb", (read.max_line_bytes / 1024).to_string()),
        ("import.transfers_per_file", transfers.per_file.to_string()),
        (
            "import.pending_transfers_per_user",
            transfers.pending_per_user.to_string(),
        ),
    ]
    .into_iter()
    .collect()
}

/// Every setting's value (as text until asked for as a type) and its source.
#[derive(Debug, Clone)]
pub struct Settings {
    values: BTreeMap<&'static str, (String, Source)>,
}

/// Flags given on the command line: setting name → value.
pub type Flags = Vec<(&'static str, String)>;

impl Settings {
    /// Defaults, then `config` (a TOML file), then the environment, then `flags`.
    pub fn load(config: Option<&Path>, flags: Flags) -> anyhow::Result<Settings> {
        Settings::load_from(config, |name| std::env::var(name).ok(), flags)
    }

    /// As [`Settings::load`], with the environment as a lookup (tests).
    pub fn load_from(
        config: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
        flags: Flags,
    ) -> anyhow::Result<Settings> {
        let mut values: BTreeMap<&'static str, (String, Source)> = defaults()
            .into_iter()
            .map(|(k, v)| (k, (v, Source::Default)))
            .collect();
        if let Some(path) = config {
            for (name, value) in read_file(path)? {
                values.insert(name, (value, Source::File(path.to_owned())));
            }
        }
        for key in KEYS {
            if let Some(value) = env(key.env).filter(|v| !v.trim().is_empty()) {
                values.insert(key.name, (value, Source::Env(key.env)));
            }
        }
        for (name, value) in flags {
            let key = find(name)?;
            values.insert(key.name, (value, Source::Flag(key.flag)));
        }
        let settings = Settings { values };
        // Every value is checked now, so a typo fails at start, not later.
        settings.server_config()?;
        settings.read_limits()?;
        settings.transfer_limits()?;
        settings.city()?;
        settings.addr()?;
        Ok(settings)
    }

    fn text(&self, name: &str) -> Option<&(String, Source)> {
        self.values.get(name)
    }

    /// A value parsed, or an error naming the setting, its source and the value.
    fn parse<T: std::str::FromStr>(&self, name: &str, what: &str) -> anyhow::Result<T> {
        let (text, source) = self.text(name).ok_or_else(|| anyhow!("缺少设置 {name}"))?;
        text.trim()
            .parse()
            .map_err(|_| anyhow!("设置 {name}（来自{source}）应为{what}，现为“{text}”"))
    }

    fn positive(&self, name: &str) -> anyhow::Result<u64> {
        let value: u64 = self.parse(name, "正整数")?;
        if value == 0 {
            let (_, source) = &self.values[name];
            bail!("设置 {name}（来自{source}）应为正整数，现为 0");
        }
        Ok(value)
    }

    fn count(&self, name: &str) -> anyhow::Result<usize> {
        Ok(usize::try_from(self.positive(name)?).unwrap_or(usize::MAX))
    }

    pub fn database(&self) -> store::DatabaseUrl {
        store::DatabaseUrl::parse(
            self.values
                .get("database")
                .map_or("edugov.db", |(v, _)| v.as_str()),
        )
    }

    /// The city served, when set; otherwise the server finds it in the data.
    pub fn city(&self) -> anyhow::Result<Option<AreaCode>> {
        let Some((text, source)) = self.text("city") else {
            return Ok(None);
        };
        let code = AreaCode::parse(text.trim()).map_err(|e| anyhow!("设置 city（来自{source}）：{e}"))?;
        if code.level() != registry::AreaLevel::City {
            bail!("设置 city（来自{source}）应为市级代码（4 位，如 3701），现为“{text}”");
        }
        Ok(Some(code))
    }

    pub fn addr(&self) -> anyhow::Result<std::net::SocketAddr> {
        self.parse("server.addr", "地址:端口（如 127.0.0.1:8080）")
    }

    pub fn secure_cookies(&self) -> anyhow::Result<bool> {
        self.parse("server.secure_cookies", " true 或 false")
    }

    /// The web server's limits, pool size included.
    pub fn server_config(&self) -> anyhow::Result<web::ServerConfig> {
        let seconds = |name: &str| self.positive(name).map(Duration::from_secs);
        let import_slots = self.count("server.import_slots")?;
        if import_slots > 16 {
            bail!("设置 server.import_slots 最多为 16，现为 {import_slots}");
        }
        let (proxies, source) = &self.values["server.trusted_proxies"];
        let trusted_proxies = proxies
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|text| {
                text.parse::<ipnet::IpNet>()
                    .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        anyhow!("设置 server.trusted_proxies（来自{source}）：“{text}”不是 IP 地址或 CIDR 网段（如 10.0.0.0/8）")
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(web::ServerConfig {
            pool_size: self.count("pool_size")?,
            header_timeout: seconds("server.header_timeout")?,
            request_timeout: seconds("server.request_timeout")?,
            import_timeout: seconds("server.import_timeout")?,
            max_connections: self.count("server.max_connections")?,
            import_slots,
            import_queue: self.parse::<usize>("server.import_queue", "整数")?,
            hash_slots: self.count("server.hash_slots")?,
            hash_queue: self.parse::<usize>("server.hash_queue", "整数")?,
            trusted_proxies,
            read_limits: self.read_limits()?,
            transfer_limits: self.transfer_limits()?,
            ..web::ServerConfig::default()
        })
    }

    pub fn read_limits(&self) -> anyhow::Result<import_export::ReadLimits> {
        let bytes = |name: &str, unit: u64| self.positive(name).map(|v| v.saturating_mul(unit));
        Ok(import_export::ReadLimits {
            max_file_bytes: bytes("import.max_file_mb", MIB)?,
            max_sheet_bytes: bytes("import.max_sheet_mb", MIB)?,
            max_part_bytes: bytes("import.max_part_mb", MIB)?,
            max_cell_chars: self.count("import.max_cell_chars")?,
            max_columns: self.count("import.max_columns")?,
            max_rows: self.positive("import.max_rows")?,
            max_line_bytes: usize::try_from(bytes("import.max_line_kb", 1024)?).unwrap_or(usize::MAX),
        })
    }

    pub fn transfer_limits(&self) -> anyhow::Result<import_export::TransferLimits> {
        Ok(import_export::TransferLimits {
            per_file: self.parse("import.transfers_per_file", "整数")?,
            pending_per_user: self.parse("import.pending_transfers_per_user", "整数")?,
        })
    }

    /// Every setting with its value and source (the database's password
    /// redacted), as `edugov settings` prints them.
    pub fn rows(&self) -> Vec<[String; 4]> {
        KEYS.iter()
            .map(|key| {
                let (value, source) = match self.values.get(key.name) {
                    Some((_, source)) if key.name == "database" => {
                        (self.database().to_string(), source.to_string())
                    }
                    Some((value, source)) => (value.clone(), source.to_string()),
                    None => ("（从数据得出）".to_owned(), "默认".to_owned()),
                };
                [key.name.to_owned(), value, source, key.what.to_owned()]
            })
            .collect()
    }

    pub fn print(&self) {
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header(vec!["设置", "值", "来源", "含义"]);
        for row in self.rows() {
            table.add_row(row.to_vec());
        }
        println!("{table}");
        println!("顺序：默认 → 配置文件（--config / EDUGOV_CONFIG）→ 环境变量 → 命令行，后者优先");
    }
}

fn find(name: &str) -> anyhow::Result<&'static Key> {
    KEYS.iter()
        .find(|k| k.name == name)
        .ok_or_else(|| anyhow!("没有名为 {name} 的设置"))
}

/// The settings a TOML file sets: top-level keys and `[server]`, `[import]`
/// tables. An unknown key is an error (a typo must not be ignored).
fn read_file(path: &Path) -> anyhow::Result<Vec<(&'static str, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取配置文件 {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| anyhow!("配置文件 {} 不是有效的 TOML：{e}", path.display()))?;
    let mut out = Vec::new();
    let mut visit = |name: String, value: &toml::Value| -> anyhow::Result<()> {
        let key = find(&name).map_err(|_| {
            anyhow!(
                "配置文件 {} 中的设置 {name} 不存在（可用的设置见 `edugov settings`）",
                path.display()
            )
        })?;
        let scalar = |value: &toml::Value| match value {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Integer(i) => Some(i.to_string()),
            toml::Value::Boolean(b) => Some(b.to_string()),
            _ => None,
        };
        let text = match value {
            toml::Value::Array(items) => items
                .iter()
                .map(scalar)
                .collect::<Option<Vec<_>>>()
                .map(|v| v.join(",")),
            value => scalar(value),
        }
        .ok_or_else(|| {
            anyhow!(
                "配置文件 {} 中 {name} 的值类型不对（应为文字、整数、true/false 或它们的列表）",
                path.display()
            )
        })?;
        out.push((key.name, text));
        Ok(())
    };
    for (name, value) in &table {
        match value {
            toml::Value::Table(section) => {
                for (inner, value) in section {
                    visit(format!("{name}.{inner}"), value)?;
                }
            }
            value => visit(name.clone(), value)?,
        }
    }
    Ok(out)
}
