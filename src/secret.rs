//! Secrets (the gateway GUID, agent passwords) wrapped so that Debug/Display never show them.

use std::fmt;

/// Why a string was refused as a GUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuidError {
    /// Nothing (or only whitespace) was given.
    #[error("{}", t!("guid.empty"))]
    Empty,
    /// Header values cannot carry control characters such as CR/LF.
    #[error("{}", t!("guid.bad_character"))]
    BadCharacter,
}

/// A CC-Gateway session GUID. A live credential: it redacts itself in Debug and Display.
#[derive(Clone, PartialEq, Eq)]
pub struct Guid(String);

impl Guid {
    /// Accepts a GUID after trimming surrounding whitespace; a `JSESSIONID=` prefix
    /// (as found in `Set-GUID` headers) is stripped.
    pub fn new(raw: &str) -> Result<Self, GuidError> {
        let trimmed = raw.trim();
        let value = trimmed.strip_prefix("JSESSIONID=").unwrap_or(trimmed);
        if value.is_empty() {
            return Err(GuidError::Empty);
        }
        if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(GuidError::BadCharacter);
        }
        Ok(Self(value.to_owned()))
    }

    /// The secret value, for the `Guid` request header and the keyring only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Guid(***)")
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A password, held only while signing in. Redacts itself in Debug and Display.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Wraps a password as typed (no trimming: spaces may be part of it).
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// The secret value, for the sign-in body only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_never_shows_in_debug_or_display() {
        let g = Guid::new("279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0").unwrap();
        assert_eq!(format!("{g:?}"), "Guid(***)");
        assert_eq!(format!("{g}"), "***");
        assert_eq!(
            g.expose(),
            "279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0"
        );
    }

    #[test]
    fn guid_strips_jsessionid_prefix_and_rejects_bad_input() {
        assert_eq!(
            Guid::new(" JSESSIONID=abc.AgentGateway1\n")
                .unwrap()
                .expose(),
            "abc.AgentGateway1"
        );
        assert_eq!(Guid::new("  "), Err(GuidError::Empty));
        assert_eq!(Guid::new("ab\r\nX-Evil: 1"), Err(GuidError::BadCharacter));
    }

    #[test]
    fn password_redacts() {
        let p = Password::new("s3cret");
        assert_eq!(format!("{p:?} {p}"), "Password(***) ***");
    }
}
