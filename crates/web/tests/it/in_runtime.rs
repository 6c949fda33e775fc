//! The store's calls are synchronous, and the PostgreSQL client starts a
//! small runtime of its own inside each one: called on a thread that drives
//! a tokio runtime it panics ("Cannot start a runtime from within a
//! runtime"). The web must reach the store only through `spawn_blocking`
//! (`AppState::blocking`, `with_store`, `import`). This test runs the whole
//! application — state, indicators, server and its client — inside one
//! runtime and asks it for every page, the API, a login and an import: a
//! store call made anywhere else panics a handler, the connection drops,
//! and the test fails. On PostgreSQL it first shows that such a call does
//! panic, so the test can fail; and it drops the stopped server's state on
//! the runtime's thread, as `edugov serve` does when it stops (closing a
//! PostgreSQL connection there panicked too).

use std::sync::Arc;

use registry::AreaCode;
use store::prelude::*;

use crate::db::TestDb;
use crate::hostile::promote_a_teacher;
use crate::matrix::{fill, Expect, MATRIX};
use crate::{fixture, hidden_csrf, CITY};

#[test]
fn the_application_inside_a_runtime_reaches_the_store_only_on_blocking_threads() {
    let f = fixture();
    let db = Arc::new(f.base.copy(f.dir.join("in-runtime.db")));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        if let TestDb::Postgres { .. } = &*db {
            // The hazard itself: a store call on a runtime's own thread.
            let opened = db.clone();
            let store = tokio::task::spawn_blocking(move || opened.open()).await.unwrap();
            let direct = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.registry_revision()));
            assert!(
                direct.is_err(),
                "a PostgreSQL call inside the runtime did not panic"
            );
            tokio::task::spawn_blocking(move || drop(store)).await.unwrap();
        } else {
            println!("SQLite starts no runtime of its own: the direct-call check runs on PostgreSQL only");
        }

        // Opening connects (synchronously): on a blocking thread, as `edugov serve` does before its runtime.
        let url = db.url();
        let state = tokio::task::spawn_blocking(move || {
            web::AppState::open(url, AreaCode::parse(CITY).unwrap(), false)
        })
        .await
        .unwrap()
        .unwrap();
        let state = Arc::new(state);
        let computed = state.indicators(None).await.unwrap();
        assert!(!computed.snapshots.is_empty());

        let kept = state.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let serving = tokio::spawn(web::serve(state, "127.0.0.1:0".parse().unwrap(), move |addr| {
            let _ = tx.send(addr);
        }));
        let base = format!("http://{}", rx.await.unwrap());
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let get = |path: String| {
            let http = http.clone();
            let url = format!("{base}{path}");
            async move {
                let resp = http
                    .get(&url)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("GET {url}: {e}"));
                let status = resp.status().as_u16();
                (status, resp.text().await.unwrap_or_default())
            }
        };

        // Signed in as the city administrator, who may see every page.
        let (_, login) = get("/login".to_owned()).await;
        let csrf = hidden_csrf(&login).unwrap();
        let signed = http
            .post(format!("{base}/login"))
            .form(&[
                ("username", "demo-admin"),
                ("password", "demo-admin-2024!"),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status().as_u16(), 303);

        let mut asked = 0;
        for (method, route, expect) in MATRIX {
            if *method != "GET" || expect[0] != Expect::Ok {
                continue;
            }
            let (status, text) = get(fill(route)).await;
            assert_eq!(status, 200, "GET {route}: {text}");
            asked += 1;
        }
        assert!(asked > 40, "only {asked} pages asked");

        // A write: an import, on the imports' own connections.
        let (_, page) = get("/import".to_owned()).await;
        let csrf = hidden_csrf(&page).unwrap();
        let (file, _) = promote_a_teacher(|school| fixture().county_schools.iter().any(|s| s == school));
        let part = reqwest::multipart::Part::bytes(file.into_bytes())
            .file_name("teachers.csv")
            .mime_str("text/csv")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("commit", "1")
            .part("file", part);
        let imported = http
            .post(format!("{base}/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(imported.status().as_u16(), 200);
        assert!(imported.text().await.unwrap().contains("已导入 1"));
        let (status, _) = get("/api/overview".to_owned()).await;
        assert_eq!(status, 200);
        serving.abort();
        let _ = serving.await;
        drop(http);

        // The server stopped: its state, and its pools of connections,
        // are dropped here, on the runtime's own thread.
        let waited = std::time::Instant::now();
        while Arc::strong_count(&kept) > 1 {
            assert!(
                waited.elapsed().as_secs() < 30,
                "the server's connections never closed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        drop(kept);
    });
    runtime.shutdown_background();
}
