//! The words of returns: reasons, conditions, where items go, as every
//! returns screen says them.

use crate::domain::returns::{Disposition, ItemCondition, ReturnReason};
use crate::i18n::{Locale, td_string};

pub fn reason_words(locale: Locale, reason: ReturnReason) -> String {
    match reason {
        ReturnReason::TooSmall => td_string!(locale, returns.reason_too_small),
        ReturnReason::TooBig => td_string!(locale, returns.reason_too_big),
        ReturnReason::NotAsPictured => td_string!(locale, returns.reason_not_as_pictured),
        ReturnReason::Defective => td_string!(locale, returns.reason_defective),
        ReturnReason::ArrivedLate => td_string!(locale, returns.reason_arrived_late),
        ReturnReason::ChangedMind => td_string!(locale, returns.reason_changed_mind),
        ReturnReason::Other => td_string!(locale, returns.reason_other),
    }
    .to_string()
}

pub fn condition_words(locale: Locale, condition: ItemCondition) -> String {
    match condition {
        ItemCondition::Resellable => td_string!(locale, returns.condition_resellable),
        ItemCondition::Damaged => td_string!(locale, returns.condition_damaged),
        ItemCondition::NeedsChecking => td_string!(locale, returns.condition_needs_checking),
    }
    .to_string()
}

pub fn disposition_words(locale: Locale, disposition: Disposition) -> String {
    match disposition {
        Disposition::Restock => td_string!(locale, returns.goes_restock),
        Disposition::ToWarehouse => td_string!(locale, returns.goes_warehouse),
        Disposition::Quarantine => td_string!(locale, returns.goes_quarantine),
    }
    .to_string()
}
