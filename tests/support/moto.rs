//! A private moto server for compatibility tests: how `moto_server` is started and probed,
//! and the IAM role moto wants before it creates a function. Starting, sharing and stopping
//! are [`super::emulator`]'s.
//!
//! [`moto()`] is the one moto of a test binary, installed into `target/emulators/moto-venv` by
//! `scripts/install-moto.sh` on first use.
//!
//! moto facts (5.2.5): account 123456789012; queue URLs `http://127.0.0.1:PORT/ACCOUNT/NAME`;
//! CreateFunction needs an IAM role that exists in moto ([`Moto::create_role`]), and then
//! functions are `Active` at once; event source mappings work.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use super::emulator::{self, Emulator, EmulatorSpec, Launch};
use super::process;

/// moto's default account id (appears in ARNs and queue URLs).
pub const MOTO_ACCOUNT_ID: &str = "123456789012";

/// A running `moto_server`.
pub type Moto = Emulator<MotoSpec>;

static SHARED: OnceLock<Moto> = OnceLock::new();

/// The moto server shared by all tests of this test binary, started on first use (about half
/// a second).
pub fn moto() -> &'static Moto {
    emulator::shared(&SHARED)
}

pub struct MotoSpec;

impl EmulatorSpec for MotoSpec {
    const NAME: &'static str = "moto";
    const INSTALL_SCRIPT: &'static str = "install-moto.sh";
    const VENV_VAR: &'static str = "SQUALL_MOTO_VENV";
    const DEFAULT_VENV: &'static str = "target/emulators/moto-venv";
    const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

    fn launch(venv: &Path, port: u16) -> Launch {
        let mut command = Command::new(venv.join("bin/moto_server"));
        command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // Keep moto away from any real AWS configuration of the user running the tests.
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_CONFIG_FILE")
            .env_remove("AWS_SHARED_CREDENTIALS_FILE");
        Launch {
            command,
            state_dir: None,
        }
    }

    /// Any HTTP answer to `GET /` means the server is up (moto answers it as S3 ListBuckets).
    fn probe(port: u16) -> Result<(), String> {
        process::http_request(port, "GET", "/", &[], b"").map(|_| ())
    }
}

impl Moto {
    /// Creates an IAM role in moto (which checks that a function's role exists) and returns
    /// its ARN. There is no IAM SDK crate among the dependencies, so this is one raw IAM query
    /// request; moto routes it by the credential scope and does not check the signature.
    pub fn create_role(&self, name: &str) -> String {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let body = format!(
            "Action=CreateRole&Version=2010-05-08&RoleName={}&AssumeRolePolicyDocument={}",
            form_encode(name),
            form_encode(trust)
        );
        let (status, response) = process::http_request(
            self.port(),
            "POST",
            "/",
            &[
                (
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/iam/aws4_request, \
                     SignedHeaders=host, Signature=0",
                ),
            ],
            body.as_bytes(),
        )
        .unwrap_or_else(|e| panic!("IAM CreateRole {name}: {e}"));
        let arn = format!("arn:aws:iam::{MOTO_ACCOUNT_ID}:role/{name}");
        assert!(
            status == 200 && response.contains(&format!("<Arn>{arn}</Arn>")),
            "IAM CreateRole {name}: HTTP {status}: {response}"
        );
        arn
    }
}

/// `application/x-www-form-urlencoded` value encoding.
fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
