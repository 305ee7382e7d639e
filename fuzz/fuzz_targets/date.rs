//! The date parser: a date is exactly `YYYY-MM-DD` of a day that exists; what
//! parses prints back to the same text and survives the day-number round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskfirst_model::Date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(date) = Date::parse(text) {
        assert_eq!(
            date.to_string(),
            text,
            "a parsed date prints back as written"
        );
        assert_eq!(Date::from_days(date.days()), date);
        assert_eq!(date.add_days(1).add_days(-1), date);
    }
});
