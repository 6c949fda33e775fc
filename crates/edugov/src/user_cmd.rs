//! `edugov user`: accounts of the web application on the server's command
//! line — how a real deployment makes its first city administrator.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use access::{Role, Scope};
use anyhow::{anyhow, bail, Context};
use chrono::{FixedOffset, Utc};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

#[derive(clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(clap::Subcommand)]
enum UserCommand {
    /// Add a user (the password is asked twice, or read from standard input)
    Add(AddArgs),
    /// List the users
    List,
    /// Set a user's password; ends its sessions
    Passwd(PasswdArgs),
    /// Disable a user; ends its sessions
    Disable(NameArg),
    /// Enable a disabled user
    Enable(NameArg),
}

#[derive(clap::Args)]
struct AddArgs {
    /// Login name: 3–32 of a-z 0-9 . _ -
    #[arg(long)]
    username: String,
    /// city_admin, city_analyst, county_officer, school_officer (or the Chinese label)
    #[arg(long)]
    role: String,
    /// 4-digit city, 6-digit county or 10-digit school code, fitting the role
    #[arg(long)]
    scope: String,
    /// Display name (default: the username)
    #[arg(long = "name")]
    display_name: Option<String>,
    /// Read the password from the first line of standard input instead of asking
    #[arg(long)]
    password_stdin: bool,
}

#[derive(clap::Args)]
struct PasswdArgs {
    username: String,
    /// Read the password from the first line of standard input instead of asking
    #[arg(long)]
    password_stdin: bool,
}

#[derive(clap::Args)]
struct NameArg {
    username: String,
}

pub fn run(db: &store::DatabaseUrl, args: UserArgs) -> anyhow::Result<ExitCode> {
    let mut store = crate::open_store(db)?;
    let actor = actor();
    let now = Utc::now();
    match args.command {
        UserCommand::Add(args) => {
            let username =
                accounts::check_username(&args.username).map_err(|e| anyhow!("--username：{e}"))?;
            if accounts::list_users(&store)?
                .iter()
                .any(|u| u.username == username)
            {
                bail!("--username：用户名“{username}”已存在");
            }
            let role = Role::parse(&args.role).map_err(|e| anyhow!("--role：{e}"))?;
            let scope =
                accounts::resolve_scope(&store, role, &args.scope).map_err(|e| anyhow!("--scope：{e}"))?;
            let display_name = args.display_name.as_deref().unwrap_or_default();
            let password = read_password(args.password_stdin, &[&username, display_name])?;
            let user = accounts::NewUser {
                username: &username,
                display_name,
                role,
                scope,
                password: &password,
            };
            accounts::add_user(&mut store, &actor, &user, now)?;
            println!("已添加用户 {username}（{}）", role.label_zh());
        }
        UserCommand::List => list(&store)?,
        UserCommand::Passwd(args) => {
            let user = existing(&store, &args.username)?;
            let password = read_password(args.password_stdin, &[&user.username, &user.display_name])?;
            accounts::set_password(&mut store, &actor, &args.username, &password, now)?;
            println!("已为 {} 设置新密码，其登录会话已全部结束", args.username.trim());
        }
        UserCommand::Disable(NameArg { username }) => {
            accounts::set_active(&mut store, &actor, &username, false, now)?;
            println!("已停用 {}，其登录会话已全部结束", username.trim());
        }
        UserCommand::Enable(NameArg { username }) => {
            accounts::set_active(&mut store, &actor, &username, true, now)?;
            println!("已启用 {}", username.trim());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Who the audit log names for changes made here: `cli:` and the system user.
fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_owned());
    format!("cli:{user}")
}

fn existing(store: &dyn store::Store, username: &str) -> anyhow::Result<accounts::User> {
    let username = username.trim().to_lowercase();
    match accounts::list_users(store)?
        .into_iter()
        .find(|u| u.username == username)
    {
        Some(user) => Ok(user),
        None => bail!("用户“{username}”不存在"),
    }
}

/// The new password: the first line of standard input, or asked twice
/// without echo. Checked against the password rule (length, and not common
/// or made of `context`: the username and display name) before anything is
/// written.
fn read_password(from_stdin: bool, context: &[&str]) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("无法从标准输入读取密码")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        if !std::io::stdin().is_terminal() {
            bail!("没有可以输入密码的终端：请用 --password-stdin 从标准输入读入密码");
        }
        let first = rpassword::prompt_password("新密码：").context("无法读取密码")?;
        accounts::check_password_rule(&first, context).map_err(|e| anyhow!("密码：{e}"))?;
        let second = rpassword::prompt_password("再输入一次：").context("无法读取密码")?;
        if first != second {
            bail!("两次输入的密码不一致，未作任何修改");
        }
        first
    };
    accounts::check_password_rule(&password, context).map_err(|e| anyhow!("密码：{e}"))?;
    Ok(password)
}

fn list(store: &dyn store::Store) -> anyhow::Result<()> {
    let users = accounts::list_users(store)?;
    if users.is_empty() {
        println!("还没有用户：用 `edugov user add --username … --role city_admin --scope <市代码>` 添加第一个市级管理员");
        return Ok(());
    }
    let beijing = FixedOffset::east_opt(8 * 3600).context("时区")?;
    let schools = if users.iter().any(|u| matches!(u.scope, Scope::School { .. })) {
        store.schools()?
    } else {
        Vec::new()
    };
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(["用户名", "显示名", "角色", "范围", "状态", "创建时间（北京时间）"]);
    for user in users {
        let code = accounts::scope_code(&user.scope).to_owned();
        let name = match &user.scope {
            Scope::School { school, .. } => {
                schools.iter().find(|s| s.code == *school).map(|s| s.name.clone())
            }
            _ => store.area(&code)?.map(|a| a.name),
        };
        table.add_row([
            user.username,
            user.display_name,
            user.role.label_zh().to_owned(),
            match name {
                Some(name) => format!("{code} {name}"),
                None => code,
            },
            if user.active { "启用" } else { "停用" }.to_owned(),
            user.created_at
                .with_timezone(&beijing)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ]);
    }
    println!("{table}");
    Ok(())
}
