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

/// What verify masks in everything it writes (fixtures, the report,
/// `--suggest` notes): the fields the vendor's spec marks personal or secret
/// (and the names the heuristics above know), personal-looking text under
/// any key, long digit runs, the values the run's own input put in personal
/// fields (an answer may quote the NIK it was asked about), and every
/// credential and access token in every form a vendor may echo it
/// (percent-encoded, base64, HTTP Basic, JSON and HTML escaped).
pub struct Masker {
    marked: mitra_core::redact::Marked,
    secrets: mitra_core::redact::Secrets,
    personal_values: Vec<String>,
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
            personal_values: Vec::new(),
        }
    }

    /// Also masks these values (tokens seen, personal inputs) wherever they
    /// occur.
    pub fn also(&mut self, secrets: &[String], personal: &[String]) {
        let values: Vec<mitra_core::SecretString> = secrets
            .iter()
            .map(|s| mitra_core::SecretString::from(s.clone()))
            .collect();
        self.secrets = std::mem::take(&mut self.secrets).with(values.iter());
        self.personal_values
            .extend(personal.iter().filter(|v| v.chars().count() >= 4).cloned());
    }

    fn is_marked(&self, key: &str) -> bool {
        masked_key(key) || self.marked.personal.contains(&key) || self.marked.secret.contains(&key)
    }

    /// A text with credentials replaced, personal values and long digit
    /// runs shaped (digits as `0`, letters as `x`).
    pub fn text(&self, text: &str) -> String {
        let mut text = self
            .secrets
            .scrub(text, &[])
            .replace(mitra_core::redact::REDACTED, "<redacted>");
        for value in &self.personal_values {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), &shape(value));
            }
        }
        mitra_core::decode::zero_digit_runs(&text)
    }

    /// `value` masked.
    pub fn mask(&self, value: &Value) -> Value {
        self.mask_in(value, false)
    }

    fn is_secret_key(&self, key: &str) -> bool {
        self.marked.secret.contains(&key) || SECRET_KEYS.contains(&normal(key).as_str())
    }

    fn mask_in(&self, value: &Value, under_masked_key: bool) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        // A secret is not even shown by its shape.
                        if self.is_secret_key(k) && !v.is_null() {
                            return (k.clone(), json!("<redacted>"));
                        }
                        (
                            k.clone(),
                            self.mask_in(v, under_masked_key || self.is_marked(k)),
                        )
                    })
                    .collect(),
            ),
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
                    .map(|v| self.mask_in(v, under_masked_key))
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
            return self.mask_in(&value, self.is_marked(key)).to_string();
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

/// Writes one answer to `dir/<vendor>/<operation>.json`.
pub fn write(
    dir: &Path,
    vendor: &str,
    operation: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
    masker: &Masker,
) -> std::io::Result<()> {
    let folder = dir.join(vendor);
    std::fs::create_dir_all(&folder)?;
    let body = match serde_json::from_slice::<Value>(body) {
        Ok(json) => masker.mask(&json),
        // Not JSON (an HTML error page): kept as text, masked as a string.
        Err(_) => masker.mask(&Value::String(String::from_utf8_lossy(body).into_owned())),
    };
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
}
