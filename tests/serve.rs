//! `provledger serve`: servers started on loopback ports the system picks
//! (`provledger::serve::Background`), talked to with the project's HTTP
//! client (reqwest, blocking), each request bounded by a timeout.
//!
//! - `support`: starting a server on a scratch ledger, a client, GET.
//! - `read`: the tile paths, the checkpoint, blobs, the JSON API.
//! - `hostile`: traversal in every encoding, slow clients, rate limit, load
//!   shedding, bad queries.
//! - `write`: POST /api/v1/statements and /api/v1/batches, every answer.
//! - `crash`: SIGKILL of `provledger serve` during group commits.

pub mod support;

mod crash;
mod hostile;
mod read;
mod write;
