//! The node library.
