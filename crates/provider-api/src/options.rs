//! A provider's own options: its `[[provider]]` table, handed over raw so the provider crate
//! parses it strictly itself (an unknown key is an error naming the key, its line and the
//! file). The service reads only the options every provider has ([`COMMON_KEYS`]).

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use zeroize::Zeroizing;

/// The options the service reads for every provider; [`ProviderOptions::parse`] leaves them
/// out of what the provider sees.
pub const COMMON_KEYS: &[&str] = &["provider_type", "name", "key_info_manager"];

/// One `[[provider]]` table of a configuration file, for its provider to parse. The file's
/// text is shared between the tables of one file and zeroized when the last one goes (it
/// may hold PINs). `Debug` shows the file and the table's position, never its contents; two
/// options are equal when their tables hold the same keys and values.
#[derive(Clone)]
pub struct ProviderOptions {
    file: PathBuf,
    text: Arc<Zeroizing<String>>,
    index: usize,
}

/// An option the provider refused: names the file, the line and the option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}{message}", file.display(), line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct OptionsError {
    /// The configuration file.
    pub file: PathBuf,
    /// The line of the offending option (1-based), where known.
    pub line: Option<usize>,
    /// What is wrong, naming the option (never its value when it is a secret).
    pub message: String,
}

impl ProviderOptions {
    /// The `index`-th `[[provider]]` table of `text`, read from `file`.
    pub fn new(file: &Path, text: Arc<Zeroizing<String>>, index: usize) -> ProviderOptions {
        ProviderOptions {
            file: file.to_owned(),
            text,
            index,
        }
    }

    /// The configuration file, for messages.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The provider's own options, [`COMMON_KEYS`] left out. Make `T` strict
    /// (`#[serde(deny_unknown_fields)]`) and hold secrets in [`Secret`](crate::Secret).
    ///
    /// # Errors
    /// [`OptionsError`] naming the file, the line and the option.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, OptionsError> {
        self.deserialize(COMMON_KEYS)
    }

    /// The whole table, common options included (for the service's own providers).
    ///
    /// # Errors
    /// [`OptionsError`] naming the file, the line and the option.
    pub fn parse_all<T: DeserializeOwned>(&self) -> Result<T, OptionsError> {
        self.deserialize(&[])
    }

    fn deserialize<T: DeserializeOwned>(&self, skip: &[&str]) -> Result<T, OptionsError> {
        let mut table = self.table()?;
        for key in skip {
            table.get_mut().remove(*key);
        }
        // Where each option's value is, to name the option a type error is about.
        let spans: Vec<(String, Range<usize>)> = table
            .get_ref()
            .iter()
            .map(|(key, value)| (key.get_ref().to_string(), value.span()))
            .collect();
        T::deserialize(toml::de::Deserializer::from(table)).map_err(|e| {
            let option = e.span().and_then(|at| {
                spans
                    .iter()
                    .find(|(_, span)| {
                        span.start <= at.start && at.start < span.end.max(span.start + 1)
                    })
                    .map(|(key, _)| key.as_str())
            });
            match option {
                Some(key) => self.message(e.span(), &format!("provider.{key}: {}", e.message())),
                None => self.error(&e),
            }
        })
    }

    /// The table, with the spans of its keys and values in the file.
    fn table(&self) -> Result<toml::Spanned<DeTable<'_>>, OptionsError> {
        let doc = DeTable::parse(self.text.as_str()).map_err(|e| self.error(&e))?;
        let entry = doc.into_inner().remove("provider").and_then(|providers| {
            match providers.into_inner() {
                DeValue::Array(list) => list.into_iter().nth(self.index),
                _ => None,
            }
        });
        match entry {
            Some(entry) => {
                let span = entry.span();
                match entry.into_inner() {
                    DeValue::Table(table) => Ok(toml::Spanned::new(span, table)),
                    _ => Err(self.message(Some(span), "[[provider]] is not a table")),
                }
            }
            None => Err(self.message(None, "no such [[provider]] table")),
        }
    }

    fn error(&self, error: &toml::de::Error) -> OptionsError {
        self.message(error.span(), error.message())
    }

    fn message(&self, span: Option<Range<usize>>, message: &str) -> OptionsError {
        let line = span.map(|span| {
            let start = span.start.min(self.text.len());
            self.text.as_bytes()[..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1
        });
        OptionsError {
            file: self.file.clone(),
            line,
            message: format!("[[provider]] option: {message}"),
        }
    }
}

impl PartialEq for ProviderOptions {
    fn eq(&self, other: &ProviderOptions) -> bool {
        let values = |options: &ProviderOptions| {
            let table = options.table().ok()?;
            toml::Table::deserialize(toml::de::Deserializer::from(table)).ok()
        };
        matches!((values(self), values(other)), (Some(a), Some(b)) if a == b)
    }
}

impl Eq for ProviderOptions {}

impl fmt::Debug for ProviderOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderOptions")
            .field("file", &self.file)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}
