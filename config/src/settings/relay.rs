//! `[relay]` (aggregator with a parent): which children's reports go up at once, and whether
//! the consolidated report is built, signed and sent by itself before the tier's deadline.

use schema::ReportKind;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelaySection {
    /// Kinds of the children's reports countersigned and forwarded to the parent as they
    /// arrive. Default `["incident_report"]`: the parent learns of a loss of state secrets at
    /// once; annual reports reach it inside the consolidated report.
    #[serde(default = "RelaySection::default_forward")]
    pub forward: Vec<ReportKind>,
    /// Build, sign and send the consolidated annual report on the reminder schedule, from
    /// `lead_working_days` working days before the deadline towards the parent's tier until
    /// the deadline, once per period. Default true.
    #[serde(default = "RelaySection::default_send")]
    pub send_consolidated: bool,
    /// Default 2.
    #[serde(default = "RelaySection::default_lead")]
    pub lead_working_days: u32,
}

impl RelaySection {
    fn default_forward() -> Vec<ReportKind> {
        vec![ReportKind::IncidentReport]
    }

    fn default_send() -> bool {
        true
    }

    fn default_lead() -> u32 {
        2
    }

    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        if self.forward.contains(&ReportKind::ConsolidatedReport) {
            out.push((
                "relay.forward".into(),
                "consolidated_report cannot be forwarded: a child's consolidated report is \
                 consolidated again here"
                    .into(),
            ));
        }
        if self.lead_working_days > 30 {
            out.push((
                "relay.lead_working_days".into(),
                format!("{} is more than 30 working days", self.lead_working_days),
            ));
        }
    }
}

impl Default for RelaySection {
    fn default() -> Self {
        Self {
            forward: Self::default_forward(),
            send_consolidated: Self::default_send(),
            lead_working_days: Self::default_lead(),
        }
    }
}
