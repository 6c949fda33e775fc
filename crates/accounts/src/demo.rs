//! The printed accounts of the demo city. Only the demo has them: a real
//! deployment starts with no account and no default password, and makes its
//! first administrator with `edugov user add`.

use std::fmt;

use access::{Role, Scope};
use chrono::{DateTime, Utc};
use registry::{AreaCode, SchoolCode};
use store::AccountStore;

use crate::users::{add_user, NewUser};
use crate::AccountError;

/// One demo account, with its password in the clear so it can be printed.
/// `Debug` still leaves the password out.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub scope: Scope,
}

impl fmt::Debug for DemoAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoAccount")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .finish()
    }
}

/// The demo city's accounts: a city administrator and a city analyst of
/// `city`, a county officer of `county` and a school officer of `school`
/// (which lies in `school_county`). Deterministic, so the README can print them.
pub fn demo_accounts(
    city: &AreaCode,
    county: &AreaCode,
    school: &SchoolCode,
    school_county: &AreaCode,
) -> Vec<DemoAccount> {
    vec![
        DemoAccount {
            username: "demo-admin",
            password: "demo-admin-2024!",
            display_name: "演示·市级管理员",
            role: Role::CityAdmin,
            scope: Scope::City { city: city.clone() },
        },
        DemoAccount {
            username: "demo-analyst",
            password: "demo-analyst-2024!",
            display_name: "演示·市级分析员",
            role: Role::CityAnalyst,
            scope: Scope::City { city: city.clone() },
        },
        DemoAccount {
            username: "demo-county",
            password: "demo-county-2024!",
            display_name: "演示·区县数据员",
            role: Role::CountyOfficer,
            scope: Scope::County {
                county: county.clone(),
            },
        },
        DemoAccount {
            username: "demo-school",
            password: "demo-school-2024!",
            display_name: "演示·学校数据员",
            role: Role::SchoolOfficer,
            scope: Scope::School {
                school: school.clone(),
                county: school_county.clone(),
            },
        },
    ]
}

/// Creates the demo accounts that do not exist yet (audit actor `demo`);
/// existing users of those names are left as they are. Returns how many
/// were created.
pub fn install_demo_accounts<S: AccountStore + ?Sized>(
    store: &mut S,
    accounts: &[DemoAccount],
    now: DateTime<Utc>,
) -> Result<usize, AccountError> {
    let mut created = 0;
    for account in accounts {
        if store.user_by_name(account.username)?.is_some() {
            continue;
        }
        add_user(
            store,
            "demo",
            &NewUser {
                username: account.username,
                display_name: account.display_name,
                role: account.role,
                scope: account.scope.clone(),
                password: account.password,
            },
            now,
        )?;
        created += 1;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_accounts_fit_their_roles_and_hide_passwords_from_debug() {
        let city = AreaCode::parse("3701").unwrap();
        let county = AreaCode::parse("370112").unwrap();
        let school = SchoolCode::parse("2370112001").unwrap();
        let accounts = demo_accounts(&city, &county, &school, &county);
        let roles: Vec<_> = accounts.iter().map(|a| a.role).collect();
        assert_eq!(
            roles,
            [
                Role::CityAdmin,
                Role::CityAnalyst,
                Role::CountyOfficer,
                Role::SchoolOfficer
            ]
        );
        for account in &accounts {
            assert!(Scope::for_role(account.role, account.scope.clone()).is_ok());
            assert!(
                crate::check_password_rule(account.password, &[account.username, account.display_name])
                    .is_ok(),
                "{}",
                account.username
            );
            assert!(!format!("{account:?}").contains(account.password));
        }
    }
}
