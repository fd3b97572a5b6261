//! Permissions against moto: every call squall's verbs make is in its permission lists
//! (tests/permission_suite). moto has no message move tasks, so native redrive is left out.

mod permission_suite;
mod support;

use support::{moto, unique_name};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_of_every_verb_is_in_the_permission_lists() {
    let world = permission_suite::seed(moto(), "drift").await;
    let role = moto().create_role(&unique_name("drift-role"));
    let world = permission_suite::with_function(moto(), world, &role).await;
    permission_suite::every_call_is_in_the_list(moto(), &world, false).await;
}
