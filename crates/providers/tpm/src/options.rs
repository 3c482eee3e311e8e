//! The `[[provider]]` table of `provider_type = "Tpm"`, parsed strictly: the original's
//! options, an unknown one refused with its line.

use std::str::FromStr;

use psc_provider_api::{OptionsError, ProviderOptions, Secret};
use serde::Deserialize;
use tss_esapi::tcti_ldr::TctiNameConf;

/// The TPM's resource manager device: the kernel arbitrates between its clients and flushes
/// what a crashed one left behind (`/dev/tpm0` allows a single client, Parsec #655).
pub const DEFAULT_DEVICE: &str = "/dev/tpmrm0";

/// The options, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    tcti: String,
    #[serde(default, deserialize_with = "optional_secret")]
    owner_hierarchy_auth: Option<Secret>,
    #[serde(default, deserialize_with = "optional_secret")]
    endorsement_hierarchy_auth: Option<Secret>,
    #[serde(default)]
    skip_if_no_tpm: bool,
}

fn optional_secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Secret::prefixed(d).map(Some)
}

/// The TPM provider's options.
#[derive(Clone, Debug)]
pub struct TpmOptions {
    /// How to reach the TPM, as written (`device:/dev/tpmrm0`, `swtpm:host=…,port=…`).
    pub tcti: String,
    /// The owner hierarchy's authorization (`None`: empty), needed to derive the storage
    /// primary key.
    pub owner_hierarchy_auth: Option<Secret>,
    /// The endorsement hierarchy's authorization, for attestation (not used yet).
    pub endorsement_hierarchy_auth: Option<Secret>,
    /// Whether a TPM that cannot be reached lets the service start without this provider.
    pub skip_if_no_tpm: bool,
    pub(crate) tcti_conf: TctiNameConf,
}

impl TpmOptions {
    /// Parses and checks the provider's table.
    ///
    /// # Errors
    /// [`OptionsError`] naming the option (never a secret's value) and its line.
    pub fn from_options(options: &ProviderOptions) -> Result<TpmOptions, OptionsError> {
        let raw: Raw = options.parse()?;
        let tcti_conf = tcti(&raw.tcti).map_err(|message| OptionsError {
            file: options.file().to_owned(),
            line: None,
            message: format!("[[provider]] option: provider.tcti: {message}"),
        })?;
        let tcti = match raw.tcti.as_str() {
            "device" => format!("device:{DEFAULT_DEVICE}"),
            other => other.to_owned(),
        };
        Ok(TpmOptions {
            tcti,
            owner_hierarchy_auth: raw.owner_hierarchy_auth,
            endorsement_hierarchy_auth: raw.endorsement_hierarchy_auth,
            skip_if_no_tpm: raw.skip_if_no_tpm,
            tcti_conf,
        })
    }

    /// Options for the TPM at `tcti`, with an empty owner authorization.
    ///
    /// # Errors
    /// A message when `tcti` is not one of the four forms.
    pub fn for_tcti(tcti: &str) -> Result<TpmOptions, String> {
        Ok(TpmOptions {
            tcti: tcti.to_owned(),
            owner_hierarchy_auth: None,
            endorsement_hierarchy_auth: None,
            skip_if_no_tpm: false,
            tcti_conf: self::tcti(tcti)?,
        })
    }
}

/// The TCTI a `tcti` option names: `device[:PATH]` (default [`DEFAULT_DEVICE`]),
/// `mssim[:host=…,port=…]`, `swtpm[:host=…,port=…]`, `tabrmd[:bus_name=…,bus_type=…]`.
fn tcti(text: &str) -> Result<TctiNameConf, String> {
    let name = text.split(':').next().unwrap_or_default();
    if !matches!(name, "device" | "mssim" | "swtpm" | "tabrmd") {
        return Err(format!(
            "{text:?} names no TCTI: use device[:PATH], mssim[:host=H,port=P], \
             swtpm[:host=H,port=P] or tabrmd[:bus_name=N,bus_type=session|system]"
        ));
    }
    let text = if text == "device" {
        format!("device:{DEFAULT_DEVICE}")
    } else {
        text.to_owned()
    };
    TctiNameConf::from_str(&text).map_err(|e| format!("{text:?} does not parse ({e})"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use zeroize::Zeroizing;

    use super::*;

    fn parse(table: &str) -> Result<TpmOptions, OptionsError> {
        let text = format!("[[provider]]\nprovider_type = \"Tpm\"\nname = \"t\"\n{table}");
        let options = ProviderOptions::new(Path::new("/c.toml"), Arc::new(Zeroizing::new(text)), 0);
        TpmOptions::from_options(&options)
    }

    #[test]
    fn the_originals_options_parse_strictly() {
        let options = parse(
            "tcti = \"device\"\nowner_hierarchy_auth = \"hex:0aff\"\n\
             endorsement_hierarchy_auth = \"str:e\"\nskip_if_no_tpm = true\n",
        )
        .expect("parses");
        assert_eq!(options.tcti, "device:/dev/tpmrm0");
        assert_eq!(
            options.owner_hierarchy_auth.as_ref().map(Secret::as_bytes),
            Some(&[0x0a, 0xff][..])
        );
        assert!(options.skip_if_no_tpm);
        let unknown = parse("tcti = \"device\"\nowner_auth = \"x\"\n").expect_err("refused");
        assert!(unknown.to_string().contains("owner_auth"), "{unknown}");
        assert_eq!(unknown.line, Some(5));
        let secret =
            parse("tcti = \"device\"\nowner_hierarchy_auth = 12345\n").expect_err("refused");
        assert!(!secret.to_string().contains("12345"), "{secret}");
        let tcti = parse("tcti = \"usb\"\n").expect_err("refused");
        assert!(tcti.to_string().contains("provider.tcti"), "{tcti}");
        assert!(
            parse("owner_hierarchy_auth = \"\"\n").is_err(),
            "tcti is required"
        );
    }

    #[test]
    fn the_default_device_is_the_resource_manager() {
        let conf = tcti("device").expect("parses");
        assert_eq!(
            conf,
            TctiNameConf::from_str("device:/dev/tpmrm0").expect("parses")
        );
    }

    #[test]
    fn the_four_tctis_parse_and_others_do_not() {
        for text in [
            "device:/dev/tpm0",
            "mssim",
            "mssim:host=127.0.0.1,port=2321",
            "swtpm:host=127.0.0.1,port=2321",
            "tabrmd:bus_name=com.intel.tss2.Tabrmd,bus_type=system",
        ] {
            assert!(tcti(text).is_ok(), "{text}");
        }
        for text in ["", "tpm", "swtpm:port=notanumber", "device2"] {
            assert!(tcti(text).is_err(), "{text}");
        }
    }
}
