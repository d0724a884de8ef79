//! packbench: the back-room terminal of a Taobao/Tmall shop. See `DESIGN.md` of the project for
//! the layers: `domain` (rules, no I/O) ← `store` (SQLite) ← `flow` (workflows) ← faces (`cli`,
//! later the GUI), with `import` reading the files shops hand us.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod error;
pub mod flow;
pub mod home;
pub mod import;
pub mod os;
pub mod output;
pub mod print;
pub mod scan;
pub mod store;
pub mod ui;

pub use error::{Error, Result};
