//! SPIFFE IDs (`spiffe://trust-domain/path`), checked as the SPIFFE ID standard defines them:
//! a lower-case trust domain of `[a-z0-9._-]`, then path segments of `[A-Za-z0-9._-]`, none
//! empty, `.` or `..`; no port, user, query or fragment; at most 2048 bytes.

/// The longest SPIFFE ID the standard allows, in bytes.
const MAX_LEN: usize = 2048;

const SCHEME: &str = "spiffe://";

/// A workload's SPIFFE ID, split at its trust domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SpiffeId<'a> {
    /// The whole ID, as the application identity.
    pub(crate) id: &'a str,
    /// Its trust domain name.
    pub(crate) trust_domain: &'a str,
}

impl<'a> SpiffeId<'a> {
    /// Parses a workload's ID: one with a path (the bare `spiffe://domain` names the trust
    /// domain itself, not a workload).
    ///
    /// # Errors
    /// What is wrong with it, for a log line.
    pub(crate) fn parse(id: &'a str) -> Result<SpiffeId<'a>, String> {
        if id.len() > MAX_LEN {
            return Err(format!("is longer than {MAX_LEN} bytes"));
        }
        let rest = id
            .strip_prefix(SCHEME)
            .ok_or_else(|| format!("does not start with {SCHEME}"))?;
        let (trust_domain, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        check_trust_domain(trust_domain)?;
        if path.is_empty() {
            return Err("has no path: it names a trust domain, not a workload".into());
        }
        path[1..].split('/').try_for_each(check_segment)?;
        Ok(SpiffeId { id, trust_domain })
    }
}

/// Checks a trust domain name (`example.org`).
///
/// # Errors
/// What is wrong with it.
pub(crate) fn check_trust_domain(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("has an empty trust domain".into());
    }
    match name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '.' | '-' | '_'))
    {
        Some(c) => Err(format!(
            "has {c:?} in its trust domain, which takes only a-z, 0-9, '.', '-' and '_'"
        )),
        None => Ok(()),
    }
}

fn check_segment(segment: &str) -> Result<(), String> {
    if segment.is_empty() {
        return Err("has an empty path segment (or a trailing '/')".into());
    }
    if segment == "." || segment == ".." {
        return Err(format!("has a {segment:?} path segment"));
    }
    match segment
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_'))
    {
        Some(c) => Err(format!(
            "has {c:?} in its path, which takes only letters, digits, '.', '-' and '_'"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_ids_parse_and_split_at_their_trust_domain() {
        let id = SpiffeId::parse("spiffe://example.org/ns/prod/sa/web").unwrap();
        assert_eq!(id.trust_domain, "example.org");
        assert_eq!(id.id, "spiffe://example.org/ns/prod/sa/web");
        assert!(SpiffeId::parse("spiffe://a_b-c.d/1000").is_ok());
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "spiffe://example.org",
            "spiffe://example.org/",
            "spiffe://example.org/a/",
            "spiffe://example.org//a",
            "spiffe://example.org/./a",
            "spiffe://example.org/../a",
            "spiffe://Example.org/a",
            "spiffe://example.org:443/a",
            "spiffe://user@example.org/a",
            "spiffe://example.org/a?q=1",
            "spiffe://example.org/a#f",
            "spiffe://example.org/a%20b",
            "spiffe:///a",
            "SPIFFE://example.org/a",
            "https://example.org/a",
            "1000",
        ] {
            assert!(SpiffeId::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let long = format!("spiffe://example.org/{}", "a".repeat(MAX_LEN));
        assert!(SpiffeId::parse(&long).is_err());
    }
}
