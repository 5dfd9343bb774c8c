//! Inspection planning: risk scores, plans that obey every rule on random instances, exact
//! plans equal to brute force on small ones, iCalendar output, the plan summary.

mod gen;
mod ics;
mod optimal;
mod properties;
mod risk;
mod summary;
