use super::*;
use serde_json::json;

fn spec() -> Value {
    json!({
        "paths": {
            "/orders/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "post": {
                    "operationId": "createOrder",
                    "x-mitra-source": "seed",
                    "parameters": [
                        {"name": "X-Key", "in": "header", "schema": {"type": "string"}},
                        {"name": "dry", "in": "query", "schema": {"type": "boolean", "x-mitra-assumption": "why"}}
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/Order"
                    }}}},
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "data": {"type": "array", "items": {"oneOf": [
                                    {"$ref": "#/components/schemas/Line"},
                                    {"type": "object", "properties": {"awb": {"type": "string"}}}
                                ]}}
                            }
                        }}}},
                        "400": {"content": {"application/json": {"schema": {
                            "type": "object", "properties": {"awb": {"type": "string"}}
                        }}}}
                    }
                }
            },
            "/guess": {"get": {
                "operationId": "guess",
                "x-mitra-source": "assumption",
                "x-mitra-assumption": "nothing shows it",
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"n": {"type": "integer"}}
                }}}}}
            }}
        },
        "components": {"schemas": {
            "Order": {"type": "object", "properties": {
                "shipper": {"type": "object", "properties": {"region_id": {"type": "integer"}}},
                "item": {"$ref": "#/components/schemas/Item"},
                "note": {"type": "string"}
            }},
            "Item": {"type": "object", "x-mitra-assumption": "cut", "properties": {
                "weight": {"type": "integer"}
            }},
            "Line": {"type": "object", "properties": {"awb": {"type": "string"}, "fee": {"type": "integer"}}}
        }}
    })
}

fn classes(op: &Operation) -> Vec<String> {
    op.fields
        .iter()
        .map(|f| format!("{} {}: {}", f.side.word(), f.name, f.class.word()))
        .collect()
}

#[test]
fn every_field_at_every_depth_gets_the_best_class_that_fits() {
    let mut shown = Shown::default();
    let doc = shown.documented.entry("createOrder".into()).or_default();
    doc.exact.insert((Side::Request, "id".into()));
    doc.relative.insert((Side::Request, "region_id".into()));
    doc.exact.insert((Side::Response, "data.awb".into()));
    shown
        .code
        .entry("createOrder".into())
        .or_default()
        .exact
        .insert((Side::Response, "data.fee".into()));
    let ops = operations(&spec(), &shown);
    let create = ops.iter().find(|o| o.id == "createOrder").unwrap();
    assert_eq!(
        classes(create),
        [
            "request id: documented",
            "request dry: assumed",
            "request item: assumed",
            "request item.weight: assumed",
            "request note: unsourced",
            "request shipper: unsourced",
            "request shipper.region_id: documented",
            "response data: unsourced",
            "response data.awb: documented",
            "response data.fee: public code",
            "response awb: unsourced",
        ]
    );
    assert_eq!(create.counts(), [3, 1, 3, 4]);
    let guess = ops.iter().find(|o| o.id == "guess").unwrap();
    assert_eq!(classes(guess), ["response n: assumed"]);
    let table = vendor_table(&[("V", ops)]);
    assert!(
        table.ends_with("| V | 2 | 12 | 3 | 1 | 4 | 4 |\n"),
        "{table}"
    );
}

#[test]
fn a_documents_examples_and_tables_give_the_names_of_its_operations() {
    let text = "## POST `/orders/{id}`\n\n| Kolom | Wajib | Tipe Data | Catatan |\n| --- | :---: | --- | --- |\n| note | ✅ | String | a note |\n\nContoh sukses\n\n```json\n{\"data\": [{\"awb\": \"A1\", \"extra\": {\"x\": 1}}]}\n```\n\n## GET `/nowhere`\n\n```json\n{\"n\": 1}\n```\n";
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    let doc = docs::read_document(file.path()).unwrap();
    let names = names_in(&spec(), &doc).unwrap();
    assert_eq!(names.keys().collect::<Vec<_>>(), ["createOrder"]);
    let exact: Vec<String> = names["createOrder"]
        .exact
        .iter()
        .map(|(s, n)| format!("{} {n}", s.word()))
        .collect();
    assert_eq!(
        exact,
        [
            "request note",
            "response data",
            "response data.awb",
            "response data.extra",
            "response data.extra.x"
        ]
    );
}

#[test]
fn a_transcription_names_its_source_before_its_names() {
    let blocks = transcribed(
        "# What code shows\n\n## getFee\nSource: a/b src/api.js\nrequest: weight, `length`\nresponse: rs_fee.r_fee\n\n## *\nSource: c/d\nresponse: fault.code\n",
    )
    .unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].sources, ["a/b src/api.js"]);
    assert!(
        blocks[0]
            .names
            .exact
            .contains(&(Side::Request, "length".into()))
    );
    assert_eq!(blocks[1].operation, "*");
    let err = transcribed("## getFee\nrequest: weight\n").unwrap_err();
    assert!(err.to_string().contains("before its `Source:`"), "{err}");
}

#[test]
fn every_vendor_is_counted_and_a_transcription_of_a_cited_page_documents() {
    let root = crate::workspace_root();
    let all = all(&root).unwrap();
    assert_eq!(all.len(), crate::vendors::VENDORS.len());
    // Sempoa's current docs show the journal's `transaksi` lines only in a
    // PHP sample: transcribed from the page createJurnal cites, they count
    // as documented.
    let sempoa = &all.iter().find(|(t, _)| *t == "Sempoa").unwrap().1;
    let create = sempoa.iter().find(|o| o.id == "createJurnal").unwrap();
    let akun = create
        .fields
        .iter()
        .find(|f| f.side == Side::Request && f.name == "transaksi.akun")
        .unwrap();
    assert_eq!(akun.class, Class::Documented);
}

#[test]
fn sempoas_saved_pages_agree_with_the_spec() {
    let root = crate::workspace_root();
    for (_, path) in page_copies(&root, "sempoa").unwrap() {
        let report = docs::run(&root, "sempoa", &path).unwrap();
        assert_eq!(
            docs::exit_code(&report),
            0,
            "{}",
            report.render("sempoa", &path.display().to_string())
        );
    }
}

/// Issue #38's audit: every field of every vendor's spec (the registry's
/// list) rests on a source or says it is assumed; a new field must too.
#[test]
fn no_vendor_has_an_unsourced_field() {
    let root = crate::workspace_root();
    for name in crate::vendors::VENDORS.iter().map(|v| v.name) {
        let unsourced: Vec<String> = vendor(&root, name)
            .unwrap()
            .iter()
            .flat_map(|o| {
                o.fields
                    .iter()
                    .filter(|f| f.class == Class::Unsourced)
                    .map(move |f| format!("{}: {} {}", o.id, f.side.word(), f.name))
            })
            .collect();
        assert!(
            unsourced.is_empty(),
            "{name}: unsourced (source them or mark them x-mitra-assumption): {unsourced:#?}"
        );
    }
}

#[test]
fn an_operation_cites_more_sources_as_a_list() {
    let node = json!({"x-mitra-source": "seed", "x-mitra-also-source": ["public: https://a/b"]});
    assert_eq!(citations(&node).unwrap(), ["seed", "public: https://a/b"]);
    for wrong in [json!("public: https://a/b"), json!([]), json!(["a page"])] {
        let node = json!({"x-mitra-source": "seed", "x-mitra-also-source": wrong});
        assert!(citations(&node).is_err(), "{node}");
    }
}
