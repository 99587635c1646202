//! CC-Gateway result codes in plain language: what happened and what to do.
//!
//! Meanings are paraphrased from Huawei's public error-code page (reference §7). Codes whose
//! descriptions are not public are listed by series and say so instead of guessing.

/// One result code (or, for undocumented series, the series it belongs to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetcodeInfo {
    /// The code, e.g. `100-006`, or a series such as `200-0xx`.
    pub code: &'static str,
    /// What it means, in plain language.
    pub meaning: &'static str,
    /// What the user can do about it.
    pub action: &'static str,
}

const fn rc(code: &'static str, meaning: &'static str, action: &'static str) -> RetcodeInfo {
    RetcodeInfo {
        code,
        meaning,
        action,
    }
}

const SIGN_IN_AGAIN: &str = "Sign the agent in again and use the new GUID.";
const NOT_FOR_QUERIES: &str = "This code belongs to another gateway operation; if a query returned it, check the gateway version and logs with your administrator.";
const CONFERENCE: &str =
    "A phone-conference operation failed; it does not concern call-data queries.";
const RECORDING: &str = "A recording download failed; it does not concern call-data queries.";
const DR: &str = "The gateway is recovering from a disaster-recovery switchover; wait a moment, then sign in again if the error persists.";

/// Every code with a public description.
static KNOWN: &[RetcodeInfo] = &[
    rc("0", "success", "Nothing to do."),
    rc(
        "000-001",
        "the wrong method was used to get agent events",
        NOT_FOR_QUERIES,
    ),
    rc(
        "000-002",
        "a URL parameter or the address is wrong, or an interface parameter is invalid",
        "Check the agent ID, the call ID and the port; the gateway may also be an older version with a different URL.",
    ),
    rc(
        "000-003",
        "no permission to call the interface: the GUID is wrong or has expired",
        "Get a current GUID (sign the agent in again, or copy it from a running agent session) and pass it via CALLDATA_GUID or --guid-stdin. With dynamic authentication a GUID expires about 2 minutes after it is replaced.",
    ),
    rc(
        "000-004",
        "the agent is being switched over",
        "Wait a few seconds and try again.",
    ),
    rc(
        "000-005",
        "the inspected agent is the inspector himself",
        NOT_FOR_QUERIES,
    ),
    rc(
        "000-006",
        "a message parameter is wrong",
        "Check the request parameters (agent ID, call ID).",
    ),
    rc(
        "000-007",
        "the interface was invoked repeatedly",
        "Wait for the previous request to finish, then try again; queries are limited to about 5 per 2 seconds per agent.",
    ),
    rc(
        "100-001",
        "a sign-in parameter is empty or invalid",
        SIGN_IN_AGAIN,
    ),
    rc(
        "100-002",
        "the agent is already signed in",
        "Use forced sign-in, or use the existing session's GUID.",
    ),
    rc(
        "100-003",
        "a resource was unavailable during sign-in",
        "Try again later; if it persists, ask the gateway administrator.",
    ),
    rc(
        "100-004",
        "wrong user name or password at sign-in",
        "Check the agent's password.",
    ),
    rc(
        "100-005",
        "a sign-out parameter is invalid",
        NOT_FOR_QUERIES,
    ),
    rc(
        "100-006",
        "the agent is not signed in (gateways also return this for an invalid GUID)",
        "Make sure the agent is signed in and that the GUID belongs to this agent's current session.",
    ),
    rc(
        "100-007",
        "an exception occurred during the agent's operation (the CTI/WAS resource was unreachable or failed internally); for call data this is also what the gateway returns when the call does not exist or the agent is not in a call",
        "Check that the agent is in a call and that the call ID is right (the call may have ended); if both are right, retry later or ask the gateway administrator.",
    ),
    rc("100-008", "the agent is already signed out", SIGN_IN_AGAIN),
    rc(
        "100-009",
        "setting the agent state failed (for example no permission)",
        NOT_FOR_QUERIES,
    ),
    rc(
        "100-010",
        "a state error occurred during sign-out",
        NOT_FOR_QUERIES,
    ),
    rc(
        "100-011",
        "a parameter was invalid at sign-in",
        SIGN_IN_AGAIN,
    ),
    rc("100-012", "wrong agent type at sign-in", SIGN_IN_AGAIN),
    rc(
        "100-013",
        "the phone number to bind is invalid",
        SIGN_IN_AGAIN,
    ),
    rc(
        "100-014",
        "the phone number is outside the configured range",
        SIGN_IN_AGAIN,
    ),
    rc(
        "100-015",
        "the agent is already signed in and cannot be forced out",
        "Sign the other session out first.",
    ),
    rc("100-016", "invalid IP address at sign-in", SIGN_IN_AGAIN),
    rc(
        "100-017",
        "uPortal authentication failed",
        "Check the account with your administrator.",
    ),
    rc(
        "100-018",
        "the sign-in VDN differs from the voice-playback VDN",
        "Ask your administrator to check the agent's VDN.",
    ),
    rc(
        "100-019",
        "invalid parameter when querying skill queues",
        NOT_FOR_QUERIES,
    ),
    rc(
        "100-020",
        "the agent's password has expired",
        "Change the agent's password, then sign in again.",
    ),
    rc(
        "100-021",
        "a sign-in is already in progress",
        "Wait for it to finish; do not repeat the sign-in.",
    ),
    rc(
        "110-016",
        "the account is locked",
        "Ask your administrator to unlock the account.",
    ),
    rc(
        "101-001",
        "phone conference: there is no conference",
        CONFERENCE,
    ),
    rc(
        "101-002",
        "phone conference: the agent is not the chair",
        CONFERENCE,
    ),
    rc(
        "101-003",
        "phone conference: the party is already in the conference",
        CONFERENCE,
    ),
    rc(
        "101-004",
        "phone conference: no right for this operation",
        CONFERENCE,
    ),
    rc(
        "101-005",
        "phone conference: the chair cannot transfer to himself",
        CONFERENCE,
    ),
    rc(
        "101-006",
        "phone conference: the chair cannot remove himself",
        CONFERENCE,
    ),
    rc(
        "101-007",
        "phone conference: the chair cannot leave",
        CONFERENCE,
    ),
    rc(
        "105-001",
        "the agent's information is not cached (Redis)",
        SIGN_IN_AGAIN,
    ),
    rc("105-002", "the agent is in disaster-recovery recovery", DR),
    rc("105-003", "disaster-recovery recovery has completed", DR),
    rc(
        "105-004",
        "the agent could not be queued for disaster-recovery recovery",
        DR,
    ),
    rc(
        "105-005",
        "waiting for disaster-recovery recovery timed out",
        SIGN_IN_AGAIN,
    ),
    rc(
        "105-006",
        "GUID mismatch during disaster-recovery recovery",
        "Sign the agent in again to get a new GUID.",
    ),
    rc(
        "105-007",
        "the disaster-recovery switch is off",
        SIGN_IN_AGAIN,
    ),
    rc("106-001", "multimedia: the switch is off", NOT_FOR_QUERIES),
    rc(
        "106-002",
        "multimedia: the message is empty",
        NOT_FOR_QUERIES,
    ),
    rc(
        "106-003",
        "multimedia: more than 60 sessions",
        NOT_FOR_QUERIES,
    ),
    rc(
        "106-004",
        "multimedia: invalid transfer device type",
        NOT_FOR_QUERIES,
    ),
];

/// Series that exist but whose individual descriptions are not public, matched by prefix.
static SERIES: &[(&str, RetcodeInfo)] = &[
    (
        "104-",
        rc(
            "104-0xx",
            "a recording-download error (Huawei lists: download disabled, no right, bad file name, no drive mapping, file missing, no space, bad format, format not configured, conversion failed, locationId missing, OBS download failed)",
            RECORDING,
        ),
    ),
    (
        "106-",
        rc(
            "106-0xx",
            "a multimedia error; Huawei's public pages give no description for this code",
            NOT_FOR_QUERIES,
        ),
    ),
    (
        "200-",
        rc(
            "200-0xx",
            "a call or voice operation error; Huawei's public pages give no description for this code",
            "Check the call state on the agent's side; if it persists, ask your administrator (the gateway logs name the cause).",
        ),
    ),
    (
        "210-",
        rc(
            "210-0xx",
            "a gateway error whose description Huawei's public pages do not give",
            "Ask your administrator: the gateway logs name the cause.",
        ),
    ),
    (
        "300-",
        rc(
            "300-0xx",
            "a gateway error whose description Huawei's public pages do not give",
            "Ask your administrator: the gateway logs name the cause.",
        ),
    ),
    (
        "400-",
        rc(
            "400-0xx",
            "a call-data error whose description Huawei's public pages do not give (400-001 is listed for setting call data)",
            "Check the call ID and the data size; ask your administrator if it persists.",
        ),
    ),
    (
        "500-",
        rc(
            "500-0xx",
            "a gateway error whose description Huawei's public pages do not give",
            "Ask your administrator: the gateway logs name the cause.",
        ),
    ),
    (
        "600-",
        rc(
            "600-0xx",
            "a gateway error whose description Huawei's public pages do not give",
            "Ask your administrator: the gateway logs name the cause.",
        ),
    ),
    (
        "700-",
        rc(
            "700-0xx",
            "a gateway error whose description Huawei's public pages do not give",
            "Ask your administrator: the gateway logs name the cause.",
        ),
    ),
    (
        "701-",
        rc(
            "701-0xx",
            "a gateway error whose description Huawei's public pages do not give",
            "Ask your administrator: the gateway logs name the cause.",
        ),
    ),
    (
        "800-",
        rc(
            "800-0xx",
            "a gateway error whose description Huawei's public pages do not give",
            "Ask your administrator: the gateway logs name the cause.",
        ),
    ),
    (
        "900-",
        rc(
            "900-0xx",
            "a query error whose description Huawei's public pages do not give (900-002 is listed for listing another agent's calls)",
            "Check the agent IDs involved; ask your administrator if it persists.",
        ),
    ),
    (
        "999-",
        rc(
            "999-0xx",
            "an unspecified gateway error; Huawei's public pages give no description",
            "Retry later; ask your administrator if it persists.",
        ),
    ),
];

/// The plain-language description of `code`, or of its series when only that is known.
/// `None` for codes that appear nowhere in the reference.
pub fn describe(code: &str) -> Option<&'static RetcodeInfo> {
    let code = code.trim();
    KNOWN.iter().find(|i| i.code == code).or_else(|| {
        SERIES
            .iter()
            .find(|(prefix, _)| code.len() == 7 && code.starts_with(prefix))
            .map(|(_, info)| info)
    })
}

/// One sentence for an error message: the meaning and what to do, or an honest "unknown".
pub fn explain(code: &str) -> String {
    match describe(code) {
        Some(i) => format!("{}. {}", capitalise(i.meaning), i.action),
        None => format!(
            "Code {code} is not in the public CC-Gateway code tables; the gateway's message and logs are the only description."
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every code with its own public description (for docs and the UI's help).
pub fn known() -> &'static [RetcodeInfo] {
    KNOWN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_appdata_codes_have_actions() {
        for code in ["000-002", "000-003", "100-006", "100-007"] {
            let i = describe(code).unwrap();
            assert_eq!(i.code, code);
            assert!(!i.meaning.is_empty() && !i.action.is_empty());
        }
        assert!(describe("000-003").unwrap().meaning.contains("GUID"));
        assert!(explain("100-006").starts_with("The agent is not signed in"));
    }

    #[test]
    fn every_reference_code_is_covered() {
        let all = [
            "000-001", "000-004", "000-005", "000-006", "000-007", "100-001", "100-021", "110-016",
            "101-007", "104-012", "105-006", "106-004", "200-017", "210-001", "300-004", "400-001",
            "400-003", "500-010", "600-005", "700-001", "701-002", "800-003", "900-002", "999-001",
        ];
        for code in all {
            assert!(describe(code).is_some(), "{code} missing");
        }
        assert!(describe("400-001").unwrap().meaning.contains("not give"));
        let codes: std::collections::HashSet<_> = known().iter().map(|i| i.code).collect();
        assert_eq!(codes.len(), known().len(), "duplicate code in the table");
    }

    #[test]
    fn unknown_codes_are_admitted() {
        assert_eq!(describe("123-456"), None);
        assert!(explain("123-456").contains("not in the public"));
        assert_eq!(describe("200-0001"), None);
    }
}
