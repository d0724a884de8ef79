//! The workflows: plain functions over the store that the GUI, the command line and the tests all
//! call. Each checks the acting staff member's permission first and records who did what.

pub mod demo;
pub mod import;
pub mod orders;
pub mod products;
pub mod settings;
pub mod staff;
