//! Inspection planning: risk scores, plans that obey every rule on random instances, exact
//! plans equal to brute force on small ones, the class order (random share, mandatory first)
//! against the exact solver and a repair pass, the instance of issue 19 (Đồng Nai), iCalendar
//! output, the plan summary.

mod dong_nai;
mod gen;
mod ics;
mod optimal;
mod order;
mod properties;
mod risk;
mod search;
mod summary;
