//! Vendor documents as text or markdown: the partner documents' shapes.
//!
//! Endpoints are introduced by `url :` / `URL =` lines (with `method :`
//! before or after), by `name<TAB>https://...` rows, by markdown headings
//! `#### POST /check`, by Aglio's `Get a tokenPOST/oauth/token` (whose
//! request and responses come *before* it), or by a sentence such as
//! `GET City requires the province_id parameter`. What follows an endpoint
//! belongs to it: JSON blocks (plain, fenced, or split across two fences),
//! `Parameter Tipe Keterangan` tables (tab- or pipe-separated), Apiary
//! `Schema` blocks. Text before the first endpoint (general envelopes,
//! credentials) belongs to none and is not compared.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::{Endpoint, Example, Role, Row, Table, json};

const METHODS: &str = "GET|POST|PUT|PATCH|DELETE";

static METHOD_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^\s*method\s*[:=]\s*({METHODS})\s*$")).unwrap());
static URL_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*url\s*[:=]\s*<?(https?://[^\s>]+)>?\s*$").unwrap());
static NAMED_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Za-z][\w.-]*)\s+<?(https?://[^\s>]+)>?\s*$").unwrap());
static MD_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^#{{1,6}}\s*({METHODS})\s+`?(/[^\s`]*)`?\s*$")).unwrap()
});
static AGLIO_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(.*\S)({METHODS})(/\S*)$")).unwrap());
static PROSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b({METHODS}) ([A-Z][\w-]*(?: [A-Z][\w-]*)*) (requires|uses) (?:the )?`?([a-z_]\w*)`?(?: as an? \w+)? parameter"
    ))
    .unwrap()
});
static AGLIO_PARAM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*-\s+([A-Za-z_]\w*)\s*$").unwrap());
static RESPONSE_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)output|respon|hasil|balikan|result|sukses|gagal").unwrap());
static STATUS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b([1-5]\d\d)\b").unwrap());
/// A web page's method line alone (`POST`), its path on the next line.
static PAGE_METHOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^\s*({METHODS})\s*$")).unwrap());
/// A web page's path line (`/order/express`), or method and path on one
/// line (`POST item/multi-items`, maybe with a remark in parentheses).
static PAGE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(/[\w{}.-]+(?:/[\w{}.-]+)*)\s*$").unwrap());
static PAGE_METHOD_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*({METHODS})\s+(/?[A-Za-z][\w{{}}.-]*(?:/[\w{{}}.-]+)+|/[A-Za-z][\w{{}}.-]*)\s*(?:\(.*\))?$"
    ))
    .unwrap()
});
/// A request body inside a page's curl example: `--data-raw '{`.
static CURL_DATA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:--data-raw|--data|-d)\s+'(.*)$").unwrap());
/// Where a saved page's text stops (the copy was cut): a table before it
/// does not list every field.
pub const CUT: &str = "[the stored text ends here]";
/// A label that is a status and its words (`200 - Works fine.`, `404`).
static STATUS_LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([1-5]\d\d)\b").unwrap());

/// First cells of a web page's table header row.
const PAGE_TABLE_HEADS: [&str; 2] = ["property name", "property"];
/// First cells of a parameter table's header row.
const TABLE_HEADS: [&str; 8] = [
    "parameter",
    "parameters",
    "param",
    "kolom",
    "key",
    "field",
    "nama",
    "name",
];
/// Header cells of a required column.
const REQUIRED_HEADS: [&str; 5] = ["wajib", "required", "mandatory", "harus", "req"];
/// How far (in lines) a `Method:` line before a URL still belongs to it.
const METHOD_REACH: usize = 4;
/// How many lines a JSON block may span.
const BLOCK_LIMIT: usize = 400;

fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// The cells of a table row, or `None` for a line that is not one.
fn cells(line: &str) -> Option<Vec<String>> {
    let raw: Vec<&str> = if line.contains('\t') {
        line.split('\t').collect()
    } else if line.contains('|') {
        let t = line.trim();
        let t = t.strip_prefix('|').unwrap_or(t);
        let t = t.strip_suffix('|').unwrap_or(t);
        t.split('|').collect()
    } else {
        return None;
    };
    Some(
        raw.iter()
            .map(|c| c.trim().trim_matches(['`', '*']).trim().to_owned())
            .collect(),
    )
}

fn is_separator(cells: &[String]) -> bool {
    cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// A required mark in words or symbols.
fn mark(cell: &str) -> bool {
    let c = cell.trim().to_lowercase();
    [
        "✅",
        "✓",
        "✔",
        "ya",
        "yes",
        "y",
        "required",
        "wajib",
        "true",
        "mandatory",
        "m",
    ]
    .iter()
    .any(|m| c == *m || (m.chars().count() == 1 && !m.is_ascii() && c.contains(m)))
}

/// The status a response example states itself (`status_code`, `status`).
fn own_status(value: &Value) -> Option<u16> {
    ["status_code", "status"].iter().find_map(|k| {
        value
            .get(k)
            .and_then(Value::as_u64)
            .filter(|s| (100..=599).contains(s))
            .and_then(|s| u16::try_from(s).ok())
    })
}

/// A JSON Schema block's properties as a table.
fn schema_table(schema: &Value, role: Role, line: usize) -> Option<Table> {
    let props = schema.get("properties")?.as_object()?;
    let required: Option<Vec<&str>> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect());
    Some(Table {
        role,
        rows: props
            .keys()
            .map(|name| Row {
                name: name.clone(),
                required: required.as_ref().map(|r| r.contains(&name.as_str())),
            })
            .collect(),
        complete: true,
        line,
        nested: false,
    })
}

enum Item {
    Example(Example),
    Table(Table),
    Unreadable(usize),
}

struct Reader {
    aglio: bool,
    endpoints: Vec<Endpoint>,
    /// Aglio: what was read since the last heading, for the next one.
    pending: Vec<Item>,
    /// The last `Method:` line: the method and its line index.
    method: Option<(String, usize)>,
    /// Aglio: `Headers` lines since the last heading (the first is the request's).
    headers: usize,
    /// The role of the last example read (a `Schema` block describes it).
    last_role: Option<Role>,
}

impl Reader {
    fn endpoint(&mut self, ep: Endpoint) {
        self.endpoints.push(ep);
        self.headers = 0;
    }

    fn url_endpoint(&mut self, name: Option<String>, url: String, i: usize) {
        let (method, explicit) = match &self.method {
            Some((m, at)) => (Some(m.clone()), i - at <= METHOD_REACH),
            None => (None, false),
        };
        self.endpoint(Endpoint {
            method,
            url: Some(url),
            name,
            line: i + 1,
            method_explicit: explicit,
            ..Endpoint::default()
        });
    }

    fn item(&mut self, item: Item) {
        if self.aglio {
            self.pending.push(item);
        } else if let Some(ep) = self.endpoints.last_mut() {
            attach(ep, item);
        }
    }
}

fn attach(ep: &mut Endpoint, item: Item) {
    match item {
        Item::Example(e) => ep.examples.push(e),
        Item::Table(t) => ep.tables.push(t),
        Item::Unreadable(line) => ep.unreadable.push(line),
    }
}

/// Whether `content` is a saved web page: its first line names the page
/// (`Source: https://...`), as `xtask/fixtures/docs/fastrac/README.md` says
/// a page is saved.
pub fn is_page(content: &str) -> bool {
    content
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| {
            l.trim_start()
                .strip_prefix("Source:")
                .is_some_and(|rest| rest.trim_start().starts_with("https://"))
        })
}

/// Every endpoint of a text or markdown document, in document order.
pub fn read(content: &str) -> Vec<Endpoint> {
    let lines: Vec<&str> = content.lines().collect();
    let mut r = Reader {
        aglio: lines.iter().any(|l| AGLIO_HEADING.is_match(l.trim_end())),
        endpoints: Vec::new(),
        pending: Vec::new(),
        method: None,
        headers: 0,
        last_role: None,
    };
    let mut label = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let trimmed = line.trim();
        if trimmed.is_empty() || is_fence(line) {
            i += 1;
            continue;
        }
        if let Some(c) = METHOD_LINE.captures(line) {
            let m = c[1].to_uppercase();
            if let Some(ep) = r.endpoints.last_mut()
                && !ep.method_explicit
                && ep.examples.is_empty()
                && ep.tables.is_empty()
                && ep.url.is_some()
            {
                ep.method = Some(m.clone());
                ep.method_explicit = true;
            }
            r.method = Some((m, i));
        } else if let Some(c) = URL_LINE.captures(line) {
            // `https://host/utilitas/1.0.1/......` stands for several endpoints.
            if !c[1].contains("...") {
                r.url_endpoint(None, c[1].to_owned(), i);
            }
        } else if let Some(c) = NAMED_URL.captures(line) {
            r.url_endpoint(Some(c[1].to_owned()), c[2].to_owned(), i);
        } else if let Some(c) = MD_HEADING.captures(line) {
            r.endpoint(Endpoint {
                method: Some(c[1].to_owned()),
                url: Some(c[2].to_owned()),
                line: i + 1,
                method_explicit: true,
                ..Endpoint::default()
            });
        } else if let Some(c) = AGLIO_HEADING.captures(trimmed).filter(|_| r.aglio) {
            let mut ep = Endpoint {
                method: Some(c[2].to_owned()),
                url: Some(c[3].to_owned()),
                name: Some(c[1].trim().to_owned()),
                line: i + 1,
                method_explicit: true,
                ..Endpoint::default()
            };
            for item in std::mem::take(&mut r.pending) {
                attach(&mut ep, item);
            }
            r.endpoint(ep);
        } else if r.aglio
            && let Some(c) = AGLIO_PARAM.captures(line)
            && let Some(flag) = lines.get(i + 2).map(|l| l.trim_start().to_lowercase())
            && (flag.starts_with("(required)") || flag.starts_with("(optional)"))
        {
            // `- nik` / `string` / `(required) Example: ...`: after its heading.
            if let Some(ep) = r.endpoints.last_mut() {
                ep.tables.push(Table {
                    role: Role::Request,
                    rows: vec![Row {
                        name: c[1].to_owned(),
                        required: Some(flag.starts_with("(required)")),
                    }],
                    complete: false,
                    line: i + 1,
                    nested: false,
                });
            }
            i += 3;
            continue;
        } else if r.aglio && trimmed.eq_ignore_ascii_case("headers") {
            r.headers += 1;
        } else if r.aglio && trimmed.ends_with('\u{b6}') {
            // A group or resource heading (`Tokens ¶`): the next `Headers`
            // are a request's again (the page's own `Headers` section is not).
            r.headers = 0;
        } else if let Some((method, path, used)) = page_endpoint(&lines[i..]) {
            r.endpoint(Endpoint {
                method: Some(method),
                url: Some(path),
                line: i + 1,
                method_explicit: true,
                page: true,
                ..Endpoint::default()
            });
            label.clear();
            i += used;
            continue;
        } else if let Some(c) = CURL_DATA.captures(line) {
            // A curl example's body: `--data-raw '{` ... `}'`.
            let mut text = c[1].to_owned();
            let mut used = 1;
            let mut closed = text.trim_end().ends_with('\'');
            while !closed && i + used < lines.len() && used < BLOCK_LIMIT {
                let next = lines[i + used];
                text.push('\n');
                text.push_str(next);
                used += 1;
                closed = next.trim_end().ends_with('\'');
            }
            let text = text.trim_end().trim_end_matches('\'');
            if closed && text.trim_start().starts_with('{') {
                read_json(&mut r, "request", text, i);
            }
            label.clear();
            i += used;
            continue;
        } else if trimmed.starts_with('{') {
            if let Some((used, text)) = json::block(&lines[i..], is_fence, BLOCK_LIMIT) {
                read_json(&mut r, &label, &text, i);
                label.clear();
                i += used;
                continue;
            }
        } else if let Some(head) = cells(line).filter(|c| {
            let first = c[0].to_lowercase();
            (TABLE_HEADS.contains(&first.as_str()) || PAGE_TABLE_HEADS.contains(&first.as_str()))
                && !label.to_lowercase().contains("header")
        }) {
            let used = read_table(&mut r, &head, &lines[i + 1..], &label, i);
            label.clear();
            i += 1 + used;
            continue;
        }
        for c in PROSE.captures_iter(line) {
            r.endpoint(Endpoint {
                method: Some(c[1].to_owned()),
                name: Some(c[2].to_owned()),
                line: i + 1,
                method_explicit: true,
                tables: vec![Table {
                    role: Role::Request,
                    rows: vec![Row {
                        name: c[4].to_owned(),
                        required: (&c[3] == "requires").then_some(true),
                    }],
                    complete: false,
                    line: i + 1,
                    nested: false,
                }],
                ..Endpoint::default()
            });
        }
        label = trimmed.to_owned();
        i += 1;
    }
    // A `url :` line with no method of its own and nothing documented under
    // it is a link (a sandbox sign-up page), not an endpoint.
    r.endpoints.retain(|ep| {
        ep.method_explicit
            || !ep.examples.is_empty()
            || !ep.tables.is_empty()
            || !ep.unreadable.is_empty()
    });
    r.endpoints
}

/// A web page's method and path: `POST` then `/order/express` on the next
/// line that is not empty, or `POST item/multi-items` on one line. The
/// method, the path (with its leading `/`) and the lines used.
fn page_endpoint(lines: &[&str]) -> Option<(String, String, usize)> {
    let slash = |p: &str| {
        if p.starts_with('/') {
            p.to_owned()
        } else {
            format!("/{p}")
        }
    };
    if let Some(c) = PAGE_METHOD_PATH.captures(lines[0]) {
        return Some((c[1].to_owned(), slash(&c[2]), 1));
    }
    let method = PAGE_METHOD.captures(lines[0])?;
    let (skip, next) = lines
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| !l.trim().is_empty())?;
    let path = PAGE_PATH.captures(next)?;
    Some((method[1].to_owned(), path[1].to_owned(), skip + 1))
}

fn read_json(r: &mut Reader, label: &str, text: &str, i: usize) {
    let read = match json::parse(text) {
        Ok(read) => read,
        Err(_) => return r.item(Item::Unreadable(i + 1)),
    };
    if label.eq_ignore_ascii_case("schema") {
        let role = r.last_role.clone().unwrap_or(Role::Request);
        if let Some(table) = schema_table(&read.value, role, i + 1) {
            r.item(Item::Table(table));
        }
        return;
    }
    let status_label = STATUS_LABEL.is_match(label.trim());
    let response = if r.aglio {
        r.headers > 1
    } else {
        RESPONSE_LABEL.is_match(label) || status_label
    };
    let role = if response {
        let stated = STATUS
            .captures(label)
            .and_then(|c| c[1].parse().ok())
            .or_else(|| own_status(&read.value));
        Role::Response(stated)
    } else {
        Role::Request
    };
    r.last_role = Some(role.clone());
    r.item(Item::Example(Example {
        role,
        value: read.value,
        duplicates: read.duplicates,
        elided: read.elided,
        line: i + 1,
    }));
}

/// Reads the rows under a table's header row; returns how many lines they use.
fn read_table(r: &mut Reader, head: &[String], rest: &[&str], label: &str, i: usize) -> usize {
    let required_col = head
        .iter()
        .position(|h| REQUIRED_HEADS.contains(&h.to_lowercase().as_str()));
    let page = PAGE_TABLE_HEADS.contains(&head[0].to_lowercase().as_str());
    let mut rows = Vec::new();
    let mut used = 0;
    let mut complete = true;
    for line in rest {
        let Some(cells) = cells(line).filter(|_| !line.trim().is_empty()) else {
            // The saved text stops right after the table: it may go on.
            complete &= !line.contains(CUT);
            break;
        };
        used += 1;
        complete &= !line.contains(CUT);
        if is_separator(&cells) || cells[0].is_empty() {
            continue;
        }
        rows.push(Row {
            name: cells[0].clone(),
            required: required_col.map(|c| cells.get(c).is_some_and(|v| mark(v))),
        });
    }
    // A page's table without a Required column describes an answer.
    let role = if RESPONSE_LABEL.is_match(label) || (page && required_col.is_none()) {
        Role::Response(None)
    } else {
        Role::Request
    };
    r.item(Item::Table(Table {
        role,
        rows,
        complete,
        line: i + 1,
        nested: page,
    }));
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_after_url_and_fenced_output() {
        let doc = "1. Check\n\nurl : <https://h.example/a/b>\n\nmethod : POST\n\n\
                   Parameter\tTipe\tKeterangan\nemail\tAlphanumeric\t\n\n\
                   Contoh Output :\n\n```\n{\"status\": true}\n```\n\n\
                   Url: https://h.example/sign-up\n";
        let eps = read(doc);
        assert_eq!(eps.len(), 1, "the sign-up link is no endpoint");
        assert_eq!(eps[0].method.as_deref(), Some("POST"));
        assert_eq!(eps[0].tables[0].rows[0].name, "email");
        assert_eq!(eps[0].tables[0].rows[0].required, None);
        assert_eq!(eps[0].examples[0].role, Role::Response(None));
    }

    #[test]
    fn aglio_blocks_belong_to_the_heading_after_them() {
        let doc = "Headers\nBody\n{\"a\": 1}\nSchema\n{\"properties\": {\"a\": {}}, \"required\": [\"a\"]}\n\
                   Headers\nBody\n{\"status_code\": 401}\nGet itPOST/it\n- id\nstring\n(required) Example: 1\n";
        let eps = read(doc);
        assert_eq!(eps.len(), 1);
        assert_eq!(eps[0].name.as_deref(), Some("Get it"));
        let roles: Vec<_> = eps[0].examples.iter().map(|e| e.role.clone()).collect();
        assert_eq!(roles, [Role::Request, Role::Response(Some(401))]);
        assert_eq!(eps[0].tables[0].rows[0].required, Some(true));
        assert_eq!(eps[0].tables[1].rows[0].name, "id");
    }
}
