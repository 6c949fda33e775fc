//! Health and the API's description.

use crate::{shared, Browser, Who};

#[test]
fn healthz_answers_without_login() {
    let browser = Browser::new(shared());
    let resp = browser.get("/healthz");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), "ok");
    assert_eq!(browser.cookie(accounts::SESSION_COOKIE), None);
    // Every answer carries the security headers.
    for header in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
    ] {
        assert!(resp.header(header).is_some(), "/healthz without {header}");
    }
}

/// The API routes of `web::router` (kept in step with `crates/web/src/lib.rs`).
const API_ROUTES: &[&str] = &[
    "/api/me",
    "/api/overview",
    "/api/areas/{area}",
    "/api/indicators",
    "/api/indicators/{indicator}",
    "/api/schools/{code}",
    "/healthz",
];

#[test]
fn openapi_lists_the_api_routes() {
    let browser = Browser::new(shared());
    let resp = browser.get("/api/openapi.json");
    assert_eq!(resp.status, 200);
    assert!(resp
        .header("content-type")
        .unwrap_or_default()
        .starts_with("application/json"));
    let doc = resp.json();
    let version = doc["openapi"].as_str().expect("an `openapi` version");
    assert!(version.starts_with("3."), "{version}");
    assert!(doc["info"]["title"].is_string(), "{doc}");
    let paths = doc["paths"].as_object().expect("`paths`");
    for route in API_ROUTES {
        let item = paths
            .get(*route)
            .unwrap_or_else(|| panic!("{route} missing from {:?}", paths.keys().collect::<Vec<_>>()));
        assert!(item.get("get").is_some(), "{route} has no GET");
    }
    // Every documented path answers (as the city administrator).
    let admin = Browser::as_role(shared(), Who::Admin);
    let school = &crate::fixture().own_school;
    for route in paths.keys() {
        let path = route
            .replace("/api/areas/{area}", "/api/areas/3701")
            .replace("/api/indicators/{indicator}", "/api/indicators/large_class_count")
            .replace("/api/schools/{code}", &format!("/api/schools/{school}"));
        let resp = admin.get(&path);
        assert_eq!(resp.status, 200, "{path}: {}", resp.text());
    }
}

#[test]
fn the_api_answers_json_shaped_as_documented() {
    let f = crate::fixture();
    let admin = Browser::as_role(shared(), Who::Admin);
    let me = admin.get("/api/me").json();
    assert_eq!(me["signed_in"], true);
    assert_eq!(me["principal"]["role"], "city_admin");
    let overview = admin.get("/api/overview?area=370112").json();
    assert_eq!(overview["area"], "370112");
    assert!(
        !overview["indicators"].as_array().unwrap().is_empty(),
        "{overview}"
    );
    let school = admin.get(&format!("/api/schools/{}", f.own_school)).json();
    let students = school["students"]["rows"].as_array().unwrap();
    assert!(!students.is_empty());
    for s in students {
        // Identity numbers are masked in the API too.
        let id = s["id_number"].as_str().unwrap();
        assert!(id.contains('*'), "unmasked identity number {id}");
    }
}

#[test]
fn a_schools_students_page_through_in_order_without_gaps() {
    let f = crate::fixture();
    let server = shared();
    let admin = Browser::as_role(server, Who::Admin);
    let code = registry::SchoolCode::parse(&f.own_school).unwrap();
    let year = *server.store().school_years().unwrap().last().unwrap();
    let masked = |rows: &[serde_json::Value]| -> Vec<String> {
        rows.iter()
            .map(|s| format!("{} {} {}", s["id_number"], s["grade"], s["class"]))
            .collect()
    };
    for search in [None, Some("1")] {
        let query = search.map(|q| format!("&q={q}")).unwrap_or_default();
        let first = admin
            .get(&format!("/api/schools/{}?year={}{query}", f.own_school, year.0))
            .json();
        let total = first["students"]["total"].as_u64().unwrap();
        let size = first["students"]["page_size"].as_u64().unwrap();
        let mut seen = Vec::new();
        for page in 0..total.div_ceil(size) {
            let resp = admin.get(&format!(
                "/api/schools/{}?year={}{query}&page={page}",
                f.own_school, year.0
            ));
            let rows = resp.json()["students"]["rows"].as_array().unwrap().clone();
            assert!(!rows.is_empty(), "page {page} of {total} ({search:?}) is empty");
            seen.extend(masked(&rows));
        }
        // The same students, in the same order, as the store gives in one read.
        let expected: Vec<String> = server
            .store()
            .school_students(&code, year, search, 0, total + 1)
            .unwrap()
            .iter()
            .map(|(s, e)| {
                format!(
                    "\"{}\" {} {}",
                    registry::mask::id_number(s.id_number.as_str()),
                    e.grade.0,
                    e.class_name
                        .as_ref()
                        .map_or("null".to_owned(), |c| format!("\"{c}\""))
                )
            })
            .collect();
        assert_eq!(expected.len() as u64, total, "{search:?}");
        assert_eq!(seen, expected, "{search:?}");
        let beyond = admin.get(&format!(
            "/api/schools/{}?year={}{query}&page={}",
            f.own_school,
            year.0,
            total.div_ceil(size)
        ));
        assert_eq!(beyond.json()["students"]["rows"].as_array().unwrap().len(), 0);
    }
}

/// `/api/overview` carries what the overview page shows: the cards, the
/// trends and the 大班额 ranking, in the page's order and for the same
/// reader; `/api/schools` flags each 大班额 class as the page highlights it.
#[test]
fn the_api_overview_and_school_carry_what_their_pages_show() {
    let f = crate::fixture();
    for who in [Who::Admin, Who::County] {
        let browser = Browser::as_role(shared(), who);
        for area in ["3701", crate::COUNTY] {
            let api = browser.get(&format!("/api/overview?area={area}")).json();
            let years = api["trends"]["years"].as_array().unwrap().len();
            assert!(years >= 2, "{api}");
            for series in api["trends"]["series"].as_array().unwrap() {
                assert_eq!(series["values"].as_array().unwrap().len(), years, "{series}");
            }
            let ranked: Vec<String> = api["large_class_ranking"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["place_name"].as_str().unwrap().to_owned())
                .collect();
            assert!(!ranked.is_empty(), "{who:?} {area}");
            let page = browser.get(&format!("/?area={area}")).text();
            let table = &page[page.find(r#"id="ranking""#).expect("the page's ranking")..];
            let table = &table[..table.find("</table>").unwrap()];
            let shown: Vec<String> = table
                .split("<a href=")
                .skip(1)
                .map(|cell| cell[cell.find('>').unwrap() + 1..cell.find("</a>").unwrap()].to_owned())
                .collect();
            assert_eq!(ranked, shown, "{who:?} {area}");
        }
    }
    let admin = Browser::as_role(shared(), Who::Admin);
    let school = admin.get(&format!("/api/schools/{}", f.own_school)).json();
    let line = school["large_class_min"].as_u64().unwrap();
    for class in school["classes"].as_array().unwrap() {
        assert_eq!(
            class["large"].as_bool().unwrap(),
            class["size"].as_u64().unwrap() >= line,
            "{class}"
        );
    }
}

/// The OpenAPI document as the server serves it.
fn document() -> serde_json::Value {
    let resp = Browser::new(shared()).get("/api/openapi.json");
    assert_eq!(resp.status, 200);
    resp.json()
}

/// The schema `doc` gives for `route`'s answer with `status`, in JSON.
fn response_schema<'d>(doc: &'d serde_json::Value, route: &str, status: &str) -> &'d serde_json::Value {
    let schema = &doc["paths"][route]["get"]["responses"][status]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{route} {status}: no JSON schema documented");
    schema
}

/// Adds `additionalProperties: false` to every object schema that lists
/// its properties and says nothing of others: an answer with a field the
/// document does not name fails too (utoipa leaves objects open).
fn close_objects(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".to_owned(), false.into());
            }
            for (key, value) in map.iter_mut() {
                // Property names are no schemas, their values are.
                if key != "enum" && key != "const" && key != "example" && key != "examples" {
                    close_objects(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// A validator for `route`'s `status` answer as documented: the response's
/// schema with the document's components beside it (so its
/// `#/components/schemas/…` references resolve), objects closed.
fn validator(doc: &serde_json::Value, route: &str, status: &str) -> jsonschema::Validator {
    let mut schema = response_schema(doc, route, status).clone();
    let mut components = doc["components"].clone();
    close_objects(&mut schema);
    close_objects(&mut components);
    schema["components"] = components;
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("{route} {status}: the schema does not compile: {e}"))
}

/// Why `answer` does not fit (empty when it does).
fn misfits(validator: &jsonschema::Validator, answer: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(answer)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Every `$ref` in a part of the document.
fn references(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(|r| r.as_str()) {
                out.push(target.to_owned());
            }
            map.values().for_each(|v| references(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[test]
fn every_documented_answer_has_a_schema_and_every_reference_a_component() {
    let doc = document();
    let paths = doc["paths"].as_object().unwrap();
    for route in API_ROUTES {
        let responses = paths[*route]["get"]["responses"].as_object().unwrap();
        let ok = responses["200"]["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{route}: its 200 answer has no content"));
        assert!(!ok.is_empty(), "{route}: its 200 answer has no content");
        for (media, content) in ok {
            assert!(content["schema"].is_object(), "{route} {media}: no schema");
        }
        if route.starts_with("/api/") {
            response_schema(&doc, route, "200");
        }
        // Refusals and not-founds are documented as the API's error body.
        for (status, response) in responses {
            if status != "200" {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ApiError",
                    "{route} {status}"
                );
            }
        }
        if *route != "/api/me" && *route != "/api/indicators" && *route != "/healthz" {
            assert!(responses.contains_key("403"), "{route}: no 403 documented");
            assert!(responses.contains_key("404"), "{route}: no 404 documented");
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "MeAnswer",
        "OverviewAnswer",
        "AreaAnswer",
        "IndicatorAnswer",
        "SchoolAnswer",
        "ApiError",
        "Row",
        "Indicator",
    ] {
        assert!(schemas.contains_key(name), "component {name} missing");
    }
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the components: {target}"));
        assert!(schemas.contains_key(name), "{target} names no component");
    }
}

/// `(documented route, path asked)` for every API route, for `who`.
fn requests(who: Who) -> Vec<(&'static str, String)> {
    let f = crate::fixture();
    let mut asked = vec![
        ("/api/me", "/api/me".to_owned()),
        ("/api/overview", "/api/overview".to_owned()),
        ("/api/overview", "/api/overview?area=3701".to_owned()),
        ("/api/overview", format!("/api/overview?area={}", crate::COUNTY)),
        ("/api/overview", format!("/api/overview?area={}", f.township)),
        ("/api/areas/{area}", "/api/areas/3701".to_owned()),
        ("/api/areas/{area}", format!("/api/areas/{}", crate::COUNTY)),
        (
            "/api/areas/{area}",
            format!("/api/areas/{}?indicator=student_count", f.township),
        ),
        ("/api/indicators", "/api/indicators".to_owned()),
        (
            "/api/indicators/{indicator}",
            "/api/indicators/large_class_count".to_owned(),
        ),
        (
            "/api/indicators/{indicator}",
            format!(
                "/api/indicators/student_teacher_ratio?area={}&stage=junior",
                crate::COUNTY
            ),
        ),
        ("/api/schools/{code}", format!("/api/schools/{}", f.own_school)),
        (
            "/api/schools/{code}",
            format!("/api/schools/{}?q=1&page=1", f.own_school),
        ),
        (
            "/api/schools/{code}",
            format!("/api/schools/{}?page=99999", f.own_school),
        ),
    ];
    // Every stage of an indicator whose small stages are withheld from
    // another county's officer: rows with `suppressed` come back too.
    for stage in indicators::find("myopia_rate").unwrap().stages {
        let stage = stage.code();
        asked.push((
            "/api/areas/{area}",
            format!("/api/areas/3701?indicator=myopia_rate&stage={stage}"),
        ));
        asked.push((
            "/api/indicators/{indicator}",
            format!(
                "/api/indicators/myopia_rate?area={}&stage={stage}",
                crate::OTHER_COUNTY
            ),
        ));
    }
    if who == Who::Admin {
        asked.push((
            "/api/schools/{code}",
            format!("/api/schools/{}", f.foreign_school),
        ));
        asked.push(("/api/areas/{area}", format!("/api/areas/{}", f.foreign_township)));
    }
    asked
}

#[test]
fn every_answer_of_the_city_and_a_county_fits_its_documented_schema() {
    let doc = document();
    for who in [Who::Admin, Who::County] {
        let browser = Browser::as_role(shared(), who);
        let asked = requests(who);
        for route in API_ROUTES.iter().filter(|r| r.starts_with("/api/")) {
            assert!(asked.iter().any(|(r, _)| r == route), "{route} is not asked");
        }
        let mut suppressed = 0;
        for (route, path) in asked {
            let resp = browser.get(&path);
            assert_eq!(resp.status, 200, "{who:?} {path}: {}", resp.text());
            let answer = resp.json();
            let problems = misfits(&validator(&doc, route, "200"), &answer);
            assert!(
                problems.is_empty(),
                "{who:?} {path}:\n{}\n{answer}",
                problems.join("\n")
            );
            suppressed += answer.to_string().matches("\"suppressed\":").count();
        }
        if who == Who::County {
            assert!(suppressed > 0, "no withheld row was validated");
        }
    }
}

#[test]
fn the_apis_refusals_fit_the_documented_error_body() {
    let f = crate::fixture();
    let doc = document();
    let county = Browser::as_role(shared(), Who::County);
    let cases = [
        (
            "/api/schools/{code}",
            format!("/api/schools/{}", f.foreign_school),
            "403",
            "forbidden",
        ),
        (
            "/api/schools/{code}",
            "/api/schools/2999999999".to_owned(),
            "403",
            "forbidden",
        ),
        (
            "/api/areas/{area}",
            format!("/api/areas/{}", f.foreign_township),
            "403",
            "forbidden",
        ),
        (
            "/api/overview",
            format!("/api/overview?area={}", f.foreign_township),
            "403",
            "forbidden",
        ),
        (
            "/api/indicators/{indicator}",
            format!("/api/indicators/large_class_count?area={}", f.foreign_township),
            "403",
            "forbidden",
        ),
        (
            "/api/indicators/{indicator}",
            "/api/indicators/no_such_indicator".to_owned(),
            "404",
            "not_found",
        ),
        (
            "/api/areas/{area}",
            "/api/areas/3701?indicator=no_such_indicator".to_owned(),
            "404",
            "not_found",
        ),
        (
            "/api/areas/{area}",
            "/api/areas/not-an-area".to_owned(),
            "404",
            "not_found",
        ),
        (
            "/api/overview",
            "/api/overview?area=not-an-area".to_owned(),
            "404",
            "not_found",
        ),
    ];
    for (route, path, status, error) in cases {
        let resp = county.get(&path);
        assert_eq!(resp.status.to_string(), status, "{path}: {}", resp.text());
        let answer = resp.json();
        assert_eq!(answer["error"], error, "{path}: {answer}");
        let problems = misfits(&validator(&doc, route, status), &answer);
        assert!(problems.is_empty(), "{path}:\n{}\n{answer}", problems.join("\n"));
    }
    // In the chosen language, as every error answer.
    assert_eq!(county.get("/lang/en").status, 303);
    let answer = county.get("/api/indicators/no_such_indicator").json();
    assert_eq!(answer["message"], "Not found", "{answer}");
}

/// Sets the value at a JSON pointer (which must exist).
fn set(answer: &mut serde_json::Value, pointer: &str, value: serde_json::Value) {
    *answer
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} not in the answer")) = value;
}

/// A change that makes a real answer wrong.
type Spoil = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn a_wrong_answer_fails_the_documented_schema() {
    let f = crate::fixture();
    let doc = document();
    let admin = Browser::as_role(shared(), Who::Admin);
    let overview = admin.get("/api/overview?area=3701").json();
    let school = admin.get(&format!("/api/schools/{}", f.own_school)).json();
    let me = admin.get("/api/me").json();
    let cases: Vec<(&str, &serde_json::Value, Spoil)> = vec![
        (
            "/api/overview",
            &overview,
            Box::new(|a| set(a, "/school_year", "2024".into())),
        ),
        (
            "/api/overview",
            &overview,
            Box::new(|a| {
                a.as_object_mut().unwrap().remove("indicators");
            }),
        ),
        (
            "/api/overview",
            &overview,
            Box::new(|a| set(a, "/indicators/0/value", "12.5".into())),
        ),
        (
            "/api/overview",
            &overview,
            Box::new(|a| set(a, "/indicators/0/level", "village".into())),
        ),
        (
            "/api/overview",
            &overview,
            Box::new(|a| set(a, "/indicators/0/line_kind", "guess".into())),
        ),
        (
            "/api/overview",
            &overview,
            Box::new(|a| set(a, "/indicators/0/schools", (-1).into())),
        ),
        (
            "/api/overview",
            &overview,
            Box::new(|a| set(a, "/trends/series/0/values/0", "n/a".into())),
        ),
        // A field the document does not name.
        (
            "/api/overview",
            &overview,
            Box::new(|a| a["indicators"][0]["digits"] = 2.into()),
        ),
        (
            "/api/overview",
            &overview,
            Box::new(|a| {
                a["large_class_ranking"][0]["id_number"] = "370112200001011234".into();
            }),
        ),
        (
            "/api/schools/{code}",
            &school,
            Box::new(|a| set(a, "/classes/0/large", "yes".into())),
        ),
        (
            "/api/schools/{code}",
            &school,
            Box::new(|a| set(a, "/classes/0/stage", "university".into())),
        ),
        (
            "/api/schools/{code}",
            &school,
            Box::new(|a| set(a, "/students/rows/0/sex", "x".into())),
        ),
        (
            "/api/schools/{code}",
            &school,
            Box::new(|a| set(a, "/school/seats/0", serde_json::json!(["primary"]))),
        ),
        (
            "/api/me",
            &me,
            Box::new(|a| set(a, "/principal/role", "superuser".into())),
        ),
        (
            "/api/me",
            &me,
            Box::new(|a| set(a, "/principal/scope", serde_json::json!({ "kind": "county" }))),
        ),
        ("/api/me", &me, Box::new(|a| set(a, "/lang", "fr".into()))),
    ];
    for (i, (route, answer, spoil)) in cases.iter().enumerate() {
        let validator = validator(&doc, route, "200");
        assert!(
            misfits(&validator, answer).is_empty(),
            "{route}: the real answer fits"
        );
        let mut wrong = (*answer).clone();
        spoil(&mut wrong);
        assert_ne!(&wrong, *answer, "case {i} changed nothing");
        assert!(!validator.is_valid(&wrong), "case {i} of {route} passed: {wrong}");
    }
    // The error body too.
    let refusal = serde_json::json!({ "error": "forbidden", "message": "无权访问" });
    let validator = validator(&doc, "/api/schools/{code}", "403");
    assert!(validator.is_valid(&refusal));
    assert!(!validator.is_valid(&serde_json::json!({ "error": "nope", "message": "无权访问" })));
    assert!(!validator.is_valid(&serde_json::json!({ "message": "无权访问" })));
}
