//! How a token endpoint is asked for a token: the grants mitra's vendors take.

use std::fmt;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::basic_value;

/// Builds the HTTP request that asks a token endpoint for a token.
///
/// Implement it for a token endpoint that wants something other than the two
/// built-in styles.
pub trait TokenRequest: Send + Sync + fmt::Debug + 'static {
    /// The request to send to `endpoint` (the token URL).
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder;
}

/// OAuth2 client credentials as WSO2 API Manager takes them:
/// `grant_type=client_credentials` form-urlencoded, with HTTP Basic
/// `base64(client_id:client_secret)`.
#[derive(Debug, Clone)]
pub struct ClientCredentialsBasic {
    client_id: SecretString,
    client_secret: SecretString,
}

impl ClientCredentialsBasic {
    /// The consumer key and secret of the application.
    pub fn new(client_id: SecretString, client_secret: SecretString) -> Self {
        Self {
            client_id,
            client_secret,
        }
    }
}

impl TokenRequest for ClientCredentialsBasic {
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder {
        basic_token_request(http, endpoint, &self.client_id, &self.client_secret)
            .form(&[("grant_type", "client_credentials")])
    }
}

fn basic_token_request(
    http: &reqwest::Client,
    endpoint: &str,
    client_id: &SecretString,
    client_secret: &SecretString,
) -> reqwest::RequestBuilder {
    let mut auth = HeaderValue::from_str(&basic_value(client_id, client_secret))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    auth.set_sensitive(true);
    http.post(endpoint)
        .header(AUTHORIZATION, auth)
        .header(ACCEPT, "application/json")
}

/// The OAuth2 password grant with the application's credentials as HTTP
/// Basic and a form body `grant_type=password&username=...&password=...`,
/// as WSO2 takes it (the grant Pos Indonesia's partner document shows
/// beside client credentials).
#[derive(Debug, Clone)]
pub struct PasswordGrantBasic {
    client_id: SecretString,
    client_secret: SecretString,
    username: SecretString,
    password: SecretString,
}

impl PasswordGrantBasic {
    /// The application's key and secret, and the user's name and password.
    pub fn new(
        client_id: SecretString,
        client_secret: SecretString,
        username: SecretString,
        password: SecretString,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            username,
            password,
        }
    }
}

impl TokenRequest for PasswordGrantBasic {
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder {
        basic_token_request(http, endpoint, &self.client_id, &self.client_secret).form(&[
            ("grant_type", "password"),
            ("username", self.username.expose_secret()),
            ("password", self.password.expose_secret()),
        ])
    }
}

/// OAuth2 client credentials in a JSON body with a scope, as Laravel Passport
/// takes them: `{"grant_type", "client_id", "client_secret", "scope"}`.
#[derive(Debug, Clone)]
pub struct ClientCredentialsJson {
    client_id: SecretString,
    client_secret: SecretString,
    scope: String,
}

impl ClientCredentialsJson {
    /// The client id and secret, and the scope to ask for.
    pub fn new(
        client_id: SecretString,
        client_secret: SecretString,
        scope: impl Into<String>,
    ) -> Self {
        Self {
            client_id,
            client_secret,
            scope: scope.into(),
        }
    }
}

impl TokenRequest for ClientCredentialsJson {
    fn build(&self, http: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder {
        http.post(endpoint)
            .header(ACCEPT, "application/json")
            .json(&serde_json::json!({
                "grant_type": "client_credentials",
                "client_id": self.client_id.expose_secret(),
                "client_secret": self.client_secret.expose_secret(),
                "scope": self.scope,
            }))
    }
}
