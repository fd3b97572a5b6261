//! `squall export`, `send --from`, `purge` and Ctrl-C during a sweep, end to end: part of
//! `cli_messages`, in a file of its own to keep each under 500 lines.

use super::*;

/// "Export the DLQ, fix the bug, send them back": a queue exported and replayed into an empty
/// queue holds the same bodies and attributes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_send_from_round_trips() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("rt");
    let (source_url, _) = create_queue(&sqs, &name, &[("MaximumMessageSize", "1048576")]).await;
    let (target_url, _) = create_queue(&sqs, &format!("{name}-back"), &[]).await;
    let big = format!("{{\"pad\":\"{}\"}}", "é".repeat(100_000));
    let bodies = [
        "{\"a\":[1,2,{\"b\":null}]}".to_string(),
        "ünïcödé ✓ 中文 \u{9b} \u{202e}x\u{202c}".to_string(),
        "tabs\tand\nnewlines\r\n".to_string(),
        big,
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, body) in bodies.iter().enumerate() {
        // A file: a 200 KB argument is more than one argument may hold.
        let body_file = dir.path().join(format!("body-{i}"));
        std::fs::write(&body_file, body).expect("body file");
        let body_path = body_file.display().to_string();
        let attr = format!("i:Number={i}");
        let args = [
            "send",
            name.as_str(),
            "--body-file",
            body_path.as_str(),
            "--attr",
            attr.as_str(),
            "--attr",
            "bin:Binary=AP8B",
            "--attr",
            "tag:String.custom=ok",
        ];
        ok(&args, &squall(ls, &args).await);
    }
    let exported = dir.path().join("export.ndjson");
    let out = exported.display().to_string();
    let args = ["export", name.as_str(), "--out", out.as_str()];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(run.stderr.contains("exported 4 messages"), "{}", run.stderr);
    let source = lines_of(&exported);
    assert_eq!(source.len(), 4);
    assert_eq!(visible_and_in_flight(&sqs, &source_url).await, (4, 0));

    let target = format!("{name}-back");
    let args = ["send", target.as_str(), "--from", out.as_str()];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(
        run.stdout.contains("sent 4 of 4 messages"),
        "{}",
        run.stdout
    );
    assert_eq!(visible_and_in_flight(&sqs, &target_url).await, (4, 0));

    let back = dir.path().join("back.ndjson");
    let back_out = back.display().to_string();
    let args = ["export", target.as_str(), "--out", back_out.as_str()];
    ok(&args, &squall(ls, &args).await);
    let replayed = lines_of(&back);
    assert_eq!(
        contents(&replayed),
        contents(&source),
        "bodies and attributes equal"
    );
    let sizes: BTreeSet<usize> = replayed
        .iter()
        .map(|r| r["body"].as_str().map_or(0, str::len))
        .collect();
    assert!(
        sizes.contains(&(bodies[3].len())),
        "the 200 KB body came back whole"
    );

    // The export never overwrites.
    let run = squall(ls, &["export", name.as_str(), "--out", out.as_str()]).await;
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("exists"), "{}", run.stderr);
}

/// A FIFO export replays with its groups; replaying the same file again within the dedup
/// window sends nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_replay_keeps_groups_and_sends_each_line_once() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("fr");
    let source = format!("{name}.fifo");
    let target = format!("{name}-back.fifo");
    let (source_url, _) = create_queue(&sqs, &source, &[]).await;
    let (target_url, _) = create_queue(&sqs, &target, &[]).await;
    for (i, group) in ["a", "b", "a"].iter().enumerate() {
        let dedup = format!("d{i}");
        let body = format!("m{i}");
        let args = [
            "send",
            &source,
            "--body",
            &body,
            "--group-id",
            group,
            "--dedup-id",
            &dedup,
        ];
        ok(&args, &squall(ls, &args).await);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("fifo.ndjson");
    let out = file.display().to_string();
    let args = ["export", source.as_str(), "--out", out.as_str()];
    ok(&args, &squall(ls, &args).await);
    assert_eq!(visible_and_in_flight(&sqs, &source_url).await, (3, 0));
    let exported = lines_of(&file);
    assert_eq!(exported.len(), 3, "both groups exported");

    for _ in 0..2 {
        let args = ["send", target.as_str(), "--from", out.as_str()];
        ok(&args, &squall(ls, &args).await);
    }
    assert_eq!(
        visible_and_in_flight(&sqs, &target_url).await,
        (3, 0),
        "no duplicates"
    );
    let back = dir.path().join("back.ndjson");
    let back_out = back.display().to_string();
    let args = ["export", target.as_str(), "--out", back_out.as_str()];
    ok(&args, &squall(ls, &args).await);
    let groups: BTreeSet<(String, String)> = lines_of(&back)
        .iter()
        .map(|r| (r["body"].to_string(), r["group_id"].to_string()))
        .collect();
    let expected: BTreeSet<(String, String)> = exported
        .iter()
        .map(|r| (r["body"].to_string(), r["group_id"].to_string()))
        .collect();
    assert_eq!(groups, expected);
}

/// A file with bad lines sends nothing and names every bad line; a body from stdin works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_checks_everything_before_sending() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("chk");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.ndjson");
    std::fs::write(
        &file,
        "{\"body\":\"good\"}\nnot json\n{\"body\":\"\"}\n{\"body\":\"esc \\u001b\"}\n",
    )
    .expect("write");
    let path = file.display().to_string();
    let run = squall(ls, &["send", &name, "--from", &path]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    for needle in [
        "line 2:",
        "line 3:",
        "line 4:",
        "U+001B",
        "nothing was sent",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(!run.stderr.contains("line 1:"), "{}", run.stderr);
    assert_eq!(visible_and_in_flight(&sqs, &url).await, (0, 0));

    let run = squall(ls, &["send", &name, "--body", "x", "--dedup-id", "d"]).await;
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("only FIFO"), "{}", run.stderr);

    let body = "from stdin\nwith two lines";
    let args = ["send", name.as_str(), "--body-file", "-", "--delay", "0"];
    let run = squall_with(Some(&ls.endpoint()), &args, Some(body.as_bytes())).await;
    ok(&args, &run);
    let args = ["peek", name.as_str(), "--json"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert_eq!(json(&run.stdout)[0]["body"], body);
}

/// Purge without --yes says what would be lost and deletes nothing (exit 5); with --yes the
/// queue is emptied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_needs_yes() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("pg");
    let (url, _) = create_queue(&sqs, &name, &[]).await;
    send_messages(&sqs, &url, 7).await;
    let run = squall(ls, &["purge", &name]).await;
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(run.stderr.contains("about 7 now"), "{}", run.stderr);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(visible_and_in_flight(&sqs, &url).await, (7, 0));

    let args = ["purge", name.as_str(), "--yes"];
    let run = squall(ls, &args).await;
    ok(&args, &run);
    assert!(run.stdout.contains("purged"), "{}", run.stdout);
    let emptied = wait_until(Duration::from_secs(10), || async {
        visible_and_in_flight(&sqs, &url).await == (0, 0)
    })
    .await;
    assert!(emptied);
}

/// Ctrl-C during a sweep: squall stops between receives, makes every message it read visible
/// again, prints what it read, and exits 130.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_sweep_releases_everything() {
    let ls = localstack();
    let sqs = ls.sqs().await;
    let name = unique_name("cc");
    let (url, _) = create_queue(&sqs, &name, &[("VisibilityTimeout", "600")]).await;
    send_messages(&sqs, &url, 600).await;
    let home = tempfile::tempdir().expect("tempdir");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_squall"))
        .args([
            "--endpoint-url",
            &ls.endpoint(),
            "--region",
            support::REGION,
        ])
        .args(["peek", &name, "-n", "600", "--json"])
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let pid = i32::try_from(child.id().expect("pid")).expect("pid fits");
    // Wait until the sweep holds some messages, then interrupt it.
    let holding = wait_until(Duration::from_secs(20), || async {
        visible_and_in_flight(&sqs, &url).await.1 >= 50
    })
    .await;
    assert!(holding, "the sweep did not start");
    // SAFETY: sends SIGINT to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let output = child.wait_with_output().await.expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("cancelled after"), "{stderr}");
    let read = json(&String::from_utf8_lossy(&output.stdout))
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert!((50..600).contains(&read), "{read} messages printed");
    assert_eq!(
        visible_and_in_flight(&sqs, &url).await,
        (600, 0),
        "every message read is visible again at once, not after the 30 s hold"
    );
}
