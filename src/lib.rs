#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
//! enforcement — the administrative-enforcement case service of a sub-district office.
//! See DESIGN.md for the domain; the README for running it.

#[macro_use]
mod string_enum;

pub mod agencies;
pub mod app;
pub mod auth;
pub mod backup;
pub mod benchmarks;
pub mod calendar;
pub mod cases;
pub mod checkpoints;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod db;
pub mod demo;
pub mod disclosures;
pub mod discretion_lists;
pub mod documents;
pub mod error;
pub mod evidence;
pub mod file_reviews;
pub mod http;
pub mod idempotency;
pub mod inspection_items;
pub mod interference;
pub mod legal_reviews;
pub mod officers;
pub mod openapi;
pub mod ops;
pub mod powers;
pub mod public;
pub mod random_plans;
pub mod ratelimit;
pub mod record;
pub mod routes;
pub mod scale;
pub mod state;
pub mod stats;
pub mod subjects;
pub mod telemetry;
pub mod transfers;
pub mod users;
