//! A sourcing plan: what is bought from each offer, and what is left unmet.

/// Tonnes per offer and unmet tonnes per element, indexed like
/// [`crate::scenario::Scenario::offers`] and
/// [`crate::scenario::Scenario::elements`].
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// `x[s,e]` for each offer, tonnes per year.
    pub quantities_t: Vec<f64>,
    /// `u[e]` for each element, tonnes per year (0 when no penalty is set).
    pub shortfall_t: Vec<f64>,
}
