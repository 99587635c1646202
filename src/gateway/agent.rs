//! Agent IDs: validated before anything is sent, so a typo never reaches the gateway.

use std::fmt;
use std::str::FromStr;

/// A CC-Gateway agent ID (work number), 101..=999999 as the current Huawei pages allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentId(u32);

/// Why a string is not an agent ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentIdError {
    /// Nothing was entered.
    #[error("{}", t!("agent.empty"))]
    Empty,
    /// Something other than ASCII digits.
    #[error("{}", t!("agent.not_digits", given = _0))]
    NotDigits(String),
    /// A leading zero: the gateway's routes do not accept one.
    #[error("{}", t!("agent.leading_zero", given = _0))]
    LeadingZero(String),
    /// Outside 101..=999999.
    #[error("{}", t!("agent.out_of_range", given = _0))]
    OutOfRange(String),
}

impl AgentId {
    /// Smallest agent ID the gateway accepts.
    pub const MIN: u32 = 101;
    /// Largest agent ID (newer gateways; older ones stop at 59999).
    pub const MAX: u32 = 999_999;

    /// Checks the range.
    pub fn new(id: u32) -> Result<Self, AgentIdError> {
        if (Self::MIN..=Self::MAX).contains(&id) {
            Ok(Self(id))
        } else {
            Err(AgentIdError::OutOfRange(id.to_string()))
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for AgentId {
    type Err = AgentIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(AgentIdError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AgentIdError::NotDigits(s.to_owned()));
        }
        if s.starts_with('0') {
            return Err(AgentIdError::LeadingZero(s.to_owned()));
        }
        // More than 6 digits is out of range whatever the value (and would overflow u32).
        if s.len() > 6 {
            return Err(AgentIdError::OutOfRange(s.to_owned()));
        }
        let n: u32 = s
            .parse()
            .map_err(|_| AgentIdError::NotDigits(s.to_owned()))?;
        Self::new(n)
    }
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_range() {
        assert_eq!("101".parse::<AgentId>().unwrap().get(), 101);
        assert_eq!(" 999999 ".parse::<AgentId>().unwrap().get(), 999_999);
        assert_eq!("1001".parse::<AgentId>().unwrap().to_string(), "1001");
    }

    #[test]
    fn refuses_everything_else_with_a_reason() {
        assert_eq!("".parse::<AgentId>(), Err(AgentIdError::Empty));
        assert!(matches!(
            "99".parse::<AgentId>(),
            Err(AgentIdError::OutOfRange(_))
        ));
        assert!(matches!(
            "1000000".parse::<AgentId>(),
            Err(AgentIdError::OutOfRange(_))
        ));
        assert!(matches!(
            "99999999999999".parse::<AgentId>(),
            Err(AgentIdError::OutOfRange(_))
        ));
        assert!(matches!(
            "0101".parse::<AgentId>(),
            Err(AgentIdError::LeadingZero(_))
        ));
        assert!(matches!(
            "-101".parse::<AgentId>(),
            Err(AgentIdError::NotDigits(_))
        ));
        assert!(matches!(
            "1e3".parse::<AgentId>(),
            Err(AgentIdError::NotDigits(_))
        ));
        let msg = "99".parse::<AgentId>().unwrap_err().to_string();
        assert!(msg.contains("101 to 999999"), "{msg}");
    }
}
