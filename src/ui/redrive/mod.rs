//! Redrive's drawing: the dialog over the view (plan, settings, how to go on) and the
//! progress view (gauge, a canary's watch and verdict, counts, summary, live charts). The state they read is `app/redrive/`.

pub mod dialog;
mod live;
pub mod progress;
