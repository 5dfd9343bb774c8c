//! The aggregator library.
