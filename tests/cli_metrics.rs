//! `squall --demo metrics …`: the table (UTF-8 or ASCII), JSON, and clear errors for bad
//! input.

use std::process::Output;

fn squall(args: &[&str], lang: &str) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    std::process::Command::new(env!("CARGO_BIN_EXE_squall"))
        .arg("--demo")
        .args(args)
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", lang)
        .output()
        .expect("running squall")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_table_has_block_sparklines_in_utf8_and_ascii_on_request_or_in_lang_c() {
    let utf8 = squall(&["metrics", "orders"], "C.UTF-8");
    assert!(utf8.status.success(), "{utf8:?}");
    let text = stdout(&utf8);
    assert!(text.contains("orders-worker error rate"), "{text}");
    assert!(text.contains("orders-dlq depth"), "{text}");
    assert!(text.chars().any(|c| ('▁'..='█').contains(&c)), "{text}");
    for (args, lang) in [
        (&["--ascii", "metrics", "orders"][..], "C.UTF-8"),
        (&["metrics", "orders"][..], "C"),
    ] {
        let output = squall(args, lang);
        assert!(output.status.success(), "{output:?}");
        assert!(stdout(&output).is_ascii(), "{}", stdout(&output));
    }
}

#[test]
fn json_for_a_topic_at_another_window_and_period() {
    let output = squall(
        &[
            "metrics",
            "order-events",
            "--since",
            "3h",
            "--period",
            "300",
            "--json",
        ],
        "C.UTF-8",
    );
    assert!(output.status.success(), "{output:?}");
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(value["window"], "3h");
    let series = value["series"].as_array().expect("series");
    assert!(
        series
            .iter()
            .all(|s| s["period"] == 300 && s["namespace"] == "AWS/SNS")
    );
    let published = series
        .iter()
        .find(|s| s["metric"] == "NumberOfMessagesPublished")
        .expect("published");
    assert!(!published["points"].as_array().expect("points").is_empty());
}

#[test]
fn bad_input_is_a_clear_error() {
    for (args, says) in [
        (
            &["metrics", "orders", "--since", "2h"][..],
            "windows are 15m, 1h",
        ),
        (
            &["metrics", "orders", "--period", "90"][..],
            "multiple of 60",
        ),
        (
            &["metrics", "no-such-thing"][..],
            "no queue, topic or function named no-such-thing",
        ),
    ] {
        let output = squall(args, "C.UTF-8");
        assert_eq!(output.status.code(), Some(1), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
