//! The contexts the flags and `[fleet]` name: the cross product, the defaults, bad input.

use super::*;

fn never(_: Option<&str>) -> bool {
    false
}

fn names(contexts: &[Context]) -> Vec<String> {
    contexts.iter().map(Context::name).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn entry(profile: &str, region: &str, label: Option<&str>) -> FleetEntry {
    FleetEntry {
        profile: profile.to_string(),
        region: region.to_string(),
        label: label.map(str::to_string),
        read_only: None,
    }
}

#[test]
fn no_flags_and_no_fleet_is_the_one_default_context() {
    let flags = FleetFlags {
        profile: Some("prod".into()),
        region: Some("eu-west-1".into()),
        ..FleetFlags::default()
    };
    let contexts = contexts(&flags, &[], &never).expect("contexts");
    assert_eq!(
        contexts,
        vec![Context {
            profile: Some("prod".into()),
            region: Some("eu-west-1".into()),
            label: None,
            read_only: false,
        }]
    );
    let bare = super::contexts(&FleetFlags::default(), &[], &never).expect("contexts");
    assert_eq!(bare.len(), 1);
    assert_eq!(bare[0].profile, None);
    assert_eq!(bare[0].region, None);
}

#[test]
fn profiles_and_regions_give_their_cross_product_in_order() {
    let flags = FleetFlags {
        profiles: strings(&["a", "b"]),
        regions: strings(&["us-east-1", "eu-west-1"]),
        ..FleetFlags::default()
    };
    let contexts = contexts(&flags, &[], &never).expect("contexts");
    assert_eq!(
        names(&contexts),
        ["a/us-east-1", "a/eu-west-1", "b/us-east-1", "b/eu-west-1"]
    );
}

#[test]
fn one_list_alone_goes_with_the_default_of_the_other() {
    let regions_only = FleetFlags {
        profile: Some("prod".into()),
        regions: strings(&["us-east-1", "eu-west-1"]),
        ..FleetFlags::default()
    };
    let contexts = contexts(&regions_only, &[], &never).expect("contexts");
    assert_eq!(names(&contexts), ["prod/us-east-1", "prod/eu-west-1"]);
    let profiles_only = FleetFlags {
        profiles: strings(&["a", "b"]),
        ..FleetFlags::default()
    };
    let contexts = super::contexts(&profiles_only, &[], &never).expect("contexts");
    // No region named: each profile's own, known once connected.
    assert_eq!(names(&contexts), ["a", "b"]);
    assert!(contexts.iter().all(|c| c.region.is_none()));
}

#[test]
fn flags_win_over_the_fleet_section_and_a_typed_profile_narrows_it() {
    let entries = [entry("prod", "us-east-1", Some("prod-us"))];
    let flags = FleetFlags {
        regions: strings(&["eu-west-1", "ap-south-1"]),
        ..FleetFlags::default()
    };
    let from_flags = contexts(&flags, &entries, &never).expect("contexts");
    assert_eq!(
        names(&from_flags),
        ["default/eu-west-1", "default/ap-south-1"]
    );
    let typed = FleetFlags {
        profile: Some("dev".into()),
        profile_typed: true,
        ..FleetFlags::default()
    };
    assert_eq!(
        names(&contexts(&typed, &entries, &never).expect("ok")),
        ["dev"]
    );
    let from_env = FleetFlags {
        profile: Some("dev".into()),
        ..FleetFlags::default()
    };
    let fleet = contexts(&from_env, &entries, &never).expect("contexts");
    assert_eq!(names(&fleet), ["prod-us"]);
}

#[test]
fn the_fleet_section_sets_labels_and_read_only_per_context() {
    let mut locked = entry("prod", "eu-west-1", None);
    locked.read_only = Some(true);
    let mut unlocked = entry("prod", "us-east-1", Some("prod-us"));
    unlocked.read_only = Some(false);
    let entries = [locked, unlocked, entry("ops", "us-east-1", None)];
    let prod_read_only = |p: Option<&str>| p == Some("ops");
    let contexts = contexts(&FleetFlags::default(), &entries, &prod_read_only).expect("ok");
    assert_eq!(
        names(&contexts),
        ["prod/eu-west-1", "prod-us", "ops/us-east-1"]
    );
    let read_only: Vec<bool> = contexts.iter().map(|c| c.read_only).collect();
    // Its own setting first, then the profile's ([profiles.ops] read_only).
    assert_eq!(read_only, [true, false, true]);
    let all = FleetFlags {
        read_only: true,
        ..FleetFlags::default()
    };
    let forced = super::contexts(&all, &entries, &never).expect("ok");
    assert!(forced.iter().all(|c| c.read_only), "--read-only wins");
}

#[test]
fn bad_lists_are_refused_with_the_flag_named() {
    let error = |profiles: &[&str], regions: &[&str]| {
        let flags = FleetFlags {
            profiles: strings(profiles),
            regions: strings(regions),
            ..FleetFlags::default()
        };
        contexts(&flags, &[], &never)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        error(&["a", "a"], &[]),
        "squall: --profiles names \"a\" twice"
    );
    assert_eq!(
        error(&[], &["us-east-1", "", "eu-west-1"]),
        "squall: --regions has an empty name in \"us-east-1,,eu-west-1\""
    );
    assert_eq!(
        error(&[""], &[]),
        "squall: --profiles has an empty name in \"\""
    );
    assert!(error(&[], &["EU-WEST-1"]).contains("--regions \"EU-WEST-1\" is not an AWS region"));
}

#[test]
fn a_single_flag_and_its_list_together_are_refused() {
    let flags = FleetFlags {
        region: Some("us-east-1".into()),
        region_typed: true,
        regions: strings(&["eu-west-1"]),
        ..FleetFlags::default()
    };
    let error = contexts(&flags, &[], &never).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "squall: pass --region or --regions, not both"
    );
}

#[test]
fn duplicate_or_empty_fleet_entries_are_refused() {
    let twice = [
        entry("prod", "us-east-1", None),
        entry("prod", "us-east-1", Some("again")),
    ];
    let error = check_entries(&twice).expect_err("refused").to_string();
    assert_eq!(
        error,
        "squall: fleet.contexts[1]: prod/us-east-1 is listed twice"
    );
    let labels = [
        entry("a", "us-east-1", Some("x")),
        entry("b", "us-east-1", Some("x")),
    ];
    let error = check_entries(&labels).expect_err("refused").to_string();
    assert!(error.contains("label \"x\" is used twice"), "{error}");
    let empty = [entry("", "us-east-1", None)];
    assert!(check_entries(&empty).is_err());
}

#[test]
fn a_context_is_named_by_its_label_or_profile_and_region_and_matched_in_part() {
    let context = Context {
        profile: Some("prod".into()),
        region: Some("eu-west-1".into()),
        label: None,
        read_only: false,
    };
    assert_eq!(context.name(), "prod/eu-west-1");
    assert!(context.matches("EU-WEST"));
    assert!(context.matches("prod/eu"));
    assert!(!context.matches("us-east-1"));
    let labelled = Context {
        label: Some("payments-eu".into()),
        ..context
    };
    assert_eq!(labelled.name(), "payments-eu");
    assert!(labelled.matches("payments"));
    assert!(labelled.matches("eu-west-1"), "its region still matches");
}

#[test]
fn a_read_only_context_connects_without_its_writers() {
    let world = || crate::sim::backend(crate::sim::SimFleet::demo());
    let mut locked = Context {
        profile: Some("prod".into()),
        region: Some("us-east-1".into()),
        label: None,
        read_only: true,
    };
    let member = Member::ready(locked.clone(), world());
    let backend = member.backend.as_ref().expect("connected");
    assert!(
        backend.writers("purge").is_err(),
        "read-only by construction"
    );
    locked.read_only = false;
    let open = Member::ready(locked, world());
    assert!(open.backend.as_ref().is_ok_and(|b| !b.is_read_only()));
    assert_eq!(open.error(), None);
}

/// STS that never answers (an endpoint that swallows requests).
struct Silent;

#[async_trait::async_trait]
impl crate::aws::identity::IdentitySource for Silent {
    async fn caller_identity(
        &self,
    ) -> Result<crate::aws::identity::CallerIdentity, crate::aws::ApiError> {
        std::future::pending().await
    }
}

#[tokio::test(start_paused = true)]
async fn the_account_is_asked_but_not_waited_for_long() {
    let context = Context {
        profile: Some("prod".into()),
        region: Some("us-east-1".into()),
        label: None,
        read_only: false,
    };
    let world = || crate::sim::backend(crate::sim::SimFleet::demo());
    let answering = Member::ready(context.clone(), world());
    let account = connect::account_of(&answering).await;
    assert!(account.is_some_and(|a| a.chars().all(|c| c.is_ascii_digit())));
    let silent = world().with_identity(std::sync::Arc::new(Silent));
    let silent = Member::ready(context, silent);
    let started = tokio::time::Instant::now();
    assert_eq!(connect::account_of(&silent).await, None);
    assert_eq!(started.elapsed(), connect::ACCOUNT_WAIT);
}
