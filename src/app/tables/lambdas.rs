//! `:lambdas`: functions with the queues they consume.

use super::{Column, ColumnWidth, number, or_dash, text};
use crate::app::table::{RowStyle, SortValue, TableRow};
use crate::app::target::Target;
use crate::domain::arn;
use crate::inventory::Inventory;

pub const COLUMNS: &[Column] = &[
    text("FUNCTION", ColumnWidth::Fill(3)),
    text("RUNTIME", ColumnWidth::Fixed(15)),
    number("MEM MB", 6),
    number("TIMEOUT", 7),
    text("CONSUMES", ColumnWidth::Fill(3)),
    text("STATE", ColumnWidth::Fixed(8)),
    number("BATCH", 5),
];

pub fn rows(inventory: &Inventory) -> Vec<TableRow> {
    inventory
        .functions()
        .iter()
        .map(|function| {
            let mappings: Vec<_> = inventory.mappings_of_function(&function.arn).collect();
            let sources: Vec<&str> = mappings
                .iter()
                .map(|m| arn::resource_name(&m.event_source_arn))
                .collect();
            let mut states: Vec<&str> = mappings.iter().map(|m| m.state.as_str()).collect();
            states.dedup();
            let batches: Vec<String> = mappings
                .iter()
                .map(|m| {
                    m.batch_size
                        .map(|b| b.to_string())
                        .unwrap_or_else(|| "-".into())
                })
                .collect();
            let mut batches_unique = batches.clone();
            batches_unique.dedup();
            let consumes = if sources.is_empty() {
                "-".to_string()
            } else {
                sources.join(", ")
            };
            let state = if states.is_empty() {
                "-".to_string()
            } else {
                states.join(",")
            };
            let style = if !states.is_empty() && states.iter().all(|s| *s != "Enabled") {
                RowStyle::Dim
            } else {
                RowStyle::Normal
            };
            TableRow {
                key: function.arn.clone(),
                cells: vec![
                    function.name.clone(),
                    or_dash(function.runtime.clone()),
                    or_dash(function.memory_mb.map(|m| m.to_string())),
                    or_dash(function.timeout_seconds.map(|t| format!("{t}s"))),
                    consumes.clone(),
                    state.clone(),
                    if batches_unique.is_empty() {
                        "-".into()
                    } else {
                        batches_unique.join(",")
                    },
                ],
                sort: vec![
                    SortValue::Text(function.name.clone()),
                    SortValue::Text(function.runtime.clone().unwrap_or_default()),
                    function
                        .memory_mb
                        .map_or(SortValue::Missing, |m| SortValue::Number(m.max(0) as u64)),
                    function
                        .timeout_seconds
                        .map_or(SortValue::Missing, |t| SortValue::Number(t.max(0) as u64)),
                    SortValue::Text(consumes.clone()),
                    SortValue::Text(state),
                    mappings
                        .iter()
                        .filter_map(|m| m.batch_size)
                        .max()
                        .map_or(SortValue::Missing, |b| SortValue::Number(b.max(0) as u64)),
                ],
                filter_text: format!("{} {consumes}", function.name),
                style,
                target: Target::Function(function.arn.clone()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventSourceMapping, LambdaFunction};

    #[test]
    fn functions_show_what_they_consume() {
        let mut inventory = Inventory::default();
        inventory.set_functions(vec![LambdaFunction {
            name: "worker".into(),
            arn: "arn:aws:lambda:r:1:function:worker".into(),
            runtime: Some("python3.13".into()),
            memory_mb: Some(256),
            timeout_seconds: Some(30),
            last_modified: None,
            dlq_arn: None,
        }]);
        inventory.set_mappings(vec![EventSourceMapping {
            uuid: "u".into(),
            function_arn: "arn:aws:lambda:r:1:function:worker".into(),
            event_source_arn: "arn:aws:sqs:r:1:orders".into(),
            state: "Disabled".into(),
            batch_size: Some(10),
        }]);
        let rows = rows(&inventory);
        assert_eq!(
            rows[0].cells,
            [
                "worker",
                "python3.13",
                "256",
                "30s",
                "orders",
                "Disabled",
                "10"
            ]
        );
        assert_eq!(rows[0].style, RowStyle::Dim);
    }
}
