//! Call listings from the gateway: the agent's own calls (`callinfo`), its held calls
//! (`holdlist`) and another agent's calls by work number (`allcallinfoEx/{workno}`).

/// One call as the gateway describes it; fields the gateway leaves out stay empty/None.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct CallSummary {
    /// The call ID, used to query the call's data.
    pub call_id: String,
    /// Calling number.
    pub caller: String,
    /// Called number.
    pub called: String,
    /// Skill (queue) name or ID.
    pub skill: String,
    /// Media type as the gateway names it (voice, video, text chat...).
    pub media_type: String,
    /// When the call started, as the gateway gave it (epoch ms rendered, or its own text).
    pub start_time: Option<String>,
    /// Call duration in seconds, when the gateway gives it or a start time allows it.
    pub duration: Option<u64>,
    /// Whether the call is on hold (it came from `holdlist`).
    pub held: bool,
    /// The agent (work number) the call belongs to.
    pub workno: String,
}
