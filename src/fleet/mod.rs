//! The fleet: the AWS contexts (profile × region) squall looks at together. A context comes
//! from the global flags (`--profiles`, `--regions`: their cross product) or from the
//! config's `[fleet]` section; with neither, there is one context and squall behaves as it
//! always has. Connecting each context to its own `Backend` is `connect.rs`; the shared
//! budget of AWS calls across contexts is `budget.rs`.

pub mod budget;
#[cfg(test)]
mod budget_tests;
pub mod connect;
#[cfg(test)]
mod tests;

pub use budget::Budget;
pub use connect::{Member, connect_all, connect_one};

/// The problems of every context in one list, worst first across contexts (the health
/// board's order; ties keep the contexts' order): `(context index, problem)`.
pub fn rank_problems(
    per_context: Vec<(usize, Vec<crate::health::Problem>)>,
) -> Vec<(usize, crate::health::Problem)> {
    let mut ranked: Vec<(usize, crate::health::Problem)> = per_context
        .into_iter()
        .flat_map(|(context, problems)| problems.into_iter().map(move |p| (context, p)))
        .collect();
    ranked.sort_by(|a, b| crate::health::worse_first(&a.1, &b.1).then(a.0.cmp(&b.0)));
    ranked
}

/// One AWS context: whose credentials, which region, how it is shown, and whether it may
/// change anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// `None`: the default chain's profile (`AWS_PROFILE`, then "default").
    pub profile: Option<String>,
    /// `None`: the profile's own region (or `AWS_REGION`), known once connected.
    pub region: Option<String>,
    /// Shown instead of `profile/region` (from `[fleet]`).
    pub label: Option<String>,
    /// Read-only by construction: the writers are dropped when it connects.
    pub read_only: bool,
}

impl Context {
    /// The name a row shows in its CONTEXT column: the label, else `profile/region` (the
    /// profile "default" when none is named; the region alone part is left out while unknown).
    pub fn name(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        let profile = self.profile.as_deref().unwrap_or("default");
        match &self.region {
            Some(region) => format!("{profile}/{region}"),
            None => profile.to_string(),
        }
    }

    /// Whether `query` names this context: its label, profile, region or display name,
    /// case-insensitively, in part (the TUI's `/ctx:eu-west-1`).
    pub fn matches(&self, query: &str) -> bool {
        let query = query.to_lowercase();
        [
            self.label.as_deref(),
            self.profile.as_deref(),
            self.region.as_deref(),
            Some(&self.name()),
        ]
        .into_iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(&query))
    }
}

/// One `[fleet]` entry of the config file, as written there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetEntry {
    pub profile: String,
    pub region: String,
    pub label: Option<String>,
    pub read_only: Option<bool>,
}

/// What the command line says about contexts (the launch fills it from `Cli`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetFlags {
    /// `--profile` (or `AWS_PROFILE`): the default profile of the cross product.
    pub profile: Option<String>,
    /// `--region`: the default region of the cross product.
    pub region: Option<String>,
    /// `--profiles P1,P2` (empty: not given).
    pub profiles: Vec<String>,
    /// `--regions R1,R2` (empty: not given).
    pub regions: Vec<String>,
    /// `--profile` typed on the command line (not from `AWS_PROFILE`): one profile,
    /// whatever `[fleet]` says.
    pub profile_typed: bool,
    /// `--region` typed on the command line: one region, whatever `[fleet]` says.
    pub region_typed: bool,
    /// `--read-only`: every context.
    pub read_only: bool,
}

/// Bad fleet input, said so that it can be fixed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FleetError {
    #[error("squall: {flag} has an empty name in {given:?}")]
    EmptyName { flag: &'static str, given: String },
    #[error("squall: {flag} names {name:?} twice")]
    Duplicate { flag: &'static str, name: String },
    #[error("squall: {flag} {value:?} is not an AWS region: {problem}")]
    BadRegion {
        flag: &'static str,
        value: String,
        problem: String,
    },
    #[error("squall: {0}")]
    Config(String),
    #[error("squall: pass {one} or {many}, not both")]
    Both {
        one: &'static str,
        many: &'static str,
    },
}

/// How config decides a profile's default read-only (`Config::read_only_for`).
pub type ReadOnlyFor<'a> = &'a dyn Fn(Option<&str>) -> bool;

/// The contexts to load, in order: the cross product of `--profiles` and `--regions` (one
/// of them alone goes with the default of the other), else `[fleet]` (unless `--profile` or
/// `--region` was typed), else the one default context, as squall has always had.
pub fn contexts(
    flags: &FleetFlags,
    entries: &[FleetEntry],
    read_only_for: ReadOnlyFor<'_>,
) -> Result<Vec<Context>, FleetError> {
    if flags.profile_typed && !flags.profiles.is_empty() {
        return Err(FleetError::Both {
            one: "--profile",
            many: "--profiles",
        });
    }
    if flags.region_typed && !flags.regions.is_empty() {
        return Err(FleetError::Both {
            one: "--region",
            many: "--regions",
        });
    }
    if !flags.profiles.is_empty() || !flags.regions.is_empty() {
        return cross_product(flags, read_only_for);
    }
    if !entries.is_empty() && !flags.profile_typed && !flags.region_typed {
        check_entries(entries)?;
        return Ok(entries
            .iter()
            .map(|entry| Context {
                profile: Some(entry.profile.clone()),
                region: Some(entry.region.clone()),
                label: entry.label.clone(),
                read_only: flags.read_only
                    || entry
                        .read_only
                        .unwrap_or_else(|| read_only_for(Some(&entry.profile))),
            })
            .collect());
    }
    Ok(vec![Context {
        profile: flags.profile.clone(),
        region: flags.region.clone(),
        label: None,
        read_only: flags.read_only || read_only_for(flags.profile.as_deref()),
    }])
}

fn cross_product(
    flags: &FleetFlags,
    read_only_for: ReadOnlyFor<'_>,
) -> Result<Vec<Context>, FleetError> {
    check_names("--profiles", &flags.profiles)?;
    check_names("--regions", &flags.regions)?;
    for region in &flags.regions {
        if let Some(problem) = crate::aws::settings_check::region_problem(region) {
            return Err(FleetError::BadRegion {
                flag: "--regions",
                value: region.clone(),
                problem,
            });
        }
    }
    let profiles: Vec<Option<String>> = if flags.profiles.is_empty() {
        vec![flags.profile.clone()]
    } else {
        flags.profiles.iter().cloned().map(Some).collect()
    };
    let regions: Vec<Option<String>> = if flags.regions.is_empty() {
        vec![flags.region.clone()]
    } else {
        flags.regions.iter().cloned().map(Some).collect()
    };
    let mut out = Vec::with_capacity(profiles.len() * regions.len());
    for profile in &profiles {
        for region in &regions {
            out.push(Context {
                profile: profile.clone(),
                region: region.clone(),
                label: None,
                read_only: flags.read_only || read_only_for(profile.as_deref()),
            });
        }
    }
    Ok(out)
}

/// No empty name, none twice (`--regions eu-west-1,,us-east-1`, `--profiles a,a`).
fn check_names(flag: &'static str, names: &[String]) -> Result<(), FleetError> {
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(FleetError::EmptyName {
                flag,
                given: names.join(","),
            });
        }
        if names[..i].contains(name) {
            return Err(FleetError::Duplicate {
                flag,
                name: name.clone(),
            });
        }
    }
    Ok(())
}

/// The `[fleet]` entries as the config file checks them (also checked there, with the
/// file's line): no empty profile or region, no context or label twice.
pub fn check_entries(entries: &[FleetEntry]) -> Result<(), FleetError> {
    for (i, entry) in entries.iter().enumerate() {
        if let Some(problem) = entry_problem(entry, &entries[..i]) {
            return Err(FleetError::Config(format!(
                "fleet.contexts[{i}]: {problem}"
            )));
        }
    }
    Ok(())
}

/// What is wrong with one `[fleet]` entry given the ones before it, if anything.
pub fn entry_problem(entry: &FleetEntry, before: &[FleetEntry]) -> Option<String> {
    if entry.profile.trim().is_empty() {
        return Some("profile is empty".to_string());
    }
    if entry.region.trim().is_empty() {
        return Some("region is empty".to_string());
    }
    if let Some(problem) = crate::aws::settings_check::region_problem(&entry.region) {
        return Some(format!("region {:?}: {problem}", entry.region));
    }
    if entry.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
        return Some("label is empty".to_string());
    }
    if before
        .iter()
        .any(|b| b.profile == entry.profile && b.region == entry.region)
    {
        return Some(format!(
            "{}/{} is listed twice",
            entry.profile, entry.region
        ));
    }
    if let Some(label) = &entry.label
        && before.iter().any(|b| b.label.as_ref() == Some(label))
    {
        return Some(format!("label {label:?} is used twice"));
    }
    None
}
