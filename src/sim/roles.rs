//! The simulated functions' execution roles (IAM): each function runs as a role of its own
//! whose one inline policy lets it log and write to its DLQ and on-failure destination,
//! unless its spec says the role may not (`FunctionSpec::role_cannot_write_targets`), which
//! is also what makes its failed events undeliverable in the world.

use async_trait::async_trait;
use serde_json::json;

use super::fleet::SimFleet;
use super::world::{queue_arn, role_arn};
use crate::aws::ApiError;
use crate::aws::roles::RolePolicies;

#[async_trait]
impl RolePolicies for SimFleet {
    async fn role_policy_documents(&self, role: &str) -> Result<Vec<String>, ApiError> {
        let world = self.world();
        let Some(function) = world
            .functions
            .iter()
            .find(|f| role_arn(&f.spec.name) == role)
        else {
            return Err(ApiError::not_found(
                "ListRolePolicies",
                format!("The role with name {role} cannot be found."),
            ));
        };
        let spec = &function.spec;
        let targets: Vec<String> = spec
            .dlq
            .iter()
            .chain(spec.on_failure.iter())
            .map(|q| queue_arn(world.region(), q))
            .collect();
        // A role that may not write there still reads from them: the usual slip.
        let action = if spec.role_denies_targets {
            "sqs:ReceiveMessage"
        } else {
            "sqs:SendMessage"
        };
        let mut statements = vec![json!({
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*"
        })];
        if !targets.is_empty() {
            statements.push(json!({"Effect": "Allow", "Action": action, "Resource": targets}));
        }
        let document = json!({"Version": "2012-10-17", "Statement": statements});
        Ok(vec![document.to_string()])
    }
}
