//! `--record DIR`: each answer as `DIR/<vendor>/<operationId>.json`, ready to
//! commit as a fixture, with every credential, NIK, phone number, name and
//! e-mail address masked. Masking keeps the shape (digits stay digits,
//! letters letters, `@` and `.` in place) so that a fixture still says what
//! type and format the vendor sent.

use std::path::Path;

use serde_json::{Value, json};

/// Keys (lower case, `-` as `_`) whose values are personal or secret.
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
    "password",
    "secret",
    "key",
    "token",
    "access_token",
    "refresh_token",
    "client_secret",
    "authorization",
];

fn masked_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace('-', "_");
    MASKED_KEYS.contains(&key.as_str())
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

/// `value` with personal and secret values masked; `secrets` are the
/// credentials in use, masked wherever they appear.
pub fn mask(value: &Value, secrets: &[String]) -> Value {
    mask_in(value, secrets, false)
}

fn mask_in(value: &Value, secrets: &[String], under_masked_key: bool) -> Value {
    match value {
        Value::String(text) => {
            let mut text = text.clone();
            for secret in secrets.iter().filter(|s| s.len() >= 4) {
                text = text.replace(secret.as_str(), "<redacted>");
            }
            if under_masked_key || personal_text(&text) {
                text = shape(&text);
            }
            Value::String(text)
        }
        Value::Number(_) if under_masked_key => json!(0),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| mask_in(v, secrets, under_masked_key))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), mask_in(v, secrets, masked_key(k))))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Writes one answer to `dir/<vendor>/<operation>.json`.
pub fn write(
    dir: &Path,
    vendor: &str,
    operation: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
    secrets: &[String],
) -> std::io::Result<()> {
    let folder = dir.join(vendor);
    std::fs::create_dir_all(&folder)?;
    let body = match serde_json::from_slice::<Value>(body) {
        Ok(json) => mask(&json, secrets),
        // Not JSON (an HTML error page): kept as text, masked as a string.
        Err(_) => mask(
            &Value::String(String::from_utf8_lossy(body).into_owned()),
            secrets,
        ),
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
