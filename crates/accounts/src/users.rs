//! Users: creating them, their passwords, disabling them, listing them, and
//! the scope a code gives a role.

use std::fmt;

use access::{Role, Scope};
use chrono::{DateTime, Utc};
use registry::{AreaCode, AreaLevel, SchoolCode};
use store::accounts::{NewUserRecord, UserRecord};
use store::{AccountStore, RegistryRead, StoreError};

use crate::password::{check_password_rule, hash_password};
use crate::AccountError;

/// A user to create. `Debug` leaves the password out.
pub struct NewUser<'a> {
    pub username: &'a str,
    /// Defaults to the username when empty.
    pub display_name: &'a str,
    pub role: Role,
    /// Must fit the role ([`Scope::for_role`]); see [`resolve_scope`].
    pub scope: Scope,
    pub password: &'a str,
}

impl fmt::Debug for NewUser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A user as shown in lists: no password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<UserRecord> for User {
    fn from(r: UserRecord) -> User {
        User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: r.role,
            scope: r.scope,
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Usernames: 3–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
/// Upper-case input is taken as lower case.
pub fn check_username(username: &str) -> Result<String, AccountError> {
    let name = username.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    let starts_well = name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if (3..=32).contains(&name.len()) && starts_well && name.chars().all(allowed) {
        Ok(name)
    } else {
        Err(AccountError::InvalidUsername(username.to_owned()))
    }
}

/// Creates an active user and writes `user.add` to the audit log as `actor`.
pub fn add_user<S: AccountStore + ?Sized>(
    store: &mut S,
    actor: &str,
    user: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AccountError> {
    let username = check_username(user.username)?;
    let display_name = match user.display_name.trim() {
        "" => username.as_str(),
        name => name,
    };
    if display_name.chars().count() > 64 {
        return Err(AccountError::DisplayNameTooLong);
    }
    let scope = Scope::for_role(user.role, user.scope.clone())?;
    check_password_rule(user.password, &[&username, display_name])?;
    let password_hash = hash_password(user.password)?;
    let id = store
        .create_user(&NewUserRecord {
            username: &username,
            display_name,
            role: user.role,
            scope: &scope,
            password_hash: &password_hash,
            at: now,
        })
        .map_err(|err| match err {
            StoreError::Duplicate(_) => AccountError::DuplicateUsername(username.clone()),
            StoreError::UnknownReference(_) => AccountError::UnknownArea(scope.area().as_str().to_owned()),
            err => AccountError::Store(err),
        })?;
    store.record_audit(
        now,
        actor,
        store::AuditAction::UserAdd,
        &format!("{username}（{}，{}）", user.role.label_zh(), scope_code(&scope)),
    )?;
    Ok(id)
}

/// Sets a user's password and ends all of its sessions; audit `user.passwd`.
pub fn set_password<S: AccountStore + ?Sized>(
    store: &mut S,
    actor: &str,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let user = existing(store, username)?;
    check_password_rule(password, &[&user.username, &user.display_name])?;
    let password_hash = hash_password(password)?;
    store.set_password_hash(user.id, &password_hash, now)?;
    store.delete_user_sessions(user.id)?;
    store.record_audit(now, actor, store::AuditAction::UserPasswd, &user.username)?;
    Ok(())
}

/// Enables or disables a user; disabling ends its sessions. Audit
/// `user.enable` / `user.disable`. The last active city administrator cannot
/// be disabled ([`AccountError::LastCityAdmin`]): no one could then manage
/// users from the web (issue 10, point 6).
pub fn set_active<S: AccountStore + ?Sized>(
    store: &mut S,
    actor: &str,
    username: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    let user = existing(store, username)?;
    if !store.set_active(user.id, active, now)? {
        // The user exists (read above): only the last-administrator guard
        // leaves it unchanged, unless it was deleted in between.
        return Err(if !active && user.role == Role::CityAdmin {
            AccountError::LastCityAdmin(user.username)
        } else {
            AccountError::UnknownUser(user.username)
        });
    }
    if !active {
        store.delete_user_sessions(user.id)?;
    }
    let action = if active {
        store::AuditAction::UserEnable
    } else {
        store::AuditAction::UserDisable
    };
    store.record_audit(now, actor, action, &user.username)?;
    Ok(())
}

/// Every user, by username.
pub fn list_users<S: AccountStore + ?Sized>(store: &S) -> Result<Vec<User>, AccountError> {
    Ok(store.users()?.into_iter().map(User::from).collect())
}

fn existing<S: AccountStore + ?Sized>(store: &S, username: &str) -> Result<UserRecord, AccountError> {
    let key = crate::session::normalize_username(username);
    store
        .user_by_name(&key)?
        .ok_or_else(|| AccountError::UnknownUser(username.trim().to_owned()))
}

/// The code a scope is written with: the city, the county or the school.
pub fn scope_code(scope: &Scope) -> &str {
    match scope {
        Scope::City { city } => city.as_str(),
        Scope::County { county } => county.as_str(),
        Scope::School { school, .. } => school.as_str(),
    }
}

/// The scope a code gives a role: a 4-digit city, a 6-digit county or a
/// 10-digit school identification code. The area must be in the store's
/// divisions and the school in its registry (its county comes from there);
/// the scope must fit the role ([`Scope::for_role`]).
pub fn resolve_scope<S: RegistryRead + ?Sized>(
    store: &S,
    role: Role,
    code: &str,
) -> Result<Scope, AccountError> {
    let code = code.trim();
    let scope = match code.len() {
        4 | 6 if code.bytes().all(|b| b.is_ascii_digit()) => {
            let area = AreaCode::parse(code).map_err(|_| AccountError::ScopeFormat(code.to_owned()))?;
            if store.area(area.as_str())?.is_none() {
                return Err(AccountError::UnknownArea(code.to_owned()));
            }
            if area.level() == AreaLevel::City {
                Scope::City { city: area }
            } else {
                Scope::County { county: area }
            }
        }
        10 => {
            let school = SchoolCode::parse(code).map_err(|_| AccountError::ScopeFormat(code.to_owned()))?;
            let county = store
                .schools()?
                .into_iter()
                .find(|s| s.code == school)
                .map(|s| s.county)
                .ok_or_else(|| AccountError::UnknownSchool(code.to_owned()))?;
            Scope::School { school, county }
        }
        _ => return Err(AccountError::ScopeFormat(code.to_owned())),
    };
    Ok(Scope::for_role(role, scope)?)
}

#[cfg(test)]
mod tests;
