//! `ssh-public-key`: the OpenSSH `authorized_keys` line of a service key (ECDSA P-256/384/521
//! or RSA), commented with the key's name, for use with `parsec-ssh-agent`.

use std::io::Write;

use crate::error::Error;
use crate::keys;
use crate::subcommands::Context;

/// Which key.
#[derive(Debug, clap::Args)]
pub(crate) struct SshPublicKey {
    /// The key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,
}

impl SshPublicKey {
    /// Prints the line, ending with `\n`.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let client = context.key_client()?;
        let key = keys::key_info(client, &self.key_name)?;
        let not_ssh = |reason: String| Error::NotSsh {
            name: self.key_name.clone(),
            reason,
        };
        psc_ssh_agent::keys::check_identity(&key.attributes).map_err(|e| not_ssh(e.to_string()))?;
        let exported = client.export_public_key(&self.key_name)?;
        let public = psc_ssh_agent::keys::public_key(&key.attributes, &exported)
            .map_err(|e| not_ssh(e.to_string()))?;
        let line = ssh_key::PublicKey::new(public, &self.key_name)
            .to_openssh()
            .map_err(|e| not_ssh(e.to_string()))?;
        writeln!(out, "{line}")?;
        Ok(())
    }
}
