//! The administrators' pages: the users table paged and searched, the
//! audit log paged with its filter kept.

use store::prelude::*;

use crate::{Browser, Server, Who};

/// The `href` of the pager's link `rel` ("prev" or "next"), unescaped.
fn pager_link(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\" href=\""))? + rel.len() + 13;
    let end = at + html[at..].find('"')?;
    Some(html[at..end].replace("&amp;", "&"))
}

/// The rows of a table's body: each row's cells as text (tags dropped).
fn rows(html: &str, table: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find(&format!("id=\"{table}\"")) else {
        return Vec::new();
    };
    let body = &html[start..];
    let body = &body[body.find("<tbody>").unwrap()..body.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| {
                    let cell = &cell[..cell.find("</td>").unwrap_or(cell.len())];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in cell.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_audit_logs_pages_keep_the_actor_filter() {
    let server = Server::fresh("audit-paging");
    {
        let mut store = server.store();
        for i in 0..150 {
            store
                .audit("alice", store::AuditAction::Demo, &format!("alice {i}"))
                .unwrap();
            store
                .audit("bob", store::AuditAction::Demo, &format!("bob {i}"))
                .unwrap();
        }
    }
    let admin = Browser::as_role(&server, Who::Admin);
    let first = admin.get("/admin/audit?actor=alice").text();
    let actors =
        |html: &str| -> Vec<String> { rows(html, "audit").into_iter().map(|r| r[1].clone()).collect() };
    assert_eq!(actors(&first).len(), 100);
    assert!(actors(&first).iter().all(|a| a == "alice"));
    assert!(first.contains("1 / 2"));

    let next = pager_link(&first, "next").expect("a link to page 2");
    assert!(next.contains("actor=alice"), "{next}");
    let second = admin.get(&next).text();
    assert_eq!(actors(&second).len(), 50, "{next}");
    assert!(
        actors(&second).iter().all(|a| a == "alice"),
        "{next}: {:?}",
        actors(&second)
    );
    assert!(second.contains("2 / 2"));
    assert_eq!(pager_link(&second, "next"), None);
    let back = pager_link(&second, "prev").expect("a link to page 1");
    assert!(back.contains("actor=alice"), "{back}");
    assert_eq!(actors(&admin.get(&back).text()), actors(&first));
}

/// Actions are a closed list: the page filters by one, shows each by its
/// label, and shows a stored code it does not know as stored.
#[test]
fn the_audit_log_filters_by_action_and_shows_labels() {
    let server = Server::fresh("audit-actions");
    {
        let mut store = server.store();
        store
            .audit("li", store::AuditAction::ExportUnmasked, "students")
            .unwrap();
        store
            .audit("li", store::AuditAction::Import, "学校.csv：3 行")
            .unwrap();
    }
    let admin = Browser::as_role(&server, Who::Admin);
    let html = admin.get("/admin/audit?action=export_unmasked").text();
    let lines = rows(&html, "audit");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0][2], store::AuditAction::ExportUnmasked.label_zh());
    // An unknown action is no filter at all: every line.
    let all = rows(&admin.get("/admin/audit?action=drop_table").text(), "audit");
    assert!(all.len() >= 2, "{all:?}");
    let next = admin.get("/admin/audit?action=import").text();
    assert!(rows(&next, "audit").iter().all(|r| r[2] == "导入数据"));
}

#[test]
fn the_users_table_is_paged_and_searchable() {
    let server = Server::fresh("users-paging");
    let before = server.store().users().unwrap().len();
    {
        let mut store = server.store();
        let county = registry::AreaCode::parse(crate::COUNTY).unwrap();
        for i in 0..230 {
            store
                .create_user(&store::accounts::NewUserRecord {
                    username: &format!("officer-{i:03}"),
                    display_name: &format!("学校数据员{i:03}"),
                    role: access::Role::CountyOfficer,
                    scope: &access::Scope::County {
                        county: county.clone(),
                    },
                    // Never signs in: any string will do.
                    password_hash: "$argon2id$not-a-real-hash",
                    at: chrono::Utc::now(),
                })
                .unwrap();
        }
    }
    let total = before + 230;
    let admin = Browser::as_role(&server, Who::Admin);
    let usernames = |path: &str| -> Vec<String> {
        let page = admin.get(path);
        assert_eq!(page.status, 200, "{path}");
        rows(&page.text(), "users")
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };

    // Every user once, a hundred a page.
    let mut seen = Vec::new();
    let mut path = "/admin/users".to_owned();
    loop {
        let html = admin.get(&path).text();
        let names: Vec<String> = rows(&html, "users").into_iter().map(|r| r[0].clone()).collect();
        assert!(names.len() <= 100, "{path}: {} rows", names.len());
        assert_eq!(crate::heading_count(&html, "用户"), Some(total as u64));
        seen.extend(names);
        match pager_link(&html, "next") {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), total);

    // By username, name (any case) or scope code.
    assert_eq!(
        usernames("/admin/users?q=OFFICER-12"),
        (120..130).map(|i| format!("officer-{i:03}")).collect::<Vec<_>>()
    );
    assert_eq!(
        usernames(&format!("/admin/users?q={}", crate::urlencode("数据员007"))),
        ["officer-007"]
    );
    let in_county = admin.get(&format!("/admin/users?q={}", crate::COUNTY)).text();
    // The 230, the demo county officer, and the school officer, whose
    // school's code holds the county's.
    assert_eq!(crate::heading_count(&in_county, "用户"), Some(232));
    let in_county = usernames(&format!("/admin/users?q={}", crate::COUNTY));
    assert_eq!(in_county.len(), 100);
    assert!(in_county.contains(&"demo-county".to_owned()), "{in_county:?}");
    assert!(usernames("/admin/users?q=no-such-user").is_empty());

    // A search's pages keep it.
    let html = admin.get("/admin/users?q=officer").text();
    let next = pager_link(&html, "next").unwrap();
    assert!(next.contains("q=officer"), "{next}");
    assert_eq!(usernames(&next).len(), 100);
}
