//! The client: configuration, auth, and one method per operation.

use std::num::NonZeroU64;

use futures_util::Stream;
use mitra_core::auth::Auth;
use mitra_core::config::{base_url, env_optional, env_secret};
use mitra_core::{Connection, Error, Result, Runtime, SecretString};

use crate::decoder::SempoaDecoder;
use crate::generated::{self, operations};
use crate::journal::{Journal, JournalFormat};
use crate::model::{Account, JournalEntry, PostedJournal};

/// Sempoa's integration API.
pub const PRODUCTION_URL: &str = "https://sempoa.id/api/integration";

/// Items per page when walking every page (Sempoa's default is 10).
pub const PAGE_SIZE: u64 = 50;

/// A Sempoa client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    api: generated::Client,
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
    base_url: Option<String>,
    token: Option<SecretString>,
    format: JournalFormat,
    connection: Connection,
}

impl ClientBuilder {
    /// A builder configured from the environment variables that
    /// [`Client::from_env`] reads, to adjust before [`build`](Self::build).
    pub fn from_env() -> Result<Self> {
        Ok(ClientBuilder {
            token: Some(env_secret("MITRA_SEMPOA_TOKEN")?),
            base_url: env_optional("MITRA_SEMPOA_BASE_URL"),
            ..ClientBuilder::default()
        })
    }

    /// Sets the API URL (default [`PRODUCTION_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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
        let base = base_url(self.base_url.as_deref().unwrap_or(PRODUCTION_URL))?;
        let token = self
            .token
            .ok_or_else(|| Error::config("the Sempoa API token is required"))?;
        let http = self.connection.http_client()?;
        let runtime = Runtime::builder("sempoa")
            .auth(Auth::bearer(&token)?)
            .retry(self.connection.retry().clone())
            .decoder(SempoaDecoder)
            .build();
        Ok(Client {
            api: generated::Client::new_with_client(&base, http, runtime),
            format: self.format,
        })
    }
}

fn page_args(page: u32, limit: u32) -> Result<(NonZeroU64, NonZeroU64)> {
    let page = NonZeroU64::new(page.into())
        .ok_or_else(|| Error::validation("page", "pages count from 1"))?;
    let limit = NonZeroU64::new(limit.into())
        .ok_or_else(|| Error::validation("limit", "must be at least 1"))?;
    Ok((page, limit))
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

    /// The generated client underneath (auth and tracing hooks apply; no
    /// validation, retries or error decoding).
    pub fn generated(&self) -> &generated::Client {
        &self.api
    }

    fn runtime(&self) -> &Runtime {
        &self.api.inner
    }

    /// Checks that the token is valid (`checkToken`); an invalid token is
    /// [`Error::Unauthorized`].
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_sempoa::Client) -> mitra_sempoa::Result<()> {
    /// client.check_token().await?;
    /// # Ok(()) }
    /// ```
    pub async fn check_token(&self) -> Result<()> {
        self.runtime()
            .send(&operations::CHECK_TOKEN, || self.api.check_token())
            .await
            .map(drop)
    }

    /// One page of the chart of accounts (`listAkun`), pages from 1.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_sempoa::Client) -> mitra_sempoa::Result<()> {
    /// for account in client.list_akun(1, 10).await? {
    ///     println!("{} {}", account.code, account.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_akun(&self, page: u32, limit: u32) -> Result<Vec<Account>> {
        let (page, limit) = page_args(page, limit)?;
        let envelope = self
            .runtime()
            .send(&operations::LIST_AKUN, || {
                self.api.list_akun(Some(limit), Some(page))
            })
            .await?;
        Ok(envelope
            .data
            .unwrap_or_default()
            .into_iter()
            .map(Account::from)
            .collect())
    }

    /// Every account, page after page, as a stream.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_sempoa::Client) -> mitra_sempoa::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let accounts: Vec<_> = client.all_akun().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn all_akun(&self) -> impl Stream<Item = Result<Account>> + '_ {
        mitra_core::paging::all_pages(PAGE_SIZE as usize, move |page| {
            self.list_akun(page, PAGE_SIZE as u32)
        })
    }

    /// One account by its code (`getAkun`); [`Error::NotFound`] if none.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_sempoa::Client) -> mitra_sempoa::Result<()> {
    /// let asset = client.get_akun("10000").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_akun(&self, kode: &str) -> Result<Account> {
        if kode.trim().is_empty() || kode.contains(['/', '?', '#']) {
            return Err(Error::validation(
                "kode",
                "must be an account code such as \"10000\"",
            ));
        }
        let envelope = self
            .runtime()
            .send(&operations::GET_AKUN, || self.api.get_akun(kode))
            .await?;
        Ok(envelope.data.into())
    }

    /// One page of journals (`listJurnal`), pages from 1.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_sempoa::Client) -> mitra_sempoa::Result<()> {
    /// for journal in client.list_jurnal(1, 10).await? {
    ///     println!("{} {} {:?}", journal.date, journal.reference, journal.total);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_jurnal(&self, page: u32, limit: u32) -> Result<Vec<JournalEntry>> {
        let (page, limit) = page_args(page, limit)?;
        let envelope = self
            .runtime()
            .send(&operations::LIST_JURNAL, || {
                self.api.list_jurnal(Some(limit), Some(page))
            })
            .await?;
        Ok(envelope
            .data
            .unwrap_or_default()
            .into_iter()
            .map(JournalEntry::from)
            .collect())
    }

    /// Every journal, page after page, as a stream.
    pub fn all_jurnal(&self) -> impl Stream<Item = Result<JournalEntry>> + '_ {
        mitra_core::paging::all_pages(PAGE_SIZE as usize, move |page| {
            self.list_jurnal(page, PAGE_SIZE as u32)
        })
    }

    /// Posts a journal (`createJurnal`) in the configured [`JournalFormat`].
    ///
    /// The journal is [validated](Journal::validate) first: an unbalanced or
    /// malformed journal is never sent. The call is **never retried** once it
    /// may have reached Sempoa, since a second post would double the
    /// entries. After a timeout or a transport error, post the *same*
    /// journal again yourself: its `referensi` is unique, so if the first
    /// post went through you get [`Error::Conflict`] ("Nomor referensi sudah
    /// ada"), which means it is already in the books.
    ///
    /// ```no_run
    /// # async fn demo(client: mitra_sempoa::Client) -> mitra_sempoa::Result<()> {
    /// use mitra_sempoa::{Error, Journal, JournalLine};
    /// let journal = Journal::new("2023-12-30", "PB/2023/VI/0001", "Pembelian ruko")
    ///     .line(JournalLine::debit("1000", 15_000))
    ///     .line(JournalLine::debit("1001", 75_000))
    ///     .line(JournalLine::credit("1002", 90_000));
    /// match client.create_jurnal(&journal).await {
    ///     Ok(posted) => println!("posted {:?}", posted.id),
    ///     Err(Error::Timeout { .. } | Error::Transport { .. }) => {
    ///         // Unknown outcome: try once more; a Conflict means it was posted.
    ///         match client.create_jurnal(&journal).await {
    ///             Ok(_) | Err(Error::Conflict { .. }) => println!("in the books"),
    ///             Err(e) => return Err(e),
    ///         }
    ///     }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_jurnal(&self, journal: &Journal) -> Result<PostedJournal> {
        let body = journal.to_request(self.format)?;
        let envelope = self
            .runtime()
            .send(&operations::CREATE_JURNAL, || self.api.create_jurnal(&body))
            .await?;
        Ok(envelope.data.into())
    }
}
