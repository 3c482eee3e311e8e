//! Creates a signing key in the Parsec service, signs a message with it and checks the
//! signature: `cargo run -p psc-client --example sign` with the service running (see the
//! README; `PARSEC_SERVICE_ENDPOINT` says where it listens).

fn main() -> Result<(), psc_client::Error> {
    let client = psc_client::Client::connect("sign-example")?;
    client.generate_signing_key("example-key")?;
    let signature = client.sign("example-key", b"hello")?;
    client.verify("example-key", b"hello", &signature)?;
    println!("signed and verified: {} bytes", signature.len());
    client.destroy_key("example-key")
}
