//! Pairs each request type with its response type, so a typed client method is one call to
//! a client's `send` and one line of conversion (see [`crate::typed`]).

use psc_wire::Opcode;
use psc_wire::ops::*;

use crate::error::{ClientError, Error};

/// A request body whose success is answered with `Output`.
pub(crate) trait Operation: Into<Request> {
    /// The response body of this operation.
    type Output;

    /// The response body, when `response` belongs to this operation.
    fn output(response: Response) -> Option<Self::Output>;

    /// The response body of this operation, from the answer to a request for `expected`.
    ///
    /// # Errors
    /// [`ClientError::OpcodeMismatch`] when `response` answers another operation.
    fn answer(response: Response, expected: Opcode) -> Result<Self::Output, Error> {
        let got = response.opcode();
        Self::output(response).ok_or_else(|| ClientError::OpcodeMismatch { expected, got }.into())
    }
}

macro_rules! operations {
    ($($variant:ident: $request:ident => $response:ident;)*) => {$(
        impl Operation for $request {
            type Output = $response;

            fn output(response: Response) -> Option<$response> {
                if let Response::$variant(body) = response { Some(body) } else { None }
            }
        }
    )*};
}

operations! {
    Ping: PingRequest => PingResponse;
    PsaGenerateKey: GenerateKeyRequest => GenerateKeyResponse;
    PsaDestroyKey: DestroyKeyRequest => DestroyKeyResponse;
    PsaSignHash: SignHashRequest => SignHashResponse;
    PsaVerifyHash: VerifyHashRequest => VerifyHashResponse;
    PsaImportKey: ImportKeyRequest => ImportKeyResponse;
    PsaExportPublicKey: ExportPublicKeyRequest => ExportPublicKeyResponse;
    ListProviders: ListProvidersRequest => ListProvidersResponse;
    ListOpcodes: ListOpcodesRequest => ListOpcodesResponse;
    PsaAsymmetricEncrypt: AsymmetricEncryptRequest => AsymmetricEncryptResponse;
    PsaAsymmetricDecrypt: AsymmetricDecryptRequest => AsymmetricDecryptResponse;
    PsaExportKey: ExportKeyRequest => ExportKeyResponse;
    PsaGenerateRandom: GenerateRandomRequest => GenerateRandomResponse;
    ListAuthenticators: ListAuthenticatorsRequest => ListAuthenticatorsResponse;
    PsaHashCompute: HashComputeRequest => HashComputeResponse;
    PsaHashCompare: HashCompareRequest => HashCompareResponse;
    PsaAeadEncrypt: AeadEncryptRequest => AeadEncryptResponse;
    PsaAeadDecrypt: AeadDecryptRequest => AeadDecryptResponse;
    PsaRawKeyAgreement: RawKeyAgreementRequest => RawKeyAgreementResponse;
    PsaCipherEncrypt: CipherEncryptRequest => CipherEncryptResponse;
    PsaCipherDecrypt: CipherDecryptRequest => CipherDecryptResponse;
    PsaMacCompute: MacComputeRequest => MacComputeResponse;
    PsaMacVerify: MacVerifyRequest => MacVerifyResponse;
    PsaSignMessage: SignMessageRequest => SignMessageResponse;
    PsaVerifyMessage: VerifyMessageRequest => VerifyMessageResponse;
    ListKeys: ListKeysRequest => ListKeysResponse;
    ListClients: ListClientsRequest => ListClientsResponse;
    DeleteClient: DeleteClientRequest => DeleteClientResponse;
    AttestKey: AttestKeyRequest => AttestKeyResponse;
    PrepareKeyAttestation: PrepareKeyAttestationRequest => PrepareKeyAttestationResponse;
    CanDoCrypto: CanDoCryptoRequest => CanDoCryptoResponse;
}
