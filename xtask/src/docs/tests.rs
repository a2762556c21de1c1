//! The vendors' partner documents against their specs, and revisions of them as
//! a vendor would make them.

use std::path::{Path, PathBuf};

use super::compare::{Report, Status};

fn root() -> PathBuf {
    crate::workspace_root()
}

fn fixture(name: &str) -> PathBuf {
    root().join("xtask/fixtures/docs").join(name)
}

fn report(vendor: &str, file: &Path) -> Report {
    super::run(&root(), vendor, file).unwrap()
}

/// `fixture` revised by `edits` (each `from` must occur `count` times).
fn revised(name: &str, edits: &[(&str, &str, usize)]) -> tempfile::NamedTempFile {
    let mut text = std::fs::read_to_string(fixture(name)).unwrap();
    for (from, to, count) in edits {
        assert_eq!(text.matches(from).count(), *count, "{from:?} in {name}");
        text = text.replace(from, to);
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

fn rows(report: &Report) -> Vec<String> {
    report
        .lines
        .iter()
        .map(|l| {
            format!(
                "{} {} ({} accepted)",
                l.status.word(),
                l.operation.as_deref().unwrap_or("-"),
                l.accepted.len()
            )
        })
        .collect()
}

#[test]
fn every_seed_agrees_with_its_spec() {
    let expected: [(&str, &[&str]); 5] = [
        (
            "pos-indonesia",
            &[
                "same issueToken (0 accepted)",
                "same getPostalCode (0 accepted)",
                "same getProvince (0 accepted)",
                "same getCity (0 accepted)",
                "same getSubDistrict (0 accepted)",
                "same getSubSubDistrict (0 accepted)",
            ],
        ),
        (
            "elkassa",
            &[
                "same registration (0 accepted)",
                "same getRegistrationData (0 accepted)",
                "same checkUser (0 accepted)",
                "same activation (0 accepted)",
                "same getAllUsers (1 accepted)",
                "same getDetailUser (1 accepted)",
                "gone getAllUsersWithoutPaging (1 accepted)",
            ],
        ),
        (
            "fastrac",
            &[
                "same getCity (0 accepted)",
                "same getDistrict (0 accepted)",
                "same getSubDistrict (0 accepted)",
                "same getPostalCode (0 accepted)",
            ],
        ),
        (
            "pafi",
            &[
                "same issueToken (0 accepted)",
                "same getKecukupanSkpByNik (0 accepted)",
            ],
        ),
        (
            "sempoa",
            &[
                "same checkToken (0 accepted)",
                "same createJurnal (0 accepted)",
            ],
        ),
    ];
    // Every vendor whose spec cites its partner document (`x-mitra-source:
    // seed`) has it on file, and it agrees; a vendor added from its spec
    // alone has none until the vendor's own arrives.
    for vendor in crate::vendors::VENDORS.iter().map(|v| v.name) {
        let document = fixture(&format!("{vendor}.txt"));
        if !document.exists() {
            let spec =
                std::fs::read_to_string(root().join(format!("specs/{vendor}.yaml"))).unwrap();
            assert!(
                !spec.contains("x-mitra-source: 'seed'") && !spec.contains("x-mitra-source: seed"),
                "{vendor}: its spec cites its partner document, which is not in xtask/fixtures/docs/"
            );
            continue;
        }
        let r = report(vendor, &document);
        if let Some((_, lines)) = expected.iter().find(|(name, _)| *name == vendor) {
            assert_eq!(rows(&r), *lines, "{vendor}");
        }
        assert!(r.agree(), "{vendor}: {:?}", r.differences());
        assert!(r.lines.iter().all(|l| l.unused.is_empty()), "{vendor}");
    }
    for (vendor, _) in expected {
        assert!(
            crate::vendors::VENDORS.iter().any(|v| v.name == vendor),
            "{vendor} is not in the registry"
        );
    }
}

#[test]
fn what_each_seed_documents_is_read() {
    // Examples and tables found per vendor: a reader that found none would
    // make every comparison vacuous.
    let expected = [
        ("pos-indonesia", 5, 1),
        ("elkassa", 6, 6),
        ("fastrac", 0, 4),
        ("pafi", 7, 8),
        ("sempoa", 2, 1),
    ];
    for (vendor, examples, tables) in expected {
        let eps = super::read_document(&fixture(&format!("{vendor}.txt")))
            .unwrap()
            .endpoints;
        let found = (
            eps.iter().map(|e| e.examples.len()).sum::<usize>(),
            eps.iter().map(|e| e.tables.len()).sum::<usize>(),
        );
        assert_eq!(found, (examples, tables), "{vendor}");
        assert!(eps.iter().all(|e| e.unreadable.is_empty()), "{vendor}");
    }
}

#[test]
fn fixtures_are_the_seeds_with_credentials_and_personal_data_replaced() {
    let seeds = root().join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!(
            "skipped: no {} (the fixtures are checked in)",
            seeds.display()
        );
        return;
    }
    let jwt = regex::Regex::new(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+").unwrap();
    for vendor in crate::vendors::VENDORS.iter().map(|v| v.name) {
        let Ok(seed) = std::fs::read_to_string(seeds.join(format!("{vendor}.txt"))) else {
            eprintln!("{vendor}: no seed (its fixture is a placeholder)");
            continue;
        };
        let masked = seed
            .replace("priyanga27+sobat33@gmail.com", "pemilik@example.com")
            .replace("isudaiusyd87a6s87atsd8a7std", "example-client-secret")
            .replace("3206021201960046", "3204850000000000");
        let masked = jwt.replace_all(
            &masked,
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIxIn0.c2lnbmF0dXJl",
        );
        let fixture = std::fs::read_to_string(fixture(&format!("{vendor}.txt"))).unwrap();
        assert!(
            fixture == masked,
            "xtask/fixtures/docs/{vendor}.txt is not the seed, masked"
        );
    }
}

#[test]
fn a_revised_aglio_document_names_exactly_what_changed() {
    let doc = revised(
        "pafi.txt",
        &[
            // Renamed in the request's body and in its schema (and required list).
            ("\"client_id\"", "\"clientId\"", 3),
            // A new field in the 200 response.
            (
                "\"token_type\": \"Bearer\",",
                "\"token_type\": \"Bearer\",\n\"refresh_token\": \"made-up-refresh\",",
                1,
            ),
            // A new endpoint.
            (
                "Generated by aglio",
                "Anggota \u{b6}\nHeaders\nContent-Type: application/json\nHeaders\n\
                 Content-Type: application/json\nBody\n{\n\"status_code\": 200,\n\"data\": []\n}\n\
                 List membersGET/anggota\nGenerated by aglio",
                1,
            ),
        ],
    );
    let r = report("pafi", doc.path());
    assert_eq!(
        r.differences(),
        [
            "GET /anggota: new in the document",
            "issueToken: request example: /clientId: field not in the spec",
            "issueToken: request example: /client_id: required field missing",
            "issueToken: request table: clientId: not in the spec",
            "issueToken: request table: client_id: not in the document",
            "issueToken: response 200 example: /refresh_token: field not in the spec",
        ]
    );
    assert_eq!(super::exit_code(&r), 3);
    let statuses: Vec<_> = r.lines.iter().map(|l| l.status).collect();
    assert_eq!(statuses, [Status::Differs, Status::Same, Status::New]);
    // Pointers and kinds only: no value of the document in either form.
    let shown = format!("{}{}", r.render("pafi", "doc"), r.json("pafi", "doc"));
    for value in [
        "made-up-refresh",
        "example-client-secret",
        "read-kecukupan-skp",
        "Dummy Data",
        "3204850000000000",
        "eyJ0",
    ] {
        assert!(!shown.contains(value), "{value} shown");
    }
}

#[test]
fn a_revised_text_document_names_exactly_what_changed() {
    let doc = revised(
        "elkassa.txt",
        &[
            (
                "Parameter\tTipe\tKeterangan\nemail\tAlphanumeric\t\nkey",
                "Parameter\tTipe\tKeterangan\ne_mail\tAlphanumeric\t\nkey",
                1,
            ),
            (
                "\"packet_desc\": \"Trial 30 Hari\"\n  }",
                "\"packet_desc\": \"Trial 30 Hari\",\n    \"packet_price\": \"0\"\n  }",
                1,
            ),
            (
                "Lampiran:",
                "7. Delete User\n\nurl : https://api.elkassa.com/integration/user_delete\n\n\
                 method : POST\n\nParameter\tTipe\tKeterangan\nemail\tAlphanumeric\t\n\nLampiran:",
                1,
            ),
        ],
    );
    let r = report("elkassa", doc.path());
    assert_eq!(
        r.differences(),
        [
            "POST /integration/user_delete: new in the document",
            "checkUser: request table: e_mail: not in the spec",
            "checkUser: request table: email: not in the document",
            "checkUser: response 200 example: /data/packet_price: field not in the spec",
        ]
    );
    assert_eq!(super::exit_code(&r), 3);
    let text = r.render("elkassa", "doc");
    assert!(
        text.contains(
            "| differs | `POST /integration/user_check` (line 116) | checkUser | 3 differ |"
        ),
        "{text}"
    );
    assert!(
        text.contains("| new | `POST /integration/user_delete` (line 270) |  | 1 differ |"),
        "{text}"
    );
}

#[test]
fn a_deviation_the_document_no_longer_shows_is_reported_unused() {
    // The vendor fixed the duplicate key in "Get All Users" (not in "Get Detail User").
    let doc = revised(
        "elkassa.txt",
        &[(
            "\"user_type_desc\": \"ACTIVE\",",
            "\"account_status\": \"ACTIVE\",",
            2,
        )],
    );
    let r = report("elkassa", doc.path());
    let users = r
        .lines
        .iter()
        .find(|l| l.operation.as_deref() == Some("getAllUsers"))
        .unwrap();
    assert_eq!(
        users.unused,
        ["response 200 example: /data/0/user_type_desc: duplicate key"]
    );
    assert_eq!(
        r.differences(),
        [
            "getAllUsers: response 200 example: /data/0/account_status: field not in the spec",
            "getDetailUser: response 200 example: /data/0/account_status: field not in the spec",
        ]
    );
}

#[test]
fn a_postman_collection_is_read() {
    let r = report(
        "pos-indonesia",
        &fixture("pos-indonesia.postman_collection.json"),
    );
    assert_eq!(
        rows(&r),
        [
            "same issueToken (0 accepted)",
            "differs getCity (0 accepted)",
            "gone getPostalCode (0 accepted)",
            "gone getProvince (0 accepted)",
            "gone getSubDistrict (0 accepted)",
            "gone getSubSubDistrict (0 accepted)",
        ]
    );
    assert_eq!(
        r.differences(),
        [
            "getCity: response 200 example: /responses/response/cityType: field not in the spec",
            "getPostalCode: gone from the document",
            "getProvince: gone from the document",
            "getSubDistrict: gone from the document",
            "getSubSubDistrict: gone from the document",
        ]
    );
    let doc = super::read_document(&fixture("pos-indonesia.postman_collection.json")).unwrap();
    assert_eq!(doc.unit, "request");
    let j = r.json("pos-indonesia", "c.json");
    assert_eq!(j["agree"], false);
    assert_eq!(j["unit"], "request");
    assert_eq!(j["endpoints"][1]["status"], "differs");
    assert_eq!(
        j["endpoints"][1]["differences"],
        serde_json::json!([{
            "what": "response 200 example: /responses/response/cityType: field not in the spec",
            "line": 3,
        }])
    );
    let eps = doc.endpoints;
    assert_eq!(
        r.render("pos-indonesia", "c.json").lines().nth(5),
        Some("| differs | `POST /utilitas/1.0.1/getCity` (request 3) | getCity | 1 differ |")
    );
    assert_eq!(eps[0].tables[0].rows.len(), 1, "a disabled key is not read");
    assert_eq!(
        eps[1].examples.len(),
        2,
        "the raw body and the saved response"
    );
}

#[test]
fn usage_and_reading_errors_are_errors() {
    assert!(super::run(&root(), "nope", &fixture("pafi.txt")).is_err());
    assert!(super::run(&root(), "pafi", &fixture("missing.txt")).is_err());
    let spec = serde_json::json!({"paths": {"/a": {"get": {
        "operationId": "a",
        "x-mitra-doc-deviation": [{"what": "gone from the document"}],
    }}}});
    let err = super::compare::compare(&spec, &[]).unwrap_err();
    assert!(format!("{err:#}").contains("{what, reason}"), "{err:#}");
}

#[test]
fn required_marks_and_parameters_named_in_prose_are_compared() {
    let sempoa = revised(
        "sempoa.txt",
        &[(
            "| kredit    |  ✅   | Array     |",
            "| kredit    |       | Array     |",
            1,
        )],
    );
    assert_eq!(
        report("sempoa", sempoa.path()).differences(),
        ["createJurnal: request table: kredit: optional in the document, required in the spec"]
    );
    let fastrac = revised(
        "fastrac.txt",
        &[
            (
                "GET City requires the province_id",
                "GET City requires the provinceId",
                1,
            ),
            ("GET Postal Code uses", "GET Postcode uses", 1),
        ],
    );
    assert_eq!(
        report("fastrac", fastrac.path()).differences(),
        [
            "GET Postcode: new in the document",
            "getCity: request table: provinceId: not in the spec",
            "getPostalCode: gone from the document",
        ]
    );
}

#[test]
fn an_endpoint_labelled_by_a_concrete_url_shows_no_data_of_it() {
    let endpoint = super::Endpoint {
        method: Some("GET".into()),
        url: Some(
            "https://pafi.example/api/v1/pengajuan/kecukupan-skp/user/3204851234567890".into(),
        ),
        ..Default::default()
    };
    let label = endpoint.label();
    assert!(!label.contains("3204851234567890"), "{label}");
    assert!(
        label.starts_with("GET ") && label.ends_with("/user/*"),
        "{label}"
    );
}

/// Every saved copy of a Fastrac web page in `xtask/fixtures/docs/fastrac/`.
fn fastrac_pages() -> Vec<PathBuf> {
    let dir = root().join("xtask/fixtures/docs/fastrac");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_fastrac_page_agrees_with_the_spec() {
    let pages = fastrac_pages();
    assert!(pages.len() >= 8, "{pages:?}");
    for page in pages {
        let r = report("fastrac", &page);
        assert!(r.agree(), "{}: {:?}", page.display(), r.differences());
        // A page describes its own operation: nothing else is gone from it.
        assert!(
            r.lines.iter().all(|l| l.status != Status::Gone),
            "{}",
            page.display()
        );
    }
}

#[test]
fn what_each_fastrac_page_documents_is_read() {
    // (page, method and path, examples, tables): a reader that found none
    // would make every comparison vacuous.
    let expected: [(&str, &str, usize, usize); 8] = [
        (
            "balance-history-20309002e0",
            "POST /user/balance/history",
            0,
            1,
        ),
        (
            "calculate-multi-items-20205132e0",
            "POST /item/multi-items",
            3,
            2,
        ),
        ("cancel-order-19817645e0", "POST /order/cancel", 2, 1),
        (
            "check-tariff-express-delivery-20486900e0",
            "POST /tariff/express",
            0,
            3,
        ),
        (
            "check-tariff-instant-delivery-20486901e0",
            "POST /tariff/instant",
            0,
            4,
        ),
        ("order-express-19817643e0", "POST /order/express", 0, 1),
        ("order-instant-20486902e0", "POST /order/instant", 0, 5),
        ("tracking-order-19817646e0", "GET /order/track", 1, 0),
    ];
    for (slug, endpoint, examples, tables) in expected {
        let doc = super::read_document(&fixture(&format!("fastrac/{slug}.txt"))).unwrap();
        assert!(doc.page, "{slug}");
        assert_eq!(doc.endpoints.len(), 1, "{slug}");
        let ep = &doc.endpoints[0];
        assert_eq!(ep.label(), endpoint, "{slug}");
        assert_eq!(
            (ep.examples.len(), ep.tables.len()),
            (examples, tables),
            "{slug}"
        );
        assert!(ep.unreadable.is_empty(), "{slug}");
    }
}

/// `specs/fastrac.yaml` revised by `edit`, under a scratch root (the
/// registry of vendors is the workspace's).
fn spec_revised(edit: impl FnOnce(&mut serde_json::Value)) -> tempfile::TempDir {
    let text = std::fs::read_to_string(root().join("specs/fastrac.yaml")).unwrap();
    let mut spec: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    edit(&mut spec);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    std::fs::write(
        dir.path().join("specs/fastrac.yaml"),
        serde_yaml::to_string(&spec).unwrap(),
    )
    .unwrap();
    dir
}

/// The shapes the spec had before Fastrac's pages were read (issue #38): the
/// express parties' `subdistrict_id`, a list `items` for the express order,
/// the express tariff's `data` a flat list with a `price`. Against the
/// pages, that spec differs (exit 3), naming `region_id`, `item` and the
/// grouped answer.
#[test]
fn the_spec_before_the_pages_were_read_differs_from_them() {
    let old = spec_revised(|s| {
        let schemas = &mut s["components"]["schemas"];
        let party = &mut schemas["ExpressParty"];
        party["properties"]["subdistrict_id"] = party["properties"]["region_id"].take();
        party["properties"]
            .as_object_mut()
            .unwrap()
            .remove("region_id");
        party["required"] = serde_json::json!(["name", "phone", "address"]);
        let order = &mut schemas["OrderExpressRequest"];
        order["properties"]["items"] = serde_json::json!({
            "type": "array",
            "items": {"$ref": "#/components/schemas/TariffItem"}
        });
        order["properties"].as_object_mut().unwrap().remove("item");
        order["required"] = serde_json::json!([
            "courier_code",
            "code_service",
            "shipper",
            "receiver",
            "items"
        ]);
        schemas["ExpressTariff"] = serde_json::json!({
            "type": "object",
            "required": ["courier_code", "code_service"],
            "properties": {
                "courier_code": {"type": "string"},
                "code_service": {"type": "string"},
                "price": {"type": "number"},
                "etd": {"type": "string"}
            }
        });
        schemas["TariffExpressEnvelope"]["properties"]["data"] = serde_json::json!({
            "type": "array",
            "items": {"$ref": "#/components/schemas/ExpressTariff"}
        });
    });
    let run = |slug: &str| {
        let page = fixture(&format!("fastrac/{slug}.txt"));
        let r = super::run(old.path(), "fastrac", &page).unwrap();
        assert_eq!(super::exit_code(&r), 3, "{slug}");
        r.differences().join("\n")
    };
    let order = run("order-express-19817643e0");
    for named in [
        "shipper.region_id: not in the spec",
        "receiver.region_id: not in the spec",
        "item: not in the spec",
        "item.weight: not in the spec",
    ] {
        assert!(order.contains(named), "{named} in\n{order}");
    }
    let tariff = run("check-tariff-express-delivery-20486900e0");
    for named in [
        "courier_name: not in the spec",
        "base_tariff: not in the spec",
        "total: not in the spec",
    ] {
        assert!(tariff.contains(named), "{named} in\n{tariff}");
    }
    // And the spec as it is agrees with both.
    for slug in [
        "order-express-19817643e0",
        "check-tariff-express-delivery-20486900e0",
    ] {
        let r = report("fastrac", &fixture(&format!("fastrac/{slug}.txt")));
        assert_eq!(super::exit_code(&r), 0, "{slug}: {:?}", r.differences());
    }
}

#[test]
fn names_and_e_mail_addresses_in_a_documents_rows_and_urls_are_not_printed() {
    // Issue #37 row 9: a row of people where a parameter's name was
    // expected, and a concrete URL with a name in it.
    let sempoa = revised(
        "sempoa.txt",
        &[(
            "| kredit    |  ✅   | Array     |",
            "| Siti Rahmawati |  ✅   | Array     |",
            1,
        )],
    );
    let differences = report("sempoa", sempoa.path()).differences();
    assert_eq!(
        differences,
        [
            "createJurnal: request table: *: not in the spec",
            "createJurnal: request table: kredit: not in the document",
        ]
    );
    let endpoint = super::Endpoint {
        method: Some("GET".into()),
        url: Some("https://bank.example/nasabah/3273010101900001/siti.rahmawati".into()),
        ..Default::default()
    };
    assert_eq!(endpoint.label(), "GET /nasabah/*/*");
}
