//! `--record DIR`: each answer as `DIR/<vendor>/<operationId>.json`, ready to
//! commit as a fixture, with every credential, NIK, phone number, name and
//! e-mail address masked. Masking keeps the shape (digits stay digits,
//! letters letters, `@` and `.` in place) so that a fixture still says what
//! type and format the vendor sent.

use std::path::Path;

use serde_json::{Value, json};

/// Keys (lower case, `-` as `_`) whose values are personal.
const MASKED_KEYS: &[&str] = &[
    "nik",
    "no_ktp",
    "ktp",
    "name",
    "nama",
    "full_name",
    "fullname",
    "nama_lengkap",
    "first_name",
    "last_name",
    "username",
    "user_name",
    "pic",
    "contact",
    "contact_name",
    "email",
    "e_mail",
    "phone",
    "telp",
    "no_telp",
    "telepon",
    "no_hp",
    "hp",
    "handphone",
    "mobile",
    "whatsapp",
];

/// Keys (lower case, `-` as `_`) whose values are secret: redacted whole.
const SECRET_KEYS: &[&str] = &[
    "password",
    "secret",
    "key",
    "token",
    "access_token",
    "refresh_token",
    "client_secret",
    "authorization",
];

/// `key` lower case with `-` as `_`, as the key lists are written.
fn normal(key: &str) -> String {
    key.to_ascii_lowercase().replace('-', "_")
}

fn masked_key(key: &str) -> bool {
    let key = normal(key);
    MASKED_KEYS.contains(&key.as_str())
        || SECRET_KEYS.contains(&key.as_str())
        || key.ends_with("_name") && !key.contains("city") && !key.contains("province")
        || key.ends_with("_phone")
        || key.ends_with("_email")
        || key.ends_with("_nik")
}

/// `text` with digits as `0` and letters as `x`/`X`.
fn shape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => '0',
            c if c.is_uppercase() => 'X',
            c if c.is_alphabetic() => 'x',
            c => c,
        })
        .collect()
}

/// A string that is personal whatever its key: an e-mail address, a NIK
/// (16 digits), an Indonesian mobile number.
fn personal_text(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let only_digits = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '));
    let mobile = ["08", "628", "+628"].iter().any(|p| text.starts_with(p));
    (text.contains('@') && text.contains('.') && !text.contains(' '))
        || (only_digits && digits == 16)
        || (only_digits && mobile && (10..=14).contains(&digits))
}

/// A whole answer body with every credential and every echo of a
/// personal input replaced (found whole: nothing has cut it yet). Only
/// this is read for an excerpt, an error message or a classification, so
/// that nothing cuts or transforms a body before it is scrubbed.
pub struct Scrubbed(Vec<u8>);

impl Scrubbed {
    /// The scrubbed bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// What verify masks in everything it writes (fixtures, the report,
/// `--suggest` notes): the fields the vendor's spec marks personal or secret
/// (and the names the heuristics above know), personal-looking text under
/// any key, long digit runs, the values the run's own input put in personal
/// fields (an answer may quote the NIK it was asked about, in another case
/// or format), and every credential and access token in every form a vendor
/// may echo it (percent-encoded, base64, HTTP Basic, JSON and HTML escaped).
pub struct Masker {
    marked: mitra_core::redact::Marked,
    secrets: mitra_core::redact::Secrets,
    /// The personal inputs, found as the runtime finds secrets (any case,
    /// numbers whatever their separators), shown by their shape.
    personal: mitra_core::redact::Secrets,
}

impl Masker {
    /// A masker for `marked` fields and these credentials (`secrets`; each
    /// pair also as HTTP Basic).
    pub fn new(marked: mitra_core::redact::Marked, secrets: &[String]) -> Self {
        use mitra_core::SecretString;
        let values: Vec<SecretString> = secrets
            .iter()
            .map(|s| SecretString::from(s.clone()))
            .collect();
        let mut all = mitra_core::redact::Secrets::new(values.iter());
        for a in &values {
            for b in &values {
                all = all.with_basic(a, b);
            }
        }
        Self {
            marked,
            secrets: all,
            personal: mitra_core::redact::Secrets::default(),
        }
    }

    /// Also masks these values (tokens seen, personal inputs) wherever they
    /// occur.
    pub fn also(&mut self, secrets: &[String], personal: &[String]) {
        let as_secrets = |values: &[String]| -> Vec<mitra_core::SecretString> {
            values
                .iter()
                .map(|s| mitra_core::SecretString::from(s.clone()))
                .collect()
        };
        self.secrets = std::mem::take(&mut self.secrets).with(as_secrets(secrets).iter());
        self.personal = std::mem::take(&mut self.personal).with(as_secrets(personal).iter());
    }

    fn is_marked(&self, key: &str) -> bool {
        masked_key(key) || self.marked.personal.contains(&key) || self.marked.secret.contains(&key)
    }

    /// `text` with credentials replaced and personal inputs shaped, in
    /// every form: nothing else changed.
    fn scrub(&self, text: &str) -> String {
        // `[REDACTED]` until the end: an HTML reader would strip `<redacted>`.
        let text = self
            .secrets
            .replace_echoes(text, &[], &|_| mitra_core::redact::REDACTED.to_owned());
        self.personal
            .replace_echoes(&text, &[], &|piece| shape(piece))
    }

    /// A whole answer body scrubbed (credentials replaced, personal inputs
    /// shaped), before anything reads a piece of it.
    pub fn scrub_body(&self, body: &[u8]) -> Scrubbed {
        Scrubbed(self.scrub(&String::from_utf8_lossy(body)).into_bytes())
    }

    /// A text with credentials replaced, personal values and long digit
    /// runs shaped (digits as `0`, letters as `x`).
    pub fn text(&self, text: &str) -> String {
        let text = self
            .scrub(text)
            .replace(mitra_core::redact::REDACTED, "<redacted>");
        mitra_core::decode::zero_digit_runs(&text)
    }

    /// `value` masked, its keys as they came (what `--suggest` reads:
    /// it prints no data-shaped key).
    pub fn mask(&self, value: &Value) -> Value {
        self.mask_in(value, false, false)
    }

    /// `value` masked for a fixture: a key that is data (a NIK, an e-mail
    /// address, see [`mitra_core::redact::data_shaped_key`]) is shaped as
    /// a value is.
    pub fn mask_fixture(&self, value: &Value) -> Value {
        self.mask_in(value, false, true)
    }

    fn is_secret_key(&self, key: &str) -> bool {
        self.marked.secret.contains(&key) || SECRET_KEYS.contains(&normal(key).as_str())
    }

    fn mask_in(&self, value: &Value, under_masked_key: bool, shape_keys: bool) -> Value {
        match value {
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    // A secret is not even shown by its shape.
                    let masked = if self.is_secret_key(k) && !v.is_null() {
                        json!("<redacted>")
                    } else {
                        self.mask_in(v, under_masked_key || self.is_marked(k), shape_keys)
                    };
                    let mut key = k.clone();
                    if shape_keys && mitra_core::redact::data_shaped_key(k) {
                        key = shape(&self.text(k));
                        // Two keys of one shape are both kept.
                        let mut n = 1;
                        while out.contains_key(&key) {
                            n += 1;
                            key = format!("{}~{n}", shape(&self.text(k)));
                        }
                    }
                    out.insert(key, masked);
                }
                Value::Object(out)
            }
            Value::String(text) => {
                let mut text = self.text(text);
                if under_masked_key || personal_text(&text) {
                    text = shape(&text);
                }
                Value::String(text)
            }
            Value::Number(_) if under_masked_key => json!(0),
            Value::Number(n) if n.to_string().len() >= 10 => json!(0),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.mask_in(v, under_masked_key, shape_keys))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// A drift's `found` text for a report or a note: the value's shape when
    /// the field at `pointer` is marked or the value looks personal, else
    /// the text masked.
    pub fn found(&self, pointer: &str, found: &str) -> String {
        let key = pointer.rsplit('/').next().unwrap_or("");
        if self.is_secret_key(key) {
            return "<redacted>".to_owned();
        }
        // An object or a list: its own marked fields masked.
        if let Ok(value) = serde_json::from_str::<Value>(found)
            && (value.is_object() || value.is_array())
        {
            return self.mask_in(&value, self.is_marked(key), true).to_string();
        }
        if self.is_marked(key) || personal_text(found.trim_matches('"')) {
            shape(found)
        } else {
            self.text(found)
        }
    }
}

/// `value` with personal and secret values masked; `secrets` are the
/// credentials in use, masked wherever they appear.
#[cfg(test)]
pub fn mask(value: &Value, secrets: &[String]) -> Value {
    Masker::new(mitra_core::redact::Marked::default(), secrets).mask(value)
}

/// Writes one answer to `dir/<vendor>/<operation>.json`, masked; the value
/// at each of `unknown` (pointers of fields the spec does not know) is
/// shaped as a personal value is, whatever its name.
pub fn write(
    dir: &Path,
    vendor: &str,
    operation: &str,
    answer: &super::proxy::Exchange,
    unknown: &[&str],
    masker: &Masker,
) -> std::io::Result<()> {
    let folder = dir.join(vendor);
    std::fs::create_dir_all(&folder)?;
    let body = match serde_json::from_slice::<Value>(&answer.body) {
        Ok(mut json) => {
            for pointer in unknown {
                if let Some(value) = json.pointer_mut(pointer) {
                    *value = masker.mask_in(value, true, true);
                }
            }
            masker.mask_fixture(&json)
        }
        // Not JSON (an HTML error page): kept as text, masked as a string.
        Err(_) => masker.mask(&Value::String(
            String::from_utf8_lossy(&answer.body).into_owned(),
        )),
    };
    let (status, content_type) = (answer.status, &answer.content_type);
    let record = json!({
        "operation": operation,
        "status": status,
        "content_type": content_type,
        "body": body,
    });
    let text = serde_json::to_string_pretty(&record).map_err(std::io::Error::other)?;
    std::fs::write(folder.join(format!("{operation}.json")), text + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_and_credentials_are_masked_shape_kept() {
        let answer = json!({
            "data": [{"nik": "3273010101900001", "nama": "Budi Santoso", "email": "budi@contoh.id",
                      "no_telp": "081234567890", "city_id": 3175, "note": "kunci sk-live-1234 dipakai",
                      "contact": {"wa": "6281234567890"}}],
            "city": {"name": "Bandung"}
        });
        let masked = mask(&answer, &["sk-live-1234".to_owned()]);
        let row = &masked["data"][0];
        assert_eq!(row["nik"], "0000000000000000");
        assert_eq!(row["nama"], "Xxxx Xxxxxxx");
        assert_eq!(row["email"], "xxxx@xxxxxx.xx");
        assert_eq!(row["no_telp"], "000000000000");
        assert_eq!(row["city_id"], 3175, "not personal");
        assert_eq!(row["note"], "kunci <redacted> dipakai");
        assert_eq!(
            row["contact"]["wa"], "0000000000000",
            "a mobile number under any key"
        );
        // A name is masked whoever bears it (a reviewer restores a city's).
        assert_eq!(masked["city"]["name"], "Xxxxxxx");
    }

    #[test]
    fn personal_inputs_echoed_in_another_case_or_format_are_shaped() {
        // Issue #37 row 6, in verify's report and fixtures.
        let mut masker = Masker::new(mitra_core::redact::Marked::default(), &[]);
        masker.also(
            &[],
            &[
                "Siti Rahmawati".to_owned(),
                "081399988877".to_owned(),
                "siti.rahmawati@contoh.id".to_owned(),
            ],
        );
        assert_eq!(
            masker.text("SITI RAHMAWATI (+62 813-9998-8877, Siti.Rahmawati@Contoh.ID)"),
            "XXXX XXXXXXXXX (+00 000-0000-0000, Xxxx.Xxxxxxxxx@Xxxxxx.XX)"
        );
        let body = masker.scrub_body(br#"{"message": "penerima SITI RAHMAWATI"}"#);
        assert_eq!(body.bytes(), br#"{"message": "penerima XXXX XXXXXXXXX"}"#);
    }
}
