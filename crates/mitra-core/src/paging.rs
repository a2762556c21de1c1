//! Walking every page of a paginated list.
//!
//! The streams' extension traits are re-exported ([`TryStreamExt`] for
//! `try_collect`, `try_next`, ...), so that consuming a stream needs no
//! other crate.

use std::future::Future;

pub use futures_util::{Stream, StreamExt, TryStreamExt};

use crate::Error;

/// The most pages [`all_pages`] fetches before it stops with an error: a
/// vendor that ignores the page number must not make a caller loop forever.
pub const MAX_PAGES: u32 = 10_000;

/// Streams every item of a paginated list: calls `fetch(page)` for pages 1,
/// 2, ... and stops after the first page that is empty or holds fewer than
/// `page_size` items. Stops with an error if a page repeats the previous one
/// (the vendor ignores the page number) or after [`MAX_PAGES`] pages.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use mitra_core::paging::TryStreamExt;
/// let pages = vec![vec![1, 2], vec![3, 4], vec![5]];
/// let all: Vec<i32> = mitra_core::paging::all_pages(2, |page| {
///     let items = pages.get(page as usize - 1).cloned().unwrap_or_default();
///     async move { Ok(items) }
/// })
/// .try_collect()
/// .await
/// .unwrap();
/// assert_eq!(all, [1, 2, 3, 4, 5]);
/// # }
/// ```
pub fn all_pages<T, F, Fut>(page_size: usize, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    T: PartialEq + Clone,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Vec<T>, Error>>,
{
    all_pages_up_to(page_size, MAX_PAGES, fetch)
}

/// [`all_pages`] with another page cap than [`MAX_PAGES`]: past `max_pages`
/// pages the stream ends with an error naming the cap.
pub fn all_pages_up_to<T, F, Fut>(
    page_size: usize,
    max_pages: u32,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>>
where
    T: PartialEq + Clone,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Vec<T>, Error>>,
{
    struct State<T, F> {
        fetch: F,
        page: u32,
        done: bool,
        /// The first item of each page so far, to see a page come back.
        firsts: Vec<T>,
    }
    let state = State {
        fetch,
        page: 1,
        done: false,
        firsts: Vec::new(),
    };
    futures_util::stream::try_unfold(state, move |mut state| async move {
        if state.done {
            return Ok(None);
        }
        if state.page > max_pages {
            return Err(Error::Vendor {
                request_id: None,
                status: None,
                code: None,
                message: format!("more than {max_pages} pages; stopped"),
                retry_after: None,
            });
        }
        let items = (state.fetch)(state.page).await?;
        // A page whose first item began an earlier page: the vendor ignores
        // the page number, or cycles; either way the walk would not end.
        if let Some(first) = items.first()
            && let Some(earlier) = state.firsts.iter().position(|f| f == first)
        {
            return Err(Error::Vendor {
                request_id: None,
                status: None,
                code: None,
                message: format!(
                    "page {} repeats page {}: the page number is ignored",
                    state.page,
                    earlier + 1
                ),
                retry_after: None,
            });
        }
        state.done = items.len() < page_size.max(1);
        state.page += 1;
        if let Some(first) = items.first() {
            state.firsts.push(first.clone());
        }
        let batch = futures_util::stream::iter(items.into_iter().map(Ok));
        Ok(Some((batch, state)))
    })
    .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stops_on_a_short_page_and_on_a_repeated_page() {
        let calls = std::cell::Cell::new(0);
        let all: Vec<u32> = all_pages(2, |page| {
            calls.set(calls.get() + 1);
            async move {
                Ok(if page <= 2 {
                    vec![page * 10, page * 10 + 1]
                } else {
                    vec![]
                })
            }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(all, [10, 11, 20, 21]);
        assert_eq!(calls.get(), 3, "the empty page ends it");

        let err = all_pages(2, |_| async { Ok(vec![1, 2]) })
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(err.to_string().contains("ignored"), "{err}");
    }

    #[tokio::test]
    async fn a_server_cycling_between_two_pages_is_stopped_at_once() {
        let calls = std::cell::Cell::new(0);
        let err = all_pages(2, |page| {
            calls.set(calls.get() + 1);
            async move {
                Ok(if page % 2 == 1 {
                    vec![1, 2]
                } else {
                    vec![3, 4]
                })
            }
        })
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
        assert!(err.to_string().contains("repeats page 1"), "{err}");
        assert_eq!(calls.get(), 3);
    }

    #[tokio::test]
    async fn the_page_cap_is_configurable_and_named() {
        let err = all_pages_up_to(1, 5, |page| async move { Ok(vec![page]) })
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(err.to_string().contains("more than 5 pages"), "{err}");
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let result: Result<Vec<u32>, _> = all_pages(2, |page| async move {
            if page == 1 {
                Ok(vec![1, 2])
            } else {
                Err(Error::config("boom"))
            }
        })
        .try_collect()
        .await;
        assert!(matches!(result, Err(Error::Config { .. })));
    }
}
