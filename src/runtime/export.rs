//! The export job (`e` in the viewer): the messages already read, written as NDJSON by the
//! messages engine (the lines `squall export` writes) into a new file, off the UI thread.

use std::io::{BufWriter, Write};

use crate::app::effect::ExportRequest;
use crate::app::jobs::JobEnd;
use crate::messages::export::{create_new, write_line};

pub async fn run(request: ExportRequest) -> JobEnd {
    match tokio::task::spawn_blocking(move || write(&request)).await {
        Ok(end) => end,
        Err(error) => JobEnd::Failed(format!("the export stopped: {error}")),
    }
}

fn write(request: &ExportRequest) -> JobEnd {
    let result = create_new(&request.path).and_then(|file| {
        let mut out = BufWriter::new(file);
        for message in &request.messages {
            write_line(&mut out, message, request.max_receive_count)?;
        }
        out.flush()
            .map_err(|e| format!("cannot write the export: {e}"))
    });
    let count = request.messages.len();
    match result {
        Ok(()) => JobEnd::Done(Some(format!(
            "exported {count} message{} to {}",
            if count == 1 { "" } else { "s" },
            request.path.display()
        ))),
        Err(error) => JobEnd::Failed(error),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::collections::BTreeMap;
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::domain::message::ReceivedMessage;

    /// `e` in the viewer writes bodies: the file is its owner's alone, whatever the umask.
    #[tokio::test]
    async fn the_viewer_export_is_owner_only() {
        crate::private_files::permissive_umask();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("orders.ndjson");
        let message = ReceivedMessage {
            message_id: "m-1".to_string(),
            receipt_handle: "rh".to_string(),
            body: "card 4242".to_string(),
            md5_of_body: None,
            attributes: BTreeMap::new(),
            message_attributes: BTreeMap::new(),
        };
        let end = run(ExportRequest {
            path: path.clone(),
            queue_name: "orders".to_string(),
            max_receive_count: None,
            messages: vec![message],
        })
        .await;
        assert!(matches!(end, JobEnd::Done(_)), "{end:?}");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
