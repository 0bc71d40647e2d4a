//! Pieces of Customer 360 drawn in the browser too (search results).

use crate::domain::customer::LoyaltyTier;
use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;

/// The loyalty tier, or nothing for a customer without a card.
#[component]
pub fn LoyaltyBadge(tier: Option<LoyaltyTier>) -> impl IntoView {
    let locale = use_locale();
    tier.map(|tier| {
        let label = match tier {
            LoyaltyTier::Member => td_string!(locale, loyalty.member),
            LoyaltyTier::Silver => td_string!(locale, loyalty.silver),
            LoyaltyTier::Gold => td_string!(locale, loyalty.gold),
        };
        view! { <span class=format!("badge tier-{}", tier.as_str())>{label}</span> }
    })
}
