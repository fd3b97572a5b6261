//! Shared helpers for squall's integration tests.
//!
//! Use from an integration test with `mod support;` and then e.g.
//! `let ls = support::localstack(); let sqs = ls.sqs().await;` (or `support::moto()` for the
//! moto server).
//!
//! Each test binary includes this module separately and uses only part of it.
#![allow(dead_code, unused_imports)]

pub mod aws_wire;
pub mod emulator;
pub mod fanout;
pub mod fault_proxy;
pub mod http_message;
pub mod invoke_wire;
pub mod localstack;
pub mod moto;
pub mod process;
pub mod sim_app;
pub mod sim_driver;
pub mod sim_fleet;
pub mod sqs;
pub mod sqs_wire;
pub mod squall_cli;

pub use emulator::{REGION, unique_name, unreachable_sdk_config, wait_until};
pub use fanout::*;
pub use fault_proxy::*;
pub use localstack::*;
pub use moto::*;
pub use sqs::*;
pub use squall_cli::*;
