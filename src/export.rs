//! `remopt export`: the exact model as an `.lp` or `.mps` file, with the
//! row and column names every output uses.

use crate::model::{self, Stage};
use crate::scenario::{ObjectiveKind, Scenario};
use crate::solve::{self, SolveError};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Writes the model `remopt solve` would solve first (for the risk
/// objective, its first stage) to `path`; the format follows the extension.
/// The file appears whole or not at all.
pub fn export(scenario: &Scenario, path: &Path) -> Result<(), SolveError> {
    let stage = match scenario.policy.objective {
        ObjectiveKind::Cost => Stage::Cost,
        ObjectiveKind::Risk => Stage::Risk,
    };
    // An HHI cap is a set of tangent cuts found by solving: solve first and
    // write the final cuts (rows `hhi[e]#k`). Without a plan there are none.
    let cuts = match scenario.elements.iter().any(|e| e.caps.max_hhi.is_some()) {
        true => crate::pipeline::optimise(scenario, &crate::pipeline::SolveSettings::default())
            .map(|outcome| outcome.hhi_cuts)
            .unwrap_or_default(),
        false => Vec::new(),
    };
    let model = model::build_with_cuts(scenario, stage, None, &cuts);
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let spell = |name: String| if extension == "lp" { lp_name(&name) } else { name };
    let columns: Vec<String> = model
        .layout
        .columns
        .iter()
        .map(|c| spell(c.name(scenario)))
        .collect();
    let rows: Vec<String> = model
        .layout
        .rows
        .iter()
        .map(|r| spell(r.id.name(scenario)))
        .collect();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let staging = tempfile::Builder::new()
        .prefix(".remopt-export-")
        .suffix(&format!(".{extension}"))
        .tempfile_in(dir)
        .map_err(|e| SolveError::Solver(format!("cannot create a file in {}: {e}", dir.display())))?;
    solve::write_model(&model.lp, &columns, &rows, staging.path())?;
    // A temporary file is private (0600); an exported model is for sharing.
    let mode = std::fs::Permissions::from_mode(0o644);
    std::fs::set_permissions(staging.path(), mode)
        .map_err(|e| SolveError::Solver(format!("cannot write {}: {e}", path.display())))?;
    staging
        .persist(path)
        .map_err(|e| SolveError::Solver(format!("cannot write {}: {e}", path.display())))?;
    Ok(())
}

/// A name as the LP format allows it: `[` starts a quadratic term and `-`
/// is not a name character there, so `x[cn-light,Nd]` is written
/// `x(cn_light,Nd)`. Ids never contain `_`, so no two names collide.
pub fn lp_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            '-' => '_',
            other => other,
        })
        .collect()
}
