//! Black-box tests over HTTP against the real server. One binary keeps linking cheap.
//! `TEST_DATABASE_URL=postgres://…` runs the same tests on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]
mod auth;
mod authorization;
mod backup;
mod benchmarks;
mod calendar;
mod cases;
mod checkpoints;
mod cli;
mod conventions;
mod demo;
mod disclosures;
mod documents;
mod draw_reference;
mod enforcement_rules;
mod enterprise_inspections;
mod evidence;
mod file_reviews;
mod forgery;
mod helpers;
mod inspection_items;
mod inspection_qr;
mod legal_review;
mod legal_rules;
mod officers;
mod ops;
mod powers;
mod public;
mod random_plans;
mod record;
mod scale;
mod spec;
mod stats;
mod subjects;
mod users;
