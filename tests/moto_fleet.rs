//! The fleet from the command line against moto: two regions of one moto server, and a
//! second "account" through a second profile pointing at a second moto server (started
//! with `MOTO_ACCOUNT_ID`), each profile's endpoint and keys in a temporary AWS config
//! file. `ls`, `health` and `doctor` read every context, rank across them, carry profile,
//! region and account in `--json`, and a context that fails (an unknown profile, a dead
//! endpoint) is named while the others still print. Each test uses regions of its own, so
//! that tests sharing the moto servers do not see each other's queues.

mod support;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use support::emulator::{self, Emulator, EmulatorSpec, Launch};
use support::moto::MotoSpec;
use support::*;

/// The second server's account (moto's default is `MOTO_ACCOUNT_ID`'s, 123456789012).
const OTHER_ACCOUNT: &str = "210987654321";

/// moto as another AWS account.
struct OtherAccount;

impl EmulatorSpec for OtherAccount {
    const NAME: &'static str = "moto-other-account";
    const INSTALL_SCRIPT: &'static str = MotoSpec::INSTALL_SCRIPT;
    const VENV_VAR: &'static str = MotoSpec::VENV_VAR;
    const DEFAULT_VENV: &'static str = MotoSpec::DEFAULT_VENV;
    const STARTUP_TIMEOUT: Duration = MotoSpec::STARTUP_TIMEOUT;

    fn launch(venv: &std::path::Path, port: u16) -> Launch {
        let mut launch = MotoSpec::launch(venv, port);
        launch.command.env("MOTO_ACCOUNT_ID", OTHER_ACCOUNT);
        launch
    }

    fn probe(port: u16) -> Result<(), String> {
        MotoSpec::probe(port)
    }
}

fn other_moto() -> &'static Emulator<OtherAccount> {
    static SHARED: OnceLock<Emulator<OtherAccount>> = OnceLock::new();
    emulator::shared(&SHARED)
}

async fn sqs_in<S>(emulator: &Emulator<S>, region: &str) -> aws_sdk_sqs::Client {
    let base = emulator.sdk_config().await;
    let config = aws_sdk_sqs::config::Builder::from(&base)
        .region(aws_sdk_sqs::config::Region::new(region.to_string()))
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// A home with an AWS config naming the profiles `alpha` (moto), `beta` (the other
/// account's moto) and `broken` (an endpoint nobody listens on), and nothing else.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::tempdir().expect("tempdir");
        let dead = format!("http://127.0.0.1:{}", free_port());
        let profiles = [
            ("alpha", moto().endpoint()),
            ("beta", other_moto().endpoint()),
            ("broken", dead),
        ];
        let mut config = String::new();
        for (name, endpoint) in profiles {
            config.push_str(&format!(
                "[profile {name}]\nregion = us-east-1\nendpoint_url = {endpoint}\n\
                 aws_access_key_id = test\naws_secret_access_key = test\n\n"
            ));
        }
        std::fs::write(dir.path().join("aws-config"), config).expect("aws config");
        std::fs::write(dir.path().join("aws-credentials"), "").expect("credentials");
        Home { dir }
    }

    /// A squall config file in this home, for `--config`.
    fn squall_config(&self, text: &str) -> PathBuf {
        let path = self.dir.path().join("squall.toml");
        std::fs::write(&path, text).expect("squall config");
        path
    }

    /// `squall ARGS…` with this home's AWS files and no AWS variable of the caller's:
    /// `(exit code, stdout, stderr)`.
    async fn squall(&self, args: &[&str]) -> (i32, String, String) {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_squall"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                command.env_remove(name);
            }
        }
        let output = command
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("XDG_CONFIG_HOME")
            .env("AWS_CONFIG_FILE", self.dir.path().join("aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .kill_on_drop(true)
            .output()
            .await
            .expect("running squall");
        let code = output.status.code().expect("squall exited");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (code, stdout, stderr)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn rows(stdout: &str) -> Vec<Value> {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("a JSON array ({e}): {stdout}"))
}

fn row_named<'a>(rows: &'a [Value], key: &str, name: &str) -> &'a Value {
    rows.iter()
        .find(|r| r[key] == name)
        .unwrap_or_else(|| panic!("no row with {key} {name}: {rows:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_lists_every_region_and_account_with_its_origin() {
    let home = Home::new();
    let a_south = unique_name("fleet-a-south");
    let a_central = unique_name("fleet-a-central");
    let b_south = unique_name("fleet-b-south");
    create_queue(&sqs_in(moto(), "ap-south-1").await, &a_south, &[]).await;
    create_queue(&sqs_in(moto(), "ca-central-1").await, &a_central, &[]).await;
    create_queue(&sqs_in(other_moto(), "ap-south-1").await, &b_south, &[]).await;
    let fleet = [
        "--profiles",
        "alpha,beta",
        "--regions",
        "ap-south-1,ca-central-1",
        "ls",
        "queues",
    ];

    let (code, stdout, stderr) = home.squall(&[&fleet[..], &["--json"]].concat()).await;
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let listed = rows(&stdout);
    let expected = [
        (&a_south, "alpha", "ap-south-1", MOTO_ACCOUNT_ID),
        (&a_central, "alpha", "ca-central-1", MOTO_ACCOUNT_ID),
        (&b_south, "beta", "ap-south-1", OTHER_ACCOUNT),
    ];
    for (name, profile, region, account) in expected {
        let row = row_named(&listed, "name", name);
        assert_eq!(row["profile"], profile, "{row}");
        assert_eq!(row["region"], region, "{row}");
        assert_eq!(row["account"], account, "{row}");
        assert_eq!(row["context"], format!("{profile}/{region}"), "{row}");
    }
    assert_eq!(
        listed
            .iter()
            .filter(|r| r["name"] == b_south.as_str())
            .count(),
        1
    );

    // No region named: each profile's own (us-east-1 in its config), known once connected.
    let b_home = unique_name("fleet-b-home");
    create_queue(&sqs_in(other_moto(), "us-east-1").await, &b_home, &[]).await;
    let own_regions = ["--profiles", "alpha,beta", "ls", "queues", "--json"];
    let (code, stdout, stderr) = home.squall(&own_regions).await;
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let row = row_named(&rows(&stdout), "name", &b_home).clone();
    assert_eq!(
        (&row["context"], &row["region"]),
        (&"beta/us-east-1".into(), &"us-east-1".into())
    );

    let (code, stdout, stderr) = home.squall(&fleet).await;
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.starts_with("CONTEXT "), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains(&b_south))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.starts_with("beta/ap-south-1 "), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_context_is_named_and_the_others_still_print() {
    let home = Home::new();
    let queue = unique_name("fleet-survivor");
    create_queue(&sqs_in(moto(), "eu-south-1").await, &queue, &[]).await;
    let fleet = ["--profiles", "alpha,ghost,broken", "--region", "eu-south-1"];

    let (code, stdout, stderr) = home
        .squall(&[&fleet[..], &["ls", "queues", "--json"]].concat())
        .await;
    assert_eq!(code, 4, "incomplete\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(
        row_named(&rows(&stdout), "name", &queue)["profile"],
        "alpha"
    );
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let ghost = row_named(&lines, "profile", "ghost");
    assert_eq!(ghost["incomplete"], "context", "{ghost}");
    assert_eq!(ghost["region"], "eu-south-1", "{ghost}");
    assert!(
        ghost["error"]
            .as_str()
            .is_some_and(|e| e.contains("\"ghost\"")),
        "{ghost}"
    );
    let broken = row_named(&lines, "profile", "broken");
    assert!(
        broken["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("listing queues failed")),
        "{broken}"
    );

    let (code, stdout, stderr) = home.squall(&[&fleet[..], &["health"]].concat()).await;
    assert_eq!(
        code, 4,
        "nothing burns, two contexts unread\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("part of the picture is missing"),
        "{stdout}"
    );
    assert!(
        stderr.contains("squall: incomplete: context ghost/eu-south-1 not read:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("squall: incomplete: context broken/eu-south-1 not read:"),
        "{stderr}"
    );
}

/// A DLQ holding `held` messages behind a source queue, in `region` of `emulator`.
async fn burning_dlq<S>(emulator: &Emulator<S>, region: &str, name: &str, held: usize) {
    let sqs = sqs_in(emulator, region).await;
    let (dlq_url, dlq_arn) = create_queue(&sqs, name, &[]).await;
    let (source_url, _) = create_queue(&sqs, &format!("{name}-src"), &[]).await;
    set_redrive(&sqs, &source_url, &dlq_arn, 3).await;
    send_messages(&sqs, &dlq_url, held).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_doctor_rank_every_context_of_the_fleet_section_together() {
    let home = Home::new();
    let a_dlq = unique_name("fleet-a-dlq");
    let b_dlq = unique_name("fleet-b-dlq");
    burning_dlq(moto(), "sa-east-1", &a_dlq, 2).await;
    burning_dlq(other_moto(), "sa-east-1", &b_dlq, 5).await;
    let config = home.squall_config(
        "[fleet]\ncontexts = [\n\
         { profile = \"alpha\", region = \"sa-east-1\", label = \"shop-a\" },\n\
         { profile = \"beta\", region = \"sa-east-1\", label = \"shop-b\" },\n]\n",
    );
    let config = config.to_string_lossy().into_owned();

    let (code, stdout, stderr) = home
        .squall(&["--config", &config, "health", "--json"])
        .await;
    assert_eq!(code, 1, "DLQs burn\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let problems = rows(&stdout);
    let position = |name: &str| problems.iter().position(|p| p["resource"] == name);
    let (a, b) = (position(&a_dlq), position(&b_dlq));
    assert!(a.is_some() && b.is_some(), "{stdout}");
    assert!(b < a, "5 held in shop-b before 2 in shop-a: {stdout}");
    let row = row_named(&problems, "resource", &b_dlq);
    assert_eq!(row["context"], "shop-b", "{row}");
    assert_eq!(row["profile"], "beta", "{row}");
    assert_eq!(row["region"], "sa-east-1", "{row}");
    assert_eq!(row["account"], OTHER_ACCOUNT, "{row}");
    assert_eq!(
        row_named(&problems, "resource", &a_dlq)["account"],
        MOTO_ACCOUNT_ID
    );

    let (code, stdout, _) = home.squall(&["--config", &config, "health"]).await;
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.starts_with("SEVERITY  CONTEXT"), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains(&b_dlq))
        .expect("b's line");
    assert!(line.contains("  shop-b  "), "{line}");

    // Each DLQ keeps messages no longer than its source: a warning in each context.
    let (code, stdout, stderr) = home
        .squall(&["--config", &config, "doctor", "--json"])
        .await;
    assert_eq!(code, 1, "warnings\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let findings = rows(&stdout);
    let retention: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "dlq-retention")
        .collect();
    let contexts: Vec<&Value> = retention.iter().map(|f| &f["context"]).collect();
    assert_eq!(contexts, ["shop-a", "shop-b"], "{stdout}");
    assert_eq!(retention[1]["account"], OTHER_ACCOUNT, "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acting_verbs_refuse_a_fleet_and_bad_lists_are_named() {
    let home = Home::new();
    let (code, _, stderr) = home
        .squall(&[
            "--regions",
            "us-east-1,eu-west-1",
            "purge",
            "orders",
            "--yes",
        ])
        .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("purge works in one context: pass one --profile/--region"),
        "{stderr}"
    );
    assert!(
        stderr.contains("default/us-east-1, default/eu-west-1"),
        "{stderr}"
    );
    let (code, _, stderr) = home
        .squall(&["--profiles", "alpha,beta", "redrive", "orders-dlq", "--yes"])
        .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("redrive works in one context"), "{stderr}");
    let (code, _, stderr) = home
        .squall(&["--regions", "us-east-1,,eu-west-1", "ls", "queues"])
        .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--regions has an empty name"), "{stderr}");
    let (code, _, stderr) = home
        .squall(&["--region", "us-east-1", "--regions", "eu-west-1", "health"])
        .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("pass --region or --regions, not both"),
        "{stderr}"
    );
}
