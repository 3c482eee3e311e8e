//! The back end: everything after a request's header has been validated. The [`Service`]
//! authenticates the caller, routes the request and answers it.

mod core;
mod dispatch;

pub use dispatch::Service;
