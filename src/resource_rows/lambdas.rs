//! `:lambdas`: functions with the queues they consume.

use std::borrow::Cow;

use super::target::Target;
use super::{Column, ColumnWidth, RowStyle, SortKey, TableRow, WholeRow, number, or_dash, text};
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

pub(super) fn key(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    Cow::Borrowed(&inventory.functions()[i].arn)
}

pub(super) fn filter_text(inventory: &Inventory, i: usize) -> Cow<'_, str> {
    Cow::Owned(whole(inventory, i).filter_text)
}

pub(super) fn sort_key(inventory: &Inventory, i: usize, column: usize) -> SortKey<'static> {
    whole(inventory, i).sort_key(column)
}

pub(super) fn row(inventory: &Inventory, i: usize) -> TableRow {
    whole(inventory, i).row
}

fn whole(inventory: &Inventory, i: usize) -> WholeRow {
    let function = &inventory.functions()[i];
    let mappings: Vec<_> = inventory.mappings_of_function(&function.arn).collect();
    let sources: Vec<&str> = mappings
        .iter()
        .map(|m| arn::resource_name(&m.event_source_arn))
        .collect();
    // Each distinct state and batch size once, in an order that does not depend on
    // the order the mappings were listed in (`dedup` alone only drops neighbours).
    let mut states: Vec<&str> = mappings.iter().map(|m| m.state.as_str()).collect();
    states.sort_unstable();
    states.dedup();
    let mut batch_sizes: Vec<Option<i32>> = mappings.iter().map(|m| m.batch_size).collect();
    batch_sizes.sort_unstable_by_key(|b| (b.is_none(), *b));
    batch_sizes.dedup();
    let batches: Vec<String> = batch_sizes
        .iter()
        .map(|b| b.map_or_else(|| "-".to_string(), |b| b.to_string()))
        .collect();
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
    let row = TableRow {
        key: function.arn.clone(),
        cells: vec![
            function.name.clone(),
            or_dash(function.runtime.clone()),
            or_dash(function.memory_mb.map(|m| m.to_string())),
            or_dash(function.timeout_seconds.map(|t| format!("{t}s"))),
            consumes.clone(),
            state.clone(),
            if batches.is_empty() {
                "-".into()
            } else {
                batches.join(",")
            },
        ],
        style,
        target: Target::Function(function.arn.clone()),
    };
    WholeRow {
        sort: vec![
            SortKey::owned(function.name.clone()),
            SortKey::owned(function.runtime.clone().unwrap_or_default()),
            function
                .memory_mb
                .map_or(SortKey::Missing, |m| SortKey::Number(m.max(0) as u64)),
            function
                .timeout_seconds
                .map_or(SortKey::Missing, |t| SortKey::Number(t.max(0) as u64)),
            SortKey::owned(consumes.clone()),
            SortKey::owned(state),
            mappings
                .iter()
                .filter_map(|m| m.batch_size)
                .max()
                .map_or(SortKey::Missing, |b| SortKey::Number(b.max(0) as u64)),
        ],
        filter_text: format!("{} {consumes}", function.name),
        row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventSourceMapping, LambdaFunction};
    use crate::resource_rows::TableKind;

    fn rows(inventory: &Inventory) -> Vec<TableRow> {
        TableKind::Lambdas.rows(inventory, None)
    }

    #[test]
    fn functions_show_what_they_consume() {
        let mut inventory = Inventory::default();
        inventory.set_functions(vec![LambdaFunction {
            role: None,
            role_policies: Default::default(),
            name: "worker".into(),
            arn: "arn:aws:lambda:r:1:function:worker".into(),
            runtime: Some("python3.13".into()),
            memory_mb: Some(256),
            timeout_seconds: Some(30),
            last_modified: None,
            dlq_arn: None,
            logging: Default::default(),
            invoke_config: Default::default(),
        }]);
        inventory.set_mappings(vec![EventSourceMapping {
            uuid: "u".into(),
            function_arn: "arn:aws:lambda:r:1:function:worker".into(),
            event_source_arn: "arn:aws:sqs:r:1:orders".into(),
            state: "Disabled".into(),
            batch_size: Some(10),
            function_response_types: Vec::new(),
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

    #[test]
    fn states_and_batch_sizes_are_each_listed_once() {
        let mut inventory = Inventory::default();
        let arn = "arn:aws:lambda:r:1:function:worker";
        inventory.set_functions(vec![LambdaFunction {
            role: None,
            role_policies: Default::default(),
            name: "worker".into(),
            arn: arn.into(),
            runtime: None,
            memory_mb: None,
            timeout_seconds: None,
            last_modified: None,
            dlq_arn: None,
            logging: Default::default(),
            invoke_config: Default::default(),
        }]);
        let mapping = |queue: &str, state: &str, batch_size: Option<i32>| EventSourceMapping {
            uuid: queue.into(),
            function_arn: arn.into(),
            event_source_arn: format!("arn:aws:sqs:r:1:{queue}"),
            state: state.into(),
            batch_size,
            function_response_types: Vec::new(),
        };
        inventory.set_mappings(vec![
            mapping("a", "Enabled", Some(10)),
            mapping("b", "Disabled", None),
            mapping("c", "Enabled", Some(5)),
            mapping("d", "Disabled", Some(10)),
        ]);
        let rows = rows(&inventory);
        assert_eq!(rows[0].cells[4], "a, b, c, d");
        assert_eq!(rows[0].cells[5], "Disabled,Enabled");
        assert_eq!(rows[0].cells[6], "5,10,-");
        assert_eq!(rows[0].style, RowStyle::Normal);
    }
}
