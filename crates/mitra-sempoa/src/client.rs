//! The client: configuration and auth. Its methods, one per operation, are
//! generated from the spec (`generated.rs`).

use futures_util::Stream;
use mitra_core::auth::Auth;
use mitra_core::config::Vars;
use mitra_core::plumbing::ClientCore;
use mitra_core::redact::Secrets;
use mitra_core::{Connection, Error, Result, SecretString};

use crate::decoder::SempoaDecoder;
use crate::journal::JournalFormat;
use crate::model::{Account, JournalEntry};

/// Sempoa's integration API.
pub const PRODUCTION_URL: &str = "https://sempoa.id/api/integration";

/// Items per page when walking every page (Sempoa's default is 10).
pub const PAGE_SIZE: u64 = 50;

/// A Sempoa client. Cheap to clone.
///
/// Every operation of `specs/sempoa.yaml` is a method, generated from the
/// spec: [`check_token`](Self::check_token), [`list_akun`](Self::list_akun),
/// [`get_akun`](Self::get_akun), [`list_jurnal`](Self::list_jurnal),
/// [`create_jurnal`](Self::create_jurnal).
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) core: ClientCore,
    format: JournalFormat,
}

/// Configures a [`Client`].
///
/// ```
/// use mitra_sempoa::{Client, JournalFormat};
/// let client = Client::builder()
///     .token("my-sempoa-token")
///     .journal_format(JournalFormat::Transaksi)
///     .build()
///     .unwrap();
/// assert!(!format!("{client:?}").contains("my-sempoa-token"));
/// ```
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<mitra_core::config::GivenUrl>,
    token: Option<SecretString>,
    format: JournalFormat,
    connection: Connection,
}

impl ClientBuilder {
    /// A builder configured from the environment variables that
    /// [`Client::from_env`] reads, to adjust before [`build`](Self::build).
    pub fn from_env() -> Result<Self> {
        Self::from_vars(&Vars::env())
    }

    /// The same, with the variables read from `vars` (as the `mitra` CLI
    /// does for its sandbox).
    pub fn from_vars(vars: &Vars) -> Result<Self> {
        Ok(ClientBuilder {
            token: Some(vars.secret("MITRA_SEMPOA_TOKEN")?),
            base_url: vars.optional("MITRA_SEMPOA_BASE_URL").map(Into::into),
            connection: Connection::from_vars(vars)?,
            ..ClientBuilder::default()
        })
    }

    /// Sets the API URL (default [`PRODUCTION_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().into());
        self
    }

    /// Sets the API token generated in Sempoa (required).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Sets which request body `createJurnal` sends (default
    /// [`JournalFormat::ParallelArrays`], the partner document's).
    pub fn journal_format(mut self, format: JournalFormat) -> Self {
        self.format = format;
        self
    }

    mitra_core::connection_setters!();

    /// The client; [`Error::Config`] when the token is missing or the base
    /// URL is not a URL.
    pub fn build(self) -> Result<Client> {
        let base = self
            .connection
            .base_url(self.base_url.as_deref().unwrap_or(PRODUCTION_URL))?;
        let token = self
            .token
            .ok_or_else(|| Error::config("the Sempoa API token is required"))?;
        let http = self.connection.http_client()?;
        let runtime = self
            .connection
            .runtime("sempoa")
            .marked(crate::operations::MARKED)
            .auth(Auth::bearer(&token)?)
            .secrets(Secrets::new([&token]))
            .decoder(SempoaDecoder)
            .build();
        Ok(Client {
            core: ClientCore::new(base, http, runtime),
            format: self.format,
        })
    }
}

impl Client {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `MITRA_SEMPOA_TOKEN` (required) and
    /// `MITRA_SEMPOA_BASE_URL` (optional, default [`PRODUCTION_URL`]).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// The request body format `createJurnal` sends.
    pub fn journal_format(&self) -> JournalFormat {
        self.format
    }

    /// Every account, page after page, as a stream (`listAkun` with
    /// [`PAGE_SIZE`] a page).
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_sempoa::Client) -> mitra_sempoa::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let accounts: Vec<_> = client.all_akun().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn all_akun(&self) -> impl Stream<Item = Result<Account>> + '_ {
        mitra_core::paging::all_pages(PAGE_SIZE as usize, move |page| {
            self.list_akun(Some(PAGE_SIZE), Some(page.into()))
        })
    }

    /// Every journal, page after page, as a stream (`listJurnal` with
    /// [`PAGE_SIZE`] a page).
    pub fn all_jurnal(&self) -> impl Stream<Item = Result<JournalEntry>> + '_ {
        mitra_core::paging::all_pages(PAGE_SIZE as usize, move |page| {
            self.list_jurnal(Some(PAGE_SIZE), Some(page.into()))
        })
    }
}
