//! A typed client method is one call to a client's `send` and one line of conversion (see
//! [`crate::typed`]); the pairing of each request type with its response type is the wire
//! crate's, generated from its operations table ([`RequestBody`]).

use psc_wire::Response;
pub(crate) use psc_wire::ops::RequestBody as Operation;

use crate::error::{ClientError, Error};

/// The answer's body, from the response to a request of operation `O`.
///
/// # Errors
/// [`ClientError::OpcodeMismatch`] when `response` answers another operation.
pub(crate) fn answer<O: Operation>(response: Response) -> Result<O::Answer, Error> {
    O::answer(response).map_err(|other| {
        ClientError::OpcodeMismatch {
            expected: O::OPCODE,
            got: other.opcode(),
        }
        .into()
    })
}
