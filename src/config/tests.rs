//! The settings: the embedded defaults, a user's file laid over them, and the errors a
//! broken file gets.

use std::path::Path;
use std::time::Duration;

use ratatui::style::Color;

use super::keymap::{KeyAction, KeyChord};
use super::{Config, ConfigError};

fn load(text: &str) -> Result<Config, ConfigError> {
    Config::from_user_text(Path::new("/tmp/squall.toml"), text)
}

#[test]
fn embedded_defaults_load() {
    let config = Config::defaults().expect("defaults");
    assert_eq!(config.concurrency, 16);
    assert_eq!(config.counts_refresh, Some(Duration::from_secs(5)));
    assert_eq!(config.listing_refresh, Some(Duration::from_secs(300)));
    assert_eq!(config.keymap.bindings().len(), KeyAction::ALL.len());
    assert_eq!(config.colors.dlq, Color::Magenta);
}

#[test]
fn ascii_charts_can_be_asked_for_in_the_file() {
    assert!(!load("").expect("config").ascii);
    assert!(load("[general]\nascii = true\n").expect("config").ascii);
}

#[test]
fn user_file_overrides_only_what_it_sets() {
    let config = load(
        "[keys]\ndown = { keys = [\"n\"] }\n[refresh]\ncounts_seconds = 0\n[profiles.prod]\nread_only = true\n",
    )
    .expect("config");
    let down = config
        .keymap
        .bindings()
        .iter()
        .find(|b| b.action == KeyAction::Down)
        .expect("down");
    assert_eq!(down.keys, vec![KeyChord::parse("n").expect("n")]);
    assert_eq!(down.description, "Move down");
    assert_eq!(config.counts_refresh, None);
    assert_eq!(config.listing_refresh, Some(Duration::from_secs(300)));
    assert!(config.read_only_for(Some("prod")));
    assert!(!config.read_only_for(Some("dev")));
    assert_eq!(config.concurrency, 16);
}

#[test]
fn syntax_error_names_file_and_line() {
    let err = load("[aws]\nconcurrency = 4\nmax_attempts = = 3\n").expect_err("must fail");
    assert_eq!(err.line, Some(3));
    assert!(
        err.to_string()
            .starts_with("config file /tmp/squall.toml, line 3"),
        "{err}"
    );
}

#[test]
fn unknown_settings_and_bad_values_are_errors_with_lines() {
    let err = load("[general]\nread_onyl = true\n").expect_err("typo");
    assert_eq!(err.line, Some(2));
    assert!(err.message.contains("read_onyl"), "{err}");

    let err = load("\n[keys]\nfly = { keys = [\"f\"] }\n").expect_err("action");
    assert_eq!(err.line, Some(3));
    assert!(err.message.contains("unknown key action \"fly\""), "{err}");

    let err = load("[keys]\nup = { keys = [\"hyper-k\"] }\n").expect_err("key");
    assert!(err.message.contains("unknown key"), "{err}");

    let err = load("[theme]\ndlq = \"mauve-ish\"\n").expect_err("colour");
    assert_eq!(err.line, Some(2));

    let err = load("[aws]\nconcurrency = 0\n").expect_err("range");
    assert_eq!(err.line, Some(2));
}

#[test]
fn the_redrive_typed_confirmation_threshold_is_set() {
    let defaults = Config::defaults().expect("defaults");
    assert_eq!(defaults.redrive_confirm_typed_above, 100);
    let config = load("[redrive]\nconfirm_typed_above = 5\n").expect("config");
    assert_eq!(config.redrive_confirm_typed_above, 5);
    assert_eq!(defaults.logs_max_scan_mb, 100);
    let logs = load("[logs]\nmax_scan_mb = 7\n").expect("config");
    assert_eq!(logs.logs_max_scan_mb, 7);
    assert!(
        load("[redrive]\nconfirm_above = 5\n").is_err(),
        "unknown keys are refused"
    );
}

#[test]
fn the_sweep_cap_is_set_and_checked() {
    assert_eq!(Config::defaults().expect("defaults").sweep_cap, 1000);
    let config = load("[messages]\nsweep_cap = 5000\n").expect("config");
    assert_eq!(config.sweep_cap, 5000);
    let err = load("[messages]\nsweep_cap = 5\n").expect_err("too small");
    assert_eq!(err.line, Some(2));
    assert!(err.message.contains("messages.sweep_cap"), "{err}");
}

#[test]
fn missing_default_location_is_fine_but_missing_explicit_file_is_not() {
    let err = Config::load(Some(Path::new("/nonexistent/squall.toml"))).expect_err("explicit");
    assert!(err.to_string().contains("/nonexistent/squall.toml"));
}

#[test]
fn overriding_one_action_leaves_every_other_at_its_default() {
    let defaults = Config::defaults().expect("defaults").keymap;
    assert_eq!(
        &defaults,
        &super::keymap::Keymap::defaults().expect("declared"),
        "with no user file the keymap is the declared one"
    );
    let config = load("[keys]\npurge = { keys = [\"X\", \"ctrl-x\"] }\n").expect("config");
    let bindings = config.keymap.bindings();
    assert_eq!(bindings.len(), defaults.bindings().len());
    for (binding, default) in bindings.iter().zip(defaults.bindings()) {
        if binding.action == KeyAction::Purge {
            let keys = ["X", "ctrl-x"].map(|k| KeyChord::parse(k).expect("chord"));
            assert_eq!(binding.keys, keys);
            assert_eq!(binding.group, default.group, "group kept");
            assert_eq!(binding.description, default.description, "description kept");
        } else {
            assert_eq!(binding, default);
        }
    }
    let renamed =
        load("[keys]\nhelp = { keys = [\"h\"], group = \"Mine\", description = \"Help me\" }\n")
            .expect("config");
    let help = renamed
        .keymap
        .bindings()
        .iter()
        .find(|b| b.action == KeyAction::Help);
    let help = help.expect("help");
    assert_eq!(
        (help.group.as_str(), help.description.as_str()),
        ("Mine", "Help me")
    );
}

#[test]
fn a_fleet_section_names_contexts_in_order() {
    let config = load(
        "[fleet]\ncontexts = [\n  { profile = \"prod\", region = \"us-east-1\", label = \"prod-us\" },\n  { profile = \"prod\", region = \"eu-west-1\", read_only = true },\n]\n",
    )
    .expect("config");
    assert_eq!(config.fleet.len(), 2);
    assert_eq!(config.fleet[0].label.as_deref(), Some("prod-us"));
    assert_eq!(config.fleet[1].region, "eu-west-1");
    assert_eq!(config.fleet[1].read_only, Some(true));
    assert!(
        load("").expect("config").fleet.is_empty(),
        "no section, no fleet"
    );
}

#[test]
fn a_bad_fleet_section_is_refused_at_its_line() {
    let error = load("[fleet]\ncontexts = []\n").expect_err("empty");
    assert_eq!(error.line, Some(2));
    assert!(error.message.contains("fleet.contexts is empty"), "{error}");
    let twice = "[fleet]\ncontexts = [\n  { profile = \"a\", region = \"us-east-1\" },\n  { profile = \"a\", region = \"us-east-1\" },\n]\n";
    let error = load(twice).expect_err("duplicate");
    assert_eq!(error.line, Some(4));
    assert!(
        error.message.contains("a/us-east-1 is listed twice"),
        "{error}"
    );
    let error = load("[fleet]\ncontexts = [{ profile = \"a\" }]\n").expect_err("no region");
    assert!(error.message.contains("region"), "{error}");
    let error =
        load("[fleet]\ncontexts = [{ profile = \"a\", region = \"us-east-1\", lable = \"x\" }]\n")
            .expect_err("typo");
    assert!(error.message.contains("lable"), "{error}");
}

#[test]
fn the_canary_watch_is_a_duration_checked_at_load() {
    assert_eq!(
        Config::defaults().expect("defaults").redrive_canary_watch,
        None
    );
    let config = load("[redrive]\ncanary_watch = \"5m\"\n").expect("config");
    assert_eq!(
        config.redrive_canary_watch,
        Some(std::time::Duration::from_secs(300))
    );
    let err = load("[redrive]\ncanary_watch = \"soon\"\n").expect_err("not a duration");
    assert!(err.message.contains("redrive.canary_watch"), "{err}");
    assert_eq!(err.line, Some(2));
    let err = load("[redrive]\ncanary_watch = \"2h\"\n").expect_err("too long");
    assert!(err.message.contains("between 1s and 1h"), "{err}");
}
