//! Redrive's drawing: the dialog over the view (plan, settings, how to go on) and the
//! progress view (gauge, counts, summary). The state they read is `app/redrive/`.

pub mod dialog;
pub mod progress;
