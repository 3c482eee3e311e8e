//! The transport-independent half of an exchange: encoding the request frame, validating the
//! response header, and turning the body into a [`Response`]. The blocking and the async
//! transports only move bytes between these steps.

use psc_psa::Status;
use psc_wire::header::{self, FLAG_KEEP_ALIVE, HEADER_LEN, HEADER_SIZE, PREFIX_LEN, RawHeader};
use psc_wire::{Opcode, ProviderId, Request, RequestHeader, Response, ResponseHeader, frame};

use crate::auth::Auth;
use crate::error::{ClientError, Error};

/// One request in flight: what its answer must look like.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Exchange {
    opcode: Opcode,
    max_body_size: u32,
}

impl Exchange {
    /// Encodes the request frame, with the keep-alive flag when `keep_alive`, and remembers
    /// the opcode its answer must carry.
    ///
    /// # Errors
    /// [`ClientError::Encode`] when the body or auth field is too long for the wire;
    /// [`ClientError::JwtSvid`] when the token file cannot be read.
    pub(crate) fn start(
        provider: ProviderId,
        auth: &Auth,
        request: &Request,
        max_body_size: usize,
        keep_alive: bool,
    ) -> Result<(Exchange, Vec<u8>), Error> {
        let opcode = request.opcode();
        let mut header = RequestHeader::new(provider, auth.auth_type(), opcode);
        if keep_alive {
            header.flags = FLAG_KEEP_ALIVE;
        }
        let bytes = frame::encode_request(header, &request.encode(), &auth.field()?)
            .map_err(ClientError::Encode)?;
        // Bodies are u32-sized on the wire: a larger client limit is no limit.
        let max_body_size = u32::try_from(max_body_size).unwrap_or(u32::MAX);
        Ok((
            Exchange {
                opcode,
                max_body_size,
            },
            bytes,
        ))
    }

    /// Validates the fixed header as the published clients do, and the body length against
    /// the client's limit before anything is allocated for the body.
    ///
    /// # Errors
    /// [`ClientError::Malformed`] or [`ClientError::BodyTooLarge`].
    pub(crate) fn header(&self, bytes: &[u8; HEADER_LEN]) -> Result<ResponseHeader, Error> {
        let (prefix, fields) = split(bytes).ok_or(malformed(psc_wire::Error::HeaderSize(0)))?;
        let size = header::decode_prefix(prefix).map_err(malformed)?;
        if size != HEADER_SIZE {
            return Err(malformed(psc_wire::Error::HeaderSize(size)));
        }
        let raw = RawHeader::decode(fields);
        raw.check_framing(self.max_body_size)
            .map_err(|error| match error {
                psc_wire::Error::BodyTooLarge { len, limit } => {
                    ClientError::BodyTooLarge { len, limit }.into()
                }
                other => malformed(other),
            })?;
        raw.into_response().map_err(malformed)
    }

    /// Turns a validated header and its body into the response: the service's refusal, or
    /// the decoded body of the requested operation.
    ///
    /// # Errors
    /// [`Error::Service`] for a non-success status; [`ClientError::OpcodeMismatch`] or
    /// [`ClientError::Malformed`] for a success that is not a valid answer.
    pub(crate) fn finish(&self, header: &ResponseHeader, body: &[u8]) -> Result<Response, Error> {
        if header.status != Status::Success {
            return Err(Error::Service(header.status));
        }
        if header.opcode != self.opcode {
            let mismatch = ClientError::OpcodeMismatch {
                expected: self.opcode,
                got: header.opcode,
            };
            return Err(mismatch.into());
        }
        Response::decode(self.opcode, body).map_err(malformed)
    }
}

/// The magic-and-size prefix and the 30 bytes after it.
fn split(bytes: &[u8; HEADER_LEN]) -> Option<(&[u8; PREFIX_LEN], &[u8; HEADER_SIZE as usize])> {
    let (prefix, rest) = bytes.split_first_chunk::<PREFIX_LEN>()?;
    Some((prefix, rest.first_chunk()?))
}

fn malformed(error: psc_wire::Error) -> Error {
    ClientError::Malformed(error).into()
}

#[cfg(test)]
mod tests {
    use psc_wire::AuthType;
    use psc_wire::ops::{PingRequest, PingResponse};

    use super::*;

    fn ping() -> Result<(Exchange, Vec<u8>), Error> {
        Exchange::start(
            ProviderId::Core,
            &Auth::NoAuth,
            &PingRequest.into(),
            1024,
            false,
        )
    }

    fn response(opcode: Opcode, status: Status, body: &[u8]) -> Result<Vec<u8>, psc_wire::Error> {
        let header = ResponseHeader::reply_to(
            &RequestHeader::new(ProviderId::Core, AuthType::NoAuth, opcode),
            status,
        );
        frame::encode_response(header, body)
    }

    fn head(bytes: &[u8]) -> [u8; HEADER_LEN] {
        let mut out = [0; HEADER_LEN];
        out.copy_from_slice(&bytes[..HEADER_LEN]);
        out
    }

    #[test]
    fn a_ping_request_is_the_documented_36_bytes() -> Result<(), Error> {
        let (_, bytes) = ping()?;
        let mut expected = [0u8; HEADER_LEN];
        expected[..8].copy_from_slice(&[0x10, 0xa7, 0xc0, 0x5e, 0x1e, 0x00, 0x01, 0x00]);
        expected[28] = 0x01;
        assert_eq!(bytes, expected);
        Ok(())
    }

    #[test]
    fn keep_alive_sets_flag_bit_0_and_nothing_else() -> Result<(), Error> {
        let (_, plain) = ping()?;
        let (_, kept) = Exchange::start(
            ProviderId::Core,
            &Auth::NoAuth,
            &PingRequest.into(),
            1024,
            true,
        )?;
        let mut expected = plain;
        expected[8] = 0x01;
        assert_eq!(kept, expected);
        Ok(())
    }

    #[test]
    fn a_success_decodes_the_body() -> Result<(), Box<dyn std::error::Error>> {
        let (exchange, _) = ping()?;
        let bytes = response(Opcode::Ping, Status::Success, &[0x08, 0x01])?;
        let header = exchange.header(&head(&bytes))?;
        let reply = exchange.finish(&header, &bytes[HEADER_LEN..])?;
        assert_eq!(reply, Response::Ping(PingResponse { major: 1, minor: 0 }));
        Ok(())
    }

    #[test]
    fn a_refusal_is_a_service_error_whatever_the_opcode() -> Result<(), Box<dyn std::error::Error>>
    {
        let (exchange, _) = ping()?;
        let bytes = response(Opcode::ListKeys, Status::NotAuthenticated, &[])?;
        let header = exchange.header(&head(&bytes))?;
        let error = exchange.finish(&header, &[]);
        assert!(matches!(
            error,
            Err(Error::Service(Status::NotAuthenticated))
        ));
        Ok(())
    }

    #[test]
    fn a_success_for_another_opcode_is_a_mismatch() -> Result<(), Box<dyn std::error::Error>> {
        let (exchange, _) = ping()?;
        let bytes = response(Opcode::ListProviders, Status::Success, &[])?;
        let header = exchange.header(&head(&bytes))?;
        let error = exchange.finish(&header, &[]);
        assert!(matches!(
            error,
            Err(Error::Client(ClientError::OpcodeMismatch {
                expected: Opcode::Ping,
                got: Opcode::ListProviders
            }))
        ));
        Ok(())
    }

    #[test]
    fn bad_headers_are_malformed() -> Result<(), Box<dyn std::error::Error>> {
        let (exchange, _) = ping()?;
        let good = head(&response(Opcode::Ping, Status::Success, &[])?);
        for (offset, value) in [
            (0, 0x11),
            (4, 29),
            (6, 2),
            (10, 9),
            (19, 1),
            (28, 0x99),
            (32, 0xff),
            (34, 1),
            (35, 1),
        ] {
            let mut bad = good;
            bad[offset] = value;
            let error = exchange.header(&bad);
            assert!(
                matches!(error, Err(Error::Client(ClientError::Malformed(_)))),
                "byte {offset}"
            );
        }
        Ok(())
    }

    #[test]
    fn a_body_over_the_limit_is_refused_from_the_header() -> Result<(), Box<dyn std::error::Error>>
    {
        let (exchange, _) = ping()?;
        let mut bytes = head(&response(Opcode::Ping, Status::Success, &[])?);
        bytes[22..26].copy_from_slice(&1025u32.to_le_bytes());
        let error = exchange.header(&bytes);
        assert!(matches!(
            error,
            Err(Error::Client(ClientError::BodyTooLarge {
                len: 1025,
                limit: 1024
            }))
        ));
        Ok(())
    }
}
