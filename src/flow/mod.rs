//! The workflows: plain functions over the store that the GUI, the command line and the tests all
//! call. Each checks the acting staff member's permission first and records who did what.

pub mod audit;
pub mod backup;
pub mod barcodes;
pub mod batch;
pub mod catalog;
pub mod check;
pub mod demo;
pub mod exceptions;
pub mod exchanges;
pub mod import;
pub mod merge;
pub mod orders;
pub mod parcels;
pub mod phone;
pub mod pick;
pub mod print;
pub mod products;
pub mod receipt;
pub mod refunds;
pub mod report;
pub mod returns;
pub mod review;
pub mod settings;
pub mod sheet;
pub mod ship;
pub mod shipments;
pub mod staff;
pub mod station;
pub mod stock;
pub mod stocktake;
pub mod team;
pub mod waybills;

#[cfg(test)]
mod testkit;
