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
